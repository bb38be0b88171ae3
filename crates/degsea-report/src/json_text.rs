//! Compact JSON numbers and script-safe JSON strings for the report's data blocks, appended to
//! a `String` without temporary allocations (the 60,000-row DE table has 300,000 numbers).
//!
//! A number is rounded to a number of significant digits and printed in the shorter of Rust's
//! plain (`{}`) and scientific (`{:e}`) shortest round-trip forms — the output of the former
//! `format!`-based writer, byte for byte (a test compares both on 300,000 values).

use std::fmt::Write as _;

/// A stack buffer for one formatted number (`{:.*e}` with at most 17 digits, `{:e}`).
struct NumBuf {
    bytes: [u8; 40],
    len: usize,
}

impl NumBuf {
    const fn new() -> Self {
        Self { bytes: [0; 40], len: 0 }
    }

    fn as_str(&self) -> &str {
        // Invariant: only `write_str` fills the buffer, with whole UTF-8 strings.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or("")
    }
}

impl std::fmt::Write for NumBuf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        if end > self.bytes.len() {
            return Err(std::fmt::Error);
        }
        self.bytes[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Length of Rust's plain `{}` form of a finite `f64` whose `{:e}` form is `sci`
/// (`[-]d[.ddd]e[-]x`): the shortest round-trip digits, placed without an exponent.
fn plain_len(sci: &str) -> usize {
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let sign = usize::from(mantissa.starts_with('-'));
    let digits = mantissa.bytes().filter(u8::is_ascii_digit).count() as i64;
    let body = if exp >= 0 {
        // `ddd000` or `dd.ddd`.
        if digits > exp + 1 { digits + 1 } else { exp + 1 }
    } else {
        // `0.000ddd`.
        2 + (-exp - 1) + digits
    };
    sign + body as usize
}

/// Appends `x` rounded to `digits` significant digits, as short as possible (`null` if not
/// finite): the shorter of the plain and the scientific shortest forms, plain on a tie.
pub(crate) fn push_num(out: &mut String, x: f64, digits: usize) {
    if !x.is_finite() {
        out.push_str("null");
        return;
    }
    let mut rounded = NumBuf::new();
    let r: f64 = if write!(rounded, "{:.*e}", digits.saturating_sub(1), x).is_ok() {
        rounded.as_str().parse().unwrap_or(x)
    } else {
        x
    };
    let mut sci = NumBuf::new();
    if write!(sci, "{r:e}").is_err() {
        let _ = write!(out, "{r}");
        return;
    }
    if sci.len < plain_len(sci.as_str()) {
        out.push_str(sci.as_str());
    } else {
        let _ = write!(out, "{r}");
    }
}

/// Appends `s` as a JSON string literal that is safe inside a `<script>` element (`</` and
/// `<!--` escaped), as `serde_json` writes it.
pub(crate) fn push_str(out: &mut String, s: &str) {
    let plain = s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\' && b != b'<' && b < 0x7f);
    if plain {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&script_safe(&serde_json::Value::String(s.to_owned()).to_string()));
    }
}

/// JSON text made safe inside a `<script>` element.
pub(crate) fn script_safe(json: &str) -> String {
    json.replace("</", "<\\/").replace("<!--", "<\\!--")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The former writer, kept as the oracle.
    fn json_num_format(x: f64, digits: usize) -> String {
        if !x.is_finite() {
            return "null".to_owned();
        }
        let r: f64 = format!("{:.*e}", digits.saturating_sub(1), x).parse().unwrap_or(x);
        let plain = format!("{r}");
        let sci = format!("{r:e}");
        if sci.len() < plain.len() { sci } else { plain }
    }

    fn num(x: f64, digits: usize) -> String {
        let mut s = String::new();
        push_num(&mut s, x, digits);
        s
    }

    #[test]
    fn numbers_match_the_format_based_writer() {
        let mut special = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            10.0,
            100.0,
            1e6,
            1e15,
            1e16,
            1e21,
            1e22,
            1e300,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            1e-5,
            1e-4,
            1.5e-7,
            0.001,
            0.01,
            123_456.789,
            9.9995,
            9.99995,
            0.099_995,
            999_999.5,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        special.extend((-30..30).map(|e| 10f64.powi(e)));
        special.extend((-30..30).map(|e| -1.2345e0 * 10f64.powi(e)));
        for &x in &special {
            for digits in 0..=17 {
                assert_eq!(num(x, digits), json_num_format(x, digits), "x = {x:e}, digits = {digits}");
            }
        }
        // A deterministic pseudo-random sweep over magnitudes and bit patterns.
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for i in 0..300_000 {
            let bits = next();
            let x = if i % 2 == 0 {
                f64::from_bits(bits)
            } else {
                // Values of the DE table's range: mantissa in [1, 10), exponent -320..40.
                let m = 1.0 + (bits >> 11) as f64 / (1u64 << 53) as f64 * 9.0;
                let e = (next() % 360) as i32 - 320;
                if bits & 1 == 0 { m * 10f64.powi(e) } else { -m * 10f64.powi(e) }
            };
            let digits = [4, 5, 6, 7][(i / 2) % 4];
            assert_eq!(num(x, digits), json_num_format(x, digits), "x = {x:e}, digits = {digits}");
        }
    }

    #[test]
    fn strings_match_serde_and_cannot_close_the_script() {
        for s in ["ENSG00000000003", "a</script>", "x<!--y", "quote\"back\\slash", "tab\there", "β-actin", ""]
        {
            let mut out = String::new();
            push_str(&mut out, s);
            assert_eq!(out, script_safe(&serde_json::Value::String(s.to_owned()).to_string()));
        }
        let mut out = String::new();
        push_str(&mut out, "a</script>");
        assert_eq!(out, "\"a<\\/script>\"");
    }
}
