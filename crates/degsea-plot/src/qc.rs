//! Quality-control plots edgeR users look at first: library sizes with normalisation factors,
//! the MDS plot (`plotMDS`), the BCV plot (`plotBCV`), the mean-difference plot (`plotMD`), a
//! p-value histogram, and a heatmap of z-scored log-CPM for a gene set's leading edge.
//!
//! Each is a pure function from in-memory numbers to an SVG string (sizes in points), drawn in
//! the colours of the other plots: [`UP_COLOUR`] for the test group / up, [`DOWN_COLOUR`] for
//! the reference group / down, then the Okabe–Ito palette for any further group.

use std::fmt::Write as _;

use crate::common::{
    DOWN_COLOUR, GroupLabels, Key, PAD, UP_COLOUR, check_fdr, header_height, legend, legend_height,
    title_block,
};
use crate::enrichment::group_thousands;
use crate::error::{Error, Result};
use crate::label::pathway_label;
use crate::nes_bar::fmt_threshold;
use crate::scale::{Linear, tick_label, ticks};
use crate::svg::{AXIS, Anchor, Font, GRID, INK, INK_SOFT, PT_PER_INCH, Svg, escape, fit_text, num};

/// Width of the QC plots, in inches.
pub const QC_WIDTH_IN: f64 = 5.5;
/// Height of the scatter QC plots, in inches.
pub const QC_HEIGHT_IN: f64 = 4.6;
/// Number of bins of [`pvalue_histogram_svg`] (width 0.05, as `hist(p, breaks = 20)`).
pub const PVALUE_BINS: usize = 20;
/// Colours of groups after the reference ([`DOWN_COLOUR`]) and the test group ([`UP_COLOUR`]):
/// Okabe & Ito (2008) colour-blind-safe palette.
pub const EXTRA_GROUP_COLOURS: [&str; 6] = ["#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"];
/// Colour of non-significant points and of the common dispersion line.
const NEUTRAL: &str = "#9E9E9E";
/// Colour of the trended dispersion line (Okabe–Ito bluish green).
const TREND_COLOUR: &str = "#009E73";
const TICK_FONT: Font = Font::regular(8.5, INK_SOFT);
const AXIS_TITLE_FONT: Font = Font::regular(9.5, INK);
const SMALL_FONT: Font = Font::regular(8.0, INK);

/// Colour of group `k` (0 = reference, 1 = test, then the Okabe–Ito colours).
///
/// ```
/// assert_eq!(degsea_plot::group_colour(1), degsea_plot::UP_COLOUR);
/// ```
pub fn group_colour(k: usize) -> &'static str {
    match k {
        0 => DOWN_COLOUR,
        1 => UP_COLOUR,
        k => EXTRA_GROUP_COLOURS[(k - 2) % EXTRA_GROUP_COLOURS.len()],
    }
}

/// One sample of the QC plots.
#[derive(Debug, Clone, PartialEq)]
pub struct QcSample {
    /// Sample name.
    pub name: String,
    /// Group index: 0 = reference, 1 = test (see [`group_colour`]).
    pub group: usize,
}

/// A scatter/bar frame: title, axes, grid; returns the scales.
struct Frame {
    svg: Svg,
    x: Linear,
    y: Linear,
    x0: f64,
    x1: f64,
    y1: f64,
}

struct FrameSpec<'a> {
    width: f64,
    height: f64,
    title: &'a str,
    subtitle: &'a str,
    x_title: &'a str,
    y_title: &'a str,
    x_range: (f64, f64),
    y_range: (f64, f64),
    legend_items: &'a [(&'a str, &'a str)],
    legend_key: Key,
}

fn padded(lo: f64, hi: f64, frac: f64) -> (f64, f64) {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let span = if hi > lo { hi - lo } else { lo.abs().max(1.0) };
    (lo - span * frac, hi + span * frac)
}

fn min_max(v: impl IntoIterator<Item = f64>) -> (f64, f64) {
    v.into_iter()
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)))
}

impl Frame {
    fn new(s: &FrameSpec<'_>) -> Result<Self> {
        let plot_y0 = header_height(!s.subtitle.is_empty()) + 4.0;
        let legend_h = if s.legend_items.is_empty() {
            0.0
        } else {
            legend_height(s.legend_items, PAD, s.width - PAD) + 4.0
        };
        let y1 = s.height - PAD - legend_h - 34.0;
        let xt = ticks(s.x_range.0, s.x_range.1, 6, false);
        let yt = ticks(s.y_range.0, s.y_range.1, 5, false);
        let tick_w =
            yt.values.iter().map(|&v| TICK_FONT.width(&tick_label(v, yt.decimals))).fold(0.0, f64::max);
        let x0 = PAD + AXIS_TITLE_FONT.size + 6.0 + tick_w + 6.0;
        let x1 = s.width - PAD - 8.0;
        if x1 - x0 < 80.0 || y1 - plot_y0 < 80.0 {
            return Err(Error::InvalidOption {
                name: "width/height",
                value: format!("{}x{}", s.width / PT_PER_INCH, s.height / PT_PER_INCH),
                reason: "too small for this plot",
            });
        }
        let x = Linear::new(s.x_range, (x0, x1));
        let y = Linear::new(s.y_range, (y1, plot_y0));
        let mut svg = Svg::new(s.width, s.height, s.title);
        title_block(&mut svg, s.width, s.title, Some(s.subtitle));
        svg.open_group("grid", "");
        for &v in &xt.values {
            svg.line(x.map(v), plot_y0, x.map(v), y1, GRID, 0.6, None);
        }
        for &v in &yt.values {
            svg.line(x0, y.map(v), x1, y.map(v), GRID, 0.6, None);
        }
        svg.close_group();
        svg.open_group("axis", "");
        svg.line(x0, y1, x1, y1, AXIS, 0.8, None);
        svg.line(x0, plot_y0, x0, y1, AXIS, 0.8, None);
        for &v in &xt.values {
            svg.line(x.map(v), y1, x.map(v), y1 + 3.5, AXIS, 0.8, None);
            svg.text(x.map(v), y1 + 13.0, &tick_label(v, xt.decimals), &TICK_FONT, Anchor::Middle);
        }
        for &v in &yt.values {
            svg.line(x0 - 3.5, y.map(v), x0, y.map(v), AXIS, 0.8, None);
            svg.text(
                x0 - 6.0,
                y.map(v) + TICK_FONT.center_to_baseline(),
                &tick_label(v, yt.decimals),
                &TICK_FONT,
                Anchor::End,
            );
        }
        svg.text(f64::midpoint(x0, x1), y1 + 28.0, s.x_title, &AXIS_TITLE_FONT, Anchor::Middle);
        svg.text_vertical(
            PAD + AXIS_TITLE_FONT.size * 0.8,
            f64::midpoint(plot_y0, y1),
            s.y_title,
            &AXIS_TITLE_FONT,
        );
        svg.close_group();
        if !s.legend_items.is_empty() {
            legend(&mut svg, PAD, s.width - PAD, y1 + 34.0 + 4.0 + 7.0, s.legend_items, s.legend_key);
        }
        Ok(Self { svg, x, y, x0, x1, y1 })
    }
}

/// Dots as zero-length round-capped segments of one path (compact for thousands of points).
fn dot_path(points: impl IntoIterator<Item = (f64, f64)>) -> String {
    let mut d = String::new();
    let mut seen = std::collections::HashSet::new();
    for (x, y) in points {
        if seen.insert(((x * 10.0).round() as i64, (y * 10.0).round() as i64)) {
            let _ = write!(d, "M{} {}h0", num(x), num(y));
        }
    }
    d
}

fn dots(svg: &mut Svg, class: &str, colour: &str, size: f64, d: &str) {
    if !d.is_empty() {
        svg.path(
            d,
            &format!("class=\"{class}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{}\" stroke-linecap=\"round\"", num(size)),
        );
    }
}

fn group_names(groups: &GroupLabels) -> [String; 2] {
    [groups.reference.clone(), groups.test.clone()]
}

fn check_len(what: &str, a: usize, b: usize) -> Result<()> {
    if a == b { Ok(()) } else { Err(Error::InvalidData(format!("{what}: {a} values for {b} entries"))) }
}

/// Library sizes (millions of reads, after filtering) and normalisation factors per sample, as
/// two horizontal bar panels sharing the sample axis; samples in the given order, bars coloured
/// by group.
///
/// ```
/// use degsea_plot::{GroupLabels, QcSample, library_sizes_svg};
/// let s = |n: &str, g| QcSample { name: n.into(), group: g };
/// let svg = library_sizes_svg(&[s("a", 0), s("b", 1)], &[2.1e6, 1.8e6], &[1.05, 0.95],
///     &GroupLabels::new("B", "A"), "TMM")?;
/// assert!(svg.contains("TMM factor"));
/// # Ok::<(), degsea_plot::Error>(())
/// ```
pub fn library_sizes_svg(
    samples: &[QcSample],
    lib_sizes: &[f64],
    norm_factors: &[f64],
    groups: &GroupLabels,
    method: &str,
) -> Result<String> {
    check_len("library sizes", lib_sizes.len(), samples.len())?;
    check_len("normalisation factors", norm_factors.len(), samples.len())?;
    if samples.is_empty() {
        return Err(Error::InvalidData("no samples".into()));
    }
    const ROW: f64 = 14.0;
    let width = QC_WIDTH_IN * PT_PER_INCH;
    let title = "Library sizes and normalisation factors";
    let subtitle = format!("{} samples; library size after filtering, {method} factor", samples.len());
    let names = group_names(groups);
    let items: Vec<(&str, &str)> =
        vec![(group_colour(0), names[0].as_str()), (group_colour(1), names[1].as_str())];
    let label_w = samples.iter().map(|s| SMALL_FONT.width(&s.name)).fold(0.0, f64::max).min(width * 0.3);
    let y0 = header_height(true) + 14.0;
    let plot_h = ROW * samples.len() as f64;
    let y1 = y0 + plot_h;
    let height = y1 + 34.0 + legend_height(&items, PAD, width - PAD) + 4.0 + PAD;
    let mut svg = Svg::new(width, height, title);
    title_block(&mut svg, width, title, Some(&subtitle));
    let left0 = PAD + label_w + 8.0;
    let split = left0 + (width - PAD - left0) * 0.58;
    let (a0, a1) = (left0, split - 14.0);
    let (b0, b1) = (split + 4.0, width - PAD - 6.0);
    let lib_m: Vec<f64> = lib_sizes.iter().map(|l| l / 1e6).collect();
    let lt = ticks(0.0, lib_m.iter().copied().fold(0.0, f64::max), 4, true);
    let la = Linear::new((0.0, lt.values.last().copied().unwrap_or(1.0)), (a0, a1));
    let (fmin, fmax) = min_max(norm_factors.iter().copied());
    let ft = ticks(fmin.min(1.0) - 0.05, fmax.max(1.0) + 0.05, 3, true);
    let fa = Linear::new(
        (ft.values.first().copied().unwrap_or(0.5), ft.values.last().copied().unwrap_or(1.5)),
        (b0, b1),
    );
    let header = Font::bold(8.5, INK);
    svg.text(a0, y0 - 5.0, "Library size (millions)", &header, Anchor::Start);
    svg.text(b0, y0 - 5.0, &format!("{method} factor"), &header, Anchor::Start);
    svg.open_group("grid", "");
    for &v in &lt.values {
        svg.line(la.map(v), y0, la.map(v), y1, GRID, 0.6, None);
    }
    for &v in &ft.values {
        svg.line(fa.map(v), y0, fa.map(v), y1, GRID, 0.6, None);
    }
    svg.close_group();
    svg.open_group("bars", "");
    for (i, s) in samples.iter().enumerate() {
        let cy = y0 + ROW * (i as f64 + 0.5);
        svg.text(
            a0 - 6.0,
            cy + SMALL_FONT.center_to_baseline(),
            &fit_text(&s.name, &SMALL_FONT, label_w),
            &SMALL_FONT,
            Anchor::End,
        );
        let c = group_colour(s.group);
        svg.rect(a0, cy - ROW * 0.35, (la.map(lib_m[i]) - a0).max(0.0), ROW * 0.7, c, None, "");
        // Factor: a dot-and-stem from 1.
        svg.line(fa.map(1.0), cy, fa.map(norm_factors[i]), cy, c, 1.6, None);
        svg.raw(&format!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{c}\"/>\n",
            num(fa.map(norm_factors[i])),
            num(cy)
        ));
    }
    svg.close_group();
    svg.open_group("axis", "");
    svg.line(fa.map(1.0), y0, fa.map(1.0), y1, AXIS, 0.6, Some("3 2"));
    for (t, scale) in [(&lt, &la), (&ft, &fa)] {
        let (lo, hi) = (scale.r0, scale.r1);
        svg.line(lo, y1, hi, y1, AXIS, 0.8, None);
        for &v in &t.values {
            svg.line(scale.map(v), y1, scale.map(v), y1 + 3.5, AXIS, 0.8, None);
            svg.text(scale.map(v), y1 + 13.0, &tick_label(v, t.decimals), &TICK_FONT, Anchor::Middle);
        }
    }
    svg.close_group();
    legend(&mut svg, PAD, width - PAD, y1 + 34.0, &items, Key::Square);
    Ok(svg.finish())
}

/// Input of [`mds_svg`]: coordinates from `degsea_de::mds::plot_mds`.
#[derive(Debug, Clone, PartialEq)]
pub struct MdsInput<'a> {
    /// Samples in the order of the coordinates.
    pub samples: &'a [QcSample],
    /// Leading logFC dimension 1.
    pub x: &'a [f64],
    /// Leading logFC dimension 2.
    pub y: &'a [f64],
    /// Share of variance of dimensions 1 and 2 (limma's `var.explained`).
    pub var_explained: (f64, f64),
    /// Number of leading genes per pair (`top`).
    pub top: usize,
}

/// The MDS plot of edgeR `plotMDS`: samples placed by leading log-fold-change distance, labelled
/// and coloured by group.
///
/// ```
/// use degsea_plot::{GroupLabels, MdsInput, QcSample, mds_svg};
/// let s: Vec<QcSample> = (0..4).map(|i| QcSample { name: format!("s{i}"), group: i / 2 }).collect();
/// let m = MdsInput { samples: &s, x: &[-1.0, -0.8, 0.9, 1.0], y: &[0.1, -0.2, 0.3, 0.0],
///     var_explained: (0.7, 0.2), top: 500 };
/// assert!(mds_svg(&m, &GroupLabels::new("B", "A"))?.contains("Leading logFC dim 1 (70%)"));
/// # Ok::<(), degsea_plot::Error>(())
/// ```
pub fn mds_svg(input: &MdsInput<'_>, groups: &GroupLabels) -> Result<String> {
    let n = input.samples.len();
    check_len("MDS x", input.x.len(), n)?;
    check_len("MDS y", input.y.len(), n)?;
    let names = group_names(groups);
    let items: Vec<(&str, &str)> =
        vec![(group_colour(0), names[0].as_str()), (group_colour(1), names[1].as_str())];
    let (xl, xh) = min_max(input.x.iter().copied());
    let (yl, yh) = min_max(input.y.iter().copied());
    let x_title = format!("Leading logFC dim 1 ({:.0}%)", input.var_explained.0 * 100.0);
    let y_title = format!("Leading logFC dim 2 ({:.0}%)", input.var_explained.1 * 100.0);
    let subtitle = format!(
        "{n} samples; distance = root-mean-square of the top {} log\u{2082}FC per pair",
        group_thousands(input.top)
    );
    let mut f = Frame::new(&FrameSpec {
        width: QC_WIDTH_IN * PT_PER_INCH,
        height: QC_HEIGHT_IN * PT_PER_INCH,
        title: "MDS plot",
        subtitle: &subtitle,
        x_title: &x_title,
        y_title: &y_title,
        x_range: padded(xl, xh, 0.12),
        y_range: padded(yl, yh, 0.1),
        legend_items: &items,
        legend_key: Key::Dot,
    })?;
    f.svg.open_group("points", "");
    for (i, s) in input.samples.iter().enumerate() {
        let (px, py) = (f.x.map(input.x[i]), f.y.map(input.y[i]));
        let c = group_colour(s.group);
        f.svg.raw(&format!(
            "<circle cx=\"{}\" cy=\"{}\" r=\"3.5\" fill=\"{c}\" data-sample=\"{}\"/>\n",
            num(px),
            num(py),
            escape(&s.name)
        ));
        let right = px < f64::midpoint(f.x0, f.x1);
        let label = fit_text(&s.name, &SMALL_FONT, (f.x1 - f.x0) / 3.0);
        let lx = if right { px + 5.5 } else { px - 5.5 };
        let anchor = if right { Anchor::Start } else { Anchor::End };
        f.svg.text(lx, py + SMALL_FONT.center_to_baseline(), &label, &Font::regular(8.0, c), anchor);
    }
    f.svg.close_group();
    Ok(f.svg.finish())
}

/// Input of [`bcv_svg`]: the dispersions of a DE run against AveLogCPM.
#[derive(Debug, Clone, PartialEq)]
pub struct BcvInput<'a> {
    /// Average log2-CPM per gene (edgeR `AveLogCPM`).
    pub ave_log_cpm: &'a [f64],
    /// Tagwise (gene-wise) dispersion per gene, if estimated.
    pub tagwise: Option<&'a [f64]>,
    /// Trended dispersion per gene, if estimated.
    pub trended: Option<&'a [f64]>,
    /// The common dispersion (NaN: not estimated).
    pub common: f64,
}

/// The BCV plot of edgeR `plotBCV`: biological coefficient of variation (√dispersion) of each
/// gene against its AveLogCPM, with the trended BCV as a line and the common BCV as a
/// horizontal line.
///
/// ```
/// use degsea_plot::{BcvInput, bcv_svg};
/// let a = [1.0, 2.0, 3.0];
/// let t = [0.04, 0.03, 0.02];
/// let svg = bcv_svg(&BcvInput { ave_log_cpm: &a, tagwise: Some(&t), trended: None, common: 0.03 })?;
/// assert!(svg.contains("Common"));
/// # Ok::<(), degsea_plot::Error>(())
/// ```
pub fn bcv_svg(input: &BcvInput<'_>) -> Result<String> {
    let n = input.ave_log_cpm.len();
    if let Some(t) = input.tagwise {
        check_len("tagwise dispersions", t.len(), n)?;
    }
    if let Some(t) = input.trended {
        check_len("trended dispersions", t.len(), n)?;
    }
    let bcv = |d: f64| d.max(0.0).sqrt();
    let (xl, xh) = min_max(input.ave_log_cpm.iter().copied());
    let mut ys: Vec<f64> =
        input.tagwise.unwrap_or(&[]).iter().chain(input.trended.unwrap_or(&[])).map(|&d| bcv(d)).collect();
    if input.common.is_finite() {
        ys.push(bcv(input.common));
    }
    let (_, yh) = min_max(ys.iter().copied());
    let mut items: Vec<(&str, &str)> = Vec::new();
    if input.tagwise.is_some() {
        items.push(("#000000", "Tagwise"));
    }
    if input.trended.is_some() {
        items.push((TREND_COLOUR, "Trend"));
    }
    if input.common.is_finite() {
        items.push((UP_COLOUR, "Common"));
    }
    let subtitle = if input.common.is_finite() {
        format!(
            "{} genes; common BCV {:.3} (dispersion {:.4})",
            group_thousands(n),
            bcv(input.common),
            input.common
        )
    } else {
        format!("{} genes", group_thousands(n))
    };
    let mut f = Frame::new(&FrameSpec {
        width: QC_WIDTH_IN * PT_PER_INCH,
        height: QC_HEIGHT_IN * PT_PER_INCH,
        title: "Biological coefficient of variation",
        subtitle: &subtitle,
        x_title: "Average log\u{2082} CPM",
        y_title: "Biological coefficient of variation",
        x_range: padded(xl, xh, 0.03),
        y_range: (0.0, if yh.is_finite() && yh > 0.0 { yh * 1.05 } else { 1.0 }),
        legend_items: &items,
        legend_key: Key::Dot,
    })?;
    f.svg.open_group("points", "");
    if let Some(t) = input.tagwise {
        let d = dot_path(
            input
                .ave_log_cpm
                .iter()
                .zip(t)
                .filter(|(a, d)| a.is_finite() && d.is_finite())
                .map(|(&a, &d)| (f.x.map(a), f.y.map(bcv(d)))),
        );
        dots(&mut f.svg, "tagwise", "#000000", 1.6, &d);
    }
    f.svg.close_group();
    if let Some(t) = input.trended {
        let mut pts: Vec<(f64, f64)> = input
            .ave_log_cpm
            .iter()
            .zip(t)
            .filter(|(a, d)| a.is_finite() && d.is_finite())
            .map(|(&a, &d)| (a, bcv(d)))
            .collect();
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        let d = crate::svg::polyline_d(pts.iter().map(|&(a, b)| (f.x.map(a), f.y.map(b))));
        f.svg.path(
            &d,
            &format!("class=\"trend\" fill=\"none\" stroke=\"{TREND_COLOUR}\" stroke-width=\"1.6\""),
        );
    }
    if input.common.is_finite() {
        let y = f.y.map(bcv(input.common));
        f.svg.line(f.x0, y, f.x1, y, UP_COLOUR, 1.6, None);
    }
    Ok(f.svg.finish())
}

/// One gene of [`md_svg`].
#[derive(Debug, Clone, PartialEq)]
pub struct MdPoint {
    /// Average log2-CPM.
    pub log_cpm: f64,
    /// log2 fold change.
    pub log_fc: f64,
    /// BH FDR.
    pub fdr: f64,
}

/// The mean-difference plot of edgeR `plotMD`: logFC against AveLogCPM, genes at `FDR < fdr`
/// coloured up/down.
///
/// ```
/// use degsea_plot::{GroupLabels, MdPoint, md_svg};
/// let p = [MdPoint { log_cpm: 5.0, log_fc: 2.0, fdr: 0.001 }, MdPoint { log_cpm: 3.0, log_fc: 0.1, fdr: 0.9 }];
/// assert!(md_svg(&p, 0.05, &GroupLabels::new("B", "A"))?.contains("Up in B (1)"));
/// # Ok::<(), degsea_plot::Error>(())
/// ```
pub fn md_svg(points: &[MdPoint], fdr: f64, groups: &GroupLabels) -> Result<String> {
    let fdr = check_fdr(fdr)?;
    let usable: Vec<&MdPoint> =
        points.iter().filter(|p| p.log_cpm.is_finite() && p.log_fc.is_finite()).collect();
    let sig = |p: &MdPoint| p.fdr.is_finite() && p.fdr < fdr;
    let n_up = usable.iter().filter(|p| sig(p) && p.log_fc > 0.0).count();
    let n_down = usable.iter().filter(|p| sig(p) && p.log_fc < 0.0).count();
    let up = format!("Up in {} ({})", groups.test, group_thousands(n_up));
    let down = format!("Down in {} ({})", groups.test, group_thousands(n_down));
    let items = [(UP_COLOUR, up.as_str()), (DOWN_COLOUR, down.as_str()), (NEUTRAL, "Not significant")];
    let (xl, xh) = min_max(usable.iter().map(|p| p.log_cpm));
    let m = usable.iter().map(|p| p.log_fc.abs()).fold(1.0, f64::max) * 1.04;
    let subtitle =
        format!("{} genes; coloured at FDR < {}", group_thousands(usable.len()), fmt_threshold(fdr));
    let title = format!("Mean-difference plot: {}", groups.contrast_title());
    let mut f = Frame::new(&FrameSpec {
        width: QC_WIDTH_IN * PT_PER_INCH,
        height: QC_HEIGHT_IN * PT_PER_INCH,
        title: &title,
        subtitle: &subtitle,
        x_title: "Average log\u{2082} CPM",
        y_title: "log\u{2082} fold change",
        x_range: padded(xl, xh, 0.03),
        y_range: (-m, m),
        legend_items: &items,
        legend_key: Key::Dot,
    })?;
    f.svg.line(f.x0, f.y.map(0.0), f.x1, f.y.map(0.0), AXIS, 0.6, Some("3 2"));
    let mut classes: [Vec<(f64, f64)>; 3] = Default::default();
    for p in &usable {
        let k = if !sig(p) {
            0
        } else if p.log_fc < 0.0 {
            1
        } else {
            2
        };
        classes[k].push((f.x.map(p.log_cpm), f.y.map(p.log_fc)));
    }
    f.svg.open_group("points", "");
    for (k, (class, colour, size)) in
        [("ns", NEUTRAL, 1.8), ("down", DOWN_COLOUR, 2.4), ("up", UP_COLOUR, 2.4)].into_iter().enumerate()
    {
        let d = dot_path(classes[k].iter().copied());
        dots(&mut f.svg, class, colour, size, &d);
    }
    f.svg.close_group();
    Ok(f.svg.finish())
}

/// Histogram of the p-values in [`PVALUE_BINS`] bins of width 0.05 (missing values left out),
/// with the expected height under the null drawn as a dashed line.
///
/// ```
/// let p: Vec<f64> = (0..100).map(|i| f64::from(i) / 100.0).collect();
/// assert!(degsea_plot::pvalue_histogram_svg(&p)?.contains("100 genes"));
/// # Ok::<(), degsea_plot::Error>(())
/// ```
pub fn pvalue_histogram_svg(p_values: &[f64]) -> Result<String> {
    let mut counts = [0usize; PVALUE_BINS];
    let mut n = 0usize;
    for &p in p_values.iter().filter(|p| p.is_finite() && (0.0..=1.0).contains(*p)) {
        counts[((p * PVALUE_BINS as f64) as usize).min(PVALUE_BINS - 1)] += 1;
        n += 1;
    }
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let yt = ticks(0.0, top, 5, true);
    let subtitle = format!("{} genes; dashed: the uniform expectation", group_thousands(n));
    let mut f = Frame::new(&FrameSpec {
        width: QC_WIDTH_IN * PT_PER_INCH,
        height: QC_HEIGHT_IN * PT_PER_INCH,
        title: "P-value distribution",
        subtitle: &subtitle,
        x_title: "p-value",
        y_title: "Genes",
        x_range: (0.0, 1.0),
        y_range: (0.0, yt.values.last().copied().unwrap_or(top)),
        legend_items: &[],
        legend_key: Key::Square,
    })?;
    f.svg.open_group("bars", "");
    for (i, &c) in counts.iter().enumerate() {
        let xa = f.x.map(i as f64 / PVALUE_BINS as f64);
        let xb = f.x.map((i + 1) as f64 / PVALUE_BINS as f64);
        let y = f.y.map(c as f64);
        f.svg.rect(
            xa + 0.5,
            y,
            (xb - xa - 1.0).max(0.5),
            (f.y1 - y).max(0.0),
            DOWN_COLOUR,
            None,
            &format!("data-count=\"{c}\""),
        );
    }
    f.svg.close_group();
    let expected = n as f64 / PVALUE_BINS as f64;
    if n > 0 {
        f.svg.line(f.x0, f.y.map(expected), f.x1, f.y.map(expected), UP_COLOUR, 1.0, Some("4 3"));
    }
    Ok(f.svg.finish())
}

/// Input of [`heatmap_svg`]: z-scored log-CPM, genes × samples (row-major).
#[derive(Debug, Clone, PartialEq)]
pub struct HeatmapInput<'a> {
    /// Gene set name (title).
    pub pathway: &'a str,
    /// Gene names, one per row.
    pub genes: &'a [String],
    /// Samples, one per column, in drawing order (ordered by group).
    pub samples: &'a [QcSample],
    /// Row-major `genes.len() × samples.len()` z-scores.
    pub z: &'a [f64],
}

/// Limit of the colour scale of [`heatmap_svg`], in standard deviations (values beyond are
/// drawn at the limit).
pub const HEATMAP_Z_LIMIT: f64 = 2.5;

/// Blends white with `colour` (`#RRGGBB`) by `t` in 0..=1.
fn blend(colour: &str, t: f64) -> String {
    let c = |i: usize| u8::from_str_radix(&colour[i..i + 2], 16).map_or(0.0, f64::from);
    let mix = |v: f64| (255.0 + (v - 255.0) * t.clamp(0.0, 1.0)).round() as u8;
    format!("#{:02X}{:02X}{:02X}", mix(c(1)), mix(c(3)), mix(c(5)))
}

/// Heatmap of z-scored log-CPM of a gene set's leading-edge genes: one row per gene, one column
/// per sample (ordered by group, a group bar on top), [`DOWN_COLOUR`]–white–[`UP_COLOUR`] scale
/// clipped at ±[`HEATMAP_Z_LIMIT`].
///
/// ```
/// use degsea_plot::{GroupLabels, HeatmapInput, QcSample, heatmap_svg};
/// let s: Vec<QcSample> = (0..4).map(|i| QcSample { name: format!("s{i}"), group: i / 2 }).collect();
/// let genes = vec!["G1".to_string(), "G2".to_string()];
/// let z = [-1.0, -0.5, 0.5, 1.0, 1.0, 0.5, -0.5, -1.0];
/// let svg = heatmap_svg(&HeatmapInput { pathway: "HALLMARK_E2F_TARGETS", genes: &genes, samples: &s, z: &z },
///     &GroupLabels::new("B", "A"))?;
/// assert!(svg.contains("E2F targets") && svg.contains(">G2<"));
/// # Ok::<(), degsea_plot::Error>(())
/// ```
pub fn heatmap_svg(input: &HeatmapInput<'_>, groups: &GroupLabels) -> Result<String> {
    let (ng, ns) = (input.genes.len(), input.samples.len());
    check_len("heatmap z-scores", input.z.len(), ng * ns)?;
    if ng == 0 || ns == 0 {
        return Err(Error::InvalidData("empty heatmap".into()));
    }
    let width = QC_WIDTH_IN * PT_PER_INCH;
    let row = if ng > 60 { 6.0 } else { 10.0 };
    let gene_font = Font::regular(if ng > 60 { 5.5 } else { 7.5 }, INK);
    let label_w = input.genes.iter().map(|g| gene_font.width(g)).fold(0.0, f64::max).min(90.0);
    let x0 = PAD;
    let x1 = width - PAD - label_w - 6.0;
    let col = (x1 - x0) / ns as f64;
    let sample_font = Font::regular(if col < 9.0 { 5.5 } else { 7.0 }, INK_SOFT);
    let sample_h = input.samples.iter().map(|s| sample_font.width(&s.name)).fold(0.0, f64::max).min(70.0);
    let title = pathway_label(input.pathway);
    let subtitle =
        format!("{ng} leading-edge genes \u{00D7} {ns} samples; z-scored log\u{2082} CPM per gene");
    let y0 = header_height(true) + 10.0;
    let bar_h = 6.0;
    let gy0 = y0 + bar_h + 3.0;
    let gy1 = gy0 + row * ng as f64;
    let names = group_names(groups);
    let items: Vec<(&str, &str)> =
        vec![(group_colour(0), names[0].as_str()), (group_colour(1), names[1].as_str())];
    let legend_y = gy1 + sample_h + 14.0;
    let height = legend_y + 16.0 + PAD;
    let mut svg = Svg::new(width, height, &title);
    title_block(&mut svg, width, &title, Some(&subtitle));
    svg.open_group("groups", "");
    for (j, s) in input.samples.iter().enumerate() {
        svg.rect(x0 + col * j as f64, y0, col, bar_h, group_colour(s.group), None, "");
    }
    svg.close_group();
    svg.open_group("cells", "");
    for (i, g) in input.genes.iter().enumerate() {
        let y = gy0 + row * i as f64;
        for j in 0..ns {
            let z = input.z[i * ns + j];
            let colour = if !z.is_finite() {
                "#FFFFFF".to_owned()
            } else if z >= 0.0 {
                blend(UP_COLOUR, z / HEATMAP_Z_LIMIT)
            } else {
                blend(DOWN_COLOUR, -z / HEATMAP_Z_LIMIT)
            };
            // Cells overlap by 0.2 pt so that no hairline gaps show after rounding.
            svg.rect(x0 + col * j as f64, y, col + 0.2, row + 0.2, &colour, None, "");
        }
        svg.text(
            x1 + 4.0,
            y + row / 2.0 + gene_font.center_to_baseline(),
            &fit_text(g, &gene_font, label_w),
            &gene_font,
            Anchor::Start,
        );
    }
    svg.close_group();
    svg.open_group("samples", "");
    for (j, s) in input.samples.iter().enumerate() {
        let x = x0 + col * (j as f64 + 0.5) + sample_font.center_to_baseline();
        let label = fit_text(&s.name, &sample_font, 70.0);
        svg.text_with(
            x,
            gy1 + 3.0,
            &label,
            &sample_font,
            Anchor::End,
            &format!("transform=\"rotate(-90 {} {})\"", num(x), num(gy1 + 3.0)),
        );
    }
    svg.close_group();
    legend(&mut svg, PAD, width * 0.55, legend_y, &items, Key::Square);
    // Colour key.
    let (kx0, kx1) = (width * 0.6, width - PAD - 20.0);
    let steps = 20;
    for k in 0..steps {
        let z = -HEATMAP_Z_LIMIT + 2.0 * HEATMAP_Z_LIMIT * (f64::from(k) + 0.5) / f64::from(steps);
        let c = if z >= 0.0 {
            blend(UP_COLOUR, z / HEATMAP_Z_LIMIT)
        } else {
            blend(DOWN_COLOUR, -z / HEATMAP_Z_LIMIT)
        };
        let w = (kx1 - kx0) / f64::from(steps);
        svg.rect(kx0 + w * f64::from(k), legend_y - 4.0, w + 0.2, 8.0, &c, None, "");
    }
    let kf = Font::regular(7.5, INK_SOFT);
    svg.text(kx0, legend_y + 14.0, &format!("\u{2212}{HEATMAP_Z_LIMIT}"), &kf, Anchor::Middle);
    svg.text(f64::midpoint(kx0, kx1), legend_y + 14.0, "0 (z-score)", &kf, Anchor::Middle);
    svg.text(kx1, legend_y + 14.0, &format!("{HEATMAP_Z_LIMIT}"), &kf, Anchor::Middle);
    Ok(svg.finish())
}

/// Z-scores of each row of a row-major `rows × cols` matrix (mean 0, sample standard deviation
/// 1; a constant row becomes all zeros), as `t(scale(t(x)))` in R.
///
/// ```
/// let z = degsea_plot::z_score_rows(&[1.0, 2.0, 3.0, 5.0, 5.0, 5.0], 3);
/// assert_eq!(z, [-1.0, 0.0, 1.0, 0.0, 0.0, 0.0]);
/// ```
pub fn z_score_rows(values: &[f64], cols: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(values.len());
    for row in values.chunks(cols.max(1)) {
        let n = row.len() as f64;
        let mean = row.iter().sum::<f64>() / n;
        let var = row.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
        let sd = var.sqrt();
        out.extend(row.iter().map(|v| if sd > 0.0 { (v - mean) / sd } else { 0.0 }));
    }
    out
}
