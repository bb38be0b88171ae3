//! Seeded negative-binomial RNA-seq cohorts with planted gene-set shifts (`degsea simulate`).
//!
//! A cohort has realistic structure for testing a DE + GSEA pipeline and for power checks:
//! log-normal expression with many unexpressed genes, a dispersion trend with gene-wise
//! scatter, library sizes varying by ±30 %, a few very highly expressed genes that change
//! (composition effects that normalisation must absorb), background DE, and planted shifts of
//! chosen gene sets in the test group(s). Everything is drawn from [`rng::Rng`], a hand-written
//! xoshiro256\*\* whose streams are fixed, with exact gamma/Poisson samplers in [`dist`], so a
//! seed gives the same cohort in every release.
//!
//! This crate does no I/O: gene sets, filler gene names and the Ensembl map come in as
//! in-memory values; the `degsea` binary reads and writes files.
//!
//! ```
//! use degsea_core::{GeneSet, GeneSetCollection};
//! use degsea_sim::{simulate, GeneIds, SimulationOptions};
//! let sets = GeneSetCollection {
//!     name: "toy".into(),
//!     version: String::new(),
//!     sets: vec![GeneSet {
//!         name: "CELL_CYCLE".into(),
//!         description: String::new(),
//!         genes: vec!["CCNB1".into(), "CDK1".into(), "MKI67".into(), "TOP2A".into(), "E2F1".into()],
//!     }],
//! };
//! let fillers = vec!["ACTB".to_string(), "GAPDH".into(), "XIST".into()];
//! let mut options = SimulationOptions::new("control=3,treated=3".parse()?);
//! options.n_genes = 8;
//! options.plants = vec!["CELL_CYCLE=+1.5".parse()?];
//! let cohort = simulate(&options, &sets, &fillers, GeneIds::Symbols)?;
//! assert_eq!(cohort.counts.n_samples(), 6);
//! assert_eq!(cohort.n_synthetic, 0);
//! # Ok::<(), degsea_sim::Error>(())
//! ```

mod cohort;
pub mod dist;
mod error;
pub mod rng;
mod spec;

pub use cohort::{
    Cohort, DEFAULT_BACKGROUND_FRACTION, DEFAULT_BACKGROUND_SD, DEFAULT_COMPOSITION_GENES,
    DEFAULT_DISPERSION, DEFAULT_DISPERSION_SCATTER, DEFAULT_GROUP_COLUMN, DEFAULT_LIBRARY_SIZE,
    DEFAULT_LIBRARY_SIZE_SPREAD, DEFAULT_N_GENES, DEFAULT_PLANT_FRACTION, DEFAULT_PLANT_SCATTER, EffectKind,
    GeneIds, GeneTruth, MAX_COMPOSITION_GENES, MAX_DISPERSION, MAX_LIBRARY_SIZE, PlantSummary,
    SimulationOptions, simulate,
};
pub use error::{Error, Result};
pub use spec::{
    CovariateSpec, DEFAULT_COVARIATE_FRACTION, DEFAULT_COVARIATE_SD, GroupSpec, MAX_ABS_PLANT_LOG2FC,
    MAX_COVARIATE_ASSOCIATION, Plant, parse_levels,
};
