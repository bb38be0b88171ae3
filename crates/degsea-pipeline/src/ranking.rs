//! The ranking step of `degsea run`: DE results → a [`RankedList`] for GSEA. Scores genes by the
//! chosen metric, maps gene ids to the gene sets' symbols where needed (a user map, or the
//! bundled Ensembl → HGNC map when most ids look like Ensembl ids) and collapses duplicates,
//! keeping the largest |score|.

use degsea_core::genemap::looks_like_ensembl;
use degsea_core::{GeneMap, RankedList};
use degsea_de::rank::{RankMetric, collapse_by_name, rank_scores};

use crate::log;
use crate::warnings::Warnings;

/// Gene ids are mapped with the bundled Ensembl map when more than this fraction look like
/// Ensembl gene ids.
pub const ENSEMBL_MAJORITY: f64 = 0.5;

/// A user's gene map and the name it is recorded under.
#[derive(Debug, Clone)]
pub struct NamedMap {
    /// The map.
    pub map: GeneMap,
    /// Its name (the file path as given).
    pub name: String,
}

/// The ranked list of a contrast and how it was made.
#[derive(Debug, Clone)]
pub struct Ranking {
    /// Unique symbols with their scores.
    pub list: RankedList,
    /// The map used, if any.
    pub map_name: Option<String>,
    /// Gene ids that look like Ensembl ids.
    pub n_ensembl: usize,
    /// Ids without a symbol in the map.
    pub unmapped: usize,
    /// Duplicate ids dropped (largest |score| kept).
    pub duplicates: usize,
}

/// Gene ids mapped to gene-set symbols, and the map used.
#[derive(Debug, Clone)]
pub struct Symbols {
    /// The symbol of each id (`None`: not in the map); the id itself without a map.
    pub names: Vec<Option<String>>,
    /// The map used, if any.
    pub map_name: Option<String>,
    /// Ids that look like Ensembl ids.
    pub n_ensembl: usize,
}

/// Maps gene ids to the symbols gene sets use: with the user's map when given, else with the
/// bundled Ensembl map when most ids are Ensembl ids, else the ids as they are.
///
/// # Errors
/// The bundled map cannot be read.
pub fn symbols(genes: &[String], user_map: Option<&NamedMap>) -> anyhow::Result<Symbols> {
    let n_ensembl = genes.iter().filter(|g| looks_like_ensembl(g)).count();
    let bundled;
    let (map, map_name): (Option<&GeneMap>, Option<String>) = match user_map {
        Some(m) => (Some(&m.map), Some(m.name.clone())),
        None if n_ensembl as f64 > ENSEMBL_MAJORITY * genes.len() as f64 => {
            bundled = degsea_io::bundled::ensembl_to_symbol()?;
            (Some(&bundled), Some(degsea_io::bundled::ENSEMBL_MAP_NAME.to_owned()))
        }
        None => (None, None),
    };
    let names = match map {
        Some(m) => genes.iter().map(|g| m.get(g).map(str::to_owned)).collect(),
        None => genes.iter().map(|g| Some(g.clone())).collect(),
    };
    Ok(Symbols { names, map_name, n_ensembl })
}

/// Scores `genes` by `metric` from logFC and p-values, maps and collapses them.
pub fn rank(
    genes: &[String],
    log_fc: &[f64],
    p_value: &[f64],
    metric: RankMetric,
    user_map: Option<&NamedMap>,
    warnings: &mut Warnings,
) -> anyhow::Result<Ranking> {
    let scores = rank_scores(metric, log_fc, p_value);
    let symbols = symbols(genes, user_map)?;
    let names: Vec<Option<&str>> = symbols.names.iter().map(Option::as_deref).collect();
    let (map_name, n_ensembl) = (symbols.map_name, symbols.n_ensembl);
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

/// The ranking block of run.json.
pub fn ranking_json(r: &Ranking, metric: RankMetric, tie_fraction: f64) -> serde_json::Value {
    serde_json::json!({
        "metric": metric.name(),
        "gene_map": r.map_name,
        "ids_looking_like_ensembl": r.n_ensembl,
        "genes_ranked": r.list.len(),
        "ids_without_symbol": r.unmapped,
        "duplicate_ids_dropped": r.duplicates,
        "tie_fraction": tie_fraction,
    })
}
