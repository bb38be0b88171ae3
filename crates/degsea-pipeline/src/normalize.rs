//! The `normalize` job: filterByExpr, normalisation factors and log-CPM (edgeR 3.40.2), written
//! as `filter.tsv`, `norm_factors.tsv`, `logcpm.tsv` and `run.json`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use degsea_de::norm::Method;
use degsea_de::{PrepareOptions, prepare};
use degsea_io::manifest::Manifest;
use degsea_io::norm_tables::write_logcpm;
use serde_json::{Value, json};

use crate::de::{EDGER_VERSION, design_json, write_norm_tables};
use crate::inputs::{CountInputs, read_counts_and_digests, resolve};
use crate::{Timings, log, summarize_factors, write_manifest};

/// Configuration of the `normalize` job.
#[derive(Debug, Clone)]
pub struct NormalizeConfig {
    /// Counts and sample sheet.
    pub inputs: CountInputs,
    /// The contrast whose samples and groups are used (filterByExpr needs the groups).
    pub contrast: degsea_core::Contrast,
    /// Output folder (written atomically).
    pub out: PathBuf,
    /// Normalisation method (edgeR calcNormFactors).
    pub norm: Method,
    /// Keep every gene (skip filterByExpr).
    pub no_filter: bool,
    /// The command line, for the manifest.
    pub command_line: Vec<String>,
}

/// Runs the `normalize` job.
pub fn run(config: &NormalizeConfig) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let dest = config.out.display().to_string();
    let mut out = crate::output::open_folder(&config.out, &config.inputs.paths().collect::<Vec<_>>())?;
    let clock = Instant::now();
    let (data, input_digests) = read_counts_and_digests(&config.inputs)?;
    let design = resolve(&data, &config.contrast)?;
    timings.push("read", clock.elapsed().as_secs_f64());
    let clock = Instant::now();
    let opts =
        PrepareOptions { no_filter: config.no_filter, method: config.norm, ..PrepareOptions::default() };
    let prepared = prepare(&data.table.matrix, &design, &opts)?;
    timings.push("filter_normalize", clock.elapsed().as_secs_f64());
    let filtered = if config.no_filter { "no filter (--no-filter)" } else { "filterByExpr" };
    log::info(&format!(
        "{filtered}: kept {} of {} genes; {} factors {}",
        prepared.n_kept(),
        prepared.keep.len(),
        config.norm,
        summarize_factors(&prepared.norm_factors)
    ));

    let clock = Instant::now();
    let log_cpm = prepared.log_cpm(degsea_de::cpm::PRIOR_COUNT);
    (|| -> std::io::Result<()> {
        write_norm_tables(&mut out, Path::new(""), data.table.matrix.genes(), &design, &prepared)?;
        let log_cpm = log_cpm.as_standard_layout();
        let values = log_cpm.as_slice().expect("a standard-layout array is one slice");
        write_logcpm(
            &mut out.create("logcpm.tsv")?,
            prepared.counts.genes(),
            prepared.counts.samples(),
            values,
        )
    })()
    .with_context(|| format!("writing into `{dest}`"))?;
    timings.push("write", clock.elapsed().as_secs_f64());

    let mut m = Manifest::new("normalize", config.command_line.clone());
    m.reproduces.insert("edgeR".into(), json!(EDGER_VERSION));
    let mut parameters = config.inputs.parameters_json();
    if let Value::Object(p) = &mut parameters {
        p.insert("contrast".into(), json!(config.contrast.to_string()));
        p.insert("norm".into(), json!(config.norm.name()));
        p.insert("no_filter".into(), json!(config.no_filter));
        p.insert("logcpm_prior_count".into(), json!(degsea_de::cpm::PRIOR_COUNT));
        p.insert("threads".into(), json!(rayon::current_num_threads()));
    }
    m.parameters = parameters;
    m.inputs = input_digests;
    timings.push("total", started.elapsed().as_secs_f64());
    m.timings = timings.into_vec();
    m.results.insert("design".into(), design_json(&design));
    m.results.insert(
        "normalize".into(),
        json!({
            "genes_in": prepared.keep.len(),
            "genes_kept": prepared.n_kept(),
            "norm_factors": prepared.norm_factors,
        }),
    );
    write_manifest(&mut out, Path::new(""), m)?;
    out.commit().with_context(|| format!("publishing output folder `{dest}`"))?;
    log::info(&format!("wrote {dest}/filter.tsv, norm_factors.tsv, logcpm.tsv, run.json"));
    Ok(())
}
