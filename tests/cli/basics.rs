//! Version, help and error conventions.

use crate::util::{assert_error, run};

#[test]
fn version_and_help() {
    let o = run(&["--version"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("degsea "));
    let o = run(&["--help"]);
    assert!(o.status.success());
    let help = String::from_utf8_lossy(&o.stdout);
    for cmd in ["normalize", "de", "gsea", "count", "plot"] {
        assert!(help.contains(cmd), "help lists {cmd}");
    }
}

#[test]
fn unknown_subcommand_exits_2() {
    let o = run(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    let _ = assert_error;
}
