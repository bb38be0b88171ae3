//! `degsea report`: bad input. (The page itself, and that `report --from` rebuilds the bytes
//! `degsea run` wrote, are checked in `run.rs` on the demo cohort and in `make report-test`.)

use crate::util::{assert_error, run};

#[test]
fn a_folder_without_run_json_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("not_a_run");
    std::fs::create_dir(&dir).unwrap();
    let o = run(&["report", "--from", dir.to_str().unwrap()]);
    assert_error(&o, &["not_a_run", "no run.json"]);
    assert!(!dir.join("report.html").exists(), "nothing written");
}

#[test]
fn an_output_that_is_a_folder_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("run.json"), "{}").unwrap();
    let o = run(&["report", "--from", dir.to_str().unwrap(), "-o", tmp.path().to_str().unwrap()]);
    assert_error(&o, &["is a folder, not a file"]);
}

#[test]
fn a_malformed_table_names_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("run.json"), "{}").unwrap();
    std::fs::write(dir.join("de.tsv"), "gene\tlogFC\tlogCPM\tPValue\tFDR\ng1\t1\t2\tmaybe\t0.5\n").unwrap();
    let o = run(&["report", "--from", dir.to_str().unwrap()]);
    assert_error(&o, &["de.tsv:2", "PValue `maybe`"]);
    assert!(!dir.join("report.html").exists(), "nothing written");
}

#[test]
fn an_output_that_is_an_input_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("run.json"), "{}").unwrap();
    let target = dir.join("run.json");
    let o = run(&["report", "--from", dir.to_str().unwrap(), "-o", target.to_str().unwrap()]);
    assert_error(&o, &["run.json"]);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "{}", "input untouched");
}
