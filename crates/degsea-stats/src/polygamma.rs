//! Digamma and trigamma functions, ported from R 4.2.2 nmath (`dpsifn`, Amos' algorithm 610,
//! specialised to the single-value case `kode = 1, m = 1` that R's `digamma()`/`trigamma()` use).
//!
//! # References
//! R 4.2.2 `src/nmath/polygamma.c`; D. E. Amos (1983), "A portable Fortran subroutine for
//! derivatives of the psi function", Algorithm 610, ACM TOMS 9, 494–502.

use crate::dpq::{DBL_EPSILON, M_PI, fmax2, r_pow_di};

/// Bernoulli numbers used by the asymptotic expansion.
const BVALUES: [f64; 22] = [
    1.00000000000000000e+00,
    -5.00000000000000000e-01,
    1.66666666666666667e-01,
    -3.33333333333333333e-02,
    2.38095238095238095e-02,
    -3.33333333333333333e-02,
    7.57575757575757576e-02,
    -2.53113553113553114e-01,
    1.16666666666666667e+00,
    -7.09215686274509804e+00,
    5.49711779448621554e+01,
    -5.29124242424242424e+02,
    6.19212318840579710e+03,
    -8.65802531135531136e+04,
    1.42551716666666667e+06,
    -2.72982310678160920e+07,
    6.01580873900642368e+08,
    -1.51163157670921569e+10,
    4.29614643061166667e+11,
    -1.37116552050883328e+13,
    4.88332318973593167e+14,
    -1.92965793419400681e+16,
];

/// `n_max` of R's polygamma.c.
const N_MAX: i32 = 100;

/// (d/dx)^n cot(x) for n = 0, 1 (the only orders used here).
fn d_n_cot(x: f64, n: i32) -> f64 {
    match n {
        0 => x.cos() / x.sin(),
        1 => -1. / r_pow_di(x.sin(), 2),
        _ => f64::NAN,
    }
}

/// `dpsifn(x, n, kode = 1, m = 1)`: returns `(-1)^(n+1)/n! · psi^(n)(x)`, or NaN on error.
fn dpsifn(x: f64, n: i32) -> f64 {
    if x <= 0. {
        if x == x.round() {
            return if n % 2 != 0 { f64::INFINITY } else { f64::NAN };
        }
        let mut ans = dpsifn(1. - x, n);
        let x = x * M_PI;
        let mut t1 = 1.;
        let mut t2 = 1.;
        let mut s = 1.;
        let mut k = 0;
        let mut j = -n;
        while j < 1 {
            t1 *= M_PI;
            if k >= 2 {
                t2 *= f64::from(k);
            }
            if j >= 0 {
                ans = s * (ans + t1 / t2 * d_n_cot(x, k));
            }
            k += 1;
            j += 1;
            s = -s;
        }
        return ans;
    }
    let xln = x.ln();
    let lrg = 1. / (2. * DBL_EPSILON);
    if n == 0 && x * xln > lrg {
        return -xln;
    } else if n >= 1 && x > f64::from(n) * lrg {
        return (-f64::from(n) * xln).exp() / f64::from(n);
    }
    let nx0: i32 = 1021;
    let r1m5 = std::f64::consts::LOG10_2;
    let r1m4 = DBL_EPSILON * 0.5;
    let wdtol = fmax2(r1m4, 0.5e-18);
    let elim = 2.302 * (f64::from(nx0) * r1m5 - 3.0);
    let rln = (r1m5 * 53.).min(18.06);
    let mut fln = fmax2(rln, 3.0) - 3.0;
    let yint = 3.50 + 0.40 * fln;
    let slope = 0.21 + fln * (0.0006038 * fln + 0.008677);

    let nn = n;
    let fn_ = f64::from(nn);
    let mut t = (fn_ + 1.) * xln;
    let (xdmy, xdmln, xinc);
    if t.abs() > elim {
        if t <= 0.0 {
            return f64::NAN;
        }
        return 0.;
    }
    if x < wdtol {
        return r_pow_di(x, -n - 1);
    }
    let mut xm = yint + slope * fn_;
    let mx = xm as i32 + 1;
    let xmin = f64::from(mx);
    let mut series = false;
    if n != 0 {
        xm = -2.302 * rln - 0.0_f64.min(xln);
        let arg = 0.0_f64.min(xm / f64::from(n));
        let eps = arg.exp();
        xm = if arg.abs() < 1.0e-3 { -arg } else { 1. - eps };
        fln = x * xm / eps;
        xm = xmin - x;
        if xm > 7.0 && fln < 15.0 {
            series = true;
        }
    }
    if series {
        let nn = fln as i32 + 1;
        let np = n + 1;
        let t1 = f64::from(n + 1) * xln;
        let mut s = (-t1).exp();
        let mut den = x;
        for _ in 1..=nn {
            den += 1.;
            s += den.powf(f64::from(-np));
        }
        return s;
    }
    if x < xmin {
        let nx = x as i32;
        xinc = xmin - f64::from(nx);
        xdmy = x + xinc;
        xdmln = xdmy.ln();
    } else {
        xdmy = x;
        xdmln = xln;
        xinc = 0.0;
    }
    t = fn_ * xdmln;
    let t1 = xdmln + xdmln;
    let t2 = t + xdmln;
    let tk = fmax2(t.abs(), fmax2(t1.abs(), t2.abs()));
    if tk > elim {
        return 0.;
    }
    // L10:
    let tss = (-t).exp();
    let tt = 0.5 / xdmy;
    let mut t1 = tt;
    let tst = wdtol * tt;
    if nn != 0 {
        t1 = tt + 1.0 / fn_;
    }
    let rxsq = 1.0 / (xdmy * xdmy);
    let ta = 0.5 * rxsq;
    t = (fn_ + 1.) * ta;
    let mut s = t * BVALUES[2];
    if s.abs() >= tst {
        let mut tk = 2.0;
        for k in 4..=22 {
            t = t * ((tk + fn_ + 1.) / (tk + 1.0)) * ((tk + fn_) / (tk + 2.0)) * rxsq;
            let trm = t * BVALUES[k - 1];
            if trm.abs() < tst {
                break;
            }
            s += trm;
            tk += 2.;
        }
    }
    s = (s + t1) * tss;
    let mut goto_l20 = false;
    let mut nx = 0;
    if xinc != 0.0 {
        nx = xinc as i32;
        let np = nn + 1;
        if nx > N_MAX {
            return f64::NAN;
        }
        if nn == 0 {
            goto_l20 = true;
        } else {
            let mut xm = xinc - 1.0;
            let mut fx = x + xm;
            for _ in 1..=nx {
                s += fx.powf(f64::from(-np));
                xm -= 1.;
                fx = x + xm;
            }
        }
    }
    if goto_l20 {
        for i in 1..=nx {
            s += 1. / (x + f64::from(nx - i));
        }
    } else if fn_ != 0. {
        return s;
    }
    // L30:
    s - xdmln
}

/// Digamma function ψ(x) = d/dx log Γ(x), exactly as R's `digamma(x)`.
///
/// # References
/// R 4.2.2 `src/nmath/polygamma.c` (`digamma`, `dpsifn`); Amos (1983), ACM TOMS 9, 494–502.
///
/// ```
/// // psi(1) = -Euler's constant
/// assert!((degsea_stats::digamma(1.0) + 0.5772156649015329).abs() < 1e-15);
/// ```
pub fn digamma(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    -dpsifn(x, 0)
}

/// Trigamma function ψ′(x), exactly as R's `trigamma(x)`.
///
/// # References
/// R 4.2.2 `src/nmath/polygamma.c` (`trigamma`, `dpsifn`); Amos (1983), ACM TOMS 9, 494–502.
///
/// ```
/// // psi'(1) = pi^2 / 6
/// let v = degsea_stats::trigamma(1.0);
/// assert!((v - std::f64::consts::PI.powi(2) / 6.0).abs() < 1e-15);
/// ```
pub fn trigamma(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    dpsifn(x, 1)
}

/// Tetragamma function ψ″(x), exactly as R's `psigamma(x, deriv = 2)`.
///
/// # References
/// R 4.2.2 `src/nmath/polygamma.c` (`psigamma`, `dpsifn`); Amos (1983), ACM TOMS 9, 494–502.
///
/// ```
/// // psi''(1) = -2 zeta(3)
/// assert!((degsea_stats::tetragamma(1.0) + 2.0 * 1.2020569031595942).abs() < 1e-14);
/// ```
pub fn tetragamma(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    -2.0 * dpsifn(x, 2)
}
