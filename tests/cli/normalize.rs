//! `degsea normalize`: outputs against edgeR 3.40.2 (../shared/reference) and on small inputs.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::util::{read_tsv, run, run_job, shared_or_skip, stderr};

/// ALGORITHMS.md §C: TMM factors ≤ 1e-12 relative, log-CPM ≤ 1e-12 absolute.
const TMM_REL_TOL: f64 = 1e-12;
const LOGCPM_ABS_TOL: f64 = 1e-12;

/// Runs `degsea normalize` and asserts it succeeded quietly.
fn normalize(counts: &Path, samples: &Path, contrast: &str, out: &Path, extra: &[&str]) {
    let o = run_job("normalize", counts, samples, contrast, out, extra);
    assert!(o.status.success(), "degsea normalize failed:\n{}", stderr(&o));
    assert!(o.stdout.is_empty(), "nothing on stdout");
}

#[test]
fn tiny_matches_edger() {
    let Some(shared) = shared_or_skip("tiny_matches_edger") else { return };
    let reference = shared.join("reference/tiny");
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("samples.csv");
    std::fs::write(&sheet, "sample,group\nS1,A\nS2,A\nS3,A\nS4,B\nS5,B\nS6,B\n").unwrap();
    let out = dir.path().join("nested/out");
    normalize(&reference.join("counts.tsv"), &sheet, "group: B vs A", &out, &[]);

    let ours: HashMap<String, String> =
        read_tsv(&out.join("filter.tsv")).into_iter().skip(1).map(|r| (r[0].clone(), r[1].clone())).collect();
    let theirs = read_tsv(&reference.join("filterByExpr.tsv"));
    assert_eq!(ours.len(), theirs.len() - 1);
    for r in &theirs[1..] {
        assert_eq!(ours.get(&r[0]), Some(&r[1]), "keep of {}", r[0]);
    }

    let nf = read_tsv(&out.join("norm_factors.tsv"));
    assert_eq!(nf[0], ["sample", "group", "lib_size", "norm_factor", "eff_lib_size"]);
    let theirs: HashMap<String, Vec<String>> = read_tsv(&reference.join("samples_after_TMM.tsv"))
        .into_iter()
        .skip(1)
        .map(|r| (r[0].clone(), r))
        .collect();
    for r in &nf[1..] {
        let t = &theirs[&r[0]];
        assert_eq!(r[1], t[1], "group label of {}", r[0]);
        assert_eq!(r[2], t[2], "lib size of {}", r[0]);
        let (a, b): (f64, f64) = (r[3].parse().unwrap(), t[3].parse().unwrap());
        assert!((a - b).abs() <= TMM_REL_TOL * b, "{}: {a} vs {b}", r[0]);
        let eff: f64 = r[4].parse().unwrap();
        assert_eq!(eff, r[2].parse::<f64>().unwrap() * a);
    }

    let ours = read_tsv(&out.join("logcpm.tsv"));
    let theirs = read_tsv(&reference.join("logcpm_prior2.tsv"));
    assert_eq!(ours[0][1..], theirs[0][1..], "sample order");
    assert_eq!(ours.len(), theirs.len());
    let ours: HashMap<&str, &[String]> = ours[1..].iter().map(|r| (r[0].as_str(), &r[1..])).collect();
    let mut worst = 0.0f64;
    for r in &theirs[1..] {
        let o = ours[r[0].as_str()];
        for (a, b) in o.iter().zip(&r[1..]) {
            worst = worst.max((a.parse::<f64>().unwrap() - b.parse::<f64>().unwrap()).abs());
        }
    }
    assert!(worst <= LOGCPM_ABS_TOL, "logCPM worst difference {worst:e}");
}

#[test]
fn pasilla_factors_match_edger() {
    let Some(shared) = shared_or_skip("pasilla_factors_match_edger") else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let data = shared.join("data/pasilla");
    let (counts, samples) = (data.join("counts.tsv"), data.join("samples.tsv"));
    normalize(&counts, &samples, "condition: treated vs untreated", &out, &[]);
    let theirs: HashMap<String, Vec<String>> = read_tsv(&shared.join("reference/pasilla/norm_factors.tsv"))
        .into_iter()
        .skip(1)
        .map(|r| (r[0].clone(), r))
        .collect();
    let ours = read_tsv(&out.join("norm_factors.tsv"));
    assert_eq!(ours.len() - 1, theirs.len());
    for r in &ours[1..] {
        let t = &theirs[&r[0]];
        let expected_group = if t[1] == "test" { "treated" } else { "untreated" };
        assert_eq!(r[1], expected_group);
        assert_eq!(r[2].parse::<f64>().unwrap(), t[2].parse::<f64>().unwrap());
        let (a, b): (f64, f64) = (r[3].parse().unwrap(), t[3].parse().unwrap());
        assert!((a - b).abs() <= TMM_REL_TOL * b, "{}: {a} vs {b}", r[0]);
    }
}

#[test]
fn merged_groups_round_htseq_and_options() {
    let dir = tempfile::tempdir().unwrap();
    // Six HTSeq-count files with x.5 counts; S6 (level c) is in neither group and is dropped.
    let genes = ["g1", "g2", "g3", "g4"];
    let counts =
        [[30, 0, 100, 7], [25, 1, 120, 9], [40, 0, 90, 8], [50, 2, 80, 12], [10, 0, 10, 10], [1, 1, 1, 1]];
    let mut paths = Vec::new();
    for (k, row) in counts.iter().enumerate() {
        let p = dir.path().join(format!("S{}.txt", k + 1));
        let mut text = String::new();
        for (g, c) in genes.iter().zip(row) {
            writeln!(text, "{g}\t{c}.5").unwrap();
        }
        text.push_str("__no_feature\t12\n__ambiguous\t3\n");
        std::fs::write(&p, text).unwrap();
        paths.push(p.display().to_string());
    }
    let sheet = dir.path().join("samples.tsv");
    std::fs::write(&sheet, "id\tcluster\nS1\tcl1\nS2\tcl2\nS3\tcl3\nS4\tcl2\nS5\tcl1\nS6\tc\n").unwrap();
    let out = dir.path().join("out");
    let (sheet_s, out_s) = (sheet.display().to_string(), out.display().to_string());
    // Several count files after one --counts: not the shape of `run_job`.
    let mut args = vec!["normalize", "--counts"];
    args.extend(paths.iter().map(String::as_str));
    args.extend(["--samples", &sheet_s, "--contrast", "cluster: cl2+cl3 vs cl1", "--out", &out_s]);
    args.extend(["--round", "--no-filter", "--norm", "none"]);
    let o = run(&args);
    assert!(o.status.success(), "degsea normalize failed:\n{}", stderr(&o));

    let nf = read_tsv(&out.join("norm_factors.tsv"));
    assert_eq!(nf.len(), 6, "five samples used, S6 dropped");
    // R's round() is half to even: S1 = 30 + 0 + 100 + 8, S2 = 26 + 2 + 120 + 10.
    assert_eq!(nf[1], ["S1", "cl1", "138", "1", "138"]);
    assert_eq!(nf[2], ["S2", "cl2+cl3", "158", "1", "158"]);
    let filter = read_tsv(&out.join("filter.tsv"));
    assert_eq!(filter.len(), 5);
    assert!(filter[1..].iter().all(|r| r[1] == "TRUE"), "--no-filter keeps every gene");
    let logcpm = read_tsv(&out.join("logcpm.tsv"));
    assert_eq!(logcpm[0], ["gene", "S1", "S2", "S3", "S4", "S5"]);
    assert_eq!(logcpm.len(), 5);
    // Equal factors: logCPM of g1 in S1 = log2((30 + p) / (138 + 2p) · 1e6), p = 2 · 138 / mean(N).
    let mean = (138.0 + 158.0 + 138.0 + 144.0 + 30.0) / 5.0;
    let p = 2.0 * 138.0 / mean;
    let expect = ((30.0f64 + p).ln() - (138.0 + 2.0 * p).ln() + 1e6f64.ln()) / 2f64.ln();
    assert!((logcpm[1][1].parse::<f64>().unwrap() - expect).abs() < 1e-12);
}

#[test]
fn featurecounts_gzip_csv_and_other_methods() {
    let dir = tempfile::tempdir().unwrap();
    let fc = dir.path().join("fc.txt");
    let mut text = String::from(
        "# Program:featureCounts v2.0.3; Command:\"featureCounts\"\nGeneid\tChr\tStart\tEnd\tStrand\tLength\t/bam/A1.bam\t/bam/A2.bam\t/bam/B1.bam\t/bam/B2.bam\n",
    );
    for g in 0..50u32 {
        writeln!(text, "G{g}\tchr1\t1\t100\t+\t100\t{}\t{}\t{}\t{}", g * 3 + 5, g * 2 + 9, g * 4 + 1, g + 20)
            .unwrap();
    }
    std::fs::write(&fc, text).unwrap();
    let sheet = dir.path().join("s.csv");
    std::fs::write(&sheet, "\"sample\",\"trt\"\n\"A1\",\"a\"\n\"A2\",\"a\"\n\"B1\",\"b\"\n\"B2\",\"b\"\n")
        .unwrap();
    for method in ["tmm", "upperquartile", "rle", "none"] {
        let out = dir.path().join(format!("out_{method}"));
        normalize(&fc, &sheet, "trt: b vs a", &out, &["--norm", method]);
        let nf = read_tsv(&out.join("norm_factors.tsv"));
        let f: Vec<f64> = nf[1..].iter().map(|r| r[3].parse().unwrap()).collect();
        assert!((f.iter().product::<f64>() - 1.0).abs() < 1e-12, "{method}: {f:?}");
        assert_eq!(nf[1][0], "A1");
    }
}
