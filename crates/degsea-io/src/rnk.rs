//! RNK ranked-list files: `gene<TAB>score`, one gene a line.
//!
//! Lines starting with `#` and blank lines are skipped. The first remaining line is a header
//! when its score field is not a number (e.g. `ID<TAB>t`). Extra columns are ignored; when a
//! line has no tab, fields are split on whitespace. Gzip input is detected by its magic bytes.
//!
//! A gene listed more than once keeps its score of largest absolute value (the first one seen
//! on ties); [`Ranks::n_duplicates`] counts the dropped lines. Scores that are NaN, infinite or
//! not numbers are errors naming the file, line and value.
//!
//! ```
//! let text = "ID\tt\nA\t2.5\nB\t-1\nA\t-3\n";
//! let r = degsea_io::rnk::parse(text.as_bytes(), "x.rnk")?;
//! assert_eq!(r.list.genes(), ["A", "B"]);
//! assert_eq!(r.list.scores(), [-3.0, -1.0]);
//! assert_eq!(r.n_duplicates, 1);
//! # Ok::<(), degsea_io::Error>(())
//! ```

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use degsea_core::RankedList;

use crate::lines::Lines;
use crate::{Error, Result};

/// A ranked list read from an RNK file, with what was done to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranks {
    /// Unique genes with finite scores, in first-seen order.
    pub list: RankedList,
    /// Number of lines dropped because their gene was listed again.
    pub n_duplicates: usize,
    /// Up to five duplicated gene names, for messages.
    pub duplicate_examples: Vec<String>,
    /// Whether a header line was skipped.
    pub had_header: bool,
}

/// The RNK text of a ranked list: `gene<TAB>score` per line in list order, shortest
/// round-trip numbers, no header (what `degsea run` writes as `ranks.rnk`).
///
/// ```
/// let list = degsea_core::RankedList::new(vec!["A".into(), "B".into()], vec![2.5, -1.0])?;
/// assert_eq!(degsea_io::rnk::to_text(&list), "A\t2.5\nB\t-1\n");
/// # Ok::<(), degsea_core::Error>(())
/// ```
pub fn to_text(list: &RankedList) -> String {
    let mut s = String::with_capacity(list.len() * 28);
    for (g, v) in list.genes().iter().zip(list.scores()) {
        s.push_str(g);
        s.push('\t');
        s.push_str(&crate::table::fmt_f64(*v));
        s.push('\n');
    }
    s
}

/// Reads an RNK file (plain or gzip).
///
/// ```no_run
/// let r = degsea_io::rnk::read("ranks.rnk".as_ref())?;
/// println!("{} genes", r.list.len());
/// # Ok::<(), degsea_io::Error>(())
/// ```
///
/// # Errors
/// As [`parse`], plus the file not opening.
pub fn read(path: &Path) -> Result<Ranks> {
    parse_lines(Lines::open(path)?)
}

/// Parses RNK text from a reader; `source` names it in error messages.
///
/// # Errors
/// A missing score column, a non-numeric or non-finite score, an empty gene name, no genes,
/// or a read failure.
pub fn parse(reader: impl Read, source: &str) -> Result<Ranks> {
    parse_lines(Lines::from_reader(reader, source))
}

fn parse_lines(mut lines: Lines<'_>) -> Result<Ranks> {
    let mut genes: Vec<String> = Vec::new();
    let mut scores: Vec<f64> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut n_duplicates = 0;
    let mut duplicate_examples = Vec::new();
    let mut had_header = false;
    let mut seen_data = false;
    while lines.next_record()? {
        let line = lines.text()?;
        let (gene, value) = if line.contains('\t') {
            let mut f = line.split('\t');
            (f.next().unwrap_or_default().trim(), f.next().map(str::trim))
        } else {
            let mut f = line.split_whitespace();
            (f.next().unwrap_or_default(), f.next())
        };
        let first = !seen_data;
        seen_data = true;
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            return Err(Error::RnkNoScore {
                file: lines.file.clone(),
                line: lines.line,
                text: crate::printable(&line.chars().take(60).collect::<String>()),
            });
        };
        let score = match parse_score(value) {
            Some(s) => s,
            None if first => {
                had_header = true;
                continue;
            }
            None => {
                return Err(Error::RnkNotANumber {
                    file: lines.file.clone(),
                    line: lines.line,
                    gene: crate::printable(gene),
                    value: crate::printable(value),
                });
            }
        };
        if !score.is_finite() {
            return Err(Error::RnkNonFinite {
                file: lines.file.clone(),
                line: lines.line,
                gene: crate::printable(gene),
                value: crate::printable(value),
            });
        }
        if gene.is_empty() {
            return Err(Error::RnkEmptyGene { file: lines.file.clone(), line: lines.line });
        }
        if let Some(&i) = index.get(gene) {
            n_duplicates += 1;
            if duplicate_examples.len() < 5 && !duplicate_examples.iter().any(|g| g == gene) {
                duplicate_examples.push(gene.to_owned());
            }
            if score.abs() > scores[i].abs() {
                scores[i] = score;
            }
        } else {
            index.insert(gene.to_owned(), genes.len());
            genes.push(gene.to_owned());
            scores.push(score);
        }
    }
    if genes.is_empty() {
        return Err(Error::RnkEmpty { file: lines.file });
    }
    let list = RankedList::new(genes, scores).expect("names are unique and scores finite by construction");
    Ok(Ranks { list, n_duplicates, duplicate_examples, had_header })
}

/// Parses a score; R's `NA` and the spellings of NaN/Inf parse to non-finite values so that
/// they are reported as non-finite rather than as a header.
fn parse_score(value: &str) -> Option<f64> {
    match value {
        "NA" | "NaN" | "nan" => Some(f64::NAN),
        _ => value.parse::<f64>().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_comments_and_whitespace() {
        let r = parse("# made by x\nGene Score\nA 1\nB -2\n".as_bytes(), "r.rnk").unwrap();
        assert!(r.had_header);
        assert_eq!(r.list.genes(), ["A", "B"]);
        let r = parse("A\t1\nB\t2\n".as_bytes(), "r.rnk").unwrap();
        assert!(!r.had_header);
    }

    #[test]
    fn duplicates_keep_largest_absolute_first_on_ties() {
        let r = parse("A\t1\nB\t2\nA\t-1\nB\t-5\nA\t0.5\n".as_bytes(), "r.rnk").unwrap();
        assert_eq!(r.list.scores(), [1.0, -5.0]);
        assert_eq!(r.n_duplicates, 3);
        assert_eq!(r.duplicate_examples, ["A", "B"]);
    }

    #[test]
    fn bad_scores_name_file_line_and_value() {
        let e = parse("A\t1\nB\tInf\n".as_bytes(), "r.rnk").unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.rnk:2: score `Inf` of gene `B` is not finite (NaN and Inf are not allowed)"
        );
        let e = parse("A\t1\nB\tNA\n".as_bytes(), "r.rnk").unwrap_err();
        assert!(e.to_string().starts_with("r.rnk:2: score `NA`"), "{e}");
        let e = parse("A\t1\nB\tfoo\n".as_bytes(), "r.rnk").unwrap_err();
        assert_eq!(e.to_string(), "r.rnk:2: score `foo` of gene `B` is not a number");
        let e = parse("A\t1\nB\n".as_bytes(), "r.rnk").unwrap_err();
        assert!(e.to_string().starts_with("r.rnk:2: line `B` has no score column"), "{e}");
        assert!(matches!(parse("ID\tt\n".as_bytes(), "r.rnk"), Err(Error::RnkEmpty { .. })));
    }
}
