//! The Snakemake workflow names each contrast's folder with its own `contrast_slug`
//! (workflow/Snakefile); it must agree with `Contrast::slug`, or Snakemake would wait for files
//! degsea writes elsewhere. The Python function is cut out of the Snakefile and run with
//! python3 on the same specifications (skipped, with a line saying so, without python3).

use std::io::Write as _;
use std::process::{Command, Stdio};

use degsea_core::Contrast;

/// Specifications covering what the slug rewrites: spaces, `/`, unicode, merged levels, `.`
/// and `-`, extra whitespace around `:`, `+` and `vs`.
const SPECS: [&str; 9] = [
    "cluster: cluster2+cluster3 vs cluster1",
    "dex: treated vs control",
    "g: a/b vs ctl",
    "g: a b vs ctl",
    "  time :  day 1 + day-2   vs   day.0 ",
    "Géno: mutant(KO) vs WT",
    "x: α+β vs γ",
    "cond: a\tb vs c",
    "batch: 1+2+3 vs 4",
];

#[test]
fn snakefile_slug_agrees_with_contrast_slug() {
    let snakefile = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../workflow/Snakefile"))
        .expect("workflow/Snakefile");
    let start = snakefile.find("def contrast_slug(").expect("contrast_slug in the Snakefile");
    let len = snakefile[start..].find("\n\n\n").expect("end of contrast_slug");
    let function = &snakefile[start..start + len];
    let script = format!(
        "import re, sys, json\n{function}\nfor spec in json.load(sys.stdin):\n    print(contrast_slug(spec))\n"
    );
    let Ok(mut child) =
        Command::new("python3").args(["-c", &script]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()
    else {
        println!("skipping snakefile_slug_agrees_with_contrast_slug: python3 not found");
        return;
    };
    let specs: Vec<String> = SPECS.iter().map(|s| format!("{s:?}")).collect();
    // Rust's {:?} of these strings is valid JSON (no control characters but \t, escaped as \t).
    let json = format!("[{}]", specs.join(","));
    child.stdin.take().expect("stdin").write_all(json.as_bytes()).expect("write specs");
    let out = child.wait_with_output().expect("python3 runs");
    assert!(out.status.success(), "python3 failed: {}", String::from_utf8_lossy(&out.stderr));
    let python: Vec<String> =
        String::from_utf8(out.stdout).expect("utf-8").lines().map(str::to_owned).collect();
    let rust: Vec<String> = SPECS.iter().map(|s| s.parse::<Contrast>().expect(s).slug()).collect();
    assert_eq!(python, rust);
    // The two specifications of issue 19 #1 collide in both.
    assert_eq!(rust[2], rust[3]);
}
