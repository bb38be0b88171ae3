//! The one sample-design type: which samples of a count matrix an analysis uses, in which
//! order, and in which group — built once from the sample sheet and the contrast
//! ([`crate::Contrast::resolve`]) and handed to filtering, normalisation, DE, normalize and the
//! plots, so that nothing re-derives the groups.
//!
//! A design is two groups of one sheet column (merged levels allowed). Designs with
//! covariates (`~ batch + group`, edgeR's GLM path) extend it with a design matrix built from
//! further sheet columns ([`SampleDesign::with_formula`]); the two-group membership stays the
//! tested, last coefficient.

use crate::formula::{Design, Formula};
use crate::{Contrast, Result, SampleSheet};

/// A matrix sample left out of the analysis, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DroppedSample {
    /// Sample name.
    pub sample: String,
    /// Its level in the contrast column, which is in neither group.
    pub level: String,
}

impl DroppedSample {
    /// Why the sample was dropped, for logs and manifests.
    ///
    /// ```
    /// let d = degsea_core::DroppedSample { sample: "s9".into(), level: "cluster4".into() };
    /// assert_eq!(d.reason("cluster"), "cluster `cluster4` is in neither group");
    /// ```
    pub fn reason(&self, column: &str) -> String {
        format!("{column} `{}` is in neither group", self.level)
    }
}

/// A contrast resolved against a count matrix: the analysed samples and their groups, and
/// optionally the design matrix of a formula with covariates.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleDesign {
    /// The contrast it was built from.
    pub contrast: Contrast,
    /// Matrix column indices of the samples used, in matrix order.
    pub columns: Vec<usize>,
    /// Names of the samples used (same order as `columns`).
    pub samples: Vec<String>,
    /// For each used sample: `true` if it is in the test group.
    pub is_test: Vec<bool>,
    /// Matrix samples in neither group (dropped from the analysis), in matrix order.
    pub dropped: Vec<DroppedSample>,
    /// Display label of the test group, levels joined by `+`.
    pub test_label: String,
    /// Display label of the reference group.
    pub reference_label: String,
    /// The formula and its design matrix (rows follow `samples`) when the analysis adjusts for
    /// covariates; `None` for the classic two-group comparison.
    pub model: Option<Model>,
}

/// A formula with covariates and its design matrix for one contrast's samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The formula as parsed.
    pub formula: Formula,
    /// Its design matrix for the analysed samples.
    pub design: Design,
}

impl SampleDesign {
    /// Number of test samples.
    pub fn n_test(&self) -> usize {
        self.is_test.iter().filter(|&&t| t).count()
    }

    /// Number of reference samples.
    pub fn n_reference(&self) -> usize {
        self.is_test.len() - self.n_test()
    }

    /// Group index per used sample: 0 = reference, 1 = test (edgeR's `pair = 1:2` order).
    pub fn group_index(&self) -> Vec<usize> {
        self.is_test.iter().map(|&t| usize::from(t)).collect()
    }

    /// The group label of each used sample.
    pub fn group_labels(&self) -> Vec<&str> {
        self.is_test
            .iter()
            .map(|&t| if t { self.test_label.as_str() } else { self.reference_label.as_str() })
            .collect()
    }

    /// Adds the design matrix of `formula` (built from `sheet` for the analysed samples,
    /// [`Formula::design`]): the contrast's two groups become its last, tested coefficient.
    ///
    /// # Errors
    /// As [`Formula::design`]: unknown column, missing value, one-level factor, rank
    /// deficiency, no residual degrees of freedom.
    pub fn with_formula(mut self, formula: &Formula, sheet: &SampleSheet) -> Result<Self> {
        let design = formula.design(sheet, &self)?;
        self.model = Some(Model { formula: formula.clone(), design });
        Ok(self)
    }

    /// Names of the dropped samples.
    pub fn dropped_names(&self) -> Vec<&str> {
        self.dropped.iter().map(|d| d.sample.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::{Contrast, SampleSheet};

    #[test]
    fn resolve_records_samples_groups_and_drop_reasons() {
        let sheet = SampleSheet::new(
            ["a", "b", "c", "d", "e"].map(String::from).to_vec(),
            vec!["k".into()],
            ["x", "y", "w", "x", "y"].map(|l| vec![l.to_string()]).to_vec(),
        )
        .unwrap();
        let c: Contrast = "k: x vs y".parse().unwrap();
        let d = c.resolve(&sheet, &["a", "b", "c", "d", "e"].map(String::from)).unwrap();
        assert_eq!(d.samples, ["a", "b", "d", "e"]);
        assert_eq!(d.group_labels(), ["x", "y", "x", "y"]);
        assert_eq!(d.dropped_names(), ["c"]);
        assert_eq!(d.dropped[0].reason("k"), "k `w` is in neither group");
        assert_eq!(d.contrast, c);
    }
}
