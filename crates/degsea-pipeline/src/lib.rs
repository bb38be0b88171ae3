//! degsea's jobs, one per command: typed configuration in, an output folder with a `run.json`
//! manifest out. The CLI (the `degsea` binary) only turns flags into these configs and prints;
//! everything a command does lives here, composed from the statistics crates and the formats of
//! `degsea-io`.
//!
//! | job | module | writes |
//! |---|---|---|
//! | `normalize` | [`normalize`] | `filter.tsv`, `norm_factors.tsv`, `logcpm.tsv`, `run.json` |
//! | `de` | [`de`] | `de.tsv`, `filter.tsv`, `norm_factors.tsv`, (`de.json`), `run.json` |
//! | `gsea` | [`gsea`] | `gsea.tsv`, `gsea.json`, `run.json` |
//! | `run` | [`run`] | DE + [`ranking`] + GSEA + [`plots`], per contrast |
//! | `plot` | [`plots`] | images re-drawn from an output folder |
//! | `report` | [`report`] | `report.html` rebuilt from an output folder (`run` writes it too) |
//! | `count` | [`count`] | featureCounts-style `counts.tsv` + `.summary` |
//! | `simulate` | [`simulate`] | `counts.tsv`, `samples.tsv`, `truth.tsv`, `simulation.json` |
//! | `genesets` | [`genesets`] | lists or exports the bundled collections |
//!
//! Every job checks its output path and validates its inputs before computing ([`output`]),
//! stages its files in an [`degsea_io::output::OutputDir`] and publishes them only when the
//! whole job succeeded, replacing the output folder whole. No job
//! module calls another job's entry point except [`run`], which composes `de`, [`ranking`],
//! `gsea` and [`plots`] through their public functions. Logging goes to stderr through [`log`].

pub mod count;
pub mod de;
pub mod genesets;
pub mod gsea;
pub mod inputs;
pub mod log;
pub mod normalize;
pub mod output;
pub mod plots;
pub mod progress;
pub mod ranking;
pub mod report;
pub mod run;
pub mod simulate;
pub mod warnings;

use std::path::Path;

use anyhow::Context as _;
use degsea_io::manifest::Manifest;
use degsea_io::output::OutputDir;

/// Stage timings of a job, in run order.
#[derive(Debug, Default, Clone)]
pub struct Timings(Vec<(String, f64)>);

impl Timings {
    /// Records a stage's seconds.
    pub fn push(&mut self, stage: &str, seconds: f64) {
        self.0.push((stage.to_owned(), seconds));
    }

    /// Records the stages of a library call.
    pub fn extend(&mut self, stages: &[(&str, f64)]) {
        self.0.extend(stages.iter().map(|(k, v)| ((*k).to_owned(), *v)));
    }

    /// The stages recorded.
    pub fn into_vec(self) -> Vec<(String, f64)> {
        self.0
    }
}

/// The factors for the log: all of them for a few samples, else their range.
///
/// ```
/// assert_eq!(degsea_pipeline::summarize_factors(&[1.0, 0.5]), "1.0000 0.5000");
/// ```
pub fn summarize_factors(f: &[f64]) -> String {
    if f.len() <= 12 {
        f.iter().map(|x| format!("{x:.4}")).collect::<Vec<_>>().join(" ")
    } else {
        let lo = f.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = f.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        format!("from {lo:.4} to {hi:.4} over {} samples", f.len())
    }
}

/// Records the SHA-256 of every file staged under `sub` as the manifest's outputs, then stages
/// `sub/run.json`.
pub fn write_manifest(out: &mut OutputDir, sub: &Path, mut manifest: Manifest) -> anyhow::Result<()> {
    manifest.outputs = out.digests(sub)?;
    let mut bytes = serde_json::to_vec_pretty(&manifest.to_json())?;
    bytes.push(b'\n');
    out.write(sub.join("run.json"), &bytes)
        .with_context(|| format!("writing `{}`", out.dest().join(sub).join("run.json").display()))
}
