//! Parsers for the textual settings of `degsea simulate`: groups and planted shifts.

use std::fmt;
use std::str::FromStr;

use crate::{Error, Result};

/// Characters a level name may not contain: they are separators in group specifications
/// (`,` `=`), in contrasts (`+`, `:`) or in TSV files.
const LEVEL_FORBIDDEN: &[char] = &[',', '=', '+', ':', '\t', ' '];

/// Simulated groups: level names with their sample counts, in the order given.
///
/// Parsed from `LEVEL=N[,LEVEL=N…]`, e.g. `cluster1=24,cluster2=5,cluster3=9`.
///
/// ```
/// use degsea_sim::GroupSpec;
/// let g: GroupSpec = "cluster1=24,cluster2=5,cluster3=9".parse()?;
/// assert_eq!(g.n_samples(), 38);
/// assert_eq!(g.levels()[1], ("cluster2".to_string(), 5));
/// # Ok::<(), degsea_sim::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSpec {
    levels: Vec<(String, usize)>,
}

impl GroupSpec {
    /// Builds a specification from `(level, size)` pairs, checking names and sizes.
    pub fn new(levels: Vec<(String, usize)>) -> Result<Self> {
        let spec = levels.iter().map(|(l, n)| format!("{l}={n}")).collect::<Vec<_>>().join(",");
        let bad = |reason: String| Error::GroupSpec { spec: spec.clone(), reason };
        if levels.is_empty() {
            return Err(bad("no groups given".into()));
        }
        for (i, (level, size)) in levels.iter().enumerate() {
            check_level_name(level).map_err(&bad)?;
            if *size == 0 {
                return Err(bad(format!("group `{level}` has 0 samples")));
            }
            if levels[..i].iter().any(|(l, _)| l == level) {
                return Err(bad(format!("group `{level}` is given twice")));
            }
        }
        Ok(Self { levels })
    }

    /// The `(level, size)` pairs in the order given.
    pub fn levels(&self) -> &[(String, usize)] {
        &self.levels
    }

    /// Total number of samples.
    pub fn n_samples(&self) -> usize {
        self.levels.iter().map(|(_, n)| n).sum()
    }

    /// Whether `level` is one of the groups.
    pub fn contains(&self, level: &str) -> bool {
        self.levels.iter().any(|(l, _)| l == level)
    }
}

fn check_level_name(level: &str) -> std::result::Result<(), String> {
    if level.is_empty() {
        return Err("empty group name".into());
    }
    if let Some(c) = level.chars().find(|c| LEVEL_FORBIDDEN.contains(c) || c.is_control()) {
        return Err(format!("group name `{level}` contains `{}`", c.escape_default()));
    }
    Ok(())
}

impl FromStr for GroupSpec {
    type Err = Error;

    fn from_str(spec: &str) -> Result<Self> {
        let bad = |reason: String| Error::GroupSpec { spec: spec.to_owned(), reason };
        let mut levels = Vec::new();
        for entry in spec.split(',') {
            let entry = entry.trim();
            let (level, size) =
                entry.split_once('=').ok_or_else(|| bad(format!("entry `{entry}` is not LEVEL=N")))?;
            let level = level.trim();
            let size = size.trim();
            let n: usize = size
                .parse()
                .map_err(|_| bad(format!("size `{size}` of group `{level}` is not a whole number")))?;
            levels.push((level.to_owned(), n));
        }
        Self::new(levels).map_err(|e| match e {
            Error::GroupSpec { reason, .. } => bad(reason),
            other => other,
        })
    }
}

impl fmt::Display for GroupSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.levels.iter().map(|(l, n)| format!("{l}={n}")).collect();
        f.write_str(&parts.join(","))
    }
}

/// Largest planted |log2 fold change| accepted (a 1000-fold shift is already unrealistic).
pub const MAX_ABS_PLANT_LOG2FC: f64 = 10.0;

/// A planted gene-set shift: a fraction of the set's genes get this log2 fold change in the
/// test group(s). Parsed from `SET=LOG2FC`, e.g. `HALLMARK_E2F_TARGETS=+0.6`.
///
/// ```
/// use degsea_sim::Plant;
/// let p: Plant = "HALLMARK_TNFA_SIGNALING_VIA_NFKB=-0.5".parse()?;
/// assert_eq!(p.set, "HALLMARK_TNFA_SIGNALING_VIA_NFKB");
/// assert_eq!(p.log2_fold_change, -0.5);
/// # Ok::<(), degsea_sim::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Plant {
    /// Gene-set name, as in the collection.
    pub set: String,
    /// Mean log2 fold change, test over reference, of the moved genes.
    pub log2_fold_change: f64,
}

impl FromStr for Plant {
    type Err = Error;

    fn from_str(spec: &str) -> Result<Self> {
        let bad = |reason: String| Error::PlantSpec { spec: spec.to_owned(), reason };
        let (set, value) = spec
            .rsplit_once('=')
            .ok_or_else(|| bad("expected SET=LOG2FC, e.g. HALLMARK_E2F_TARGETS=+0.6".into()))?;
        let set = set.trim();
        let value = value.trim();
        if set.is_empty() {
            return Err(bad("empty gene-set name".into()));
        }
        let lfc: f64 =
            value.parse().map_err(|_| bad(format!("log2 fold change `{value}` is not a number")))?;
        if !lfc.is_finite() || lfc.abs() > MAX_ABS_PLANT_LOG2FC {
            return Err(bad(format!("log2 fold change `{value}` is outside ±{MAX_ABS_PLANT_LOG2FC}")));
        }
        Ok(Self { set: set.to_owned(), log2_fold_change: lfc })
    }
}

impl fmt::Display for Plant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={:+}", self.set, self.log2_fold_change)
    }
}

/// Default fraction of genes a covariate level moves.
pub const DEFAULT_COVARIATE_FRACTION: f64 = 0.1;
/// Default s.d. of a covariate level's log2 effects on the genes it moves.
pub const DEFAULT_COVARIATE_SD: f64 = 1.0;
/// Largest association of a covariate with the test group accepted (1 already separates).
pub const MAX_COVARIATE_ASSOCIATION: f64 = 1.0;

/// A sample-sheet covariate with its own effects: levels with their sample counts, and, for
/// each level but the first, a random `fraction` of the genes shifted by N(0, `sd`²) in log2.
/// Levels are assigned to samples in order of `association·[test group] + U(0, 1)`: at 0
/// independently of the groups, at 1 or more every test sample takes the later levels (a
/// covariate confounded with the contrast, which the exact test mistakes for group effects).
///
/// Parsed from `NAME:LEVEL=N,LEVEL=N…[:FRACTION[:SD[:ASSOCIATION]]]`, e.g.
/// `stage:I=13,II=11,III=15:0.1:1` (three stages, 10 % of genes moved per stage with log2 s.d.
/// 1), `stage:I=13,II=11,III=15:0.1:1:0.5` (later stages more often in the test group) or
/// `batch:A=19,B=19:1:0.2` (a batch shifting every gene a little).
///
/// ```
/// use degsea_sim::CovariateSpec;
/// let c: CovariateSpec = "stage:I=13,II=11,III=15:0.2".parse()?;
/// assert_eq!((c.name.as_str(), c.levels.n_samples(), c.fraction, c.sd), ("stage", 39, 0.2, 1.0));
/// assert_eq!(c.to_string(), "stage:I=13,II=11,III=15:0.2:1");
/// # Ok::<(), degsea_sim::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CovariateSpec {
    /// Sample-sheet column name.
    pub name: String,
    /// Levels and their sample counts (the first is the baseline).
    pub levels: GroupSpec,
    /// Fraction of genes moved by each non-baseline level.
    pub fraction: f64,
    /// S.d. of the log2 effects.
    pub sd: f64,
    /// Association of the later levels with the test group (0: none).
    pub association: f64,
}

impl FromStr for CovariateSpec {
    type Err = Error;

    fn from_str(spec: &str) -> Result<Self> {
        let bad = |reason: String| Error::CovariateSpec { spec: spec.to_owned(), reason };
        let mut parts = spec.split(':');
        let name = parts.next().unwrap_or_default().trim();
        if name.is_empty() || name == "sample" || name.contains(['\t', ' ', ',', '=']) {
            return Err(bad(format!(
                "column name `{name}` must be non-empty, without blanks, `,` or `=`, and not `sample`"
            )));
        }
        let levels: GroupSpec = parts
            .next()
            .ok_or_else(|| bad("expected NAME:LEVEL=N,LEVEL=N[:FRACTION[:SD]]".into()))?
            .parse()
            .map_err(|e: Error| bad(e.to_string()))?;
        if levels.levels().len() < 2 {
            return Err(bad("a covariate needs at least two levels".into()));
        }
        let number = |text: Option<&str>, what: &str, default: f64, max: f64| -> Result<f64> {
            let Some(t) = text else { return Ok(default) };
            let v: f64 = t.trim().parse().map_err(|_| bad(format!("{what} `{t}` is not a number")))?;
            if v.is_finite() && (0.0..=max).contains(&v) {
                Ok(v)
            } else {
                Err(bad(format!("{what} `{t}` is outside [0, {max}]")))
            }
        };
        let fraction = number(parts.next(), "fraction", DEFAULT_COVARIATE_FRACTION, 1.0)?;
        let sd = number(parts.next(), "s.d.", DEFAULT_COVARIATE_SD, MAX_ABS_PLANT_LOG2FC)?;
        let association = number(parts.next(), "association", 0.0, MAX_COVARIATE_ASSOCIATION)?;
        if let Some(extra) = parts.next() {
            return Err(bad(format!("unexpected `:{extra}`")));
        }
        Ok(Self { name: name.to_owned(), levels, fraction, sd, association })
    }
}

impl fmt::Display for CovariateSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}:{}", self.name, self.levels, self.fraction, self.sd)?;
        if self.association > 0.0 {
            write!(f, ":{}", self.association)?;
        }
        Ok(())
    }
}

/// Parses test levels joined by `+` (`cluster2+cluster3`).
///
/// ```
/// assert_eq!(degsea_sim::parse_levels("a+b")?, ["a", "b"]);
/// # Ok::<(), degsea_sim::Error>(())
/// ```
pub fn parse_levels(spec: &str) -> Result<Vec<String>> {
    let mut levels: Vec<String> = Vec::new();
    for token in spec.split('+') {
        let t = token.trim();
        if t.is_empty() {
            return Err(Error::Groups(format!("empty level in test groups `{spec}`")));
        }
        if levels.iter().any(|l| l == t) {
            return Err(Error::Groups(format!("level `{t}` repeated in test groups `{spec}`")));
        }
        levels.push(t.to_owned());
    }
    Ok(levels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_spec_round_trip() {
        let g: GroupSpec = " a=3, b = 4 ".parse().unwrap();
        assert_eq!(g.to_string(), "a=3,b=4");
        assert_eq!(g.n_samples(), 7);
        assert!(g.contains("b") && !g.contains("c"));
    }

    #[test]
    fn group_spec_errors_name_the_token() {
        for (spec, needle) in [
            ("a=3,b", "entry `b` is not LEVEL=N"),
            ("a=x", "size `x` of group `a`"),
            ("a=-1", "size `-1`"),
            ("a=0", "`a` has 0 samples"),
            ("a=2,a=3", "`a` is given twice"),
            ("=3", "empty group name"),
            ("a+b=3", "contains `+`"),
            ("", "entry `` is not"),
        ] {
            let e = spec.parse::<GroupSpec>().unwrap_err().to_string();
            assert!(e.contains(needle), "{spec}: {e}");
            assert!(e.starts_with("invalid group specification"), "{e}");
        }
    }

    #[test]
    fn plant_spec() {
        let p: Plant = "S=+0.6".parse().unwrap();
        assert_eq!(p.log2_fold_change, 0.6);
        assert_eq!(p.to_string(), "S=+0.6");
        for (spec, needle) in [
            ("S", "expected SET=LOG2FC"),
            ("=1", "empty gene-set name"),
            ("S=up", "`up` is not a number"),
            ("S=NaN", "outside"),
            ("S=11", "outside"),
        ] {
            let e = spec.parse::<Plant>().unwrap_err().to_string();
            assert!(e.contains(needle), "{spec}: {e}");
        }
    }

    #[test]
    fn covariate_spec() {
        let c: CovariateSpec = "batch:A=2,B=2:1:0.25".parse().unwrap();
        assert_eq!((c.fraction, c.sd), (1.0, 0.25));
        for (spec, needle) in [
            ("stage", "expected NAME:LEVEL"),
            ("stage:I=3", "at least two levels"),
            ("stage:I=3,II=x", "size `x`"),
            ("stage:I=3,II=3:2", "fraction `2` is outside"),
            ("stage:I=3,II=3:0.1:z", "s.d. `z` is not a number"),
            ("sample:I=3,II=3", "not `sample`"),
            ("s:I=3,II=3:0.1:1:0.5:9", "unexpected `:9`"),
            ("s:I=3,II=3:0.1:1:2", "association `2` is outside"),
        ] {
            let e = spec.parse::<CovariateSpec>().unwrap_err().to_string();
            assert!(e.contains(needle), "{spec}: {e}");
        }
    }

    #[test]
    fn levels() {
        assert_eq!(parse_levels("x").unwrap(), ["x"]);
        assert!(parse_levels("x++y").is_err());
        assert!(parse_levels("x+x").is_err());
    }
}
