//! `degsea plot`: re-draws the report plots (NES bar plot, enrichment curves, volcano) from an
//! existing `degsea run` / `gsea` / `de` output folder, as SVG and PNG (job:
//! [`degsea_pipeline::plots`]).

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use degsea_core::Contrast;
use degsea_pipeline::plots::{ImageFormat, PlotConfig, PlotKind};

use super::args::check_fdr;

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
    /// Gene sets for enrichment curves: a GMT file or a bundled collection name (`hallmark`);
    /// a value naming an existing file is read as that file.
    #[arg(long, value_name = "GMT|NAME", default_value = "hallmark")]
    genesets: String,
    /// Contrast that names the groups in titles and legends, e.g. "cluster: 2+3 vs 1"
    /// (default: the `contrast` recorded in DIR/run.json, else "test vs reference").
    #[arg(long, value_name = "SPEC")]
    contrast: Option<String>,
}

/// Runs `degsea plot`.
pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    check_fdr(args.fdr)?;
    if args.top == Some(0) {
        bail!("--top 0: expected at least 1");
    }
    if args.format.is_empty() {
        bail!("--format needs at least one of svg, png");
    }
    if !args.from.is_dir() {
        bail!("--from `{}` is not a folder", args.from.display());
    }
    let contrast = match &args.contrast {
        Some(s) => Some(s.parse::<Contrast>().with_context(|| format!("--contrast `{s}`"))?),
        None => None,
    };
    let config = PlotConfig {
        kind: match args.kind {
            Kind::Nes => PlotKind::Nes,
            Kind::Enrichment => PlotKind::Enrichment,
            Kind::Volcano => PlotKind::Volcano,
            Kind::All => PlotKind::All,
        },
        from: args.from,
        out: args.out,
        fdr: args.fdr,
        top: args.top,
        title: args.title,
        width: args.width,
        height: args.height,
        dpi: args.dpi,
        formats: args
            .format
            .iter()
            .map(|f| match f {
                Format::Svg => ImageFormat::Svg,
                Format::Png => ImageFormat::Png,
            })
            .collect(),
        genesets: args.genesets,
        contrast,
    };
    degsea_pipeline::plots::run(&config)
}
