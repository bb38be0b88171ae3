//! edgeR's `glmFit` + `glmLRT` (tagwise dispersions) against `../shared/reference/{pasilla,airway}_glm/lrt.tsv`
//! (made by `spec/verify/make_glm_reference.R`), by gene name at GLM.md G7 tolerances.
//! Until `estimateDisp` with a design lands, the dispersions are R's (`ql.tsv`).

#![allow(clippy::unwrap_used, clippy::print_stdout, missing_docs)]

mod glm_common;

use degsea_de::classic::Tier;
use degsea_de::glm::fit::{FitInput, GLMFIT_PRIOR_COUNT, glm_fit};
use degsea_de::glm::lrt::glm_lrt;
use degsea_de::onegroup::Dispersion;
use glm_common::{TOL_LOGCPM, TOL_LOGFC, TOL_P, TOL_STAT, Table, compare, load};

fn lrt(name: &'static str) {
    let Some(shared) = degsea_testkit::shared_or_skip(&format!("glm_lrt {name}")) else { return };
    let mut failures = Vec::new();
    let d = load(name, &shared, &mut failures);
    let tagwise = d.ql.column(&d.genes, "tagwise_dispersion");
    let input = FitInput {
        counts: d.counts.view(),
        design: d.design.view(),
        offset: &d.offset,
        dispersion: Dispersion::PerGene(&tagwise),
        tier: Tier::EdgerExact,
    };
    let fit = glm_fit(&input, GLMFIT_PRIOR_COUNT, None);
    let coef = d.design_names.iter().position(|c| c == "grouptest").unwrap();
    let r = glm_lrt(&input, &fit, coef);
    let fdr = degsea_stats::p_adjust_bh(&r.p_value);
    let reference = Table::read(&d.dir.join("lrt.tsv"));
    compare(
        name,
        "lrt.tsv",
        &reference,
        &d.genes,
        &[
            ("logFC", &r.log_fc, TOL_LOGFC, false),
            ("logCPM", &d.ave_log_cpm, TOL_LOGCPM, false),
            ("LR", &r.lr, TOL_STAT, true),
            ("PValue", &r.p_value, TOL_P, true),
            ("FDR", &fdr, TOL_P, true),
        ],
        &mut failures,
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn pasilla_lrt() {
    lrt("pasilla");
}

#[test]
fn airway_lrt() {
    lrt("airway");
}
