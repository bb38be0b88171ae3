//! edgeR's `glmQLFit` + `glmQLFTest`, with `robust = FALSE` and `robust = TRUE` (limma
//! `fitFDistRobustly`), against `../shared/reference/{pasilla,airway}_glm/ql.tsv` and
//! `ql_robust.tsv` (made by `spec/verify/make_glm_reference.R`), by gene name at GLM.md G7
//! tolerances, with no FDR < 0.05 call disagreement. The NB dispersions are R's trended
//! dispersions (`ql.tsv`), so the QL moderation is tested on its own; `glm_estimate_disp.rs`
//! and `tests/cli/glm.rs` run the whole pipeline.

#![allow(clippy::unwrap_used, clippy::print_stdout, missing_docs)]

mod glm_common;

use degsea_de::classic::Tier;
use degsea_de::glm::fit::FitInput;
use degsea_de::glm::ql::{glm_ql_fit, glm_ql_ftest};
use degsea_de::onegroup::Dispersion;
use glm_common::{TOL_DISP, TOL_LOGCPM, TOL_LOGFC, TOL_P, TOL_STAT, Table, compare, load};

/// Fits the QL model of `name` with R's trended dispersions and compares the test of
/// `grouptest` with `ql.tsv` (`robust = false`) or `ql_robust.tsv` (`robust = true`).
fn ql(name: &'static str, robust: bool) {
    let file = if robust { "ql_robust.tsv" } else { "ql.tsv" };
    let Some(shared) = degsea_testkit::shared_or_skip(&format!("glm_ql {name} {file}")) else { return };
    let mut failures = Vec::new();
    let d = load(name, &shared, &mut failures);
    let trended = d.ql.column(&d.genes, "trended_dispersion");
    let input = FitInput {
        counts: d.counts.view(),
        design: d.design.view(),
        offset: &d.offset,
        dispersion: Dispersion::PerGene(&trended),
        tier: Tier::EdgerExact,
    };
    let fit = glm_ql_fit(&input, &d.ave_log_cpm, robust);
    let coef = d.design_names.iter().position(|c| c == "grouptest").unwrap();
    let r = glm_ql_ftest(&input, &fit, coef);
    let fdr = degsea_stats::p_adjust_bh(&r.p_value);
    let robust_table;
    let reference = if robust {
        robust_table = Table::read(&d.dir.join(file));
        &robust_table
    } else {
        &d.ql
    };
    compare(
        name,
        file,
        reference,
        &d.genes,
        &[
            ("logFC", &r.log_fc, TOL_LOGFC, false),
            ("logCPM", &d.ave_log_cpm, TOL_LOGCPM, false),
            ("F", &r.f, TOL_STAT, true),
            ("PValue", &r.p_value, TOL_P, true),
            ("FDR", &fdr, TOL_P, true),
            ("df_prior", &fit.squeezed.df_prior, TOL_DISP, true),
            ("s2_prior", &fit.squeezed.var_prior, TOL_DISP, true),
        ],
        &mut failures,
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn pasilla_ql() {
    ql("pasilla", false);
}

#[test]
fn airway_ql() {
    ql("airway", false);
}

#[test]
fn pasilla_ql_robust() {
    ql("pasilla", true);
}

#[test]
fn airway_ql_robust() {
    ql("airway", true);
}
