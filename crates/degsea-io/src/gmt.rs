//! GMT gene-set files (MSigDB / Broad format).
//!
//! One set per line: `name<TAB>description<TAB>gene<TAB>gene…`. Blank lines and lines starting
//! with `#` are skipped; trailing empty fields and carriage returns are ignored. Gzip-compressed
//! files (`.gmt.gz`) are detected by their magic bytes.
//!
//! ```
//! let text = "SET_A\tna\tG1\tG2\nSET_B\thttp://x\tG3\t\n";
//! let c = degsea_io::gmt::parse(text.as_bytes(), "inline.gmt", "custom", "")?;
//! assert_eq!(c.sets.len(), 2);
//! assert_eq!(c.sets[1].genes, ["G3"]);
//! # Ok::<(), degsea_io::Error>(())
//! ```

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::path::Path;

use degsea_core::{GeneSet, GeneSetCollection};

use crate::lines::Lines;
use crate::{Error, Result};

/// Reads a GMT file (plain or gzip) into a collection called `name` with version `version`.
///
/// ```no_run
/// let c = degsea_io::gmt::read("sets.gmt".as_ref(), "sets.gmt", "")?;
/// println!("{} sets", c.sets.len());
/// # Ok::<(), degsea_io::Error>(())
/// ```
///
/// # Errors
/// As [`parse`], plus the file not opening.
pub fn read(path: &Path, name: &str, version: &str) -> Result<GeneSetCollection> {
    parse_lines(Lines::open(path)?, name, version)
}

/// Parses GMT text from a reader; `source` names it in error messages.
///
/// # Errors
/// A line with no description column, an empty set name, a set defined twice, no sets, or a
/// read failure.
pub fn parse(reader: impl Read, source: &str, name: &str, version: &str) -> Result<GeneSetCollection> {
    parse_lines(Lines::from_reader(reader, source), name, version)
}

fn parse_lines(mut lines: Lines<'_>, name: &str, version: &str) -> Result<GeneSetCollection> {
    let mut sets = Vec::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    while lines.next_record()? {
        let line = lines.text()?;
        let mut fields = line.split('\t');
        let set_name = fields.next().unwrap_or_default().trim();
        let Some(description) = fields.next() else {
            return Err(Error::GmtNoDescription {
                file: lines.file.clone(),
                line: lines.line,
                text: crate::printable(&line.chars().take(60).collect::<String>()),
            });
        };
        if set_name.is_empty() {
            return Err(Error::GmtEmptyName { file: lines.file.clone(), line: lines.line });
        }
        if let Some(&first) = first_line.get(set_name) {
            return Err(Error::GmtDuplicateSet {
                file: lines.file.clone(),
                line: lines.line,
                first,
                name: crate::printable(set_name),
            });
        }
        first_line.insert(set_name.to_owned(), lines.line);
        let genes =
            fields.map(str::trim).filter(|g| !g.is_empty()).map(str::to_owned).collect::<Vec<String>>();
        sets.push(GeneSet { name: set_name.to_owned(), description: description.trim().to_owned(), genes });
    }
    if sets.is_empty() {
        return Err(Error::GmtEmpty { file: lines.file });
    }
    Ok(GeneSetCollection { name: name.to_owned(), version: version.to_owned(), sets })
}

/// Writes a collection as GMT text (one set per line, `\n` line ends).
///
/// ```
/// let c = degsea_io::gmt::parse("S\td\tA\tB\n".as_bytes(), "x", "x", "")?;
/// let mut out = Vec::new();
/// degsea_io::gmt::write(&mut out, &c)?;
/// assert_eq!(out, b"S\td\tA\tB\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write(w: &mut impl Write, collection: &GeneSetCollection) -> io::Result<()> {
    for set in &collection.sets {
        write!(w, "{}\t{}", set.name, set.description)?;
        for g in &set.genes {
            write!(w, "\t{g}")?;
        }
        writeln!(w)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    #[test]
    fn parses_and_skips_blank_and_comment_lines() {
        let text = "# comment\n\nA\tdesc\tG1\tG2\r\nB\tx\n";
        let c = parse(text.as_bytes(), "t.gmt", "t", "v1").unwrap();
        assert_eq!(c.sets.len(), 2);
        assert_eq!(c.sets[0].genes, ["G1", "G2"]);
        assert!(c.sets[1].genes.is_empty());
        assert_eq!(c.version, "v1");
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = parse("A\td\tG\nB_NO_TABS\n".as_bytes(), "t.gmt", "t", "").unwrap_err();
        assert!(e.to_string().starts_with("t.gmt:2:"), "{e}");
        let e = parse("A\td\tG\nA\td\tH\n".as_bytes(), "t.gmt", "t", "").unwrap_err();
        assert_eq!(e.to_string(), "t.gmt:2: gene set `A` is defined again (first at line 1)");
        let e = parse("\td\tG\n".as_bytes(), "t.gmt", "t", "").unwrap_err();
        assert_eq!(e.to_string(), "t.gmt:1: empty gene-set name");
        assert!(matches!(parse("".as_bytes(), "t.gmt", "t", ""), Err(Error::GmtEmpty { .. })));
    }

    #[test]
    fn reads_gzip() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.gmt.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(b"A\td\tG1\n").unwrap();
        fs::write(&p, enc.finish().unwrap()).unwrap();
        let c = read(&p, "s", "").unwrap();
        assert_eq!(c.sets[0].genes, ["G1"]);
    }
}
