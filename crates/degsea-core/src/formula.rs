//! Model formulas (`~ a + b`) and their design matrices, as R's `model.matrix` builds them
//! (GLM.md G1).
//!
//! A formula lists main effects of sample-sheet columns; the intercept is always present.
//! Factors use R's treatment contrasts (first level in sorted order is the baseline, one
//! indicator per other level); a column whose every value is a number is numeric (one
//! column) unless written `factor(col)`. The contrast's column is recoded to its two
//! (possibly merged) groups and becomes the last, tested coefficient.

use std::fmt;
use std::str::FromStr;

use ndarray::{Array2, ArrayView2};

use crate::{Error, Result, SampleDesign, SampleSheet};

/// R's `qr()` tolerance (LINPACK `dqrdc2`, `tol = 1e-07`), used for the rank of a design.
pub const QR_TOLERANCE: f64 = 1e-7;
/// Name of the intercept column, as `model.matrix` prints it.
pub const INTERCEPT: &str = "(Intercept)";

/// One main-effect term of a formula.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The sample-sheet column.
    pub column: String,
    /// Written `factor(column)`: coded as a factor even if every value is numeric.
    pub force_factor: bool,
}

impl Term {
    fn label(&self) -> String {
        if self.force_factor { format!("factor({})", self.column) } else { self.column.clone() }
    }
}

/// A parsed model formula `~ term + term + …` (main effects only).
///
/// ```
/// use degsea_core::formula::Formula;
/// let f: Formula = "~ celltype + factor(batch) + dex".parse()?;
/// assert_eq!(f.terms.len(), 3);
/// assert!(f.terms[1].force_factor);
/// assert_eq!(f.to_string(), "~ celltype + factor(batch) + dex");
/// assert!("~ a * b".parse::<Formula>().is_err());
/// # Ok::<(), degsea_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formula {
    /// The terms in written order.
    pub terms: Vec<Term>,
}

impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t: Vec<String> = self.terms.iter().map(Term::label).collect();
        write!(f, "~ {}", if t.is_empty() { "1".to_owned() } else { t.join(" + ") })
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '-')
}

impl FromStr for Formula {
    type Err = Error;

    fn from_str(spec: &str) -> Result<Self> {
        let bad = |reason: String| Error::FormulaSyntax { formula: spec.to_owned(), reason };
        let rest = spec
            .trim()
            .strip_prefix('~')
            .ok_or_else(|| bad("a formula starts with `~`, e.g. `~ batch + condition`".into()))?;
        let mut terms: Vec<Term> = Vec::new();
        for raw in rest.split('+') {
            let t = raw.trim();
            if t.is_empty() {
                return Err(bad("empty term (two `+` in a row or a trailing `+`)".into()));
            }
            if t.contains(':') || t.contains('*') {
                return Err(Error::FormulaInteraction { term: t.to_owned() });
            }
            if t == "1" {
                continue;
            }
            if t == "0" || t.starts_with('-') || t.contains(" -") {
                return Err(bad(format!("`{t}`: the intercept cannot be removed")));
            }
            let term = if let Some(inner) = t.strip_prefix("factor(").and_then(|r| r.strip_suffix(')')) {
                Term { column: inner.trim().to_owned(), force_factor: true }
            } else {
                Term { column: t.to_owned(), force_factor: false }
            };
            if !is_name(&term.column) {
                return Err(bad(format!("`{t}` is not a column name or `factor(column)`")));
            }
            if terms.iter().any(|o| o.column == term.column) {
                return Err(bad(format!("column `{}` appears twice", term.column)));
            }
            terms.push(term);
        }
        Ok(Self { terms })
    }
}

/// A design matrix: samples × coefficients, with R's column names.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// Rows follow `SampleDesign::samples` (the samples of the contrast, in matrix order).
    pub matrix: Array2<f64>,
    /// Column names as `model.matrix` gives them (`(Intercept)`, `celltypeN61311`, …).
    pub columns: Vec<String>,
    /// Index of the tested coefficient (the contrast's, always the last column).
    pub tested: usize,
}

/// Whether a sheet value is R's `NA` (or empty).
fn is_na(v: &str) -> bool {
    let t = v.trim();
    t.is_empty() || t == "NA"
}

impl Formula {
    /// Builds the design matrix for the analysed samples of a resolved contrast.
    ///
    /// Terms naming the contrast's column are replaced by the two-group coding, which is
    /// always added as the last column `COLUMN<test levels>` (e.g. `dextreated`).
    ///
    /// # Errors
    /// [`Error::FormulaUnknownColumn`], [`Error::MissingCovariate`] (an `NA` or empty value),
    /// [`Error::OneLevel`], [`Error::RankDeficient`] naming the inestimable columns, and
    /// [`Error::NoResidualDf`] when there are no more samples than coefficients.
    ///
    /// ```
    /// use degsea_core::{Contrast, SampleSheet, formula::Formula};
    /// let ids: Vec<String> = ["s1", "s2", "s3", "s4", "s5", "s6"].map(String::from).to_vec();
    /// let rows = [["A", "x"], ["A", "y"], ["A", "x"], ["B", "y"], ["B", "x"], ["B", "y"]]
    ///     .map(|r| r.map(String::from).to_vec()).to_vec();
    /// let sheet = SampleSheet::new(ids.clone(), vec!["g".into(), "batch".into()], rows)?;
    /// let c: Contrast = "g: B vs A".parse()?;
    /// let groups = c.resolve(&sheet, &ids)?;
    /// let f: Formula = "~ batch + g".parse()?;
    /// let d = f.design(&sheet, &groups)?;
    /// assert_eq!(d.columns, ["(Intercept)", "batchy", "gB"]);
    /// assert_eq!(d.tested, 2);
    /// # Ok::<(), degsea_core::Error>(())
    /// ```
    pub fn design(&self, sheet: &SampleSheet, groups: &SampleDesign) -> Result<Design> {
        let contrast = &groups.contrast;
        let samples: Vec<&String> = groups.samples.iter().collect();
        let n = samples.len();
        let mut cols: Vec<(String, Vec<f64>)> = vec![(INTERCEPT.to_owned(), vec![1.0; n])];
        for term in self.terms.iter().filter(|t| t.column != contrast.column) {
            let values = sheet.column(&term.column).ok_or_else(|| Error::FormulaUnknownColumn {
                column: term.column.clone(),
                available: sheet.columns().join(", "),
            })?;
            let vals: Vec<&str> = samples
                .iter()
                .map(|s| values[sheet.position(s).expect("resolved samples are in the sheet")].as_str())
                .collect();
            if let Some((i, _)) = vals.iter().enumerate().find(|(_, v)| is_na(v)) {
                return Err(Error::MissingCovariate {
                    column: term.column.clone(),
                    sample: samples[i].clone(),
                });
            }
            let numeric: Option<Vec<f64>> = if term.force_factor {
                None
            } else {
                vals.iter().map(|v| v.trim().parse::<f64>().ok().filter(|x| x.is_finite())).collect()
            };
            if let Some(x) = numeric {
                cols.push((term.column.clone(), x));
                continue;
            }
            let mut levels: Vec<&str> = vals.clone();
            levels.sort_unstable();
            levels.dedup();
            if levels.len() < 2 {
                return Err(Error::OneLevel { column: term.column.clone(), level: levels[0].to_owned() });
            }
            for level in &levels[1..] {
                let x = vals.iter().map(|v| if v == level { 1.0 } else { 0.0 }).collect();
                cols.push((format!("{}{level}", term.label()), x));
            }
        }
        cols.push((
            format!("{}{}", contrast.column, groups.test_label),
            groups.is_test.iter().map(|&t| if t { 1.0 } else { 0.0 }).collect(),
        ));
        let p = cols.len();
        let mut matrix = Array2::zeros((n, p));
        for (j, (_, x)) in cols.iter().enumerate() {
            for (i, &v) in x.iter().enumerate() {
                matrix[[i, j]] = v;
            }
        }
        let columns: Vec<String> = cols.into_iter().map(|c| c.0).collect();
        let (rank, deficient) = rank_dqrdc2(&matrix.view());
        if rank < p {
            return Err(Error::RankDeficient {
                formula: self.to_string(),
                columns: deficient.iter().map(|&j| columns[j].clone()).collect::<Vec<_>>().join(", "),
            });
        }
        if n <= p {
            return Err(Error::NoResidualDf { samples: n, coefficients: p });
        }
        Ok(Design { matrix, columns, tested: p - 1 })
    }
}

/// Rank of `x` as R's `qr(x)$rank` decides it (LINPACK `dqrdc2`, limited pivoting): a column
/// whose norm after orthogonalising against the accepted columns is below [`QR_TOLERANCE`]
/// times its original norm is deficient (moved to the end by R, named by edgeR's
/// `nonEstimable`). Returns the rank and the deficient columns (0-based, in order).
///
/// ```
/// let x = ndarray::array![[1.0, 1.0, 0.0], [1.0, 0.0, 1.0], [1.0, 1.0, 0.0]];
/// assert_eq!(degsea_core::formula::rank_dqrdc2(&x.view()), (2, vec![2]));
/// ```
pub fn rank_dqrdc2(x: &ArrayView2<'_, f64>) -> (usize, Vec<usize>) {
    let n = x.nrows();
    let mut basis: Vec<Vec<f64>> = Vec::new();
    let mut deficient = Vec::new();
    for (j, col) in x.columns().into_iter().enumerate() {
        let mut v: Vec<f64> = col.to_vec();
        let norm0 = v.iter().map(|a| a * a).sum::<f64>().sqrt();
        // Two Gram-Schmidt passes keep the residual norm accurate near the tolerance.
        for _ in 0..2 {
            for q in &basis {
                let d: f64 = q.iter().zip(&v).map(|(a, b)| a * b).sum();
                for (vi, qi) in v.iter_mut().zip(q) {
                    *vi -= d * qi;
                }
            }
        }
        let norm = v.iter().map(|a| a * a).sum::<f64>().sqrt();
        if basis.len() < n && norm0 > 0.0 && norm >= QR_TOLERANCE * norm0 {
            for a in &mut v {
                *a /= norm;
            }
            basis.push(v);
        } else {
            deficient.push(j);
        }
    }
    (basis.len(), deficient)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet() -> (SampleSheet, Vec<String>) {
        let ids: Vec<String> = (1..=8).map(|i| format!("s{i}")).collect();
        let cols = ["cond", "age", "batch", "dup", "one", "lane", "na"];
        let rows: Vec<Vec<String>> = (0..8)
            .map(|i| {
                let cond = if i < 4 { "ctrl" } else { "trt" };
                let age = ["31", "45.5", "52", "38", "61", "29", "47", "55"][i];
                let batch = ["b", "a", "b", "c", "a", "b", "c", "a"][i];
                let dup = if i < 4 { "x" } else { "y" };
                let lane = ["1", "2", "1", "2", "1", "2", "1", "2"][i];
                let na = if i == 5 { "NA" } else { "q" };
                [cond, age, batch, dup, "k", lane, na].map(String::from).to_vec()
            })
            .collect();
        (SampleSheet::new(ids.clone(), cols.map(String::from).to_vec(), rows).unwrap(), ids)
    }

    fn design(f: &str) -> Result<Design> {
        let (s, ids) = sheet();
        let c: crate::Contrast = "cond: trt vs ctrl".parse().unwrap();
        let g = c.resolve(&s, &ids).unwrap();
        f.parse::<Formula>()?.design(&s, &g)
    }

    #[test]
    fn columns_are_named_as_model_matrix() {
        let d = design("~ age + batch + factor(lane) + cond").unwrap();
        assert_eq!(d.columns, ["(Intercept)", "age", "batchb", "batchc", "factor(lane)2", "condtrt"]);
        assert_eq!(d.matrix.column(1).to_vec(), [31.0, 45.5, 52.0, 38.0, 61.0, 29.0, 47.0, 55.0]);
        assert_eq!(d.matrix.column(2).to_vec(), [1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
        assert_eq!(d.matrix.column(5).to_vec(), [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]);
        assert_eq!(d.tested, 5);
        // The contrast column is last even when written first or omitted; lane is numeric.
        let d = design("~ cond + lane").unwrap();
        assert_eq!(d.columns, ["(Intercept)", "lane", "condtrt"]);
        assert_eq!(design("~ 1 + batch").unwrap().columns, ["(Intercept)", "batchb", "batchc", "condtrt"]);
    }

    #[test]
    fn errors_name_the_culprit() {
        let msg = |f: &str| design(f).unwrap_err().to_string();
        assert!(msg("~ dup + cond").contains("condtrt"), "{}", msg("~ dup + cond"));
        assert!(msg("~ nope + cond").contains("`nope`"));
        assert!(msg("~ one + cond").contains("single level `k`"));
        assert!(msg("~ na + cond").contains("sample `s6`"));
        assert!(msg("~ batch:lane").contains("interaction term `batch:lane`"));
        assert!(msg("~ batch*lane").contains("interaction term `batch*lane`"));
        assert!(msg("batch").contains("starts with `~`"));
        assert!(msg("~ batch +").contains("empty term"));
        assert!(msg("~ 0 + batch").contains("intercept"));
        assert!(msg("~ log(age)").contains("`log(age)`"));
        assert!(msg("~ age + factor(age)").contains("appears twice"));
    }

    #[test]
    fn too_many_coefficients() {
        let e = design("~ factor(age) + cond").unwrap_err();
        assert!(matches!(e, Error::RankDeficient { .. } | Error::NoResidualDf { .. }), "{e}");
        let x = ndarray::array![[1.0, 0.0], [1.0, 1.0]];
        assert_eq!(rank_dqrdc2(&x.view()), (2, vec![]));
    }
}
