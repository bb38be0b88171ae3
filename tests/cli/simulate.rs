//! `degsea simulate`: output contract, determinism for a seed, planted truth, and one clear
//! error line (with no output folder left behind) for bad group, plant and gene-set settings.
//!
//! The statistics of the samplers are tested in `crates/degsea-sim`; here the binary is run
//! end to end on small cohorts (a 3-set GMT written by the test, or the bundled Hallmark sets
//! with just over their 4,384 genes).

use std::fs;
use std::path::Path;

use crate::util::{assert_error, run};

/// A toy GMT: sets of 40, 30 and 20 made-up genes (set genes need not be in the Ensembl map).
fn toy_gmt(dir: &Path) -> String {
    let genes: Vec<String> =
        ["CDK", "IFI", "ZNF"].iter().flat_map(|p| (1..=40).map(move |i| format!("{p}{i}"))).collect();
    let text = format!(
        "UP_SET\tna\t{}\nDOWN_SET\tna\t{}\nQUIET_SET\tna\t{}\n",
        genes[..40].join("\t"),
        genes[40..70].join("\t"),
        genes[80..100].join("\t")
    );
    let path = dir.join("toy.gmt");
    fs::write(&path, text).expect("write the toy GMT");
    path.to_str().expect("UTF-8 temp path").to_owned()
}

fn simulate(out: &Path, gmt: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "simulate",
        "--genesets",
        gmt,
        "--genes",
        "400",
        "--groups",
        "ctrl=4,trt=3,trt2=2",
        "--plant",
        "UP_SET=+1.5",
        "--plant",
        "DOWN_SET=-1",
        "--out",
        out.to_str().expect("UTF-8 temp path"),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn read(dir: &Path, file: &str) -> String {
    fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn writes_the_agreed_files() {
    let tmp = tempfile::tempdir().unwrap();
    let gmt = toy_gmt(tmp.path());
    let out = tmp.path().join("sim");
    let o = simulate(&out, &gmt, &["--column", "cluster", "--test", "trt+trt2"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.is_empty(), "nothing on stdout");

    let counts = read(&out, "counts.tsv");
    let mut lines = counts.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    assert_eq!(header[0], "gene");
    assert_eq!(&header[1..], (1..=9).map(|j| format!("S{j:02}")).collect::<Vec<_>>());
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 400);
    assert!(rows.iter().all(|r| r.len() == 10 && r[1..].iter().all(|c| c.parse::<u32>().is_ok())));
    assert!(rows.windows(2).all(|w| w[0][0] < w[1][0]), "genes sorted by id");

    let samples = read(&out, "samples.tsv");
    let mut sheet = samples.lines();
    assert_eq!(sheet.next(), Some("sample\tcluster"));
    let levels: Vec<&str> = sheet.map(|l| l.split_once('\t').unwrap().1).collect();
    for (level, n) in [("ctrl", 4), ("trt", 3), ("trt2", 2)] {
        assert_eq!(levels.iter().filter(|l| **l == level).count(), n, "{level}");
    }

    let truth = read(&out, "truth.tsv");
    let mut t = truth.lines();
    assert_eq!(t.next(), Some("gene\tsymbol\tlog2FC\tkind\tsets\tbase_mean\tdispersion"));
    let truth: Vec<Vec<&str>> = t.map(|l| l.split('\t').collect()).collect();
    assert_eq!(truth.len(), 400);
    let planted = |set: &str| truth.iter().filter(|r| r[4].split(',').any(|s| s == set)).collect::<Vec<_>>();
    // plant fraction 0.6 of 40 and 30 genes
    assert_eq!(planted("UP_SET").len(), 24);
    assert_eq!(planted("DOWN_SET").len(), 18);
    assert!(planted("UP_SET").iter().all(|r| r[3] == "planted" && r[2].parse::<f64>().unwrap() > 0.0));
    assert!(planted("DOWN_SET").iter().all(|r| r[2].parse::<f64>().unwrap() < 0.0));
    assert!(planted("QUIET_SET").is_empty());

    let manifest: serde_json::Value = serde_json::from_str(&read(&out, "simulation.json")).unwrap();
    assert_eq!(manifest["simulated"], true);
    assert_eq!(manifest["parameters"]["contrast"], "cluster: trt+trt2 vs ctrl");
    assert_eq!(manifest["planted"][0]["genes_moved"], 24);
    // Nothing but the four files and the marker of a degsea folder (no staging folder left
    // next to it).
    assert_eq!(fs::read_dir(&out).unwrap().count(), 5);
    assert!(out.join(degsea_io::output::MARKER).is_file());
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 2);
}

#[test]
fn same_seed_same_bytes_other_seed_other_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let gmt = toy_gmt(tmp.path());
    let dirs: Vec<_> = ["a", "b", "c"].iter().map(|d| tmp.path().join(d)).collect();
    for (dir, seed) in dirs.iter().zip(["7", "7", "8"]) {
        let o = simulate(dir, &gmt, &["--seed", seed]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    for file in ["counts.tsv", "samples.tsv", "truth.tsv", "simulation.json"] {
        assert_eq!(read(&dirs[0], file), read(&dirs[1], file), "{file} differs for the same seed");
    }
    assert_ne!(read(&dirs[0], "counts.tsv"), read(&dirs[2], "counts.tsv"));
}

#[test]
fn bundled_hallmark_with_ensembl_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("sim");
    let o = run(&[
        "simulate",
        "--genes",
        "4500",
        "--groups",
        "a=2,b=2",
        "--plant",
        "HALLMARK_E2F_TARGETS=+0.6,HALLMARK_INTERFERON_GAMMA_RESPONSE=-0.5",
        "--ensembl",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let truth = read(&out, "truth.tsv");
    let rows: Vec<Vec<&str>> = truth.lines().skip(1).map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows.len(), 4500);
    assert!(rows.iter().all(|r| r[0].starts_with("ENSG")), "every id is an Ensembl gene id");
    let e2f: Vec<&Vec<&str>> = rows.iter().filter(|r| r[4].contains("HALLMARK_E2F_TARGETS")).collect();
    assert!(e2f.len() >= 110, "{} E2F genes moved", e2f.len());
    assert!(rows.iter().any(|r| r[1] == "MCM2" && r[0] == "ENSG00000073111"), "MCM2 keeps its Ensembl id");
    let manifest: serde_json::Value = serde_json::from_str(&read(&out, "simulation.json")).unwrap();
    assert_eq!(manifest["gene_sets"]["collection"], "hallmark");
    assert_eq!(manifest["parameters"]["gene_ids"], "ensembl");
}

#[test]
fn bad_settings_give_one_error_line_and_no_output() {
    let tmp = tempfile::tempdir().unwrap();
    let gmt = toy_gmt(tmp.path());
    let out = tmp.path().join("never");
    let attempt = |groups: &str, plant: &str| {
        let args =
            ["simulate", "--genesets", &gmt, "--genes", "400", "--groups", groups, "--plant", plant, "--out"];
        let mut args = args.to_vec();
        args.push(out.to_str().unwrap());
        run(&args)
    };
    for (groups, plant, needles) in [
        ("a=3,b", "UP_SET=+1", &["invalid group specification `a=3,b`", "entry `b`"][..]),
        ("a=3,b=two", "UP_SET=+1", &["size `two` of group `b`"]),
        ("a=3,a=2", "UP_SET=+1", &["group `a` is given twice"]),
        ("a=3,b=3", "UP_SET", &["invalid planted shift `UP_SET`", "SET=LOG2FC"]),
        ("a=3,b=3", "UP_SET=big", &["log2 fold change `big` is not a number"]),
        ("a=3,b=3", "NO_SUCH_SET=+1", &["gene set `NO_SUCH_SET` is not in collection"]),
        ("a=3,b=3", "up_set=+1", &["did you mean UP_SET?"]),
    ] {
        assert_error(&attempt(groups, plant), needles);
        assert!(!out.exists(), "no output folder after an error");
    }
    let o = run(&[
        "simulate",
        "--groups",
        "a=3,b=3",
        "--plant",
        "HALLMARK_NOPE=+1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_error(&o, &["gene set `HALLMARK_NOPE` is not in collection `hallmark`"]);
    let o = run(&[
        "simulate",
        "--groups",
        "a=3,b=3",
        "--test",
        "c",
        "--genesets",
        &gmt,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_error(&o, &["test level `c` is not one of the groups (a, b)"]);
    let o = run(&[
        "simulate",
        "--groups",
        "a=3,b=3",
        "--genesets",
        "no/such.gmt",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_error(&o, &["gene sets `no/such.gmt`: no such file"]);
    let o = run(&["simulate", "--groups", "a=3,b=3", "--genes", "10", "--out", out.to_str().unwrap()]);
    assert_error(&o, &["10 genes requested but the gene sets alone have 4384 distinct genes"]);
    assert!(!out.exists());
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1, "only the GMT is left in the temp folder");
}

#[test]
fn covariates_become_sheet_columns_a_design_can_use() {
    let tmp = tempfile::tempdir().unwrap();
    let gmt = toy_gmt(tmp.path());
    let out = tmp.path().join("sim");
    let o = simulate(&out, &gmt, &["--covariate", "stage:I=3,II=3,III=3:0.2:1.5:0.5"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let sheet = fs::read_to_string(out.join("samples.tsv")).unwrap();
    assert!(sheet.starts_with("sample\tgroup\tstage\n"), "{sheet}");
    let stages: Vec<&str> = sheet.lines().skip(1).map(|l| l.split('\t').nth(2).unwrap()).collect();
    for level in ["I", "II", "III"] {
        assert_eq!(stages.iter().filter(|s| **s == level).count(), 3, "{sheet}");
    }
    let truth = fs::read_to_string(out.join("truth.tsv")).unwrap();
    assert!(truth.lines().next().unwrap().ends_with("\tdispersion\tstage:II\tstage:III"));
    let moved = truth.lines().skip(1).filter(|l| !l.ends_with("\t0\t0")).count();
    assert!(moved >= 80, "{moved} genes with a stage effect (20 % of 400 per stage)");
    let sim: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("simulation.json")).unwrap()).unwrap();
    assert_eq!(sim["covariates"][0]["association"], 0.5);
    // The sheet and counts feed `degsea de --design` directly.
    let de = tmp.path().join("de");
    let o = run(&[
        "de",
        "--counts",
        out.join("counts.tsv").to_str().unwrap(),
        "--samples",
        out.join("samples.tsv").to_str().unwrap(),
        "--contrast",
        "group: trt+trt2 vs ctrl",
        "--design",
        "~ stage + group",
        "--out",
        de.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(fs::read_to_string(de.join("de.tsv")).unwrap().starts_with("gene\tlogFC\tlogCPM\tF\t"));
}
