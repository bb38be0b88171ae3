//! Linear axes: "nice" tick steps (1, 2, 2.5, 5 × 10^k) and tick labels with a true minus sign.

/// A linear map from data values to plot coordinates.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Linear {
    pub(crate) d0: f64,
    pub(crate) d1: f64,
    pub(crate) r0: f64,
    pub(crate) r1: f64,
}

impl Linear {
    pub(crate) fn new(domain: (f64, f64), range: (f64, f64)) -> Self {
        Self { d0: domain.0, d1: domain.1, r0: range.0, r1: range.1 }
    }

    /// Plot coordinate of the data value `v`.
    pub(crate) fn map(&self, v: f64) -> f64 {
        let span = self.d1 - self.d0;
        if span == 0.0 {
            return f64::midpoint(self.r0, self.r1);
        }
        self.r0 + (v - self.d0) / span * (self.r1 - self.r0)
    }
}

/// Tick positions and the decimals their labels need.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ticks {
    pub(crate) values: Vec<f64>,
    pub(crate) step: f64,
    pub(crate) decimals: usize,
}

/// A "nice" step close to `raw` (1, 2, 2.5 or 5 times a power of ten).
fn nice_step(raw: f64) -> (f64, usize) {
    let raw = if raw > 0.0 && raw.is_finite() { raw } else { 1.0 };
    let exponent = raw.log10().floor();
    let base = 10f64.powf(exponent);
    let fraction = raw / base;
    let (mult, extra): (f64, i64) = if fraction <= 1.0 {
        (1.0, 0)
    } else if fraction <= 2.0 {
        (2.0, 0)
    } else if fraction <= 2.5 {
        (2.5, 1)
    } else if fraction <= 5.0 {
        (5.0, 0)
    } else {
        (10.0, 0)
    };
    let step = mult * base;
    // Digits after the point: those of the power of ten, one more for a 2.5 step.
    let decimals = (-(step.log10().floor()) as i64 + extra).max(0) as usize;
    (step, decimals)
}

/// Ticks covering `[lo, hi]` with about `target` intervals; `extend` widens the range to whole
/// steps (returned as the first and last tick) instead of keeping only ticks inside it.
pub(crate) fn ticks(lo: f64, hi: f64, target: usize, extend: bool) -> Ticks {
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else if lo == 0.0 {
        (-1.0, 1.0)
    } else {
        (lo - lo.abs() * 0.1, hi + hi.abs() * 0.1)
    };
    let (step, decimals) = nice_step((hi - lo) / target.max(1) as f64);
    let (first, last) = if extend {
        ((lo / step + 1e-9).floor(), (hi / step - 1e-9).ceil())
    } else {
        ((lo / step - 1e-9).ceil(), (hi / step + 1e-9).floor())
    };
    let n = (last - first).max(0.0) as i64;
    let values = (0..=n)
        .map(|i| (first + i as f64) * step)
        .map(|v| if v.abs() < step * 1e-9 { 0.0 } else { v })
        .collect();
    Ticks { values, step, decimals }
}

/// A tick label with fixed decimals and U+2212 MINUS SIGN for negatives.
pub(crate) fn tick_label(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    let zero = s.chars().all(|c| c == '0' || c == '.');
    if v < 0.0 && !zero { format!("\u{2212}{s}") } else { s }
}

/// Formats a p-value or FDR for a subtitle: 2 significant digits, scientific below 0.001,
/// as `1.2e−5` (true minus sign).
pub(crate) fn fmt_p(p: f64) -> String {
    if !p.is_finite() {
        return "NA".to_owned();
    }
    if p == 0.0 {
        return "0".to_owned();
    }
    if p >= 0.001 {
        let decimals = (-(p.log10().floor()) as i64 + 1).max(1) as usize;
        return format!("{p:.decimals$}");
    }
    format!("{p:.1e}").replace("e-", "e\u{2212}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_ticks() {
        let t = ticks(-2.3, 2.7, 5, true);
        assert_eq!(t.values, vec![-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0]);
        assert_eq!(t.decimals, 0);
        let t = ticks(0.0, 0.62, 4, false);
        assert_eq!(t.step, 0.2);
        assert_eq!(t.decimals, 1);
        let t = ticks(0.0, 12.0, 5, false);
        assert_eq!(t.step, 2.5);
        assert_eq!(t.decimals, 1);
        let t = ticks(0.0, 104.0, 5, true);
        assert_eq!(t.values.first(), Some(&0.0));
        assert_eq!(t.values.last(), Some(&125.0));
        assert_eq!(t.decimals, 0);
        let t = ticks(0.0, 0.0, 4, true);
        assert!(t.values.contains(&0.0));
    }

    #[test]
    fn labels_use_minus_sign() {
        assert_eq!(tick_label(-1.5, 1), "\u{2212}1.5");
        assert_eq!(tick_label(-0.0, 1), "0.0");
        assert_eq!(tick_label(2.0, 0), "2");
    }

    #[test]
    fn p_values() {
        assert_eq!(fmt_p(0.0123), "0.012");
        assert_eq!(fmt_p(0.5), "0.50");
        assert_eq!(fmt_p(1.234e-5), "1.2e\u{2212}5");
    }
}
