//! Maximum of a cubic interpolating spline through grid values (edgeR `maximizeInterpolant`).
//!
//! Upstream files: `R/maximizeInterpolant.R`, `src/interpolator.c` and `src/fmm_spline.c`
//! (edgeR 4.x; `src/interpolator.cpp` in 3.40, same arithmetic). The spline is the
//! Forsythe–Malcolm–Moler spline of R's `splinefun(method = "fmm")` (R `stats/src/splines.c`).
//! Spec: ALGORITHMS.md §A7.1.

/// Coefficients of a cubic spline: on segment `i`, `S(x) = y_i + b_i u + c_i u² + d_i u³`
/// with `u = x − x_i`.
#[derive(Debug, Clone, PartialEq)]
pub struct SplineCoefficients {
    /// Linear coefficients.
    pub b: Vec<f64>,
    /// Quadratic coefficients.
    pub c: Vec<f64>,
    /// Cubic coefficients.
    pub d: Vec<f64>,
}

/// Fits the Forsythe–Malcolm–Moler interpolating cubic spline through `(x_i, y_i)` (`x`
/// strictly increasing), with end conditions matching the third derivatives of the cubics
/// through the first and last four points. Fewer than 2 points give all-zero coefficients.
///
/// ```
/// use degsea_de::spline::fmm_spline;
/// // A cubic is reproduced exactly.
/// let x = [0.0, 1.0, 2.0, 3.0, 4.0];
/// let y: Vec<f64> = x.iter().map(|v| v * v * v).collect();
/// let s = fmm_spline(&x, &y);
/// assert!((s.d[1] - 1.0).abs() < 1e-12 && (s.c[0]).abs() < 1e-12);
/// ```
///
/// # References
/// Forsythe, Malcolm & Moler (1977), *Computer Methods for Mathematical Computations*;
/// R `stats/src/splines.c: fmm_spline`, copied in edgeR `src/fmm_spline.c`.
pub fn fmm_spline(x: &[f64], y: &[f64]) -> SplineCoefficients {
    let n = x.len();
    assert_eq!(n, y.len(), "one y per x");
    let mut b = vec![0.0; n];
    let mut c = vec![0.0; n];
    let mut d = vec![0.0; n];
    if n < 2 {
        return SplineCoefficients { b, c, d };
    }
    if n < 3 {
        let t = y[1] - y[0];
        b[0] = t / (x[1] - x[0]);
        b[1] = b[0];
        return SplineCoefficients { b, c, d };
    }
    // 0-based transcription of the 1-based C code: index k here is k+1 there.
    let nm1 = n - 1;
    d[0] = x[1] - x[0];
    c[1] = (y[1] - y[0]) / d[0];
    for i in 1..nm1 {
        d[i] = x[i + 1] - x[i];
        b[i] = 2.0 * (d[i - 1] + d[i]);
        c[i + 1] = (y[i + 1] - y[i]) / d[i];
        c[i] = c[i + 1] - c[i];
    }
    b[0] = -d[0];
    b[nm1] = -d[n - 2];
    c[0] = 0.0;
    c[nm1] = 0.0;
    if n > 3 {
        c[0] = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0]);
        c[nm1] = c[n - 2] / (x[nm1] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4]);
        c[0] = c[0] * d[0] * d[0] / (x[3] - x[0]);
        c[nm1] = -c[nm1] * d[n - 2] * d[n - 2] / (x[nm1] - x[n - 4]);
    }
    for i in 1..n {
        let t = d[i - 1] / b[i - 1];
        b[i] -= t * d[i - 1];
        c[i] -= t * c[i - 1];
    }
    c[nm1] /= b[nm1];
    for i in (0..nm1).rev() {
        c[i] = (c[i] - d[i] * c[i + 1]) / b[i];
    }
    b[nm1] = (y[nm1] - y[n - 2]) / d[n - 2] + d[n - 2] * (c[n - 2] + 2.0 * c[nm1]);
    for i in 0..nm1 {
        b[i] = (y[i + 1] - y[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i]);
        d[i] = (c[i + 1] - c[i]) / d[i];
        c[i] *= 3.0;
    }
    c[nm1] *= 3.0;
    d[nm1] = d[n - 2];
    SplineCoefficients { b, c, d }
}

/// Interior local maximum of the cubic `y0 + b u + c u² + d u³` on `(0, h)`, if its value
/// beats `best`: returns `(u, value)`.
fn segment_max(y0: f64, b: f64, c: f64, d: f64, h: f64, best: f64) -> Option<(f64, f64)> {
    let delta = c * c - 3.0 * d * b;
    if delta < 0.0 {
        return None;
    }
    let u = (-c - delta.sqrt()) / (3.0 * d);
    if u > 0.0 && u < h {
        let value = ((d * u + c) * u + b) * u + y0;
        if value > best {
            return Some((u, value));
        }
    }
    None
}

/// Abscissa of the maximum of the FMM spline through `(x_i, y_i)`: the best grid point,
/// improved by the analytic maximum of the spline on the segment to its left and then on the
/// segment to its right when those exceed it.
///
/// ```
/// use degsea_de::spline::maximize_interpolant;
/// let x: Vec<f64> = (0..11).map(|i| -6.0 + 1.2 * f64::from(i)).collect();
/// let y: Vec<f64> = x.iter().map(|v| -(v - 0.7) * (v - 0.7) + 0.01 * v * v * v).collect();
/// // edgeR 3.40.2: maximizeInterpolant(x, rbind(y)) = 0.70750852468758296
/// assert!((maximize_interpolant(&x, &y) - 0.70750852468758296).abs() < 1e-12);
/// ```
///
/// # References
/// edgeR 3.40.2 `R/maximizeInterpolant.R`, `src/interpolator.cpp: find_max`
/// (Robinson & Smyth 2007, Bioinformatics 23:2881).
#[doc(alias = "maximizeInterpolant")]
pub fn maximize_interpolant(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len();
    assert!(n >= 1 && n == y.len(), "grid and values must be non-empty and of equal length");
    let mut at = 0;
    let mut best = y[0];
    for (i, &v) in y.iter().enumerate().skip(1) {
        if v > best {
            best = v;
            at = i;
        }
    }
    let mut x_max = x[at];
    let s = fmm_spline(x, y);
    if at > 0 {
        let j = at - 1;
        if let Some((u, v)) = segment_max(y[j], s.b[j], s.c[j], s.d[j], x[at] - x[j], best) {
            best = v;
            x_max = u + x[j];
        }
    }
    if at + 1 < n {
        let j = at;
        if let Some((u, _)) = segment_max(y[j], s.b[j], s.c[j], s.d[j], x[at + 1] - x[j], best) {
            x_max = u + x[j];
        }
    }
    x_max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maximum_at_grid_end_stays() {
        let x: Vec<f64> = (0..11).map(f64::from).collect();
        let y = x.clone();
        assert_eq!(maximize_interpolant(&x, &y), 10.0);
        let y: Vec<f64> = x.iter().map(|v| -*v).collect();
        assert_eq!(maximize_interpolant(&x, &y), 0.0);
    }
}
