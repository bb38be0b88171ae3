//! The ranking metric of every gene under many label permutations at once, from sums over the
//! samples of one class (Subramanian et al. 2005; GSEApy 1.3.1 `calculate_metric`, which
//! recomputes both classes' means and SDs per gene and permutation).
//!
//! Class sizes are the same in every permutation, so the sums of values and of squares over
//! the smaller class (`s`, `q`) give the other class by subtraction from the gene's totals. The
//! values are centred on the gene's (lower) median first, which keeps `q − s²/n` well
//! conditioned; a class's sum of squared deviations that still loses more than
//! [`CANCELLATION_GUARD`] of its magnitude to cancellation (a class nearly constant) is
//! recomputed exactly by [`gene_metric`]. The matrix is stored in chunks of [`LANES`] genes,
//! all samples of a chunk together (two cache lines per sample; squares are formed as they are
//! summed, which halves the memory streamed per batch), so the summed rows of a chunk stay in
//! L1 for every permutation of a batch and the arithmetic runs [`LANES`] genes wide. The loop is
//! compiled for AVX-512, AVX2 and the x86-64 baseline and picked at run time (`pulp`): the two
//! square roots per gene and permutation bound it, and on the Zen 4 we measure a 4-lane square
//! root takes as long as a 2-lane one (2.5 ns), an 8-lane one 1.7 times as long.

use super::Expression;
use super::metric::{ClassMoments, Metric, from_moments, gene_metric};

/// Genes per chunk (summed side by side: 16 gives AVX-512 two independent addition chains per
/// sum; measured 37 µs per permutation of the demo against 43 µs with 8 and 49 µs with 32).
const LANES: usize = 16;
/// A sum of squared deviations below this fraction of the sum of squares it was computed from
/// is recomputed by two passes (relative error of the one-pass form ≈ n·ε / fraction).
const CANCELLATION_GUARD: f64 = 1e-4;

/// One sample's centred values for the genes of one chunk (two whole cache lines).
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
struct Block([f64; LANES]);

/// [`ClassSums::metrics_with`] for one metric as a pulp operation, which pulp compiles once per
/// instruction set.
struct Kernel<'s, 'a, F> {
    sums: &'s ClassSums<'a>,
    batch: &'s [Permuted],
    out: &'s mut [Vec<f64>],
    metric: F,
}

impl<F: Fn(ClassMoments, ClassMoments) -> f64 + Copy> pulp::WithSimd for Kernel<'_, '_, F> {
    type Output = ();

    #[allow(
        clippy::inline_always,
        reason = "the body must be inlined into pulp's target-feature function to be compiled for it"
    )]
    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) {
        self.sums.metrics_with(self.batch, self.out, self.metric);
    }
}

/// A metric that is NaN in a permutation (a t statistic of two constant classes, `0/0`; a
/// log-ratio of means of opposite signs) ranks as 0, no difference between the classes.
#[inline]
fn defined(v: f64) -> f64 {
    if v.is_nan() { 0.0 } else { v }
}

/// One permutation's labels and, ascending, the samples of the summed class under them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Permuted {
    /// Test-class flag per sample.
    pub(crate) labels: Vec<bool>,
    /// Samples of the summed class.
    pub(crate) summed: Vec<usize>,
}

/// The centred matrix in chunks, and per-gene totals, for one class design.
#[derive(Debug, Clone)]
pub(crate) struct ClassSums<'a> {
    expr: &'a Expression,
    metric: Metric,
    /// The summed class is the test class.
    summed_is_test: bool,
    n_summed: f64,
    n_rest: f64,
    /// `1/n` and `1/(n − 1)` of the summed class and of the rest.
    reciprocals: [f64; 4],
    /// Per gene (padded to whole chunks): centre, sum and sum of squares of centred values.
    center: Vec<f64>,
    total: Vec<f64>,
    total_sq: Vec<f64>,
    /// `data[c·n + j]`: sample `j` of the genes of chunk `c`.
    data: Vec<Block>,
}

impl<'a> ClassSums<'a> {
    /// Lays out `expr` for permutations of `labels` (class sizes are taken from it).
    pub(crate) fn new(expr: &'a Expression, labels: &[bool], metric: Metric) -> Self {
        let n = expr.n_samples;
        let genes = expr.genes.len();
        let n_test = labels.iter().filter(|&&l| l).count();
        let summed_is_test = 2 * n_test <= n;
        let n_summed = if summed_is_test { n_test } else { n - n_test };
        let chunks = genes.div_ceil(LANES);
        let padded = chunks * LANES;
        let mut center = vec![0.0; padded];
        let mut total = vec![0.0; padded];
        let mut total_sq = vec![0.0; padded];
        let mut data = vec![Block([0.0; LANES]); chunks * n];
        let mut row_copy = Vec::with_capacity(n);
        for (g, row) in expr.values.chunks_exact(n).enumerate() {
            row_copy.clear();
            row_copy.extend_from_slice(row);
            let c = *row_copy.select_nth_unstable_by((n - 1) / 2, f64::total_cmp).1;
            center[g] = c;
            let (chunk, l) = (g / LANES, g % LANES);
            for (j, &x) in row.iter().enumerate() {
                let y = x - c;
                let block = &mut data[chunk * n + j].0;
                block[l] = y;
                total[g] += y;
                total_sq[g] += y * y;
            }
        }
        Self {
            expr,
            metric,
            summed_is_test,
            n_summed: n_summed as f64,
            n_rest: (n - n_summed) as f64,
            reciprocals: {
                let (na, nb) = (n_summed as f64, (n - n_summed) as f64);
                [1.0 / na, 1.0 / nb, 1.0 / (na - 1.0), 1.0 / (nb - 1.0)]
            },
            center,
            total,
            total_sq,
            data,
        }
    }

    /// Sets `p.summed` from `p.labels`.
    pub(crate) fn set_summed(&self, p: &mut Permuted) {
        p.summed.clear();
        p.summed
            .extend(p.labels.iter().enumerate().filter(|&(_, &l)| l == self.summed_is_test).map(|(j, _)| j));
    }

    /// The metric of every gene under each permutation of `batch`, into `out[k]`.
    pub(crate) fn metrics(&self, batch: &[Permuted], out: &mut [Vec<f64>]) {
        // One monomorphic loop per metric, so the per-gene arithmetic runs LANES wide.
        match self.metric {
            Metric::SignalToNoise => {
                self.dispatch(batch, out, |x, y| from_moments(x, y, Metric::SignalToNoise));
            }
            Metric::TTest => self.dispatch(batch, out, |x, y| from_moments(x, y, Metric::TTest)),
            Metric::Diff => self.dispatch(batch, out, |x, y| from_moments(x, y, Metric::Diff)),
            Metric::Ratio => self.dispatch(batch, out, |x, y| from_moments(x, y, Metric::Ratio)),
            Metric::Log2Ratio => {
                self.dispatch(batch, out, |x, y| from_moments(x, y, Metric::Log2Ratio));
            }
        }
    }

    /// [`ClassSums::metrics_with`] compiled for the widest vector unit the CPU has (pulp's
    /// runtime dispatch: AVX-512, AVX2 + FMA, or the baseline). Every path does the same IEEE
    /// operations lane by lane (Rust never fuses a multiply and an add), so the metrics are the
    /// same bits on every CPU.
    fn dispatch(
        &self,
        batch: &[Permuted],
        out: &mut [Vec<f64>],
        metric: impl Fn(ClassMoments, ClassMoments) -> f64 + Copy,
    ) {
        pulp::Arch::new().dispatch(Kernel { sums: self, batch, out, metric });
    }

    #[allow(
        clippy::inline_always,
        reason = "the body must be inlined into pulp's target-feature function to be compiled for it"
    )]
    #[inline(always)]
    fn metrics_with(
        &self,
        batch: &[Permuted],
        out: &mut [Vec<f64>],
        metric: impl Fn(ClassMoments, ClassMoments) -> f64 + Copy,
    ) {
        let n = self.expr.n_samples;
        let genes = self.expr.genes.len();
        for o in out.iter_mut() {
            o.resize(genes, 0.0);
        }
        for (c, chunk) in self.data.chunks_exact(n).enumerate() {
            let g0 = c * LANES;
            let take = LANES.min(genes - g0);
            for (p, o) in batch.iter().zip(out.iter_mut()) {
                let (mut s, mut q) = ([0.0; LANES], [0.0; LANES]);
                for &j in &p.summed {
                    let row = &chunk[j].0;
                    for l in 0..LANES {
                        s[l] += row[l];
                        q[l] += row[l] * row[l];
                    }
                }
                // whole chunks are written in place (a copy of the chunk compiled to a memcpy call)
                let mut tail = [0.0; LANES];
                let dst: &mut [f64; LANES] = match o.get_mut(g0..g0 + LANES) {
                    Some(whole) => whole.try_into().expect("a whole chunk"),
                    None => &mut tail,
                };
                let exact = self.finish(g0, &s, &q, metric, dst);
                if take < LANES {
                    o[g0..].copy_from_slice(&tail[..take]);
                }
                if exact != 0 {
                    for l in (0..take).filter(|l| exact >> l & 1 == 1) {
                        let g = g0 + l;
                        o[g] = defined(gene_metric(
                            &self.expr.values[g * n..(g + 1) * n],
                            &p.labels,
                            self.metric,
                        ));
                    }
                }
            }
        }
    }

    /// Writes the metrics of genes `g0..g0 + LANES` from the summed class's sums `s`, `q` into
    /// `m`, and returns a bit mask of the genes that need the two-pass formula.
    #[allow(
        clippy::inline_always,
        reason = "the body must be inlined into pulp's target-feature function to be compiled for it"
    )]
    #[inline(always)]
    fn finish(
        &self,
        g0: usize,
        s: &[f64; LANES],
        q: &[f64; LANES],
        metric: impl Fn(ClassMoments, ClassMoments) -> f64,
        m: &mut [f64; LANES],
    ) -> u32 {
        let (na, nb) = (self.n_summed, self.n_rest);
        let [ra, rb, va, vb] = self.reciprocals;
        let center: &[f64; LANES] = self.center[g0..g0 + LANES].try_into().unwrap_or(&[0.0; LANES]);
        let total: &[f64; LANES] = self.total[g0..g0 + LANES].try_into().unwrap_or(&[0.0; LANES]);
        let total_sq: &[f64; LANES] = self.total_sq[g0..g0 + LANES].try_into().unwrap_or(&[0.0; LANES]);
        let mut exact = 0u32;
        for l in 0..LANES {
            let (sa, qa) = (s[l], q[l]);
            let (sb, qb) = (total[l] - sa, total_sq[l] - qa);
            let (ma, mb) = (sa * ra, sb * rb);
            let (ssa, ssb) = (qa - sa * ma, qb - sb * mb);
            exact |= u32::from(ssa < CANCELLATION_GUARD * qa || ssb < CANCELLATION_GUARD * total_sq[l]) << l;
            let a = ClassMoments { mean: center[l] + ma, sd: (ssa.max(0.0) * va).sqrt(), n: na };
            let b = ClassMoments { mean: center[l] + mb, sd: (ssb.max(0.0) * vb).sqrt(), n: nb };
            let (pos, neg) = if self.summed_is_test { (a, b) } else { (b, a) };
            m[l] = defined(metric(pos, neg));
        }
        exact
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Mt19937;

    /// Against [`gene_metric`] on random data with planted constant classes (which the guard
    /// sends to the two-pass formula) and zeros; metrics that are NaN there (the t statistic of
    /// the constant gene) are 0 here.
    #[test]
    fn agrees_with_two_pass_metric() {
        let (genes, n) = (37, 11);
        let labels: Vec<bool> = (0..n).map(|j| j < 5).collect();
        let mut permuted = labels.clone();
        permuted.rotate_left(3);
        let mut rng = Mt19937::new(5);
        let mut u = || f64::from(rng.next_u32()) / 4_294_967_296.0;
        let mut values: Vec<f64> = (0..genes * n).map(|_| 5.0 + 3.0 * u()).collect();
        values[..n].fill(7.0); // constant gene
        for j in 0..n {
            if permuted[j] {
                values[n + j] = 3.0; // test class constant off the median
                for g in 2..8 {
                    values[g * n + j] = 0.0; // test class all zero (σ floor 0.2 applies)
                }
            } else {
                values[8 * n + j] = 9.5; // reference class constant
            }
        }
        let expr = Expression { genes: (0..genes).map(|g| format!("G{g}")).collect(), n_samples: n, values };
        for metric in [Metric::SignalToNoise, Metric::TTest, Metric::Diff, Metric::Ratio, Metric::Log2Ratio] {
            for flip in [false, true] {
                let flipped = |l: &[bool]| l.iter().map(|&x| x != flip).collect::<Vec<bool>>();
                let sums = ClassSums::new(&expr, &flipped(&labels), metric);
                let mut p = Permuted { labels: flipped(&permuted), summed: Vec::new() };
                sums.set_summed(&mut p);
                let mut out = vec![Vec::new()];
                sums.metrics(std::slice::from_ref(&p), &mut out);
                for (g, row) in expr.values.chunks_exact(n).enumerate() {
                    let want = gene_metric(row, &p.labels, metric);
                    let got = out[0][g];
                    if want.is_nan() {
                        assert_eq!(got, 0.0, "{metric:?} gene {g}");
                        continue;
                    }
                    assert!(
                        (got - want).abs() <= 1e-12 * want.abs() || got == want,
                        "{metric:?} gene {g}: {got} vs {want}"
                    );
                }
            }
        }
    }
}
