//! filterByExpr, library sizes, TMM and log-CPM against edgeR 3.40.2 reference outputs in
//! `../shared/reference` (ALGORITHMS.md §C), matched by gene and sample name.
//!
//! Inputs are read from `../shared/data` with `degsea-io`, as the CLI reads them. When
//! `../shared` is absent (a user's clone) each test prints a skip line and returns.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use degsea_core::{Contrast, SampleSheet};
use degsea_de::{PrepareOptions, Prepared, prepare};
use degsea_io::counts::{ReadOptions, read_counts};
use degsea_io::samples::read_sample_sheet;

/// ALGORITHMS.md §C: TMM factors ≤ 1e-12 relative.
const TMM_REL_TOL: f64 = 1e-12;
/// ALGORITHMS.md §C: log-CPM ≤ 1e-12 absolute.
const LOGCPM_ABS_TOL: f64 = 1e-12;

use degsea_testkit::shared_or_skip;

/// A reference TSV as rows of fields (header first); R's `write.table(col.names = NA)` header
/// has an empty first field, which is kept.
fn read_tsv(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

fn parse_bool(s: &str) -> bool {
    match s {
        "TRUE" => true,
        "FALSE" => false,
        _ => panic!("not an R logical: {s}"),
    }
}

fn parse_f64(s: &str) -> f64 {
    s.parse().unwrap_or_else(|e| panic!("not a number `{s}`: {e}"))
}

/// Compares keep flags by gene name: every gene of either side must agree.
fn check_keep(name: &str, genes: &[String], keep: &[bool], reference: &HashMap<String, bool>) {
    assert_eq!(genes.len(), reference.len(), "{name}: gene count differs from the reference");
    let wrong: Vec<String> = genes
        .iter()
        .zip(keep)
        .filter(|(g, k)| reference.get(*g) != Some(k))
        .map(|(g, k)| format!("{g}: ours {k}, edgeR {:?}", reference.get(g)))
        .collect();
    assert!(
        wrong.is_empty(),
        "{name}: {} keep flags differ, first: {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(10)]
    );
    println!(
        "{name}: {} of {} genes kept, identical to edgeR",
        keep.iter().filter(|&&k| k).count(),
        keep.len()
    );
}

/// Reference per-sample values: group label, lib size, norm factor.
struct SampleRef {
    group: String,
    lib_size: f64,
    norm_factor: f64,
}

/// Compares library sizes (exact) and TMM factors (relative) by sample name; `test_label` is
/// the reference file's label of the test group.
fn check_samples(name: &str, p: &Prepared, reference: &HashMap<String, SampleRef>, test_label: &str) {
    assert_eq!(p.counts.n_samples(), reference.len(), "{name}: sample count");
    let mut worst = (0.0f64, String::new());
    for (j, s) in p.counts.samples().iter().enumerate() {
        let r = reference.get(s).unwrap_or_else(|| panic!("{name}: sample {s} not in reference"));
        assert_eq!((r.group == test_label), (p.group[j] == 1), "{name}: group of {s}");
        assert_eq!(p.lib_sizes[j], r.lib_size, "{name}: lib size of {s}");
        let rel = (p.norm_factors[j] - r.norm_factor).abs() / r.norm_factor;
        if rel >= worst.0 {
            worst = (rel, format!("{s}: ours {:.17} edgeR {:.17}", p.norm_factors[j], r.norm_factor));
        }
    }
    println!("{name}: worst TMM relative difference {:.3e} ({})", worst.0, worst.1);
    assert!(
        worst.0 <= TMM_REL_TOL,
        "{name}: TMM factor differs by {:.3e} > {TMM_REL_TOL:e}: {}",
        worst.0,
        worst.1
    );
}

/// A real dataset: `data/<data>/{counts,samples}.tsv` against `reference/<reference>/`.
fn check_dataset(test: &str, data: &str, reference: &str, contrast: &str) {
    let Some(shared) = shared_or_skip(test) else { return };
    let dir = shared.join("data").join(data);
    let table = read_counts(&dir.join("counts.tsv"), &ReadOptions::default()).expect("valid reference data");
    let sheet = read_sample_sheet(&dir.join("samples.tsv")).expect("valid reference data");
    let contrast: Contrast = contrast.parse().expect("valid reference data");
    let groups = contrast.resolve(&sheet, table.matrix.samples()).expect("valid reference data");
    let p = prepare(&table.matrix, &groups, &PrepareOptions::default()).expect("valid reference data");

    let ref_dir = shared.join("reference").join(reference);
    let keep: HashMap<String, bool> = read_tsv(&ref_dir.join("filter.tsv"))
        .into_iter()
        .skip(1)
        .map(|r| (r[0].clone(), parse_bool(&r[1])))
        .collect();
    check_keep(test, table.matrix.genes(), &p.keep, &keep);

    let rows = read_tsv(&ref_dir.join("norm_factors.tsv"));
    assert_eq!(rows[0], ["sample", "group", "lib_size", "norm_factor"]);
    let samples: HashMap<String, SampleRef> = rows[1..]
        .iter()
        .map(|r| {
            (
                r[0].clone(),
                SampleRef { group: r[1].clone(), lib_size: parse_f64(&r[2]), norm_factor: parse_f64(&r[3]) },
            )
        })
        .collect();
    check_samples(test, &p, &samples, "test");
}

#[test]
fn pasilla_matches_edger() {
    check_dataset("pasilla_matches_edger", "pasilla", "pasilla", "condition: treated vs untreated");
}

#[test]
fn airway_matches_edger() {
    check_dataset("airway_matches_edger", "airway", "airway", "dex: treated vs control");
}

#[test]
fn pickrell_sex_matches_edger() {
    check_dataset("pickrell_sex_matches_edger", "pickrell", "pickrell_sex", "gender: male vs female");
}

#[test]
fn tiny_matches_edger_including_log_cpm() {
    let Some(shared) = shared_or_skip("tiny_matches_edger_including_log_cpm") else { return };
    let dir = shared.join("reference/tiny");
    let table = read_counts(&dir.join("counts.tsv"), &ReadOptions::default()).expect("valid reference data");
    let samples: Vec<String> = (1..=6).map(|i| format!("S{i}")).collect();
    assert_eq!(table.matrix.samples(), samples);
    let levels = ["A", "A", "A", "B", "B", "B"];
    let sheet = SampleSheet::new(
        samples.clone(),
        vec!["group".into()],
        levels.iter().map(|l| vec![(*l).to_owned()]).collect(),
    )
    .expect("valid reference data");
    let groups = "group: B vs A"
        .parse::<Contrast>()
        .expect("valid reference data")
        .resolve(&sheet, &samples)
        .expect("valid reference data");
    let p = prepare(&table.matrix, &groups, &PrepareOptions::default()).expect("valid reference data");

    let keep: HashMap<String, bool> = read_tsv(&dir.join("filterByExpr.tsv"))
        .into_iter()
        .skip(1)
        .map(|r| (r[0].clone(), parse_bool(&r[1])))
        .collect();
    check_keep("tiny", table.matrix.genes(), &p.keep, &keep);

    let rows = read_tsv(&dir.join("samples_after_TMM.tsv"));
    assert_eq!(rows[0], ["", "group", "lib.size", "norm.factors"]);
    let reference: HashMap<String, SampleRef> = rows[1..]
        .iter()
        .map(|r| {
            (
                r[0].clone(),
                SampleRef { group: r[1].clone(), lib_size: parse_f64(&r[2]), norm_factor: parse_f64(&r[3]) },
            )
        })
        .collect();
    check_samples("tiny", &p, &reference, "B");

    let rows = read_tsv(&dir.join("logcpm_prior2.tsv"));
    let header = &rows[0][1..];
    let col: Vec<usize> =
        header.iter().map(|s| p.counts.samples().iter().position(|x| x == s).expect("sample")).collect();
    let row_of: HashMap<&str, usize> =
        p.counts.genes().iter().enumerate().map(|(i, g)| (g.as_str(), i)).collect();
    assert_eq!(rows.len() - 1, p.n_kept(), "logCPM rows = kept genes");
    let ours = p.log_cpm(degsea_de::cpm::PRIOR_COUNT);
    let mut worst = (0.0f64, String::new());
    for r in &rows[1..] {
        let i = *row_of.get(r[0].as_str()).unwrap_or_else(|| panic!("gene {} not kept by us", r[0]));
        for (k, v) in r[1..].iter().enumerate() {
            let d = (ours[[i, col[k]]] - parse_f64(v)).abs();
            if d >= worst.0 {
                worst = (d, format!("{} {}: ours {:.17} edgeR {v}", r[0], header[k], ours[[i, col[k]]]));
            }
        }
    }
    println!("tiny: worst logCPM absolute difference {:.3e} ({})", worst.0, worst.1);
    assert!(worst.0 <= LOGCPM_ABS_TOL, "tiny logCPM differs by {:.3e}: {}", worst.0, worst.1);
}

/// edgeR 3.40.2 (R 4.2.2) `calcNormFactors(y, method = m)$samples$norm.factors` after
/// `filterByExpr` and `keep.lib.sizes = FALSE`, printed with `sprintf("%.17g")`, for tiny
/// (groups A A A B B B) and pasilla (untreated ×4, treated ×3), in matrix column order.
const OTHER_METHODS: [(&str, degsea_de::norm::Method, [f64; 7]); 4] = {
    use degsea_de::norm::Method::{Rle, UpperQuartile};
    [
        (
            "tiny",
            UpperQuartile,
            [
                1.0533904207715195,
                1.0418345061065266,
                1.0037577960842783,
                0.93307216699765783,
                1.0143019419834394,
                0.95918079506805987,
                f64::NAN,
            ],
        ),
        (
            "tiny",
            Rle,
            [
                1.0330463714654756,
                1.0780868864850173,
                1.0503356262747781,
                0.91307548954988804,
                0.97497034798421434,
                0.96028518999458123,
                f64::NAN,
            ],
        ),
        (
            "pasilla",
            UpperQuartile,
            [
                1.0197469414185183,
                1.017007053362553,
                0.99067696168646391,
                0.95208706118020436,
                1.0525488218816146,
                0.98552417770494283,
                0.98551982313173736,
            ],
        ),
        (
            "pasilla",
            Rle,
            [
                1.0167751050940781,
                1.0142255565644722,
                0.96003053865926213,
                0.94801157526003699,
                1.0819704470333562,
                0.98780921990143722,
                0.99690410329377011,
            ],
        ),
    ]
};

#[test]
fn upper_quartile_and_rle_match_edger() {
    let Some(shared) = shared_or_skip("upper_quartile_and_rle_match_edger") else { return };
    for (dataset, method, expected) in OTHER_METHODS {
        let (counts, samples, levels): (PathBuf, Vec<String>, Vec<&str>) = if dataset == "tiny" {
            (
                shared.join("reference/tiny/counts.tsv"),
                (1..=6).map(|i| format!("S{i}")).collect(),
                vec!["A", "A", "A", "B", "B", "B"],
            )
        } else {
            (
                shared.join("data/pasilla/counts.tsv"),
                ["untreated1", "untreated2", "untreated3", "untreated4", "treated1", "treated2", "treated3"]
                    .map(String::from)
                    .to_vec(),
                vec!["u", "u", "u", "u", "t", "t", "t"],
            )
        };
        let table = read_counts(&counts, &ReadOptions::default()).expect("valid reference data");
        assert_eq!(table.matrix.samples(), samples);
        let sheet = SampleSheet::new(
            samples.clone(),
            vec!["g".into()],
            levels.iter().map(|l| vec![(*l).to_owned()]).collect(),
        )
        .expect("valid reference data");
        let contrast = if dataset == "tiny" { "g: B vs A" } else { "g: t vs u" };
        let groups = contrast
            .parse::<Contrast>()
            .expect("valid reference data")
            .resolve(&sheet, &samples)
            .expect("valid reference data");
        let opts = PrepareOptions { method, ..PrepareOptions::default() };
        let p = prepare(&table.matrix, &groups, &opts).expect("valid reference data");
        let mut worst = 0.0f64;
        for (j, f) in p.norm_factors.iter().enumerate() {
            worst = worst.max((f - expected[j]).abs() / expected[j]);
        }
        println!("{dataset} {method}: worst relative difference {worst:.3e}");
        assert!(worst <= TMM_REL_TOL, "{dataset} {method}: {:?} vs {expected:?}", p.norm_factors);
    }
}
