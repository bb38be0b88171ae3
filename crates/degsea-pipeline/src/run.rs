//! The `run` job: counts → edgeR classic DE → ranking → fgsea GSEA → plots, in one process with
//! no intermediate re-parsing. It composes the [`crate::de`], [`crate::ranking`],
//! [`crate::gsea`] and [`crate::plots`] steps.
//!
//! Output (per contrast; with several contrasts each gets a subfolder named after it):
//! `de.tsv`, `filter.tsv`, `norm_factors.tsv`, `ranks.rnk`, `gsea.tsv`, `gsea.json`,
//! `plots/{nes_bar,volcano}.{svg,png}`, `plots/enrichment/<SET>.{svg,png}`, `report.html` with
//! its QC plots (`plots/{library_sizes,mds,bcv,md,pvalue_histogram}`, `plots/heatmap/<SET>`)
//! and `run.json`.
//! Everything is staged and published only at the end, so a failed run leaves no partial files.
//!
//! After DE, the enrichment (ranking, GSEA, NES bars, enrichment curves, heatmaps) and the plots
//! that need only the DE results (volcano, QC plots, the report's DE table) run concurrently,
//! each rendering its PNGs in parallel; files are staged after both in a fixed order, so every
//! output (bar `run.json`'s timings) is the same at any thread count. In `timings_seconds`,
//! `plots` is the wall time the drawing adds beyond `rank` and `gsea`, which it overlaps.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use degsea_core::{Contrast, GeneSetCollection, SampleDesign};
use degsea_de::rank::RankMetric;
use degsea_gsea::phenotype::{Collapse, Expression, PhenotypeOptions, PhenotypeResult, run_phenotype};
use degsea_gsea::{GseaOptions, GseaResult};
use degsea_io::gsea_table::GseaRecord;
use degsea_io::gsea_table::GseaSummary;
use degsea_io::manifest::{FileDigest, Manifest};
use degsea_io::output::OutputDir;
use rayon::prelude::*;
use serde_json::{Value, json};

use crate::de::{self, DeOptions, DeRun};
use crate::gsea::phenotype::{self, ClassDesign, PhenotypeInput};
use crate::gsea::{self, FGSEA_VERSION};
use crate::inputs::{CountInputs, CountsAndSheet, read_counts_and_digests, resolve};
use crate::plots::{self, Style};
use crate::progress::Progress;
use crate::ranking::{self, NamedMap, Ranking};
use crate::warnings::Warnings;
use crate::{Timings, log, report, write_manifest};

/// Configuration of the `run` job.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Counts and sample sheet.
    pub inputs: CountInputs,
    /// Contrasts; with more than one, each gets a subfolder named by [`Contrast::slug`].
    pub contrasts: Vec<Contrast>,
    /// Output folder (written atomically).
    pub out: PathBuf,
    /// DE options.
    pub de: DeOptions,
    /// Ranking metric for GSEA.
    pub rank_by: RankMetric,
    /// A two-column id → symbol map file (default: automatic Ensembl mapping).
    pub gene_map: Option<PathBuf>,
    /// `--genesets` values.
    pub genesets: Vec<String>,
    /// GSEA engine options.
    pub gsea: GseaOptions,
    /// Phenotype-permutation GSEA instead of preranked: GSEApy's options. The expression matrix
    /// is the TMM log-CPM (prior count 2) of the kept genes, ids mapped to symbols as for the
    /// preranked list and duplicates merged by mean.
    pub phenotype: Option<PhenotypeOptions>,
    /// Phenotype mode: shuffle the labels only within the levels of this sample-sheet column.
    pub permute_within: Option<String>,
    /// FDR threshold of the plots.
    pub fdr: f64,
    /// PNG resolution.
    pub dpi: f32,
    /// Write the plots (SVG + PNG) under `plots/`.
    pub plots: bool,
    /// Write `report.html` (see [`crate::report`]).
    pub report: bool,
    /// The command line, for the manifest.
    pub command_line: Vec<String>,
}

/// Runs the `run` job.
pub fn run(config: &RunConfig) -> anyhow::Result<()> {
    let started = Instant::now();
    // Before any work: two contrasts sharing a folder, and an output path that cannot be used.
    let folders = Contrast::folders(&config.contrasts)?;
    let input_paths: Vec<&Path> = config
        .inputs
        .paths()
        .chain(config.gene_map.as_deref())
        .chain(config.genesets.iter().map(Path::new).filter(|p| p.is_file()))
        .collect();
    let mut out = crate::output::open_folder(&config.out, &input_paths)?;
    let clock = Instant::now();
    let (data, count_digests) = read_counts_and_digests(&config.inputs)?;
    let read_seconds = clock.elapsed().as_secs_f64();
    // Resolve every contrast and load every input before any work, so bad input fails fast.
    let designs: Vec<SampleDesign> = config
        .contrasts
        .iter()
        .map(|c| de::with_model(&data, resolve(&data, c)?, &config.de))
        .collect::<anyhow::Result<_>>()?;
    let strata: Vec<Option<Vec<usize>>> = designs
        .iter()
        .map(|d| {
            config
                .permute_within
                .as_deref()
                .filter(|_| config.phenotype.is_some())
                .map(|column| phenotype::strata(&data.sheet, column, d, &data.sheet_name))
                .transpose()
        })
        .collect::<anyhow::Result<_>>()?;
    let collections = degsea_io::genesets::load_all(&config.genesets)?;
    let user_map = match &config.gene_map {
        Some(p) => Some(NamedMap { map: degsea_io::genemap::read(p)?, name: p.display().to_string() }),
        // The gene names of the count table's annotation column (nf-core's `gene_name`).
        None => data
            .table
            .gene_name_map()
            .map(|map| NamedMap { map, name: format!("the gene names of {}", data.counts_name) }),
    };
    let mut inputs = count_digests;
    inputs.extend(FileDigest::inputs(config.gene_map.as_deref())?);
    inputs.extend(gsea::geneset_files(&config.genesets)?);

    let several = designs.len() > 1;
    for ((design, folder), strata) in designs.iter().zip(&folders).zip(&strata) {
        let sub = if several { PathBuf::from(folder) } else { PathBuf::new() };
        if several {
            log::info(&format!("== {} → {}", design.contrast, config.out.join(&sub).display()));
        }
        let job = Job { config, data: &data, design, strata, collections: &collections, inputs: &inputs };
        job.run(&mut out, &sub, user_map.as_ref(), read_seconds)?;
    }
    out.commit().with_context(|| format!("publishing output folder `{}`", config.out.display()))?;
    log::info(&format!("wrote {} in {:.2} s", config.out.display(), started.elapsed().as_secs_f64()));
    Ok(())
}

/// A plot: its name under `plots/`, its SVG and, when the run writes plots, its PNG.
type Image = (String, String, Option<Vec<u8>>);

/// Stages `sub/plots/<name>.svg` and `.png` of each image, in order.
fn write_images(out: &mut OutputDir, sub: &Path, images: &[Image]) -> anyhow::Result<()> {
    for (name, svg, png) in images {
        let stem = sub.join("plots").join(name).to_string_lossy().into_owned();
        out.write(format!("{stem}.svg"), svg.as_bytes()).with_context(|| format!("writing {stem}.svg"))?;
        if let Some(bytes) = png {
            out.write(format!("{stem}.png"), bytes).with_context(|| format!("writing {stem}.png"))?;
        }
    }
    Ok(())
}

/// The GSEA of one contrast.
enum Enrichment {
    /// fgsea on the DE ranking.
    Preranked {
        /// The ranked list and how it was made.
        ranking: Ranking,
        /// fgsea's result.
        result: GseaResult,
    },
    /// GSEApy's phenotype permutation on the log-CPM matrix.
    Phenotype {
        /// The matrix and classes analysed.
        input: Box<PhenotypeInput>,
        /// The result.
        result: PhenotypeResult,
        /// Distinct label permutations.
        distinct: f64,
        /// The options used.
        opts: PhenotypeOptions,
    },
}

impl Enrichment {
    /// The rows the NES bar plot draws; the adjusted p-value is fgsea's padj or GSEApy's FDR q.
    fn summaries(&self) -> Vec<GseaSummary> {
        self.records()
            .into_iter()
            .map(|r| GseaSummary { pathway: r.pathway, es: r.es, nes: r.nes, padj: r.padj })
            .collect()
    }

    /// The rows as the report shows them, in `gsea.tsv` order (FDR q as the adjusted p-value).
    fn records(&self) -> Vec<GseaRecord> {
        match self {
            Enrichment::Preranked { result, .. } => gsea::records(result),
            Enrichment::Phenotype { result, .. } => phenotype::records(result)
                .into_iter()
                .map(|r| GseaRecord {
                    pathway: r.pathway,
                    size: r.size,
                    es: r.es,
                    nes: r.nes,
                    pval: r.pval,
                    padj: r.fdr_q,
                    log2err: f64::NAN,
                    leading_edge: r.leading_edge,
                })
                .collect(),
        }
    }
}

/// One contrast of a run and what it shares with the others.
struct Job<'a> {
    config: &'a RunConfig,
    data: &'a CountsAndSheet,
    design: &'a SampleDesign,
    /// `--permute-within` level of each of the design's samples.
    strata: &'a Option<Vec<usize>>,
    collections: &'a [GeneSetCollection],
    inputs: &'a [FileDigest],
}

impl Job<'_> {
    /// DE, ranking, GSEA, plots and manifest, all staged under `sub`.
    fn run(
        &self,
        out: &mut OutputDir,
        sub: &Path,
        user_map: Option<&NamedMap>,
        read_seconds: f64,
    ) -> anyhow::Result<()> {
        let config = self.config;
        let contrast = &self.design.contrast;
        let mut warnings = Warnings::default();
        let mut timings = Timings::default();
        timings.push("read", read_seconds);
        let progress = Progress::new();
        let test = if self.design.model.is_some() { "GLM fit and test" } else { "exact test" };
        progress.stage(&format!("{contrast}: dispersion and {test}"));

        let de_run = de::analyse(&self.data.table.matrix, self.design, &config.de, &mut warnings)?;
        timings.extend(&de_run.timings);
        // The report's DE tables and log-CPM are computed while the DE tables are written.
        let clock = Instant::now();
        let (de_input, written) = rayon::join(
            || {
                config.report.then(|| {
                    let base = self.manifest(&de_run, None, Warnings::default(), Timings::default());
                    report::input_from_run(&base, self.design, &de_run, Vec::new(), &[])
                })
            },
            || de::write_tables(out, sub, self.data.table.matrix.genes(), self.design, &de_run, false),
        );
        written?;
        timings.push("write_de", clock.elapsed().as_secs_f64());

        // After DE, two independent branches run concurrently: the enrichment (ranking, GSEA,
        // its tables, then NES bars, enrichment curves and heatmaps) and the plots that need
        // only the DE results (volcano, the report's QC plots and DE table). PNGs are rendered
        // inside each branch; every file is written after the join in the order of a serial
        // run, so the output does not depend on the thread count.
        let draw = config.plots || config.report;
        let clock = Instant::now();
        let (enrichment_side, de_side) = rayon::join(
            || -> anyhow::Result<(Enrichment, Vec<Image>, Vec<Image>)> {
                let enrichment = match &config.phenotype {
                    None => {
                        self.preranked(out, sub, &de_run, user_map, &progress, &mut warnings, &mut timings)?
                    }
                    Some(opts) => self.phenotype(
                        out,
                        sub,
                        &de_run,
                        opts,
                        user_map,
                        &progress,
                        &mut warnings,
                        &mut timings,
                    )?,
                };
                if draw {
                    progress.stage(&format!("{contrast}: plots"));
                }
                let curves = if draw { self.draw_enrichment_plots(&enrichment)? } else { Vec::new() };
                let heatmaps = match &de_input {
                    Some(input) => {
                        let records = enrichment.records();
                        let sets = degsea_report::significant_sets(&records, input.fdr);
                        degsea_report::heatmap_plots(input, &sets)?
                            .into_iter()
                            .map(|p| (p.name, p.svg))
                            .collect()
                    }
                    None => Vec::new(),
                };
                let curves = self.rasterise(sub, curves)?;
                let heatmaps = self.rasterise(sub, heatmaps)?;
                Ok((enrichment, curves, heatmaps))
            },
            || -> anyhow::Result<(Option<Image>, Vec<Image>, String)> {
                let volcano = if draw {
                    let style = self.style();
                    Some(("volcano".to_owned(), plots::volcano(&de_run.volcano_points(), &style, None)?))
                } else {
                    None
                };
                let (qc, de_data) = match &de_input {
                    Some(input) => {
                        let (qc, de_data) = rayon::join(
                            || degsea_report::de_qc_plots(input),
                            || degsea_report::de_data_json(input),
                        );
                        (qc?.into_iter().map(|p| (p.name, p.svg)).collect(), de_data)
                    }
                    None => (Vec::new(), String::new()),
                };
                let mut images: Vec<(String, String)> = volcano.into_iter().collect();
                let has_volcano = !images.is_empty();
                images.extend(qc);
                let mut images = self.rasterise(sub, images)?;
                let volcano = if has_volcano { Some(images.remove(0)) } else { None };
                Ok((volcano, images, de_data))
            },
        );
        let (enrichment, curves, heatmaps) = enrichment_side?;
        let (volcano, de_qc, de_data) = de_side?;
        let overlapped = clock.elapsed().as_secs_f64();
        let clock = Instant::now();

        // The run's plots: NES bars, volcano, enrichment curves (the first curve is the NES bars).
        let mut curves = curves.into_iter();
        let images: Vec<Image> = curves.next().into_iter().chain(volcano).chain(curves).collect();
        if config.plots {
            write_images(out, sub, &images)?;
        }
        let enrichment_seconds: f64 =
            timings.0.iter().filter(|(k, _)| k == "rank" || k == "gsea").map(|(_, v)| *v).sum();
        if draw {
            // The plots' own wall time: what they add to the enrichment they overlap with.
            timings.push("plots", (overlapped - enrichment_seconds).max(0.0) + clock.elapsed().as_secs_f64());
        }

        let mut manifest = self.manifest(&de_run, Some(&enrichment), warnings, timings);
        if let Some(de_input) = de_input {
            progress.stage(&format!("{contrast}: report.html"));
            let clock = Instant::now();
            let svgs: Vec<(String, String)> =
                images.iter().map(|(name, svg, _)| (name.clone(), svg.clone())).collect();
            let input = report::complete_input(de_input, &manifest, enrichment.records(), &svgs);
            let qc: Vec<Image> = de_qc.into_iter().chain(heatmaps).collect();
            report::stage(out, sub, &input, de_data, &qc, config.plots)?;
            manifest.timings.push(("report".to_owned(), clock.elapsed().as_secs_f64()));
        }
        write_manifest(out, sub, manifest)
    }

    /// Look options of the run's plots.
    fn style(&self) -> Style {
        Style {
            fdr: self.config.fdr,
            title: None,
            width: None,
            height: None,
            groups: plots::labels_from_contrast(&self.design.contrast),
        }
    }

    /// Renders the PNG of each `(name under plots/, SVG)` in parallel when the run writes plots.
    fn rasterise(&self, sub: &Path, images: Vec<(String, String)>) -> anyhow::Result<Vec<Image>> {
        let config = self.config;
        if !config.plots {
            return Ok(images.into_iter().map(|(name, svg)| (name, svg, None)).collect());
        }
        images
            .into_par_iter()
            .map(|(name, svg)| {
                let png = degsea_plot::svg_to_png(&svg, config.dpi).with_context(|| {
                    format!("rendering {}.png", sub.join("plots").join(&name).to_string_lossy())
                })?;
                Ok((name, svg, Some(png)))
            })
            .collect()
    }

    /// Preranked GSEA (fgsea) of the DE ranking: `ranks.rnk`, `gsea.tsv`, `gsea.json`.
    #[allow(clippy::too_many_arguments)]
    fn preranked(
        &self,
        out: &mut OutputDir,
        sub: &Path,
        de_run: &DeRun,
        user_map: Option<&NamedMap>,
        progress: &Progress,
        warnings: &mut Warnings,
        timings: &mut Timings,
    ) -> anyhow::Result<Enrichment> {
        let config = self.config;
        let contrast = &self.design.contrast;
        progress.stage(&format!("{contrast}: ranking"));
        let clock = Instant::now();
        let r = &de_run.result;
        let ranking = ranking::rank(
            de_run.prepared.counts.genes(),
            &r.log_fc,
            &r.p_value,
            config.rank_by,
            user_map,
            warnings,
        )?;
        out.write(sub.join("ranks.rnk"), degsea_io::rnk::to_text(&ranking.list).as_bytes())?;
        timings.push("rank", clock.elapsed().as_secs_f64());

        progress.stage(&format!("{contrast}: GSEA ({})", config.gsea.method.as_str()));
        let clock = Instant::now();
        let result = degsea_gsea::run(&ranking.list, self.collections, &config.gsea)
            .with_context(|| format!("GSEA of contrast `{contrast}`"))?;
        for w in &result.warnings {
            warnings.push(w.clone());
        }
        gsea::write_tables(out, sub, &result)?;
        timings.push("gsea", clock.elapsed().as_secs_f64());
        let n_sig = result.rows.iter().filter(|r| r.padj < config.fdr).count();
        log::info(&format!(
            "GSEA: {} pathways tested ({} skipped by size), {n_sig} at padj < {}",
            result.rows.len(),
            result.n_skipped,
            config.fdr
        ));
        Ok(Enrichment::Preranked { ranking, result })
    }

    /// Phenotype-permutation GSEA (GSEApy) of the TMM log-CPM (prior count 2) of the kept genes:
    /// `ranks.rnk` (the observed metric), `gsea.tsv`, `gsea.json`.
    #[allow(clippy::too_many_arguments)]
    fn phenotype(
        &self,
        out: &mut OutputDir,
        sub: &Path,
        de_run: &DeRun,
        opts: &PhenotypeOptions,
        user_map: Option<&NamedMap>,
        progress: &Progress,
        warnings: &mut Warnings,
        timings: &mut Timings,
    ) -> anyhow::Result<Enrichment> {
        let contrast = &self.design.contrast;
        progress.stage(&format!("{contrast}: GSEA (phenotype permutation, {} permutations)", opts.nperm));
        let clock = Instant::now();
        let prepared = &de_run.prepared;
        let symbols = ranking::symbols(prepared.counts.genes(), user_map)?;
        let log_cpm = prepared.log_cpm(degsea_de::cpm::PRIOR_COUNT);
        let n = log_cpm.ncols();
        let mut genes = Vec::with_capacity(symbols.names.len());
        let mut values = Vec::with_capacity(symbols.names.len() * n);
        for (row, name) in log_cpm.rows().into_iter().zip(&symbols.names) {
            if let Some(name) = name {
                genes.push(name.clone());
                values.extend(row.iter().copied());
            }
        }
        if let Some(map) = &symbols.map_name {
            log::info(&format!(
                "phenotype GSEA: {} of {} kept genes mapped to symbols with {map}",
                genes.len(),
                symbols.names.len()
            ));
        }
        let expression = Expression { genes, n_samples: n, values };
        let classes = ClassDesign { design: self.design.clone(), strata: self.strata.clone() };
        let input = phenotype::prepare_expression(expression, classes, Collapse::Mean, "log-CPM", warnings)?;
        let opts = &PhenotypeOptions { strata: self.strata.clone(), ..opts.clone() };
        let distinct = phenotype::check_permutations(
            &input.labels,
            opts.strata.as_deref(),
            opts.nperm,
            &input.classes.design,
            warnings,
        );
        let result = run_phenotype(&input.expression, &input.labels, self.collections, opts)
            .with_context(|| format!("phenotype GSEA of contrast `{contrast}`"))?;
        phenotype::write_tables(out, sub, &result)?;
        timings.push("gsea", clock.elapsed().as_secs_f64());
        log::info(&format!(
            "GSEA (phenotype): {} pathways tested, {} at fdr_q < {}",
            result.rows.len(),
            result.rows.iter().filter(|r| r.fdr_q < self.config.fdr).count(),
            self.config.fdr
        ));
        Ok(Enrichment::Phenotype { input: Box::new(input), result, distinct, opts: opts.clone() })
    }

    /// NES bar plot and one enrichment curve per significant pathway, as
    /// `(name under plots/, SVG)`.
    fn draw_enrichment_plots(&self, enrichment: &Enrichment) -> anyhow::Result<Vec<(String, String)>> {
        let config = self.config;
        let style = self.style();
        let rows = enrichment.summaries();
        let collection = if config.genesets.len() == 1 { config.genesets[0].as_str() } else { "" };
        let mut images = vec![("nes_bar".to_owned(), plots::nes_bar(&rows, &style, None, collection)?)];
        images.extend(match enrichment {
            Enrichment::Preranked { result, .. } => {
                plots::enrichment_plots_from_result(result, &style, None)?
            }
            Enrichment::Phenotype { result, .. } => {
                let scores: Vec<f64> = result.ranking.iter().map(|(_, v)| *v).collect();
                let rows = result
                    .rows
                    .iter()
                    .map(|r| {
                        let summary =
                            GseaSummary { pathway: r.pathway.clone(), es: r.es, nes: r.nes, padj: r.fdr_q };
                        (summary, Some(r.hits.clone()))
                    })
                    .collect();
                plots::enrichment_plots_from_hits(&scores, rows, &style, None)?
            }
        });
        Ok(images)
    }

    /// The run.json manifest of one contrast.
    /// Without `enrichment`, the DE part only (what the report's QC plots read).
    fn manifest(
        &self,
        de_run: &DeRun,
        enrichment: Option<&Enrichment>,
        warnings: Warnings,
        timings: Timings,
    ) -> Manifest {
        let config = self.config;
        let mut m = Manifest::new("run", config.command_line.clone());
        m.reproduces.insert("edgeR".into(), json!(de::EDGER_VERSION));
        match enrichment {
            Some(Enrichment::Preranked { .. }) => {
                m.reproduces.insert("fgsea".into(), json!(FGSEA_VERSION));
            }
            Some(Enrichment::Phenotype { .. }) => {
                m.reproduces.insert("gseapy".into(), json!(phenotype::GSEAPY_VERSION));
            }
            None => {}
        }
        let mut parameters = config.inputs.parameters_json();
        if let Value::Object(p) = &mut parameters {
            p.insert("contrast".into(), json!(self.design.contrast.to_string()));
            p.insert(
                "contrasts".into(),
                json!(config.contrasts.iter().map(ToString::to_string).collect::<Vec<_>>()),
            );
            p.insert("threads".into(), json!(rayon::current_num_threads()));
            p.insert("de".into(), de::parameters_json(&config.de, de_run));
            p.insert("gene_map".into(), json!(config.gene_map.as_ref().map(|p| p.display().to_string())));
            p.insert("genesets".into(), json!(config.genesets));
            match enrichment {
                Some(Enrichment::Preranked { result, .. }) => {
                    p.insert("rank_by".into(), json!(config.rank_by.name()));
                    p.insert("gsea".into(), gsea::parameters_json(&config.gsea, result));
                }
                Some(Enrichment::Phenotype { opts, .. }) => {
                    p.insert(
                        "gsea".into(),
                        phenotype::parameters_json(opts, config.permute_within.as_deref(), Collapse::Mean),
                    );
                }
                None => {}
            }
            p.insert("fdr".into(), json!(config.fdr));
            p.insert("dpi".into(), json!(config.dpi));
            p.insert("plots".into(), json!(config.plots));
            p.insert("report".into(), json!(config.report));
        }
        m.parameters = parameters;
        m.seed = enrichment.map(|e| match e {
            Enrichment::Preranked { .. } => config.gsea.seed,
            Enrichment::Phenotype { opts, .. } => opts.seed,
        });
        m.inputs = self.inputs.to_vec();
        m.warnings = warnings.into_vec();
        m.timings = timings.into_vec();
        m.results.insert("design".into(), de::design_json(self.design));
        m.results.insert("de".into(), de::results_json(de_run));
        match enrichment {
            None => {}
            Some(Enrichment::Preranked { ranking, result }) => {
                m.results.insert(
                    "ranking".into(),
                    ranking::ranking_json(ranking, config.rank_by, result.ranks.tie_fraction),
                );
                m.results.insert("gsea".into(), gsea::results_json(self.collections, result));
            }
            Some(Enrichment::Phenotype { input, result, distinct, opts }) => {
                m.results.insert(
                    "gsea".into(),
                    phenotype::results_json(self.collections, input, opts, result, *distinct),
                );
            }
        }
        m
    }
}
