//! R's `lowess()` scatterplot smoother (Cleveland 1979), as `stats::lowess` computes it.

/// Local weighted linear fit at `xs` over `x[nleft..=nright]` (and ties to the right), R's
/// `lowest`. Returns `None` when every weight is zero.
#[allow(clippy::too_many_arguments)]
fn lowest(
    x: &[f64],
    y: &[f64],
    xs: f64,
    nleft: usize,
    nright: usize,
    w: &mut [f64],
    rw: Option<&[f64]>,
) -> Option<f64> {
    let n = x.len();
    let range = x[n - 1] - x[0];
    let h = (xs - x[nleft]).max(x[nright] - xs);
    let h9 = 0.999 * h;
    let h1 = 0.001 * h;
    let mut a = 0.0;
    let mut j = nleft;
    while j < n {
        w[j] = 0.0;
        let r = (x[j] - xs).abs();
        if r <= h9 {
            w[j] = if r <= h1 { 1.0 } else { (1.0 - (r / h).powi(3)).powi(3) };
            if let Some(rw) = rw {
                w[j] *= rw[j];
            }
            a += w[j];
        } else if x[j] > xs {
            break;
        }
        j += 1;
    }
    let nrt = j - 1;
    if a <= 0.0 {
        return None;
    }
    for wj in &mut w[nleft..=nrt] {
        *wj /= a;
    }
    if h > 0.0 {
        let mut a = 0.0;
        for j in nleft..=nrt {
            a += w[j] * x[j];
        }
        let mut b = xs - a;
        let mut c = 0.0;
        for j in nleft..=nrt {
            c += w[j] * (x[j] - a) * (x[j] - a);
        }
        if c.sqrt() > 0.001 * range {
            b /= c;
            for j in nleft..=nrt {
                w[j] *= b * (x[j] - a) + 1.0;
            }
        }
    }
    let mut ys = 0.0;
    for j in nleft..=nrt {
        ys += w[j] * y[j];
    }
    Some(ys)
}

/// Partial sort placing the `k`-th smallest value at `k` (R's `rPsort`; only `v[k]` is used).
fn kth(v: &mut [f64], k: usize) -> f64 {
    let (_, m, _) = v.select_nth_unstable_by(k, f64::total_cmp);
    *m
}

/// `lowess(x, y, f, iter, delta)` on points already sorted by `x` (R sorts with `order(x)`
/// first): `f` the smoother span, `iter` robustifying iterations, `delta` the distance within
/// which fits are interpolated (R's default `0.01 · diff(range(x))`). Returns the fitted values
/// in the order of `x`.
///
/// # Panics
/// If `x` and `y` differ in length.
///
/// # References
/// R 4.2.2 `src/library/stats/src/lowess.c` (`clowess`, `lowest`); Cleveland (1979), *JASA*
/// 74:829.
///
/// ```
/// let x: Vec<f64> = (0..20).map(f64::from).collect();
/// let y: Vec<f64> = x.iter().map(|v| 2.0 * v + 1.0).collect();
/// let fit = degsea_stats::lowess(&x, &y, 0.5, 3, 0.19);
/// assert!(fit.iter().zip(&y).all(|(a, b)| (a - b).abs() < 1e-12));
/// ```
#[doc(alias = "clowess")]
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
pub fn lowess(x: &[f64], y: &[f64], f: f64, iter: usize, delta: f64) -> Vec<f64> {
    let n = x.len();
    assert_eq!(y.len(), n, "x and y differ in length");
    if n < 2 {
        return y.to_vec();
    }
    let ns = ((f * n as f64 + 1e-7) as usize).clamp(2, n);
    let mut ys = vec![0.0; n];
    let mut rw = vec![0.0; n];
    let mut res = vec![0.0; n];
    let mut it = 1;
    while it <= iter + 1 {
        let mut nleft = 0;
        let mut nright = ns - 1;
        let mut last: Option<usize> = None;
        let mut i = 0;
        loop {
            if nright < n - 1 {
                let d1 = x[i] - x[nleft];
                let d2 = x[nright + 1] - x[i];
                if d1 > d2 {
                    nleft += 1;
                    nright += 1;
                    continue;
                }
            }
            let robust = (it > 1).then_some(rw.as_slice());
            ys[i] = lowest(x, y, x[i], nleft, nright, &mut res, robust).unwrap_or(y[i]);
            let prev = last.map_or(0, |l| l + 1);
            if let Some(l) = last
                && l + 1 < i
            {
                let denom = x[i] - x[l];
                for j in prev..i {
                    let alpha = (x[j] - x[l]) / denom;
                    ys[j] = alpha * ys[i] + (1.0 - alpha) * ys[l];
                }
            }
            let mut l = i;
            let cut = x[l] + delta;
            let mut k = l + 1;
            while k < n {
                if x[k] > cut {
                    break;
                }
                if x[k] == x[l] {
                    ys[k] = ys[l];
                    l = k;
                }
                k += 1;
            }
            last = Some(l);
            i = (l + 1).max(k - 1);
            if l >= n - 1 {
                break;
            }
        }
        for k in 0..n {
            res[k] = y[k] - ys[k];
        }
        let sc = res.iter().map(|r| r.abs()).sum::<f64>() / n as f64;
        if it > iter {
            break;
        }
        for k in 0..n {
            rw[k] = res[k].abs();
        }
        let m1 = n / 2;
        let cmad = if n.is_multiple_of(2) {
            let m2 = n - m1 - 1;
            let a = kth(&mut rw, m1);
            let b = kth(&mut rw, m2);
            3.0 * (a + b)
        } else {
            6.0 * kth(&mut rw, m1)
        };
        if cmad < 1e-7 * sc {
            break;
        }
        let c9 = 0.999 * cmad;
        let c1 = 0.001 * cmad;
        for k in 0..n {
            let r = res[k].abs();
            rw[k] = if r <= c1 {
                1.0
            } else if r <= c9 {
                let u = r / cmad;
                (1.0 - u * u) * (1.0 - u * u)
            } else {
                0.0
            };
        }
        it += 1;
    }
    ys
}
