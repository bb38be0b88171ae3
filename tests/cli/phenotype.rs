//! `degsea gsea --permute phenotype`: GCT + CLS and expression TSV + sample sheet inputs, the
//! agreed columns, thread-count identity, and bad input (exit 2, one line naming file, line and
//! value, nothing written). ES is deterministic and compared with GSEApy 1.3.1 by pathway name
//! (≤ 1e-10 abs, size exact); the Monte-Carlo columns are compared statistically in
//! `crates/degsea-gsea/tests/phenotype_reference.rs`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use crate::util::{assert_error, read_tsv, run, shared_or_skip, stderr};

/// ES tolerance against GSEApy (deterministic quantity).
const ES_TOL: f64 = 1e-10;
/// Permutations per CLI run here (ES does not depend on them).
const NPERM: &str = "100";

fn pheno(args: &[&str], out: &Path) -> std::process::Output {
    let mut a = vec!["gsea", "--permute", "phenotype", "--nperm", NPERM, "--out", out.to_str().unwrap()];
    a.extend_from_slice(args);
    run(&a)
}

/// `pathway → (size, ES)` of a table with `pathway size ES` columns.
fn es_by_pathway(path: &Path) -> BTreeMap<String, (usize, f64)> {
    let rows = read_tsv(path);
    let col = |n: &str| rows[0].iter().position(|h| h == n).unwrap();
    let (s, e) = (col("size"), col("ES"));
    rows[1..].iter().map(|r| (r[0].clone(), (r[s].parse().unwrap(), r[e].parse().unwrap()))).collect()
}

fn compare_es(ours: &Path, reference: &Path) {
    let (a, b) = (es_by_pathway(ours), es_by_pathway(reference));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>(), "pathways");
    let mut worst = 0.0f64;
    for (p, (size, es)) in &a {
        assert_eq!(*size, b[p].0, "{p}: size");
        let d = (es - b[p].1).abs();
        assert!(d <= ES_TOL, "{p}: ES {es} vs GSEApy {}", b[p].1);
        worst = worst.max(d);
    }
    println!("{}: {} pathways, worst |ΔES| {worst:.2e}", ours.display(), a.len());
}

#[test]
fn leukemia_gct_and_cls_match_gseapy_es() {
    let Some(shared) = shared_or_skip("leukemia_gct_and_cls_match_gseapy_es") else { return };
    let data = shared.join("data/leukemia");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("gct");
    let gmt = data.join("h.all.v7.0.symbols.gmt");
    let o = pheno(
        &[
            "--expression",
            data.join("Leukemia_hgu95av2.trim.gct").to_str().unwrap(),
            "--cls",
            data.join("Leukemia.cls").to_str().unwrap(),
            "--genesets",
            gmt.to_str().unwrap(),
        ],
        &out,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = read_tsv(&out.join("gsea.tsv"));
    assert_eq!(rows[0].join("\t"), "pathway\tsize\tES\tNES\tpval\tfdr_q\tfwer_p\trank_at_max\tleadingEdge");
    compare_es(&out.join("gsea.tsv"), &shared.join("reference/leukemia_pheno/gseapy_gct_seed1.tsv"));
    assert!(out.join("ranks.rnk").is_file() && out.join("gsea.json").is_file());
}

#[test]
fn expression_tsv_with_duplicates_matches_gseapy_es_at_any_thread_count() {
    let Some(shared) = shared_or_skip("expression_tsv_with_duplicates_matches_gseapy_es_at_any_thread_count")
    else {
        return;
    };
    let data = shared.join("data/leukemia");
    let tmp = tempfile::tempdir().unwrap();
    let header = fs::read_to_string(data.join("expr.tsv")).unwrap().lines().next().unwrap().to_owned();
    let mut sheet = String::from("sample\ttype\n");
    for s in header.split('\t').skip(1) {
        writeln!(sheet, "{s}\t{}", &s[..3]).unwrap();
    }
    let sheet_path = tmp.path().join("samples.tsv");
    fs::write(&sheet_path, sheet).unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("t{threads}"));
        let o = pheno(
            &[
                "--expression",
                data.join("expr.tsv").to_str().unwrap(),
                "--samples",
                sheet_path.to_str().unwrap(),
                "--contrast",
                "type: ALL vs AML",
                "--genesets",
                data.join("h.all.v7.0.symbols.gmt").to_str().unwrap(),
                "--threads",
                threads,
            ],
            &out,
        );
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stderr(&o).contains("merged (mean)"), "duplicate symbols are reported: {}", stderr(&o));
        outputs.push((fs::read(out.join("gsea.tsv")).unwrap(), fs::read(out.join("gsea.json")).unwrap()));
        compare_es(&out.join("gsea.tsv"), &shared.join("reference/leukemia_pheno/gseapy_seed1.tsv"));
    }
    assert!(outputs[0] == outputs[1], "--threads 1 and 2 differ");
}

#[test]
fn bad_phenotype_inputs_fail_with_one_line_and_no_output() {
    let tmp = tempfile::tempdir().unwrap();
    let p = |name: &str, text: &str| {
        let path = tmp.path().join(name);
        fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let gct =
        p("d.gct", "#1.2\n2\t4\nName\tDescription\tA\tB\tC\tD\ng1\tna\t1\t2\t3\t4\ng2\tna\t4\t3\t2\t1\n");
    let wrong_dims =
        p("w.gct", "#1.2\n2\t5\nName\tDescription\tA\tB\tC\tD\ng1\tna\t1\t2\t3\t4\ng2\tna\t4\t3\t2\t1\n");
    let not_number =
        p("n.gct", "#1.2\n2\t4\nName\tDescription\tA\tB\tC\tD\ng1\tna\t1\t2\t3\t4\ng2\tna\t4\tx3\t2\t1\n");
    let cls3 = p("three.cls", "4 3 1\n# a b c\na b c c\n");
    let cls5 = p("five.cls", "5 2 1\n# a b\na a b b b\n");
    let cls_one = p("one.cls", "4 2 1\n# a b\na b b b\n");
    let cls_ok = p("ok.cls", "4 2 1\n# a b\na a b b\n");
    // log-scale values: g2's class means have opposite signs, so its log2 ratio is NaN
    let negative =
        p("neg.gct", "#1.2\n2\t4\nName\tDescription\tA\tB\tC\tD\ng1\tna\t1\t2\t3\t4\ng2\tna\t-4\t-3\t2\t1\n");
    let cases: [(&[&str], &[&str]); 6] = [
        (&["--expression", &gct, "--cls", &cls5], &["five.cls:3:", "5 class labels", "4 samples"]),
        (&["--expression", &gct, "--cls", &cls3], &["three.cls:2:", "3 classes", "a b c"]),
        (&["--expression", &wrong_dims, "--cls", &cls_ok], &["w.gct:2:", "`2 5`", "names 4"]),
        (&["--expression", &not_number, "--cls", &cls_ok], &["n.gct:5:", "`x3`", "`g2`", "`B`"]),
        (&["--expression", &gct, "--cls", &cls_one], &["one.cls:3:", "group `a` has 1 sample"]),
        (
            &["--expression", &negative, "--cls", &cls_ok, "--metric", "log2ratio"],
            &["neg.gct", "log2ratio metric of gene `g2` is undefined", "--metric signal2noise"],
        ),
    ];
    for (i, (args, needles)) in cases.iter().enumerate() {
        let out = tmp.path().join(format!("out{i}"));
        let o = pheno(args, &out);
        assert_error(&o, needles);
        assert!(!out.exists(), "case {i}: output written on error");
    }
}
