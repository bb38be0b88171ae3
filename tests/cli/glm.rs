//! `degsea de --design` / `degsea run --design`: the GLM pipelines end to end through the CLI
//! against edgeR 3.40.2 (`../shared/reference/{airway,pasilla}_glm`, GLM.md G0) by gene name at
//! GLM.md G7 tolerances, the de.tsv columns, run.json's model fields, and the bad-input contract.
//!
//! F and LR are not asserted here: for near-null genes they are differences of deviances so
//! sensitive to the dispersion that R itself moves them by ~3e-5 relative for a 1e-12 change of
//! the trended dispersion (crates/degsea-de/tests/glm_estimate_disp.rs); they are held to G7 with
//! R's dispersions in crates/degsea-de/tests/glm_{ql,lrt}.rs. PValue and FDR, which carry them
//! into the calls, are asserted.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::util::{assert_error, read_tsv, run_job, shared_or_skip, stderr};

/// GLM.md G7 tolerances.
const TOL_LOGFC: f64 = 1e-6;
const TOL_LOGCPM: f64 = 1e-10;
const TOL_P: f64 = 1e-5;
const TOL_DISP: f64 = 1e-6;
/// P-values at or below this are not compared relatively (G7: "PValue > 1e-300").
const P_FLOOR: f64 = 1e-300;
/// Calls at this FDR must agree with R's.
const FDR_CALL: f64 = 0.05;

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|e| panic!("`{s}`: {e}"))
}

/// A TSV as `key → column → value`.
fn by_gene(path: &Path) -> (Vec<String>, HashMap<String, Vec<String>>) {
    let t = read_tsv(path);
    let header = t[0].clone();
    (header, t[1..].iter().map(|r| (r[0].clone(), r.clone())).collect())
}

/// Compares `ours` (a de.tsv) with R's table by gene: `columns` as (our column, R's column,
/// tolerance, relative), and, when FDR is among them, the FDR < 0.05 calls. Returns the
/// failures; prints the worst error of each column.
fn compare(ours: &Path, theirs: &Path, columns: &[(&str, &str, f64, bool)]) -> Vec<String> {
    let (oh, o) = by_gene(ours);
    let (th, t) = by_gene(theirs);
    let mut failures = Vec::new();
    if o.len() != t.len() {
        failures.push(format!("{} genes, R has {}", o.len(), t.len()));
    }
    for &(oc, tc, tol, relative) in columns {
        let oi = oh.iter().position(|h| h == oc).unwrap_or_else(|| panic!("no column {oc}"));
        let ti = th.iter().position(|h| h == tc).unwrap_or_else(|| panic!("R has no column {tc}"));
        let mut worst = (0.0, String::new(), 0.0, 0.0);
        for (g, row) in &o {
            let Some(r) = t.get(g) else {
                failures.push(format!("{g} not in R's table"));
                continue;
            };
            let (a, b) = (num(&row[oi]), num(&r[ti]));
            if (oc == "PValue" || oc == "FDR") && b <= P_FLOOR {
                continue;
            }
            let err = if a == b {
                0.0
            } else if relative {
                ((a - b) / b).abs()
            } else {
                (a - b).abs()
            };
            if err > worst.0 || err.is_nan() {
                worst = (err, g.clone(), a, b);
            }
        }
        println!("{oc}: worst error {:.3e} at {} (ours {} R {})", worst.0, worst.1, worst.2, worst.3);
        if worst.0 > tol || worst.0.is_nan() {
            failures.push(format!("{oc} exceeds {tol:e}: {} ours {} R {}", worst.1, worst.2, worst.3));
        }
    }
    if !columns.iter().any(|c| c.0 == "FDR") {
        return failures;
    }
    let fi = oh.iter().position(|h| h == "FDR").unwrap();
    let tfi = th.iter().position(|h| h == "FDR").unwrap();
    let disagree: Vec<&String> = o
        .iter()
        .filter(|(g, row)| t.get(*g).is_some_and(|r| (num(&row[fi]) < FDR_CALL) != (num(&r[tfi]) < FDR_CALL)))
        .map(|(g, _)| g)
        .collect();
    if !disagree.is_empty() {
        failures.push(format!("FDR<0.05 calls differ at {disagree:?}"));
    }
    failures
}

struct Dataset {
    counts: PathBuf,
    samples: PathBuf,
    reference: PathBuf,
    contrast: &'static str,
    formula: &'static str,
}

fn dataset(shared: &Path, name: &str) -> Dataset {
    let (contrast, formula) = match name {
        "airway" => ("dex: treated vs control", "~ celltype + dex"),
        _ => ("condition: treated vs untreated", "~ type + condition"),
    };
    Dataset {
        counts: shared.join("data").join(name).join("counts.tsv"),
        samples: shared.join("data").join(name).join("samples.tsv"),
        reference: shared.join("reference").join(format!("{name}_glm")),
        contrast,
        formula,
    }
}

fn glm_matches_edger(name: &str, method: &str, robust: bool) {
    glm_tier_matches_edger(name, method, robust, false);
}

fn glm_tier_matches_edger(name: &str, method: &str, robust: bool, exact: bool) {
    let Some(shared) = shared_or_skip(&format!("cli glm {name} {method} robust={robust}")) else { return };
    let d = dataset(&shared, name);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("de");
    let mut args = vec!["--design", d.formula, "--method", method];
    if robust {
        args.push("--robust");
    }
    if exact {
        args.push("--edger-exact");
    }
    let o = run_job("de", &d.counts, &d.samples, d.contrast, &out, &args);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = read_tsv(&out.join("de.tsv"));
    let stat = if method == "ql" { "F" } else { "LR" };
    assert_eq!(table[0], ["gene", "logFC", "logCPM", stat, "PValue", "FDR", "dispersion"]);
    let mut columns = vec![("logFC", "logFC", TOL_LOGFC, false), ("logCPM", "logCPM", TOL_LOGCPM, false)];
    columns.extend([("PValue", "PValue", TOL_P, true), ("FDR", "FDR", TOL_P, true)]);
    let reference =
        d.reference.join(if robust { "ql_robust.tsv".to_owned() } else { format!("{method}.tsv") });
    let mut failures = compare(&out.join("de.tsv"), &reference, &columns);
    let disp_col = if method == "ql" { "trended_dispersion" } else { "tagwise_dispersion" };
    failures.extend(compare(
        &out.join("de.tsv"),
        &d.reference.join("ql.tsv"),
        &[("dispersion", disp_col, TOL_DISP, true)],
    ));
    // The filter and the norm factors with the design.
    let (_, ours) = by_gene(&out.join("filter.tsv"));
    let (_, theirs) = by_gene(&d.reference.join("filter.tsv"));
    let bad = ours.iter().filter(|(g, r)| theirs[*g][1] != r[1]).count();
    assert_eq!(bad, 0, "filterByExpr(y, design) disagrees at {bad} genes");
    // topTags order.
    for w in table[1..].windows(2) {
        let (p0, p1) = (num(&w[0][4]), num(&w[1][4]));
        assert!(p0 < p1 || (p0 == p1 && num(&w[0][1]).abs() >= num(&w[1][1]).abs()), "order at {}", w[1][0]);
    }
    // run.json records the model and the test.
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    let model = &m["results"]["design"]["model"];
    assert_eq!(model["formula"], d.formula);
    assert_eq!(model["coefficient"], if name == "airway" { "dextreated" } else { "conditiontreated" });
    assert_eq!(m["results"]["de"]["method"], method);
    assert_eq!(m["results"]["de"]["glm"]["statistic"], stat);
    assert_eq!(m["parameters"]["de"]["design"], d.formula);
    let scalars = by_gene(&d.reference.join("scalars.tsv")).1;
    for (ours, theirs, tol) in [
        (&m["results"]["de"]["common_dispersion"], "common_dispersion", 1e-7),
        (&m["results"]["de"]["glm"]["dispersion_prior_df"], "prior_df", TOL_DISP),
    ] {
        let (a, b) = (ours.as_f64().unwrap(), num(&scalars[theirs][1]));
        assert!(((a - b) / b).abs() <= tol, "{theirs}: ours {a} R {b}");
    }
    assert_eq!(m["parameters"]["de"]["robust"], robust);
    if method == "ql" && !robust {
        let q = &m["results"]["de"]["glm"]["ql_df_prior"];
        let b = num(&scalars["ql_df_prior"][1]);
        for k in ["min", "max"] {
            let a = q[k].as_f64().unwrap();
            assert!(((a - b) / b).abs() <= TOL_DISP, "ql_df_prior {k}: ours {a} R {b}");
        }
    }
    assert!(failures.is_empty(), "{name} {method}:\n{}", failures.join("\n"));
}

/// The edgeR-exact tier (edgeR's Levenberg iteration at every grid point) end to end.
#[test]
fn airway_ql_exact_tier_matches_edger() {
    glm_tier_matches_edger("airway", "ql", false, true);
}

#[test]
fn airway_ql_matches_edger() {
    glm_matches_edger("airway", "ql", false);
}

#[test]
fn airway_ql_robust_matches_edger() {
    glm_matches_edger("airway", "ql", true);
}

#[test]
fn pasilla_ql_robust_matches_edger() {
    glm_matches_edger("pasilla", "ql", true);
}

#[test]
fn airway_lrt_matches_edger() {
    glm_matches_edger("airway", "lrt", false);
}

#[test]
fn pasilla_ql_matches_edger() {
    glm_matches_edger("pasilla", "ql", false);
}

#[test]
fn pasilla_lrt_matches_edger() {
    glm_matches_edger("pasilla", "lrt", false);
}

/// A small cohort with a batch and a numeric covariate, written into `dir`.
fn small_cohort(dir: &Path) -> (PathBuf, PathBuf) {
    let counts = dir.join("counts.tsv");
    let samples = dir.join("samples.tsv");
    let n = 8;
    let mut text = String::from("gene");
    for j in 0..n {
        write!(text, "\tS{j}").unwrap();
    }
    text.push('\n');
    for g in 0..60u64 {
        write!(text, "g{g}").unwrap();
        for j in 0..n as u64 {
            // Deterministic, varied counts: a gene effect, a batch shift on odd samples, noise.
            let base = 20 + (g * 37) % 200;
            let batch = if j % 2 == 1 { base / 3 } else { 0 };
            let group = if j >= 4 && g % 5 == 0 { base } else { 0 };
            let noise = (g * 131 + j * 71 + g * j * 17) % 23;
            write!(text, "\t{}", base + batch + group + noise).unwrap();
        }
        text.push('\n');
    }
    std::fs::write(&counts, text).unwrap();
    let mut sheet = String::from("sample\tgroup\tbatch\tage\tone\tstage\n");
    for j in 0..n {
        let group = if j < 4 { "ctl" } else { "trt" };
        let batch = if j % 2 == 1 { "b2" } else { "b1" };
        let stage = if j == 5 { "NA" } else { "early" };
        writeln!(sheet, "S{j}\t{group}\t{batch}\t{}\tx\t{stage}", 30 + 3 * j).unwrap();
    }
    std::fs::write(&samples, sheet).unwrap();
    (counts, samples)
}

#[test]
fn design_runs_and_without_it_the_exact_test_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let (counts, samples) = small_cohort(dir.path());
    let contrast = "group: trt vs ctl";
    // Without --design the exact test; `--method exact` says the same thing, byte for byte.
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    assert!(run_job("de", &counts, &samples, contrast, &a, &[]).status.success());
    assert!(run_job("de", &counts, &samples, contrast, &b, &["--method", "exact"]).status.success());
    let de_a = std::fs::read(a.join("de.tsv")).unwrap();
    assert_eq!(de_a, std::fs::read(b.join("de.tsv")).unwrap());
    assert!(de_a.starts_with(b"gene\tlogFC\tlogCPM\tPValue\tFDR\tdispersion\n"));
    // With covariates: QL by default; LRT on request; a numeric covariate is one column.
    for (extra, header, columns) in [
        (&["--design", "~ batch + group"][..], "F", &["(Intercept)", "batchb2", "grouptrt"][..]),
        (
            &["--design", "~ age + batch + group", "--method", "lrt"][..],
            "LR",
            &["(Intercept)", "age", "batchb2", "grouptrt"][..],
        ),
        (&["--method", "ql"][..], "F", &["(Intercept)", "grouptrt"][..]),
    ] {
        let out = dir.path().join("glm");
        let o = run_job("de", &counts, &samples, contrast, &out, extra);
        assert!(o.status.success(), "{extra:?}: {}", stderr(&o));
        let t = read_tsv(&out.join("de.tsv"));
        assert_eq!(t[0][3], header, "{extra:?}");
        assert_eq!(t.len(), 61, "{extra:?}: one row per kept gene");
        let m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
        assert_eq!(m["results"]["design"]["model"]["columns"], serde_json::json!(columns), "{extra:?}");
        std::fs::remove_dir_all(&out).unwrap();
    }
}

#[test]
fn bad_designs_fail_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let (counts, samples) = small_cohort(dir.path());
    let contrast = "group: trt vs ctl";
    let sheet = samples.display().to_string();
    let cases: [(&[&str], &[&str]); 8] = [
        (&["--design", "~ nope + group"], &[&sheet, "`nope`", "not in the sample sheet"]),
        (&["--design", "~ one + group"], &[&sheet, "`one`", "single level `x`"]),
        (&["--design", "~ stage + group"], &[&sheet, "`stage`", "NA", "`S5`"]),
        (&["--design", "~ batch * group"], &["--design", "interaction term `batch * group`"]),
        (&["--design", "batch + group"], &["--design", "starts with `~`"]),
        (&["--design", "~ factor(age) + group"], &[&sheet, "~ factor(age) + group"]),
        (&["--design", "~ batch + group", "--method", "exact"], &["--method exact", "ql", "lrt"]),
        (&["--design", "~ batch + group", "--method", "lrt", "--robust"], &["--robust", "ql"]),
    ];
    for (extra, needles) in cases {
        for cmd in ["de", "run"] {
            let out = dir.path().join(format!("out_{cmd}"));
            let extra: Vec<&str> = extra
                .iter()
                .map(|a| if cmd == "run" && *a == "--method" { "--de-method" } else { a })
                .collect();
            let needles: Vec<&str> = needles
                .iter()
                .map(|n| if cmd == "run" && *n == "--method exact" { "--de-method exact" } else { n })
                .collect();
            let o = run_job(cmd, &counts, &samples, contrast, &out, &extra);
            assert_error(&o, &needles);
            assert!(!out.exists(), "{cmd} {extra:?} wrote {}", out.display());
        }
    }
}

#[test]
fn run_ranks_by_the_glm_test() {
    let dir = tempfile::tempdir().unwrap();
    let (counts, samples) = small_cohort(dir.path());
    let gmt = dir.path().join("sets.gmt");
    let set = |name: &str, genes: &mut dyn Iterator<Item = u64>| {
        let g: Vec<String> = genes.map(|i| format!("g{i}")).collect();
        format!("{name}\tna\t{}\n", g.join("\t"))
    };
    let text = set("SHIFTED", &mut (0..60).step_by(5).chain(1..4)) + &set("OTHER", &mut (20..40));
    std::fs::write(&gmt, text).unwrap();
    let out = dir.path().join("run");
    let o = run_job(
        "run",
        &counts,
        &samples,
        "group: trt vs ctl",
        &out,
        &[
            "--design",
            "~ batch + group",
            "--de-method",
            "lrt",
            "--no-plots",
            "--min-size",
            "5",
            "--genesets",
            gmt.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let de = read_tsv(&out.join("de.tsv"));
    assert_eq!(de[0][3], "LR");
    // ranks.rnk is the z score of the LR test's p-value with its logFC sign.
    let ranks: HashMap<String, f64> = read_tsv(&out.join("ranks.rnk"))
        .into_iter()
        .filter(|r| r[0] != "gene")
        .map(|r| (r[0].clone(), num(&r[1])))
        .collect();
    assert_eq!(ranks.len(), de.len() - 1);
    for row in &de[1..] {
        let (lfc, p) = (num(&row[1]), num(&row[4]));
        let z = ranks[&row[0]];
        assert_eq!(z.signum(), lfc.signum(), "{}", row[0]);
        let want = degsea_de::rank::rank_scores(degsea_de::rank::RankMetric::Z, &[1.0], &[p])[0];
        assert!((z.abs() - want).abs() <= 1e-9 * want.max(1.0), "{}: {z} vs {want}", row[0]);
    }
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(m["results"]["de"]["method"], "lrt");
    assert_eq!(m["parameters"]["de"]["design"], "~ batch + group");
}

#[test]
fn glm_results_are_identical_at_any_thread_count() {
    let Some(shared) = shared_or_skip("cli glm thread identity") else { return };
    let d = dataset(&shared, "airway");
    let dir = tempfile::tempdir().unwrap();
    let mut tables = Vec::new();
    for tier in [None, Some("--edger-exact")] {
        for threads in ["1", "3"] {
            let out = dir.path().join(format!("t{threads}{}", tier.unwrap_or("")));
            let o = crate::util::degsea()
                .args(["--threads", threads, "de", "--counts"])
                .arg(&d.counts)
                .arg("--samples")
                .arg(&d.samples)
                .args(["--contrast", d.contrast, "--design", d.formula, "--robust", "--out"])
                .arg(&out)
                .args(tier)
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", stderr(&o));
            let m: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
            let name = if tier.is_some() { "edger-exact" } else { "edger-equivalent" };
            assert_eq!(m["parameters"]["de"]["tier"], name);
            assert_eq!(m["results"]["de"]["tier"], name);
            tables.push(std::fs::read(out.join("de.tsv")).unwrap());
        }
    }
    assert!(tables[0] == tables[1], "de.tsv differs between 1 and 3 threads (edger-equivalent)");
    assert!(tables[2] == tables[3], "de.tsv differs between 1 and 3 threads (edger-exact)");
}
