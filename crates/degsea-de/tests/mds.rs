//! MDS coordinates against edgeR `plotMDS(y, top = 500)` on pasilla and airway
//! (fixtures/mds, made by fixtures/mds/make_mds.R), matched by sample name up to the sign of each
//! dimension.

#![allow(clippy::unwrap_used, clippy::print_stdout, missing_docs)]

use std::collections::HashMap;

use degsea_core::{Contrast, SampleSheet};
use degsea_de::mds::{DEFAULT_TOP, plot_mds};
use degsea_de::{PrepareOptions, cpm::PRIOR_COUNT, prepare};
use degsea_io::counts::ReadOptions;
use degsea_testkit::shared_or_skip;

/// Issue 18: MDS coordinates equal edgeR's up to sign, absolute.
const TOL_MDS: f64 = 1e-8;

fn fixture(name: &str) -> HashMap<String, (f64, f64)> {
    let path = format!("{}/tests/fixtures/mds/{name}.tsv", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_owned(), (f[1].parse().unwrap(), f[2].parse().unwrap()))
        })
        .collect()
}

fn check(dataset: &str, contrast: &str) {
    let Some(shared) = shared_or_skip(&format!("mds_{dataset}")) else { return };
    let dir = shared.join("data").join(dataset);
    let matrix =
        degsea_io::counts::read_counts(&dir.join("counts.tsv"), &ReadOptions::default()).unwrap().matrix;
    let sheet: SampleSheet = degsea_io::samples::read_sample_sheet(&dir.join("samples.tsv")).unwrap();
    let groups = contrast.parse::<Contrast>().unwrap().resolve(&sheet, matrix.samples()).unwrap();
    let prepared = prepare(&matrix, &groups, &PrepareOptions::default()).unwrap();
    let m = plot_mds(&prepared.log_cpm(PRIOR_COUNT), DEFAULT_TOP).unwrap();
    let want = fixture(dataset);
    let samples = prepared.counts.samples();
    assert_eq!(samples.len(), want.len());
    // Sign of each dimension from the sample with the largest |coordinate|.
    let sign = |ours: &[f64], theirs: &dyn Fn(&str) -> f64| {
        let k = (0..ours.len()).max_by(|&a, &b| ours[a].abs().total_cmp(&ours[b].abs())).unwrap();
        (theirs(&samples[k]) * ours[k]).signum()
    };
    let sx = sign(&m.x, &|s| want[s].0);
    let sy = sign(&m.y, &|s| want[s].1);
    let mut worst = 0.0f64;
    for (i, s) in samples.iter().enumerate() {
        let (wx, wy) = want[s];
        worst = worst.max((sx * m.x[i] - wx).abs()).max((sy * m.y[i] - wy).abs());
    }
    println!("mds {dataset}: {} samples, max abs error {worst:.3e} (tol {TOL_MDS:.0e})", samples.len());
    assert!(worst <= TOL_MDS, "{dataset}: MDS max abs error {worst:.3e} > {TOL_MDS:.0e}");
}

#[test]
fn mds_pasilla_matches_edger() {
    check("pasilla", "condition: treated vs untreated");
}

#[test]
fn mds_airway_matches_edger() {
    check("airway", "dex: treated vs control");
}
