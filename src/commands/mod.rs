//! Subcommands: clap definitions and dispatch. Each module turns its flags into a
//! `degsea_pipeline` job config and runs the job; no command module uses another (shared flag
//! groups live in [`args`]).

mod args;
mod count;
mod de;
mod genesets;
mod gsea;
mod normalize;
mod plot;
mod report;
mod run;
mod simulate;

use clap::{Parser, Subcommand};

/// Fast, offline, edgeR-identical differential expression and fgsea-grade GSEA for bulk RNA-seq.
#[derive(Debug, Parser)]
#[command(name = "degsea", version, about, long_about = None, propagate_version = true)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options shared by every subcommand.
#[derive(Debug, clap::Args)]
pub(crate) struct Global {
    /// Worker threads (default: all cores). Results are identical for any value.
    #[arg(long, global = true, value_name = "N")]
    pub(crate) threads: Option<usize>,
    /// Only print errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print debug messages.
    #[arg(short, long, global = true)]
    verbose: bool,
}

impl Global {
    /// 0 quiet, 1 normal, 2 verbose.
    pub(crate) fn verbosity(&self) -> u8 {
        if self.quiet {
            0
        } else if self.verbose {
            2
        } else {
            1
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// filterByExpr + TMM normalisation + logCPM (edgeR 3.40.2).
    Normalize(normalize::Args),
    /// Classic edgeR differential expression: qCML dispersion and exact test.
    De(de::Args),
    /// GSEA: preranked (fgsea 1.31.6) or phenotype-permutation (Broad GSEA / GSEApy 1.3.1).
    Gsea(gsea::Args),
    /// Gene-level read counting from BAM/SAM + GTF, featureCounts-compatible.
    Count(count::Args),
    /// Re-draw report plots from an existing output folder.
    Plot(plot::Args),
    /// Counts to report in one process: DE, ranking, GSEA, plots, report.html.
    Run(run::Args),
    /// Rebuild report.html (QC, DE, GSEA, methods) from a `degsea run` output folder.
    Report(report::Args),
    /// Simulate a negative-binomial cohort with planted gene-set shifts.
    Simulate(simulate::Args),
    /// List or export the bundled gene-set collections.
    Genesets(genesets::Args),
}

/// Runs the chosen subcommand.
pub(crate) fn dispatch(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Normalize(a) => normalize::run(a),
        Command::De(a) => de::run(a),
        Command::Gsea(a) => gsea::run(a),
        Command::Count(a) => count::run(a),
        Command::Plot(a) => plot::run(a),
        Command::Run(a) => run::run(a),
        Command::Report(a) => report::run(a),
        Command::Simulate(a) => simulate::run(a),
        Command::Genesets(a) => genesets::run(a),
    }
}
