//! `degsea count`: featureCounts-compatible gene counts from BAM/SAM + GTF (job:
//! [`degsea_pipeline::count`]).

use std::path::PathBuf;

use degsea_pipeline::count::CountConfig;

use super::args::command_line;

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
    degsea_pipeline::count::run(&CountConfig {
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
        command_line: command_line(),
    })
}
