//! Rebuilding a [`ReportInput`] from a `degsea run` output folder (`degsea report --from DIR`).
//!
//! Reads `run.json`, `de.tsv`, `gsea.tsv` (optional), `norm_factors.tsv`, the SVGs under
//! `plots/`, and log-CPM from `logcpm.tsv` when the folder has one; otherwise from a count
//! matrix ([`LoadOptions::counts`]), with the kept genes of `de.tsv` and the library sizes and
//! factors of `norm_factors.tsv` (edgeR `cpm(y, log = TRUE, prior.count = 2)`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use degsea_io::counts::ReadOptions;
use serde_json::Value;

use crate::{Error, LogCpm, NamedSvg, ReportInput, Result, SampleInfo};

pub use crate::html::file_stem as plot_file_stem;

/// How [`load_dir`] finds what the folder may lack.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Count matrix to compute log-CPM from when the folder has no `logcpm.tsv`; `None` tries
    /// the counts path recorded in `run.json` (as written, then relative to the folder's parent).
    pub counts: Option<PathBuf>,
}

fn file_err(path: &Path, message: impl Into<String>) -> Error {
    Error::File { path: path.display().to_string(), message: message.into() }
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| file_err(path, format!("cannot read: {e}")))
}

fn parse_f64(path: &Path, line: usize, field: &str) -> Result<f64> {
    degsea_io::results::parse_number(field)
        .ok_or_else(|| file_err(path, format!("line {line}: `{field}` is not a number")))
}

/// A TSV file: its header and rows of fields.
struct Tsv {
    path: PathBuf,
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

impl Tsv {
    fn read(path: &Path) -> Result<Self> {
        let text = read(path)?;
        let mut lines = text.lines().enumerate().filter(|(_, l)| !l.is_empty());
        let header: Vec<String> = lines
            .next()
            .ok_or_else(|| file_err(path, "empty file"))?
            .1
            .split('\t')
            .map(str::to_owned)
            .collect();
        let mut rows = Vec::new();
        for (i, l) in lines {
            let f: Vec<String> = l.split('\t').map(str::to_owned).collect();
            if f.len() != header.len() {
                return Err(file_err(
                    path,
                    format!("line {}: {} fields, the header has {}", i + 1, f.len(), header.len()),
                ));
            }
            rows.push((i + 1, f));
        }
        Ok(Self { path: path.to_owned(), header, rows })
    }

    fn col(&self, name: &str) -> Result<usize> {
        self.header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| file_err(&self.path, format!("no column `{name}` in the header")))
    }

    fn floats(&self, name: &str) -> Result<Vec<f64>> {
        let j = self.col(name)?;
        self.rows.iter().map(|(line, f)| parse_f64(&self.path, *line, &f[j])).collect()
    }

    fn strings(&self, name: &str) -> Result<Vec<String>> {
        let j = self.col(name)?;
        Ok(self.rows.iter().map(|(_, f)| f[j].clone()).collect())
    }
}

/// Every `*.svg` under `dir/plots`, named by its path relative to `plots/` without `.svg`,
/// sorted by name.
fn read_plots(dir: &Path) -> Result<Vec<NamedSvg>> {
    let mut out = Vec::new();
    let root = dir.join("plots");
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries {
            let p = e.map_err(|e| file_err(&d, e.to_string()))?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "svg") {
                let rel = p.strip_prefix(&root).unwrap_or(&p).with_extension("");
                let name =
                    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                out.push(NamedSvg { name, svg: read(&p)? });
            }
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

fn read_logcpm_tsv(path: &Path, samples: &[SampleInfo]) -> Result<LogCpm> {
    let t = Tsv::read(path)?;
    let cols: Vec<usize> = samples.iter().map(|s| t.col(&s.name)).collect::<Result<_>>()?;
    let mut values = Vec::with_capacity(t.rows.len() * cols.len());
    for (line, f) in &t.rows {
        for &j in &cols {
            values.push(parse_f64(path, *line, &f[j])?);
        }
    }
    Ok(LogCpm { genes: t.rows.iter().map(|(_, f)| f[0].clone()).collect(), values })
}

/// Log-CPM of the DE table's genes from the count matrix, with the folder's library sizes and
/// factors.
fn logcpm_from_counts(path: &Path, genes: &[String], samples: &[SampleInfo]) -> Result<LogCpm> {
    let table = degsea_io::counts::read_counts(path, &ReadOptions::default())
        .map_err(|e| file_err(path, e.to_string()))?;
    let m = &table.matrix;
    let col_of: HashMap<&str, usize> = m.samples().iter().enumerate().map(|(j, s)| (s.as_str(), j)).collect();
    let cols: Vec<usize> = samples
        .iter()
        .map(|s| {
            col_of
                .get(s.name.as_str())
                .copied()
                .ok_or_else(|| file_err(path, format!("no sample `{}`", s.name)))
        })
        .collect::<Result<_>>()?;
    let row_of: HashMap<&str, usize> = m.genes().iter().enumerate().map(|(i, g)| (g.as_str(), i)).collect();
    let counts = m.counts();
    let mut sub = ndarray::Array2::<u32>::zeros((genes.len(), cols.len()));
    for (i, g) in genes.iter().enumerate() {
        let r = *row_of.get(g.as_str()).ok_or_else(|| file_err(path, format!("no gene `{g}` of de.tsv")))?;
        for (k, &j) in cols.iter().enumerate() {
            sub[[i, k]] = counts[[r, j]];
        }
    }
    Ok(LogCpm::compute(genes.to_vec(), &sub, samples))
}

/// Reads an output folder of `degsea run` into a [`ReportInput`].
///
/// # Errors
/// [`Error::File`] naming the file (and line and value) that is missing or malformed.
pub fn load_dir(dir: &Path, opts: &LoadOptions) -> Result<ReportInput> {
    let manifest_path = dir.join("run.json");
    let manifest: Value = serde_json::from_str(&read(&manifest_path)?)
        .map_err(|e| file_err(&manifest_path, format!("not JSON: {e}")))?;
    let de = degsea_io::de_table::read_table(&dir.join("de.tsv"))?;
    let nf_path = dir.join("norm_factors.tsv");
    let nf = Tsv::read(&nf_path)?;
    let groups = nf.strings("group")?;
    let samples: Vec<SampleInfo> = nf
        .strings("sample")?
        .into_iter()
        .zip(nf.floats("lib_size")?)
        .zip(nf.floats("norm_factor")?)
        .zip(&groups)
        .map(|(((name, lib_size), norm_factor), g)| SampleInfo {
            name,
            group: ReportInput::group_index(&manifest, g),
            lib_size,
            norm_factor,
        })
        .collect();
    let gsea_path = dir.join("gsea.tsv");
    let gsea =
        if gsea_path.is_file() { degsea_io::gsea_table::read_records(&gsea_path)? } else { Vec::new() };
    let logcpm_path = dir.join("logcpm.tsv");
    let log_cpm = if logcpm_path.is_file() {
        Some(read_logcpm_tsv(&logcpm_path, &samples)?)
    } else {
        let recorded = manifest
            .pointer("/parameters/counts")
            .and_then(Value::as_array)
            .filter(|a| a.len() == 1)
            .and_then(|a| a[0].as_str())
            .map(PathBuf::from);
        let candidate = opts.counts.clone().or_else(|| {
            let p = recorded?;
            if p.is_file() {
                return Some(p);
            }
            let q = dir.parent()?.join(&p);
            q.is_file().then_some(q)
        });
        candidate.map(|p| logcpm_from_counts(&p, &de.genes, &samples)).transpose()?
    };
    let plots = read_plots(dir)?;
    Ok(ReportInput::from_manifest(manifest, samples, de, gsea, plots, log_cpm))
}
