//! Bad input to `degsea normalize`: one `error:` line naming the file, line and value, exit
//! code 2, and no output folder left behind.

use std::path::Path;

use crate::util::{assert_error, run};

const GOOD_COUNTS: &str = "gene\tS1\tS2\tS3\tS4\ng1\t10\t20\t30\t40\ng2\t5\t0\t7\t9\ng3\t100\t90\t80\t70\n";
const GOOD_SHEET: &str = "sample\tgroup\nS1\ta\nS2\ta\nS3\tb\nS4\tb\n";
const CONTRAST: &str = "group: b vs a";

/// Writes the files into a fresh tempdir, runs `degsea normalize` on them (`counts.*` and
/// `samples.tsv`) with the extra arguments, and checks the failure contract.
fn check(files: &[(&str, &[u8])], extra: &[&str], contrast: &str, needles: &[&str]) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).expect("write input");
    }
    let counts: Vec<String> = files
        .iter()
        .filter(|(n, _)| n.starts_with("counts") || n.starts_with("htseq"))
        .map(|(n, _)| dir.path().join(n).display().to_string())
        .collect();
    let sheet = dir.path().join("samples.tsv");
    if !sheet.exists() {
        std::fs::write(&sheet, GOOD_SHEET).expect("write sheet");
    }
    let out = dir.path().join("out");
    let mut args: Vec<String> = vec!["normalize".into(), "--counts".into()];
    args.extend(counts);
    for a in [
        "--samples",
        &sheet.display().to_string(),
        "--contrast",
        contrast,
        "--out",
        &out.display().to_string(),
    ] {
        args.push(a.to_owned());
    }
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let o = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_error(&o, needles);
    assert!(!out.exists(), "no output folder after an error");
    assert_no_staging(dir.path());
}

fn assert_no_staging(dir: &Path) {
    let leftovers: Vec<String> = std::fs::read_dir(dir)
        .expect("read tempdir")
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("degsea-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "staging leftovers: {leftovers:?}");
}

fn counts_with(text: &str) -> Vec<(&'static str, Vec<u8>)> {
    vec![("counts.tsv", text.as_bytes().to_vec())]
}

fn check_counts(text: &str, extra: &[&str], needles: &[&str]) {
    let files = counts_with(text);
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    check(&refs, extra, CONTRAST, needles);
}

fn check_sheet(sheet: &str, contrast: &str, needles: &[&str]) {
    check(
        &[("counts.tsv", GOOD_COUNTS.as_bytes()), ("samples.tsv", sheet.as_bytes())],
        &[],
        contrast,
        needles,
    );
}

#[test]
fn ragged_row() {
    check_counts(
        "gene\tS1\tS2\tS3\tS4\ng1\t10\t20\t30\t40\ng2\t5\t0\t7\n",
        &[],
        &["counts.tsv:3:", "row `g2` has 3 value field(s) but the header names 4"],
    );
}

#[test]
fn non_numeric_count() {
    check_counts(
        "gene\tS1\tS2\tS3\tS4\ng1\t10\t20\tNA\t40\n",
        &[],
        &["counts.tsv:2:", "count `NA` for gene `g1` sample `S3` is not a number"],
    );
}

#[test]
fn negative_count() {
    check_counts(
        "gene\tS1\tS2\tS3\tS4\ng1\t10\t20\t30\t40\ng2\t5\t-4\t7\t9\n",
        &[],
        &["counts.tsv:3:", "count `-4` for gene `g2` sample `S2` is negative"],
    );
}

#[test]
fn fractional_count_without_round() {
    check_counts(
        "gene\tS1\tS2\tS3\tS4\ng1\t10\t20.5\t30\t40\n",
        &[],
        &[
            "counts.tsv:2:",
            "count `20.5` for gene `g1` sample `S2` is not a whole number (use --round to round)",
        ],
    );
}

#[test]
fn count_too_large() {
    check_counts(
        "gene\tS1\tS2\tS3\tS4\ng1\t10\t20\t30\t4294967296\n",
        &[],
        &["counts.tsv:2:", "count `4294967296`", "exceeds"],
    );
}

#[test]
fn duplicate_gene_id() {
    check_counts(
        "gene\tS1\tS2\tS3\tS4\ng1\t10\t20\t30\t40\ng2\t1\t2\t3\t4\ng1\t1\t2\t3\t4\n",
        &[],
        &["counts.tsv:4:", "duplicate gene id `g1` (first on line 2)"],
    );
}

#[test]
fn duplicate_sample_name() {
    check_counts(
        "# comment\ngene\tS1\tS2\tS2\tS4\ng1\t10\t20\t30\t40\n",
        &[],
        &["counts.tsv:2:", "duplicate sample name `S2`"],
    );
}

#[test]
fn empty_file() {
    check_counts("", &[], &["counts.tsv", "empty file"]);
}

#[test]
fn truncated_gzip() {
    // A gzip member holding one stored (uncompressed) deflate block, cut off mid-block.
    let data = GOOD_COUNTS.as_bytes();
    let len = u16::try_from(data.len()).unwrap();
    let mut gz = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 0x01];
    gz.extend(len.to_le_bytes());
    gz.extend((!len).to_le_bytes());
    gz.extend(&data[..data.len() / 2]);
    check(&[("counts.tsv.gz", &gz)], &[], CONTRAST, &["counts.tsv.gz:", "truncated or corrupt gzip stream"]);
}

#[test]
fn matrix_sample_missing_from_sheet() {
    check_sheet(
        "sample\tgroup\nS1\ta\nS2\ta\nS3\tb\n",
        CONTRAST,
        &["samples.tsv", "sample `S4` of the count matrix is not in the sample sheet"],
    );
}

#[test]
fn sheet_sample_missing_from_matrix() {
    check_sheet(
        "sample\tgroup\nS1\ta\nS2\ta\nS3\tb\nS4\tb\nS5\tb\n",
        CONTRAST,
        &["samples.tsv", "sample `S5` of the sample sheet is not in the count matrix"],
    );
}

#[test]
fn unknown_contrast_column() {
    check_sheet(
        GOOD_SHEET,
        "grp: b vs a",
        &["samples.tsv", "contrast column `grp` is not in the sample sheet"],
    );
}

#[test]
fn unknown_contrast_level() {
    check_sheet(
        GOOD_SHEET,
        "group: b+c vs a",
        &["samples.tsv", "level `c` does not occur in column `group`"],
    );
}

#[test]
fn group_with_one_sample() {
    check_sheet("sample\tgroup\nS1\ta\nS2\ta\nS3\ta\nS4\tb\n", CONTRAST, &["group `b` has 1 sample(s)"]);
}

#[test]
fn contrast_syntax_names_the_token() {
    check_sheet(GOOD_SHEET, "group: b vs a vs c", &["--contrast", "`vs` occurs more than once"]);
}

#[test]
fn sample_sheet_errors() {
    check_sheet(
        "sample\tgroup\nS1\ta\nS2\ta\nS3\tb\nS3\tb\n",
        CONTRAST,
        &["samples.tsv:5:", "duplicate sample name `S3`"],
    );
    check_sheet("sample\tgroup\nS1\ta\nS2\ta\tx\nS3\tb\nS4\tb\n", CONTRAST, &["samples.tsv:3:", "row `S2`"]);
}

#[test]
fn htseq_files_with_different_genes() {
    let a = b"g1\t1\ng2\t2\n__no_feature\t5\n";
    let b = b"g1\t1\ng3\t2\n__no_feature\t5\n";
    check(
        &[("htseq_S1.txt", a), ("htseq_S2.txt", b), ("samples.tsv", b"s\tk\nhtseq_S1\tx\nhtseq_S2\ty\n")],
        &[],
        "k: x vs y",
        &["htseq_S2.txt:2:", "gene `g3` where `g2` was expected"],
    );
}

#[test]
fn unknown_norm_method_is_a_usage_error() {
    let o = run(&[
        "normalize",
        "--counts",
        "c",
        "--samples",
        "s",
        "--contrast",
        "k: a vs b",
        "--out",
        "o",
        "--norm",
        "tmmx",
    ]);
    assert!(!o.status.success());
    assert!(crate::util::stderr(&o).contains("tmmx"));
}

/// Issue 19 #1 and #5: `degsea run` refuses two contrasts that share a folder, and an output
/// path under a file, before reading any input (the inputs here do not even exist).
#[test]
fn run_refuses_shared_contrast_folders_and_out_under_a_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let out_s = out.display().to_string();
    let o = run(&[
        "run",
        "--counts",
        "missing.tsv",
        "--samples",
        "missing.tsv",
        "--contrast",
        "g: a/b vs ctl",
        "--contrast",
        "g: a b vs ctl",
        "--out",
        &out_s,
    ]);
    assert_error(
        &o,
        &["contrasts `g: a/b vs ctl` and `g: a b vs ctl` would share the output folder `g_a_b_vs_ctl`"],
    );
    assert!(!out.exists());
    let file = dir.path().join("f.txt");
    std::fs::write(&file, "x").expect("write");
    let under = file.join("out").display().to_string();
    let o = run(&[
        "run",
        "--counts",
        "missing.tsv",
        "--samples",
        "missing.tsv",
        "--contrast",
        "g: a vs b",
        "--out",
        &under,
    ]);
    assert_error(&o, &["f.txt` is a file, not a folder"]);
    assert_no_staging(dir.path());
}
