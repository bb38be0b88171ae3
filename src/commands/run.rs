//! `degsea run`: counts → edgeR classic DE → ranking → fgsea GSEA → plots → one report folder,
//! in one process with no intermediate re-parsing.
//!
//! Output (per contrast; with several `--contrast` flags each gets a subfolder named after it):
//! `de.tsv`, `filter.tsv`, `norm_factors.tsv`, `ranks.rnk`, `gsea.tsv`, `gsea.json`,
//! `plots/{nes_bar,volcano}.{svg,png}`, `plots/enrichment/<SET>.{svg,png}` and `run.json`.
//! Everything is staged and published only at the end, so a failed run leaves no partial files.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use degsea_core::genemap::looks_like_ensembl;
use degsea_core::{Contrast, GeneMap, GeneSetCollection, RankedList, TwoGroups};
use degsea_de::rank::{RankMetric, collapse_by_name, rank_scores};
use degsea_gsea::GseaResult;
use degsea_io::output::OutputDir;
use degsea_io::table::fmt_f64;
use serde_json::{Value, json};

use crate::commands::de::{self, DeParams, DeRun};
use crate::commands::gsea::{self, GseaParams};
use crate::commands::input::{self, CountsAndSheet};
use crate::commands::manifest::{Warnings, input_files, timings_json};
use crate::commands::plot::{self, Format, GseaRow, Style};
use crate::commands::simulate::ENSEMBL_TO_SYMBOL;
use crate::log;
use crate::progress::Progress;

/// How the bundled map is named in logs and run.json.
const BUNDLED_MAP_NAME: &str = "bundled ensembl_to_symbol.human (org.Hs.eg.db 3.16.0)";
/// Gene ids are mapped with the bundled Ensembl map when more than this fraction look like
/// Ensembl gene ids.
const ENSEMBL_MAJORITY: f64 = 0.5;

/// Ranking metric of `--rank-by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum RankBy {
    /// sign(logFC)·Φ⁻¹(1 − PValue/2), computed on the log scale (default).
    Z,
    /// The shrunk log2 fold change.
    Logfc,
    /// sign(logFC)·(−log10 PValue).
    SignedLog10p,
}

impl From<RankBy> for RankMetric {
    fn from(r: RankBy) -> Self {
        match r {
            RankBy::Z => Self::Z,
            RankBy::Logfc => Self::LogFc,
            RankBy::SignedLog10p => Self::SignedLog10P,
        }
    }
}

/// Arguments of `degsea run`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Count matrix: genes × samples TSV/CSV (gzip or plain) or featureCounts output; or
    /// several HTSeq-count files, one per sample.
    #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
    counts: Vec<PathBuf>,
    /// Sample sheet (TSV/CSV): first column the sample id, a header row naming the columns.
    #[arg(long, value_name = "FILE")]
    samples: PathBuf,
    /// Two-group contrast `COLUMN: LEVEL[+LEVEL…] vs LEVEL[+LEVEL…]` (test vs reference), e.g.
    /// "cluster: cluster2+cluster3 vs cluster1". Repeat for several contrasts: each then gets
    /// a subfolder of --out named after it.
    #[arg(long, value_name = "SPEC", required = true)]
    contrast: Vec<String>,
    /// Round fractional counts half to even (R's round) instead of rejecting them.
    #[arg(long)]
    round: bool,
    /// Output folder (written atomically).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    de: DeParams,
    /// Ranking metric for GSEA.
    #[arg(long, value_enum, default_value_t = RankBy::Z)]
    rank_by: RankBy,
    /// Two-column map (id, symbol; header allowed) from the matrix's gene ids to the ids of the
    /// gene sets. Default: ids that look like Ensembl gene ids are mapped with the bundled human
    /// Ensembl → symbol map; other ids are used as they are.
    #[arg(long, value_name = "FILE")]
    gene_map: Option<PathBuf>,
    #[command(flatten)]
    gsea: GseaParams,
    /// FDR threshold of the plots (NES bars, volcano colours, enrichment curves).
    #[arg(long, value_name = "Q", default_value_t = degsea_plot::DEFAULT_FDR)]
    fdr: f64,
    /// PNG resolution in dots per inch.
    #[arg(long, value_name = "DPI", default_value_t = degsea_plot::DEFAULT_DPI)]
    dpi: f32,
    /// Skip the plots.
    #[arg(long)]
    no_plots: bool,
}

/// Runs `degsea run`.
pub(crate) fn run(args: Args) -> anyhow::Result<()> {
    let started = Instant::now();
    if !(args.fdr.is_finite() && args.fdr > 0.0 && args.fdr <= 1.0) {
        anyhow::bail!("--fdr {} is outside (0, 1]", args.fdr);
    }
    let contrasts: Vec<Contrast> = args
        .contrast
        .iter()
        .map(|c| c.parse::<Contrast>().context("--contrast"))
        .collect::<anyhow::Result<_>>()?;
    let clock = Instant::now();
    let data = input::read_counts_and_sheet(&args.counts, &args.samples, args.round)?;
    let read_seconds = clock.elapsed().as_secs_f64();
    // Resolve every contrast and load every input before any work, so bad input fails fast.
    let resolved: Vec<TwoGroups> =
        contrasts.iter().map(|c| input::resolve(&data, c)).collect::<anyhow::Result<_>>()?;
    let collections = gsea::load_collections(&args.gsea.genesets)?;
    let user_map = args.gene_map.as_deref().map(degsea_io::genemap::read).transpose()?;
    let hashes = input_files(args.counts.iter().chain([&args.samples]).chain(args.gene_map.iter()))?;

    let mut out = OutputDir::new(&args.out)
        .with_context(|| format!("preparing output folder `{}`", args.out.display()))?;
    let several = contrasts.len() > 1;
    for (contrast, groups) in contrasts.iter().zip(&resolved) {
        let sub = if several { PathBuf::from(contrast.slug()) } else { PathBuf::new() };
        if several {
            log::info(&format!("== {contrast} → {}", args.out.join(&sub).display()));
        }
        let job =
            Job { args: &args, data: &data, contrast, groups, collections: &collections, hashes: &hashes };
        job.run(&mut out, &sub, user_map.as_ref(), read_seconds)?;
    }
    out.commit().with_context(|| format!("publishing output folder `{}`", args.out.display()))?;
    log::info(&format!("wrote {} in {:.2} s", args.out.display(), started.elapsed().as_secs_f64()));
    Ok(())
}

/// One contrast of a run and what it shares with the others.
struct Job<'a> {
    args: &'a Args,
    data: &'a CountsAndSheet,
    contrast: &'a Contrast,
    groups: &'a TwoGroups,
    collections: &'a [GeneSetCollection],
    hashes: &'a [Value],
}

/// The ranked list of a contrast and how it was made.
struct Ranking {
    list: RankedList,
    map_name: Option<String>,
    n_ensembl: usize,
    unmapped: usize,
    duplicates: usize,
}

impl Job<'_> {
    /// DE, ranking, GSEA, plots and manifest, all staged under `sub`.
    fn run(
        &self,
        out: &mut OutputDir,
        sub: &Path,
        user_map: Option<&GeneMap>,
        read_seconds: f64,
    ) -> anyhow::Result<()> {
        let args = self.args;
        let mut warnings = Warnings::default();
        let mut timings: Vec<(&str, f64)> = vec![("read", read_seconds)];
        let progress = Progress::new();
        progress.stage(&format!("{}: dispersion and exact test", self.contrast));

        let de_run = de::analyse(&self.data.table.matrix, self.groups, &args.de, &mut warnings)?;
        timings.extend(de_run.timings.iter().copied());
        let clock = Instant::now();
        de::write_tables(out, sub, self.data.table.matrix.genes(), self.groups, &de_run, false)?;
        timings.push(("write_de", clock.elapsed().as_secs_f64()));

        progress.stage(&format!("{}: ranking", self.contrast));
        let clock = Instant::now();
        let ranking = self.rank(&de_run, user_map, &mut warnings)?;
        out.write(sub.join("ranks.rnk"), rnk_text(&ranking.list).as_bytes())?;
        timings.push(("rank", clock.elapsed().as_secs_f64()));

        progress.stage(&format!("{}: GSEA ({})", self.contrast, args.gsea.options().method.as_str()));
        let clock = Instant::now();
        let opts = args.gsea.options();
        let result = degsea_gsea::run(&ranking.list, self.collections, &opts)
            .map_err(|e| anyhow::anyhow!("GSEA of contrast `{}`: {e}", self.contrast))?;
        for w in &result.warnings {
            warnings.push(w.clone());
        }
        out.write(sub.join("gsea.tsv"), gsea::result_tsv(&result).as_bytes())?;
        out.write(sub.join("gsea.json"), &serde_json::to_vec_pretty(&gsea::result_json(&result))?)?;
        timings.push(("gsea", clock.elapsed().as_secs_f64()));
        let n_sig = result.rows.iter().filter(|r| r.padj < args.fdr).count();
        log::info(&format!(
            "GSEA: {} pathways tested ({} skipped by size), {n_sig} at padj < {}",
            result.rows.len(),
            result.n_skipped,
            args.fdr
        ));

        if !args.no_plots {
            progress.stage(&format!("{}: plots", self.contrast));
            let clock = Instant::now();
            self.plots(out, sub, &de_run, &ranking.list, &result)?;
            timings.push(("plots", clock.elapsed().as_secs_f64()));
        }

        let manifest = self.manifest(&de_run, &ranking, &opts, &result, warnings, &timings);
        out.write(sub.join("run.json"), &serde_json::to_vec_pretty(&manifest)?)?;
        Ok(())
    }

    /// Scores genes, maps ids to gene-set symbols where needed and collapses duplicates.
    fn rank(
        &self,
        de_run: &DeRun,
        user_map: Option<&GeneMap>,
        warnings: &mut Warnings,
    ) -> anyhow::Result<Ranking> {
        let genes = de_run.prepared.counts.genes();
        let r = &de_run.result;
        let scores = rank_scores(self.args.rank_by.into(), &r.log_fc, &r.p_value);
        let n_ensembl = genes.iter().filter(|g| looks_like_ensembl(g)).count();
        let bundled;
        let (map, map_name): (Option<&GeneMap>, Option<String>) = match (user_map, &self.args.gene_map) {
            (Some(m), Some(path)) => (Some(m), Some(path.display().to_string())),
            _ if n_ensembl as f64 > ENSEMBL_MAJORITY * genes.len() as f64 => {
                bundled = degsea_io::genemap::parse(ENSEMBL_TO_SYMBOL.as_bytes(), BUNDLED_MAP_NAME)?;
                (Some(&bundled), Some(BUNDLED_MAP_NAME.to_owned()))
            }
            _ => (None, None),
        };
        let names: Vec<Option<&str>> = match map {
            Some(m) => genes.iter().map(|g| m.get(g)).collect(),
            None => genes.iter().map(|g| Some(g.as_str())).collect(),
        };
        let c = collapse_by_name(&names, &scores);
        if let Some(name) = &map_name {
            log::info(&format!(
                "ranking: {} genes mapped with {name} to {} symbols ({} without a symbol, {} duplicate ids dropped keeping the largest |score|)",
                genes.len(),
                c.names.len(),
                c.unmapped,
                c.duplicates
            ));
            if c.names.is_empty() {
                anyhow::bail!(
                    "none of the {} gene ids (e.g. `{}`) is in the gene map {name}",
                    genes.len(),
                    genes.first().map_or("", String::as_str)
                );
            }
        } else if n_ensembl > 0 {
            warnings.push(format!(
                "{n_ensembl} of {} gene ids look like Ensembl ids but most do not; ids were used as they are (use --gene-map to map them)",
                genes.len()
            ));
        }
        Ok(Ranking {
            list: RankedList::new(c.names, c.scores)?,
            map_name,
            n_ensembl,
            unmapped: c.unmapped,
            duplicates: c.duplicates,
        })
    }

    /// NES bar plot, volcano and one enrichment curve per significant pathway, SVG + PNG.
    fn plots(
        &self,
        out: &mut OutputDir,
        sub: &Path,
        de_run: &DeRun,
        ranked: &RankedList,
        result: &GseaResult,
    ) -> anyhow::Result<()> {
        let args = self.args;
        let style = Style {
            fdr: args.fdr,
            title: None,
            width: None,
            height: None,
            groups: plot::labels_from_contrast(self.contrast),
        };
        let rows: Vec<GseaRow> = result
            .rows
            .iter()
            .map(|r| GseaRow { pathway: r.pathway.clone(), es: r.es, nes: r.nes, padj: r.padj })
            .collect();
        let collection = if args.gsea.genesets.len() == 1 { args.gsea.genesets[0].as_str() } else { "" };
        let mut images = vec![
            ("nes_bar".to_owned(), plot::nes_bar(&rows, &style, None, collection)?),
            ("volcano".to_owned(), plot::volcano(&de_run.volcano_points(), &style, None)?),
        ];
        for c in self.collections {
            images.extend(plot::enrichment_plots(&rows, ranked, c, &style, None)?);
        }
        let images: Vec<(String, String)> = images
            .into_iter()
            .map(|(name, svg)| (sub.join("plots").join(name).to_string_lossy().into_owned(), svg))
            .collect();
        plot::write_images(out, &images, &[Format::Svg, Format::Png], args.dpi)
    }

    /// The run.json manifest of one contrast.
    fn manifest(
        &self,
        de_run: &DeRun,
        ranking: &Ranking,
        opts: &degsea_gsea::GseaOptions,
        result: &GseaResult,
        warnings: Warnings,
        timings: &[(&str, f64)],
    ) -> Value {
        let args = self.args;
        let metric = RankMetric::from(args.rank_by).name();
        json!({
            "program": "degsea run",
            "version": env!("CARGO_PKG_VERSION"),
            "reproduces": { "edgeR": de::EDGER_VERSION, "fgsea": gsea::FGSEA_VERSION },
            "contrast": self.contrast.to_string(),
            "inputs": self.hashes,
            "parameters": {
                "counts": args.counts.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
                "samples": args.samples.display().to_string(),
                "contrasts": args.contrast,
                "round": args.round,
                "threads": rayon::current_num_threads(),
                "de": de::parameters_json(&args.de, de_run),
                "rank_by": metric,
                "gene_map": args.gene_map.as_ref().map(|p| p.display().to_string()),
                "gsea": gsea::parameters_json(opts, result),
                "fdr": args.fdr,
                "dpi": args.dpi,
                "plots": !args.no_plots,
            },
            "seed": opts.seed,
            "groups": de::groups_json(self.groups),
            "de": de::results_json(de_run),
            "ranking": {
                "metric": metric,
                "gene_map": ranking.map_name,
                "ids_looking_like_ensembl": ranking.n_ensembl,
                "genes_ranked": ranking.list.len(),
                "ids_without_symbol": ranking.unmapped,
                "duplicate_ids_dropped": ranking.duplicates,
                "tie_fraction": result.ranks.tie_fraction,
            },
            "gsea": {
                "collections": gsea::collections_json(self.collections),
                "pathways": gsea::pathways_json(result),
            },
            "warnings": warnings.into_vec(),
            "timings_seconds": timings_json(timings),
        })
    }
}

/// The ranked list as an RNK file (`gene<TAB>score`, shortest round-trip floats).
fn rnk_text(list: &RankedList) -> String {
    let mut s = String::with_capacity(list.len() * 28);
    for (g, v) in list.genes().iter().zip(list.scores()) {
        s.push_str(g);
        s.push('\t');
        s.push_str(&fmt_f64(*v));
        s.push('\n');
    }
    s
}
