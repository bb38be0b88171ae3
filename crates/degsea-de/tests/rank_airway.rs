//! The ranking step alone against `reference/airway/ranks.rnk`, which was made from edgeR's
//! `de.tsv` by z = sign(logFC)·qnorm(log(p) − log 2, lower = FALSE, log.p = TRUE), Ensembl ids
//! mapped to the first symbol of the bundled map, largest |z| kept per symbol.
//! Tolerance 1e-9 relative (issue 5); in practice the log-scale qnorm port is exact.

#![allow(clippy::unwrap_used, reason = "test code: a panic is a test failure")]

use std::collections::HashMap;
use std::path::PathBuf;

use degsea_core::GeneMap;
use degsea_de::rank::{RankMetric, collapse_by_name, rank_scores};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn tsv(path: &PathBuf) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

#[test]
fn airway_ranks_match_reference() {
    let shared = root().join("../shared");
    if !shared.is_dir() {
        println!("skipping airway_ranks_match_reference: ../shared is absent");
        return;
    }
    let de = tsv(&shared.join("reference/airway/de.tsv"));
    let header = &de[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (g, l, p) = (col("gene"), col("logFC"), col("PValue"));
    let rows = &de[1..];
    let map_rows = tsv(&root().join("genesets/ensembl_to_symbol.human.tsv"));
    let map = GeneMap::from_pairs(map_rows[1..].iter().map(|r| (r[0].clone(), r[1].clone())));
    let log_fc: Vec<f64> = rows.iter().map(|r| r[l].parse().unwrap()).collect();
    let p_value: Vec<f64> = rows.iter().map(|r| r[p].parse().unwrap()).collect();
    let scores = rank_scores(RankMetric::Z, &log_fc, &p_value);
    let names: Vec<Option<&str>> = rows.iter().map(|r| map.get(&r[g])).collect();
    let ranked = collapse_by_name(&names, &scores);

    let reference = tsv(&shared.join("reference/airway/ranks.rnk"));
    let expected: HashMap<&str, f64> =
        reference.iter().map(|r| (r[0].as_str(), r[1].parse().unwrap())).collect();
    assert_eq!(ranked.names.len(), expected.len(), "number of ranked symbols");
    let mut worst = (0.0_f64, String::new(), 0.0, 0.0);
    for (name, &got) in ranked.names.iter().zip(&ranked.scores) {
        let want = *expected.get(name.as_str()).unwrap_or_else(|| panic!("extra symbol {name}"));
        let rel = if want == 0.0 { got.abs() } else { ((got - want) / want).abs() };
        if rel > worst.0 {
            worst = (rel, name.clone(), got, want);
        }
    }
    println!("worst relative difference {:e} at {} (got {}, want {})", worst.0, worst.1, worst.2, worst.3);
    assert!(worst.0 <= 1e-9, "worst relative difference {:e} at {}", worst.0, worst.1);
    // same order as the reference file (winner's input position)
    let ref_order: Vec<&str> = reference.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ranked.names.iter().map(String::as_str).collect::<Vec<_>>(), ref_order);
}
