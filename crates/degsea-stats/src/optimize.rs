//! R's `optimize()`: Brent's derivative-free one-dimensional minimiser, step for step.
//!
//! # References
//! R 4.2.2 `src/library/stats/src/optimize.c` (`Brent_fmin`, `fcn1`); R. P. Brent (1973),
//! *Algorithms for Minimization without Derivatives*, Prentice-Hall, ch. 5 (`fmin`).

/// R `optimize()`'s default tolerance, `.Machine$double.eps^0.25`.
pub const OPTIMIZE_DEFAULT_TOL: f64 = 0.0001220703125;

/// Minimise `f` on `[lower, upper]` exactly as R's `optimize(f, c(lower, upper), tol = tol)`
/// does, returning the abscissa of the minimum (R's `$minimum`). For a maximum (R's
/// `maximum = TRUE`) pass `|x| -f(x)`.
///
/// As in R (`fcn1`), a non-finite function value is replaced by `f64::MAX`. Where R's
/// `do_fmin` stops with an error (non-finite bounds, `lower >= upper`, non-finite or
/// non-positive `tol`) this returns `NaN` without evaluating `f`.
///
/// # References
/// R 4.2.2 `src/library/stats/src/optimize.c: Brent_fmin`; Brent (1973), ch. 5.
///
/// ```
/// let x = degsea_stats::brent_fmin(|x| (x - 1.0f64 / 3.0).powi(2), 0.0, 1.0, 1e-10);
/// assert!((x - 1.0 / 3.0).abs() < 1e-9);
/// ```
#[doc(alias = "optimize")]
#[doc(alias = "Brent_fmin")]
pub fn brent_fmin<F: FnMut(f64) -> f64>(mut f: F, lower: f64, upper: f64, tol: f64) -> f64 {
    if !lower.is_finite() || !upper.is_finite() || lower >= upper || !tol.is_finite() || tol <= 0.0 {
        return f64::NAN;
    }
    let mut fcn = |x: f64| {
        let v = f(x);
        if v.is_finite() { v } else { f64::MAX }
    };
    // c is the squared inverse of the golden ratio
    let c = (3. - 5f64.sqrt()) * 0.5;
    let eps = f64::EPSILON.sqrt();

    let mut a = lower;
    let mut b = upper;
    let mut v = a + c * (b - a);
    let mut w = v;
    let mut x = v;

    let mut d = 0.0_f64;
    let mut e = 0.0_f64;
    let mut fx = fcn(x);
    let mut fv = fx;
    let mut fw = fx;
    let tol3 = tol / 3.;

    loop {
        let xm = (a + b) * 0.5;
        let tol1 = eps * x.abs() + tol3;
        let t2 = tol1 * 2.;
        // check stopping criterion
        if (x - xm).abs() <= t2 - (b - a) * 0.5 {
            break;
        }
        let mut p = 0.0_f64;
        let mut q = 0.0_f64;
        let mut r = 0.0_f64;
        if e.abs() > tol1 {
            // fit parabola
            r = (x - w) * (fx - fv);
            q = (x - v) * (fx - fw);
            p = (x - v) * q - (x - w) * r;
            q = (q - r) * 2.;
            if q > 0. {
                p = -p;
            } else {
                q = -q;
            }
            r = e;
            e = d;
        }
        if p.abs() >= (q * 0.5 * r).abs() || p <= q * (a - x) || p >= q * (b - x) {
            // a golden-section step
            e = if x < xm { b - x } else { a - x };
            d = c * e;
        } else {
            // a parabolic-interpolation step
            d = p / q;
            let u = x + d;
            // f must not be evaluated too close to ax or bx
            if u - a < t2 || b - u < t2 {
                d = tol1;
                if x >= xm {
                    d = -d;
                }
            }
        }
        // f must not be evaluated too close to x
        let u = if d.abs() >= tol1 {
            x + d
        } else if d > 0. {
            x + tol1
        } else {
            x - tol1
        };
        let fu = fcn(u);
        // update a, b, v, w, and x
        if fu <= fx {
            if u < x {
                b = x;
            } else {
                a = x;
            }
            v = w;
            w = x;
            x = u;
            fv = fw;
            fw = fx;
            fx = fu;
        } else {
            if u < x {
                a = u;
            } else {
                b = u;
            }
            if fu <= fw || w == x {
                v = w;
                fv = fw;
                w = u;
                fw = fu;
            } else if fu <= fv || v == x || v == w {
                v = u;
                fv = fu;
            }
        }
    }
    x
}

/// R's `uniroot(f, c(ax, bx), f.lower = fa, f.upper = fb, tol, maxiter)`: Brent's root finder
/// `R_zeroin2` step for step (inverse quadratic interpolation, secant, bisection), for `f` with
/// `fa`, `fb` of opposite signs. Returns the root (R's `$root`).
///
/// # References
/// R 4.2.2 `src/library/stats/src/zeroin.c` (`R_zeroin2`); Brent (1973), ch. 4 (`zero`).
///
/// ```
/// let f = |x: f64| x * x - 2.0;
/// let r = degsea_stats::zeroin(f, 0.0, 2.0, f(0.0), f(2.0), 1e-12, 1000);
/// assert!((r - 2f64.sqrt()).abs() < 1e-12);
/// ```
#[doc(alias = "uniroot")]
#[doc(alias = "R_zeroin2")]
pub fn zeroin<F: FnMut(f64) -> f64>(
    mut f: F,
    ax: f64,
    bx: f64,
    fa: f64,
    fb: f64,
    tol: f64,
    maxit: usize,
) -> f64 {
    let (mut a, mut b) = (ax, bx);
    let (mut fa, mut fb) = (fa, fb);
    let (mut c, mut fc) = (a, fa);
    if fa == 0.0 {
        return a;
    }
    if fb == 0.0 {
        return b;
    }
    for _ in 0..=maxit {
        let prev_step = b - a;
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol_act = 2.0 * f64::EPSILON * b.abs() + tol / 2.0;
        let mut new_step = (c - b) / 2.0;
        if new_step.abs() <= tol_act || fb == 0.0 {
            return b;
        }
        if prev_step.abs() >= tol_act && fa.abs() > fb.abs() {
            let cb = c - b;
            let (mut p, mut q);
            if a == c {
                let t1 = fb / fa;
                p = cb * t1;
                q = 1.0 - t1;
            } else {
                let qq = fa / fc;
                let t1 = fb / fc;
                let t2 = fb / fa;
                p = t2 * (cb * qq * (qq - t1) - (b - a) * (t1 - 1.0));
                q = (qq - 1.0) * (t1 - 1.0) * (t2 - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if p < (0.75 * cb * q - (tol_act * q).abs() / 2.0) && p < (prev_step * q / 2.0).abs() {
                new_step = p / q;
            }
        }
        if new_step.abs() < tol_act {
            new_step = if new_step > 0.0 { tol_act } else { -tol_act };
        }
        a = b;
        fa = fb;
        b += new_step;
        fb = f(b);
        if (fb > 0.0 && fc > 0.0) || (fb < 0.0 && fc < 0.0) {
            c = a;
            fc = fa;
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_arguments_give_nan() {
        assert!(brent_fmin(|x| x * x, 1.0, 0.0, 1e-6).is_nan());
        assert!(brent_fmin(|x| x * x, f64::NAN, 1.0, 1e-6).is_nan());
        assert!(brent_fmin(|x| x * x, 0.0, 1.0, 0.0).is_nan());
    }

    #[test]
    fn non_finite_values_are_avoided() {
        // f is NaN on the left half: treated as DBL_MAX, so the minimum on the right is found
        let x = brent_fmin(|x| if x < 0.5 { f64::NAN } else { (x - 0.8) * (x - 0.8) }, 0.0, 1.0, 1e-8);
        assert!((x - 0.8).abs() < 1e-6, "{x}");
    }

    #[test]
    fn maximum_via_negation() {
        let x = brent_fmin(|x| -(-(x - 2.0) * (x - 2.0) + 3.0), 0.0, 5.0, OPTIMIZE_DEFAULT_TOL);
        assert!((x - 2.0).abs() < 1e-4, "{x}");
    }
}
