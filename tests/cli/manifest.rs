//! Every command's `run.json` follows `docs/run.schema.json` (one schema for all), checked by a
//! small validator of the JSON-Schema keywords that file uses (type, const, enum, required,
//! properties, additionalProperties, items, pattern of hex digests, `$ref` into `$defs`), and the
//! manifest hashes match the files on disk.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::util::{root, run, run_job};

fn schema() -> Value {
    serde_json::from_str(&fs::read_to_string(root().join("docs/run.schema.json")).unwrap()).unwrap()
}

fn type_ok(v: &Value, t: &str) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_u64() || v.is_i64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        other => panic!("schema type `{other}` not supported by this checker"),
    }
}

/// Collects every violation of `s` by `v` at `path`.
fn check(root_schema: &Value, s: &Value, v: &Value, path: &str, errors: &mut Vec<String>) {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").expect("local $ref");
        return check(root_schema, &root_schema["$defs"][name], v, path, errors);
    }
    match s.get("type") {
        Some(Value::String(t)) if !type_ok(v, t) => errors.push(format!("{path}: not {t}: {v}")),
        Some(Value::Array(ts)) if !ts.iter().any(|t| type_ok(v, t.as_str().unwrap())) => {
            errors.push(format!("{path}: none of {ts:?}: {v}"));
        }
        _ => {}
    }
    if let Some(c) = s.get("const").filter(|c| *c != v) {
        errors.push(format!("{path}: expected {c}, found {v}"));
    }
    if let Some(Value::Array(e)) = s.get("enum")
        && !e.contains(v)
    {
        errors.push(format!("{path}: {v} not in {e:?}"));
    }
    if s.get("pattern").is_some() {
        let ok = v.as_str().is_some_and(|h| {
            h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        });
        if !ok {
            errors.push(format!("{path}: not a SHA-256 hex digest: {v}"));
        }
    }
    if let Value::Object(o) = v {
        for key in s.get("required").and_then(Value::as_array).into_iter().flatten() {
            if !o.contains_key(key.as_str().unwrap()) {
                errors.push(format!("{path}: missing `{}`", key.as_str().unwrap_or_default()));
            }
        }
        let props = s.get("properties").and_then(Value::as_object);
        for (k, child) in o {
            match (props.and_then(|p| p.get(k)), s.get("additionalProperties")) {
                (Some(ps), _) => check(root_schema, ps, child, &format!("{path}.{k}"), errors),
                (None, Some(Value::Bool(false))) => errors.push(format!("{path}: unexpected key `{k}`")),
                (None, Some(extra @ Value::Object(_))) => {
                    check(root_schema, extra, child, &format!("{path}.{k}"), errors);
                }
                _ => {}
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (v, s.get("items")) {
        for (i, x) in items.iter().enumerate() {
            check(root_schema, item_schema, x, &format!("{path}[{i}]"), errors);
        }
    }
}

/// Validates `dir/run.json` against the schema and its output digests against the files.
fn assert_valid(dir: &Path, command: &str) {
    let text = fs::read_to_string(dir.join("run.json")).unwrap();
    let m: Value = serde_json::from_str(&text).unwrap();
    let s = schema();
    let mut errors = Vec::new();
    check(&s, &s, &m, "run.json", &mut errors);
    assert!(errors.is_empty(), "{} violates docs/run.schema.json:\n{}", dir.display(), errors.join("\n"));
    assert_eq!(m["command"], command);
    let outputs = m["outputs"].as_array().unwrap();
    assert!(!outputs.is_empty(), "{command}: no outputs recorded");
    for o in outputs {
        let path = dir.join(o["path"].as_str().unwrap());
        let bytes = fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let sha = degsea_io::sha256_file(&path).unwrap();
        assert_eq!(o["sha256"].as_str().unwrap(), sha, "{} ({} bytes)", path.display(), bytes.len());
    }
}

/// The checker itself rejects what it should (so a passing check means something).
#[test]
fn the_checker_finds_violations() {
    let s = schema();
    let mut errors = Vec::new();
    let bad = serde_json::json!({ "schema_version": 2, "program": "degsea", "extra": 1,
        "inputs": [{ "path": "x", "sha256": "XYZ" }] });
    check(&s, &s, &bad, "m", &mut errors);
    let text = errors.join("\n");
    for needle in ["expected 1", "unexpected key `extra`", "missing `command`", "not a SHA-256"] {
        assert!(text.contains(needle), "{needle} not reported:\n{text}");
    }
}

#[test]
fn every_command_writes_a_schema_valid_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let demo = root().join("data/visram_like_simulated");
    let (counts, samples) = (demo.join("counts.tsv.gz"), demo.join("samples.tsv"));
    let contrast = "cluster: cluster2+cluster3 vs cluster1";
    for (cmd, extra) in [("de", &["--json"][..]), ("normalize", &[][..]), ("run", &["--no-plots"][..])] {
        let out = tmp.path().join(cmd);
        let o = run_job(cmd, &counts, &samples, contrast, &out, extra);
        assert!(o.status.success(), "{cmd}: {}", String::from_utf8_lossy(&o.stderr));
        assert_valid(&out, cmd);
    }
    let ranks = tmp.path().join("run/ranks.rnk");
    let out = tmp.path().join("gsea");
    let o = run(&[
        "gsea",
        "--ranks",
        ranks.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--nperm",
        "200",
        "--method",
        "permutation",
    ]);
    assert!(o.status.success(), "gsea: {}", String::from_utf8_lossy(&o.stderr));
    assert_valid(&out, "gsea");
    // Phenotype-permutation GSEA of normalize's log-CPM.
    let logcpm = tmp.path().join("normalize/logcpm.tsv");
    let out = tmp.path().join("pheno");
    let o = run(&[
        "gsea",
        "--permute",
        "phenotype",
        "--expression",
        logcpm.to_str().unwrap(),
        "--samples",
        samples.to_str().unwrap(),
        "--contrast",
        contrast,
        "--nperm",
        "50",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "gsea --permute phenotype: {}", String::from_utf8_lossy(&o.stderr));
    assert_valid(&out, "gsea");
    let m: Value = serde_json::from_slice(&fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(m["results"]["gsea"]["mode"], "phenotype");
    assert_eq!(m["results"]["gsea"]["metric"], "signal2noise");
    assert_eq!(m["results"]["gsea"]["nperm"], 50);
    // `degsea run --permute phenotype`: the same mode inside a run.
    let out = tmp.path().join("run_pheno");
    let o = run_job(
        "run",
        &counts,
        &samples,
        contrast,
        &out,
        &["--permute", "phenotype", "--nperm", "50", "--no-plots"],
    );
    assert!(o.status.success(), "run --permute phenotype: {}", String::from_utf8_lossy(&o.stderr));
    assert_valid(&out, "run");
    let m: Value = serde_json::from_slice(&fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(m["results"]["gsea"]["mode"], "phenotype");
    assert_eq!(m["parameters"]["gsea"]["permute"], "phenotype");
}
