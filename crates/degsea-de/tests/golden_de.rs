//! Golden tests: the classic edgeR pipeline against edgeR 3.40.2 outputs in
//! `../shared/reference` (pasilla, airway, pickrell_sex, tiny), matched by gene name at the
//! tolerances of ALGORITHMS.md §C. The pipeline runs from the raw counts (filterByExpr, TMM,
//! qCML dispersions, exact test, BH); the worst cells are printed on failure.

#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::print_stderr, missing_docs)]

use degsea_testkit::shared_or_skip;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use degsea_core::{Contrast, CountMatrix, SampleSheet};
use degsea_de::classic::{ClassicOptions, DeResult, Tier};
use degsea_de::onegroup::Dispersion;
use degsea_de::pseudo::equalize_lib_sizes;
use degsea_de::{PrepareOptions, Prepared, prepare};
use degsea_io::counts::ReadOptions;

/// ALGORITHMS.md §C: common dispersion, relative.
const TOL_COMMON: f64 = 1e-8;
/// ALGORITHMS.md §C: tagwise dispersion, relative.
const TOL_TAGWISE: f64 = 1e-7;
/// ALGORITHMS.md §C: logFC, absolute.
const TOL_LOGFC: f64 = 1e-10;
/// ALGORITHMS.md §C: AveLogCPM, absolute.
const TOL_LOGCPM: f64 = 1e-10;
/// ALGORITHMS.md §C: PValue and FDR, relative (for values above 1e-300).
const TOL_P: f64 = 1e-6;
/// ALGORITHMS.md §C: pseudo-counts, relative.
const TOL_PSEUDO: f64 = 1e-8;
/// p-values below this are compared only for being tiny.
const P_FLOOR: f64 = 1e-300;
/// FDR threshold for the call comparison.
const FDR_CALL: f64 = 0.05;

/// A TSV table: header fields after the first, then rows keyed by their first field.
struct Table {
    columns: Vec<String>,
    rows: Vec<(String, Vec<String>)>,
}

impl Table {
    fn read(path: &Path) -> Self {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut lines = text.lines();
        let header: Vec<String> = lines.next().unwrap().split('\t').map(str::to_owned).collect();
        let columns = header[1..].to_vec();
        let rows = lines
            .filter(|l| !l.is_empty())
            .map(|l| {
                let mut f = l.split('\t');
                let key = f.next().unwrap().to_owned();
                (key, f.map(str::to_owned).collect())
            })
            .collect();
        Self { columns, rows }
    }

    fn col(&self, name: &str) -> usize {
        self.columns.iter().position(|c| c == name).unwrap_or_else(|| panic!("no column {name}"))
    }

    fn f64_by_key(&self, name: &str) -> HashMap<String, f64> {
        let j = self.col(name);
        self.rows.iter().map(|(k, v)| (k.clone(), parse_r(&v[j]))).collect()
    }
}

fn parse_r(s: &str) -> f64 {
    match s {
        "NA" => f64::NAN,
        "Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        _ => s.parse().unwrap_or_else(|e| panic!("bad number {s}: {e}")),
    }
}

struct Run {
    genes: Vec<String>,
    samples: Vec<String>,
    prepared: Prepared,
    all_genes: Vec<String>,
    result: DeResult,
}

fn read_matrix(path: &Path) -> CountMatrix {
    degsea_io::counts::read_counts(path, &ReadOptions::default()).unwrap().matrix
}

/// The whole pipeline from raw counts, as edgeR's reference script runs it: filterByExpr,
/// `keep.lib.sizes = FALSE`, TMM, then the classic dispersion and exact test.
fn run_pipeline(matrix: &CountMatrix, sheet: &SampleSheet, contrast: &str) -> Run {
    let contrast: Contrast = contrast.parse().unwrap();
    let groups = contrast.resolve(sheet, matrix.samples()).unwrap();
    let prepared = prepare(matrix, &groups, &PrepareOptions::default()).unwrap();
    let result = prepared.classic_de(&ClassicOptions::for_tier(Tier::EdgerExact));
    Run {
        genes: prepared.counts.genes().to_vec(),
        samples: prepared.counts.samples().to_vec(),
        all_genes: matrix.genes().to_vec(),
        prepared,
        result,
    }
}

/// The sample sheet of `reference/tiny`: S1–S3 in group A, S4–S6 in group B.
fn tiny_sheet(matrix: &CountMatrix) -> SampleSheet {
    let groups = (0..matrix.n_samples()).map(|j| vec![if j < 3 { "A" } else { "B" }.to_owned()]).collect();
    SampleSheet::new(matrix.samples().to_vec(), vec!["group".into()], groups).unwrap()
}

/// Collects per-quantity failures with the worst cells.
#[derive(Default)]
struct Report {
    failures: Vec<String>,
    summary: Vec<String>,
}

impl Report {
    /// Compares `ours` (by gene) with `theirs`; `relative` picks the error measure.
    fn compare(
        &mut self,
        what: &str,
        genes: &[String],
        ours: &[f64],
        theirs: &HashMap<String, f64>,
        tol: f64,
        relative: bool,
        floor: f64,
    ) {
        assert_eq!(genes.len(), ours.len());
        let mut errs: Vec<(f64, &str, f64, f64)> = Vec::new();
        let mut missing = 0;
        for (g, &o) in genes.iter().zip(ours) {
            let Some(&t) = theirs.get(g) else {
                missing += 1;
                continue;
            };
            let e = if t.is_nan() || o.is_nan() {
                if t.is_nan() && o.is_nan() { 0.0 } else { f64::INFINITY }
            } else if o == t {
                0.0
            } else if relative {
                if t.abs() <= floor && o.abs() <= floor { 0.0 } else { ((o - t) / t).abs() }
            } else {
                (o - t).abs()
            };
            errs.push((e, g, o, t));
        }
        errs.sort_by(|a, b| b.0.total_cmp(&a.0));
        let worst = errs.first().map_or(0.0, |e| e.0);
        self.summary.push(format!(
            "{what}: max {} error {worst:.3e} (tol {tol:.0e})",
            if relative { "rel" } else { "abs" }
        ));
        if missing > 0 || errs.len() != theirs.len() {
            self.failures.push(format!(
                "{what}: {missing} of our genes missing in reference; ours {} vs reference {}",
                genes.len(),
                theirs.len()
            ));
        }
        if worst > tol {
            let mut s = format!(
                "{what}: {} cells exceed {tol:e}; worst:\n",
                errs.iter().filter(|e| e.0 > tol).count()
            );
            for (e, g, o, t) in errs.iter().take(8) {
                let _ = writeln!(s, "    {g}: ours {o:.17e} ref {t:.17e} err {e:.3e}");
            }
            self.failures.push(s);
        }
    }

    fn scalar(&mut self, what: &str, ours: f64, theirs: f64, tol: f64) {
        let e = ((ours - theirs) / theirs).abs();
        self.summary.push(format!("{what}: ours {ours:.17e} ref {theirs:.17e} rel {e:.3e} (tol {tol:.0e})"));
        if e.is_nan() || e > tol {
            self.failures
                .push(format!("{what}: ours {ours:.17e} ref {theirs:.17e} rel err {e:.3e} > {tol:e}"));
        }
    }

    fn finish(self, name: &str) {
        println!("== {name}");
        for s in &self.summary {
            println!("  {s}");
        }
        assert!(
            self.failures.is_empty(),
            "{name}: {} failures:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
    }
}

fn check_dataset(name: &str, data_dir: &str, contrast: &str) {
    let Some(shared) = shared_or_skip(&format!("golden {name}")) else { return };
    let ref_dir = shared.join("reference").join(name);
    let data = shared.join("data").join(data_dir);
    let matrix = read_matrix(&data.join("counts.tsv"));
    let sheet = degsea_io::samples::read_sample_sheet(&data.join("samples.tsv")).unwrap();
    let run = run_pipeline(&matrix, &sheet, contrast);
    let r = &run.result;
    let mut report = Report::default();

    // Inputs of the DE stage (owned by filter/norm, checked here so a mismatch is not blamed on DE).
    let filter = Table::read(&ref_dir.join("filter.tsv"));
    let jk = filter.col("keep");
    let ref_keep: HashMap<&str, bool> =
        filter.rows.iter().map(|(g, v)| (g.as_str(), v[jk] == "TRUE")).collect();
    let keep_diff = run
        .all_genes
        .iter()
        .zip(&run.prepared.keep)
        .filter(|(g, k)| ref_keep.get(g.as_str()) != Some(k))
        .count();
    if keep_diff > 0 {
        report.failures.push(format!("filterByExpr: {keep_diff} genes differ"));
    }
    let nf = Table::read(&ref_dir.join("norm_factors.tsv"));
    let ref_nf = nf.f64_by_key("norm_factor");
    report.compare("norm_factor", &run.samples, &run.prepared.norm_factors, &ref_nf, 1e-12, true, 0.0);
    let ref_lib = nf.f64_by_key("lib_size");
    report.compare("lib_size", &run.samples, &run.prepared.lib_sizes, &ref_lib, 0.0, true, 0.0);

    let scalars = Table::read(&ref_dir.join("scalars.tsv"));
    let sc = scalars.f64_by_key("value");
    report.scalar("common dispersion", r.common_dispersion, sc["common_dispersion"], TOL_COMMON);

    let de = Table::read(&ref_dir.join("de.tsv"));
    report.compare(
        "tagwise dispersion",
        &run.genes,
        &r.dispersion,
        &de.f64_by_key("tagwise_dispersion"),
        TOL_TAGWISE,
        true,
        0.0,
    );
    report.compare("logCPM", &run.genes, &r.log_cpm, &de.f64_by_key("logCPM"), TOL_LOGCPM, false, 0.0);
    report.compare("logFC", &run.genes, &r.log_fc, &de.f64_by_key("logFC"), TOL_LOGFC, false, 0.0);
    report.compare("PValue", &run.genes, &r.p_value, &de.f64_by_key("PValue"), TOL_P, true, P_FLOOR);
    report.compare("FDR", &run.genes, &r.fdr, &de.f64_by_key("FDR"), TOL_P, true, P_FLOOR);
    compare_calls(&mut report, &run.genes, &r.fdr, &de.f64_by_key("FDR"));
    report.finish(name);
}

fn compare_calls(report: &mut Report, genes: &[String], ours: &[f64], theirs: &HashMap<String, f64>) {
    let mut n_calls = 0;
    let diff: Vec<&str> = genes
        .iter()
        .zip(ours)
        .filter(|(g, o)| {
            let t = theirs.get(g.as_str()).copied().unwrap_or(f64::NAN);
            n_calls += usize::from(t < FDR_CALL);
            (**o < FDR_CALL) != (t < FDR_CALL)
        })
        .map(|(g, _)| g.as_str())
        .collect();
    report
        .summary
        .push(format!("calls at FDR < {FDR_CALL}: {n_calls} in reference, {} disagreements", diff.len()));
    if !diff.is_empty() {
        report.failures.push(format!(
            "{} call disagreements at FDR < {FDR_CALL}: {:?}",
            diff.len(),
            &diff[..diff.len().min(10)]
        ));
    }
}

#[test]
fn golden_pasilla() {
    check_dataset("pasilla", "pasilla", "condition: treated vs untreated");
}

#[test]
fn golden_airway() {
    check_dataset("airway", "airway", "dex: treated vs control");
}

#[test]
fn golden_pickrell_sex() {
    check_dataset("pickrell_sex", "pickrell", "gender: male vs female");
}

/// `reference/tiny`: 1000 × 6 simulated counts, groups A = S1–S3, B = S4–S6 (B vs A).
#[test]
fn golden_tiny() {
    let Some(shared) = shared_or_skip("golden tiny") else { return };
    let dir = shared.join("reference/tiny");
    let matrix = read_matrix(&dir.join("counts.tsv"));
    let run = run_pipeline(&matrix, &tiny_sheet(&matrix), "group: B vs A");
    let r = &run.result;
    let mut report = Report::default();

    let sc = Table::read(&dir.join("scalars.tsv")).f64_by_key("value");
    report.scalar("common dispersion", r.common_dispersion, sc["common_classic"], TOL_COMMON);

    // classic_disp.tsv is keyed by the row number among the kept genes.
    let disp = Table::read(&dir.join("classic_disp.tsv"));
    let by_gene = |col: &str| -> HashMap<String, f64> {
        let j = disp.col(col);
        disp.rows
            .iter()
            .map(|(k, v)| (run.genes[k.parse::<usize>().unwrap() - 1].clone(), parse_r(&v[j])))
            .collect()
    };
    report.compare("AveLogCPM", &run.genes, &r.log_cpm, &by_gene("AveLogCPM"), TOL_LOGCPM, false, 0.0);
    report.compare(
        "tagwise dispersion",
        &run.genes,
        &r.dispersion,
        &by_gene("tagwise"),
        TOL_TAGWISE,
        true,
        0.0,
    );

    // Pseudo-counts of estimateCommonDisp (equalizeLibSizes at the common dispersion).
    let p = &run.prepared;
    let eq = equalize_lib_sizes(
        &p.counts.counts(),
        &p.group,
        &p.eff_lib_sizes(),
        Dispersion::Common(r.common_dispersion),
    );
    report.scalar("pseudo lib size", eq.pseudo_lib_size, sc["pseudo_lib_size"], 1e-12);
    let pseudo = Table::read(&dir.join("pseudo_counts.tsv"));
    for (j, s) in run.samples.iter().enumerate() {
        let col: Vec<f64> = eq.pseudo_counts.column(j).to_vec();
        report.compare(
            &format!("pseudo-counts {s}"),
            &run.genes,
            &col,
            &pseudo.f64_by_key(s),
            TOL_PSEUDO,
            true,
            0.0,
        );
    }

    let et = Table::read(&dir.join("exactTest_classic.tsv"));
    report.compare("logFC", &run.genes, &r.log_fc, &et.f64_by_key("logFC"), TOL_LOGFC, false, 0.0);
    report.compare("logCPM", &run.genes, &r.log_cpm, &et.f64_by_key("logCPM"), TOL_LOGCPM, false, 0.0);
    report.compare("PValue", &run.genes, &r.p_value, &et.f64_by_key("PValue"), TOL_P, true, P_FLOOR);
    report.compare("FDR", &run.genes, &r.fdr, &et.f64_by_key("FDR"), TOL_P, true, P_FLOOR);
    compare_calls(&mut report, &run.genes, &r.fdr, &et.f64_by_key("FDR"));
    report.finish("tiny");
}

/// The results do not depend on the number of rayon threads.
#[test]
fn thread_count_invariance() {
    let Some(shared) = shared_or_skip("thread_count_invariance") else { return };
    let matrix = read_matrix(&shared.join("reference/tiny/counts.tsv"));
    let sheet = tiny_sheet(&matrix);
    let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
    let three = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
    let a = one.install(|| run_pipeline(&matrix, &sheet, "group: B vs A").result);
    let b = three.install(|| run_pipeline(&matrix, &sheet, "group: B vs A").result);
    for (x, y) in [
        (&a.log_fc, &b.log_fc),
        (&a.p_value, &b.p_value),
        (&a.fdr, &b.fdr),
        (&a.dispersion, &b.dispersion),
        (&a.log_cpm, &b.log_cpm),
    ] {
        assert!(x.iter().zip(y).all(|(p, q)| p.to_bits() == q.to_bits()));
    }
    assert_eq!(a.common_dispersion.to_bits(), b.common_dispersion.to_bits());
}
