//! The readers on real files from `../shared`: the count matrices of `data/` and the HTSeq-count
//! outputs of `bam/htseq_example_data`. Skips with a printed line when `../shared` is absent.

#![allow(clippy::unwrap_used, reason = "test code: a panic is a test failure")]

use std::path::Path;

use degsea_io::counts::{CountFormat, ReadOptions, read_count_files, read_counts};
use degsea_io::samples::read_sample_sheet;

use degsea_testkit::shared_or_skip;

/// Number of non-header lines of a plain text file.
fn data_lines(path: &Path) -> usize {
    std::fs::read_to_string(path).expect("readable file").lines().skip(1).filter(|l| !l.is_empty()).count()
}

#[test]
fn real_count_matrices_and_sheets() {
    let Some(shared) = shared_or_skip("real_count_matrices_and_sheets") else { return };
    for (name, n_samples, lib0) in
        [("pasilla", 7, 13_972_512.0), ("airway", 8, 20_637_971.0), ("pickrell", 69, 8_042_929.0)]
    {
        let dir = shared.join("data").join(name);
        let t = read_counts(&dir.join("counts.tsv"), &ReadOptions::default()).unwrap();
        assert_eq!(t.format, CountFormat::Matrix);
        assert_eq!(t.matrix.n_genes(), data_lines(&dir.join("counts.tsv")), "{name}");
        assert_eq!(t.matrix.n_samples(), n_samples, "{name}");
        // Column sums of the first sample, computed independently with awk.
        assert_eq!(t.matrix.lib_sizes()[0], lib0, "{name}");
        let sheet = read_sample_sheet(&dir.join("samples.tsv")).unwrap();
        assert_eq!(sheet.ids(), t.matrix.samples(), "{name}: sheet order");
    }
}

#[test]
fn real_htseq_outputs() {
    let Some(shared) = shared_or_skip("real_htseq_outputs") else { return };
    let dir = shared.join("bam/htseq_example_data");
    let a = dir.join("yeast_RNASeq_excerpt_withNH_counts.tsv");
    let b = dir.join("yeast_RNASeq_excerpt_withNH_counts_ignore_secondary.tsv");
    let t = read_count_files(&[&a, &b], &ReadOptions::default()).unwrap();
    assert_eq!(t.format, CountFormat::Htseq);
    let n_lines = std::fs::read_to_string(&a).unwrap().lines().count();
    assert_eq!(t.matrix.n_genes(), n_lines - 5, "five __ summary rows dropped");
    assert_eq!(t.summary_rows.len(), 10);
    assert!(
        t.summary_rows
            .iter()
            .any(|r| r.name == "__no_feature" && r.sample == "yeast_RNASeq_excerpt_withNH_counts")
    );
    // A single HTSeq file is recognised without a header.
    let one = read_counts(&a, &ReadOptions::default()).unwrap();
    assert_eq!(one.format, CountFormat::Htseq);
    assert_eq!(one.matrix.n_genes(), t.matrix.n_genes());
    // `--nonunique fraction` output has fractional counts: an error unless rounding.
    let frac = dir.join("yeast_RNASeq_excerpt_withNH_counts_nonunique_fraction.tsv");
    let e = read_counts(&frac, &ReadOptions::default()).unwrap_err().to_string();
    assert!(e.contains("is not a whole number"), "{e}");
    let r = read_counts(&frac, &ReadOptions { round: true }).unwrap();
    assert!(r.n_rounded > 0);
}
