//! The QC plots of the report, drawn from the typed input.

use std::collections::HashMap;

use degsea_de::mds::{DEFAULT_TOP, plot_mds};
use degsea_plot::{
    BcvInput, HeatmapInput, MdPoint, MdsInput, QcSample, bcv_svg, heatmap_svg, library_sizes_svg, md_svg,
    mds_svg, pvalue_histogram_svg, z_score_rows,
};
use ndarray::ArrayView2;

use crate::{Error, GseaRecord, LogCpm, NamedSvg, ReportInput, Result};

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
    heatmap_rows_indexed(input, set, &gene_index(lc))
}

/// Row of each log-CPM gene.
fn gene_index(lc: &LogCpm) -> HashMap<&str, usize> {
    lc.genes.iter().enumerate().map(|(i, g)| (g.as_str(), i)).collect()
}

/// [`heatmap_rows`] with the log-CPM's gene index built once for all sets.
fn heatmap_rows_indexed(
    input: &ReportInput,
    set: &GseaRecord,
    index: &HashMap<&str, usize>,
) -> Option<(Vec<String>, Vec<f64>)> {
    let lc = input.log_cpm.as_ref()?;
    let ns = input.samples.len();
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
/// p-value histogram — [`de_qc_plots`], then [`heatmap_plots`] of the significant sets.
///
/// # Errors
/// [`Error::Input`] when the log-CPM matrix does not have one column per sample, and plot or
/// MDS errors.
pub fn qc_plots(input: &ReportInput) -> Result<Vec<NamedSvg>> {
    let mut out = de_qc_plots(input)?;
    out.extend(heatmap_plots(input, &input.significant_sets())?);
    Ok(out)
}

/// The QC plots that need only the DE side of the input (no GSEA): library sizes, MDS (when
/// log-CPM is given; edgeR `plotMDS`), BCV (`plotBCV`), MD (`plotMD`) and the p-value
/// histogram, in that order. The MDS, the costliest, is computed while the others are drawn.
///
/// # Errors
/// [`Error::Input`] when the log-CPM matrix does not have one column per sample, and plot or
/// MDS errors.
pub fn de_qc_plots(input: &ReportInput) -> Result<Vec<NamedSvg>> {
    let (mds, rest) = rayon::join(|| mds_plot(input), || de_table_plots(input));
    let mut out = Vec::new();
    if !input.samples.is_empty() {
        let order = group_order(input);
        let lib: Vec<f64> = order.iter().map(|&j| input.samples[j].lib_size).collect();
        let nf: Vec<f64> = order.iter().map(|&j| input.samples[j].norm_factor).collect();
        out.push(NamedSvg {
            name: "library_sizes".to_owned(),
            svg: library_sizes_svg(&qc_samples(input, &order), &lib, &nf, &input.groups, &input.norm_method)?,
        });
    }
    out.extend(mds?);
    out.extend(rest?);
    Ok(out)
}

/// The MDS plot (edgeR `plotMDS`) of the log-CPM, when given and with at least 3 samples.
fn mds_plot(input: &ReportInput) -> Result<Option<NamedSvg>> {
    let identity: Vec<usize> = (0..input.samples.len()).collect();
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
            let svg = mds_svg(
                &MdsInput { samples: &samples, x: &m.x, y: &m.y, var_explained: ve, top: m.top },
                &input.groups,
            )?;
            return Ok(Some(NamedSvg { name: "mds".to_owned(), svg }));
        }
    }
    Ok(None)
}

/// BCV, MD and p-value histogram of the DE table (none without genes).
fn de_table_plots(input: &ReportInput) -> Result<Vec<NamedSvg>> {
    let mut out = Vec::new();
    let named = |name: &str, svg: String| NamedSvg { name: name.to_owned(), svg };
    let de = &input.de;
    if let Some(bcv) = bcv_input(input) {
        out.push(named("bcv", bcv_svg(&bcv)?));
        let md: Vec<MdPoint> = (0..de.genes.len())
            .map(|i| MdPoint { log_cpm: de.log_cpm[i], log_fc: de.log_fc[i], fdr: de.fdr[i] })
            .collect();
        out.push(named("md", md_svg(&md, input.fdr, &input.groups)?));
        out.push(named("pvalue_histogram", pvalue_histogram_svg(&de.p_value)?));
    }
    Ok(out)
}

/// The leading-edge heatmaps (`heatmap/<SET>`) of `sets` (see [`heatmap_rows`]), in that order;
/// none without log-CPM.
///
/// # Errors
/// Plot errors.
pub fn heatmap_plots(input: &ReportInput, sets: &[&GseaRecord]) -> Result<Vec<NamedSvg>> {
    let mut out = Vec::new();
    let Some(lc) = &input.log_cpm else { return Ok(out) };
    let index = gene_index(lc);
    let order = group_order(input);
    let samples = qc_samples(input, &order);
    for set in sets {
        if let Some((genes, z)) = heatmap_rows_indexed(input, set, &index) {
            let svg = heatmap_svg(
                &HeatmapInput { pathway: &set.pathway, genes: &genes, samples: &samples, z: &z },
                &input.groups,
            )?;
            out.push(NamedSvg { name: format!("heatmap/{}", crate::html::file_stem(&set.pathway)), svg });
        }
    }
    Ok(out)
}
