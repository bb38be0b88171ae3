//! Volcano plot of a DE table: logFC against −log10 p-value, FDR-significant genes coloured,
//! the most significant genes labelled with a greedy non-overlapping placement.

use std::fmt::Write as _;

use crate::common::{
    DOWN_COLOUR, GroupLabels, Key, PAD, UP_COLOUR, check_fdr, check_inches, header_height, legend,
    legend_height, title_block,
};
use crate::enrichment::group_thousands;
use crate::error::{Error, Result};
use crate::nes_bar::{DEFAULT_FDR, fmt_threshold};
use crate::scale::{Linear, tick_label, ticks};
use crate::svg::{AXIS, Anchor, Font, GRID, INK, INK_SOFT, PT_PER_INCH, Svg, num};

/// Default number of labelled genes.
pub const DEFAULT_TOP_LABELS: usize = 15;
/// Default width in inches.
pub const DEFAULT_VOLCANO_WIDTH_IN: f64 = 5.5;
/// Default height in inches.
pub const DEFAULT_VOLCANO_HEIGHT_IN: f64 = 5.0;

/// Colour of the genes that are not significant.
const NS_COLOUR: &str = "#BDBDBD";
/// Dot diameter of non-significant genes, in points.
const NS_DOT: f64 = 2.0;
/// Dot diameter of significant genes, in points.
const SIG_DOT: f64 = 2.8;
const TICK_FONT: Font = Font::regular(8.5, INK_SOFT);
const AXIS_TITLE_FONT: Font = Font::regular(9.5, INK);
const GENE_FONT: Font = Font::regular(8.0, INK);

/// One gene of a DE table.
#[derive(Debug, Clone, PartialEq)]
pub struct VolcanoPoint {
    /// Gene name or identifier.
    pub gene: String,
    /// log2 fold change (test over reference).
    pub log_fc: f64,
    /// Unadjusted p-value (edgeR `PValue`).
    pub p_value: f64,
    /// BH-adjusted p-value (edgeR `FDR`).
    pub fdr: f64,
}

/// Options of [`volcano_svg`].
#[derive(Debug, Clone, PartialEq)]
pub struct VolcanoOptions {
    /// Genes with `FDR < fdr` (and `|logFC| >= min_abs_log_fc`) are coloured. Default 0.05.
    pub fdr: f64,
    /// Minimum |logFC| for a gene to count as significant; lines are drawn at ± this value
    /// when it is above 0. Default 0.
    pub min_abs_log_fc: f64,
    /// Number of significant genes to label (smallest p-values first). Default
    /// [`DEFAULT_TOP_LABELS`].
    pub top_labels: usize,
    /// Width in inches. Default [`DEFAULT_VOLCANO_WIDTH_IN`].
    pub width_in: f64,
    /// Height in inches. Default [`DEFAULT_VOLCANO_HEIGHT_IN`].
    pub height_in: f64,
    /// Title; `None` names the contrast.
    pub title: Option<String>,
    /// Subtitle; `None` counts the significant genes.
    pub subtitle: Option<String>,
    /// Group names for the title and the legend.
    pub groups: GroupLabels,
}

impl Default for VolcanoOptions {
    fn default() -> Self {
        Self {
            fdr: DEFAULT_FDR,
            min_abs_log_fc: 0.0,
            top_labels: DEFAULT_TOP_LABELS,
            width_in: DEFAULT_VOLCANO_WIDTH_IN,
            height_in: DEFAULT_VOLCANO_HEIGHT_IN,
            title: None,
            subtitle: None,
            groups: GroupLabels::default(),
        }
    }
}

/// A label box in plot coordinates.
#[derive(Debug, Clone, Copy)]
struct Box2 {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Box2 {
    fn overlaps(&self, o: &Self) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
    fn contains(&self, x: f64, y: f64, r: f64) -> bool {
        x + r > self.x0 && x - r < self.x1 && y + r > self.y0 && y - r < self.y1
    }
}

/// Draws a volcano plot as an SVG document (sizes in points).
///
/// Genes with a missing logFC or p-value are left out. A p-value of 0 is drawn at the top of
/// the axis (at the largest finite −log10 p), as an upward triangle. Non-significant genes are
/// written as a single path of round dots, and coordinates are rounded to 0.1 pt, so 60,000
/// genes give an SVG of about 1 MB.
///
/// ```
/// use degsea_plot::{VolcanoOptions, VolcanoPoint, volcano_svg};
/// let pts: Vec<VolcanoPoint> = (0..200i32)
///     .map(|i| VolcanoPoint {
///         gene: format!("G{i}"),
///         log_fc: f64::from(i - 100) / 25.0,
///         p_value: 10f64.powf(-f64::from((i - 100).abs()) / 10.0),
///         fdr: 10f64.powf(-f64::from((i - 100).abs()) / 12.0),
///     })
///     .collect();
/// let svg = volcano_svg(&pts, &VolcanoOptions::default())?;
/// assert!(svg.contains(">G0<"));
/// # Ok::<(), degsea_plot::Error>(())
/// ```
pub fn volcano_svg(points: &[VolcanoPoint], opts: &VolcanoOptions) -> Result<String> {
    let fdr = check_fdr(opts.fdr)?;
    let width = check_inches("width", opts.width_in)? * PT_PER_INCH;
    let height = check_inches("height", opts.height_in)? * PT_PER_INCH;
    if !(opts.min_abs_log_fc.is_finite() && opts.min_abs_log_fc >= 0.0) {
        return Err(Error::InvalidOption {
            name: "min_abs_log_fc",
            value: opts.min_abs_log_fc.to_string(),
            reason: "expected a finite value >= 0",
        });
    }
    let usable: Vec<&VolcanoPoint> = points
        .iter()
        .filter(|p| p.log_fc.is_finite() && p.p_value.is_finite() && (0.0..=1.0).contains(&p.p_value))
        .collect();
    let is_sig = |p: &VolcanoPoint| p.fdr.is_finite() && p.fdr < fdr && p.log_fc.abs() >= opts.min_abs_log_fc;
    let n_up = usable.iter().filter(|p| is_sig(p) && p.log_fc > 0.0).count();
    let n_down = usable.iter().filter(|p| is_sig(p) && p.log_fc < 0.0).count();

    let finite_max =
        usable.iter().filter(|p| p.p_value > 0.0).map(|p| -p.p_value.log10()).fold(0.0, f64::max);
    let n_zero = usable.iter().filter(|p| p.p_value == 0.0).count();
    let cap = if finite_max > 0.0 { finite_max } else { 1.0 };
    let y_of = |p: &VolcanoPoint| if p.p_value == 0.0 { cap } else { -p.p_value.log10() };

    let title = opts.title.clone().unwrap_or_else(|| opts.groups.contrast_title());
    let subtitle = opts.subtitle.clone().unwrap_or_else(|| {
        let mut s = format!(
            "{} up, {} down at FDR < {} of {} genes",
            group_thousands(n_up),
            group_thousands(n_down),
            fmt_threshold(fdr),
            group_thousands(usable.len())
        );
        if n_zero > 0 {
            let _ = write!(s, "; {n_zero} with p = 0 drawn at the top (\u{25B2})");
        }
        s
    });

    // Layout.
    let plot_y0 = header_height(!subtitle.is_empty()) + 4.0;
    let up_label = format!("Up in {} ({})", opts.groups.test, group_thousands(n_up));
    let down_label = format!("Down in {} ({})", opts.groups.test, group_thousands(n_down));
    let items =
        [(UP_COLOUR, up_label.as_str()), (DOWN_COLOUR, down_label.as_str()), (NS_COLOUR, "Not significant")];
    let legend_h = legend_height(&items, PAD, width - PAD) + 4.0;
    let plot_y1 = height - PAD - legend_h - 34.0;
    let x_max =
        usable.iter().map(|p| p.log_fc.abs()).fold(0.0, f64::max).max(opts.min_abs_log_fc * 1.2).max(1.0);
    let x_max = x_max * 1.04;
    let y_max = cap * 1.05;
    let xt = ticks(-x_max, x_max, 6, false);
    let yt = ticks(0.0, y_max, 5, false);
    let tick_w = yt.values.iter().map(|&v| TICK_FONT.width(&tick_label(v, yt.decimals))).fold(0.0, f64::max);
    let plot_x0 = PAD + AXIS_TITLE_FONT.size + 6.0 + tick_w + 6.0;
    let plot_x1 = width - PAD - 8.0;
    if plot_x1 - plot_x0 < 80.0 || plot_y1 - plot_y0 < 80.0 {
        return Err(Error::InvalidOption {
            name: "width/height",
            value: format!("{}x{}", opts.width_in, opts.height_in),
            reason: "too small for a volcano plot",
        });
    }
    let x = Linear::new((-x_max, x_max), (plot_x0, plot_x1));
    let y = Linear::new((0.0, y_max), (plot_y1, plot_y0));

    let mut svg = Svg::new(width, height, &title);
    title_block(&mut svg, width, &title, Some(&subtitle));

    // Grid and axes.
    svg.open_group("grid", "");
    for &v in &xt.values {
        svg.line(x.map(v), plot_y0, x.map(v), plot_y1, GRID, 0.6, None);
    }
    for &v in &yt.values {
        svg.line(plot_x0, y.map(v), plot_x1, y.map(v), GRID, 0.6, None);
    }
    svg.close_group();

    // Threshold lines: the p-value that corresponds to the FDR cut-off, and ±min |logFC|.
    let p_cut = usable
        .iter()
        .filter(|p| p.fdr.is_finite() && p.fdr < fdr)
        .map(|p| p.p_value)
        .fold(f64::NAN, f64::max);
    svg.open_group("thresholds", "");
    if p_cut.is_finite() && p_cut > 0.0 {
        let yc = y.map(-p_cut.log10());
        svg.line(plot_x0, yc, plot_x1, yc, "#7F7F7F", 0.7, Some("4 3"));
        let f = Font::regular(7.5, INK_SOFT);
        svg.text(plot_x1 - 2.0, yc - 3.0, &format!("FDR {}", fmt_threshold(fdr)), &f, Anchor::End);
    }
    if opts.min_abs_log_fc > 0.0 {
        for v in [-opts.min_abs_log_fc, opts.min_abs_log_fc] {
            svg.line(x.map(v), plot_y0, x.map(v), plot_y1, "#7F7F7F", 0.7, Some("4 3"));
        }
    }
    svg.close_group();

    // Points: one path per class; each dot a zero-length segment with round caps.
    let mut ns = DotPath::default();
    let mut up = DotPath::default();
    let mut down = DotPath::default();
    let mut capped = String::new();
    let mut order: Vec<&&VolcanoPoint> = usable.iter().collect();
    // Draw the most significant last (on top); stable by gene name for ties.
    order.sort_by(|a, b| b.p_value.total_cmp(&a.p_value).then_with(|| a.gene.cmp(&b.gene)));
    for p in &order {
        let (px, py) = (x.map(p.log_fc), y.map(y_of(p)));
        if p.p_value == 0.0 {
            let colour = if !is_sig(p) {
                NS_COLOUR
            } else if p.log_fc > 0.0 {
                UP_COLOUR
            } else {
                DOWN_COLOUR
            };
            let _ = writeln!(
                capped,
                "<path d=\"M{} {}l2.2 3.8h-4.4z\" fill=\"{colour}\"/>",
                num(px),
                num(py - 2.5)
            );
            continue;
        }
        if !is_sig(p) {
            ns.push(px, py);
        } else if p.log_fc > 0.0 {
            up.push(px, py);
        } else {
            down.push(px, py);
        }
    }
    svg.open_group("points", "");
    for (path, colour, dot, class) in [
        (&ns, NS_COLOUR, NS_DOT, "ns"),
        (&down, DOWN_COLOUR, SIG_DOT, "down"),
        (&up, UP_COLOUR, SIG_DOT, "up"),
    ] {
        if !path.d.is_empty() {
            svg.path(
                &path.d,
                &format!("class=\"{class}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{}\" stroke-linecap=\"round\"", num(dot)),
            );
        }
    }
    svg.raw(&capped);
    svg.close_group();

    // Labels for the most significant genes.
    let mut labelled: Vec<&&VolcanoPoint> = usable.iter().filter(|p| is_sig(p)).collect();
    labelled.sort_by(|a, b| {
        a.p_value
            .total_cmp(&b.p_value)
            .then_with(|| b.log_fc.abs().total_cmp(&a.log_fc.abs()))
            .then_with(|| a.gene.cmp(&b.gene))
    });
    labelled.truncate(opts.top_labels);
    let anchors: Vec<(f64, f64)> = labelled.iter().map(|p| (x.map(p.log_fc), y.map(y_of(p)))).collect();
    // Labels also avoid covering any significant point.
    let mut obstacles = PointGrid::default();
    for p in usable.iter().filter(|p| is_sig(p)) {
        obstacles.insert(x.map(p.log_fc), y.map(y_of(p)));
    }
    let area = Box2 { x0: plot_x0 + 1.0, y0: plot_y0 + 1.0, x1: plot_x1 - 1.0, y1: plot_y1 - 1.0 };
    let mut placed: Vec<Box2> = Vec::new();
    svg.open_group("labels", "");
    for (p, &(px, py)) in labelled.iter().zip(&anchors) {
        let w = GENE_FONT.width(&p.gene);
        let h = GENE_FONT.size * 0.75;
        if let Some((bx, leader)) = place_label(px, py, w, h, &area, &placed, &obstacles) {
            if leader {
                let (lx, ly) = nearest_on_box(&bx, px, py);
                svg.line(px, py, lx, ly, "#6E6E6E", 0.5, None);
            }
            svg.text_with(
                bx.x0,
                bx.y1,
                &p.gene,
                &GENE_FONT,
                Anchor::Start,
                "class=\"gene\" stroke=\"#FFFFFF\" stroke-width=\"2\" stroke-linejoin=\"round\" paint-order=\"stroke\"",
            );
            placed.push(bx);
        }
    }
    svg.close_group();

    // Axes.
    svg.open_group("axis", "");
    svg.line(plot_x0, plot_y1, plot_x1, plot_y1, AXIS, 0.8, None);
    svg.line(plot_x0, plot_y0, plot_x0, plot_y1, AXIS, 0.8, None);
    for &v in &xt.values {
        svg.line(x.map(v), plot_y1, x.map(v), plot_y1 + 3.5, AXIS, 0.8, None);
        svg.text(x.map(v), plot_y1 + 13.0, &tick_label(v, xt.decimals), &TICK_FONT, Anchor::Middle);
    }
    for &v in &yt.values {
        svg.line(plot_x0 - 3.5, y.map(v), plot_x0, y.map(v), AXIS, 0.8, None);
        svg.text(
            plot_x0 - 6.0,
            y.map(v) + TICK_FONT.center_to_baseline(),
            &tick_label(v, yt.decimals),
            &TICK_FONT,
            Anchor::End,
        );
    }
    svg.text(
        f64::midpoint(plot_x0, plot_x1),
        plot_y1 + 28.0,
        "log\u{2082} fold change",
        &AXIS_TITLE_FONT,
        Anchor::Middle,
    );
    svg.text_vertical(
        PAD + AXIS_TITLE_FONT.size * 0.8,
        f64::midpoint(plot_y0, plot_y1),
        "\u{2212}log\u{2081}\u{2080} p-value",
        &AXIS_TITLE_FONT,
    );
    svg.close_group();

    legend(&mut svg, PAD, width - PAD, plot_y1 + 34.0 + 4.0 + 7.0, &items, Key::Dot);
    Ok(svg.finish())
}

/// Dots as zero-length subpaths (`Mx yh0`), skipping exact duplicates after rounding.
#[derive(Default)]
struct DotPath {
    d: String,
    seen: std::collections::HashSet<(i64, i64)>,
}

impl DotPath {
    fn push(&mut self, x: f64, y: f64) {
        let key = ((x * 10.0).round() as i64, (y * 10.0).round() as i64);
        if self.seen.insert(key) {
            let _ = write!(self.d, "M{} {}h0", num(x), num(y));
        }
    }
}

/// Greedy placement: tries 8 positions around the point at growing distances and returns the
/// first box inside `area` that overlaps no placed label and no significant point (failing
/// that, no placed label), with whether it is far enough from the point to need a leader line.
fn place_label(
    px: f64,
    py: f64,
    w: f64,
    h: f64,
    area: &Box2,
    placed: &[Box2],
    points: &PointGrid,
) -> Option<(Box2, bool)> {
    const GAP: f64 = 2.5;
    const DIRECTIONS: [(f64, f64); 8] = [
        (1.0, 0.0),
        (-1.0, 0.0),
        (0.0, -1.0),
        (0.0, 1.0),
        (1.0, -1.0),
        (-1.0, -1.0),
        (1.0, 1.0),
        (-1.0, 1.0),
    ];
    // First try to cover no point at all; in crowded regions accept covering points.
    for avoid_points in [true, false] {
        for (step, extra) in [0.0, 6.0, 12.0, 20.0, 30.0, 44.0].into_iter().enumerate() {
            for (dx, dy) in DIRECTIONS {
                let cx = px + dx * (w / 2.0 + GAP + extra);
                let cy = py + dy * (h / 2.0 + GAP + extra * 0.6);
                let b = Box2 { x0: cx - w / 2.0, y0: cy - h / 2.0, x1: cx + w / 2.0, y1: cy + h / 2.0 };
                let inside = b.x0 >= area.x0 && b.x1 <= area.x1 && b.y0 >= area.y0 && b.y1 <= area.y1;
                if !inside || placed.iter().any(|o| o.overlaps(&b)) {
                    continue;
                }
                if avoid_points && points.any_in(&b, SIG_DOT / 2.0) {
                    continue;
                }
                return Some((b, step > 0));
            }
        }
    }
    None
}

/// Points bucketed in square cells, to find those under a label box quickly.
#[derive(Default)]
struct PointGrid {
    cells: std::collections::HashMap<(i64, i64), Vec<(f64, f64)>>,
}

impl PointGrid {
    /// Cell side, in points.
    const CELL: f64 = 12.0;

    fn cell(v: f64) -> i64 {
        (v / Self::CELL).floor() as i64
    }

    fn insert(&mut self, x: f64, y: f64) {
        self.cells.entry((Self::cell(x), Self::cell(y))).or_default().push((x, y));
    }

    /// Whether a point (a dot of radius `r`) touches `b`.
    fn any_in(&self, b: &Box2, r: f64) -> bool {
        for cx in Self::cell(b.x0 - r)..=Self::cell(b.x1 + r) {
            for cy in Self::cell(b.y0 - r)..=Self::cell(b.y1 + r) {
                if self.cells.get(&(cx, cy)).is_some_and(|v| v.iter().any(|&(x, y)| b.contains(x, y, r))) {
                    return true;
                }
            }
        }
        false
    }
}

/// The point of `b`'s outline nearest to (`x`, `y`).
fn nearest_on_box(b: &Box2, x: f64, y: f64) -> (f64, f64) {
    (x.clamp(b.x0, b.x1), y.clamp(b.y0, b.y1))
}
