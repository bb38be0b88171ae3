//! One self-contained `report.html` per degsea run: summary, QC plots, differential expression,
//! GSEA and a methods paragraph, with inline SVG, CSS and a small hand-written script (no
//! network request; it works from `file://` offline).
//!
//! The input is typed ([`ReportInput`]): the pipeline hands over what it computed, and
//! [`folder::load_dir`] rebuilds the same input from an output folder (`degsea report --from`).
//! [`render`] is a pure function: the same input gives the same bytes. It also returns the QC
//! plots it drew ([`Rendered::qc_plots`]) so the caller can write them to `plots/` beside the
//! other plots. [`render_with`] takes the costly parts ready-made ([`de_qc_plots`],
//! [`heatmap_plots`], [`de_data_json`]), so a caller can compute them while other work runs.
//!
//! ```
//! use degsea_report::{DeTable, ReportInput, render};
//! let de = DeTable {
//!     genes: vec!["G1".into(), "G2".into()],
//!     log_fc: vec![2.0, -0.1],
//!     log_cpm: vec![5.0, 3.0],
//!     p_value: vec![1e-6, 0.8],
//!     fdr: vec![2e-6, 0.8],
//!     dispersion: vec![0.05, 0.04],
//! };
//! let input = ReportInput { de, ..ReportInput::default() };
//! let out = render(&input)?;
//! assert!(out.html.starts_with("<!DOCTYPE html>") && out.html.contains("\"G1\""));
//! # Ok::<(), degsea_report::Error>(())
//! ```

mod error;
pub mod folder;
mod html;
mod json_text;
mod methods;
mod qc;

pub use error::{Error, Result};
pub use html::{Precomputed, de_data_json, render, render_with};
pub use methods::{REFERENCES, methods_paragraph};
pub use qc::{HEATMAP_MAX_GENES, bcv_input, de_qc_plots, heatmap_plots, heatmap_rows, qc_plots};

use degsea_plot::GroupLabels;

/// One sample of the analysis, in the order of the log-CPM columns.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleInfo {
    /// Sample name.
    pub name: String,
    /// 0 = reference group, 1 = test group.
    pub group: usize,
    /// Library size after filtering (`keep.lib.sizes = FALSE`).
    pub lib_size: f64,
    /// Normalisation factor.
    pub norm_factor: f64,
}

pub use degsea_io::de_table::DeTable;
pub use degsea_io::gsea_table::GseaRecord;

/// The DE table of a classic edgeR run ([`degsea_de::classic::DeResult`], genes in input row
/// order) in `topTags` order, as `de.tsv` lists it.
pub fn de_table_from_classic(genes: &[String], r: &degsea_de::classic::DeResult) -> DeTable {
    let order = r.top_tags_order();
    let pick = |v: &[f64]| order.iter().map(|&i| v[i]).collect::<Vec<f64>>();
    DeTable {
        genes: order.iter().map(|&i| genes[i].clone()).collect(),
        log_fc: pick(&r.log_fc),
        log_cpm: pick(&r.log_cpm),
        p_value: pick(&r.p_value),
        fdr: pick(&r.fdr),
        dispersion: pick(&r.dispersion),
    }
}

/// Log2-CPM of the kept genes (edgeR `cpm(y, log = TRUE, prior.count = 2)`), genes × samples
/// row-major, columns in the order of [`ReportInput::samples`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogCpm {
    /// Gene ids, one per row.
    pub genes: Vec<String>,
    /// Row-major values, `genes.len() × samples`.
    pub values: Vec<f64>,
}

impl LogCpm {
    /// edgeR `cpm(y, log = TRUE, prior.count = 2)` of `counts` (one row per gene of `genes`,
    /// columns in the order of `samples`) with each sample's effective library size
    /// (`lib_size × norm_factor`).
    pub fn compute(genes: Vec<String>, counts: &ndarray::Array2<u32>, samples: &[SampleInfo]) -> Self {
        let eff: Vec<f64> = samples.iter().map(|s| s.lib_size * s.norm_factor).collect();
        let lc = degsea_de::cpm::log_cpm(counts, &eff, degsea_de::cpm::PRIOR_COUNT);
        Self { genes, values: lc.into_raw_vec_and_offset().0 }
    }
}

/// A named SVG plot (`nes_bar`, `volcano`, `enrichment/<SET>`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedSvg {
    /// File stem under `plots/`, `/`-separated.
    pub name: String,
    /// The SVG document.
    pub svg: String,
}

/// Everything [`render`] needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportInput {
    /// The run manifest (`run.json`), for the summary and methods.
    pub manifest: serde_json::Value,
    /// Group names.
    pub groups: GroupLabels,
    /// Samples of the contrast.
    pub samples: Vec<SampleInfo>,
    /// Normalisation method name (`TMM`, …).
    pub norm_method: String,
    /// The DE table.
    pub de: DeTable,
    /// edgeR's common dispersion (NaN when not estimated).
    pub common_dispersion: f64,
    /// Trended dispersion per DE-table gene, when the analysis estimated one.
    pub trended_dispersion: Option<Vec<f64>>,
    /// Whether [`DeTable::dispersion`] holds tagwise dispersions (classic exact test, glmLRT)
    /// rather than the trended ones (glmQLFit tests with the trend).
    pub tagwise_in_table: bool,
    /// The GSEA table (empty without GSEA).
    pub gsea: Vec<GseaRecord>,
    /// The run's plots (NES bar, volcano, enrichment curves).
    pub plots: Vec<NamedSvg>,
    /// Log-CPM of the kept genes, for the MDS plot and the heatmaps; `None` leaves them out.
    pub log_cpm: Option<LogCpm>,
    /// FDR threshold of the run (DE colours, significant sets).
    pub fdr: f64,
    /// Link target of the DE table download (`de.tsv` beside the report); `None`: no link.
    pub de_tsv_href: Option<String>,
}

impl Default for ReportInput {
    fn default() -> Self {
        Self {
            manifest: serde_json::Value::Null,
            groups: GroupLabels::default(),
            samples: Vec::new(),
            norm_method: "TMM".to_owned(),
            de: DeTable::default(),
            common_dispersion: f64::NAN,
            trended_dispersion: None,
            tagwise_in_table: true,
            gsea: Vec::new(),
            plots: Vec::new(),
            log_cpm: None,
            fdr: degsea_plot::DEFAULT_FDR,
            de_tsv_href: Some("de.tsv".to_owned()),
        }
    }
}

impl ReportInput {
    /// Assembles the input of a run from its manifest (`run.json` as a JSON value) and its
    /// tables. What the manifest records — group names, normalisation method, FDR cut-off,
    /// common dispersion — is taken from it, so `degsea run` and `degsea report --from` on its
    /// folder build the same input and so the same page.
    pub fn from_manifest(
        manifest: serde_json::Value,
        samples: Vec<SampleInfo>,
        de: DeTable,
        gsea: Vec<GseaRecord>,
        plots: Vec<NamedSvg>,
        log_cpm: Option<LogCpm>,
    ) -> Self {
        let text = |pointer: &str, default: &str| {
            lookup(&manifest, pointer).and_then(serde_json::Value::as_str).unwrap_or(default).to_owned()
        };
        let groups = GroupLabels::new(text("/groups/test", "test"), text("/groups/reference", "reference"));
        let norm = text("/parameters/de/norm", "tmm");
        let norm_method =
            if norm.eq_ignore_ascii_case("tmm") { "TMM".to_owned() } else { norm.to_ascii_uppercase() };
        let number = |pointer: &str| lookup(&manifest, pointer).and_then(serde_json::Value::as_f64);
        // glmQLFit tests with the trended dispersion, and de.tsv lists the dispersion tested with.
        let trended_in_table = text("/parameters/de/glm_fit/dispersion", "tagwise") == "trended";
        Self {
            trended_dispersion: trended_in_table.then(|| de.dispersion.clone()),
            tagwise_in_table: !trended_in_table,
            common_dispersion: number("/de/common_dispersion").unwrap_or(f64::NAN),
            fdr: number("/parameters/fdr").unwrap_or(degsea_plot::DEFAULT_FDR),
            groups,
            samples,
            norm_method,
            de,
            gsea,
            plots,
            log_cpm,
            de_tsv_href: Some("de.tsv".to_owned()),
            manifest,
        }
    }

    /// [`SampleInfo::group`] of a sample whose group label is `group_label`: 1 when it is the
    /// manifest's test group, 0 otherwise.
    pub fn group_index(manifest: &serde_json::Value, group_label: &str) -> usize {
        usize::from(lookup(manifest, "/groups/test").and_then(serde_json::Value::as_str) == Some(group_label))
    }

    /// The run's plot named `name`, if present.
    pub fn plot(&self, name: &str) -> Option<&str> {
        self.plots.iter().find(|p| p.name == name).map(|p| p.svg.as_str())
    }

    /// Gene sets with `padj < fdr`, by decreasing NES.
    pub fn significant_sets(&self) -> Vec<&GseaRecord> {
        significant_sets(&self.gsea, self.fdr)
    }
}

/// The gene sets of `gsea` with `padj < fdr`, by decreasing NES (ties by name): the sets the
/// report shows a block, an enrichment curve and a heatmap for.
pub fn significant_sets(gsea: &[GseaRecord], fdr: f64) -> Vec<&GseaRecord> {
    let mut v: Vec<&GseaRecord> =
        gsea.iter().filter(|r| r.padj.is_finite() && r.padj < fdr && r.nes.is_finite()).collect();
    v.sort_by(|a, b| b.nes.total_cmp(&a.nes).then_with(|| a.pathway.cmp(&b.pathway)));
    v
}

/// A value of the manifest at `pointer` in the pre-pipeline layout (`/groups/…`, `/de/…`,
/// `/gsea/…`, `/contrast`), found in the run.json schema's `results` block first
/// (`/results/design/…`, `/results/de/…`, `/results/gsea/…`).
pub(crate) fn lookup<'a>(m: &'a serde_json::Value, pointer: &str) -> Option<&'a serde_json::Value> {
    let moved = if let Some(rest) = pointer.strip_prefix("/groups/") {
        Some(format!("/results/design/{rest}"))
    } else if pointer == "/contrast" {
        Some("/results/design/contrast".to_owned())
    } else if pointer.starts_with("/de/") || pointer.starts_with("/gsea/") {
        Some(format!("/results{pointer}"))
    } else {
        None
    };
    moved.and_then(|p| m.pointer(&p)).or_else(|| m.pointer(pointer))
}

/// The output of [`render`].
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// The report page.
    pub html: String,
    /// The QC plots drawn for it (`library_sizes`, `mds`, `bcv`, `md`, `pvalue_histogram`,
    /// `heatmap/<SET>`), to be written to `plots/` as SVG and PNG.
    pub qc_plots: Vec<NamedSvg>,
}

#[cfg(test)]
mod tests {
    #[test]
    fn manifest_lookup_reads_both_layouts() {
        let new = serde_json::json!({"results": {"design": {"test": "B"}, "de": {"genes_kept": 7}}});
        let old = serde_json::json!({"groups": {"test": "B"}, "de": {"genes_kept": 7}});
        for m in [&new, &old] {
            assert_eq!(super::lookup(m, "/groups/test").and_then(serde_json::Value::as_str), Some("B"));
            assert_eq!(super::lookup(m, "/de/genes_kept").and_then(serde_json::Value::as_u64), Some(7));
        }
    }
}
