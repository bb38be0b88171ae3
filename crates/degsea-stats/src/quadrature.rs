//! Gauss–Legendre quadrature on `[0, 1]`, as `statmod::gauss.quad.prob(n, dist = "uniform")`
//! gives it (nodes and weights summing to one).

/// Nodes and weights of the `n`-point Gauss–Legendre rule on `[0, 1]` (weights sum to one):
/// the roots of the Legendre polynomial `P_n` by Newton's method from Tricomi's approximation,
/// weights `2/((1 − t²) P_n'(t)²)`, mapped from `[−1, 1]`. statmod computes the same rule from
/// the eigen-decomposition of the Jacobi matrix (Golub & Welsch 1969); both are accurate to a
/// few ulps.
///
/// # References
/// statmod `gauss.quad.prob`; Golub & Welsch (1969), *Math. Comp.* 23:221.
///
/// ```
/// let (x, w) = degsea_stats::gauss_legendre_unit(8);
/// let integral: f64 = x.iter().zip(&w).map(|(x, w)| w * x.powi(5)).sum();
/// assert!((integral - 1.0 / 6.0).abs() < 1e-15);
/// ```
#[doc(alias = "gauss.quad.prob")]
#[allow(clippy::cast_precision_loss)]
pub fn gauss_legendre_unit(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut nodes = vec![0.0; n];
    let mut weights = vec![0.0; n];
    let nf = n as f64;
    for i in 0..n.div_ceil(2) {
        let mut t = (std::f64::consts::PI * (i as f64 + 0.75) / (nf + 0.5)).cos();
        let mut dp = 0.0;
        for _ in 0..100 {
            let (mut p0, mut p1) = (1.0, t);
            for k in 2..=n {
                let kf = k as f64;
                let p2 = ((2.0 * kf - 1.0) * t * p1 - (kf - 1.0) * p0) / kf;
                p0 = p1;
                p1 = p2;
            }
            let pn = if n == 0 { 1.0 } else { p1 };
            let pn1 = if n == 1 { 1.0 } else { p0 };
            dp = nf * (t * pn - pn1) / (t * t - 1.0);
            let step = pn / dp;
            t -= step;
            if step.abs() <= 1e-16 {
                break;
            }
        }
        let w = 1.0 / ((1.0 - t * t) * dp * dp);
        nodes[i] = (1.0 - t) / 2.0;
        nodes[n - 1 - i] = f64::midpoint(1.0, t);
        weights[i] = w;
        weights[n - 1 - i] = w;
    }
    (nodes, weights)
}
