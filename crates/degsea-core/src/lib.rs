//! Domain types shared by every degsea crate.
//!
//! `degsea-core` owns the in-memory shapes that cross crate boundaries: the gene × sample
//! [`CountMatrix`], the [`SampleSheet`], a [`Contrast`] of merged groups resolved into
//! the one [`SampleDesign`], gene sets ([`GeneSet`], [`GeneSetCollection`]), the [`RankedList`] that
//! the GSEA engine consumes, and the [`PhenotypeRecord`] rows of phenotype GSEA. It does no file I/O (that is `degsea-io`) and no statistics
//! (`degsea-de`, `degsea-gsea`).
//!
//! ```
//! use degsea_core::Contrast;
//! let c: Contrast = "cluster: cluster2+cluster3 vs cluster1".parse()?;
//! assert_eq!(c.column, "cluster");
//! assert_eq!(c.test_levels, ["cluster2", "cluster3"]);
//! assert_eq!(c.reference_levels, ["cluster1"]);
//! # Ok::<(), degsea_core::Error>(())
//! ```

mod contrast;
mod counts;
mod design;
mod error;
pub mod formula;
pub mod genemap;
mod genesets;
mod phenotype_record;
mod ranked;
mod samples;

pub use contrast::{Contrast, MIN_GROUP_SIZE};
pub use counts::CountMatrix;
pub use design::{DroppedSample, Model, SampleDesign};
pub use error::{Error, Result};
pub use genemap::GeneMap;
pub use genesets::{GeneSet, GeneSetCollection};
pub use phenotype_record::PhenotypeRecord;
pub use ranked::RankedList;
pub use samples::SampleSheet;
