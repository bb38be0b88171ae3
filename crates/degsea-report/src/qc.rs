//! The QC plots of the report, drawn from the typed input.

use std::collections::HashMap;

use degsea_de::mds::{DEFAULT_TOP, plot_mds};
use degsea_plot::{
    BcvInput, HeatmapInput, MdPoint, MdsInput, QcSample, bcv_svg, heatmap_svg, library_sizes_svg, md_svg,
    mds_svg, pvalue_histogram_svg, z_score_rows,
};
use ndarray::ArrayView2;

use crate::{Error, GseaRecord, NamedSvg, ReportInput, Result};

/// At most this many leading-edge genes per heatmap (the first in ranked-list order), so that
/// a report with many large sets stays small.
pub const HEATMAP_MAX_GENES: usize = 50;

/// Sample order of the heatmaps: reference group first, then test, input order within a group.
fn group_order(input: &ReportInput) -> Vec<usize> {
    let mut order: Vec<usize> = (0..input.samples.len()).collect();
    order.sort_by_key(|&j| input.samples[j].group);
    order
}

fn qc_samples(input: &ReportInput, order: &[usize]) -> Vec<QcSample> {
    order
        .iter()
        .map(|&j| QcSample { name: input.samples[j].name.clone(), group: input.samples[j].group })
        .collect()
}

/// Rows of the heatmap of one gene set: its first [`HEATMAP_MAX_GENES`] leading-edge genes
/// found in the log-CPM matrix, with their z-scored log-CPM (samples ordered by group), or
/// `None` without log-CPM or when no leading-edge gene is in it.
pub fn heatmap_rows(input: &ReportInput, set: &GseaRecord) -> Option<(Vec<String>, Vec<f64>)> {
    let lc = input.log_cpm.as_ref()?;
    let ns = input.samples.len();
    let index: HashMap<&str, usize> = lc.genes.iter().enumerate().map(|(i, g)| (g.as_str(), i)).collect();
    let order = group_order(input);
    let mut genes = Vec::new();
    let mut values = Vec::new();
    for g in &set.leading_edge {
        if genes.len() == HEATMAP_MAX_GENES {
            break;
        }
        if let Some(&i) = index.get(g.as_str()) {
            genes.push(g.clone());
            values.extend(order.iter().map(|&j| lc.values[i * ns + j]));
        }
    }
    (!genes.is_empty()).then(|| (genes, z_score_rows(&values, ns)))
}

/// The values of the BCV plot: AveLogCPM and the tested dispersion straight from the DE table,
/// the trended dispersion when given, and the common dispersion; `None` without genes.
pub fn bcv_input(input: &ReportInput) -> Option<BcvInput<'_>> {
    let de = &input.de;
    (!de.genes.is_empty()).then(|| BcvInput {
        ave_log_cpm: &de.log_cpm,
        tagwise: (input.tagwise_in_table && de.dispersion.iter().any(|d| d.is_finite()))
            .then_some(de.dispersion.as_slice()),
        trended: input.trended_dispersion.as_deref(),
        common: input.common_dispersion,
    })
}

/// Draws the QC plots: library sizes, MDS and heatmaps (when log-CPM is given), BCV, MD and the
/// p-value histogram.
///
/// # Errors
/// [`Error::Input`] when the log-CPM matrix does not have one column per sample, and plot or
/// MDS errors.
pub fn qc_plots(input: &ReportInput) -> Result<Vec<NamedSvg>> {
    let mut out = Vec::new();
    let named = |name: &str, svg: String| NamedSvg { name: name.to_owned(), svg };
    let identity: Vec<usize> = (0..input.samples.len()).collect();
    if !input.samples.is_empty() {
        let order = group_order(input);
        let lib: Vec<f64> = order.iter().map(|&j| input.samples[j].lib_size).collect();
        let nf: Vec<f64> = order.iter().map(|&j| input.samples[j].norm_factor).collect();
        out.push(named(
            "library_sizes",
            library_sizes_svg(&qc_samples(input, &order), &lib, &nf, &input.groups, &input.norm_method)?,
        ));
    }
    if let Some(lc) = &input.log_cpm {
        let ns = input.samples.len();
        if ns == 0 || lc.values.len() != lc.genes.len() * ns {
            return Err(Error::Input(format!(
                "log-CPM has {} values for {} genes and {ns} samples",
                lc.values.len(),
                lc.genes.len()
            )));
        }
        if ns >= 3 {
            let view = ArrayView2::from_shape((lc.genes.len(), ns), &lc.values)
                .map_err(|e| Error::Input(format!("log-CPM shape: {e}")))?;
            let m = plot_mds(&view, DEFAULT_TOP)?;
            let samples = qc_samples(input, &identity);
            let ve = (
                m.var_explained.first().copied().unwrap_or(0.0),
                m.var_explained.get(1).copied().unwrap_or(0.0),
            );
            out.push(named(
                "mds",
                mds_svg(
                    &MdsInput { samples: &samples, x: &m.x, y: &m.y, var_explained: ve, top: m.top },
                    &input.groups,
                )?,
            ));
        }
    }
    let de = &input.de;
    if let Some(bcv) = bcv_input(input) {
        out.push(named("bcv", bcv_svg(&bcv)?));
        let md: Vec<MdPoint> = (0..de.genes.len())
            .map(|i| MdPoint { log_cpm: de.log_cpm[i], log_fc: de.log_fc[i], fdr: de.fdr[i] })
            .collect();
        out.push(named("md", md_svg(&md, input.fdr, &input.groups)?));
        out.push(named("pvalue_histogram", pvalue_histogram_svg(&de.p_value)?));
    }
    let order = group_order(input);
    let samples = qc_samples(input, &order);
    for set in input.significant_sets() {
        if let Some((genes, z)) = heatmap_rows(input, set) {
            let svg = heatmap_svg(
                &HeatmapInput { pathway: &set.pathway, genes: &genes, samples: &samples, z: &z },
                &input.groups,
            )?;
            out.push(named(&format!("heatmap/{}", crate::html::file_stem(&set.pathway)), svg));
        }
    }
    Ok(out)
}
