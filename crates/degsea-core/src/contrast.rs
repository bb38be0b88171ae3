//! Contrasts of merged groups: `"cluster: cluster2+cluster3 vs cluster1"`.

use std::fmt;
use std::str::FromStr;

use crate::design::DroppedSample;
use crate::{Error, Result, SampleDesign, SampleSheet};

/// Minimum number of samples per group for a replicate-based dispersion estimate.
pub const MIN_GROUP_SIZE: usize = 2;

/// A two-group comparison on one sample-sheet column, each side a union of levels.
///
/// The syntax is `COLUMN: LEVEL[+LEVEL…] vs LEVEL[+LEVEL…]`; the left side is the *test* group,
/// the right side the *reference*, so a positive logFC means higher in the test group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contrast {
    /// Sample-sheet column holding the levels.
    pub column: String,
    /// Levels merged into the test group (left of `vs`).
    pub test_levels: Vec<String>,
    /// Levels merged into the reference group (right of `vs`).
    pub reference_levels: Vec<String>,
}

impl FromStr for Contrast {
    type Err = Error;

    fn from_str(spec: &str) -> Result<Self> {
        let bad = |reason: String| Error::ContrastSyntax { spec: spec.to_owned(), reason };
        let (column, rest) = spec
            .split_once(':')
            .ok_or_else(|| bad("expected `COLUMN: LEVEL[+LEVEL] vs LEVEL[+LEVEL]` (no `:` found)".into()))?;
        let column = column.trim();
        if column.is_empty() {
            return Err(bad("empty column name before `:`".into()));
        }
        let words: Vec<&str> = rest.split_whitespace().collect();
        let vs: Vec<usize> = words.iter().enumerate().filter(|(_, w)| **w == "vs").map(|(i, _)| i).collect();
        let at = match vs.as_slice() {
            [i] => *i,
            [] => return Err(bad("missing `vs` between the two groups".into())),
            _ => return Err(bad("`vs` occurs more than once".into())),
        };
        let side = |ws: &[&str], which: &str| -> Result<Vec<String>> {
            let joined = ws.join(" ");
            if joined.trim().is_empty() {
                return Err(bad(format!("empty {which} group")));
            }
            let mut levels: Vec<String> = Vec::new();
            for token in joined.split('+') {
                let t = token.trim();
                if t.is_empty() {
                    return Err(bad(format!("empty level in {which} group `{joined}`")));
                }
                if levels.iter().any(|l| l == t) {
                    return Err(bad(format!("level `{t}` repeated in {which} group")));
                }
                levels.push(t.to_owned());
            }
            Ok(levels)
        };
        let test = side(&words[..at], "test")?;
        let reference = side(&words[at + 1..], "reference")?;
        if let Some(l) = test.iter().find(|l| reference.contains(l)) {
            return Err(bad(format!("level `{l}` is on both sides")));
        }
        Ok(Self { column: column.to_owned(), test_levels: test, reference_levels: reference })
    }
}

impl fmt::Display for Contrast {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} vs {}", self.column, self.test_levels.join("+"), self.reference_levels.join("+"))
    }
}

impl Contrast {
    /// A file-name-safe label, e.g. `cluster_cluster2+cluster3_vs_cluster1`: every character
    /// other than ASCII letters, digits and `+ - _ .` becomes `_`. The Snakemake workflow's
    /// `contrast_slug` (workflow/Snakefile) computes the same name.
    pub fn slug(&self) -> String {
        let raw =
            format!("{}_{}_vs_{}", self.column, self.test_levels.join("+"), self.reference_levels.join("+"));
        raw.chars().map(|c| if c.is_ascii_alphanumeric() || "+-_.".contains(c) { c } else { '_' }).collect()
    }

    /// The output folder of each contrast of one run ([`Self::slug`]), refusing two contrasts
    /// whose folders would coincide (e.g. `g: a/b vs c` and `g: a b vs c` both give
    /// `g_a_b_vs_c`): the later one would silently overwrite the earlier one.
    ///
    /// ```
    /// use degsea_core::Contrast;
    /// let cs: Vec<Contrast> = ["g: a/b vs ctl", "g: a b vs ctl"].iter().map(|s| s.parse().unwrap()).collect();
    /// let e = Contrast::folders(&cs).unwrap_err();
    /// assert_eq!(e.to_string(), "contrasts `g: a/b vs ctl` and `g: a b vs ctl` would share the output folder \
    ///     `g_a_b_vs_ctl`; rename a level or run them separately");
    /// assert_eq!(Contrast::folders(&cs[..1])?, ["g_a_b_vs_ctl"]);
    /// # Ok::<(), degsea_core::Error>(())
    /// ```
    pub fn folders(contrasts: &[Self]) -> Result<Vec<String>> {
        let mut folders: Vec<String> = Vec::with_capacity(contrasts.len());
        for (k, c) in contrasts.iter().enumerate() {
            let slug = c.slug();
            if let Some(first) = folders.iter().position(|f| *f == slug) {
                return Err(Error::ContrastFolderClash {
                    first: contrasts[first].to_string(),
                    second: contrasts[k].to_string(),
                    folder: slug,
                });
            }
            folders.push(slug);
        }
        Ok(folders)
    }

    /// Resolves the contrast against the sample names of a count matrix into the
    /// [`SampleDesign`] every later step takes.
    ///
    /// Every matrix sample must be in the sheet and every sheet sample in the matrix; each
    /// named level must occur; each group needs at least [`MIN_GROUP_SIZE`] samples. Samples
    /// with other levels are dropped and listed.
    ///
    /// ```
    /// use degsea_core::{Contrast, SampleSheet};
    /// let sheet = SampleSheet::new(
    ///     ["a", "b", "c", "d", "e"].map(String::from).to_vec(),
    ///     vec!["k".into()],
    ///     ["1", "2", "3", "1", "2"].map(|l| vec![l.to_string()]).to_vec(),
    /// )?;
    /// let c: Contrast = "k: 2+3 vs 1".parse()?;
    /// let g = c.resolve(&sheet, &["a", "b", "c", "d", "e"].map(String::from))
    ///     .map_err(|e| e)?;
    /// assert_eq!(g.columns, [0, 1, 2, 3, 4]);
    /// assert_eq!(g.is_test, [false, true, true, false, true]);
    /// # Ok::<(), degsea_core::Error>(())
    /// ```
    pub fn resolve(&self, sheet: &SampleSheet, matrix_samples: &[String]) -> Result<SampleDesign> {
        let values = sheet.column(&self.column).ok_or_else(|| Error::UnknownColumn {
            column: self.column.clone(),
            available: sheet.columns().join(", "),
        })?;
        for s in matrix_samples {
            if sheet.position(s).is_none() {
                return Err(Error::SampleNotInSheet(s.clone()));
            }
        }
        for id in sheet.ids() {
            if !matrix_samples.contains(id) {
                return Err(Error::SampleNotInMatrix(id.clone()));
            }
        }
        let mut available: Vec<&str> = Vec::new();
        for v in values {
            if !available.contains(&v.as_str()) {
                available.push(v);
            }
        }
        for level in self.test_levels.iter().chain(&self.reference_levels) {
            if !available.contains(&level.as_str()) {
                return Err(Error::UnknownLevel {
                    column: self.column.clone(),
                    level: level.clone(),
                    available: available.join(", "),
                });
            }
        }
        let mut groups = SampleDesign {
            contrast: self.clone(),
            columns: Vec::new(),
            samples: Vec::new(),
            is_test: Vec::new(),
            dropped: Vec::new(),
            test_label: self.test_levels.join("+"),
            reference_label: self.reference_levels.join("+"),
            model: None,
        };
        for (j, s) in matrix_samples.iter().enumerate() {
            let level = &values[sheet.position(s).expect("checked above")];
            let is_test = self.test_levels.contains(level);
            if is_test || self.reference_levels.contains(level) {
                groups.columns.push(j);
                groups.samples.push(s.clone());
                groups.is_test.push(is_test);
            } else {
                groups.dropped.push(DroppedSample { sample: s.clone(), level: level.clone() });
            }
        }
        for (label, n) in
            [(&groups.test_label, groups.n_test()), (&groups.reference_label, groups.n_reference())]
        {
            if n < MIN_GROUP_SIZE {
                return Err(Error::GroupTooSmall { group: label.clone(), n });
            }
        }
        Ok(groups)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_merged_groups() {
        let c: Contrast = "cluster: cluster2+cluster3 vs cluster1".parse().unwrap();
        assert_eq!(c.to_string(), "cluster: cluster2+cluster3 vs cluster1");
        assert_eq!(c.slug(), "cluster_cluster2+cluster3_vs_cluster1");
        let c: Contrast = "dex:treated vs control".parse().unwrap();
        assert_eq!(c.test_levels, ["treated"]);
    }

    #[test]
    fn syntax_errors_name_the_token() {
        for (spec, needle) in [
            ("cluster cluster2 vs cluster1", "no `:`"),
            ("cluster: cluster2 cluster1", "missing `vs`"),
            ("cluster: a vs b vs c", "more than once"),
            ("cluster: a++b vs c", "empty level"),
            ("cluster: vs c", "empty test group"),
            ("cluster: a vs a", "`a` is on both sides"),
            (": a vs b", "empty column"),
        ] {
            let e = spec.parse::<Contrast>().unwrap_err().to_string();
            assert!(e.contains(needle), "{spec}: {e}");
        }
    }

    fn sheet() -> SampleSheet {
        SampleSheet::new(
            ["a", "b", "c", "d"].map(String::from).to_vec(),
            vec!["k".into()],
            ["x", "x", "y", "z"].map(|l| vec![l.to_string()]).to_vec(),
        )
        .unwrap()
    }

    #[test]
    fn resolve_errors() {
        let m: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        let c: Contrast = "q: x vs y".parse().unwrap();
        assert!(matches!(c.resolve(&sheet(), &m), Err(Error::UnknownColumn { .. })));
        let c: Contrast = "k: x vs w".parse().unwrap();
        assert!(matches!(c.resolve(&sheet(), &m), Err(Error::UnknownLevel { .. })));
        let c: Contrast = "k: x vs y".parse().unwrap();
        assert_eq!(c.resolve(&sheet(), &m), Err(Error::GroupTooSmall { group: "y".into(), n: 1 }));
        let c: Contrast = "k: x vs y+z".parse().unwrap();
        let g = c.resolve(&sheet(), &m).unwrap();
        assert_eq!(g.group_index(), [1, 1, 0, 0]);
        let short: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        assert_eq!(c.resolve(&sheet(), &short), Err(Error::SampleNotInMatrix("d".into())));
        let extra: Vec<String> = ["a", "b", "c", "d", "e"].map(String::from).to_vec();
        assert_eq!(c.resolve(&sheet(), &extra), Err(Error::SampleNotInSheet("e".into())));
    }
}
