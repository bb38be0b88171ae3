//! Shared loading and comparison code of the GLM golden tests (GLM.md G7).

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::print_stdout, clippy::missing_panics_doc)]

use std::collections::HashMap;
use std::path::Path;

use degsea_core::CountMatrix;
use degsea_de::cpm::effective_lib_sizes;
use degsea_de::filter::FilterOptions;
use degsea_de::glm::filter::filter_by_expr_design;
use degsea_de::norm::{Method, calc_norm_factors};
use degsea_de::onegroup::{Dispersion, ave_log_cpm};
use degsea_io::counts::ReadOptions;
use ndarray::Array2;

/// GLM.md G7 tolerances.
pub const TOL_NORM: f64 = 1e-12;
pub const TOL_DISP: f64 = 1e-6;
pub const TOL_LOGFC: f64 = 1e-6;
pub const TOL_LOGCPM: f64 = 1e-10;
pub const TOL_STAT: f64 = 1e-6;
pub const TOL_P: f64 = 1e-5;
/// P-values at or below this are not compared relatively (G7: "PValue > 1e-300").
pub const P_FLOOR: f64 = 1e-300;
/// The FDR threshold whose calls must agree.
pub const FDR_CALL: f64 = 0.05;

/// An R-written TSV: header, then rows keyed by the first column.
pub struct Table {
    pub header: Vec<String>,
    pub keys: Vec<String>,
    pub rows: HashMap<String, Vec<String>>,
}

impl Table {
    pub fn read(path: &Path) -> Self {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut lines = text.lines();
        let header: Vec<String> = lines.next().unwrap().split('\t').map(str::to_owned).collect();
        let mut keys = Vec::new();
        let mut rows = HashMap::new();
        for l in lines.filter(|l| !l.is_empty()) {
            let f: Vec<String> = l.split('\t').map(str::to_owned).collect();
            keys.push(f[0].clone());
            rows.insert(f[0].clone(), f[1..].to_vec());
        }
        Self { header, keys, rows }
    }

    pub fn num(&self, key: &str, col: &str) -> f64 {
        let c = self.header.iter().position(|h| h == col).unwrap_or_else(|| panic!("no column {col}")) - 1;
        self.rows[key][c].parse().unwrap()
    }

    pub fn column(&self, keys: &[String], col: &str) -> Vec<f64> {
        keys.iter().map(|k| self.num(k, col)).collect()
    }
}

/// A reference folder and the DGEList state it implies.
pub struct Dataset {
    pub name: &'static str,
    pub dir: std::path::PathBuf,
    pub genes: Vec<String>,
    pub counts: Array2<f64>,
    pub design: Array2<f64>,
    pub design_names: Vec<String>,
    pub offset: Vec<f64>,
    pub ave_log_cpm: Vec<f64>,
    pub ql: Table,
}

/// Worst relative/absolute error collector with the worst cells for the failure message.
pub struct Check {
    pub what: String,
    pub tol: f64,
    pub relative: bool,
    pub worst: Vec<(f64, String, f64, f64)>,
}

impl Check {
    pub fn new(what: &str, tol: f64, relative: bool) -> Self {
        Self { what: what.to_owned(), tol, relative, worst: Vec::new() }
    }

    pub fn add(&mut self, gene: &str, ours: f64, theirs: f64) {
        let err = if ours == theirs {
            0.0
        } else if self.relative {
            (ours - theirs).abs() / theirs.abs()
        } else {
            (ours - theirs).abs()
        };
        let err = if err.is_nan() { f64::INFINITY } else { err };
        self.worst.push((err, gene.to_owned(), ours, theirs));
    }

    pub fn max(&self) -> f64 {
        self.worst.iter().map(|w| w.0).fold(0.0, f64::max)
    }

    /// Prints the worst value; returns a failure description if above tolerance.
    pub fn report(mut self, dataset: &str) -> Option<String> {
        self.worst.sort_by(|a, b| b.0.total_cmp(&a.0));
        let m = self.worst.first().map_or(0.0, |w| w.0);
        println!(
            "{dataset} {}: worst {} error {m:.3e} (tolerance {:.0e})",
            self.what,
            if self.relative { "relative" } else { "absolute" },
            self.tol
        );
        (m > self.tol).then(|| {
            let cells: Vec<String> = self
                .worst
                .iter()
                .take(5)
                .map(|(e, g, o, t)| format!("{g}: ours {o:.17e} R {t:.17e} err {e:.3e}"))
                .collect();
            format!("{dataset} {} exceeds {:.0e}:\n  {}", self.what, self.tol, cells.join("\n  "))
        })
    }
}

/// Loads counts, design (from the reference's design.tsv), filters, TMM, offsets and
/// AveLogCPM (with the common dispersion, as `estimateDisp.DGEList` sets `y$AveLogCPM`).
/// Checks filter and norm factors on the way; returns the failures found.
pub fn load(name: &'static str, shared: &Path, failures: &mut Vec<String>) -> Dataset {
    let dir = shared.join("reference").join(format!("{name}_glm"));
    let data = shared.join("data").join(name);
    let matrix: CountMatrix =
        degsea_io::counts::read_counts(&data.join("counts.tsv"), &ReadOptions::default()).unwrap().matrix;
    let design_t = Table::read(&dir.join("design.tsv"));
    let design_names = design_t.header[1..].to_vec();
    let cols: Vec<usize> =
        design_t.keys.iter().map(|s| matrix.samples().iter().position(|m| m == s).unwrap()).collect();
    let selected = matrix.select_samples(&cols);
    let mut design = Array2::zeros((cols.len(), design_names.len()));
    for (i, s) in design_t.keys.iter().enumerate() {
        for (j, c) in design_names.iter().enumerate() {
            design[[i, j]] = design_t.num(s, c);
        }
    }
    let keep = filter_by_expr_design(
        &selected.counts(),
        &selected.lib_sizes(),
        &design.view(),
        &FilterOptions::default(),
    )
    .unwrap();
    let filter = Table::read(&dir.join("filter.tsv"));
    let mut bad = 0;
    for (g, k) in selected.genes().iter().zip(&keep) {
        let r = filter.rows[g][0] == "TRUE";
        if r != *k {
            bad += 1;
            if bad < 5 {
                println!("{name} filter disagrees at {g}: ours {k} R {r}");
            }
        }
    }
    println!("{name} filter: {bad} disagreements of {}", keep.len());
    if bad > 0 {
        failures.push(format!("{name} filter: {bad} disagreements"));
    }
    let kept = selected.filter_genes(&keep);
    let lib_sizes = kept.lib_sizes();
    let nf = calc_norm_factors(&kept.counts(), &lib_sizes, Method::Tmm).unwrap();
    let norm = Table::read(&dir.join("norm_factors.tsv"));
    let mut c = Check::new("norm factor", TOL_NORM, true);
    let mut lib_bad = false;
    for (i, s) in kept.samples().iter().enumerate() {
        c.add(s, nf[i], norm.num(s, "norm_factor"));
        lib_bad |= lib_sizes[i] != norm.num(s, "lib_size");
    }
    failures.extend(c.report(name));
    if lib_bad {
        failures.push(format!("{name}: library sizes differ"));
    }
    let eff = effective_lib_sizes(&lib_sizes, &nf);
    let offset: Vec<f64> = eff.iter().map(|l| l.ln()).collect();
    let scalars = Table::read(&dir.join("scalars.tsv"));
    let common = scalars.num("common_dispersion", "value");
    let (ave, _) = ave_log_cpm(&kept.counts(), &eff, Dispersion::Common(common));
    let counts = kept.counts().mapv(f64::from);
    let ql = Table::read(&dir.join("ql.tsv"));
    Dataset {
        name,
        dir,
        genes: kept.genes().to_vec(),
        counts,
        design,
        design_names,
        offset,
        ave_log_cpm: ave,
        ql,
    }
}

/// Compares a result table against R's, by gene: the listed numeric columns at their
/// tolerances and the FDR < 0.05 calls.
pub fn compare(
    dataset: &str,
    file: &str,
    reference: &Table,
    genes: &[String],
    columns: &[(&str, &[f64], f64, bool)],
    failures: &mut Vec<String>,
) {
    for (col, ours, tol, relative) in columns {
        let mut c = Check::new(&format!("{file} {col}"), *tol, *relative);
        for (g, &o) in genes.iter().zip(ours.iter()) {
            let r = reference.num(g, col);
            if (*col == "PValue" || *col == "FDR") && r <= P_FLOOR {
                continue;
            }
            c.add(g, o, r);
        }
        failures.extend(c.report(dataset));
    }
    if let Some((_, fdr, _, _)) = columns.iter().find(|c| c.0 == "FDR") {
        let disagree: Vec<&String> = genes
            .iter()
            .zip(fdr.iter())
            .filter(|(g, f)| (**f < FDR_CALL) != (reference.num(g, "FDR") < FDR_CALL))
            .map(|(g, _)| g)
            .collect();
        println!("{dataset} {file}: {} FDR<0.05 call disagreements", disagree.len());
        if !disagree.is_empty() {
            failures.push(format!(
                "{dataset} {file}: FDR<0.05 calls differ at {:?}",
                &disagree[..disagree.len().min(5)]
            ));
        }
    }
}
