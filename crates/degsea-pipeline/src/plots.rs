//! Drawing the report plots — NES bar plot, volcano, enrichment curves — as SVG and PNG, for
//! `degsea run` (from the results in memory) and the `plot` job (re-drawn from an output
//! folder's `gsea.tsv`, `de.tsv` and `ranks.rnk`).

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use degsea_core::{Contrast, GeneSetCollection};
use degsea_gsea::{GseaResult, SortedRanks};
use degsea_io::gsea_table::GseaSummary;
use degsea_io::output::OutputDir;
use degsea_plot::{
    EnrichmentInput, EnrichmentOptions, GroupLabels, NesBarEntry, NesBarOptions, VolcanoOptions, VolcanoPoint,
};
use rayon::prelude::*;

use crate::log;

/// Image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// Scalable vector graphics (text stays text).
    Svg,
    /// Raster image at a chosen dpi, rendered with the bundled font.
    Png,
}

/// Which plots the `plot` job draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlotKind {
    /// NES bar plot of the gene sets below the FDR threshold (needs gsea.tsv).
    Nes,
    /// Running enrichment score of each significant gene set (needs gsea.tsv and ranks.rnk).
    Enrichment,
    /// Volcano plot of the DE table (needs de.tsv).
    Volcano,
    /// Every plot whose input tables are present.
    All,
}

/// Configuration of the `plot` job.
#[derive(Debug, Clone)]
pub struct PlotConfig {
    /// Plot(s) to draw.
    pub kind: PlotKind,
    /// Output folder of `degsea run`, `gsea` or `de`.
    pub from: PathBuf,
    /// Folder for the images (default: `from/plots`).
    pub out: Option<PathBuf>,
    /// FDR threshold of bars, curves and volcano colours.
    pub fdr: f64,
    /// At most this many bars / curves / volcano labels.
    pub top: Option<usize>,
    /// Title override.
    pub title: Option<String>,
    /// Width override, inches.
    pub width: Option<f64>,
    /// Height override, inches.
    pub height: Option<f64>,
    /// PNG resolution.
    pub dpi: f32,
    /// Image formats.
    pub formats: Vec<ImageFormat>,
    /// Gene sets for enrichment curves (a GMT path or a bundled name).
    pub genesets: String,
    /// Contrast naming the groups (default: the one recorded in `from/run.json`).
    pub contrast: Option<Contrast>,
}

/// Runs the `plot` job.
pub fn run(config: &PlotConfig) -> anyhow::Result<()> {
    let PlotConfig { kind, from, out, fdr, top, title, width, height, dpi, formats, genesets, contrast } =
        config;
    let (kind, top, dpi) = (*kind, *top, *dpi);
    if !from.is_dir() {
        bail!("`{}` is not a folder", from.display());
    }
    let out_dir = out.clone().unwrap_or_else(|| from.join("plots"));
    degsea_io::output::check_output_path(&out_dir, false)?;
    let groups = match contrast {
        Some(c) => labels_from_contrast(c),
        None => degsea_io::results::recorded_contrast(from)
            .and_then(|s| s.parse::<Contrast>().ok())
            .map_or_else(GroupLabels::default, |c| labels_from_contrast(&c)),
    };
    let gsea_path = from.join("gsea.tsv");
    let de_path = from.join("de.tsv");
    let rnk_path = from.join("ranks.rnk");
    let (want_nes, want_enrichment, want_volcano) = match kind {
        PlotKind::Nes => (true, false, false),
        PlotKind::Enrichment => (false, true, false),
        PlotKind::Volcano => (false, false, true),
        PlotKind::All => (gsea_path.is_file(), gsea_path.is_file() && rnk_path.is_file(), de_path.is_file()),
    };
    if kind == PlotKind::All && !(want_nes || want_volcano) {
        bail!("`{}` has neither gsea.tsv nor de.tsv: nothing to plot", from.display());
    }

    let style = Style { fdr: *fdr, title: title.clone(), width: *width, height: *height, groups };
    let mut images: Vec<(String, String)> = Vec::new();
    if want_nes || want_enrichment {
        let gsea = degsea_io::gsea_table::read(&gsea_path)?;
        if want_nes {
            images.push(("nes_bar".to_owned(), nes_bar(&gsea, &style, top, genesets)?));
        }
        if want_enrichment {
            let sets = degsea_io::genesets::load(genesets)?;
            let ranks = degsea_io::rnk::read(&rnk_path)?;
            images.extend(enrichment_plots(&gsea, &ranks.list, &sets, &style, top)?);
        }
    }
    if want_volcano {
        let de: Vec<VolcanoPoint> = degsea_io::de_table::read(&de_path)?
            .into_iter()
            .map(|r| VolcanoPoint { gene: r.gene, log_fc: r.log_fc, p_value: r.p_value, fdr: r.fdr })
            .collect();
        images.push(("volcano".to_owned(), volcano(&de, &style, top)?));
    }

    let mut staged = OutputDir::new(&out_dir).with_context(|| format!("creating `{}`", out_dir.display()))?;
    if want_enrichment {
        // The curves of the sets significant now, none of an earlier threshold's.
        staged.replace_folder("enrichment");
    }
    write_images(&mut staged, &images, formats, dpi)?;
    staged.commit().with_context(|| format!("writing plots into `{}`", out_dir.display()))?;
    log::info(&format!("wrote {} plot(s) to {}", images.len(), out_dir.display()));
    Ok(())
}

/// Look options shared by every plot of a job.
pub struct Style {
    /// FDR threshold.
    pub fdr: f64,
    /// Title override.
    pub title: Option<String>,
    /// Width override, inches.
    pub width: Option<f64>,
    /// Height override, inches.
    pub height: Option<f64>,
    /// Group names.
    pub groups: GroupLabels,
}

/// Group labels from a contrast spec: `cluster: 2+3 vs 1` → `cluster 2+3`, `cluster 1`.
pub fn labels_from_contrast(c: &Contrast) -> GroupLabels {
    GroupLabels::new(group_label(&c.column, &c.test_levels), group_label(&c.column, &c.reference_levels))
}

/// A readable group name: levels that repeat the column name (`cluster2`, `cluster3` of column
/// `cluster`) become `clusters 2+3`; numeric levels keep the column name (`cluster 2+3`); other
/// levels are joined as they are (`treated`).
fn group_label(column: &str, levels: &[String]) -> String {
    let suffixes: Option<Vec<&str>> = levels
        .iter()
        .map(|l| {
            let rest = l
                .get(column.len()..)
                .filter(|_| l.len() > column.len() && l[..column.len()].eq_ignore_ascii_case(column));
            rest.map(|r| r.trim_start_matches(['_', '-', '.', ' ']))
        })
        .collect();
    match suffixes {
        Some(s) if !column.is_empty() && s.iter().all(|x| !x.is_empty()) => {
            let plural = if s.len() > 1 { "s" } else { "" };
            format!("{column}{plural} {}", s.join("+"))
        }
        _ if !column.is_empty() && levels.iter().all(|l| l.parse::<f64>().is_ok()) => {
            format!("{column} {}", levels.join("+"))
        }
        _ => levels.join("+"),
    }
}

/// The NES bar plot SVG of a GSEA table.
pub fn nes_bar(
    gsea: &[GseaSummary],
    style: &Style,
    top: Option<usize>,
    collection: &str,
) -> anyhow::Result<String> {
    let entries: Vec<NesBarEntry> =
        gsea.iter().map(|r| NesBarEntry { pathway: r.pathway.clone(), nes: r.nes, padj: r.padj }).collect();
    let collection = match degsea_io::bundled::find(collection) {
        Some(b) if b.name == "hallmark" => "Hallmark".to_owned(),
        Some(b) => b.name.to_owned(),
        None => String::new(),
    };
    let opts = NesBarOptions {
        fdr: style.fdr,
        top,
        width_in: style.width.unwrap_or(degsea_plot::DEFAULT_NES_BAR_WIDTH_IN),
        height_in: style.height,
        title: style.title.clone(),
        groups: style.groups.clone(),
        collection,
        ..NesBarOptions::default()
    };
    Ok(degsea_plot::nes_bar_svg(&entries, &opts)?)
}

/// The volcano plot SVG of a DE table.
pub fn volcano(de: &[VolcanoPoint], style: &Style, top: Option<usize>) -> anyhow::Result<String> {
    let opts = VolcanoOptions {
        fdr: style.fdr,
        top_labels: top.unwrap_or(degsea_plot::DEFAULT_TOP_LABELS),
        width_in: style.width.unwrap_or(degsea_plot::DEFAULT_VOLCANO_WIDTH_IN),
        height_in: style.height.unwrap_or(degsea_plot::DEFAULT_VOLCANO_HEIGHT_IN),
        title: style.title.clone(),
        groups: style.groups.clone(),
        ..VolcanoOptions::default()
    };
    Ok(degsea_plot::volcano_svg(de, &opts)?)
}

/// Enrichment-curve SVGs (`enrichment/<PATHWAY>`) of the significant pathways of a GSEA result,
/// drawn from what the engine used: its sorted scores and each pathway's hit positions.
pub fn enrichment_plots_from_result(
    result: &GseaResult,
    style: &Style,
    top: Option<usize>,
) -> anyhow::Result<Vec<(String, String)>> {
    let rows: Vec<(GseaSummary, Option<Vec<usize>>)> = result
        .rows
        .iter()
        .map(|r| {
            let summary = GseaSummary { pathway: r.pathway.clone(), es: r.es, nes: r.nes, padj: r.padj };
            (summary, Some(r.hits.clone()))
        })
        .collect();
    draw_curves(&result.ranks.scores, rows, "", style, top)
}

/// Enrichment-curve SVGs re-drawn from an output folder (`gsea.tsv` rows, the `ranks.rnk`
/// list, the gene sets): the list is put in the engine's order ([`SortedRanks`]) and each set's
/// hits are its genes' positions there.
pub fn enrichment_plots(
    gsea: &[GseaSummary],
    ranks: &degsea_core::RankedList,
    sets: &GeneSetCollection,
    style: &Style,
    top: Option<usize>,
) -> anyhow::Result<Vec<(String, String)>> {
    let sorted = SortedRanks::new(ranks);
    let position: HashMap<&str, usize> =
        sorted.genes.iter().enumerate().map(|(p, g)| (g.as_str(), p)).collect();
    let rows = gsea
        .iter()
        .map(|row| {
            let hits = sets.sets.iter().find(|s| s.name == row.pathway).map(|set| {
                let mut hits: Vec<usize> =
                    set.genes.iter().filter_map(|g| position.get(g.as_str()).copied()).collect();
                hits.sort_unstable();
                hits.dedup();
                hits
            });
            (row.clone(), hits)
        })
        .collect();
    draw_curves(&sorted.scores, rows, &sets.name, style, top)
}

/// Draws the curves of the pathways with padj below the style's FDR, most significant first, at
/// most `top`; a pathway without hits (`None`: not in the gene sets `collection`) is skipped with
/// a warning.
/// Enrichment-curve SVGs from a ranking's scores (decreasing) and each set's hit positions in
/// it, for the sets below the style's FDR (`top`: at most that many).
///
/// # Errors
/// A curve that cannot be drawn.
pub fn enrichment_plots_from_hits(
    sorted_scores: &[f64],
    rows: Vec<(GseaSummary, Option<Vec<usize>>)>,
    style: &Style,
    top: Option<usize>,
) -> anyhow::Result<Vec<(String, String)>> {
    draw_curves(sorted_scores, rows, "", style, top)
}

fn draw_curves(
    sorted_scores: &[f64],
    rows: Vec<(GseaSummary, Option<Vec<usize>>)>,
    collection: &str,
    style: &Style,
    top: Option<usize>,
) -> anyhow::Result<Vec<(String, String)>> {
    let mut chosen: Vec<(GseaSummary, Option<Vec<usize>>)> = rows
        .into_iter()
        .filter(|(r, _)| r.padj.is_finite() && r.padj < style.fdr && r.nes.is_finite())
        .collect();
    chosen.sort_by(|(a, _), (b, _)| a.padj.total_cmp(&b.padj).then_with(|| a.pathway.cmp(&b.pathway)));
    if let Some(t) = top {
        chosen.truncate(t);
    }
    let opts = EnrichmentOptions {
        width_in: style.width.unwrap_or(degsea_plot::DEFAULT_ENRICHMENT_WIDTH_IN),
        height_in: style.height.unwrap_or(degsea_plot::DEFAULT_ENRICHMENT_HEIGHT_IN),
        title: style.title.clone(),
        groups: style.groups.clone(),
        ..EnrichmentOptions::default()
    };
    let mut plots = Vec::with_capacity(chosen.len());
    for (row, hits) in chosen {
        let Some(hits) = hits else {
            log::warn(&format!(
                "gene set `{}` is not in the gene sets {collection}: no enrichment curve",
                row.pathway
            ));
            continue;
        };
        let input = EnrichmentInput {
            pathway: &row.pathway,
            scores_sorted: sorted_scores,
            hits: &hits,
            es: row.es,
            nes: row.nes,
            padj: row.padj,
        };
        let svg = degsea_plot::enrichment_svg(&input, &opts)
            .with_context(|| format!("drawing the enrichment curve of `{}`", row.pathway))?;
        plots.push((format!("enrichment/{}", file_stem(&row.pathway)), svg));
    }
    Ok(plots)
}

/// A file-name-safe stem for a gene-set name.
fn file_stem(name: &str) -> String {
    let s: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || "+-_.".contains(c) { c } else { '_' }).collect();
    let s = s.trim_start_matches('.').to_owned();
    if s.is_empty() { "unnamed".to_owned() } else { s }
}

/// Writes `(stem, svg)` images in the requested formats; PNGs are rendered in parallel and
/// written in input order, so the output does not depend on the thread count.
pub fn write_images(
    out: &mut OutputDir,
    images: &[(String, String)],
    formats: &[ImageFormat],
    dpi: f32,
) -> anyhow::Result<()> {
    let png = formats.contains(&ImageFormat::Png);
    let rendered: Vec<Option<Vec<u8>>> = images
        .par_iter()
        .map(|(stem, svg)| {
            if png {
                degsea_plot::svg_to_png(svg, dpi).map(Some).with_context(|| format!("rendering {stem}.png"))
            } else {
                Ok(None)
            }
        })
        .collect::<anyhow::Result<_>>()?;
    for ((stem, svg), png_bytes) in images.iter().zip(rendered) {
        if formats.contains(&ImageFormat::Svg) {
            out.write(format!("{stem}.svg"), svg.as_bytes())
                .with_context(|| format!("writing {stem}.svg"))?;
        }
        if let Some(bytes) = png_bytes {
            out.write(format!("{stem}.png"), &bytes).with_context(|| format!("writing {stem}.png"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_labels_drop_the_repeated_column_name() {
        let c: Contrast = "cluster: cluster2+cluster3 vs cluster1".parse().unwrap();
        let g = labels_from_contrast(&c);
        assert_eq!((g.test.as_str(), g.reference.as_str()), ("clusters 2+3", "cluster 1"));
        let c: Contrast = "dex: treated vs control".parse().unwrap();
        let g = labels_from_contrast(&c);
        assert_eq!((g.test.as_str(), g.reference.as_str()), ("treated", "control"));
        let c: Contrast = "cluster: 2+3 vs 1".parse().unwrap();
        let g = labels_from_contrast(&c);
        assert_eq!((g.test.as_str(), g.reference.as_str()), ("cluster 2+3", "cluster 1"));
    }

    #[test]
    fn file_stems_are_safe() {
        assert_eq!(file_stem("HALLMARK_E2F_TARGETS"), "HALLMARK_E2F_TARGETS");
        assert_eq!(file_stem("a/b c"), "a_b_c");
        assert_eq!(file_stem("..x"), "x");
        assert_eq!(file_stem(""), "unnamed");
    }
}
