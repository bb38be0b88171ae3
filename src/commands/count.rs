//! `degsea count`: featureCounts-compatible gene counts from BAM/SAM + GTF.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use degsea_count::{Annotation, CountOptions, GtfOptions, Strandedness};

use crate::log;

/// Arguments of `degsea count`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Annotation in GTF format (plain or gzip).
    #[arg(long, value_name = "FILE")]
    gtf: PathBuf,
    /// Alignment files (BAM or SAM; coordinate- or name-sorted), one output column each.
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    bam: Vec<PathBuf>,
    /// Output count table (featureCounts format); the summary goes to `<OUT>.summary`.
    #[arg(short, long, value_name = "OUT")]
    output: PathBuf,
    /// Count fragments (read pairs) instead of reads (featureCounts `-p --countReadPairs`).
    #[arg(long)]
    paired: bool,
    /// Strandedness: 0 unstranded, 1 stranded, 2 reversely stranded (featureCounts `-s`).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=2))]
    strand: u8,
    /// GTF feature type(s) to count, comma-separated (featureCounts `-t`).
    #[arg(long, default_value = degsea_count::annotation::DEFAULT_FEATURE_TYPE, value_name = "TYPE")]
    feature_type: String,
    /// GTF attribute grouping features into meta-features (featureCounts `-g`).
    #[arg(long, default_value = degsea_count::annotation::DEFAULT_ATTRIBUTE, value_name = "NAME")]
    attribute: String,
    /// Minimum mapping quality (featureCounts `-Q`); for fragments, either mate suffices.
    #[arg(long, default_value_t = 0, value_name = "Q")]
    min_mapq: u8,
    /// Count primary alignments only (featureCounts `--primary`).
    #[arg(long)]
    primary_only: bool,
    /// Count reads overlapping several genes for each of them (featureCounts `-O`).
    #[arg(long)]
    multi_overlap: bool,
    /// Count all alignments of multi-mapping reads, NH > 1 (featureCounts `-M`).
    #[arg(long)]
    multi_mapping: bool,
}

fn quoted_command() -> String {
    std::env::args().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(" ")
}

/// Runs `degsea count`.
pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let Args {
        gtf,
        bam,
        output,
        paired,
        strand,
        feature_type,
        attribute,
        min_mapq,
        primary_only,
        multi_overlap,
        multi_mapping,
    } = args;
    let gtf_opts =
        GtfOptions { feature_types: feature_type.split(',').map(str::to_string).collect(), attribute };
    let annotation = Annotation::from_gtf_path(&gtf, &gtf_opts)?;
    log::info(&format!(
        "annotation {}: {} meta-features on {} chromosomes",
        gtf.display(),
        annotation.genes.len(),
        annotation.chromosomes.len()
    ));
    let opts = CountOptions {
        paired,
        strand: match strand {
            1 => Strandedness::Forward,
            2 => Strandedness::Reverse,
            _ => Strandedness::Unstranded,
        },
        min_mapq,
        primary_only,
        multi_overlap,
        multi_mapping,
        threads: rayon::current_num_threads().max(1),
    };
    let mut results = Vec::with_capacity(bam.len());
    for path in &bam {
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
    let program = format!("degsea v{}; Command:{}", env!("CARGO_PKG_VERSION"), quoted_command());
    let summary_path = summary_path(&output);
    // Write the summary first and the table last, so a present table implies a complete run.
    degsea_io::output::write_file_atomic(&summary_path, |w| {
        degsea_count::write_summary(w, &labels, &results)
    })
    .with_context(|| format!("cannot write `{}`", summary_path.display()))?;
    let table = degsea_io::output::write_file_atomic(&output, |w| {
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
