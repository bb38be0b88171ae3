//! `degsea de`: the written tables against edgeR 3.40.2 (../shared/reference), the manifest,
//! and the error contract.

use std::collections::HashMap;
use std::path::Path;

use crate::util::{assert_error, read_tsv, run_job, shared_or_skip, stderr};

/// ALGORITHMS.md §C tolerances.
const TOL_LOGFC: f64 = 1e-10;
const TOL_LOGCPM: f64 = 1e-10;
const TOL_P: f64 = 1e-6;
const TOL_TAGWISE: f64 = 1e-7;

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|e| panic!("`{s}`: {e}"))
}

/// `degsea de` with the given inputs, contrast, output folder and further arguments.
fn de(counts: &Path, samples: &Path, contrast: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    run_job("de", counts, samples, contrast, out, extra)
}

fn tiny_sheet(dir: &Path) -> std::path::PathBuf {
    let sheet = dir.join("samples.tsv");
    std::fs::write(&sheet, "sample\tgroup\nS1\tA\nS2\tA\nS3\tA\nS4\tB\nS5\tB\nS6\tB\n")
        .expect("write sample sheet");
    sheet
}

#[test]
fn tiny_matches_edger_and_writes_every_file() {
    let Some(shared) = shared_or_skip("tiny_matches_edger_and_writes_every_file") else { return };
    let reference = shared.join("reference/tiny");
    let dir = tempfile::tempdir().unwrap();
    let sheet = tiny_sheet(dir.path());
    let out = dir.path().join("nested/de_out");
    let o = de(&reference.join("counts.tsv"), &sheet, "group: B vs A", &out, &["--json", "--edger-exact"]);
    assert!(o.status.success(), "degsea de failed:\n{}", stderr(&o));
    assert!(o.stdout.is_empty(), "nothing on stdout");

    let table = read_tsv(&out.join("de.tsv"));
    assert_eq!(table[0], ["gene", "logFC", "logCPM", "PValue", "FDR", "dispersion"]);
    let rows = &table[1..];
    let theirs: HashMap<String, Vec<f64>> = read_tsv(&reference.join("exactTest_classic.tsv"))
        .into_iter()
        .skip(1)
        .map(|r| (r[0].clone(), r[1..].iter().map(|v| num(v)).collect()))
        .collect();
    assert_eq!(rows.len(), theirs.len());
    for r in rows {
        let t = &theirs[&r[0]];
        let rel = |a: f64, b: f64| if a == b { 0.0 } else { ((a - b) / b).abs() };
        assert!((num(&r[1]) - t[0]).abs() <= TOL_LOGFC, "{} logFC {} vs {}", r[0], r[1], t[0]);
        assert!((num(&r[2]) - t[1]).abs() <= TOL_LOGCPM, "{} logCPM {} vs {}", r[0], r[2], t[1]);
        assert!(rel(num(&r[3]), t[2]) <= TOL_P, "{} PValue {} vs {}", r[0], r[3], t[2]);
        assert!(rel(num(&r[4]), t[3]) <= TOL_P, "{} FDR {} vs {}", r[0], r[4], t[3]);
    }
    // topTags order: increasing PValue, ties by decreasing |logFC|.
    for w in rows.windows(2) {
        let (p0, p1) = (num(&w[0][3]), num(&w[1][3]));
        assert!(p0 < p1 || (p0 == p1 && num(&w[0][1]).abs() >= num(&w[1][1]).abs()), "order at {}", w[1][0]);
    }
    // Tagwise dispersions, keyed by row number among the kept genes in classic_disp.tsv.
    let kept: Vec<String> = read_tsv(&out.join("filter.tsv"))
        .into_iter()
        .skip(1)
        .filter(|r| r[1] == "TRUE")
        .map(|r| r[0].clone())
        .collect();
    let ours_disp: HashMap<&str, f64> = rows.iter().map(|r| (r[0].as_str(), num(&r[5]))).collect();
    for r in read_tsv(&reference.join("classic_disp.tsv")).iter().skip(1) {
        let g = &kept[r[0].parse::<usize>().unwrap() - 1];
        let t = num(&r[2]);
        assert!(((ours_disp[g.as_str()] - t) / t).abs() <= TOL_TAGWISE, "{g} dispersion");
    }

    let nf = read_tsv(&out.join("norm_factors.tsv"));
    assert_eq!(nf[0], ["sample", "group", "lib_size", "norm_factor", "eff_lib_size"]);
    assert_eq!(nf.len(), 7);

    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!((manifest["program"].as_str(), manifest["command"].as_str()), (Some("degsea"), Some("de")));
    assert_eq!(manifest["results"]["de"]["genes_in"], 1000);
    assert_eq!(manifest["results"]["de"]["genes_kept"], rows.len());
    let common = manifest["results"]["de"]["common_dispersion"].as_f64().unwrap();
    assert!((common / 0.12792170515719151 - 1.0).abs() <= 1e-8, "common {common}");
    assert_eq!(manifest["parameters"]["de"]["dispersion"], "tagwise");
    assert_eq!(manifest["results"]["de"]["tier"], "edger-exact");
    assert_eq!(manifest["parameters"]["de"]["common"]["optimum"], "brent_end_point");
    assert_eq!(manifest["parameters"]["de"]["prior_df"], 10.0);
    assert_eq!(manifest["inputs"].as_array().unwrap().len(), 2);
    assert_eq!(manifest["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
    assert!(manifest["timings_seconds"]["exact_test"].as_f64().is_some());

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("de.json")).unwrap()).unwrap();
    assert_eq!(json.as_array().unwrap().len(), rows.len());
    assert_eq!(json[0]["gene"], rows[0][0].as_str());
}

#[test]
fn pasilla_table_matches_edger() {
    let Some(shared) = shared_or_skip("pasilla_table_matches_edger") else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let data = shared.join("data/pasilla");
    let (counts, samples) = (data.join("counts.tsv"), data.join("samples.tsv"));
    let o =
        de(&counts, &samples, "condition: treated vs untreated", &out, &["--threads", "2", "--edger-exact"]);
    assert!(o.status.success(), "degsea de failed:\n{}", stderr(&o));
    let theirs: HashMap<String, Vec<f64>> = read_tsv(&shared.join("reference/pasilla/de.tsv"))
        .into_iter()
        .skip(1)
        .map(|r| (r[0].clone(), r[1..].iter().map(|v| num(v)).collect()))
        .collect();
    let rows = read_tsv(&out.join("de.tsv"));
    assert_eq!(rows.len() - 1, theirs.len());
    let mut calls = 0;
    for r in &rows[1..] {
        let t = &theirs[&r[0]];
        assert!((num(&r[1]) - t[0]).abs() <= TOL_LOGFC, "{} logFC", r[0]);
        let p = num(&r[3]);
        assert!(p == t[2] || ((p - t[2]) / t[2]).abs() <= TOL_P, "{} PValue {p} vs {}", r[0], t[2]);
        assert_eq!(num(&r[4]) < 0.05, t[3] < 0.05, "{} call", r[0]);
        calls += usize::from(t[3] < 0.05);
        assert!(((num(&r[5]) - t[4]) / t[4]).abs() <= TOL_TAGWISE, "{} dispersion", r[0]);
    }
    assert!(calls > 500);
}

/// Both tiers: run.json names the tier, and de.tsv is byte-identical at 1 and 2 threads.
#[test]
fn tiers_are_recorded_and_thread_invariant() {
    let Some(shared) = shared_or_skip("tiers_are_recorded_and_thread_invariant") else { return };
    let dir = tempfile::tempdir().unwrap();
    let data = shared.join("data/pasilla");
    let (counts, samples) = (data.join("counts.tsv"), data.join("samples.tsv"));
    for (tier, flags) in [("edger-equivalent", &[][..]), ("edger-exact", &["--edger-exact"][..])] {
        let mut tables = Vec::new();
        for threads in ["1", "2"] {
            let out = dir.path().join(format!("{tier}-{threads}"));
            let mut extra = vec!["--threads", threads];
            extra.extend(flags);
            let o = de(&counts, &samples, "condition: treated vs untreated", &out, &extra);
            assert!(o.status.success(), "degsea de failed:\n{}", stderr(&o));
            let manifest: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
            assert_eq!(manifest["results"]["de"]["tier"], tier);
            assert_eq!(manifest["parameters"]["de"]["tier"], tier);
            tables.push(std::fs::read(out.join("de.tsv")).unwrap());
        }
        assert!(tables[0] == tables[1], "{tier}: de.tsv differs between 1 and 2 threads");
    }
}

#[test]
fn fixed_and_common_dispersion() {
    let Some(shared) = shared_or_skip("fixed_and_common_dispersion") else { return };
    let dir = tempfile::tempdir().unwrap();
    let sheet = tiny_sheet(dir.path());
    let counts = shared.join("reference/tiny/counts.tsv");
    let out = dir.path().join("fixed");
    let o = de(&counts, &sheet, "group: B vs A", &out, &["--dispersion", "0.1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning: using a fixed dispersion of 0.1"), "{}", stderr(&o));
    let rows = read_tsv(&out.join("de.tsv"));
    assert!(rows[1..].iter().all(|r| r[5] == "0.1"));
    let manifest = std::fs::read_to_string(out.join("run.json")).unwrap();
    assert!(manifest.contains("fixed dispersion"));

    let out = dir.path().join("common");
    let o = de(&counts, &sheet, "group: B vs A", &out, &["--dispersion", "common", "--no-filter"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = read_tsv(&out.join("de.tsv"));
    assert_eq!(rows.len() - 1, 1000, "--no-filter keeps every gene");
    let d = &rows[1][5];
    assert!(rows[1..].iter().all(|r| &r[5] == d), "one common dispersion");
}

#[test]
fn bad_input_exits_2_without_output() {
    let dir = tempfile::tempdir().unwrap();
    let counts = dir.path().join("counts.tsv");
    std::fs::write(&counts, "gene\tS1\tS2\tS3\tS4\ng1\t5\t7\t9\t11\ng2\t3\t-1\t4\t4\n").unwrap();
    let sheet = dir.path().join("samples.tsv");
    std::fs::write(&sheet, "sample\tgroup\nS1\tA\nS2\tA\nS3\tB\nS4\tB\n").unwrap();
    let out = dir.path().join("out");
    let o = de(&counts, &sheet, "group: B vs A", &out, &[]);
    assert_error(&o, &["counts.tsv", "-1"]);
    assert!(!out.exists(), "no partial output");

    let o = de(&counts, &sheet, "group: B vs A", &out, &["--dispersion", "tagwsie"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("tagwsie"));
    assert!(!out.exists());
}
