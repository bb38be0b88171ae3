//! degsea-gsea against fgsea 1.31.6 on real data (`../shared/reference/{fgsea_example,airway}`).
//!
//! What is guarded and why the tolerances are what they are (ALGORITHMS.md §C):
//! * ES, size and leading edge are deterministic: ES ≤ 1e-12 absolute, size and leading edge
//!   (in fgsea's order) identical.
//! * NES, p-values and log2err are Monte-Carlo quantities; our random streams differ from R's.
//!   - permutation (nperm 10,000): NES within 3 % relative; p within 3 binomial standard errors
//!     of the difference of two independent estimates, `3·sqrt(2·p̄(1−p̄)/n₀) + 1/n₀` (`n₀` =
//!     null draws of the observed sign; the `1/n₀` is the `+1` of the estimator).
//!   - multilevel: `|log2 p − log2 p_ref| ≤ 3·sqrt(log2err² + log2err_ref²)`; NES comes from
//!     1,000 permutations (expected error 1–3 %), checked within 6 %.
//!
//!   With hundreds of pathways a 3-σ rule is exceeded by chance about 0.3 % of the time, so at
//!   most 1 % of the pathways may exceed 3 σ and none may exceed 5 σ.
//! * The pathways with padj < 0.05 agree, except those within a factor of 2 of the threshold.
//!
//! Rows are matched by pathway name; the worst cells are printed on failure.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly on malformed reference files")]

use degsea_testkit::shared_or_skip;
use std::collections::HashMap;
use std::path::Path;

use degsea_gsea::{GseaOptions, GseaResult, Method, PathwayResult};

const ES_TOL: f64 = 1e-12;
const NES_TOL_PERMUTATION: f64 = 0.03;
const NES_TOL_MULTILEVEL: f64 = 0.06;
const SIGMAS: f64 = 3.0;
const HARD_SIGMAS: f64 = 5.0;
const MAX_FRACTION_BEYOND: f64 = 0.01;
const PADJ_THRESHOLD: f64 = 0.05;
const PADJ_MARGIN: f64 = 2.0;

#[derive(Debug)]
struct RefRow {
    pval: f64,
    padj: f64,
    log2err: f64,
    es: f64,
    nes: f64,
    size: usize,
    leading_edge: Vec<String>,
}

fn num(s: &str) -> f64 {
    if s == "NA" { f64::NAN } else { s.parse().unwrap() }
}

fn read_reference(path: &Path) -> HashMap<String, RefRow> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (cp, cpv, cpa, ces, cnes, csz, cle) =
        (col("pathway"), col("pval"), col("padj"), col("ES"), col("NES"), col("size"), col("leadingEdge"));
    let cl2 = header.iter().position(|h| *h == "log2err");
    lines
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let row = RefRow {
                pval: num(f[cpv]),
                padj: num(f[cpa]),
                log2err: cl2.map_or(f64::NAN, |c| num(f[c])),
                es: num(f[ces]),
                nes: num(f[cnes]),
                size: f[csz].parse().unwrap(),
                leading_edge: f[cle].split(',').filter(|g| !g.is_empty()).map(str::to_owned).collect(),
            };
            (f[cp].to_owned(), row)
        })
        .collect()
}

fn run(shared: &Path, ranks: &str, gmt: &str, method: Method, eps: f64) -> GseaResult {
    let ranks = degsea_io::rnk::read(&shared.join(ranks)).unwrap();
    let sets = degsea_io::gmt::read(&shared.join(gmt), "sets", "").unwrap();
    let opts = GseaOptions { method, eps, min_size: 15, max_size: 500, ..GseaOptions::default() };
    degsea_gsea::run(&ranks.list, &[sets], &opts).unwrap()
}

/// Worst-first report of failing cells.
struct Report {
    what: &'static str,
    cells: Vec<(f64, String)>,
}

impl Report {
    fn new(what: &'static str) -> Self {
        Self { what, cells: Vec::new() }
    }
    fn add(&mut self, score: f64, msg: String) {
        self.cells.push((score, msg));
    }
    fn text(&mut self) -> String {
        self.cells.sort_by(|a, b| b.0.total_cmp(&a.0));
        let lines: Vec<String> =
            self.cells.iter().take(15).map(|c| format!("  {:.3}: {}", c.0, c.1)).collect();
        format!("{} ({} cells):\n{}", self.what, self.cells.len(), lines.join("\n"))
    }
}

fn check_deterministic(res: &GseaResult, reference: &HashMap<String, RefRow>) {
    assert_eq!(res.rows.len(), reference.len(), "number of pathways");
    let mut bad = Report::new("ES/size/leading edge mismatches");
    let mut worst_es = 0.0f64;
    for r in &res.rows {
        let x = reference.get(&r.pathway).unwrap_or_else(|| panic!("pathway {} not in reference", r.pathway));
        let d = (r.es - x.es).abs();
        worst_es = worst_es.max(d);
        if d > ES_TOL || r.size != x.size || r.leading_edge != x.leading_edge {
            bad.add(
                d,
                format!(
                    "{}: ES {} vs {}, size {} vs {}, LE equal {}",
                    r.pathway,
                    r.es,
                    x.es,
                    r.size,
                    x.size,
                    r.leading_edge == x.leading_edge
                ),
            );
        }
    }
    println!("max |ES − ES_fgsea| = {worst_es:e}");
    assert!(bad.cells.is_empty(), "{}", bad.text());
}

fn check_significant_sets(res: &GseaResult, reference: &HashMap<String, RefRow>) {
    let mut bad = Report::new("pathways significant in only one of degsea and fgsea");
    for r in &res.rows {
        let x = &reference[&r.pathway];
        let ours = r.padj < PADJ_THRESHOLD;
        let theirs = x.padj < PADJ_THRESHOLD;
        let near = |q: f64| q > PADJ_THRESHOLD / PADJ_MARGIN && q < PADJ_THRESHOLD * PADJ_MARGIN;
        if ours != theirs && !(near(r.padj) || near(x.padj)) {
            bad.add(1.0, format!("{}: padj {} vs {}", r.pathway, r.padj, x.padj));
        }
    }
    assert!(bad.cells.is_empty(), "{}", bad.text());
}

/// Checks the z-scores of a statistical comparison.
fn check_z(mut report: Report, n: usize) {
    let beyond = report.cells.iter().filter(|c| c.0 > SIGMAS).count();
    let hard = report.cells.iter().filter(|c| c.0 > HARD_SIGMAS).count();
    let allowed = ((n as f64 * MAX_FRACTION_BEYOND).ceil() as usize).max(1);
    let text = report.text();
    println!("{text}");
    assert!(
        hard == 0 && beyond <= allowed,
        "{beyond} beyond {SIGMAS} σ (allowed {allowed}), {hard} beyond {HARD_SIGMAS} σ\n{text}"
    );
}

/// Null draws of the observed sign in our run (the reference's count is close to it).
fn null_draws_of_sign(r: &PathwayResult) -> f64 {
    r.n_same_sign as f64
}

fn check_permutation(res: &GseaResult, reference: &HashMap<String, RefRow>) {
    check_deterministic(res, reference);
    let mut nes = Report::new("NES relative difference / 3 %");
    let mut p = Report::new("permutation p-value z-scores");
    for r in &res.rows {
        let x = &reference[&r.pathway];
        let rel = (r.nes - x.nes).abs() / x.nes.abs();
        nes.add(rel / NES_TOL_PERMUTATION, format!("{}: NES {} vs {}", r.pathway, r.nes, x.nes));
        let n0 = null_draws_of_sign(r);
        let pbar = 0.5 * (r.pval + x.pval);
        let se = (2.0 * pbar * (1.0 - pbar) / n0).sqrt();
        let z = ((r.pval - x.pval).abs() - 1.0 / n0).max(0.0) / se;
        p.add(z, format!("{}: p {} vs {}", r.pathway, r.pval, x.pval));
    }
    let over: Vec<_> = nes.cells.iter().filter(|c| c.0 > 1.0).collect();
    assert!(over.is_empty(), "{}", nes.text());
    check_z(p, res.rows.len());
    check_significant_sets(res, reference);
}

fn check_multilevel(res: &GseaResult, reference: &HashMap<String, RefRow>) {
    check_deterministic(res, reference);
    let mut nes = Report::new("NES relative difference / 6 %");
    let mut p = Report::new("multilevel log2 p z-scores");
    for r in &res.rows {
        let x = &reference[&r.pathway];
        let rel = (r.nes - x.nes).abs() / x.nes.abs();
        nes.add(rel / NES_TOL_MULTILEVEL, format!("{}: NES {} vs {}", r.pathway, r.nes, x.nes));
        assert!(r.pval > 0.0, "{}: p = 0", r.pathway);
        let err = (r.log2err.powi(2) + x.log2err.powi(2)).sqrt();
        let z = (r.pval.log2() - x.pval.log2()).abs() / err;
        p.add(
            z,
            format!("{}: p {} vs {} (log2err {} / {})", r.pathway, r.pval, x.pval, r.log2err, x.log2err),
        );
    }
    let over: Vec<_> = nes.cells.iter().filter(|c| c.0 > 1.0).collect();
    assert!(over.is_empty(), "{}", nes.text());
    check_z(p, res.rows.len());
    check_significant_sets(res, reference);
}

#[test]
fn fgsea_example_permutation() {
    let Some(s) = shared_or_skip("fgsea_example_permutation") else { return };
    let res = run(
        &s,
        "data/fgsea_example/naive.vs.th1.rnk",
        "data/fgsea_example/mouse.reactome.gmt",
        Method::Permutation { nperm: 10_000 },
        0.0,
    );
    check_permutation(&res, &read_reference(&s.join("reference/fgsea_example/gsea_simple_nperm10000.tsv")));
}

#[test]
fn fgsea_example_multilevel() {
    let Some(s) = shared_or_skip("fgsea_example_multilevel") else { return };
    let res = run(
        &s,
        "data/fgsea_example/naive.vs.th1.rnk",
        "data/fgsea_example/mouse.reactome.gmt",
        Method::Multilevel,
        0.0,
    );
    check_multilevel(&res, &read_reference(&s.join("reference/fgsea_example/gsea_multilevel.tsv")));
    // fgsea's package test: Cell Cycle with exampleRanks has 1e-29 ≤ p ≤ 1e-25.
    let cc = res.rows.iter().find(|r| r.pathway == "5990980_Cell_Cycle").unwrap();
    assert!((1e-29..=1e-25).contains(&cc.pval), "Cell Cycle p = {}", cc.pval);
}

#[test]
fn airway_hallmark_permutation() {
    let Some(s) = shared_or_skip("airway_hallmark_permutation") else { return };
    let res = run(
        &s,
        "reference/airway/ranks.rnk",
        "genesets/h.all.v2025.1.Hs.symbols.gmt",
        Method::Permutation { nperm: 10_000 },
        0.0,
    );
    check_permutation(&res, &read_reference(&s.join("reference/airway/gsea_simple_nperm10000.tsv")));
}

#[test]
fn airway_hallmark_multilevel() {
    let Some(s) = shared_or_skip("airway_hallmark_multilevel") else { return };
    let res = run(
        &s,
        "reference/airway/ranks.rnk",
        "genesets/h.all.v2025.1.Hs.symbols.gmt",
        Method::Multilevel,
        0.0,
    );
    check_multilevel(&res, &read_reference(&s.join("reference/airway/gsea_multilevel.tsv")));
}
