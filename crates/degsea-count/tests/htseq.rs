//! degsea-count against htseq-count's expected outputs (HTSeq `example_data`), for the cases
//! whose semantics agree with featureCounts' (`-m union`, the default): htseq-count's default
//! `-s yes` is `Strandedness::Forward` and its default `-a 10` is `min_mapq: 10`.
//! The `withNH` cases use `-m intersection-nonempty` (and `--nonunique fraction`), which
//! featureCounts (and degsea) do not implement, so they are not compared.

#![allow(clippy::unwrap_used, reason = "test helpers: a failed unwrap is a failed test")]

use std::collections::BTreeMap;

use degsea_count::{Annotation, CountOptions, GtfOptions, Strandedness};

/// htseq-count's default `--minaqual`.
const HTSEQ_DEFAULT_MIN_AQUAL: u8 = 10;

use degsea_testkit::shared_or_skip;

fn check(input: &str, gtf: &str, expected: &str) {
    let Some(s) = shared_or_skip(input) else { return };
    let dir = s.join("bam/htseq_example_data");
    let annotation = Annotation::from_gtf_path(&dir.join(gtf), &GtfOptions::default()).unwrap();
    let opts = CountOptions {
        strand: Strandedness::Forward,
        min_mapq: HTSEQ_DEFAULT_MIN_AQUAL,
        ..CountOptions::default()
    };
    let fc = degsea_count::count_file(&dir.join(input), &annotation, &opts).unwrap();
    let ours: BTreeMap<&str, u64> =
        annotation.genes.iter().zip(&fc.counts).map(|(g, &c)| (g.id.as_str(), c)).collect();
    let text = std::fs::read_to_string(dir.join(expected)).unwrap();
    let mut bad = Vec::new();
    let mut seen = 0;
    for line in text.lines() {
        let (name, count) = line.split_once('\t').unwrap();
        let count: u64 = count.trim().parse().unwrap();
        let ours_value = match name {
            "__no_feature" => Some(fc.summary.no_features),
            "__ambiguous" => Some(fc.summary.ambiguity),
            "__too_low_aQual" => Some(fc.summary.mapping_quality),
            "__not_aligned" => Some(fc.summary.unmapped),
            "__alignment_not_unique" => Some(fc.summary.multi_mapping),
            gene => {
                seen += 1;
                ours.get(gene).copied()
            }
        };
        if ours_value != Some(count) {
            bad.push(format!("{name}: degsea {ours_value:?} vs htseq-count {count}"));
        }
    }
    assert_eq!(seen, ours.len(), "gene sets differ in size");
    assert!(bad.is_empty(), "{input}: {} differing cells:\n{}", bad.len(), bad.join("\n"));
}

#[test]
fn htseq_simple_sam() {
    check("bamfile_no_qualities.sam", "bamfile_no_qualities.gtf", "bamfile_no_qualities.tsv");
}

#[test]
fn htseq_simple_bam() {
    check("bamfile_no_qualities.bam", "bamfile_no_qualities.gtf", "bamfile_no_qualities.tsv");
}

#[test]
fn htseq_default_feature_type_gzip_gtf() {
    check(
        "yeast_RNASeq_excerpt.sam",
        "Saccharomyces_cerevisiae.SGD1.01.56_multiple_types.gtf.gz",
        "yeast_RNASeq_excerpt_default_type.tsv",
    );
}

#[test]
fn htseq_some_missing_sequences() {
    check(
        "yeast_RNASeq_excerpt_some_empty_seqs.sam",
        "Saccharomyces_cerevisiae.SGD1.01.56.gtf.gz",
        "yeast_RNASeq_excerpt_some_empty_seqs.tsv",
    );
}
