//! `degsea run` end to end: the simulated demo cohort (planted Hallmark shifts must come out
//! at padj < 0.05 with the planted sign), the airway reference ranks, several contrasts, and
//! atomic output on bad input and when killed.

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::time::Duration;

use crate::util::{assert_error, degsea, root, run_job, shared_or_skip};

/// Scores below this size are compared in absolute terms (see the airway test).
const ZERO_SCORE: f64 = 1e-12;

fn demo_args(out: &Path) -> Vec<String> {
    let d = root().join("data/visram_like_simulated");
    vec![
        "run".into(),
        "--counts".into(),
        d.join("counts.tsv.gz").display().to_string(),
        "--samples".into(),
        d.join("samples.tsv").display().to_string(),
        "--contrast".into(),
        "cluster: cluster2+cluster3 vs cluster1".into(),
        "--out".into(),
        out.display().to_string(),
    ]
}

/// pathway → (NES, padj) from a gsea.tsv.
fn gsea_table(path: &Path) -> HashMap<String, (f64, f64)> {
    let text = fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next().unwrap(), "pathway\tsize\tES\tNES\tpval\tpadj\tlog2err\tleadingEdge");
    lines
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_owned(), (f[3].parse().unwrap(), f[5].parse().unwrap()))
        })
        .collect()
}

#[test]
fn demo_recovers_the_planted_hallmark_shifts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("demo");
    let args = demo_args(&out);
    let o = degsea().args(&args).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.is_empty(), "nothing but results on stdout");
    for f in [
        "de.tsv",
        "filter.tsv",
        "norm_factors.tsv",
        "ranks.rnk",
        "gsea.tsv",
        "gsea.json",
        "run.json",
        "plots/nes_bar.svg",
        "plots/nes_bar.png",
        "plots/volcano.svg",
        "plots/volcano.png",
        "plots/enrichment/HALLMARK_E2F_TARGETS.png",
        "report.html",
        "plots/mds.svg",
        "plots/mds.png",
        "plots/bcv.svg",
        "plots/library_sizes.png",
        "plots/md.svg",
        "plots/pvalue_histogram.svg",
        "plots/heatmap/HALLMARK_E2F_TARGETS.svg",
    ] {
        assert!(out.join(f).is_file(), "missing {f}");
    }
    // `degsea report --from` rebuilds the same page from the folder (counts path as recorded).
    let rebuilt = tmp.path().join("rebuilt.html");
    let o = degsea().args(["report", "--from"]).arg(&out).arg("-o").arg(&rebuilt).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("HALLMARK_E2F_TARGETS") && page.contains("id=\"qc\""), "report sections");
    assert!(page == fs::read_to_string(&rebuilt).unwrap(), "report --from differs from run's report.html");
    let de = fs::read_to_string(out.join("de.tsv")).unwrap();
    assert!(de.starts_with("gene\tlogFC\tlogCPM\tPValue\tFDR\tdispersion\n"));
    let table = gsea_table(&out.join("gsea.tsv"));
    let planted = [
        ("HALLMARK_E2F_TARGETS", 1.0),
        ("HALLMARK_G2M_CHECKPOINT", 1.0),
        ("HALLMARK_MYC_TARGETS_V1", 1.0),
        ("HALLMARK_INTERFERON_ALPHA_RESPONSE", -1.0),
        ("HALLMARK_INTERFERON_GAMMA_RESPONSE", -1.0),
        ("HALLMARK_TNFA_SIGNALING_VIA_NFKB", -1.0),
        ("HALLMARK_IL6_JAK_STAT3_SIGNALING", -1.0),
        ("HALLMARK_TGF_BETA_SIGNALING", -1.0),
    ];
    for (set, sign) in planted {
        let (nes, padj) = table[set];
        assert!(padj < 0.05, "{set}: padj {padj}");
        assert_eq!(nes.signum(), sign, "{set}: NES {nes}");
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(manifest["parameters"]["contrast"], "cluster: cluster2+cluster3 vs cluster1");
    assert_eq!(manifest["results"]["design"]["n_test"], 14);
    assert_eq!(manifest["results"]["design"]["n_reference"], 24);
    assert_eq!(manifest["results"]["ranking"]["metric"], "z");
    assert!(manifest["inputs"][0]["sha256"].as_str().unwrap().len() == 64);
    assert!(manifest["results"]["gsea"]["collections"][0]["version"].as_str().unwrap().contains("2025.1"));
    let outputs: Vec<&str> =
        manifest["outputs"].as_array().unwrap().iter().map(|o| o["path"].as_str().unwrap()).collect();
    assert!(outputs.contains(&"de.tsv") && outputs.contains(&"plots/nes_bar.png"), "{outputs:?}");
    let svg = fs::read_to_string(out.join("plots/nes_bar.svg")).unwrap();
    assert!(svg.contains("E2F targets") && svg.contains("Interferon gamma response"));

    // the same seed gives the same bytes with one thread
    let out1 = tmp.path().join("demo1");
    let mut args1 = demo_args(&out1);
    args1.extend(["--threads".into(), "1".into()]);
    let o = degsea().args(&args1).output().unwrap();
    assert!(o.status.success());
    for f in [
        "gsea.tsv",
        "de.tsv",
        "ranks.rnk",
        "plots/nes_bar.svg",
        "plots/nes_bar.png",
        "report.html",
        "plots/mds.svg",
    ] {
        assert_eq!(
            fs::read(out.join(f)).unwrap(),
            fs::read(out1.join(f)).unwrap(),
            "{f} differs across --threads"
        );
    }
}

#[test]
fn airway_reproduces_reference_ranks_and_gsea() {
    let Some(shared) = shared_or_skip("airway_reproduces_reference_ranks_and_gsea") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("airway");
    let data = shared.join("data/airway");
    let (counts, samples) = (data.join("counts.tsv"), data.join("samples.tsv"));
    let o =
        run_job("run", &counts, &samples, "dex: treated vs control", &out, &["--no-plots", "--edger-exact"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let read = |p: &Path| -> HashMap<String, f64> {
        fs::read_to_string(p)
            .unwrap()
            .lines()
            .map(|l| {
                let (g, s) = l.split_once('\t').unwrap();
                (g.to_owned(), s.parse().unwrap())
            })
            .collect()
    };
    let ours = read(&out.join("ranks.rnk"));
    let reference = read(&shared.join("reference/airway/ranks.rnk"));
    assert_eq!(ours.len(), reference.len(), "number of ranked symbols");
    let mut worst = (0.0_f64, String::new());
    for (g, want) in &reference {
        let got = ours.get(g).unwrap_or_else(|| panic!("{g} missing from ranks.rnk"));
        // Relative error at 1e-9; for scores that are themselves ~0 (PValue = 1 − 1 ulp in edgeR,
        // exactly 1 here: e.g. ESPL1, z 5.6e-16 vs 0) a relative error is meaningless, so those
        // are held to 1e-12 absolute instead.
        let rel = if want.abs() < ZERO_SCORE {
            (got - want).abs() / ZERO_SCORE * 1e-9
        } else {
            ((got - want) / want).abs()
        };
        if rel > worst.0 {
            worst = (rel, g.clone());
        }
    }
    assert!(worst.0 <= 1e-9, "worst relative rank difference {:e} at {}", worst.0, worst.1);

    // GSEA on those ranks: ES deterministic (≤ 1e-12), padj < 0.05 calls agree except near 0.05
    let ref_text = fs::read_to_string(shared.join("reference/airway/gsea_multilevel.tsv")).unwrap();
    let ours_text = fs::read_to_string(out.join("gsea.tsv")).unwrap();
    let es = |text: &str, col_es: &str| -> HashMap<String, (f64, f64)> {
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
        let (i_es, i_padj) = (
            header.iter().position(|h| *h == col_es).unwrap(),
            header.iter().position(|h| *h == "padj").unwrap(),
        );
        lines
            .map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f[0].to_owned(), (f[i_es].parse().unwrap(), f[i_padj].parse().unwrap_or(f64::NAN)))
            })
            .collect()
    };
    let (r, g) = (es(&ref_text, "ES"), es(&ours_text, "ES"));
    assert_eq!(r.len(), g.len());
    for (p, (es_ref, padj_ref)) in &r {
        let (es_got, padj_got) = g[p];
        assert!((es_got - es_ref).abs() <= 1e-12, "{p}: ES {es_got} vs {es_ref}");
        let near = (0.025..=0.1).contains(padj_ref) || (0.025..=0.1).contains(&padj_got);
        assert!(near || (*padj_ref < 0.05) == (padj_got < 0.05), "{p}: padj {padj_got} vs fgsea {padj_ref}");
    }
}

#[test]
fn several_contrasts_get_subfolders() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("multi");
    let mut args = demo_args(&out);
    args.extend(["--contrast".into(), "cluster: cluster3 vs cluster1".into(), "--no-plots".into()]);
    let o = degsea().args(&args).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for sub in ["cluster_cluster2+cluster3_vs_cluster1", "cluster_cluster3_vs_cluster1"] {
        assert!(out.join(sub).join("gsea.tsv").is_file(), "{sub}/gsea.tsv");
        assert!(out.join(sub).join("run.json").is_file(), "{sub}/run.json");
    }
}

#[test]
fn bad_contrast_leaves_no_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bad");
    let mut args = demo_args(&out);
    // a valid first contrast and an unknown level in the second: nothing may be written
    args.extend(["--contrast".into(), "cluster: cluster9 vs cluster1".into()]);
    let o = degsea().args(&args).output().unwrap();
    assert_error(&o, &["cluster9", "samples.tsv"]);
    assert!(!out.exists(), "no partial output");
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0, "no staging leftovers");
}

#[test]
fn killed_run_leaves_no_output_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("killed");
    let mut child = degsea().args(demo_args(&out)).stderr(std::process::Stdio::null()).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let _ = child.kill();
    let status = child.wait().unwrap();
    if status.success() {
        println!("run finished before it could be killed; nothing to check");
        return;
    }
    assert!(!out.exists(), "a killed run must not leave a (partial) output folder");
}

/// `degsea run --permute phenotype` (the paper's method: signal-to-noise on the TMM log-CPM,
/// sample-label permutations): the planted Hallmark shifts of the demo come out at FDR q < 0.05
/// with the planted sign, the plots and report use FDR q, and the output does not depend on the
/// thread count.
#[test]
fn phenotype_permutation_in_a_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("pheno");
    let mut args = demo_args(&out);
    args.extend(["--permute".into(), "phenotype".into(), "--nperm".into(), "200".into()]);
    let o = degsea().args(&args).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = fs::read_to_string(out.join("gsea.tsv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "pathway\tsize\tES\tNES\tpval\tfdr_q\tfwer_p\trank_at_max\tleadingEdge"
    );
    let table: HashMap<String, (f64, f64)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_owned(), (f[3].parse().unwrap(), f[5].parse().unwrap()))
        })
        .collect();
    for (set, sign) in [
        ("HALLMARK_E2F_TARGETS", 1.0),
        ("HALLMARK_MYC_TARGETS_V1", 1.0),
        ("HALLMARK_INTERFERON_GAMMA_RESPONSE", -1.0),
        ("HALLMARK_TNFA_SIGNALING_VIA_NFKB", -1.0),
    ] {
        let (nes, q) = table[set];
        assert!(q < 0.05, "{set}: fdr_q {q}");
        assert_eq!(nes.signum(), sign, "{set}: NES {nes}");
    }
    let significant = table.values().filter(|(_, q)| *q < 0.05).count();
    let curves = fs::read_dir(out.join("plots/enrichment"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "svg"))
        .count();
    assert_eq!(curves, significant, "one enrichment curve per set at fdr_q < 0.05");
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(page.contains("HALLMARK_E2F_TARGETS"));
    let rebuilt = tmp.path().join("r.html");
    let o = degsea().args(["report", "--from"]).arg(&out).arg("-o").arg(&rebuilt).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(page == fs::read_to_string(&rebuilt).unwrap(), "report --from differs");

    let out1 = tmp.path().join("pheno1");
    let mut args1 = demo_args(&out1);
    args1.extend([
        "--permute".into(),
        "phenotype".into(),
        "--nperm".into(),
        "200".into(),
        "--threads".into(),
        "1".into(),
        "--no-plots".into(),
    ]);
    let o = degsea().args(&args1).output().unwrap();
    assert!(o.status.success());
    for f in ["gsea.tsv", "ranks.rnk"] {
        assert_eq!(
            fs::read(out.join(f)).unwrap(),
            fs::read(out1.join(f)).unwrap(),
            "{f} differs across --threads"
        );
    }
}

/// `degsea run --permute phenotype --permute-within stage`: labels are shuffled only within the
/// demo's stages, so run.json records the column and the number of distinct label assignments
/// is the product over stages of C(n_stage, n_test_in_stage), not C(38, 14); output does not
/// depend on the thread count. An unknown column fails before any work, naming it and the sheet.
#[test]
fn phenotype_permute_within_in_a_run() {
    let tmp = tempfile::tempdir().unwrap();
    let sheet = root().join("data/visram_like_simulated/samples.tsv");
    let rows: Vec<Vec<String>> = crate::util::read_tsv(&sheet);
    let (cluster, stage) = (1, 2);
    assert_eq!(rows[0][stage], "stage");
    // (samples, test samples) per stage; test = cluster2 or cluster3.
    let mut by_stage: HashMap<&str, (u64, u64)> = HashMap::new();
    for r in &rows[1..] {
        let e = by_stage.entry(r[stage].as_str()).or_default();
        e.0 += 1;
        e.1 += u64::from(r[cluster] != "cluster1");
    }
    let choose = |n: u64, k: u64| (0..k).fold(1.0, |c, i| c * (n - i) as f64 / (i + 1) as f64).round();
    let expected: f64 = by_stage.values().map(|&(n, k)| choose(n, k)).product();
    assert!(expected < choose(38, 14));

    let run_within = |out: &Path, threads: &str, column: &str| {
        let mut args = demo_args(out);
        args.extend(
            [
                "--permute",
                "phenotype",
                "--permute-within",
                column,
                "--nperm",
                "100",
                "--no-plots",
                "--no-report",
            ]
            .map(String::from),
        );
        args.extend(["--threads".into(), threads.into()]);
        degsea().args(&args).output().unwrap()
    };
    let out = tmp.path().join("within");
    let o = run_within(&out, "2", "stage");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(m["parameters"]["gsea"]["permute_within"], "stage", "{}", m["parameters"]);
    assert_eq!(m["results"]["gsea"]["distinct_permutations"].as_f64(), Some(expected), "{}", m["results"]);
    let out1 = tmp.path().join("within1");
    assert!(run_within(&out1, "1", "stage").status.success());
    assert_eq!(fs::read(out.join("gsea.tsv")).unwrap(), fs::read(out1.join("gsea.tsv")).unwrap());

    let bad = tmp.path().join("bad");
    assert_error(&run_within(&bad, "2", "batch"), &["batch", "samples.tsv"]);
    assert!(!bad.exists(), "nothing may be written on bad input");
}
