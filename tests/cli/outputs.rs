//! Output folders of every command (issue 19 #2, #5, #6): checked before any work, replaced
//! whole on success (a folder never mixes two runs), stale staging folders of killed runs
//! removed with a log line.

use std::fs;
use std::path::{Path, PathBuf};

use crate::util::{assert_error, degsea, run, simulate_cohort, stderr};

/// A process id that is not running (far above any pid the kernel hands out).
const DEAD_PID: u32 = 4_000_000_000;

/// A small simulated cohort (5,000 genes, 4 + 4 samples, two planted Hallmark shifts).
fn cohort(dir: &Path) -> (PathBuf, PathBuf) {
    simulate_cohort(dir, &["HALLMARK_E2F_TARGETS=+1", "HALLMARK_MYC_TARGETS_V1=-0.5"], 3)
}

fn run_args<'a>(counts: &'a Path, samples: &'a Path, out: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "run",
        "--counts",
        counts.to_str().unwrap(),
        "--samples",
        samples.to_str().unwrap(),
        "--contrast",
        "group: b vs a",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    args
}

/// Pathways of a gsea.tsv with padj below `fdr`.
fn significant(gsea: &Path, fdr: f64) -> usize {
    fs::read_to_string(gsea)
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| l.split('\t').nth(5).unwrap().parse::<f64>().unwrap() < fdr)
        .count()
}

/// Every file under `dir`, relative, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

/// Names in `dir` starting with a dot (staging or set-aside folders).
fn hidden(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

#[test]
fn rerun_replaces_the_output_folder_whole() {
    // Issue 19 #2: after `--fdr 0.5` then `--fdr 0.001`, plots/enrichment kept the first run's
    // curves; a `--no-plots` rerun kept the old plots/ beside new tables.
    let tmp = tempfile::tempdir().unwrap();
    let (counts, samples) = cohort(tmp.path());
    let out = tmp.path().join("res");
    let o = run(&run_args(&counts, &samples, &out, &["--fdr", "0.5", "-q"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let loose = fs::read_dir(out.join("plots/enrichment")).unwrap().count();
    assert_eq!(loose, 2 * significant(&out.join("gsea.tsv"), 0.5));

    let o = run(&run_args(&counts, &samples, &out, &["--fdr", "0.001", "-q"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let strict = fs::read_dir(out.join("plots/enrichment")).unwrap().count();
    assert_eq!(strict, 2 * significant(&out.join("gsea.tsv"), 0.001), "only this run's curves");
    assert!(strict < loose, "the thresholds must select different sets ({strict} vs {loose})");

    let o = run(&run_args(&counts, &samples, &out, &["--no-plots", "-q"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!out.join("plots").exists(), "a --no-plots rerun keeps no plots of an earlier run");
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    let mut listed: Vec<String> = manifest["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .chain(["run.json".to_owned(), degsea_io::output::MARKER.to_owned()])
        .collect();
    listed.sort();
    assert_eq!(listing(&out), listed, "the folder holds exactly this run's files");
    assert!(hidden(tmp.path()).is_empty(), "no staging folder left: {:?}", hidden(tmp.path()));
}

/// The argument lists of every command writing a folder or file at `out`, with inputs that do
/// not exist: the output check must come first, so the error names the output.
fn every_command(out: &str) -> Vec<Vec<String>> {
    let job = |cmd: &'static str| -> Vec<&str> {
        vec![
            cmd,
            "--counts",
            "missing.tsv",
            "--samples",
            "missing_s.tsv",
            "--contrast",
            "g: b vs a",
            "--out",
            out,
        ]
    };
    let lists: Vec<Vec<&str>> = vec![
        job("de"),
        job("normalize"),
        job("run"),
        vec!["gsea", "--ranks", "missing.rnk", "--out", out],
        vec!["simulate", "--genes", "5000", "--groups", "a=2,b=2", "--genesets", "missing.gmt", "--out", out],
        vec!["count", "--gtf", "missing.gtf", "--bam", "missing.bam", "-o", out],
        vec!["genesets", "export", "hallmark", "-o", out],
    ];
    lists.into_iter().map(|l| l.into_iter().map(str::to_owned).collect()).collect()
}

#[test]
fn output_path_is_checked_before_any_work() {
    // Issue 19 #5: `--out` problems were found after the computation (`File exists (os error
    // 17)`), and `--out` under a file said "File exists" instead of "not a directory".
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("f.txt");
    fs::write(&file, "x").unwrap();
    let under = file.join("a/b");
    let under = under.to_str().unwrap();
    for args in every_command(under) {
        let o = degsea().current_dir(tmp.path()).args(&args).output().unwrap();
        assert_error(&o, &["f.txt` is a file, not a folder"]);
    }
    let file_s = file.to_str().unwrap();
    for args in every_command(file_s).into_iter().filter(|a| a[0] != "count" && a[0] != "genesets") {
        let o = degsea().current_dir(tmp.path()).args(&args).output().unwrap();
        assert_error(&o, &["f.txt` exists and is a file, not a folder"]);
    }
    let folder = tmp.path().join("folder");
    fs::create_dir(&folder).unwrap();
    for args in
        every_command(folder.to_str().unwrap()).into_iter().filter(|a| a[0] == "count" || a[0] == "genesets")
    {
        let o = degsea().current_dir(tmp.path()).args(&args).output().unwrap();
        assert_error(&o, &["folder` is a folder, not a file"]);
    }
    // A folder with files degsea did not write is never replaced.
    fs::write(folder.join("thesis.tex"), "x").unwrap();
    for args in
        every_command(folder.to_str().unwrap()).into_iter().filter(|a| a[0] != "count" && a[0] != "genesets")
    {
        let o = degsea().current_dir(tmp.path()).args(&args).output().unwrap();
        assert_error(&o, &["folder` is a folder that degsea did not write"]);
    }
    assert_eq!(fs::read_dir(&folder).unwrap().count(), 1);
    assert_eq!(hidden(tmp.path()), Vec::<String>::new());
}

#[test]
fn unwritable_output_names_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let ro = tmp.path().join("ro");
    fs::create_dir(&ro).unwrap();
    let mut perms = fs::metadata(&ro).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o555);
    fs::set_permissions(&ro, perms).unwrap();
    if fs::create_dir(ro.join("probe")).is_ok() {
        println!("skipping unwritable_output_names_the_folder: running as root, every folder is writable");
        return;
    }
    let out = ro.join("o");
    for args in every_command(out.to_str().unwrap()) {
        let o = degsea().current_dir(tmp.path()).args(&args).output().unwrap();
        assert_error(&o, &["cannot write in", "permission denied"]);
    }
}

#[test]
fn inputs_inside_the_output_folder_are_refused() {
    // A successful run replaces its folder whole: an input inside it would be removed.
    let tmp = tempfile::tempdir().unwrap();
    let (counts, samples) = cohort(tmp.path());
    let sim = counts.parent().unwrap();
    let o = run(&run_args(&counts, &samples, sim, &[]));
    assert_error(&o, &["counts.tsv` is inside the output folder", "choose another output folder"]);
    assert!(counts.is_file() && samples.is_file());
    // A ranks file inside a degsea folder, written back into that folder.
    let res = tmp.path().join("res");
    let o = run(&run_args(&counts, &samples, &res, &["--no-plots", "-q"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let rnk = res.join("ranks.rnk");
    let o = run(&["gsea", "--ranks", rnk.to_str().unwrap(), "--out", res.to_str().unwrap()]);
    assert_error(&o, &["ranks.rnk` is inside the output folder"]);
    assert!(rnk.is_file());
}

#[test]
fn stale_staging_folders_are_removed_with_a_log_line() {
    // Issue 19 #6: SIGKILL left `.OUT.degsea-tmp-PID` folders that later runs never removed.
    let tmp = tempfile::tempdir().unwrap();
    let (counts, samples) = cohort(tmp.path());
    let out = tmp.path().join("de");
    let stale = tmp.path().join(format!(".de.degsea-tmp-{DEAD_PID}"));
    fs::create_dir_all(stale.join("plots")).unwrap();
    fs::write(stale.join("de.tsv"), "partial").unwrap();
    let o = degsea()
        .args(["de", "--counts", counts.to_str().unwrap(), "--samples", samples.to_str().unwrap()])
        .args(["--contrast", "group: b vs a", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stale.exists());
    let err = stderr(&o);
    assert!(err.contains(&format!("removed stale staging folder `{}`", stale.display())), "{err}");
    assert!(err.contains(&format!("process {DEAD_PID} is gone")), "{err}");
    assert!(hidden(tmp.path()).is_empty());
}

#[test]
fn plot_replaces_the_enrichment_curves_it_draws() {
    let tmp = tempfile::tempdir().unwrap();
    let (counts, samples) = cohort(tmp.path());
    let res = tmp.path().join("res");
    let o = run(&run_args(&counts, &samples, &res, &["--fdr", "0.5", "-q"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let before = fs::read_dir(res.join("plots/enrichment")).unwrap().count();
    let o = run(&["plot", "enrichment", "--from", res.to_str().unwrap(), "--fdr", "0.001", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let after = fs::read_dir(res.join("plots/enrichment")).unwrap().count();
    assert_eq!(after, 2 * significant(&res.join("gsea.tsv"), 0.001));
    assert!(after < before);
    assert!(res.join("plots/volcano.svg").is_file(), "other plots stay");
}
