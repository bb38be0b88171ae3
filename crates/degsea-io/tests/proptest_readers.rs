//! Property tests of the readers (issue 19): counts, featureCounts, HTSeq, sample sheet, rename
//! map, GMT, RNK, gene map, de.tsv and gsea.tsv. Arbitrary bytes never panic (every reader returns
//! `Ok` or an `Err` naming the file), and what degsea writes it reads back identically.
//!
//! Case counts are bounded so the whole file runs in a few seconds in CI; inputs are small
//! (at most [`fuzz_common::MAX_BYTES`]) but built from the tokens the parsers branch on (tabs, commas,
//! quotes, `#`, `;`, CR/LF, `__`, digits, signs, exponents, the gzip magic, control bytes).
//! A reader that looped forever would make this test hang; none is timed (no timed assertions).

#![allow(clippy::unwrap_used)] // test helpers and strategies outside #[test] functions

mod fuzz_common;

use std::fmt::Write as _;

use degsea_core::{CountMatrix, GeneSet, GeneSetCollection, SampleSheet};
use degsea_io::counts::{
    ColumnOptions, ReadOptions, read_counts, read_counts_with, read_htseq, write_counts,
};
use degsea_io::samples::{read_rename_map, read_sample_sheet, write_sample_sheet};
use degsea_io::{gmt, rnk};
use fuzz_common::{check_error, write};
use proptest::prelude::*;

/// Cases per property: enough to reach every branch of the small parsers, few enough for CI.
const CASES: u32 = 256;

/// Fragments the parsers branch on; inputs are random sequences of these and random bytes.
static TOKENS: [&[u8]; 30] = [
    b"\t",
    b",",
    b"\"",
    b"#",
    b";",
    b"\n",
    b"\r\n",
    b"__no_feature",
    b"0",
    b"7",
    b"12",
    b"-1",
    b"2.5",
    b"1e+05",
    b"NA",
    b"Inf",
    b"4294967296",
    b"gene",
    b"gene_name",
    b"Geneid\tChr\tStart\tEnd\tStrand\tLength",
    b"# Program:featureCounts\n",
    b"S1",
    b"S2",
    b"g1",
    b"\x1f\x8b",
    b"\x1b[2J",
    b"\0",
    b"\xff\xfe",
    b" ",
    b"1",
];

fn input() -> impl Strategy<Value = Vec<u8>> {
    fuzz_common::input(&TOKENS)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn counts_reader_never_panics(bytes in input(), round in any::<bool>(), named in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "c.tsv", &bytes);
        let cols = ColumnOptions { gene_name_column: named.then(|| "gene_name".to_owned()) };
        match read_counts_with(&p, &ReadOptions { round }, &cols) {
            Ok(t) => {
                prop_assert_eq!(t.matrix.counts().dim(), (t.matrix.n_genes(), t.matrix.n_samples()));
                prop_assert_eq!(t.sources.len(), t.matrix.n_samples());
                if let Some(names) = &t.gene_names {
                    prop_assert_eq!(names.len(), t.matrix.n_genes());
                }
            }
            Err(e) => check_error(&e, "c.tsv"),
        }
    }

    #[test]
    fn featurecounts_and_htseq_readers_never_panic(a in input(), b in input()) {
        let dir = tempfile::tempdir().unwrap();
        let mut fc = b"# Program:featureCounts v2\nGeneid\tChr\tStart\tEnd\tStrand\tLength\tx/A.bam\ty/B.bam\n".to_vec();
        fc.extend_from_slice(&a);
        let p = write(dir.path(), "fc.txt", &fc);
        if let Err(e) = read_counts(&p, &ReadOptions::default()) {
            check_error(&e, "fc.txt");
        }
        let pa = write(dir.path(), "A.htseq.counts", &a);
        let pb = write(dir.path(), "B.htseq.counts", &b);
        match read_htseq(&[&pa, &pb], &ReadOptions { round: true }) {
            Ok(t) => prop_assert_eq!(t.matrix.samples(), ["A", "B"]),
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(msg.contains(".htseq.counts"), "{}", msg);
                prop_assert!(!msg.chars().any(char::is_control), "{:?}", msg);
            }
        }
    }

    #[test]
    fn sheet_rename_gmt_and_rnk_readers_never_panic(bytes in input()) {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "s.tsv", &bytes);
        if let Err(e) = read_sample_sheet(&p) {
            check_error(&e, "s.tsv");
        }
        if let Err(e) = read_rename_map(&p) {
            check_error(&e, "s.tsv");
        }
        if let Err(e) = gmt::parse(&bytes[..], "x.gmt", "x", "") {
            check_error(&e, "x.gmt");
        }
        match rnk::parse(&bytes[..], "x.rnk") {
            Ok(r) => prop_assert!(r.list.scores().iter().all(|s| s.is_finite())),
            Err(e) => check_error(&e, "x.rnk"),
        }
        if let Err(e) = gmt::read(&p, "x", "") {
            check_error(&e, "s.tsv");
        }
        if let Err(e) = rnk::read(&p) {
            check_error(&e, "s.tsv");
        }
    }
}

/// Names degsea writes and reads back unchanged: no delimiters, quotes, `#` start, spaces, or
/// control characters; sample names prefixed so that none is a number or an annotation name.
fn name() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9_.:-]{0,10}"
}

fn matrix() -> impl Strategy<Value = CountMatrix> {
    (1usize..6, 2usize..5).prop_flat_map(|(g, s)| {
        (
            prop::collection::hash_set(name(), g),
            prop::collection::hash_set(name().prop_map(|n| format!("S_{n}")), s),
            prop::collection::vec(prop_oneof![Just(0u32), 0u32..100, Just(u32::MAX), any::<u32>()], g * s),
        )
            .prop_map(move |(genes, samples, counts)| {
                let counts = ndarray::Array2::from_shape_vec((g, s), counts).unwrap();
                CountMatrix::new(genes.into_iter().collect(), samples.into_iter().collect(), counts).unwrap()
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn counts_round_trip(m in matrix()) {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = Vec::new();
        write_counts(&mut bytes, &m).unwrap();
        let p = write(dir.path(), "counts.tsv", &bytes);
        let t = read_counts(&p, &ReadOptions::default()).unwrap();
        prop_assert_eq!(t.matrix, m);
    }

    #[test]
    fn sheet_round_trip(
        ids in prop::collection::hash_set(name(), 1..6),
        columns in prop::collection::hash_set(name().prop_map(|n| format!("c_{n}")), 1..4),
        seed in prop::collection::vec(name(), 24),
    ) {
        let ids: Vec<String> = ids.into_iter().collect();
        let columns: Vec<String> = columns.into_iter().collect();
        let rows: Vec<Vec<String>> = (0..ids.len())
            .map(|i| (0..columns.len()).map(|c| seed[(i * columns.len() + c) % seed.len()].clone()).collect())
            .collect();
        let sheet = SampleSheet::new(ids, columns, rows).unwrap();
        let mut bytes = Vec::new();
        write_sample_sheet(&mut bytes, &sheet).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let read = read_sample_sheet(&write(dir.path(), "samples.tsv", &bytes)).unwrap();
        prop_assert_eq!(read.ids(), sheet.ids());
        prop_assert_eq!(read.columns(), sheet.columns());
        for c in sheet.columns() {
            prop_assert_eq!(read.column(c), sheet.column(c));
        }
    }

    #[test]
    fn gmt_round_trip(sets in prop::collection::btree_map(name(), (name(), prop::collection::vec(name(), 0..6)), 1..5)) {
        let collection = GeneSetCollection {
            name: "x".into(),
            version: String::new(),
            sets: sets.into_iter().map(|(n, (d, genes))| GeneSet { name: n, description: d, genes }).collect(),
        };
        let mut bytes = Vec::new();
        gmt::write(&mut bytes, &collection).unwrap();
        prop_assert_eq!(gmt::parse(&bytes[..], "x.gmt", "x", "").unwrap(), collection);
    }

    #[test]
    fn rnk_round_trip(scores in prop::collection::btree_map(name(), prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO, 1..8)) {
        // Written as `degsea run` writes ranks.rnk: `gene<TAB>score` with fmt_f64.
        let mut text = String::new();
        for (g, s) in &scores {
            writeln!(text, "{g}\t{}", degsea_io::table::fmt_f64(*s)).unwrap();
        }
        let r = rnk::parse(text.as_bytes(), "x.rnk").unwrap();
        let genes: Vec<&String> = scores.keys().collect();
        let values: Vec<f64> = scores.values().copied().collect();
        prop_assert_eq!(r.list.genes().iter().collect::<Vec<_>>(), genes);
        prop_assert_eq!(r.list.scores().iter().map(|s| s.to_bits()).collect::<Vec<_>>(), values.iter().map(|s| s.to_bits()).collect::<Vec<_>>());
    }
}

/// Finite values and the NaN degsea writes as `NA` (e.g. a log2err not estimated).
fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO,
        1 => Just(f64::NAN),
    ]
}

/// NaN-aware bit equality (NaN read back as NaN).
fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn result_table_readers_never_panic(bytes in input()) {
        // de.tsv and gsea.tsv are read back by `degsea plot`, gene maps by `run --gene-map`.
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "t.tsv", &bytes);
        if let Err(e) = degsea_io::de_table::read(&p) {
            check_error(&e, "t.tsv");
        }
        if let Err(e) = degsea_io::gsea_table::read(&p) {
            check_error(&e, "t.tsv");
        }
        if let Err(e) = degsea_io::genemap::read(&p) {
            check_error(&e, "t.tsv");
        }
    }

    #[test]
    fn de_table_round_trip(rows in prop::collection::btree_map(name(), (value(), value(), value(), value(), value()), 1..8), glm in any::<bool>()) {
        let genes: Vec<String> = rows.keys().cloned().collect();
        let cols: Vec<(f64, f64, f64, f64, f64)> = rows.values().copied().collect();
        let pick = |k: usize| -> Vec<f64> { cols.iter().map(|c| [c.0, c.1, c.2, c.3, c.4][k]).collect() };
        let (log_fc, log_cpm, p_value, fdr, dispersion) = (pick(0), pick(1), pick(2), pick(3), pick(4));
        let order: Vec<usize> = (0..genes.len()).rev().collect();
        let table = degsea_io::de_table::DeColumns {
            genes: &genes, log_fc: &log_fc, log_cpm: &log_cpm, p_value: &p_value, fdr: &fdr,
            dispersion: &dispersion,
            // A GLM table has topTags' statistic column (here `F`, the values of logCPM).
            statistic: glm.then_some(degsea_io::de_table::Statistic { name: "F", values: &log_cpm }),
            order: &order,
        };
        let mut bytes = Vec::new();
        table.write_tsv(&mut bytes).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let read = degsea_io::de_table::read(&write(dir.path(), "de.tsv", &bytes)).unwrap();
        prop_assert_eq!(read.len(), genes.len());
        for (r, &i) in read.iter().zip(&order) {
            prop_assert_eq!(&r.gene, &genes[i]);
            prop_assert!(same(r.log_fc, log_fc[i]) && same(r.p_value, p_value[i]) && same(r.fdr, fdr[i]), "{:?}", r);
        }
    }

    #[test]
    fn gsea_table_round_trip(rows in prop::collection::btree_map(name(), (0usize..500, value(), value(), value(), value(), prop::collection::vec(name(), 0..4)), 1..6)) {
        let records: Vec<degsea_io::gsea_table::GseaRecord> = rows
            .into_iter()
            .map(|(pathway, (size, es, nes, pval, padj, leading_edge))| degsea_io::gsea_table::GseaRecord {
                pathway, size, es, nes, pval, padj, log2err: f64::NAN, leading_edge,
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "gsea.tsv", degsea_io::gsea_table::to_tsv(&records).as_bytes());
        let read = degsea_io::gsea_table::read(&p).unwrap();
        prop_assert_eq!(read.len(), records.len());
        for (r, w) in read.iter().zip(&records) {
            prop_assert_eq!(&r.pathway, &w.pathway);
            prop_assert!(same(r.es, w.es) && same(r.nes, w.nes) && same(r.padj, w.padj), "{:?}", r);
        }
    }
}
