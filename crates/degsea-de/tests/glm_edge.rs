//! GLM edge cases against edgeR 3.40.2 (fixtures made by `tests/fixtures/glm_edge/make_glm_edge.R`):
//! a numeric covariate, a factor with an empty level after dropping samples, a 3-level
//! covariate with 2 samples in one level and a gene that is zero in that level (zero fits,
//! reduced residual df), and a rank-deficient design. Designs are built from the formula;
//! dispersions are R's (`estimateDisp` with a design is checked elsewhere).

#![allow(clippy::unwrap_used, clippy::print_stdout, missing_docs)]

mod glm_common;

use std::path::{Path, PathBuf};

use degsea_core::Contrast;
use degsea_core::formula::Formula;
use degsea_de::classic::Tier;
use degsea_de::cpm::effective_lib_sizes;
use degsea_de::filter::FilterOptions;
use degsea_de::glm::filter::filter_by_expr_design;
use degsea_de::glm::fit::{FitInput, GLMFIT_PRIOR_COUNT, glm_fit};
use degsea_de::glm::lrt::glm_lrt;
use degsea_de::glm::ql::{glm_ql_fit, glm_ql_ftest};
use degsea_de::norm::{Method, calc_norm_factors};
use degsea_de::onegroup::{Dispersion, ave_log_cpm};
use degsea_io::counts::ReadOptions;
use glm_common::{Check, TOL_DISP, TOL_LOGCPM, TOL_LOGFC, TOL_NORM, TOL_P, TOL_STAT, Table};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/glm_edge")
}

const CONTRAST: &str = "cond: trt vs ctrl";

fn case(name: &str, formula: &str) {
    let d = dir();
    let matrix =
        degsea_io::counts::read_counts(&d.join("counts.tsv"), &ReadOptions::default()).unwrap().matrix;
    let sheet = degsea_io::samples::read_sample_sheet(&d.join("samples.tsv")).unwrap();
    let contrast: Contrast = CONTRAST.parse().unwrap();
    let groups = contrast.resolve(&sheet, matrix.samples()).unwrap();
    let design = formula.parse::<Formula>().unwrap().design(&sheet, &groups).unwrap();
    let cd = d.join(name);
    let rd = Table::read(&cd.join("design.tsv"));
    let mut failures = Vec::new();
    // Same columns as model.matrix (R's tested column is `grouptest`, ours `condtrt`).
    assert_eq!(design.columns[..design.tested], rd.header[1..rd.header.len() - 1], "{name} design names");
    let selected = matrix.select_samples(&groups.columns);
    for (i, s) in selected.samples().iter().enumerate() {
        for (j, c) in rd.header[1..].iter().enumerate() {
            assert_eq!(design.matrix[[i, j]], rd.num(s, c), "{name} design {s} {c}");
        }
    }
    let keep = filter_by_expr_design(
        &selected.counts(),
        &selected.lib_sizes(),
        &design.matrix.view(),
        &FilterOptions::default(),
    )
    .unwrap();
    let filter = Table::read(&cd.join("filter.tsv"));
    for (g, k) in selected.genes().iter().zip(&keep) {
        assert_eq!(*k, filter.rows[g][0] == "TRUE", "{name} filter {g}");
    }
    let kept = selected.filter_genes(&keep);
    let lib = kept.lib_sizes();
    let nf = calc_norm_factors(&kept.counts(), &lib, Method::Tmm).unwrap();
    let norm = Table::read(&cd.join("norm_factors.tsv"));
    let mut c = Check::new("norm factor", TOL_NORM, true);
    for (i, s) in kept.samples().iter().enumerate() {
        c.add(s, nf[i], norm.num(s, "norm_factor"));
    }
    failures.extend(c.report(name));
    let eff = effective_lib_sizes(&lib, &nf);
    let offset: Vec<f64> = eff.iter().map(|l| l.ln()).collect();
    let common = Table::read(&cd.join("scalars.tsv")).num("common_dispersion", "value");
    let (ave, _) = ave_log_cpm(&kept.counts(), &eff, Dispersion::Common(common));
    let res = Table::read(&cd.join("results.tsv"));
    let genes = kept.genes().to_vec();
    let counts = kept.counts().mapv(f64::from);
    let trended = res.column(&genes, "trended_dispersion");
    let tagwise = res.column(&genes, "tagwise_dispersion");
    let input = FitInput {
        counts: counts.view(),
        design: design.matrix.view(),
        offset: &offset,
        dispersion: Dispersion::PerGene(&trended),
        tier: Tier::EdgerExact,
    };
    let fit = glm_ql_fit(&input, &ave, false);
    let ql = glm_ql_ftest(&input, &fit, design.tested);
    let lrt_input = FitInput { dispersion: Dispersion::PerGene(&tagwise), ..input };
    let gfit = glm_fit(&lrt_input, GLMFIT_PRIOR_COUNT, None);
    let lrt = glm_lrt(&lrt_input, &gfit, design.tested);
    let cols: [(&str, &[f64], f64, bool); 10] = [
        ("logFC", &ql.log_fc, TOL_LOGFC, false),
        ("logCPM", &ave, TOL_LOGCPM, false),
        ("F", &ql.f, TOL_STAT, true),
        ("PValue", &ql.p_value, TOL_P, true),
        ("df_zeros", &fit.df_residual_zeros, 0.0, false),
        ("df_prior", &fit.squeezed.df_prior, TOL_DISP, true),
        ("s2_prior", &fit.squeezed.var_prior, TOL_DISP, true),
        ("lrt_logFC", &lrt.log_fc, TOL_LOGFC, false),
        ("LR", &lrt.lr, TOL_STAT, true),
        ("lrt_PValue", &lrt.p_value, TOL_P, true),
    ];
    for (col, ours, tol, rel) in cols {
        let mut c = Check::new(col, tol, rel);
        for (g, &o) in genes.iter().zip(ours) {
            c.add(g, o, res.num(g, col));
        }
        failures.extend(c.report(name));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn numeric_covariate() {
    case("numeric", "~ age + cond");
}

#[test]
fn empty_level_after_dropping_samples() {
    case("empty_level", "~ site + cond");
}

#[test]
fn three_levels_two_samples_and_zero_fits() {
    case("batch3", "~ batch + cond");
    // g1 is zero in both b3 samples: its residual df drop from 4 to 3 (checked above).
    let res = Table::read(&dir().join("batch3/results.tsv"));
    assert_eq!(res.num("g1", "df_zeros"), 3.0);
}

#[test]
fn rank_deficient_design_is_an_error() {
    let d = dir();
    let matrix =
        degsea_io::counts::read_counts(&d.join("counts.tsv"), &ReadOptions::default()).unwrap().matrix;
    let sheet = degsea_io::samples::read_sample_sheet(&d.join("samples.tsv")).unwrap();
    let contrast: Contrast = CONTRAST.parse().unwrap();
    let groups = contrast.resolve(&sheet, matrix.samples()).unwrap();
    // Eight distinct ages as a factor: 7 indicators + intercept + cond > rank 8 (R: glmFit
    // stops with "Design matrix not of full rank").
    let e =
        "~ factor(age) + cond".parse::<Formula>().unwrap().design(&sheet, &groups).unwrap_err().to_string();
    assert!(e.contains("not of full rank") && e.contains("condtrt"), "{e}");
}
