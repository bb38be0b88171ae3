//! The `count` job: featureCounts-compatible gene counts from BAM/SAM + GTF, written as a
//! featureCounts table and its `.summary` (each atomically; the summary first, the table last, so
//! a present table implies a complete run).

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use degsea_count::{Annotation, CountOptions, GtfOptions, Strandedness};

use crate::log;

/// Configuration of the `count` job (featureCounts' options in brackets).
#[derive(Debug, Clone)]
pub struct CountConfig {
    /// Annotation in GTF format (plain or gzip).
    pub gtf: PathBuf,
    /// Alignment files (BAM or SAM), one output column each.
    pub bam: Vec<PathBuf>,
    /// Output count table; the summary goes to `<OUT>.summary`.
    pub output: PathBuf,
    /// Count fragments instead of reads (`-p --countReadPairs`).
    pub paired: bool,
    /// Strandedness 0, 1 or 2 (`-s`).
    pub strand: u8,
    /// GTF feature type(s), comma-separated (`-t`).
    pub feature_type: String,
    /// GTF attribute grouping features into meta-features (`-g`).
    pub attribute: String,
    /// Minimum mapping quality (`-Q`).
    pub min_mapq: u8,
    /// Primary alignments only (`--primary`).
    pub primary_only: bool,
    /// Count reads overlapping several genes for each (`-O`).
    pub multi_overlap: bool,
    /// Count all alignments of multi-mapping reads (`-M`).
    pub multi_mapping: bool,
    /// The command line, quoted into the table's header as featureCounts does.
    pub command_line: Vec<String>,
}

/// The command line as featureCounts quotes it in its header (`"a" "b"`).
fn quoted_command(args: &[String]) -> String {
    args.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(" ")
}

/// Runs the `count` job.
pub fn run(config: &CountConfig) -> anyhow::Result<()> {
    let CountConfig { gtf, bam, output, feature_type, attribute, command_line, .. } = config;
    let paired = config.paired;
    let inputs: Vec<&Path> = std::iter::once(gtf.as_path()).chain(bam.iter().map(PathBuf::as_path)).collect();
    crate::output::check_file(output, &inputs)?;
    crate::output::check_file(&summary_path(output), &inputs)?;
    let gtf_opts = GtfOptions {
        feature_types: feature_type.split(',').map(str::to_string).collect(),
        attribute: attribute.clone(),
    };
    let annotation = Annotation::from_gtf_path(gtf, &gtf_opts)?;
    log::info(&format!(
        "annotation {}: {} meta-features on {} chromosomes",
        gtf.display(),
        annotation.genes.len(),
        annotation.chromosomes.len()
    ));
    let opts = CountOptions {
        paired,
        strand: match config.strand {
            1 => Strandedness::Forward,
            2 => Strandedness::Reverse,
            _ => Strandedness::Unstranded,
        },
        min_mapq: config.min_mapq,
        primary_only: config.primary_only,
        multi_overlap: config.multi_overlap,
        multi_mapping: config.multi_mapping,
        threads: rayon::current_num_threads().max(1),
    };
    let mut results = Vec::with_capacity(bam.len());
    for path in bam {
        let fc = degsea_count::count_file(path, &annotation, &opts)?;
        log::info(&format!(
            "{}: {} {} assigned",
            path.display(),
            fc.summary.assigned,
            if paired { "fragments" } else { "reads" }
        ));
        results.push(fc);
    }
    let labels: Vec<String> = bam.iter().map(|p| p.display().to_string()).collect();
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let program = format!("degsea v{}; Command:{}", env!("CARGO_PKG_VERSION"), quoted_command(command_line));
    let summary_path = summary_path(output);
    // Write the summary first and the table last, so a present table implies a complete run.
    degsea_io::output::write_file_atomic(&summary_path, |w| {
        degsea_count::write_summary(w, &labels, &results)
    })
    .with_context(|| format!("cannot write `{}`", summary_path.display()))?;
    let table = degsea_io::output::write_file_atomic(output, |w| {
        degsea_count::write_counts(w, &program, &annotation, &labels, &results)
    });
    if let Err(e) = table {
        // No partial output: drop the summary written a moment ago.
        let _ = std::fs::remove_file(&summary_path);
        return Err(e).with_context(|| format!("cannot write `{}`", output.display()));
    }
    log::info(&format!("wrote {} and {}", output.display(), summary_path.display()));
    Ok(())
}

fn summary_path(output: &Path) -> PathBuf {
    let mut s = output.as_os_str().to_os_string();
    s.push(".summary");
    PathBuf::from(s)
}
