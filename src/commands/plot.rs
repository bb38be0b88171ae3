//! `degsea plot`: re-draws the report plots (NES bar plot, enrichment curves, volcano) from an
//! existing `degsea run` / `gsea` / `de` output folder, as SVG and PNG.
//!
//! Inputs in `--from DIR`: `gsea.tsv` (fgsea columns), `de.tsv` (edgeR topTags columns),
//! `ranks.rnk` (for enrichment curves). Outputs, written atomically into `--out` (default
//! `DIR/plots`): `nes_bar.svg/.png`, `volcano.svg/.png`, `enrichment/<PATHWAY>.svg/.png`.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use degsea_core::{Contrast, GeneSetCollection};
use degsea_io::output::OutputDir;
use degsea_plot::{
    EnrichmentInput, EnrichmentOptions, GroupLabels, NesBarEntry, NesBarOptions, VolcanoOptions, VolcanoPoint,
};
use rayon::prelude::*;

use crate::log;

/// Which plot(s) to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Kind {
    /// NES bar plot of the gene sets below the FDR threshold (needs gsea.tsv).
    Nes,
    /// Running enrichment score of each significant gene set (needs gsea.tsv and ranks.rnk).
    Enrichment,
    /// Volcano plot of the DE table (needs de.tsv).
    Volcano,
    /// Every plot whose input tables are present.
    All,
}

/// Image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Scalable vector graphics (text stays text).
    Svg,
    /// Raster image at `--dpi`, rendered with the bundled font.
    Png,
}

/// Arguments of `degsea plot`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Plot to draw.
    #[arg(value_enum)]
    kind: Kind,
    /// Output folder of `degsea run`, `gsea` or `de` (reads gsea.tsv, de.tsv, ranks.rnk).
    #[arg(long, value_name = "DIR")]
    from: PathBuf,
    /// Folder for the images (default: DIR/plots); files are replaced atomically.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// FDR threshold: gene sets with padj below it get a bar and a curve; genes with FDR below
    /// it are coloured in the volcano.
    #[arg(long, value_name = "Q", default_value_t = degsea_plot::DEFAULT_FDR)]
    fdr: f64,
    /// nes: at most N gene sets (largest |NES|); enrichment: curves for the N most significant
    /// sets (default: every significant set); volcano: genes to label (default 15).
    #[arg(long, value_name = "N")]
    top: Option<usize>,
    /// Plot title (default: the contrast, e.g. "Cluster 2+3 vs cluster 1").
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,
    /// Width in inches (defaults: nes 6.5, enrichment 6, volcano 5.5).
    #[arg(long, value_name = "IN")]
    width: Option<f64>,
    /// Height in inches (defaults: nes grows with the number of bars, enrichment 4.2,
    /// volcano 5).
    #[arg(long, value_name = "IN")]
    height: Option<f64>,
    /// PNG resolution in dots per inch.
    #[arg(long, value_name = "DPI", default_value_t = degsea_plot::DEFAULT_DPI)]
    dpi: f32,
    /// Image formats, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "svg,png")]
    format: Vec<Format>,
    /// Gene sets for enrichment curves: a bundled collection name (`hallmark`) or a GMT file.
    #[arg(long, value_name = "NAME|GMT", default_value = "hallmark")]
    genesets: String,
    /// Contrast that names the groups in titles and legends, e.g. "cluster: 2+3 vs 1"
    /// (default: the `contrast` recorded in DIR/run.json, else "test vs reference").
    #[arg(long, value_name = "SPEC")]
    contrast: Option<String>,
}

/// Runs `degsea plot`.
pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    check_args(&args)?;
    let Args { kind, from, out, fdr, top, title, width, height, dpi, format, genesets, contrast } = args;
    if !from.is_dir() {
        bail!("--from `{}` is not a folder", from.display());
    }
    let groups = group_labels(contrast.as_deref(), &from)?;
    let gsea_path = from.join("gsea.tsv");
    let de_path = from.join("de.tsv");
    let rnk_path = from.join("ranks.rnk");
    let (want_nes, want_enrichment, want_volcano) = match kind {
        Kind::Nes => (true, false, false),
        Kind::Enrichment => (false, true, false),
        Kind::Volcano => (false, false, true),
        Kind::All => (gsea_path.is_file(), gsea_path.is_file() && rnk_path.is_file(), de_path.is_file()),
    };
    if kind == Kind::All && !(want_nes || want_volcano) {
        bail!("`{}` has neither gsea.tsv nor de.tsv: nothing to plot", from.display());
    }

    let style = Style { fdr, title, width, height, groups };
    let mut images: Vec<(String, String)> = Vec::new();
    if want_nes || want_enrichment {
        let gsea = read_gsea_table(&gsea_path)?;
        if want_nes {
            images.push(("nes_bar".to_owned(), nes_bar(&gsea, &style, top, &genesets)?));
        }
        if want_enrichment {
            let sets = load_gene_sets(&genesets)?;
            let ranks = degsea_io::rnk::read(&rnk_path)?;
            images.extend(enrichment_plots(&gsea, &ranks.list, &sets, &style, top)?);
        }
    }
    if want_volcano {
        let de = read_de_table(&de_path)?;
        images.push(("volcano".to_owned(), volcano(&de, &style, top)?));
    }

    let out_dir = out.unwrap_or_else(|| from.join("plots"));
    let mut staged = OutputDir::new(&out_dir).with_context(|| format!("creating `{}`", out_dir.display()))?;
    write_images(&mut staged, &images, &format, dpi)?;
    staged.commit().with_context(|| format!("writing plots into `{}`", out_dir.display()))?;
    log::info(&format!("wrote {} plot(s) to {}", images.len(), out_dir.display()));
    Ok(())
}

fn check_args(args: &Args) -> anyhow::Result<()> {
    if !(args.fdr.is_finite() && args.fdr > 0.0 && args.fdr <= 1.0) {
        bail!("--fdr {} is outside (0, 1]", args.fdr);
    }
    if args.top == Some(0) {
        bail!("--top 0: expected at least 1");
    }
    if args.format.is_empty() {
        bail!("--format needs at least one of svg, png");
    }
    Ok(())
}

/// Shared look options from the command line.
pub(crate) struct Style {
    /// FDR threshold.
    pub(crate) fdr: f64,
    /// Title override.
    pub(crate) title: Option<String>,
    /// Width override, inches.
    pub(crate) width: Option<f64>,
    /// Height override, inches.
    pub(crate) height: Option<f64>,
    /// Group names.
    pub(crate) groups: GroupLabels,
}

/// Group labels from a contrast spec: `cluster: 2+3 vs 1` → `cluster 2+3`, `cluster 1`.
pub(crate) fn labels_from_contrast(c: &Contrast) -> GroupLabels {
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

/// Group labels from `--contrast`, else from the `contrast` recorded in `DIR/run.json`.
fn group_labels(spec: Option<&str>, from: &Path) -> anyhow::Result<GroupLabels> {
    if let Some(s) = spec {
        let c: Contrast = s.parse().with_context(|| format!("--contrast `{s}`"))?;
        return Ok(labels_from_contrast(&c));
    }
    let manifest = from.join("run.json");
    let recorded = fs::read_to_string(&manifest)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|v| find_contrast(&v));
    match recorded.and_then(|s| s.parse::<Contrast>().ok()) {
        Some(c) => Ok(labels_from_contrast(&c)),
        None => Ok(GroupLabels::default()),
    }
}

/// The first string value under a `contrast` key, searched depth-first.
fn find_contrast(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(s)) = map.get("contrast") {
                return Some(s.clone());
            }
            map.values().find_map(find_contrast)
        }
        serde_json::Value::Array(items) => items.iter().find_map(find_contrast),
        _ => None,
    }
}

/// Reads an R-style number (`NA`, `NaN`, `Inf`, `-Inf` allowed).
fn parse_number(text: &str) -> Option<f64> {
    match text.trim() {
        "NA" | "NaN" | "" => Some(f64::NAN),
        "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        t => t.parse().ok(),
    }
}

/// A tab-separated table with a header, read whole: the named columns of every row.
fn read_columns(path: &Path, wanted: &[&str]) -> anyhow::Result<Vec<(usize, Vec<String>)>> {
    let text = fs::read_to_string(path).with_context(|| format!("reading `{}`", path.display()))?;
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
    let Some((_, header)) = lines.next() else { bail!("{}: the file is empty", path.display()) };
    let names: Vec<&str> = header.split('\t').map(str::trim).collect();
    let mut index = Vec::with_capacity(wanted.len());
    for w in wanted {
        match names.iter().position(|n| n == w) {
            Some(i) => index.push(i),
            None => bail!("{}:1: missing column `{w}` (header has: {})", path.display(), names.join(", ")),
        }
    }
    let mut rows = Vec::new();
    for (i, line) in lines {
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() < names.len().min(index.iter().max().map_or(0, |m| m + 1)) {
            bail!("{}:{}: expected {} columns, found {}", path.display(), i + 1, names.len(), fields.len());
        }
        rows.push((i + 1, index.iter().map(|&k| fields[k].to_owned()).collect()));
    }
    Ok(rows)
}

fn number(path: &Path, line: usize, column: &str, text: &str) -> anyhow::Result<f64> {
    parse_number(text)
        .with_context(|| format!("{}:{line}: {column} `{text}` is not a number", path.display()))
}

/// One row of gsea.tsv.
pub(crate) struct GseaRow {
    /// Gene-set name.
    pub(crate) pathway: String,
    /// Enrichment score.
    pub(crate) es: f64,
    /// Normalised enrichment score.
    pub(crate) nes: f64,
    /// Adjusted p-value.
    pub(crate) padj: f64,
}

/// Reads `pathway`, `ES`, `NES`, `padj` from a gsea.tsv.
pub(crate) fn read_gsea_table(path: &Path) -> anyhow::Result<Vec<GseaRow>> {
    let rows = read_columns(path, &["pathway", "ES", "NES", "padj"])?;
    rows.into_iter()
        .map(|(line, f)| {
            Ok(GseaRow {
                es: number(path, line, "ES", &f[1])?,
                nes: number(path, line, "NES", &f[2])?,
                padj: number(path, line, "padj", &f[3])?,
                pathway: f[0].clone(),
            })
        })
        .collect()
}

/// Optional de.tsv columns with a readable gene name, preferred for volcano labels.
const SYMBOL_COLUMNS: [&str; 3] = ["symbol", "gene_name", "SYMBOL"];

/// Reads `gene`, `logFC`, `PValue`, `FDR` from a de.tsv; the gene is named by its `symbol`
/// (or `gene_name`) column when the table has one and the field is not empty.
pub(crate) fn read_de_table(path: &Path) -> anyhow::Result<Vec<VolcanoPoint>> {
    let header = fs::read_to_string(path)
        .with_context(|| format!("reading `{}`", path.display()))?
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    let symbol = SYMBOL_COLUMNS.into_iter().find(|c| header.split('\t').any(|h| h.trim() == *c));
    let mut wanted = vec!["gene", "logFC", "PValue", "FDR"];
    wanted.extend(symbol);
    let rows = read_columns(path, &wanted)?;
    rows.into_iter()
        .map(|(line, f)| {
            let name = f.get(4).filter(|s| !s.is_empty() && s.as_str() != "NA").unwrap_or(&f[0]);
            Ok(VolcanoPoint {
                log_fc: number(path, line, "logFC", &f[1])?,
                p_value: number(path, line, "PValue", &f[2])?,
                fdr: number(path, line, "FDR", &f[3])?,
                gene: name.clone(),
            })
        })
        .collect()
}

/// The NES bar plot SVG of a GSEA table.
pub(crate) fn nes_bar(
    gsea: &[GseaRow],
    style: &Style,
    top: Option<usize>,
    collection: &str,
) -> anyhow::Result<String> {
    let entries: Vec<NesBarEntry> =
        gsea.iter().map(|r| NesBarEntry { pathway: r.pathway.clone(), nes: r.nes, padj: r.padj }).collect();
    let collection = match degsea_gsea::bundled::find(collection) {
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
pub(crate) fn volcano(de: &[VolcanoPoint], style: &Style, top: Option<usize>) -> anyhow::Result<String> {
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

/// Loads a bundled collection by name, or a GMT file.
pub(crate) fn load_gene_sets(spec: &str) -> anyhow::Result<GeneSetCollection> {
    if let Some(b) = degsea_gsea::bundled::find(spec) {
        return Ok(degsea_io::gmt::parse(b.gmt.as_bytes(), b.file, b.name, b.version)?);
    }
    let path = Path::new(spec);
    if !path.is_file() {
        bail!("--genesets `{spec}` is neither a bundled collection (hallmark) nor a GMT file");
    }
    Ok(degsea_io::gmt::read(path, spec, "")?)
}

/// Enrichment-curve SVGs (`enrichment/<PATHWAY>`) of the significant gene sets, most
/// significant first, at most `top`.
pub(crate) fn enrichment_plots(
    gsea: &[GseaRow],
    ranks: &degsea_core::RankedList,
    sets: &GeneSetCollection,
    style: &Style,
    top: Option<usize>,
) -> anyhow::Result<Vec<(String, String)>> {
    // GSEA order: score descending, ties by gene name.
    let mut order: Vec<usize> = (0..ranks.len()).collect();
    let (genes, scores) = (ranks.genes(), ranks.scores());
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then_with(|| genes[a].cmp(&genes[b])));
    let sorted_scores: Vec<f64> = order.iter().map(|&i| scores[i]).collect();
    let mut position = std::collections::HashMap::with_capacity(order.len());
    for (pos, &i) in order.iter().enumerate() {
        position.insert(genes[i].as_str(), pos);
    }
    let mut chosen: Vec<&GseaRow> =
        gsea.iter().filter(|r| r.padj.is_finite() && r.padj < style.fdr && r.nes.is_finite()).collect();
    chosen.sort_by(|a, b| a.padj.total_cmp(&b.padj).then_with(|| a.pathway.cmp(&b.pathway)));
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
    for row in chosen {
        let Some(set) = sets.sets.iter().find(|s| s.name == row.pathway) else {
            log::warn(&format!(
                "gene set `{}` is not in --genesets {}: no enrichment curve",
                row.pathway, sets.name
            ));
            continue;
        };
        let mut hits: Vec<usize> =
            set.genes.iter().filter_map(|g| position.get(g.as_str()).copied()).collect();
        hits.sort_unstable();
        hits.dedup();
        let input = EnrichmentInput {
            pathway: &row.pathway,
            scores_sorted: &sorted_scores,
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
pub(crate) fn write_images(
    out: &mut OutputDir,
    images: &[(String, String)],
    formats: &[Format],
    dpi: f32,
) -> anyhow::Result<()> {
    let png = formats.contains(&Format::Png);
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
        if formats.contains(&Format::Svg) {
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

    #[test]
    fn numbers_in_r_spelling() {
        assert!(parse_number("NA").is_some_and(f64::is_nan));
        assert_eq!(parse_number("-Inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_number("1e-3"), Some(1e-3));
        assert_eq!(parse_number("x"), None);
    }
}
