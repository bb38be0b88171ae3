//! `degsea gsea` and `degsea genesets`: output contract, reproducibility and error messages.
//!
//! Numerical agreement with fgsea is tested in `crates/degsea-gsea/tests/fgsea_reference.rs`;
//! here we check that the CLI writes the agreed files, that `--threads` and the input line
//! order do not change a single byte, and that bad input gives one clear error.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use crate::util::{assert_error, run, shared_or_skip};

fn gsea(ranks: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["gsea", "--ranks", ranks.to_str().unwrap(), "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn threads_and_input_order_do_not_change_output() {
    let Some(shared) = shared_or_skip("threads_and_input_order_do_not_change_output") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let ranks = shared.join("reference/airway/ranks.rnk");
    // Shuffle the lines deterministically: sort them by their reversed bytes.
    let text = fs::read_to_string(&ranks).unwrap();
    let mut shuffled: Vec<&str> = text.lines().collect();
    shuffled.sort_by_key(|l| l.bytes().rev().collect::<Vec<u8>>());
    assert_ne!(shuffled, text.lines().collect::<Vec<_>>());
    let shuffled_path = tmp.path().join("shuffled.rnk");
    fs::write(&shuffled_path, shuffled.join("\n") + "\n").unwrap();

    for method in [["--method", "multilevel"], ["--method", "permutation"]] {
        let mut outputs = Vec::new();
        for (input, threads) in [(&ranks, "1"), (&ranks, "2"), (&shuffled_path, "2")] {
            let out = tmp.path().join(format!("o{}", outputs.len()));
            let mut extra = vec!["--threads", threads, "--nperm", "2000"];
            extra.extend_from_slice(&method);
            let o = gsea(input, &out, &extra);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            outputs.push((fs::read(out.join("gsea.tsv")).unwrap(), fs::read(out.join("gsea.json")).unwrap()));
        }
        assert!(outputs[0] == outputs[1], "--threads 1 and 2 differ ({method:?})");
        assert!(outputs[0] == outputs[2], "shuffled input differs ({method:?})");
    }
}

#[test]
fn writes_the_agreed_columns_and_run_summary() {
    let Some(shared) = shared_or_skip("writes_the_agreed_columns_and_run_summary") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("g");
    let o = gsea(
        &shared.join("reference/airway/ranks.rnk"),
        &out,
        &["--method", "permutation", "--nperm", "1000"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let tsv = fs::read_to_string(out.join("gsea.tsv")).unwrap();
    let mut lines = tsv.lines();
    assert_eq!(lines.next().unwrap(), "pathway\tsize\tES\tNES\tpval\tpadj\tlog2err\tleadingEdge");
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 50, "all 50 Hallmark sets are tested on airway");
    let p: Vec<f64> = rows.iter().map(|r| r[4].parse().unwrap()).collect();
    assert!(p.windows(2).all(|w| w[0] <= w[1]), "sorted by pval");
    let run_json: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("run.json")).unwrap()).unwrap();
    let results = &run_json["results"]["gsea"];
    assert_eq!(results["collections"][0]["name"], "hallmark");
    assert_eq!(results["collections"][0]["version"], "v2025.1.Hs");
    assert_eq!(results["tested"], 50);
    assert_eq!(run_json["parameters"]["seed"], 42);
    assert!(results["tie_fraction"].as_f64().unwrap() > 0.0);
    assert_eq!(run_json["inputs"][0]["sha256"].as_str().unwrap().len(), 64, "the ranks are hashed");
    let json: serde_json::Value = serde_json::from_slice(&fs::read(out.join("gsea.json")).unwrap()).unwrap();
    assert_eq!(json["pathways"].as_array().unwrap().len(), 50);
}

#[test]
fn ensembl_ids_give_a_helpful_error_and_no_output() {
    let tmp = tempfile::tempdir().unwrap();
    let ranks = tmp.path().join("ens.rnk");
    let mut text = String::new();
    for i in 0..200 {
        writeln!(text, "ENSG{i:011}\t{}", f64::from(i) - 99.5).unwrap();
    }
    fs::write(&ranks, text).unwrap();
    let out = tmp.path().join("o");
    let o = gsea(&ranks, &out, &[]);
    assert_error(&o, &["0 of 4,384 hallmark genes found in the ranks", "--gene-map"]);
    assert!(!out.exists(), "no partial output");
}

#[test]
fn bad_scores_name_file_line_and_value() {
    let tmp = tempfile::tempdir().unwrap();
    let ranks = tmp.path().join("bad.rnk");
    fs::write(&ranks, "ID\tt\nTP53\t1.5\nMYC\tNaN\n").unwrap();
    let o = gsea(&ranks, &tmp.path().join("o"), &[]);
    assert_error(&o, &["bad.rnk:3", "NaN", "MYC"]);
    let o = gsea(&ranks, &tmp.path().join("o"), &["--genesets", "nosuch.gmt"]);
    assert_error(&o, &["bad.rnk:3"]);
    fs::write(&ranks, "TP53\t1.5\n").unwrap();
    let o = gsea(&ranks, &tmp.path().join("o"), &["--genesets", "nosuch.gmt"]);
    assert_error(&o, &["nosuch.gmt", "no such file"]);
}

#[test]
fn genesets_list_and_export() {
    let o = run(&["genesets", "list"]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    let line = text.lines().find(|l| l.starts_with("hallmark\t")).expect("hallmark listed");
    let f: Vec<&str> = line.split('\t').collect();
    assert_eq!(&f[1..5], ["v2025.1.Hs", "50", "4384", "CC BY 4.0"]);
    let tmp = tempfile::tempdir().unwrap();
    let gmt = tmp.path().join("h.gmt");
    let o = run(&["genesets", "export", "hallmark", "-o", gmt.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(fs::read_to_string(&gmt).unwrap(), degsea_io::bundled::HALLMARK.gmt);
    let o = run(&["genesets", "export", "kegg", "-o", gmt.to_str().unwrap()]);
    assert_error(&o, &["no bundled gene-set collection `kegg`", "hallmark"]);
}
