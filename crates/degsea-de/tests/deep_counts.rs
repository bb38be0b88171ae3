//! Extreme depths (issue 19): pasilla's counts ×1000 (library sizes up to 2.2e10) through the
//! classic pipeline against edgeR 3.40.2 (`fixtures/pasilla_x1000_edger.tsv`, made by
//! `fixtures/make_deep_pasilla.R` from ../shared/data/pasilla), matched by gene name at the
//! classic tolerances of ALGORITHMS.md §C. Skipped (with a line) without ../shared.
//!
//! Where the tolerances stop (README, "Extreme depths"): the common dispersion differs from
//! edgeR's by ~1e-5 relative at this depth. Its objective, the conditional log-likelihood that
//! `optimize(tol = 1e-6)` maximises, is ~1.1e11 here, summed from 76,636 `lgamma` terms of
//! pseudo-counts up to ~1e9, so its rounding (eps·|l| = 2.4e-5 and more from the summation)
//! is of the size of the differences Brent's method compares near the optimum; degsea and R
//! round differently and stop at different points. Everything downstream is exact given the
//! common dispersion: fed edgeR's value, degsea meets every classic tolerance (second test),
//! and the calls at FDR < 0.05 are identical with degsea's own value (first test).

#![allow(clippy::unwrap_used, clippy::print_stdout, missing_docs)]

use std::collections::HashMap;

use degsea_core::{Contrast, CountMatrix};
use degsea_de::classic::{ClassicOptions, Tier};
use degsea_de::dispersion::estimate_tagwise_disp;
use degsea_de::exact::exact_test;
use degsea_de::onegroup::{Dispersion, ave_log_cpm};
use degsea_de::{PrepareOptions, prepare};
use degsea_io::counts::{ReadOptions, read_counts};
use degsea_testkit::shared_or_skip;

/// The depth multiplier of the fixture.
const DEPTH: u32 = 1000;
/// ALGORITHMS.md §C: common dispersion, relative.
const TOL_COMMON: f64 = 1e-8;
/// ALGORITHMS.md §C: tagwise dispersion, relative.
const TOL_TAGWISE: f64 = 1e-7;
/// ALGORITHMS.md §C: logFC and AveLogCPM, absolute.
const TOL_LOG: f64 = 1e-10;
/// ALGORITHMS.md §C: PValue and FDR, relative (for values above [`P_FLOOR`]).
const TOL_P: f64 = 1e-6;
/// p-values below this are compared only for being tiny.
const P_FLOOR: f64 = 1e-300;
/// FDR threshold for the call comparison.
const FDR_CALL: f64 = 0.05;
/// The measured common-dispersion difference at ×1000 (relative), printed beside the
/// classic tolerance; not asserted: see the module documentation.
const MEASURED_COMMON: &str = "1.047e-5";

fn parse_r(s: &str) -> f64 {
    match s {
        "NA" => f64::NAN,
        "Inf" => f64::INFINITY,
        _ => s.parse().unwrap(),
    }
}

/// Worst error of `ours` against `theirs` by gene, with the gene.
fn worst(genes: &[String], ours: &[f64], theirs: &HashMap<&str, f64>, relative: bool) -> (f64, String) {
    let mut w = (0.0, String::new());
    for (g, &o) in genes.iter().zip(ours) {
        let t = theirs[g.as_str()];
        let e = if o == t || (relative && o.abs() <= P_FLOOR && t.abs() <= P_FLOOR) {
            0.0
        } else if relative {
            ((o - t) / t).abs()
        } else {
            (o - t).abs()
        };
        if e > w.0 || e.is_nan() {
            w = (e, format!("{g}: ours {o:.17e} edgeR {t:.17e}"));
        }
    }
    w
}

/// The deep pasilla run and edgeR's fixture.
struct Deep {
    prepared: degsea_de::Prepared,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    scalars: String,
}

impl Deep {
    fn load(test: &str) -> Option<Self> {
        let shared = shared_or_skip(test)?;
        let data = shared.join("data/pasilla");
        let table = read_counts(&data.join("counts.tsv"), &ReadOptions::default()).unwrap();
        let (genes, samples, counts) = table.matrix.into_parts();
        let deep = counts.mapv(|c| c.checked_mul(DEPTH).expect("fits u32"));
        let matrix = CountMatrix::new(genes, samples, deep).unwrap();
        let sheet = degsea_io::samples::read_sample_sheet(&data.join("samples.tsv")).unwrap();
        let contrast: Contrast = "condition: treated vs untreated".parse().unwrap();
        let groups = contrast.resolve(&sheet, matrix.samples()).unwrap();
        let prepared = prepare(&matrix, &groups, &PrepareOptions::default()).unwrap();
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
        let text = std::fs::read_to_string(format!("{fixtures}/pasilla_x1000_edger.tsv")).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap().split('\t').map(str::to_owned).collect();
        let rows = lines.map(|l| l.split('\t').map(str::to_owned).collect()).collect();
        let scalars = std::fs::read_to_string(format!("{fixtures}/pasilla_x1000_scalars.tsv")).unwrap();
        Some(Self { prepared, header, rows, scalars })
    }

    fn column(&self, name: &str) -> HashMap<&str, f64> {
        let j = self.header.iter().position(|h| h == name).unwrap();
        self.rows.iter().map(|r| (r[0].as_str(), parse_r(&r[j]))).collect()
    }

    fn scalar(&self, name: &str) -> f64 {
        self.scalars.lines().find_map(|l| l.strip_prefix(name)).map(|v| parse_r(v.trim())).unwrap()
    }
}

#[test]
fn pasilla_times_1000_same_genes_libraries_and_calls() {
    let Some(d) = Deep::load("pasilla_times_1000_same_genes_libraries_and_calls") else { return };
    let p = &d.prepared;
    let kept = p.counts.genes();
    assert_eq!(kept.len() as f64, d.scalar("genes_kept"), "filterByExpr keeps the same genes");
    let max_lib = p.lib_sizes.iter().copied().fold(0.0, f64::max);
    assert_eq!(max_lib, d.scalar("max_lib_size"));
    let r = p.classic_de(&ClassicOptions::for_tier(Tier::EdgerExact));
    let edger_common = d.scalar("common_dispersion");
    let common = ((r.common_dispersion - edger_common) / edger_common).abs();
    println!("pasilla x{DEPTH} (max library size {max_lib:.3e}), degsea's own common dispersion:");
    println!(
        "  common dispersion: rel {common:.3e} (classic tol {TOL_COMMON:.0e}; measured {MEASURED_COMMON})"
    );
    for (what, ours, theirs, relative) in [
        ("tagwise dispersion", &r.dispersion, "tagwise", true),
        ("logCPM", &r.log_cpm, "logCPM", false),
        ("logFC", &r.log_fc, "logFC", false),
        ("PValue", &r.p_value, "PValue", true),
        ("FDR", &r.fdr, "FDR", true),
    ] {
        let (e, at) = worst(kept, ours, &d.column(theirs), relative);
        println!("  {what}: worst {e:.3e} at {at}");
    }
    let ref_fdr = d.column("FDR");
    let differ: Vec<&String> = kept
        .iter()
        .zip(&r.fdr)
        .filter(|(g, f)| (**f < FDR_CALL) != (ref_fdr[g.as_str()] < FDR_CALL))
        .map(|(g, _)| g)
        .collect();
    let n_calls = ref_fdr.values().filter(|&&f| f < FDR_CALL).count();
    println!("  calls at FDR < {FDR_CALL}: {n_calls} in edgeR, {} differ", differ.len());
    assert!(differ.is_empty(), "calls differ: {differ:?}");
}

#[test]
fn pasilla_times_1000_downstream_of_the_common_dispersion_keeps_classic_tolerances() {
    let Some(d) =
        Deep::load("pasilla_times_1000_downstream_of_the_common_dispersion_keeps_classic_tolerances")
    else {
        return;
    };
    let p = &d.prepared;
    let kept = p.counts.genes();
    let counts = p.counts.counts();
    let lib = p.eff_lib_sizes();
    let is_test = p.is_test();
    let group: Vec<usize> = is_test.iter().map(|&t| usize::from(t)).collect();
    let common = d.scalar("common_dispersion");
    let options = ClassicOptions::for_tier(Tier::EdgerExact);
    // The classic pipeline after estimateCommonDisp, as `classic_de` runs it, from edgeR's value.
    let (log_cpm, _) = ave_log_cpm(&counts, &lib, Dispersion::Common(common));
    let tagwise = estimate_tagwise_disp(&counts, &group, &lib, common, &log_cpm, options.tagwise).dispersions;
    let test = exact_test(&counts, &is_test, &lib, Dispersion::PerGene(&tagwise), options.exact);
    let fdr = degsea_stats::p_adjust_bh(&test.p_value);
    let checks = [
        ("tagwise dispersion", worst(kept, &tagwise, &d.column("tagwise"), true), TOL_TAGWISE),
        ("logCPM", worst(kept, &log_cpm, &d.column("logCPM"), false), TOL_LOG),
        ("logFC", worst(kept, &test.log_fc, &d.column("logFC"), false), TOL_LOG),
        ("PValue", worst(kept, &test.p_value, &d.column("PValue"), true), TOL_P),
        ("FDR", worst(kept, &fdr, &d.column("FDR"), true), TOL_P),
    ];
    println!("pasilla x{DEPTH}, from edgeR's common dispersion {common:.17e}:");
    for (what, (e, at), tol) in &checks {
        println!("  {what}: worst {e:.3e} (tol {tol:.0e}) at {at}");
    }
    for (what, (e, at), tol) in &checks {
        assert!(e <= tol, "{what}: {e:.3e} > {tol:e} at {at}");
    }
}
