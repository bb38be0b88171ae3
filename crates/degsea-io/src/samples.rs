//! The sample-sheet reader.

use std::collections::HashMap;
use std::path::Path;

use degsea_core::SampleSheet;

use crate::counts::SampleRenames;
use crate::lines::{Header, Lines, detect_delimiter, field_str, split_fields};
use crate::{Error, Result};

/// Reads a sample sheet (TSV or CSV, gzip or plain): a header row naming the columns, then one
/// row per sample whose first field is the sample id and whose other fields are annotations.
/// `#` comment lines and blank lines are skipped; a header without a field for the id column
/// (R's `write.table` with row names) is accepted.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("samples.csv");
/// std::fs::write(&path, "sample,condition\nS1,treated\nS2,control\n")?;
/// let sheet = degsea_io::samples::read_sample_sheet(&path)?;
/// assert_eq!(sheet.ids(), ["S1", "S2"]);
/// assert_eq!(sheet.column("condition").unwrap(), ["treated", "control"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_sample_sheet(path: &Path) -> Result<SampleSheet> {
    let mut lines = Lines::open(path)?;
    let Header { names: header, delim, line: header_line } = lines.header()?;
    lines.text()?;
    let mut ranges = Vec::new();

    // Collect the rows first: the header style is decided from all of them.
    let mut raw: Vec<(u64, Vec<String>)> = Vec::new();
    while lines.next_record()? {
        lines.text()?;
        split_fields(&lines.buf, delim, &mut ranges);
        raw.push((lines.line, ranges.iter().map(|r| field_str(&lines.buf, r)).collect()));
    }
    if raw.is_empty() {
        return Err(Error::NoRows { file: lines.file });
    }
    // R's write.table(row.names=TRUE) header has no field for the id column.
    let r_style = raw.iter().all(|(_, f)| f.len() == header.len() + 1);
    let columns: Vec<String> = if r_style { header.clone() } else { header[1..].to_vec() };
    // R's write.csv/write.table with the default row.names = TRUE: an unnamed first column
    // holding 1, 2, …, n (the real ids are then in the second column).
    let numbered = raw.iter().enumerate().all(|(i, (_, f))| f[0] == (i + 1).to_string());
    if numbered && (r_style || header[0].is_empty()) && columns.len() > 1 {
        return Err(Error::RowNumbers { file: lines.file, line: header_line, n: raw.len() });
    }
    let mut ids: Vec<String> = Vec::with_capacity(raw.len());
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(raw.len());
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (line, mut fields) in raw {
        let id = std::mem::take(&mut fields[0]);
        if id.is_empty() {
            return Err(Error::EmptyId { file: lines.file, line });
        }
        if fields.len() != columns.len() + 1 {
            return Err(Error::Ragged {
                file: lines.file,
                line,
                id,
                found: fields.len() - 1,
                expected: columns.len(),
            });
        }
        if seen.contains_key(&id) {
            return Err(Error::DuplicateSample { file: lines.file, line, sample: id });
        }
        seen.insert(id.clone(), line);
        fields.remove(0);
        rows.push(fields);
        ids.push(id);
    }
    let mut names = std::collections::HashSet::new();
    if let Some(dup) = columns.iter().find(|c| !names.insert(c.as_str())) {
        return Err(Error::DuplicateColumn { file: lines.file, line: header_line, column: dup.clone() });
    }
    SampleSheet::new(ids, columns, rows).map_err(|source| Error::Invalid { file: lines.file, source })
}

/// Writes a sample sheet as degsea writes them (`degsea simulate`'s `samples.tsv`): a header
/// `sample<TAB>COLUMN…`, then one row per sample; [`read_sample_sheet`] reads it back
/// identically.
pub fn write_sample_sheet(w: &mut impl std::io::Write, sheet: &SampleSheet) -> std::io::Result<()> {
    w.write_all(b"sample")?;
    for c in sheet.columns() {
        write!(w, "\t{c}")?;
    }
    writeln!(w)?;
    let columns: Vec<&[String]> = sheet.columns().iter().filter_map(|c| sheet.column(c)).collect();
    for (i, id) in sheet.ids().iter().enumerate() {
        w.write_all(id.as_bytes())?;
        for col in &columns {
            write!(w, "\t{}", col[i])?;
        }
        writeln!(w)?;
    }
    Ok(())
}

/// Reads a sample rename map: two columns `old new` (tab- or comma-separated, gzip or plain;
/// `#` and blank lines skipped; a first row `old new`, `from to` or `sample new_name` is a
/// header). Each old name may appear once, each new name once.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("rename.tsv");
/// std::fs::write(&path, "old\tnew\nlane1_S1\tS1\n")?;
/// let map = degsea_io::samples::read_rename_map(&path)?;
/// assert_eq!(map.pairs, [("lane1_S1".to_string(), "S1".to_string(), 2)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_rename_map(path: &Path) -> Result<SampleRenames> {
    let mut lines = Lines::open(path)?;
    let mut pairs: Vec<(String, String, u64)> = Vec::new();
    let mut ranges = Vec::new();
    let mut first = true;
    let mut olds: HashMap<String, u64> = HashMap::new();
    let mut news: HashMap<String, u64> = HashMap::new();
    while lines.next_record()? {
        lines.text()?;
        let delim = detect_delimiter(&lines.buf);
        split_fields(&lines.buf, delim, &mut ranges);
        let fields: Vec<String> = ranges.iter().map(|r| field_str(&lines.buf, r)).collect();
        if fields.len() != 2 {
            return Err(Error::Ragged {
                file: lines.file,
                line: lines.line,
                id: fields[0].clone(),
                found: fields.len() - 1,
                expected: 1,
            });
        }
        if std::mem::take(&mut first) && RENAME_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(&fields[0])) {
            continue;
        }
        let [old, new] = <[String; 2]>::try_from(fields).expect("two fields");
        if old.is_empty() || new.is_empty() {
            return Err(Error::EmptyId { file: lines.file, line: lines.line });
        }
        if olds.insert(old.clone(), lines.line).is_some() {
            return Err(Error::DuplicateSample { file: lines.file, line: lines.line, sample: old });
        }
        if news.insert(new.clone(), lines.line).is_some() {
            return Err(Error::DuplicateSample { file: lines.file, line: lines.line, sample: new });
        }
        pairs.push((old, new, lines.line));
    }
    if pairs.is_empty() {
        return Err(Error::NoRows { file: lines.file });
    }
    Ok(SampleRenames { file: lines.file, pairs })
}

/// First-column words that mark the first row of a rename map as a header.
const RENAME_HEADERS: [&str; 4] = ["old", "from", "sample", "old_name"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_errors() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.tsv");
        for (text, needle) in [
            ("id\tk\nA\tx\nA\ty\n", "s.tsv:3: duplicate sample name `A`"),
            ("id\tk\nA\tx\ty\nB\tz\n", "s.tsv:2: row `A` has 2 value field(s) but the header names 1"),
            ("", "s.tsv: empty file"),
            ("id\tk\n", "s.tsv: no data rows"),
            ("id\tk\tk\nA\tx\ty\n", "s.tsv:1: duplicate column `k`"),
        ] {
            std::fs::write(&p, text).unwrap();
            let e = read_sample_sheet(&p).unwrap_err().to_string();
            assert!(e.contains(needle), "{e}");
        }
        std::fs::write(&p, b"id\tk\nA\t\xff\n").unwrap();
        assert!(read_sample_sheet(&p).unwrap_err().to_string().ends_with("s.tsv:2: line is not valid UTF-8"));
        std::fs::write(&p, "k\tj\nA\tx\t1\nB\ty\t2\n").unwrap();
        let s = read_sample_sheet(&p).unwrap();
        assert_eq!(s.columns(), ["k", "j"]);
    }

    #[test]
    fn hints_for_semicolons_and_r_row_numbers() {
        // Issue 19 #7: a `;` sheet said `(columns: )`; R's row numbers gave no hint.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.csv");
        std::fs::write(&p, "id;g\nA;a\nB;b\n").unwrap();
        let e = read_sample_sheet(&p).unwrap_err().to_string();
        assert!(e.ends_with("s.csv:1: header `id;g` is separated by semicolons; degsea reads tab- or comma-separated files (save it as tab-separated text or as CSV with commas)"), "{e}");
        std::fs::write(&p, "\"\",\"id\",\"g\"\n\"1\",\"A\",\"a\"\n\"2\",\"B\",\"b\"\n").unwrap();
        let e = read_sample_sheet(&p).unwrap_err().to_string();
        assert!(e.contains("s.csv:1: the first column holds row numbers 1..2, not sample ids"), "{e}");
        // write.table(sep = "\t") style: no header field for the row names.
        std::fs::write(&p, "id\tg\n1\tA\ta\n2\tB\tb\n").unwrap();
        assert!(read_sample_sheet(&p).unwrap_err().to_string().contains("row numbers 1..2"));
        // Samples really named 1, 2 with one annotation column stay readable.
        std::fs::write(&p, "id\tg\n1\ta\n2\tb\n").unwrap();
        assert_eq!(read_sample_sheet(&p).unwrap().ids(), ["1", "2"]);
    }

    #[test]
    fn rename_map_reading() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.tsv");
        std::fs::write(&p, "# from the facility\nL1_S1,S1\nL1_S2,S2\n").unwrap();
        let m = read_rename_map(&p).unwrap();
        assert_eq!(m.pairs.len(), 2);
        assert_eq!(m.pairs[1], ("L1_S2".to_string(), "S2".to_string(), 3));
        std::fs::write(&p, "a\tS1\nb\tS1\n").unwrap();
        assert_eq!(
            read_rename_map(&p).unwrap_err().to_string(),
            format!("{}:2: duplicate sample name `S1`", p.display())
        );
        std::fs::write(&p, "a\tS1\tx\n").unwrap();
        assert!(read_rename_map(&p).unwrap_err().to_string().contains(":1: row `a` has 2 value field(s)"));
    }
}
