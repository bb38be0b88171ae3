//! The `report` job and the report step of `run`: `report.html`, one self-contained page per
//! contrast (summary, QC plots, DE table, GSEA, methods; see [`degsea_report`]).
//!
//! `degsea run` builds the page from what it computed ([`input_from_run`]) and stages it with
//! the QC plots ([`stage`]); `degsea report --from DIR` rebuilds it from the output folder
//! ([`run`], through [`degsea_report::folder::load_dir`]). Both assemble the input with
//! [`ReportInput::from_manifest`], so for a folder written with plots the two pages are
//! byte-identical (a test checks it).

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use degsea_core::SampleDesign;
use degsea_io::gsea_table::GseaRecord;
use degsea_io::manifest::Manifest;
use degsea_io::output::OutputDir;
use degsea_report::folder::LoadOptions;
use degsea_report::{LogCpm, NamedSvg, Precomputed, ReportInput, SampleInfo};

use crate::de::DeRun;
use crate::log;

/// The file name of the report inside an output folder.
pub const REPORT_FILE: &str = "report.html";

/// Configuration of the `report` job.
#[derive(Debug, Clone)]
pub struct ReportConfig {
    /// A `degsea run` output folder (one contrast: the folder holding `run.json`).
    pub from: PathBuf,
    /// Where to write the page (default `FROM/report.html`).
    pub out: Option<PathBuf>,
    /// Count matrix for the MDS plot and heatmaps when the run's recorded path is not found.
    pub counts: Option<PathBuf>,
}

/// Runs the `report` job: reads the folder, renders the page, writes it atomically (a
/// temporary file renamed into place). Returns the path written.
///
/// # Errors
/// A missing or malformed file of the folder (named with line and value), or an unwritable
/// destination.
pub fn run(config: &ReportConfig) -> anyhow::Result<PathBuf> {
    let from = &config.from;
    if !from.join("run.json").is_file() {
        anyhow::bail!(
            "`{}` is not a degsea run output folder (no run.json); with several contrasts, give one contrast's subfolder",
            from.display()
        );
    }
    let dest = config.out.clone().unwrap_or_else(|| from.join(REPORT_FILE));
    let inputs = [from.join("run.json"), from.join("de.tsv"), from.join("gsea.tsv")];
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).chain(config.counts.as_deref()).collect();
    crate::output::check_file(&dest, &inputs)?;
    let input = degsea_report::folder::load_dir(from, &LoadOptions { counts: config.counts.clone() })?;
    if input.log_cpm.is_none() {
        log::info(
            "no logcpm.tsv and the run's count matrix was not found: the report has no MDS plot or heatmaps (give --counts)",
        );
    }
    let rendered = degsea_report::render(&input)?;
    degsea_io::output::write_file_atomic(&dest, |w| w.write_all(rendered.html.as_bytes()))
        .with_context(|| format!("writing `{}`", dest.display()))?;
    log::info(&format!("wrote {} ({} bytes)", dest.display(), rendered.html.len()));
    Ok(dest)
}

/// The report input of one contrast of `degsea run`, from what the run computed: the manifest
/// (as it will be written, minus outputs), the DE table, the GSEA rows in `gsea.tsv` order, the
/// run's plots and the
/// log-CPM (prior count 2) of the kept genes in `de.tsv` order.
pub fn input_from_run(
    manifest: &Manifest,
    design: &SampleDesign,
    de_run: &DeRun,
    gsea: Vec<GseaRecord>,
    plots: &[(String, String)],
) -> ReportInput {
    let manifest = manifest.to_json();
    let prepared = &de_run.prepared;
    let labels = design.group_labels();
    let samples: Vec<SampleInfo> = prepared
        .counts
        .samples()
        .iter()
        .enumerate()
        .map(|(j, name)| SampleInfo {
            name: name.clone(),
            group: ReportInput::group_index(&manifest, labels[j]),
            lib_size: prepared.lib_sizes[j],
            norm_factor: prepared.norm_factors[j],
        })
        .collect();
    let order = de_run.result.top_tags_order();
    let de = de_run.columns(&order).to_table();
    let counts = prepared.counts.counts().select(ndarray::Axis(0), &order);
    let log_cpm = LogCpm::compute(de.genes.clone(), &counts, &samples);
    let plots = plots.iter().map(|(name, svg)| NamedSvg { name: name.clone(), svg: svg.clone() }).collect();
    ReportInput::from_manifest(manifest, samples, de, gsea, plots, Some(log_cpm))
}

/// The report input of [`input_from_run`] made from a DE-only one (built with the manifest
/// without enrichment and no GSEA rows or plots) by handing it the final manifest, the GSEA rows
/// and the run's plots; its tables and log-CPM are moved, not recomputed.
pub fn complete_input(
    de_only: ReportInput,
    manifest: &Manifest,
    gsea: Vec<GseaRecord>,
    plots: &[(String, String)],
) -> ReportInput {
    let plots = plots.iter().map(|(name, svg)| NamedSvg { name: name.clone(), svg: svg.clone() }).collect();
    ReportInput::from_manifest(manifest.to_json(), de_only.samples, de_only.de, gsea, plots, de_only.log_cpm)
}

/// Renders `input` with its precomputed QC plots (`qc`: [`degsea_report::qc_plots`]' names and
/// SVGs, with their PNGs when rendered) and DE data block, and stages `sub/report.html`; with
/// `write_plots`, also the QC plots under `sub/plots/` as SVG and PNG, like the run's other plots.
///
/// # Errors
/// A file that cannot be staged.
pub fn stage(
    out: &mut OutputDir,
    sub: &Path,
    input: &ReportInput,
    de_data: String,
    qc: &[(String, String, Option<Vec<u8>>)],
    write_plots: bool,
) -> anyhow::Result<()> {
    let qc_plots =
        qc.iter().map(|(name, svg, _)| NamedSvg { name: name.clone(), svg: svg.clone() }).collect();
    let rendered = degsea_report::render_with(input, Precomputed { qc_plots, de_data })?;
    out.write(sub.join(REPORT_FILE), rendered.html.as_bytes())
        .with_context(|| format!("writing `{}`", out.dest().join(sub).join(REPORT_FILE).display()))?;
    if write_plots {
        for (name, svg, png) in qc {
            let stem = sub.join("plots").join(name).to_string_lossy().into_owned();
            out.write(format!("{stem}.svg"), svg.as_bytes())
                .with_context(|| format!("writing {stem}.svg"))?;
            if let Some(bytes) = png {
                out.write(format!("{stem}.png"), bytes).with_context(|| format!("writing {stem}.png"))?;
            }
        }
    }
    Ok(())
}
