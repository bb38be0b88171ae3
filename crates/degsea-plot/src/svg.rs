//! A minimal SVG writer with deterministic number formatting (coordinates rounded to 0.1 pt).

use std::fmt::Write as _;

use crate::font::{FONT_FAMILY_ATTR, text_width};

/// Points per inch: SVG user units are points, so a plot `w` inches wide has `w * 72` units.
pub(crate) const PT_PER_INCH: f64 = 72.0;

/// Text colour for titles and labels.
pub(crate) const INK: &str = "#222222";
/// Secondary text colour (subtitles, axis titles).
pub(crate) const INK_SOFT: &str = "#555555";
/// Axis and tick colour.
pub(crate) const AXIS: &str = "#333333";
/// Light grid lines.
pub(crate) const GRID: &str = "#E3E3E3";

/// Formats a coordinate rounded to 0.1 with no trailing `.0` and never `-0`.
pub(crate) fn num(x: f64) -> String {
    let tenths = (x * 10.0).round();
    if tenths == 0.0 || !tenths.is_finite() {
        return "0".to_owned();
    }
    let whole = tenths / 10.0;
    if tenths % 10.0 == 0.0 { format!("{whole:.0}") } else { format!("{whole:.1}") }
}

/// Escapes text for XML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Horizontal anchoring of a text item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn attr(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Middle => "middle",
            Self::End => "end",
        }
    }
}

/// Style of one text item.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Font {
    pub(crate) size: f64,
    pub(crate) bold: bool,
    pub(crate) fill: &'static str,
}

impl Font {
    pub(crate) const fn regular(size: f64, fill: &'static str) -> Self {
        Self { size, bold: false, fill }
    }
    pub(crate) const fn bold(size: f64, fill: &'static str) -> Self {
        Self { size, bold: true, fill }
    }
    /// Width of `text` in this font, in points.
    pub(crate) fn width(&self, text: &str) -> f64 {
        text_width(text, self.size, self.bold)
    }
    /// Offset from a line's vertical centre to its baseline (half the cap height, 0.716 em).
    pub(crate) fn center_to_baseline(&self) -> f64 {
        0.358 * self.size
    }
}

/// Shortens `text` with a trailing ellipsis so that it fits in `max_width` points.
pub(crate) fn fit_text(text: &str, font: &Font, max_width: f64) -> String {
    if font.width(text) <= max_width {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut n = chars.len();
    while n > 1 {
        n -= 1;
        let candidate: String = chars[..n].iter().collect::<String>().trim_end().to_owned() + "…";
        if font.width(&candidate) <= max_width {
            return candidate;
        }
    }
    "…".to_owned()
}

/// An SVG document under construction, in points.
pub(crate) struct Svg {
    buf: String,
}

impl Svg {
    /// Starts a document `width` × `height` points with a white background.
    pub(crate) fn new(width: f64, height: f64, title: &str) -> Self {
        let mut buf = String::with_capacity(16 * 1024);
        let (w, h) = (num(width), num(height));
        let _ = write!(
            buf,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}pt\" height=\"{h}pt\" \
             viewBox=\"0 0 {w} {h}\" font-family=\"{}\">\n<title>{}</title>\n\
             <rect width=\"{w}\" height=\"{h}\" fill=\"#FFFFFF\"/>\n",
            escape(FONT_FAMILY_ATTR).replace("&apos;", "'"),
            escape(title),
        );
        Self { buf }
    }

    /// Appends raw markup (must be well-formed).
    pub(crate) fn raw(&mut self, markup: &str) {
        self.buf.push_str(markup);
    }

    /// Opens a group with a class name and optional extra attributes.
    pub(crate) fn open_group(&mut self, class: &str, attrs: &str) {
        let _ = writeln!(self.buf, "<g class=\"{class}\"{}{attrs}>", if attrs.is_empty() { "" } else { " " });
    }

    /// Closes the innermost group.
    pub(crate) fn close_group(&mut self) {
        self.buf.push_str("</g>\n");
    }

    /// A text item with its baseline at `y`.
    pub(crate) fn text(&mut self, x: f64, y: f64, text: &str, font: &Font, anchor: Anchor) {
        self.text_with(x, y, text, font, anchor, "");
    }

    /// A text item with extra attributes (e.g. a `class` or `transform`).
    pub(crate) fn text_with(&mut self, x: f64, y: f64, text: &str, font: &Font, anchor: Anchor, attrs: &str) {
        let _ = write!(self.buf, "<text x=\"{}\" y=\"{}\" font-size=\"{}\"", num(x), num(y), num(font.size));
        if font.bold {
            self.buf.push_str(" font-weight=\"bold\"");
        }
        if anchor != Anchor::Start {
            let _ = write!(self.buf, " text-anchor=\"{}\"", anchor.attr());
        }
        let _ = write!(self.buf, " fill=\"{}\"", font.fill);
        if !attrs.is_empty() {
            let _ = write!(self.buf, " {attrs}");
        }
        let _ = writeln!(self.buf, ">{}</text>", escape(text));
    }

    /// Text rotated by −90° (reading bottom to top), centred on (`x`, `y`) along its length.
    pub(crate) fn text_vertical(&mut self, x: f64, y: f64, text: &str, font: &Font) {
        let attrs = format!("transform=\"rotate(-90 {} {})\"", num(x), num(y));
        self.text_with(x, y, text, font, Anchor::Middle, &attrs);
    }

    /// A straight line.
    pub(crate) fn line(
        &mut self,
        x1: f64,
        y1: f64,
        x2: f64,
        y2: f64,
        stroke: &str,
        width: f64,
        dash: Option<&str>,
    ) {
        let _ = write!(
            self.buf,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{stroke}\" stroke-width=\"{}\"",
            num(x1),
            num(y1),
            num(x2),
            num(y2),
            num(width)
        );
        if let Some(d) = dash {
            let _ = write!(self.buf, " stroke-dasharray=\"{d}\"");
        }
        self.buf.push_str("/>\n");
    }

    /// A filled rectangle, optionally outlined.
    pub(crate) fn rect(
        &mut self,
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        fill: &str,
        stroke: Option<(&str, f64)>,
        attrs: &str,
    ) {
        let _ = write!(
            self.buf,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"",
            num(x),
            num(y),
            num(w),
            num(h)
        );
        if let Some((s, sw)) = stroke {
            let _ = write!(self.buf, " stroke=\"{s}\" stroke-width=\"{}\"", num(sw));
        }
        if !attrs.is_empty() {
            let _ = write!(self.buf, " {attrs}");
        }
        self.buf.push_str("/>\n");
    }

    /// A path element with the given attributes (`d` must already be formatted).
    pub(crate) fn path(&mut self, d: &str, attrs: &str) {
        let _ = writeln!(self.buf, "<path d=\"{d}\" {attrs}/>");
    }

    /// Closes the document and returns it.
    pub(crate) fn finish(mut self) -> String {
        self.buf.push_str("</svg>\n");
        self.buf
    }
}

/// Appends `M x y` / `L x y` commands of a polyline to `d`.
pub(crate) fn polyline_d(points: impl IntoIterator<Item = (f64, f64)>) -> String {
    let mut d = String::new();
    for (i, (x, y)) in points.into_iter().enumerate() {
        let _ = write!(d, "{}{} {}", if i == 0 { "M" } else { "L" }, num(x), num(y));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_rounded_to_tenths() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.04), "1");
        assert_eq!(num(1.05 + 1e-9), "1.1");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(-12.34), "-12.3");
        assert_eq!(num(f64::NAN), "0");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn fits_long_text() {
        let f = Font::regular(10.0, INK);
        let s = fit_text("A very long pathway name that cannot fit", &f, 60.0);
        assert!(s.ends_with('…'));
        assert!(f.width(&s) <= 60.0);
        assert_eq!(fit_text("short", &f, 60.0), "short");
    }
}
