//! Report plots for degsea: SVG written directly, PNG rendered from that SVG with resvg.
//!
//! Each plot is a pure function from in-memory data to an SVG string (no file I/O):
//! - [`nes_bar_svg`]: NES bar plot of the significant gene sets (Figure 5 of Visram et al. 2021);
//! - [`enrichment_svg`]: running enrichment score of one gene set along the ranked list
//!   (fgsea `plotEnrichment`);
//! - [`volcano_svg`]: logFC against −log10 p-value of a DE table;
//! - QC plots: [`library_sizes_svg`], [`mds_svg`] (edgeR `plotMDS`), [`bcv_svg`] (`plotBCV`),
//!   [`md_svg`] (`plotMD`), [`pvalue_histogram_svg`], and [`heatmap_svg`] of leading-edge genes.
//!
//! [`svg_to_png`] rasterises any of them at a chosen dpi. Text is set in the bundled Liberation
//! Sans (SIL OFL 1.1) and no system font is ever consulted, so SVG and PNG bytes are identical
//! on every machine. SVG sizes are in points (1/72 inch); numbers are rounded to 0.1 pt.
//!
//! ```
//! use degsea_plot::{GroupLabels, NesBarEntry, NesBarOptions, nes_bar_svg, svg_to_png};
//! let entries = vec![
//!     NesBarEntry { pathway: "HALLMARK_E2F_TARGETS".into(), nes: 2.4, padj: 1e-6 },
//!     NesBarEntry { pathway: "HALLMARK_TGF_BETA_SIGNALING".into(), nes: -1.8, padj: 0.01 },
//! ];
//! let opts = NesBarOptions { groups: GroupLabels::new("clusters 2+3", "cluster 1"), ..Default::default() };
//! let svg = nes_bar_svg(&entries, &opts)?;
//! let png = svg_to_png(&svg, 72.0)?;
//! assert!(svg.contains("TGF-β signaling") && png.starts_with(b"\x89PNG"));
//! # Ok::<(), degsea_plot::Error>(())
//! ```

mod common;
mod enrichment;
mod error;
mod font;
mod label;
mod nes_bar;
mod qc;
mod raster;
mod scale;
mod svg;
mod volcano;

pub use common::{DOWN_COLOUR, GroupLabels, UP_COLOUR};
pub use enrichment::{
    DEFAULT_ENRICHMENT_HEIGHT_IN, DEFAULT_ENRICHMENT_WIDTH_IN, EnrichmentInput, EnrichmentOptions,
    GSEA_PARAM, enrichment_svg, running_es,
};
pub use error::{Error, Result};
pub use font::{BOLD_TTF, FAMILY, REGULAR_TTF};
pub use label::pathway_label;
pub use nes_bar::{
    DEFAULT_FDR, DEFAULT_NES_BAR_WIDTH_IN, NesBarEntry, NesBarOptions, nes_bar_svg, significant_entries,
};
pub use qc::{
    BcvInput, EXTRA_GROUP_COLOURS, HEATMAP_Z_LIMIT, HeatmapInput, MdPoint, MdsInput, PVALUE_BINS,
    QC_HEIGHT_IN, QC_WIDTH_IN, QcSample, bcv_svg, group_colour, heatmap_svg, library_sizes_svg, md_svg,
    mds_svg, pvalue_histogram_svg, z_score_rows,
};
pub use raster::{DEFAULT_DPI, png_size, svg_to_png};
pub use volcano::{
    DEFAULT_TOP_LABELS, DEFAULT_VOLCANO_HEIGHT_IN, DEFAULT_VOLCANO_WIDTH_IN, VolcanoOptions, VolcanoPoint,
    volcano_svg,
};
