//! The bundled font (Liberation Sans 2.1.5, SIL OFL 1.1; see `assets/fonts/README.md`) and text
//! measurement with its glyph advances, so that layout in the SVG matches the PNG rendering.

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

/// Liberation Sans Regular 2.1.5 (SIL Open Font License 1.1).
pub static REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/LiberationSans-Regular.ttf");
/// Liberation Sans Bold 2.1.5 (SIL Open Font License 1.1).
pub static BOLD_TTF: &[u8] = include_bytes!("../../../assets/fonts/LiberationSans-Bold.ttf");

/// Family name of the bundled font, as the SVG files name it first.
pub const FAMILY: &str = "Liberation Sans";

/// The SVG `font-family` list: the bundled font, then metric-compatible fallbacks for viewers
/// that do not have it (Arimo and Arial share Liberation Sans' advance widths).
pub(crate) const FONT_FAMILY_ATTR: &str = "'Liberation Sans', Arimo, Arial, Helvetica, sans-serif";

/// Width of `text` in points when set at `size` points, from the bundled font's advance widths
/// (kerning ignored: it changes widths by well under 1%). Characters the font lacks count as
/// the width of `0`.
pub(crate) fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    let data = if bold { BOLD_TTF } else { REGULAR_TTF };
    let Ok(font) = FontRef::new(data) else {
        // Invariant: the bundled files are valid fonts (checked by a unit test); fall back to an
        // average glyph width rather than panic.
        return text.chars().count() as f64 * size * 0.55;
    };
    let upem = f64::from(font.metrics(Size::unscaled(), LocationRef::default()).units_per_em);
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
    let fallback = charmap.map('0').and_then(|g| metrics.advance_width(g)).unwrap_or(0.0);
    let units: f64 = text
        .chars()
        .map(|c| f64::from(charmap.map(c).and_then(|g| metrics.advance_width(g)).unwrap_or(fallback)))
        .sum();
    units / upem * size
}

/// Whether the bundled regular face has a glyph for `c`.
#[cfg(test)]
pub(crate) fn has_glyph(c: char) -> bool {
    FontRef::new(REGULAR_TTF).is_ok_and(|f| f.charmap().map(c).is_some_and(|g| g.to_u32() != 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_fonts_parse_and_measure() {
        assert!(FontRef::new(REGULAR_TTF).is_ok());
        assert!(FontRef::new(BOLD_TTF).is_ok());
        // Arial-compatible metrics: "0" is 0.556 em wide.
        assert!((text_width("0", 10.0, false) - 5.56).abs() < 0.01);
        assert!(text_width("Hallmark", 10.0, true) > text_width("Hallmark", 10.0, false));
        for c in ['α', 'β', 'κ', '−', '₂', '₁', '₀', '·', '…'] {
            assert!(has_glyph(c), "bundled font lacks {c}");
        }
    }
}
