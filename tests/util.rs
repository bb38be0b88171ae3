//! Helpers for the CLI tests: run the binary, find ../shared.

#![allow(dead_code, unreachable_pub)]

use std::path::Path;
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The degsea binary under test.
pub fn degsea() -> Command {
    Command::new(env!("CARGO_BIN_EXE_degsea"))
}

/// Runs degsea with arguments, returning the output.
pub fn run(args: &[&str]) -> Output {
    degsea().args(args).output().expect("spawn degsea")
}

/// Runs `degsea SUBCOMMAND --counts C --samples S --contrast K --out DIR EXTRA…` (the argument
/// list that `de`, `normalize` and `run` share).
pub fn run_job(
    subcommand: &str,
    counts: &Path,
    samples: &Path,
    contrast: &str,
    out: &Path,
    extra: &[&str],
) -> Output {
    degsea()
        .arg(subcommand)
        .arg("--counts")
        .arg(counts)
        .arg("--samples")
        .arg(samples)
        .args(["--contrast", contrast, "--out"])
        .arg(out)
        .args(extra)
        .output()
        .expect("spawn degsea")
}

/// Simulates a small cohort into `dir/sim` (5,000 genes, groups `a` and `b` of 4 samples in
/// column `group`, `b` tested, each `plants` entry as `--plant SET=SHIFT`, `seed`) and returns
/// its `counts.tsv` and `samples.tsv`.
pub fn simulate_cohort(dir: &Path, plants: &[&str], seed: u64) -> (std::path::PathBuf, std::path::PathBuf) {
    let sim = dir.join("sim");
    let mut cmd = degsea();
    cmd.args(["simulate", "--genes", "5000", "--groups", "a=4,b=4", "--column", "group", "--test", "b"]);
    for plant in plants {
        cmd.args(["--plant", plant]);
    }
    let o = cmd.args(["--seed", &seed.to_string(), "-q", "--out"]).arg(&sim).output().expect("spawn degsea");
    assert!(o.status.success(), "{}", stderr(&o));
    (sim.join("counts.tsv"), sim.join("samples.tsv"))
}

pub use degsea_testkit::shared_or_skip;

/// Stderr as a string.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts a failed run with exactly one `error:` line containing every needle, and nothing on stdout.
pub fn assert_error(o: &Output, needles: &[&str]) {
    let err = stderr(o);
    assert!(!o.status.success(), "expected failure, got success; stderr:\n{err}");
    assert_eq!(o.status.code(), Some(2), "exit code; stderr:\n{err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(lines.len(), 1, "one error line expected; stderr:\n{err}");
    for n in needles {
        assert!(lines[0].contains(n), "error line lacks `{n}`:\n{}", lines[0]);
    }
    assert!(o.stdout.is_empty(), "stdout should be empty on error");
}

/// A TSV file as rows of fields (panics naming the file if it cannot be read).
pub fn read_tsv(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}
