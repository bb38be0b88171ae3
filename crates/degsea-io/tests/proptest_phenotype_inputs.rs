//! Property tests of the phenotype-GSEA inputs (issue 17): GCT, CLS and expression tables.
//! Arbitrary bytes never panic (every reader returns `Ok` or an `Err` naming the file, with no
//! control character), and what [`gct::write`], [`cls::write`] and [`expression::write_tsv`]
//! write reads back identically. Bounded case counts; nothing is timed.

#![allow(clippy::unwrap_used)] // test helpers and strategies outside #[test] functions

mod fuzz_common;

use degsea_io::cls::{self, ClassLabels};
use degsea_io::expression::{self, ExpressionFormat, ExpressionTable};
use degsea_io::gct;
use fuzz_common::{check_error, write};
use proptest::prelude::*;

/// Cases per property.
const CASES: u32 = 256;

/// Fragments the GCT/CLS/table parsers branch on.
static TOKENS: [&[u8]; 26] = [
    b"#1.2\n",
    b"#1.3\n",
    b"# ",
    b"#",
    b"\t",
    b" ",
    b",",
    b"\n",
    b"\r\n",
    b"0",
    b"1",
    b"2",
    b"3",
    b"-1.5",
    b"1e308",
    b"1e999",
    b"NA",
    b"nan",
    b"Name\tDescription\t",
    b"A",
    b"B",
    b"g1",
    b"\x1f\x8b",
    b"\x1b[2J",
    b"\0",
    b"\xff",
];

fn input() -> impl Strategy<Value = Vec<u8>> {
    fuzz_common::input(&TOKENS)
}

fn name() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9_.:-]{0,10}"
}

fn table() -> impl Strategy<Value = ExpressionTable> {
    (1usize..6, 1usize..5).prop_flat_map(|(g, s)| {
        (
            prop::collection::vec(name(), g),
            prop::collection::hash_set(name().prop_map(|n| format!("S_{n}")), s),
            prop::collection::vec(
                prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO,
                g * s,
            ),
        )
            .prop_map(|(genes, samples, values)| ExpressionTable {
                genes,
                samples: samples.into_iter().collect(),
                values,
                format: ExpressionFormat::Gct,
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn expression_gct_and_cls_readers_never_panic(bytes in input()) {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "e.gct", &bytes);
        match expression::read(&p) {
            Ok(t) => {
                prop_assert_eq!(t.values.len(), t.genes.len() * t.samples.len());
                prop_assert!(t.values.iter().all(|v| v.is_finite()));
            }
            Err(e) => check_error(&e, "e.gct"),
        }
        let mut gct_bytes = b"#1.2\n".to_vec();
        gct_bytes.extend_from_slice(&bytes);
        if let Err(e) = expression::read(&write(dir.path(), "f.gct", &gct_bytes)) {
            check_error(&e, "f.gct");
        }
        match cls::read(&write(dir.path(), "l.cls", &bytes)) {
            Ok(c) => prop_assert!(c.labels.iter().all(|l| c.classes.contains(l))),
            Err(e) => check_error(&e, "l.cls"),
        }
    }

    #[test]
    fn gct_and_tsv_round_trip(t in table()) {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = Vec::new();
        gct::write(&mut bytes, &t).unwrap();
        prop_assert_eq!(&expression::read(&write(dir.path(), "x.gct", &bytes)).unwrap(), &t);
        let mut bytes = Vec::new();
        expression::write_tsv(&mut bytes, &t).unwrap();
        let back = expression::read(&write(dir.path(), "x.tsv", &bytes)).unwrap();
        prop_assert_eq!(back, ExpressionTable { format: ExpressionFormat::Table, ..t });
    }

    #[test]
    fn cls_round_trip(
        classes in prop::collection::hash_set(name(), 1..5),
        picks in prop::collection::vec(any::<prop::sample::Index>(), 1..20),
    ) {
        let classes: Vec<String> = classes.into_iter().collect();
        let labels = picks.iter().map(|i| classes[i.index(classes.len())].clone()).collect();
        let c = ClassLabels { file: "l.cls".into(), classes, labels };
        let mut bytes = Vec::new();
        cls::write(&mut bytes, &c).unwrap();
        prop_assert_eq!(cls::parse(&bytes, "l.cls").unwrap(), c);
    }
}
