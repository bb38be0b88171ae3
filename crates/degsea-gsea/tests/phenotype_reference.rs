//! Phenotype-permutation GSEA against GSEApy 1.3.1 (`../shared/reference/{leukemia,demo}_pheno`,
//! three seeds each, 1,000 permutations, signal-to-noise, weight 1, sizes 15–500). Matched by
//! pathway name. ES and size are deterministic and must agree to 1e-10; NES, nominal p and the
//! FDR < 0.05 calls are Monte-Carlo quantities and are compared with bounds written below.
//!
//! Permutations: `NPERM` = 300 here (CI has 2 cores). The bounds scale with it.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly on malformed reference files")]

use std::collections::BTreeMap;
use std::path::Path;

use degsea_gsea::phenotype::{
    Collapse, Expression, Metric, PhenotypeOptions, PhenotypeResult, run_phenotype,
};

/// Our permutations per test run (GSEApy used 1,000).
const NPERM: usize = 300;
/// GSEApy's permutations.
const REF_NPERM: usize = 1000;
/// ES is deterministic: absolute tolerance.
const ES_TOL: f64 = 1e-10;
/// NES: at most this many standard errors of the difference (SE from the pooled relative
/// seed-to-seed SD of GSEApy's NES, scaled by √(1000/NPERM + 1/3)).
const NES_Z: f64 = 5.0;
/// Nominal p: at most this many binomial standard errors.
const P_Z: f64 = 3.0;

struct RefRow {
    size: usize,
    es: f64,
    nes: f64,
    pval: f64,
    fdr: f64,
}

fn read_ref(path: &Path) -> BTreeMap<String, RefRow> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |n: &str| head.iter().position(|h| *h == n).unwrap();
    let (cs, ce, cn, cp, cq) = (col("size"), col("ES"), col("NES"), col("pval"), col("fdr_q"));
    lines
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let num = |i: usize| f[i].parse::<f64>().unwrap();
            (
                f[0].to_string(),
                RefRow {
                    size: f[cs].parse().unwrap(),
                    es: num(ce),
                    nes: num(cn),
                    pval: num(cp),
                    fdr: num(cq),
                },
            )
        })
        .collect()
}

/// A plain `gene<TAB>sample…` table.
fn read_table(path: &Path) -> (Vec<String>, Expression) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let samples: Vec<String> = lines.next().unwrap().split('\t').skip(1).map(String::from).collect();
    let (mut genes, mut values) = (Vec::new(), Vec::new());
    for l in lines {
        let mut f = l.split('\t');
        genes.push(f.next().unwrap().to_string());
        values.extend(f.map(|x| x.parse::<f64>().unwrap()));
    }
    let n = samples.len();
    (samples, Expression { genes, n_samples: n, values })
}

struct Case {
    result: PhenotypeResult,
    refs: Vec<BTreeMap<String, RefRow>>,
}

fn run_case(expr: Expression, labels: &[bool], gmt: &Path, refs: &[std::path::PathBuf], seed: u64) -> Case {
    let (expr, _) = expr.collapse(Collapse::Mean).unwrap();
    let expr = expr.gseapy_filter(labels);
    let sets = degsea_io::gmt::read(gmt, "h", "").unwrap();
    let opts = PhenotypeOptions { metric: Metric::SignalToNoise, nperm: NPERM, seed, ..Default::default() };
    let result = run_phenotype(&expr, labels, &[sets], &opts).unwrap();
    Case { result, refs: refs.iter().map(|p| read_ref(p)).collect() }
}

fn compare(name: &str, case: &Case) {
    let refs = &case.refs;
    let ours: BTreeMap<&str, _> = case.result.rows.iter().map(|r| (r.pathway.as_str(), r)).collect();
    assert_eq!(
        ours.keys().copied().collect::<Vec<_>>(),
        refs[0].keys().map(String::as_str).collect::<Vec<_>>(),
        "{name}: pathways"
    );
    // Pooled relative seed-to-seed variance of GSEApy's NES.
    let mut rel_var = 0.0;
    for (p, r0) in &refs[0] {
        let v: Vec<f64> = refs.iter().map(|r| r[p].nes).collect();
        let m = v.iter().sum::<f64>() / 3.0;
        rel_var += v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / 2.0 / (m * m);
        let _ = r0;
    }
    let rel_sd = (rel_var / refs[0].len() as f64).sqrt();
    let scale = (REF_NPERM as f64 / NPERM as f64 + 1.0 / 3.0).sqrt();
    let (mut worst_es, mut worst_nes_z, mut worst_p_z) = (0.0f64, 0.0f64, 0.0f64);
    let mut borderline = Vec::new();
    for (p, r0) in &refs[0] {
        let o = ours[p.as_str()];
        assert_eq!(o.size, r0.size, "{name} {p}: size");
        let d = (o.es - r0.es).abs();
        assert!(d <= ES_TOL, "{name} {p}: ES {} vs GSEApy {}", o.es, r0.es);
        worst_es = worst_es.max(d);
        let nes_ref = refs.iter().map(|r| r[p].nes).sum::<f64>() / 3.0;
        let z = (o.nes - nes_ref).abs() / (rel_sd * nes_ref.abs() * scale);
        assert!(z <= NES_Z, "{name} {p}: NES {} vs GSEApy mean {nes_ref}: z = {z:.2}", o.nes);
        worst_nes_z = worst_nes_z.max(z);
        // Binomial SE of a proportion with ~half the null on the ES side, ours and GSEApy's 3000.
        let p_ref = refs.iter().map(|r| r[p].pval).sum::<f64>() / 3.0;
        let pp = p_ref.max(2.0 / NPERM as f64).min(0.5);
        let se = (pp * (1.0 - pp) * (2.0 / NPERM as f64 + 2.0 / (3.0 * REF_NPERM as f64))).sqrt();
        let zp = (o.pval - p_ref).abs() / se;
        assert!(zp <= P_Z, "{name} {p}: pval {} vs GSEApy mean {p_ref}: z = {zp:.2}", o.pval);
        worst_p_z = worst_p_z.max(zp);
        // FDR call: GSEApy majority unless the q values (GSEApy's three and ours) straddle 0.05.
        let qs: Vec<f64> = refs.iter().map(|r| r[p].fdr).chain([o.fdr_q]).collect();
        let straddles = qs.iter().any(|&q| q < 0.05) && qs.iter().any(|&q| q >= 0.05);
        if straddles {
            borderline.push(format!("{p} (GSEApy {:?}, ours {:.4})", &qs[..3], o.fdr_q));
            continue;
        }
        let majority = refs.iter().filter(|r| r[p].fdr < 0.05).count() >= 2;
        assert_eq!(o.fdr_q < 0.05, majority, "{name} {p}: fdr_q {} vs GSEApy {:?}", o.fdr_q, &qs[..3]);
    }
    println!(
        "{name}: {} pathways, worst |ΔES| = {worst_es:.2e}, worst NES z = {worst_nes_z:.2} (GSEApy relative seed SD {rel_sd:.4}), worst p z = {worst_p_z:.2}",
        refs[0].len()
    );
    println!("{name}: q within MC error of 0.05 (not compared): {borderline:?}");
}

#[test]
fn leukemia_matches_gseapy() {
    let Some(shared) = degsea_testkit::shared_or_skip("leukemia_matches_gseapy") else { return };
    let (samples, expr) = read_table(&shared.join("data/leukemia/expr.tsv"));
    let labels: Vec<bool> = samples.iter().map(|s| s.starts_with("ALL")).collect();
    let dir = shared.join("reference/leukemia_pheno");
    let refs: Vec<_> = (1..=3).map(|s| dir.join(format!("gseapy_seed{s}.tsv"))).collect();
    let case = run_case(expr, &labels, &shared.join("data/leukemia/h.all.v7.0.symbols.gmt"), &refs, 1);
    compare("leukemia", &case);
}

#[test]
fn demo_matches_gseapy() {
    let Some(shared) = degsea_testkit::shared_or_skip("demo_matches_gseapy") else { return };
    let dir = shared.join("reference/demo_pheno");
    let (samples, expr) = read_table(&dir.join("expr_logcpm.tsv"));
    let sheet = std::fs::read_to_string(dir.join("samples.tsv")).unwrap();
    let group: BTreeMap<&str, &str> = sheet.lines().skip(1).filter_map(|l| l.split_once('\t')).collect();
    let labels: Vec<bool> = samples.iter().map(|s| group[s.as_str()] != "cluster1").collect();
    let gmt = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../genesets/h.all.v2025.1.Hs.symbols.gmt");
    let refs: Vec<_> = (1..=3).map(|s| dir.join(format!("gseapy_seed{s}.tsv"))).collect();
    let case = run_case(expr, &labels, &gmt, &refs, 1);
    compare("demo", &case);
}
