//! Number formatting for result tables.

/// Formats an `f64` with the fewest digits that read back to the same value (shortest
/// round-trip), switching to exponent notation outside `[1e-4, 1e15)` as R does for tiny
/// p-values; `NA` for NaN and `Inf`/`-Inf` for infinities (R's spelling).
///
/// ```
/// use degsea_io::table::fmt_f64;
/// assert_eq!(fmt_f64(0.25), "0.25");
/// assert_eq!(fmt_f64(1.0), "1");
/// assert_eq!(fmt_f64(3.2e-300), "3.2e-300");
/// assert_eq!(fmt_f64(f64::NAN), "NA");
/// assert_eq!(fmt_f64(f64::NEG_INFINITY), "-Inf");
/// ```
pub fn fmt_f64(x: f64) -> String {
    if x.is_nan() {
        return "NA".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Inf".to_owned() } else { "-Inf".to_owned() };
    }
    let a = x.abs();
    if a != 0.0 && !(1e-4..1e15).contains(&a) { format!("{x:e}") } else { format!("{x}") }
}

/// Writes `x` formatted as [`fmt_f64`] without allocating (for large tables).
///
/// ```
/// let mut out = Vec::new();
/// degsea_io::table::write_f64(&mut out, 0.5)?;
/// degsea_io::table::write_f64(&mut out, f64::NAN)?;
/// degsea_io::table::write_f64(&mut out, 3.0)?;
/// assert_eq!(out, b"0.5NA3");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_f64(w: &mut impl std::io::Write, x: f64) -> std::io::Result<()> {
    if x.is_nan() {
        return w.write_all(b"NA");
    }
    if x.is_infinite() {
        return w.write_all(if x > 0.0 { b"Inf" } else { b"-Inf" });
    }
    let a = x.abs();
    if a != 0.0 && !(1e-4..1e15).contains(&a) { write!(w, "{x:e}") } else { write!(w, "{x}") }
}

/// R's spelling of a logical: `TRUE` or `FALSE`.
///
/// ```
/// assert_eq!(degsea_io::table::r_bool(true), "TRUE");
/// ```
pub fn r_bool(b: bool) -> &'static str {
    if b { "TRUE" } else { "FALSE" }
}

#[cfg(test)]
mod tests {
    use super::{fmt_f64, write_f64};

    #[test]
    fn round_trips() {
        for x in [0.1, 1.0 / 3.0, 1e-5, 123456.789, -2.5e-12, 5e20, 0.0, -0.0] {
            assert_eq!(fmt_f64(x).parse::<f64>().unwrap(), x);
            let mut w = Vec::new();
            write_f64(&mut w, x).unwrap();
            assert_eq!(String::from_utf8(w).unwrap(), fmt_f64(x));
        }
    }
}
