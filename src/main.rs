//! `degsea`: edgeR-identical differential expression and fgsea-grade preranked GSEA for bulk
//! RNA-seq, in one offline binary.
//!
//! This binary is a thin layer (ripgrep model): flags are parsed once by clap, each subcommand
//! in `commands/` builds a typed config and runs its job in `degsea-pipeline`, which reads the
//! inputs, calls the library crates and writes the outputs atomically.

mod commands;

use std::process::ExitCode;

use clap::Parser;
use degsea_pipeline::log;

fn main() -> ExitCode {
    let cli = commands::Cli::parse();
    log::init(cli.global.verbosity());
    if let Some(n) = cli.global.threads {
        // A second initialisation is impossible here (first call in the process).
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global();
    }
    match commands::dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            match flag_hint(&err) {
                Some(hint) => log::error(&format!("{err:#} ({hint})")),
                None => log::error(&format!("{err:#}")),
            }
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The command-line remedy for a library error: library messages speak the domain, only the
/// binary knows its flags.
fn flag_hint(err: &anyhow::Error) -> Option<&'static str> {
    err.chain().find_map(|e| {
        if let Some(io) = e.downcast_ref::<degsea_io::Error>() {
            return match io {
                degsea_io::Error::Fractional { .. } => Some("use --round to round"),
                degsea_io::Error::AmbiguousSampleName { .. } => Some("--rename-samples FILE"),
                _ => None,
            };
        }
        if let Some(de) = e.downcast_ref::<degsea_de::Error>() {
            return matches!(de, degsea_de::Error::RleNoGenes | degsea_de::Error::ZeroUpperQuartile { .. })
                .then_some("use --norm tmm");
        }
        if let Some(g) = e.downcast_ref::<degsea_gsea::Error>() {
            return match g {
                degsea_gsea::Error::NoPathways(w) if w.contains("Ensembl") => {
                    Some("degsea run maps Ensembl ids itself, or takes --gene-map FILE")
                }
                degsea_gsea::Error::UndefinedMetric { .. } => {
                    Some("--metric signal2noise stays defined: its σ floor keeps the denominator > 0")
                }
                _ => None,
            };
        }
        None
    })
}
