//! Edge cases of the classic pipeline against edgeR 3.40.2 (fixtures made by
//! `tests/fixtures/make_edge_cases.R`): genes with zero counts in one group or in every
//! sample, huge counts (> 10^6, the beta approximation), p-values of exactly 1, and unequal
//! groups (2 test vs 7 reference samples). Values are matched by gene at ALGORITHMS.md §C
//! tolerances.

#![allow(clippy::unwrap_used, clippy::print_stdout, missing_docs)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use degsea_core::{Contrast, CountMatrix, SampleSheet};
use degsea_de::classic::{ClassicOptions, DeResult, DispersionMethod, Tier};
use degsea_de::exact::{ExactTestOptions, exact_test, exact_test_beta_approx, exact_test_double_tail};
use degsea_de::onegroup::Dispersion;
use degsea_de::{PrepareOptions, Prepared, prepare};
use degsea_io::counts::ReadOptions;

/// ALGORITHMS.md §C tolerances.
const TOL_COMMON: f64 = 1e-8;
const TOL_TAGWISE: f64 = 1e-7;
const TOL_LOGFC: f64 = 1e-10;
const TOL_LOGCPM: f64 = 1e-10;
const TOL_P: f64 = 1e-6;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Reads an R-written TSV (header row, first column the key) into key → column → value.
fn read_r_table(path: &Path) -> (Vec<String>, HashMap<String, HashMap<String, f64>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let mut keys = Vec::new();
    let mut rows = HashMap::new();
    for l in lines.filter(|l| !l.is_empty()) {
        let f: Vec<&str> = l.split('\t').collect();
        keys.push(f[0].to_owned());
        let vals = header[1..]
            .iter()
            .zip(&f[1..])
            .map(|(h, v)| ((*h).to_owned(), v.parse::<f64>().unwrap()))
            .collect();
        rows.insert(f[0].to_owned(), vals);
    }
    (keys, rows)
}

fn scalars(path: &Path) -> HashMap<String, f64> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let (k, v) = l.split_once('\t').unwrap();
            (k.to_owned(), v.parse().unwrap())
        })
        .collect()
}

struct Run {
    matrix: CountMatrix,
    prepared: Prepared,
    result: DeResult,
}

/// Samples named `R*` are the reference group, `T*` the test group.
fn run(counts: &str, no_filter: bool) -> Run {
    let matrix = degsea_io::counts::read_counts(&fixture(counts), &ReadOptions::default()).unwrap().matrix;
    let levels = matrix
        .samples()
        .iter()
        .map(|s| vec![if s.starts_with('T') { "test" } else { "ref" }.to_owned()])
        .collect();
    let sheet = SampleSheet::new(matrix.samples().to_vec(), vec!["group".into()], levels).unwrap();
    let groups = "group: test vs ref".parse::<Contrast>().unwrap().resolve(&sheet, matrix.samples()).unwrap();
    let prepared =
        prepare(&matrix, &groups, &PrepareOptions { no_filter, ..PrepareOptions::default() }).unwrap();
    let result = prepared.classic_de(&ClassicOptions::for_tier(Tier::EdgerExact));
    Run { matrix, prepared, result }
}

/// Compares every gene with edgeR; returns the per-gene rows for further checks.
fn compare_with_edger(run: &Run, prefix: &str) -> HashMap<String, HashMap<String, f64>> {
    let (keys, reference) = read_r_table(&fixture(&format!("{prefix}_edger.tsv")));
    let sc = scalars(&fixture(&format!("{prefix}_scalars.tsv")));
    let r = &run.result;
    let genes = run.prepared.counts.genes();
    assert_eq!(genes, keys.as_slice(), "{prefix}: kept genes differ from edgeR's");
    assert_eq!(genes.len() as f64, sc["genes_kept"]);
    let rel = (r.common_dispersion / sc["common_dispersion"] - 1.0).abs();
    assert!(
        rel <= TOL_COMMON,
        "{prefix}: common dispersion {} vs {} (rel {rel:e})",
        r.common_dispersion,
        sc["common_dispersion"]
    );
    let mut worst: Vec<String> = Vec::new();
    for (i, g) in genes.iter().enumerate() {
        let e = &reference[g];
        let checks = [
            ("tagwise", r.dispersion[i], e["tagwise"], TOL_TAGWISE, true),
            ("logFC", r.log_fc[i], e["logFC"], TOL_LOGFC, false),
            ("logCPM", r.log_cpm[i], e["logCPM"], TOL_LOGCPM, false),
            ("PValue", r.p_value[i], e["PValue"], TOL_P, true),
            ("FDR", r.fdr[i], e["FDR"], TOL_P, true),
        ];
        for (what, ours, theirs, tol, relative) in checks {
            let err = if ours == theirs {
                0.0
            } else if relative {
                ((ours - theirs) / theirs).abs()
            } else {
                (ours - theirs).abs()
            };
            if err.is_nan() || err > tol {
                worst.push(format!(
                    "{g} {what}: ours {ours:.17e} edgeR {theirs:.17e} err {err:.3e} > {tol:e}"
                ));
            }
        }
    }
    assert!(worst.is_empty(), "{prefix}: {} cells out of tolerance:\n{}", worst.len(), worst.join("\n"));
    reference
}

#[test]
fn three_vs_three_zeros_huge_counts_and_unit_p_values() {
    let run = run("edge3v3_counts.tsv", true);
    let reference = compare_with_edger(&run, "edge3v3");
    let r = &run.result;
    let genes = run.prepared.counts.genes();
    let at = |g: &str| genes.iter().position(|x| x == g).unwrap();

    // A gene with no reads anywhere: logFC 0 and a p-value of exactly 1, as edgeR.
    assert_eq!(r.log_fc[at("zero_all")], 0.0);
    assert_eq!(r.p_value[at("zero_all")], 1.0);
    // Zero in one group: strongly significant, finite shrunk logFC of the right sign.
    assert!(r.log_fc[at("zero_in_ref")] > 5.0 && r.p_value[at("zero_in_ref")] < 1e-10);
    assert!(r.log_fc[at("zero_in_test")] < -5.0 && r.p_value[at("zero_in_test")] < 1e-10);
    // P-values of exactly 1 (s1 equal to its null mean, or 2·P_top/P_bot capped): every unit
    // p-value of edgeR is 1 here too. A doubled tail that lands within a few ulps of 1 can round
    // to either side of the cap (edgeR: 1 − 4e-16 for three genes here), so for the rest only
    // closeness is required.
    assert_eq!(r.p_value[at("single_read")], 1.0);
    let mut n_unit = 0;
    for (g, &p) in genes.iter().zip(&r.p_value) {
        let theirs = reference[g]["PValue"];
        if theirs == 1.0 {
            n_unit += 1;
            assert_eq!(p, 1.0, "{g}: edgeR p-value is exactly 1, ours {p:e}");
        } else if p == 1.0 {
            assert!(theirs > 1.0 - 1e-12, "{g}: ours 1, edgeR {theirs:e}");
        }
    }
    assert!(n_unit >= 10, "expected many unit p-values, got {n_unit}");
    // Huge counts (> 1e6 in every sample) go through the beta approximation.
    let counts = run.matrix.counts();
    for g in ["huge_up", "huge_same"] {
        let row = run.matrix.genes().iter().position(|x| x == g).unwrap();
        assert!(counts.row(row).iter().all(|&c| c > 1_000_000));
    }
    assert!(r.p_value[at("huge_up")] < 0.01 && r.p_value[at("huge_same")] > 0.5);
}

#[test]
fn unequal_groups_two_vs_seven() {
    let run = run("unequal2v7_counts.tsv", false);
    compare_with_edger(&run, "unequal2v7");
    // prior.n = prior.df / (n − #groups) = 10 / 7.
    assert!((run.result.prior_n - 10.0 / 7.0).abs() < 1e-15);
    assert!(run.prepared.keep.len() > run.prepared.n_kept(), "filterByExpr removed some genes");
}

#[test]
fn beta_branch_takes_over_above_big_count() {
    // Both rounded sums above 900: the beta approximation on the unrounded sums.
    let (u1, u2) = (1500.3, 2100.7);
    let p = exact_test_double_tail(u1, u2, 3.0, 3.0, 0.05, 900.0, (0.0, 0.0));
    assert_eq!(p, exact_test_beta_approx(u1, u2, 3.0, 3.0, 0.05).min(1.0));
    // One sum at or below 900: the exact NB sum, which differs from the approximation.
    let exact = exact_test_double_tail(900.0, 1300.0, 3.0, 3.0, 0.05, 900.0, (0.0, 0.0));
    assert!(exact > 0.0 && exact < 1.0);
}

#[test]
fn zero_dispersion_uses_binomial_test() {
    let counts = ndarray::array![[10u32, 12, 30, 28], [5, 5, 5, 5], [0, 0, 0, 0]];
    let r = exact_test(
        &counts.view(),
        &[false, false, true, true],
        &[1e6; 4],
        Dispersion::Common(0.0),
        ExactTestOptions::default(),
    );
    assert!(r.p_value[0] < 0.01);
    assert_eq!(r.p_value[1], 1.0);
    assert_eq!(r.p_value[2], 1.0);
    assert_eq!(r.log_fc[2], 0.0);
}

#[test]
fn fixed_dispersion_skips_estimation() {
    let run0 = run("edge3v3_counts.tsv", true);
    let p = &run0.prepared;
    let opts = ClassicOptions {
        dispersion: DispersionMethod::Fixed(0.1),
        ..ClassicOptions::for_tier(Tier::EdgerExact)
    };
    let r = p.classic_de(&opts);
    assert!(r.common_dispersion.is_nan());
    assert!(r.dispersion.iter().all(|&d| d == 0.1));
    assert!(r.p_value.iter().all(|p| (0.0..=1.0).contains(p)));
}
