//! Enrichment curve of one gene set (fgsea `plotEnrichment`): running enrichment score along
//! the ranked list, hit ticks, and the ranking metric underneath.
//!
//! # References
//! Subramanian A, et al. Gene set enrichment analysis. PNAS 102, 15545 (2005).
//! Korotkevich G, et al. Fast gene set enrichment analysis. bioRxiv 060012 (2021); fgsea
//! 1.31.6 `plotEnrichment` and `calcGseaStat(returnAllExtremes = TRUE)`.

use std::fmt::Write as _;

use crate::common::{GroupLabels, PAD, check_inches, header_height, title_block};
use crate::error::{Error, Result};
use crate::label::pathway_label;
use crate::scale::{Linear, Ticks, fmt_p, tick_label, ticks};
use crate::svg::{AXIS, Anchor, Font, GRID, INK, INK_SOFT, PT_PER_INCH, Svg, num, polyline_d};

/// fgsea `gseaParam` default: hit weights are `|score|^1`.
pub const GSEA_PARAM: f64 = 1.0;
/// Default width in inches.
pub const DEFAULT_ENRICHMENT_WIDTH_IN: f64 = 6.0;
/// Default height in inches.
pub const DEFAULT_ENRICHMENT_HEIGHT_IN: f64 = 4.2;

/// Running-ES line colour (fgsea draws it green).
const CURVE_COLOUR: &str = "#1A9850";
/// Colour of the dashed lines at the extreme ES values (red, as in fgsea).
const EXTREME_COLOUR: &str = "#D7301F";
/// Fill of the ranking-metric area.
const METRIC_COLOUR: &str = "#A6A6A6";
const TICK_FONT: Font = Font::regular(8.5, INK_SOFT);
const AXIS_TITLE_FONT: Font = Font::regular(9.5, INK);

/// One gene set and the ranked list it was tested against.
#[derive(Debug, Clone, Copy)]
pub struct EnrichmentInput<'a> {
    /// Gene-set name (e.g. `HALLMARK_E2F_TARGETS`).
    pub pathway: &'a str,
    /// Ranking metric of every gene in GSEA order (descending score, ties by gene name).
    pub scores_sorted: &'a [f64],
    /// 0-based positions of the gene set's genes in `scores_sorted` (any order, no duplicates).
    pub hits: &'a [usize],
    /// Enrichment score from the GSEA table.
    pub es: f64,
    /// Normalised enrichment score from the GSEA table.
    pub nes: f64,
    /// BH-adjusted p-value from the GSEA table.
    pub padj: f64,
}

/// Options of [`enrichment_svg`].
#[derive(Debug, Clone, PartialEq)]
pub struct EnrichmentOptions {
    /// Width in inches. Default [`DEFAULT_ENRICHMENT_WIDTH_IN`].
    pub width_in: f64,
    /// Height in inches. Default [`DEFAULT_ENRICHMENT_HEIGHT_IN`].
    pub height_in: f64,
    /// Title; `None` uses the readable pathway label.
    pub title: Option<String>,
    /// Group names: the ends of the ranked list are labelled with them.
    pub groups: GroupLabels,
    /// Exponent of the hit weights (fgsea `gseaParam`). Default [`GSEA_PARAM`].
    pub gsea_param: f64,
}

impl Default for EnrichmentOptions {
    fn default() -> Self {
        Self {
            width_in: DEFAULT_ENRICHMENT_WIDTH_IN,
            height_in: DEFAULT_ENRICHMENT_HEIGHT_IN,
            title: None,
            groups: GroupLabels::default(),
            gsea_param: GSEA_PARAM,
        }
    }
}

/// Vertices of the running enrichment score: `(rank, score)` points starting at `(0, 0)`, two
/// per hit (just before and just after it; the score falls linearly between hits) and ending
/// at `(n, 0)`. Hits are weighted by `|score|^gsea_param`; misses each subtract `1 / (n - k)`.
///
/// # Errors
/// A hit position outside the list, a duplicated position or a non-finite score.
///
/// # References
/// fgsea 1.31.6 `plotEnrichment` (x = `rbind(pathway - 1, pathway)`, y = `rbind(bottoms, tops)`)
/// and `calcGseaStat(returnAllExtremes = TRUE)`.
///
/// ```
/// // 4 genes, the set holds the first and the third: weights 3/(3+1), miss step 1/2.
/// let pts = degsea_plot::running_es(&[3.0, 2.0, 1.0, -1.0], &[0, 2], 1.0)?;
/// assert_eq!(pts, vec![(0.0, 0.0), (0.0, 0.0), (1.0, 0.75), (2.0, 0.25), (3.0, 0.5), (4.0, 0.0)]);
/// # Ok::<(), degsea_plot::Error>(())
/// ```
#[doc(alias = "plotEnrichment")]
pub fn running_es(scores_sorted: &[f64], hits: &[usize], gsea_param: f64) -> Result<Vec<(f64, f64)>> {
    let n = scores_sorted.len();
    if let Some((i, s)) = scores_sorted.iter().enumerate().find(|(_, s)| !s.is_finite()) {
        return Err(Error::InvalidData(format!("ranking metric at position {} is not finite ({s})", i + 1)));
    }
    let mut hits = hits.to_vec();
    hits.sort_unstable();
    if let Some(&bad) = hits.iter().find(|&&h| h >= n) {
        return Err(Error::InvalidData(format!(
            "hit position {bad} is outside the ranked list of {n} genes"
        )));
    }
    if let Some(&[dup, _]) = hits.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::InvalidData(format!("hit position {dup} is listed twice")));
    }
    let k = hits.len();
    let weights: Vec<f64> = hits.iter().map(|&h| scores_sorted[h].abs().powf(gsea_param)).collect();
    let nr: f64 = weights.iter().sum();
    let miss = if n > k { 1.0 / (n - k) as f64 } else { 0.0 };
    let mut pts = Vec::with_capacity(2 * k + 2);
    pts.push((0.0, 0.0));
    let mut cum = 0.0;
    for (j, (&h, &w)) in hits.iter().zip(&weights).enumerate() {
        let misses = (h - j) as f64 * miss;
        let bottom = cum - misses;
        cum += if nr > 0.0 { w / nr } else { 1.0 / k as f64 };
        pts.push((h as f64, bottom));
        pts.push(((h + 1) as f64, cum - misses));
    }
    pts.push((n as f64, 0.0));
    Ok(pts)
}

/// Draws the enrichment plot of one gene set as an SVG document (sizes in points).
///
/// ```
/// use degsea_plot::{EnrichmentInput, EnrichmentOptions, enrichment_svg};
/// let scores: Vec<f64> = (0..100).map(|i| 2.0 - 0.04 * f64::from(i)).collect();
/// let input = EnrichmentInput {
///     pathway: "HALLMARK_E2F_TARGETS", scores_sorted: &scores, hits: &[1, 3, 5, 40],
///     es: 0.8, nes: 1.9, padj: 0.003,
/// };
/// let svg = enrichment_svg(&input, &EnrichmentOptions::default())?;
/// assert!(svg.contains("E2F targets"));
/// # Ok::<(), degsea_plot::Error>(())
/// ```
pub fn enrichment_svg(input: &EnrichmentInput<'_>, opts: &EnrichmentOptions) -> Result<String> {
    let width = check_inches("width", opts.width_in)? * PT_PER_INCH;
    let height = check_inches("height", opts.height_in)? * PT_PER_INCH;
    if !(opts.gsea_param.is_finite() && opts.gsea_param >= 0.0) {
        return Err(Error::InvalidOption {
            name: "gsea_param",
            value: opts.gsea_param.to_string(),
            reason: "expected a finite value >= 0",
        });
    }
    let n = input.scores_sorted.len();
    if n == 0 {
        return Err(Error::InvalidData(format!("the ranked list for {} is empty", input.pathway)));
    }
    let pts = running_es(input.scores_sorted, input.hits, opts.gsea_param)?;
    let title = opts.title.clone().unwrap_or_else(|| pathway_label(input.pathway));
    let subtitle = format!(
        "NES {} \u{00B7} FDR {} \u{00B7} ES {} \u{00B7} {} of {} genes",
        signed(input.nes, 2),
        fmt_p(input.padj),
        signed(input.es, 3),
        input.hits.len(),
        group_thousands(n)
    );

    // Vertical layout.
    let plot_y0 = header_height(true);
    let bottom = height - PAD - 32.0; // x tick labels and axis title below
    let avail = bottom - plot_y0;
    if avail < 80.0 {
        return Err(Error::InvalidOption {
            name: "height",
            value: opts.height_in.to_string(),
            reason: "too short for the enrichment plot",
        });
    }
    let es_h = avail * 0.60;
    let strip_h = (avail * 0.09).max(10.0);
    let gap = 4.0;
    let es_y1 = plot_y0 + es_h;
    let strip_y0 = es_y1 + gap;
    let strip_y1 = strip_y0 + strip_h;
    let metric_y0 = strip_y1 + gap;
    let metric_y1 = bottom;

    // ES axis.
    let lo = pts.iter().map(|p| p.1).fold(0.0, f64::min);
    let hi = pts.iter().map(|p| p.1).fold(0.0, f64::max);
    let pad_es = (hi - lo).max(1e-12) * 0.06;
    let es_t = ticks(lo - pad_es, hi + pad_es, 5, false);
    let es_y = Linear::new((lo - pad_es, hi + pad_es), (es_y1, plot_y0));
    // Metric axis.
    let m_lo = input.scores_sorted.iter().copied().fold(0.0, f64::min);
    let m_hi = input.scores_sorted.iter().copied().fold(0.0, f64::max);
    let m_t = ticks(m_lo, m_hi, 4, false);
    let pad_m = (m_hi - m_lo).max(1e-12) * 0.05;
    let m_y = Linear::new((m_lo - pad_m, m_hi + pad_m), (metric_y1, metric_y0));

    // Horizontal layout: y tick labels and the rotated axis title on the left.
    let tick_w = es_t
        .values
        .iter()
        .map(|&v| tick_label(v, es_t.decimals))
        .chain(m_t.values.iter().map(|&v| tick_label(v, m_t.decimals)))
        .map(|s| TICK_FONT.width(&s))
        .fold(0.0, f64::max);
    let plot_x0 = PAD + AXIS_TITLE_FONT.size + 6.0 + tick_w + 6.0;
    let plot_x1 = width - PAD - 10.0;
    let x = Linear::new((0.0, n as f64), (plot_x0, plot_x1));

    let mut svg = Svg::new(width, height, &title);
    title_block(&mut svg, width, &title, Some(&subtitle));

    // ES panel: grid, zero line, extreme lines, curve.
    svg.open_group("es-panel", "");
    y_ticks(&mut svg, &es_t, &es_y, (plot_x0, plot_x1), true);
    svg.line(plot_x0, es_y.map(0.0), plot_x1, es_y.map(0.0), "#8C8C8C", 0.8, None);
    let (min_es, max_es) = (lo, hi);
    for (v, class) in [(max_es, "es-max"), (min_es, "es-min")] {
        // A line within 1.5 pt of the zero line would only thicken it.
        if (es_y.map(v) - es_y.map(0.0)).abs() > 1.5 {
            let y = es_y.map(v);
            svg.raw(&format!(
                "<line class=\"{class}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{EXTREME_COLOUR}\" stroke-width=\"0.8\" stroke-dasharray=\"4 3\"/>\n",
                num(plot_x0),
                num(y),
                num(plot_x1),
                num(y)
            ));
        }
    }
    let d = polyline_d(pts.iter().map(|&(r, s)| (x.map(r), es_y.map(s))));
    svg.path(&d, &format!("class=\"curve\" fill=\"none\" stroke=\"{CURVE_COLOUR}\" stroke-width=\"1.4\" stroke-linejoin=\"round\""));
    svg.line(plot_x0, plot_y0, plot_x0, es_y1, AXIS, 0.8, None);
    svg.text_vertical(
        PAD + AXIS_TITLE_FONT.size * 0.8,
        f64::midpoint(plot_y0, es_y1),
        "Enrichment score",
        &AXIS_TITLE_FONT,
    );
    svg.close_group();

    // Hit ticks.
    let mut hits = input.hits.to_vec();
    hits.sort_unstable();
    let mut d = String::with_capacity(hits.len() * 16);
    for &h in &hits {
        let _ = write!(d, "M{} {}V{}", num(x.map(h as f64 + 0.5)), num(strip_y0), num(strip_y1));
    }
    svg.rect(plot_x0, strip_y0, plot_x1 - plot_x0, strip_h, "none", Some(("#D0D0D0", 0.5)), "");
    if !d.is_empty() {
        svg.path(&d, "class=\"hits\" stroke=\"#1A1A1A\" stroke-width=\"0.5\"");
    }

    // Ranking metric: per-column envelope of the scores, filled from zero.
    svg.open_group("metric-panel", "");
    let cols = (((plot_x1 - plot_x0) * 2.0).round() as usize).clamp(1, n);
    let mut upper = Vec::with_capacity(cols);
    let mut lower = Vec::with_capacity(cols);
    for c in 0..cols {
        let a = c * n / cols;
        let b = ((c + 1) * n / cols).max(a + 1);
        let slice = &input.scores_sorted[a..b];
        let mx = slice.iter().copied().fold(0.0, f64::max);
        let mn = slice.iter().copied().fold(0.0, f64::min);
        upper.push((x.map(a as f64), m_y.map(mx)));
        upper.push((x.map(b as f64), m_y.map(mx)));
        lower.push((x.map(a as f64), m_y.map(mn)));
        lower.push((x.map(b as f64), m_y.map(mn)));
    }
    let mut area = polyline_d(upper.iter().copied().chain(lower.iter().rev().copied()));
    area.push('Z');
    svg.path(&area, &format!("class=\"metric\" fill=\"{METRIC_COLOUR}\""));
    svg.line(plot_x0, m_y.map(0.0), plot_x1, m_y.map(0.0), "#8C8C8C", 0.6, None);
    y_ticks(&mut svg, &m_t, &m_y, (plot_x0, plot_x1), false);
    svg.line(plot_x0, metric_y0, plot_x0, metric_y1, AXIS, 0.8, None);
    let small = Font::regular(8.0, INK_SOFT);
    svg.text(plot_x1 - 2.0, metric_y0 + small.size, "Ranking metric", &small, Anchor::End);
    svg.close_group();

    // Rank axis with the group at each end of the list.
    svg.open_group("axis", "");
    svg.line(plot_x0, metric_y1, plot_x1, metric_y1, AXIS, 0.8, None);
    let r_t = ticks(0.0, n as f64, 5, false);
    for &v in &r_t.values {
        svg.line(x.map(v), metric_y1, x.map(v), metric_y1 + 3.5, AXIS, 0.8, None);
        svg.text(
            x.map(v),
            metric_y1 + 13.0,
            &group_thousands(v.round() as usize),
            &TICK_FONT,
            Anchor::Middle,
        );
    }
    let end_font = Font::regular(8.0, INK_SOFT);
    let left = format!("\u{2190} up in {}", opts.groups.test);
    let right = format!("up in {} \u{2192}", opts.groups.reference);
    let axis_y = metric_y1 + 27.0;
    svg.text(plot_x0, axis_y, &left, &end_font, Anchor::Start);
    svg.text(plot_x1, axis_y, &right, &end_font, Anchor::End);
    let middle = "Rank in ordered gene list";
    let mid_w = AXIS_TITLE_FONT.width(middle);
    let free = (plot_x1 - plot_x0) - 2.0 * end_font.width(&left).max(end_font.width(&right)) - 16.0;
    if free >= mid_w {
        svg.text(f64::midpoint(plot_x0, plot_x1), axis_y, middle, &AXIS_TITLE_FONT, Anchor::Middle);
    }
    svg.close_group();
    Ok(svg.finish())
}

/// Left-axis ticks and labels of one panel, with horizontal grid lines (except at 0) if `grid`.
fn y_ticks(svg: &mut Svg, t: &Ticks, y_scale: &Linear, (x0, x1): (f64, f64), grid: bool) {
    for &v in &t.values {
        let y = y_scale.map(v);
        if grid && v != 0.0 {
            svg.line(x0, y, x1, y, GRID, 0.6, None);
        }
        svg.line(x0 - 3.5, y, x0, y, AXIS, 0.8, None);
        svg.text(
            x0 - 6.0,
            y + TICK_FONT.center_to_baseline(),
            &tick_label(v, t.decimals),
            &TICK_FONT,
            Anchor::End,
        );
    }
}

/// A signed number with a true minus sign and fixed decimals.
fn signed(v: f64, decimals: usize) -> String {
    tick_label(v, decimals)
}

/// An integer with thousands separators (`20,000`).
pub(crate) fn group_thousands(v: usize) -> String {
    let s = v.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Naive running sum, one step per gene, for comparison with the vertex form.
    fn naive(scores: &[f64], hits: &[usize]) -> Vec<f64> {
        let nr: f64 = hits.iter().map(|&h| scores[h].abs()).sum();
        let miss = 1.0 / (scores.len() - hits.len()) as f64;
        let mut s = 0.0;
        let mut out = vec![0.0];
        for (i, score) in scores.iter().enumerate() {
            s += if hits.contains(&i) { score.abs() / nr } else { -miss };
            out.push(s);
        }
        out
    }

    #[test]
    fn vertices_match_naive_running_sum() {
        let scores: Vec<f64> = (0..50).map(|i| 3.0 - 0.13 * f64::from(i)).collect();
        let hits = [2usize, 3, 10, 25, 44, 49];
        let pts = running_es(&scores, &hits, 1.0).unwrap();
        let naive = naive(&scores, &hits);
        for &(r, s) in &pts {
            let r = r as usize;
            assert!((naive[r] - s).abs() < 1e-12, "rank {r}: {} vs {s}", naive[r]);
        }
        // The extreme of the curve is the fgsea ES.
        let es = naive.iter().copied().fold(0.0, |a: f64, b| if b.abs() > a.abs() { b } else { a });
        let max = pts.iter().map(|p| p.1).fold(0.0, |a: f64, b| if b.abs() > a.abs() { b } else { a });
        assert!((es - max).abs() < 1e-12);
    }

    #[test]
    fn rejects_bad_hits() {
        assert!(running_es(&[1.0, 2.0], &[2], 1.0).is_err());
        assert!(running_es(&[1.0, 2.0], &[1, 1], 1.0).is_err());
        assert!(running_es(&[1.0, f64::NAN], &[0], 1.0).is_err());
        assert_eq!(running_es(&[1.0, 2.0], &[], 1.0).unwrap(), vec![(0.0, 0.0), (2.0, 0.0)]);
    }

    #[test]
    fn thousands() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(20000), "20,000");
        assert_eq!(group_thousands(1234567), "1,234,567");
    }
}
