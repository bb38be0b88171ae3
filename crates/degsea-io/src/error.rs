//! The error type of `degsea-io`.

use std::io;

/// A convenience alias for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a file could not be read. Messages are lowercase and start with `FILE:LINE:` (or `FILE:`
/// when no line applies), then name the offending value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be opened or read. The OS error is described once, in words
    /// (`no such file`, `permission denied`, `is a folder, not a file`); it is kept as `cause`
    /// rather than as a chained source so that a printed error chain does not repeat it.
    #[error("{file}: {}", describe_io(cause))]
    Io {
        /// The file as given.
        file: String,
        /// The underlying error.
        cause: io::Error,
    },
    /// A gzip stream ended early or is corrupt.
    #[error("{file}:{line}: truncated or corrupt gzip stream ({})", describe_io(cause))]
    Gzip {
        /// The file as given.
        file: String,
        /// The line being read when decompression failed.
        line: u64,
        /// The decoder's error (not a chained source: the message already says it).
        cause: io::Error,
    },
    /// The file holds no header row (nothing but blank or `#` comment lines).
    #[error("{file}: empty file (no header row)")]
    Empty {
        /// The file as given.
        file: String,
    },
    /// The header row is one field holding semicolons: a `;`-separated file (as spreadsheet
    /// programs write "CSV" in locales with a decimal comma).
    #[error(
        "{file}:{line}: header `{text}` is separated by semicolons; degsea reads tab- or \
         comma-separated files (save it as tab-separated text or as CSV with commas)"
    )]
    Semicolons {
        /// The file as given.
        file: String,
        /// The header line.
        line: u64,
        /// The start of the header.
        text: String,
    },
    /// The header line holds binary data (NUL bytes, or bytes that are not UTF-8 next to
    /// control bytes): not a text table, e.g. a BAM file or an archive.
    #[error(
        "{file}:{line}: not a text table (the first line holds binary bytes); expected a tab- or \
         comma-separated text file, plain or gzip"
    )]
    Binary {
        /// The file as given.
        file: String,
        /// The header line.
        line: u64,
    },
    /// The first column of a sample sheet holds the row numbers 1, 2, …, n that R's
    /// `write.csv`/`write.table` add by default (`row.names = TRUE`).
    #[error(
        "{file}:{line}: the first column holds row numbers 1..{n}, not sample ids (R writes them \
         unless row.names = FALSE); remove that column or write the sheet with row.names = FALSE"
    )]
    RowNumbers {
        /// The file as given.
        file: String,
        /// The header line.
        line: u64,
        /// Number of rows.
        n: usize,
    },
    /// A sample in the analysis has no reads at all (edgeR's normalisation cannot proceed).
    #[error("{file}{}: sample `{sample}` has library size zero (no reads in any gene)", line_suffix(*line))]
    ZeroLibrary {
        /// The count file holding the sample.
        file: String,
        /// The header line naming the sample (0 when the format has no header, e.g. HTSeq).
        line: u64,
        /// The sample name.
        sample: String,
    },
    /// A column named for a role (e.g. the gene-name column) is not in the header.
    #[error("{file}:{line}: no column `{column}` in the header (columns: {columns})")]
    NoSuchColumn {
        /// The file as given.
        file: String,
        /// The header line.
        line: u64,
        /// The column asked for.
        column: String,
        /// The header's columns, comma-separated.
        columns: String,
    },
    /// The gene-name column holds counts (it comes after the first numeric column).
    #[error(
        "{file}:{line}: column `{column}` cannot be the gene-name column: it is after the first \
         count column `{first_count}`"
    )]
    NameColumnAfterCounts {
        /// The file as given.
        file: String,
        /// The header line.
        line: u64,
        /// The column asked for.
        column: String,
        /// The first column read as counts.
        first_count: String,
    },
    /// A sample rename map names a sample that the count table does not have.
    #[error("{file}:{line}: sample `{sample}` is not in the count table (samples: {samples})")]
    RenameUnknown {
        /// The rename map file.
        file: String,
        /// The line of the mapping.
        line: u64,
        /// The old name.
        sample: String,
        /// The table's sample names (the first few, comma-separated).
        samples: String,
    },
    /// Several files give the same sample name and their folders do not tell them apart.
    #[error(
        "{file}: sample name `{sample}` (from the file name) is also the name of another file's \
         sample ({other}); rename the samples with a two-column old-to-new map"
    )]
    AmbiguousSampleName {
        /// The later file or column.
        file: String,
        /// The shared name.
        sample: String,
        /// The earlier file or column with the same name.
        other: String,
    },
    /// The header row names no sample columns.
    #[error("{file}:{line}: header has no sample columns (is the delimiter a tab or a comma?)")]
    NoSamples {
        /// The file as given.
        file: String,
        /// The header line.
        line: u64,
    },
    /// The file has a header but no data rows.
    #[error("{file}: no data rows after the header")]
    NoRows {
        /// The file as given.
        file: String,
    },
    /// A row has a different number of fields than the header.
    #[error("{file}:{line}: row `{id}` has {found} value field(s) but the header names {expected}")]
    Ragged {
        /// The file as given.
        file: String,
        /// The offending line.
        line: u64,
        /// The row's first field (gene or sample id).
        id: String,
        /// Number of value fields found.
        found: usize,
        /// Number expected from the header.
        expected: usize,
    },
    /// A count is not a number.
    #[error("{file}:{line}: count `{value}` for gene `{gene}` sample `{sample}` is not a number")]
    NotANumber {
        /// The file as given.
        file: String,
        /// The offending line.
        line: u64,
        /// The field as written.
        value: String,
        /// The row's gene id.
        gene: String,
        /// The column's sample name.
        sample: String,
    },
    /// A count is negative.
    #[error("{file}:{line}: count `{value}` for gene `{gene}` sample `{sample}` is negative")]
    Negative {
        /// The file as given.
        file: String,
        /// The offending line.
        line: u64,
        /// The field as written.
        value: String,
        /// The row's gene id.
        gene: String,
        /// The column's sample name.
        sample: String,
    },
    /// A count has a fractional part and rounding was not asked for.
    #[error("{file}:{line}: count `{value}` for gene `{gene}` sample `{sample}` is not a whole number")]
    Fractional {
        /// The file as given.
        file: String,
        /// The offending line.
        line: u64,
        /// The field as written.
        value: String,
        /// The row's gene id.
        gene: String,
        /// The column's sample name.
        sample: String,
    },
    /// A count does not fit the `u32` storage.
    #[error(
        "{file}:{line}: count `{value}` for gene `{gene}` sample `{sample}` exceeds the largest \
         supported count 4294967295"
    )]
    TooLarge {
        /// The file as given.
        file: String,
        /// The offending line.
        line: u64,
        /// The field as written.
        value: String,
        /// The row's gene id.
        gene: String,
        /// The column's sample name.
        sample: String,
    },
    /// A gene id occurs twice.
    #[error("{file}:{line}: duplicate gene id `{gene}` (first on line {first})")]
    DuplicateGene {
        /// The file as given.
        file: String,
        /// The second occurrence.
        line: u64,
        /// The gene id.
        gene: String,
        /// The first occurrence.
        first: u64,
    },
    /// A sample name occurs twice (in a header, a sample sheet, or across HTSeq files).
    #[error("{file}:{line}: duplicate sample name `{sample}`")]
    DuplicateSample {
        /// The file as given.
        file: String,
        /// The line naming the sample the second time.
        line: u64,
        /// The sample name.
        sample: String,
    },
    /// A sample sheet names a column twice.
    #[error("{file}:{line}: duplicate column `{column}` in the header")]
    DuplicateColumn {
        /// The file as given.
        file: String,
        /// The header line.
        line: u64,
        /// The column name.
        column: String,
    },
    /// A row has an empty id field.
    #[error("{file}:{line}: empty id in the first column")]
    EmptyId {
        /// The file as given.
        file: String,
        /// The offending line.
        line: u64,
    },
    /// A line is not valid UTF-8.
    #[error("{file}:{line}: line is not valid UTF-8")]
    Utf8 {
        /// The file as given.
        file: String,
        /// The offending line.
        line: u64,
    },
    /// HTSeq-count files of one run list different genes.
    #[error(
        "{file}:{line}: gene `{found}` where `{expected}` was expected (HTSeq files must list the \
         same genes in the same order as {first_file})"
    )]
    GeneMismatch {
        /// The file that disagrees.
        file: String,
        /// The line that disagrees.
        line: u64,
        /// The gene found there (empty at end of file).
        found: String,
        /// The gene the first file has at this position (empty past its end).
        expected: String,
        /// The first file, whose gene list is the reference.
        first_file: String,
    },
    /// A GMT line lacks the description column (fewer than two tab-separated fields).
    #[error("{file}:{line}: gene-set line `{text}` has no tab-separated description column")]
    GmtNoDescription {
        /// The file as given.
        file: String,
        /// The offending line.
        line: u64,
        /// The start of the offending line.
        text: String,
    },
    /// A GMT set name (first field) is empty.
    #[error("{file}:{line}: empty gene-set name")]
    GmtEmptyName {
        /// The file as given.
        file: String,
        /// The offending line.
        line: u64,
    },
    /// Two GMT lines define a set of the same name.
    #[error("{file}:{line}: gene set `{name}` is defined again (first at line {first})")]
    GmtDuplicateSet {
        /// The file as given.
        file: String,
        /// The second definition.
        line: u64,
        /// The first definition.
        first: u64,
        /// The set name.
        name: String,
    },
    /// A GMT file holds no gene set at all.
    #[error("{file}: no gene sets found (expected `name<TAB>description<TAB>genes…` lines)")]
    GmtEmpty {
        /// The file as given.
        file: String,
    },
    /// An RNK line has a gene but no score column.
    #[error("{file}:{line}: line `{text}` has no score column (expected `gene<TAB>score`)")]
    RnkNoScore {
        /// The file as given.
        file: String,
        /// The offending line.
        line: u64,
        /// The start of the offending line.
        text: String,
    },
    /// An RNK score is not a number (after the optional header line).
    #[error("{file}:{line}: score `{value}` of gene `{gene}` is not a number")]
    RnkNotANumber {
        /// The file as given.
        file: String,
        /// The offending line.
        line: u64,
        /// The gene.
        gene: String,
        /// The score field as written.
        value: String,
    },
    /// An RNK score is NaN or infinite.
    #[error("{file}:{line}: score `{value}` of gene `{gene}` is not finite (NaN and Inf are not allowed)")]
    RnkNonFinite {
        /// The file as given.
        file: String,
        /// The offending line.
        line: u64,
        /// The gene.
        gene: String,
        /// The score field as written.
        value: String,
    },
    /// An RNK gene field is empty.
    #[error("{file}:{line}: empty gene name")]
    RnkEmptyGene {
        /// The file as given.
        file: String,
        /// The offending line.
        line: u64,
    },
    /// An RNK file ranks no gene.
    #[error("{file}: no ranked genes found (expected `gene<TAB>score` lines)")]
    RnkEmpty {
        /// The file as given.
        file: String,
    },
    /// The data read violate a domain rule (reported by `degsea-core`).
    #[error("{file}: {source}")]
    Invalid {
        /// The file as given.
        file: String,
        /// The violated rule.
        source: degsea_core::Error,
    },
    /// A gene-set value is neither an existing file nor a bundled collection.
    #[error("gene sets `{spec}`: no such file and no bundled collection of that name (bundled: {available})")]
    UnknownGeneSets {
        /// The value as given.
        spec: String,
        /// The bundled collection names.
        available: String,
    },
    /// No bundled collection has this name.
    #[error("no bundled gene-set collection `{name}` (available: {available})")]
    NoBundled {
        /// The name as given.
        name: String,
        /// The bundled collection names.
        available: String,
    },
    /// A result table written by degsea (de.tsv, gsea.tsv, …) is malformed.
    #[error("{file}:{line}: {reason}")]
    Table {
        /// The file as given.
        file: String,
        /// The offending line (1 for the header).
        line: u64,
        /// What is wrong, naming the column and value.
        reason: String,
    },
    /// A line of a GCT, CLS or expression-matrix file breaks its format (the reason names the
    /// offending value).
    #[error("{file}:{line}: {reason}")]
    Format {
        /// The file as given.
        file: String,
        /// The offending line.
        line: u64,
        /// What is wrong, naming the value.
        reason: String,
    },
    /// No count file was given.
    #[error("no count file given")]
    NoFiles,
}

/// `:LINE` for a line number, nothing for 0 (no line applies).
fn line_suffix(line: u64) -> String {
    if line == 0 { String::new() } else { format!(":{line}") }
}

/// An OS error in words, without the `(os error N)` code that `io::Error` appends.
fn describe_io(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::IsADirectory => "is a folder, not a file".to_owned(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_owned(),
                None => text,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_are_described_once() {
        let e = Error::Io { file: "x.tsv".into(), cause: io::Error::from_raw_os_error(2) };
        assert_eq!(e.to_string(), "x.tsv: no such file");
        assert!(std::error::Error::source(&e).is_none(), "a chained source would repeat the OS text");
        let e = Error::Io { file: "x".into(), cause: io::Error::from_raw_os_error(5) };
        assert_eq!(e.to_string(), "x: Input/output error");
    }
}
