//! Pieces shared by the plots: group labels, colours, option checks, the title block.

use crate::error::{Error, Result};
use crate::svg::{Anchor, Font, INK, INK_SOFT, Svg, fit_text};

/// Bar/point colour for "up in the test group" (positive NES or logFC).
pub const UP_COLOUR: &str = "#C44E52";
/// Bar/point colour for "up in the reference group" (negative NES or logFC).
pub const DOWN_COLOUR: &str = "#4C72B0";

/// Outer margin of every plot, in points.
pub(crate) const PAD: f64 = 14.0;

/// Names of the two compared groups, for titles and legends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupLabels {
    /// The test group (numerator of the fold change; positive NES = enriched here), e.g.
    /// `clusters 2+3`.
    pub test: String,
    /// The reference group, e.g. `cluster 1`.
    pub reference: String,
}

impl Default for GroupLabels {
    fn default() -> Self {
        Self { test: "test".to_owned(), reference: "reference".to_owned() }
    }
}

impl GroupLabels {
    /// Labels from the test and reference group names.
    ///
    /// ```
    /// let g = degsea_plot::GroupLabels::new("clusters 2+3", "cluster 1");
    /// assert_eq!(g.contrast_title(), "Clusters 2+3 vs cluster 1");
    /// ```
    pub fn new(test: impl Into<String>, reference: impl Into<String>) -> Self {
        Self { test: test.into(), reference: reference.into() }
    }

    /// The default plot title: `TEST vs REFERENCE`, first letter in upper case.
    pub fn contrast_title(&self) -> String {
        let t = format!("{} vs {}", self.test, self.reference);
        let mut c = t.chars();
        c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
    }
}

/// Checks a size in inches (0.5 to 100).
pub(crate) fn check_inches(name: &'static str, v: f64) -> Result<f64> {
    if v.is_finite() && (0.5..=100.0).contains(&v) {
        Ok(v)
    } else {
        Err(Error::InvalidOption {
            name,
            value: v.to_string(),
            reason: "expected a size between 0.5 and 100 inches",
        })
    }
}

/// Checks an FDR threshold (0 < fdr ≤ 1).
pub(crate) fn check_fdr(v: f64) -> Result<f64> {
    if v.is_finite() && v > 0.0 && v <= 1.0 {
        Ok(v)
    } else {
        Err(Error::InvalidOption { name: "fdr", value: v.to_string(), reason: "expected 0 < fdr <= 1" })
    }
}

/// Title font.
pub(crate) const TITLE_FONT: Font = Font::bold(13.0, INK);
/// Subtitle font.
pub(crate) const SUBTITLE_FONT: Font = Font::regular(9.5, INK_SOFT);

/// Height taken by [`title_block`], in points.
pub(crate) fn header_height(has_subtitle: bool) -> f64 {
    PAD + TITLE_FONT.size * 0.9 + if has_subtitle { SUBTITLE_FONT.size + 6.0 } else { 0.0 } + 12.0
}

/// Draws the left-aligned title and optional subtitle; returns the y where the plot may start.
pub(crate) fn title_block(svg: &mut Svg, width: f64, title: &str, subtitle: Option<&str>) -> f64 {
    let max = width - 2.0 * PAD;
    let mut y = PAD + TITLE_FONT.size * 0.9;
    svg.text_with(PAD, y, &fit_text(title, &TITLE_FONT, max), &TITLE_FONT, Anchor::Start, "class=\"title\"");
    if let Some(s) = subtitle.filter(|s| !s.is_empty()) {
        y += SUBTITLE_FONT.size + 6.0;
        svg.text_with(
            PAD,
            y,
            &fit_text(s, &SUBTITLE_FONT, max),
            &SUBTITLE_FONT,
            Anchor::Start,
            "class=\"subtitle\"",
        );
    }
    y + 12.0
}

/// Legend font.
pub(crate) const LEGEND_FONT: Font = Font::regular(9.0, INK);

/// Shape of a legend key.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Key {
    Square,
    Dot,
}

/// Legend geometry shared by [`legend`] and [`legend_height`].
const LEGEND_KEY: f64 = 8.0;
const LEGEND_KEY_GAP: f64 = 4.0;
const LEGEND_ITEM_GAP: f64 = 16.0;
const LEGEND_ROW: f64 = 14.0;

fn legend_widths(items: &[(&str, &str)]) -> (Vec<f64>, f64) {
    let widths: Vec<f64> =
        items.iter().map(|(_, t)| LEGEND_KEY + LEGEND_KEY_GAP + LEGEND_FONT.width(t)).collect();
    let total = widths.iter().sum::<f64>() + LEGEND_ITEM_GAP * (items.len().saturating_sub(1)) as f64;
    (widths, total)
}

/// Height taken by [`legend`] for these items between `x0` and `x1`.
pub(crate) fn legend_height(items: &[(&str, &str)], x0: f64, x1: f64) -> f64 {
    let (_, total) = legend_widths(items);
    if total <= x1 - x0 { LEGEND_ROW } else { LEGEND_ROW * items.len() as f64 }
}

/// Draws legend items (key colour, text) centred on `[x0, x1]`, starting with the row centred
/// at `y`; items go on one row when they fit, otherwise one per row, left-aligned together.
/// Returns the y below it.
pub(crate) fn legend(svg: &mut Svg, x0: f64, x1: f64, y: f64, items: &[(&str, &str)], key: Key) -> f64 {
    const KEY: f64 = LEGEND_KEY;
    const KEY_GAP: f64 = LEGEND_KEY_GAP;
    const ITEM_GAP: f64 = LEGEND_ITEM_GAP;
    const ROW: f64 = LEGEND_ROW;
    let (widths, total) = legend_widths(items);
    let one_row = total <= x1 - x0;
    svg.open_group("legend", "");
    let mut row_y = y;
    let mut x = (x0 + x1 - total) / 2.0;
    let max_w = widths.iter().copied().fold(0.0, f64::max);
    for (i, ((colour, text), w)) in items.iter().zip(&widths).enumerate() {
        if !one_row {
            x = ((x0 + x1 - max_w) / 2.0).max(PAD);
            if i > 0 {
                row_y += ROW;
            }
        }
        match key {
            Key::Square => svg.rect(x, row_y - KEY / 2.0, KEY, KEY, colour, None, ""),
            Key::Dot => svg.raw(&format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{colour}\"/>\n",
                crate::svg::num(x + KEY / 2.0),
                crate::svg::num(row_y)
            )),
        }
        svg.text(
            x + KEY + KEY_GAP,
            row_y + LEGEND_FONT.center_to_baseline(),
            text,
            &LEGEND_FONT,
            Anchor::Start,
        );
        x += w + ITEM_GAP;
    }
    svg.close_group();
    row_y + ROW / 2.0
}
