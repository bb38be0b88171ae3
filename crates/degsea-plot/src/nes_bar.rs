//! NES bar plot: one horizontal bar per significant gene set, sorted by NES, coloured by
//! direction, as in Figure 5 of Visram et al. (2021).
//!
//! # References
//! Visram A, et al. Relapsed multiple myeloma demonstrates distinct patterns of immune
//! microenvironment and malignant cell-mediated immunosuppression. Blood Cancer Journal
//! 11, 45 (2021), Figure 5.

use crate::common::{
    DOWN_COLOUR, GroupLabels, Key, PAD, UP_COLOUR, check_fdr, check_inches, header_height, legend,
    legend_height, title_block,
};
use crate::error::{Error, Result};
use crate::label::pathway_label;
use crate::scale::{Linear, fmt_p, tick_label, ticks};
use crate::svg::{AXIS, Anchor, Font, GRID, INK, INK_SOFT, PT_PER_INCH, Svg, escape, fit_text};

/// Default FDR threshold for a gene set to be drawn (`padj < 0.05`, the Visram et al. cut-off).
pub const DEFAULT_FDR: f64 = 0.05;
/// Default plot width in inches.
pub const DEFAULT_NES_BAR_WIDTH_IN: f64 = 6.5;

/// Height of one bar row, in points, when the height is automatic.
const ROW: f64 = 15.0;
/// Bar thickness as a fraction of the row height.
const BAR_FRACTION: f64 = 0.7;
/// Pathway label font.
const LABEL_FONT: Font = Font::regular(9.5, INK);
/// Tick label font.
const TICK_FONT: Font = Font::regular(8.5, INK_SOFT);
/// Axis title font.
const AXIS_TITLE_FONT: Font = Font::regular(9.5, INK);

/// One gene set of a GSEA result.
#[derive(Debug, Clone, PartialEq)]
pub struct NesBarEntry {
    /// Gene-set name as in the GMT (e.g. `HALLMARK_E2F_TARGETS`).
    pub pathway: String,
    /// Normalised enrichment score.
    pub nes: f64,
    /// BH-adjusted p-value (fgsea `padj`).
    pub padj: f64,
}

/// Options of [`nes_bar_svg`].
#[derive(Debug, Clone, PartialEq)]
pub struct NesBarOptions {
    /// Gene sets with `padj < fdr` are drawn. Default [`DEFAULT_FDR`].
    pub fdr: f64,
    /// At most this many gene sets (the largest |NES| among the significant ones); `None`: all.
    pub top: Option<usize>,
    /// Width in inches. Default [`DEFAULT_NES_BAR_WIDTH_IN`].
    pub width_in: f64,
    /// Height in inches; `None` grows with the number of bars.
    pub height_in: Option<f64>,
    /// Title; `None` names the contrast (`TEST vs REFERENCE`).
    pub title: Option<String>,
    /// Subtitle; `None` says how many gene sets pass the FDR threshold.
    pub subtitle: Option<String>,
    /// Group names for the title and the legend.
    pub groups: GroupLabels,
    /// Name of the gene-set collection in the default subtitle (e.g. `Hallmark`); empty: none.
    pub collection: String,
}

impl Default for NesBarOptions {
    fn default() -> Self {
        Self {
            fdr: DEFAULT_FDR,
            top: None,
            width_in: DEFAULT_NES_BAR_WIDTH_IN,
            height_in: None,
            title: None,
            subtitle: None,
            groups: GroupLabels::default(),
            collection: String::new(),
        }
    }
}

/// Gene sets to draw: finite NES, `padj < fdr`, sorted by NES (largest first, ties by name),
/// limited to the `top` largest |NES|.
///
/// ```
/// use degsea_plot::{NesBarEntry, significant_entries};
/// let e = |p: &str, nes, padj| NesBarEntry { pathway: p.into(), nes, padj };
/// let all = [e("A", -1.5, 0.01), e("B", 2.0, 0.001), e("C", 1.0, 0.2)];
/// let kept = significant_entries(&all, 0.05, None);
/// assert_eq!(kept.iter().map(|e| e.pathway.as_str()).collect::<Vec<_>>(), ["B", "A"]);
/// ```
pub fn significant_entries(entries: &[NesBarEntry], fdr: f64, top: Option<usize>) -> Vec<NesBarEntry> {
    let mut kept: Vec<NesBarEntry> =
        entries.iter().filter(|e| e.nes.is_finite() && e.padj.is_finite() && e.padj < fdr).cloned().collect();
    if let Some(top) = top.filter(|&t| t < kept.len()) {
        kept.sort_by(|a, b| b.nes.abs().total_cmp(&a.nes.abs()).then_with(|| a.pathway.cmp(&b.pathway)));
        kept.truncate(top);
    }
    kept.sort_by(|a, b| b.nes.total_cmp(&a.nes).then_with(|| a.pathway.cmp(&b.pathway)));
    kept
}

/// Draws the NES bar plot of a GSEA result as an SVG document (sizes in points).
///
/// Gene sets with `padj < fdr` get one horizontal bar each, sorted by NES with the largest
/// positive NES at the top, coloured by direction (enriched in the test group: positive NES).
/// With no significant gene set the plot says so in an empty panel.
///
/// ```
/// use degsea_plot::{GroupLabels, NesBarEntry, NesBarOptions, nes_bar_svg};
/// let entries = vec![
///     NesBarEntry { pathway: "HALLMARK_E2F_TARGETS".into(), nes: 2.4, padj: 1e-6 },
///     NesBarEntry { pathway: "HALLMARK_INTERFERON_GAMMA_RESPONSE".into(), nes: -2.1, padj: 1e-4 },
/// ];
/// let opts = NesBarOptions { groups: GroupLabels::new("clusters 2+3", "cluster 1"), ..Default::default() };
/// let svg = nes_bar_svg(&entries, &opts)?;
/// assert!(svg.contains("E2F targets") && svg.contains("Clusters 2+3 vs cluster 1"));
/// # Ok::<(), degsea_plot::Error>(())
/// ```
pub fn nes_bar_svg(entries: &[NesBarEntry], opts: &NesBarOptions) -> Result<String> {
    let fdr = check_fdr(opts.fdr)?;
    let width = check_inches("width", opts.width_in)? * PT_PER_INCH;
    let height_in = opts.height_in.map(|h| check_inches("height", h)).transpose()?;
    if opts.top == Some(0) {
        return Err(Error::InvalidOption { name: "top", value: "0".into(), reason: "expected at least 1" });
    }
    let kept = significant_entries(entries, fdr, opts.top);
    let n_sig = entries.iter().filter(|e| e.nes.is_finite() && e.padj < fdr).count();
    let title = opts.title.clone().unwrap_or_else(|| opts.groups.contrast_title());
    let subtitle = opts
        .subtitle
        .clone()
        .unwrap_or_else(|| default_subtitle(entries.len(), n_sig, kept.len(), fdr, &opts.collection));

    if kept.is_empty() {
        return Ok(empty_panel(entries, fdr, width, height_in, &title, &subtitle));
    }

    // Horizontal layout: label column, then the bar area.
    let labels: Vec<String> = kept.iter().map(|e| pathway_label(&e.pathway)).collect();
    let max_label_w = (width * 0.45).max(60.0);
    let labels: Vec<String> = labels.iter().map(|l| fit_text(l, &LABEL_FONT, max_label_w)).collect();
    let label_w = labels.iter().map(|l| LABEL_FONT.width(l)).fold(0.0, f64::max);
    let plot_x0 = PAD + label_w + 10.0;
    let plot_x1 = width - PAD - 8.0;
    if plot_x1 - plot_x0 < 60.0 {
        return Err(Error::InvalidOption {
            name: "width",
            value: format!("{}", opts.width_in),
            reason: "too narrow for the pathway labels",
        });
    }

    // Vertical layout.
    let header_probe = header_height(!subtitle.is_empty());
    let axis_block = 42.0; // ticks, tick labels, axis title
    let items = legend_items(&opts.groups);
    let items: Vec<(&str, &str)> = items.iter().map(|(c, t)| (*c, t.as_str())).collect();
    let legend_block = legend_height(&items, plot_x0, plot_x1) + 2.0;
    let n = kept.len() as f64;
    let row = match height_in {
        None => ROW,
        Some(h) => ((h * PT_PER_INCH - header_probe - axis_block - legend_block - PAD) / (n + 0.6)).max(4.0),
    };
    let plot_h = row * (n + 0.6);
    let height =
        height_in.map_or(header_probe + plot_h + axis_block + legend_block + PAD, |h| h * PT_PER_INCH);

    let mut svg = Svg::new(width, height, &title);
    let plot_y0 = title_block(&mut svg, width, &title, Some(&subtitle));
    let plot_y1 = plot_y0 + plot_h;

    // NES axis: nice ticks covering every bar and zero.
    let lo = kept.iter().map(|e| e.nes).fold(0.0, f64::min);
    let hi = kept.iter().map(|e| e.nes).fold(0.0, f64::max);
    let t = ticks(lo, hi, 6, true);
    let d0 = t.values.first().copied().unwrap_or(lo);
    let d1 = t.values.last().copied().unwrap_or(hi);
    let x = Linear::new((d0, d1), (plot_x0, plot_x1));

    svg.open_group("grid", "");
    for &v in &t.values {
        if v != 0.0 {
            svg.line(x.map(v), plot_y0, x.map(v), plot_y1, GRID, 0.6, None);
        }
    }
    svg.close_group();

    svg.open_group("bars", "");
    let bar_h = row * BAR_FRACTION;
    for (i, (e, label)) in kept.iter().zip(&labels).enumerate() {
        let cy = plot_y0 + row * (0.3 + i as f64 + 0.5);
        let (xa, xb) = (x.map(0.0), x.map(e.nes));
        let colour = if e.nes >= 0.0 { UP_COLOUR } else { DOWN_COLOUR };
        let data = format!(
            "data-pathway=\"{}\" data-nes=\"{}\" data-padj=\"{}\"",
            escape(&e.pathway),
            format_args!("{:.4}", e.nes),
            fmt_p(e.padj)
        );
        svg.raw(&format!(
            "<g class=\"bar\" {data}>\n<title>{}: NES {:.2}, FDR {}</title>\n",
            escape(&e.pathway),
            e.nes,
            fmt_p(e.padj)
        ));
        svg.rect(xa.min(xb), cy - bar_h / 2.0, (xb - xa).abs().max(0.5), bar_h, colour, None, "");
        let label_font = Font { size: LABEL_FONT.size.min(row * 0.75), ..LABEL_FONT };
        svg.text_with(
            plot_x0 - 8.0,
            cy + label_font.center_to_baseline(),
            label,
            &label_font,
            Anchor::End,
            "class=\"pathway\"",
        );
        svg.close_group();
    }
    svg.close_group();

    // Zero line and axis.
    svg.line(x.map(0.0), plot_y0, x.map(0.0), plot_y1, AXIS, 0.9, None);
    svg.open_group("axis", "");
    svg.line(plot_x0, plot_y1, plot_x1, plot_y1, AXIS, 0.8, None);
    for &v in &t.values {
        svg.line(x.map(v), plot_y1, x.map(v), plot_y1 + 3.5, AXIS, 0.8, None);
        svg.text(x.map(v), plot_y1 + 13.5, &tick_label(v, t.decimals), &TICK_FONT, Anchor::Middle);
    }
    svg.text(
        f64::midpoint(plot_x0, plot_x1),
        plot_y1 + 29.0,
        "Normalized enrichment score (NES)",
        &AXIS_TITLE_FONT,
        Anchor::Middle,
    );
    svg.close_group();

    legend(&mut svg, plot_x0, plot_x1, plot_y1 + axis_block + 7.0, &items, Key::Square);
    Ok(svg.finish())
}

fn legend_items(groups: &GroupLabels) -> [(&'static str, String); 2] {
    [
        (UP_COLOUR, format!("Enriched in {}", groups.test)),
        (DOWN_COLOUR, format!("Enriched in {}", groups.reference)),
    ]
}

fn default_subtitle(n_tested: usize, n_sig: usize, n_drawn: usize, fdr: f64, collection: &str) -> String {
    let sets = if collection.is_empty() { "gene sets".to_owned() } else { format!("{collection} gene sets") };
    let shown = if n_drawn < n_sig { format!(" (top {n_drawn} by |NES| shown)") } else { String::new() };
    format!("{n_sig} of {n_tested} {sets} at FDR < {}{shown}", fmt_threshold(fdr))
}

/// A threshold such as 0.05 printed without trailing zeros.
pub(crate) fn fmt_threshold(v: f64) -> String {
    let s = format!("{v:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The panel drawn when no gene set passes the threshold.
fn empty_panel(
    entries: &[NesBarEntry],
    fdr: f64,
    width: f64,
    height_in: Option<f64>,
    title: &str,
    subtitle: &str,
) -> String {
    let header = header_height(!subtitle.is_empty());
    let height = height_in.map_or(header + 110.0 + PAD, |h| h * PT_PER_INCH);
    let mut svg = Svg::new(width, height, title);
    let y0 = title_block(&mut svg, width, title, Some(subtitle));
    let y1 = (height - PAD).max(y0 + 20.0);
    svg.rect(PAD, y0, width - 2.0 * PAD, y1 - y0, "#F7F7F7", Some(("#D0D0D0", 0.8)), "class=\"empty\"");
    let cy = f64::midpoint(y0, y1);
    let big = Font::bold(11.0, INK);
    let msg = format!("No gene set at FDR < {}", fmt_threshold(fdr));
    svg.text(width / 2.0, cy - 2.0, &msg, &big, Anchor::Middle);
    let best = entries
        .iter()
        .filter(|e| e.padj.is_finite())
        .min_by(|a, b| a.padj.total_cmp(&b.padj).then_with(|| a.pathway.cmp(&b.pathway)));
    let detail = match best {
        Some(b) => format!(
            "{} tested; smallest FDR {} ({})",
            entries.len(),
            fmt_p(b.padj),
            pathway_label(&b.pathway)
        ),
        None => "no gene set was tested".to_owned(),
    };
    let small = Font::regular(9.0, INK_SOFT);
    svg.text(width / 2.0, cy + 14.0, &fit_text(&detail, &small, width - 4.0 * PAD), &small, Anchor::Middle);
    svg.finish()
}
