//! Internal helpers mirroring R nmath's `dpq.h` macros and `Rmath.h` constants.
//!
//! # References
//! R 4.2.2 `src/nmath/dpq.h`, `src/nmath/nmath.h`, `src/include/Rmath.h0.in`.

/// `M_LN2`.
pub(crate) const M_LN2: f64 = std::f64::consts::LN_2;
/// `M_PI`.
pub(crate) const M_PI: f64 = std::f64::consts::PI;
/// `M_2PI` = 2π.
pub(crate) const M_2PI: f64 = std::f64::consts::TAU;
/// `M_LN_2PI` = log(2π).
pub(crate) const M_LN_2PI: f64 = 1.837_877_066_409_345_483_560_659_472_811;
/// `M_LN_SQRT_2PI` = log(√(2π)).
pub(crate) const M_LN_SQRT_2PI: f64 = 0.918_938_533_204_672_741_780_329_736_406;
/// `M_LN_SQRT_PId2` = log(√(π/2)).
pub(crate) const M_LN_SQRT_PID2: f64 = 0.225_791_352_644_727_432_363_097_614_947;
/// `M_1_SQRT_2PI` = 1/√(2π).
pub(crate) const M_1_SQRT_2PI: f64 = 0.398_942_280_401_432_677_939_946_059_934;
/// `M_SQRT_32` = √32.
pub(crate) const M_SQRT_32: f64 = 5.656_854_249_492_380_195_206_754_896_838;
/// `M_SQRT2`.
pub(crate) const M_SQRT2: f64 = std::f64::consts::SQRT_2;
/// `DBL_EPSILON`.
pub(crate) const DBL_EPSILON: f64 = f64::EPSILON;
/// `DBL_MIN` (smallest normalised double).
pub(crate) const DBL_MIN: f64 = f64::MIN_POSITIVE;
/// `DBL_MAX`.
pub(crate) const DBL_MAX: f64 = f64::MAX;

/// R `fmax2(x, y)` (NaN-propagating maximum).
#[inline]
pub(crate) fn fmax2(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        return x + y;
    }
    if x < y { y } else { x }
}

/// R `R_pow_di(x, n)` as compiled into R itself (`src/main/arithmetic.c`): repeated squaring,
/// with the reciprocal taken at the end for negative `n`.
pub(crate) fn r_pow_di(x: f64, n: i32) -> f64 {
    if x.is_nan() {
        return x;
    }
    let mut xn = 1.0;
    if n != 0 {
        if !x.is_finite() {
            return x.powf(f64::from(n));
        }
        let is_neg = n < 0;
        let mut n = n.unsigned_abs();
        let mut x = x;
        loop {
            if n & 1 != 0 {
                xn *= x;
            }
            n >>= 1;
            if n == 0 {
                break;
            }
            x *= x;
        }
        if is_neg {
            xn = 1. / xn;
        }
    }
    xn
}

/// `R_D__0`.
#[inline]
pub(crate) fn d0(log_p: bool) -> f64 {
    if log_p { f64::NEG_INFINITY } else { 0.0 }
}
/// `R_D__1`.
#[inline]
pub(crate) fn d1(log_p: bool) -> f64 {
    if log_p { 0.0 } else { 1.0 }
}
/// `R_DT_0`.
#[inline]
pub(crate) fn dt0(lower_tail: bool, log_p: bool) -> f64 {
    if lower_tail { d0(log_p) } else { d1(log_p) }
}
/// `R_DT_1`.
#[inline]
pub(crate) fn dt1(lower_tail: bool, log_p: bool) -> f64 {
    if lower_tail { d1(log_p) } else { d0(log_p) }
}
/// `R_D_exp(x)`.
#[inline]
pub(crate) fn d_exp(x: f64, log_p: bool) -> f64 {
    if log_p { x } else { x.exp() }
}
/// `R_Log1_Exp(x)` = log(1 − exp(x)), stable.
#[inline]
pub(crate) fn log1_exp(x: f64) -> f64 {
    if x > -M_LN2 { (-x.exp_m1()).ln() } else { (-x.exp()).ln_1p() }
}
/// `R_D_LExp(x)`.
#[inline]
pub(crate) fn d_lexp(x: f64, log_p: bool) -> f64 {
    if log_p { log1_exp(x) } else { (-x).ln_1p() }
}
/// `R_D_log(p)`.
#[inline]
pub(crate) fn d_log(p: f64, log_p: bool) -> f64 {
    if log_p { p } else { p.ln() }
}
/// `R_DT_log(p)`: log(p) in qF.
#[inline]
pub(crate) fn dt_log(p: f64, lower_tail: bool, log_p: bool) -> f64 {
    if lower_tail { d_log(p, log_p) } else { d_lexp(p, log_p) }
}
/// `R_DT_Clog(p)`: log(1 − p) in qF.
#[inline]
pub(crate) fn dt_clog(p: f64, lower_tail: bool, log_p: bool) -> f64 {
    if lower_tail { d_lexp(p, log_p) } else { d_log(p, log_p) }
}
/// `R_D_Lval(p)`.
#[inline]
pub(crate) fn d_lval(p: f64, lower_tail: bool) -> f64 {
    if lower_tail { p } else { 0.5 - p + 0.5 }
}
/// `R_D_Cval(p)`.
#[inline]
pub(crate) fn d_cval(p: f64, lower_tail: bool) -> f64 {
    if lower_tail { 0.5 - p + 0.5 } else { p }
}
/// `R_DT_qIv(p)`: the lower-tail probability on the natural scale.
#[inline]
pub(crate) fn dt_qiv(p: f64, lower_tail: bool, log_p: bool) -> f64 {
    if log_p { if lower_tail { p.exp() } else { -p.exp_m1() } } else { d_lval(p, lower_tail) }
}
/// `R_DT_CIv(p)`: the upper-tail probability on the natural scale.
#[inline]
pub(crate) fn dt_civ(p: f64, lower_tail: bool, log_p: bool) -> f64 {
    if log_p { if lower_tail { -p.exp_m1() } else { p.exp() } } else { d_cval(p, lower_tail) }
}
/// `R_forceint(x)` = `nearbyint(x)` (round half to even).
#[inline]
pub(crate) fn forceint(x: f64) -> f64 {
    x.round_ties_even()
}
/// `R_nonint(x)`.
#[inline]
pub(crate) fn nonint(x: f64) -> bool {
    (x - forceint(x)).abs() > 1e-7 * x.abs().max(1.0)
}

/// `R_Q_P01_check` + boundaries: returns `Some(value)` when `p` is out of range or a boundary.
#[inline]
pub(crate) fn q_p01_boundaries(p: f64, left: f64, right: f64, lower_tail: bool, log_p: bool) -> Option<f64> {
    if log_p {
        if p > 0.0 {
            return Some(f64::NAN);
        }
        if p == 0.0 {
            return Some(if lower_tail { right } else { left });
        }
        if p == f64::NEG_INFINITY {
            return Some(if lower_tail { left } else { right });
        }
    } else {
        if !(0.0..=1.0).contains(&p) {
            return Some(f64::NAN);
        }
        if p == 0.0 {
            return Some(if lower_tail { left } else { right });
        }
        if p == 1.0 {
            return Some(if lower_tail { right } else { left });
        }
    }
    None
}

/// Exact power of two `2^n` for `n ∈ [-1074, 1023]`.
fn pow2(n: i64) -> f64 {
    debug_assert!((-1074..=1023).contains(&n));
    if n >= -1022 { f64::from_bits(((n + 1023) as u64) << 52) } else { f64::from_bits(1_u64 << (n + 1074)) }
}

/// C `ldexp(x, e)` = x·2^e with a single rounding (gradual underflow included).
pub(crate) fn ldexp(x: f64, e: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let (r, k) = frexp(x);
    let n = i64::from(k) + i64::from(e);
    if n > 1024 {
        return x.signum() * f64::INFINITY;
    }
    if n >= -1021 {
        return (r * 2.0) * pow2(n - 1);
    }
    if n < -1134 {
        return x.signum() * 0.0;
    }
    (r * pow2(-60)) * pow2(n + 60)
}

/// C `frexp(x)`: returns `(r, e)` with `x = r·2^e`, `|r| ∈ [0.5, 1)`.
pub(crate) fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let bits = x.to_bits();
    let exp_bits = ((bits >> 52) & 0x7ff) as i32;
    if exp_bits == 0 {
        // subnormal: scale up first
        let (r, e) = frexp(x * 2f64.powi(54));
        return (r, e - 54);
    }
    let e = exp_bits - 1022;
    let r = f64::from_bits((bits & !(0x7ff_u64 << 52)) | (1022_u64 << 52));
    (r, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frexp_ldexp_roundtrip() {
        for &x in &[1.0, 0.75, 3.0, 1e-310, 1e300, -5.5] {
            let (r, e) = frexp(x);
            assert!((0.5..1.0).contains(&r.abs()), "{x} -> {r}");
            assert_eq!(ldexp(r, e), x);
        }
        assert_eq!(ldexp(1.0, -1074), 5e-324);
        assert_eq!(ldexp(3.0, 4), 48.0);
    }
}
