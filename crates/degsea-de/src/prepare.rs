//! The edgeR preprocessing chain of a two-group contrast, in one call.

use degsea_core::{CountMatrix, SampleDesign};
use ndarray::Array2;

use crate::classic::{ClassicOptions, DeResult, classic_de};
use crate::cpm::{effective_lib_sizes, log_cpm};
use crate::filter::{FilterOptions, filter_by_expr};
use crate::glm::filter::filter_by_expr_design;
use crate::norm::{Method, calc_norm_factors_named};
use crate::{Error, Result};

/// Settings of [`prepare`]. The default is edgeR 3.40.2's: filterByExpr with its default
/// thresholds, then TMM.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PrepareOptions {
    /// Skip filterByExpr and keep every gene (`--no-filter`).
    pub no_filter: bool,
    /// filterByExpr thresholds.
    pub filter: FilterOptions,
    /// Normalisation method (`--norm`).
    pub method: Method,
}

/// The result of [`prepare`]: the filtered counts of the contrast's samples with their
/// library sizes and normalisation factors — edgeR's DGEList after
/// `y[keep, , keep.lib.sizes = FALSE]; calcNormFactors(y)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// Kept genes × the contrast's samples (in count-matrix order).
    pub counts: CountMatrix,
    /// One flag per gene of the *input* matrix: `true` if kept.
    pub keep: Vec<bool>,
    /// Library sizes recomputed on the kept genes (`keep.lib.sizes = FALSE`).
    pub lib_sizes: Vec<f64>,
    /// Normalisation factors (multiply to one).
    pub norm_factors: Vec<f64>,
    /// Group per sample of `counts`: 0 = reference, 1 = test (edgeR's `pair = 1:2` order).
    pub group: Vec<usize>,
}

impl Prepared {
    /// Effective library sizes `lib_size · norm_factor`, the `N_i` of every later step.
    pub fn eff_lib_sizes(&self) -> Vec<f64> {
        effective_lib_sizes(&self.lib_sizes, &self.norm_factors)
    }

    /// Which samples of `counts` are in the test group (`group == 1`).
    pub fn is_test(&self) -> Vec<bool> {
        self.group.iter().map(|&g| g == 1).collect()
    }

    /// edgeR's classic dispersion and exact test on these counts: [`classic_de`] with the test
    /// samples and the effective library sizes.
    pub fn classic_de(&self, options: &ClassicOptions) -> DeResult {
        classic_de(&self.counts.counts(), &self.is_test(), &self.eff_lib_sizes(), options)
    }

    /// Number of genes kept.
    pub fn n_kept(&self) -> usize {
        self.counts.n_genes()
    }

    /// Log2-CPM of the kept genes (edgeR `cpm(y, log = TRUE, prior.count)`).
    pub fn log_cpm(&self, prior_count: f64) -> Array2<f64> {
        log_cpm(&self.counts.counts(), &self.eff_lib_sizes(), prior_count)
    }
}

/// Runs edgeR's preprocessing for a two-group contrast:
///
/// 1. selects the matrix columns of the contrast (`groups.columns`, samples of other levels
///    are dropped) and their groups (0 = reference, 1 = test);
/// 2. `filterByExpr(DGEList(counts, group = group))` with `opts.filter` (skipped with
///    `opts.no_filter`), or `filterByExpr(y, design)` when the design has a model with
///    covariates (GLM.md G2);
/// 3. `y[keep, , keep.lib.sizes = FALSE]`: library sizes recomputed on the kept genes;
/// 4. `calcNormFactors(y, method = opts.method)`.
///
/// This is the common front of `degsea normalize`, `degsea de` and `degsea run`; pass the
/// result to the dispersion and exact-test steps.
///
/// ```
/// use degsea_core::{CountMatrix, Contrast, SampleSheet};
/// use degsea_de::{prepare, PrepareOptions};
/// let samples: Vec<String> = ["a1", "a2", "b1", "b2"].map(String::from).to_vec();
/// let matrix = CountMatrix::new(
///     ["g1", "g2", "g3"].map(String::from).to_vec(),
///     samples.clone(),
///     ndarray::array![[50, 60, 55, 70], [0, 0, 1, 0], [200, 180, 260, 240]],
/// )?;
/// let sheet = SampleSheet::new(samples.clone(), vec!["k".into()],
///     ["A", "A", "B", "B"].map(|l| vec![l.to_string()]).to_vec())?;
/// let groups = "k: B vs A".parse::<Contrast>()?.resolve(&sheet, &samples)?;
/// let p = prepare(&matrix, &groups, &PrepareOptions::default())?;
/// assert_eq!(p.keep, [true, false, true]);
/// assert_eq!(p.lib_sizes, [250.0, 240.0, 315.0, 310.0]);
/// assert_eq!(p.group, [0, 0, 1, 1]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`Error::ZeroLibrarySize`] for a sample without reads, [`Error::NoGenesKept`] when the
/// filter removes every gene, [`Error::ZeroLibraryAfterFilter`] when a sample has no reads in
/// the kept genes, and the errors of [`crate::norm::calc_norm_factors`].
///
/// # References
/// edgeR 3.40.2 `DGEList`, `filterByExpr`, `[.DGEList`, `calcNormFactors` (ALGORITHMS.md
/// §A0–A2); Chen, Lun & Smyth (2016), *F1000Research* 5:1438.
pub fn prepare(matrix: &CountMatrix, groups: &SampleDesign, opts: &PrepareOptions) -> Result<Prepared> {
    if groups.columns.is_empty() {
        return Err(Error::NoSamples);
    }
    let all_in_order =
        groups.columns.len() == matrix.n_samples() && groups.columns.iter().enumerate().all(|(i, &c)| i == c);
    let selected = if all_in_order { matrix.clone() } else { matrix.select_samples(&groups.columns) };
    let group = groups.group_index();
    let lib0 = selected.lib_sizes();
    if let Some(j) = lib0.iter().position(|&l| l <= 0.0) {
        return Err(Error::ZeroLibrarySize { sample: selected.samples()[j].clone() });
    }
    let keep = if opts.no_filter {
        vec![true; selected.n_genes()]
    } else if let Some(model) = &groups.model {
        filter_by_expr_design(&selected.counts(), &lib0, &model.design.matrix.view(), &opts.filter)?
    } else {
        filter_by_expr(&selected.counts(), &lib0, &group, &opts.filter)?
    };
    let n_kept = keep.iter().filter(|&&k| k).count();
    if n_kept == 0 {
        return Err(Error::NoGenesKept {
            min_count: opts.filter.min_count,
            min_total_count: opts.filter.min_total_count,
            min_group: groups.n_test().min(groups.n_reference()),
        });
    }
    let counts = if n_kept == keep.len() { selected } else { selected.filter_genes(&keep) };
    let lib_sizes = counts.lib_sizes();
    if let Some(j) = lib_sizes.iter().position(|&l| l <= 0.0) {
        return Err(Error::ZeroLibraryAfterFilter { sample: counts.samples()[j].clone(), kept: n_kept });
    }
    let norm_factors =
        calc_norm_factors_named(&counts.counts(), &lib_sizes, opts.method, Some(counts.samples()))?;
    Ok(Prepared { counts, keep, lib_sizes, norm_factors, group })
}
