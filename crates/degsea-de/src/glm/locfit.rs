//! Local-constant regression as R's `locfit` computes it by default, for edgeR's
//! `locfitByCol` (the `trend.method = "locfit"` smoother of `WLEB` in `estimateDisp`).
//!
//! `fitted(locfit(y ~ x, weights = w, alpha = span, deg = 0))` does **not** evaluate a local
//! fit at every `x`. Its default evaluation structure `ev = rbox()` (type `"tree"`, `cut = 0.8`)
//! is locfit's *adaptive tree* (`src/ev_atree.c`): starting from the cell `[min x, max x]` it
//! fits at both ends and halves a cell while its length exceeds `cut` times the smaller
//! bandwidth at its two vertices, fitting at every new midpoint. Fitted values are then
//! interpolated inside the terminal cell that holds each `x`. With `deg = 0` the fit stores no
//! derivatives (`hasd = deg > 0 || dc`, `S_enter.c: recoef`), so the interpolation is *linear*
//! between the two vertex values (`ev_interp.c: rectcell_interp`, `nc == 1`).
//!
//! The local fit at a vertex `v` (`locfit.c: locfit`, `lf_nbhd.c: nbhd`, `weight.c`):
//! nearest-neighbour bandwidth `h` = the `k`-th smallest `|x_i − v|`, `k = ⌊n·alpha + 1e-12⌋`
//! (`alpha ≥ 1`: `h = max |x_i − v| · alpha`), tricube weights `W(|x_i − v|/h)`, and the
//! quasi-Gaussian local likelihood of degree 0: `reginit`'s weighted mean followed by the one
//! Newton step `max_nr` takes before the Gaussian family stops it.
//!
//! Spec: `GLM.md` G4 and `ALGORITHMS.md` §A8. Sources: cran/locfit 1.5-9 `src/ev_atree.c`,
//! `ev_main.c` (`newsplit`), `ev_interp.c`, `lf_nbhd.c`, `weight.c`, `locfit.c`, `m_max.c`,
//! `m_jacob.c`, and `R/locfit.r` (`locfit.raw`, `rbox`).

use crate::{Error, Result};

/// locfit's default `cut` of the adaptive tree (`rbox(cut = 0.8)`).
pub const DEFAULT_CUT: f64 = 0.8;

/// locfit's default `maxk` (vertex-space inflation factor `maxk / 100`).
const DEFAULT_MAXK: f64 = 100.0;

/// Guard locfit adds to `n·alpha` before truncating it to the neighbour count
/// ("the 1e-12 avoids problems that can occur with roundoff", `locfit.c`).
const NN_ROUNDOFF: f64 = 1e-12;

/// Vertices of the adaptive tree with their bandwidths and local-fit values (one per column).
#[derive(Debug, Clone, PartialEq)]
struct Vertex {
    x: f64,
    h: f64,
    values: Vec<f64>,
}

/// A cell of the tree: two vertex indices and, when split, its two halves.
#[derive(Debug, Clone)]
struct Cell {
    lo: usize,
    hi: usize,
    halves: Option<Box<(Cell, Cell)>>,
}

/// The fitted adaptive tree of a one-dimensional degree-0 locfit of every column of a
/// row-major `x.len() × cols` matrix `y`. The tree depends on `x` only (bandwidths and the
/// split rule), so all columns share it; each column's vertex values are computed with the
/// same operations, in the same order, as a fit of that column alone.
struct Tree<'a> {
    x: &'a [f64],
    y: &'a [f64],
    cols: usize,
    w: Option<&'a [f64]>,
    nn: usize,
    cut: f64,
    max_vertices: usize,
    vertices: Vec<Vertex>,
    scratch: Vec<f64>,
}

/// Tricube kernel `(1 − |u|³)³` on `|u| ≤ 1` (`weight.c: W`, `WTCUB`).
fn tricube(u: f64) -> f64 {
    let u = u.abs();
    if u > 1.0 {
        return 0.0;
    }
    let t = 1.0 - u * u * u;
    t * t * t
}

impl Tree<'_> {
    /// Nearest-neighbour bandwidth at `v` (`lf_nbhd.c: compbandwid`, `kordstat`).
    fn bandwidth(&mut self, v: f64) -> f64 {
        let n = self.x.len();
        if self.nn == 0 {
            return 0.0;
        }
        self.scratch.clear();
        self.scratch.extend(self.x.iter().map(|&xi| (xi - v).abs()));
        if self.nn < n {
            let k = self.nn - 1;
            let (_, kth, _) = self.scratch.select_nth_unstable_by(k, f64::total_cmp);
            *kth
        } else {
            let far = self.scratch.iter().copied().fold(0.0, f64::max);
            #[allow(clippy::cast_precision_loss)]
            let inflate = (self.nn as f64 / n as f64).ln().exp();
            far * inflate
        }
    }

    /// The degree-0 local fit at `v` of every column: returns `(h, values)`.
    fn fit_at(&mut self, v: f64) -> Result<(f64, Vec<f64>)> {
        let h = self.bandwidth(v);
        let cols = self.cols;
        // reginit: s1 = Σ w·(pw·y), s0 = Σ w·pw over points with positive kernel weight, in
        // data order (locfit's general `nbhd`; the sorted-data shortcut only reorders the sum).
        let mut s0 = 0.0;
        let mut s1 = vec![0.0; cols];
        let mut used: Vec<(f64, f64, usize)> = Vec::new();
        for (i, &xi) in self.x.iter().enumerate() {
            let di = (xi - v).abs();
            let k = if h == 0.0 { if di == 0.0 { 1.0 } else { 0.0 } } else { tricube(di / h) };
            if k > 0.0 {
                let pw = self.w.map_or(1.0, |w| w[i]);
                for (s, &yi) in s1.iter_mut().zip(&self.y[i * cols..(i + 1) * cols]) {
                    *s += k * (pw * yi);
                }
                s0 += k * pw;
                used.push((k, pw, i));
            }
        }
        if s0 == 0.0 {
            return Err(Error::LocfitNoPoints { at: v });
        }
        let mean: Vec<f64> = s1.iter().map(|&s| s / s0).collect();
        // max_nr: one Newton step on the Gaussian likelihood, solved through locfit's
        // diagonally scaled eigen-decomposition (`jacob_solve`, JAC_EIGD), then likereg breaks.
        let mut f1 = vec![0.0; cols];
        let mut z = 0.0;
        for &(k, pw, i) in &used {
            for ((f, &yi), &m) in f1.iter_mut().zip(&self.y[i * cols..(i + 1) * cols]).zip(&mean) {
                *f += k * (pw * (yi - m));
            }
            z += k * pw;
        }
        let dg = if z <= 0.0 { 0.0 } else { 1.0 / z.sqrt() };
        let scaled = z * (dg * dg);
        let values = f1.iter().zip(&mean).map(|(&f, &m)| m + (f * dg) / scaled * dg).collect();
        Ok((h, values))
    }

    fn add_vertex(&mut self, x: f64) -> Result<usize> {
        if self.vertices.len() == self.max_vertices {
            return Err(Error::LocfitVertexSpace { max: self.max_vertices });
        }
        let (h, values) = self.fit_at(x)?;
        self.vertices.push(Vertex { x, h, values });
        Ok(self.vertices.len() - 1)
    }

    /// `atree_split` in one dimension: does the cell between vertices `lo` and `hi` split?
    fn splits(&self, lo: usize, hi: usize, range: f64) -> bool {
        splits(&self.vertices[lo], &self.vertices[hi], range, self.cut)
    }

    /// `atree_grow`: halves the cell recursively, low half first, as locfit does.
    fn grow(&mut self, lo: usize, hi: usize, range: f64) -> Result<Cell> {
        if !self.splits(lo, hi, range) {
            return Ok(Cell { lo, hi, halves: None });
        }
        // newsplit's `(x0 + x1) / 2`, written as locfit writes it.
        #[allow(clippy::manual_midpoint)]
        let mid_x = (self.vertices[lo].x + self.vertices[hi].x) / 2.0;
        let mid = self.add_vertex(mid_x)?;
        let left = self.grow(lo, mid, range)?;
        let right = self.grow(mid, hi, range)?;
        Ok(Cell { lo, hi, halves: Some(Box::new((left, right))) })
    }
}

/// `atree_split`: split when `cut < (ur − ll) / min(positive h at the vertices)`; with no
/// positive bandwidth the score is `2 (ur − ll) / range`.
fn splits(a: &Vertex, b: &Vertex, range: f64, cut: f64) -> bool {
    let len = b.x - a.x;
    let hmin = [a.h, b.h]
        .into_iter()
        .filter(|&h| h > 0.0)
        .fold(0.0, |m: f64, h| if m == 0.0 || h < m { h } else { m });
    let score = if hmin == 0.0 { 2.0 * len / range } else { len / hmin };
    cut < score
}

/// `atree_int` + `rectcell_interp` (linear, no derivatives) at `x`, for every column, into
/// `out`.
fn interpolate(cell: &Cell, vertices: &[Vertex], x: f64, out: &mut [f64]) {
    let mut cell = cell;
    while let Some(halves) = &cell.halves {
        let ll = vertices[cell.lo].x;
        let h = vertices[cell.hi].x - ll;
        cell = if 2.0 * (x - ll) < h { &halves.0 } else { &halves.1 };
    }
    let (a, b) = (&vertices[cell.lo], &vertices[cell.hi]);
    let d = b.x - a.x;
    if d == 0.0 {
        out.copy_from_slice(&a.values);
        return;
    }
    let h = x - a.x;
    for ((o, &va), &vb) in out.iter_mut().zip(&a.values).zip(&b.values) {
        *o = ((d - h) * va + h * vb) / d;
    }
}

/// Fitted values of `locfit(y ~ x, weights = w, alpha, deg = 0)` at every `x`, as R's
/// `fitted()` returns them with locfit's default adaptive-tree evaluation (`cut = 0.8`).
///
/// `weights` are prior weights (`None` = all 1, as edgeR passes). `alpha` is the
/// nearest-neighbour fraction (edgeR's `span`).
///
/// ```
/// use degsea_de::glm::locfit::locfit_deg0_fitted;
/// // A constant is reproduced; a line is smoothed but stays inside its range.
/// let x: Vec<f64> = (0..20).map(f64::from).collect();
/// let f = locfit_deg0_fitted(&x, &[2.5; 20], None, 0.5)?;
/// assert!(f.iter().all(|v| (v - 2.5).abs() < 1e-14));
/// # Ok::<(), degsea_de::Error>(())
/// ```
///
/// # Errors
/// [`Error::LocfitVertexSpace`] when the tree needs more vertices than locfit allocates
/// (`atree_guessnv`; R stops with "newsplit: out of vertex space"), and
/// [`Error::LocfitNoPoints`] when a vertex has no point with positive weight.
///
/// # Panics
/// If `y` (or `weights`) differs in length from `x`.
///
/// # References
/// Loader (1999), *Local Regression and Likelihood*, Springer, ch. 12 (evaluation structures);
/// locfit 1.5-9 `R/locfit.r: locfit.raw`, `src/ev_atree.c`, `src/locfit.c`.
#[doc(alias = "locfit")]
pub fn locfit_deg0_fitted(x: &[f64], y: &[f64], weights: Option<&[f64]>, alpha: f64) -> Result<Vec<f64>> {
    locfit_deg0_fitted_cut(x, y, weights, alpha, DEFAULT_CUT)
}

/// [`locfit_deg0_fitted`] with an explicit `cut` (`ev = rbox(cut = …)`).
///
/// # Errors
/// As [`locfit_deg0_fitted`].
///
/// # Panics
/// If `y` (or `weights`) differs in length from `x`.
pub fn locfit_deg0_fitted_cut(
    x: &[f64],
    y: &[f64],
    weights: Option<&[f64]>,
    alpha: f64,
    cut: f64,
) -> Result<Vec<f64>> {
    assert_eq!(y.len(), x.len(), "one y per x");
    locfit_deg0_columns(x, y, 1, weights, alpha, cut)
}

/// [`locfit_deg0_fitted_cut`] of every column of the row-major `x.len() × cols` matrix `y`, on
/// one adaptive tree (it depends on `x` only); returns the row-major fitted matrix. Each column's
/// values are those of its own fit, bit for bit.
fn locfit_deg0_columns(
    x: &[f64],
    y: &[f64],
    cols: usize,
    weights: Option<&[f64]>,
    alpha: f64,
    cut: f64,
) -> Result<Vec<f64>> {
    let n = x.len();
    if let Some(w) = weights {
        assert_eq!(w.len(), n, "one weight per x");
    }
    if n == 0 {
        return Ok(Vec::new());
    }
    let lo = x.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    #[allow(clippy::cast_precision_loss)]
    let nn_real = n as f64 * alpha + NN_ROUNDOFF;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let nn = nn_real as usize;
    let cut = cut.max(0.01);
    let mut tree = Tree {
        x,
        y,
        cols,
        w: weights,
        nn,
        cut,
        max_vertices: max_vertices(alpha, cut),
        vertices: Vec::new(),
        scratch: Vec::with_capacity(n),
    };
    let a = tree.add_vertex(lo)?;
    let b = tree.add_vertex(hi)?;
    let root = tree.grow(a, b, hi - lo)?;
    let mut out = vec![0.0; n * cols];
    if cols > 0 {
        for (&xi, row) in x.iter().zip(out.chunks_mut(cols)) {
            interpolate(&root, &tree.vertices, xi, row);
        }
    }
    Ok(out)
}

/// Vertex space locfit allocates for the tree in one dimension (`atree_guessnv`).
fn max_vertices(alpha: f64, cut: f64) -> usize {
    let a0 = if alpha > 1.0 { 1.0 } else { 1.0 / alpha };
    let cu = cut.min(1.0);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let nv = ((5.0 * a0 / cu + 1.0) * 2.0) as usize;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let inflated = (DEFAULT_MAXK / 100.0 * nv as f64) as usize;
    inflated
}

/// edgeR `locfitByCol`: smooths every column of a row-major `rows × cols` matrix against `x`
/// (`fitted(locfit(y[, j] ~ x, weights, alpha = span, deg = 0))`); returns the matrix unchanged
/// when `span · rows < 2` or `rows ≤ 1`, as edgeR does.
///
/// # Errors
/// As [`locfit_deg0_fitted`].
///
/// # Panics
/// If `y.len() != rows · cols` or `x.len() != rows`.
///
/// # References
/// edgeR 3.40.2 `R/locfitByCol.R`.
#[doc(alias = "locfitByCol")]
pub fn locfit_by_col(
    y: &[f64],
    rows: usize,
    cols: usize,
    x: &[f64],
    weights: Option<&[f64]>,
    span: f64,
) -> Result<Vec<f64>> {
    assert_eq!(y.len(), rows * cols, "rows × cols values");
    assert_eq!(x.len(), rows, "one covariate per row");
    #[allow(clippy::cast_precision_loss)]
    if span * (rows as f64) < 2.0 || rows <= 1 {
        return Ok(y.to_vec());
    }
    // The columns share one tree (it depends on x only); each column's values are computed
    // as its own fit would compute them.
    locfit_deg0_columns(x, y, cols, weights, span, DEFAULT_CUT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tricube_is_zero_outside_and_one_at_centre() {
        assert_eq!(tricube(0.0), 1.0);
        assert_eq!(tricube(1.0), 0.0);
        assert_eq!(tricube(1.5), 0.0);
        assert!((tricube(0.5) - (1.0f64 - 0.125).powi(3)).abs() < 1e-15);
    }

    #[test]
    fn all_x_equal_is_the_weighted_mean() {
        let x = [1.0; 6];
        let y = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let f = locfit_deg0_fitted(&x, &y, None, 0.5).expect("fits");
        // h = 0: every point at distance 0 has weight 1.
        assert!(f.iter().all(|v| (v - 3.5).abs() < 1e-14), "{f:?}");
    }

    #[test]
    fn columns_share_the_tree_bit_for_bit() {
        let rows = 300;
        let x: Vec<f64> =
            (0..300u32).map(|i| f64::from(i).mul_add(0.37, (f64::from(i) * 1.3).sin())).collect();
        let cols = 5;
        let y: Vec<f64> =
            (0..rows * cols).map(|v| (f64::from(u32::try_from(v).unwrap()) * 0.71).cos()).collect();
        let all = locfit_by_col(&y, rows, cols, &x, None, 0.3).expect("fits");
        for j in 0..cols {
            let column: Vec<f64> = (0..rows).map(|i| y[i * cols + j]).collect();
            let one = locfit_deg0_fitted(&x, &column, None, 0.3).expect("fits");
            for i in 0..rows {
                assert_eq!(all[i * cols + j].to_bits(), one[i].to_bits(), "row {i} column {j}");
            }
        }
    }

    #[test]
    fn small_span_returns_input_by_col() {
        let y = [1.0, 2.0, 3.0, 4.0];
        let out = locfit_by_col(&y, 2, 2, &[0.0, 1.0], None, 0.5).expect("fits");
        assert_eq!(out, y);
    }
}
