//! Broad GCT #1.2 expression files (GSEA desktop, GenePattern, GSEApy's `gsea(data=…)`):
//!
//! ```text
//! #1.2
//! ROWS<TAB>COLUMNS
//! Name<TAB>Description<TAB>SAMPLE…
//! GENE<TAB>description<TAB>VALUE…
//! ```
//!
//! The dimensions line must agree with the header (sample count) and with the data (row
//! count); every value must be a finite number; the `Description` column is ignored. Blank
//! lines are skipped. Read through [`crate::expression::read`], which detects the format by its
//! first line; written by [`write()`] (round trip tested).
//!
//! ```
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("x.gct");
//! std::fs::write(&path, "#1.2\n2\t2\nName\tDescription\tA\tB\ng1\tna\t1\t2\ng2\tna\t3\t4\n")?;
//! let t = degsea_io::expression::read(&path)?;
//! assert_eq!((t.genes, t.values), (vec!["g1".to_string(), "g2".into()], vec![1.0, 2.0, 3.0, 4.0]));
//! std::fs::write(&path, "#1.2\n2\t3\nName\tDescription\tA\tB\ng1\tna\t1\t2\ng2\tna\t3\t4\n")?;
//! assert!(degsea_io::expression::read(&path).unwrap_err().to_string().ends_with(
//!     "x.gct:2: dimensions line `2 3` gives 3 sample columns but the header on line 3 names 2"
//! ));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::{BufRead, Write};

use crate::expression::{ExpressionFormat, ExpressionTable, check_samples, push_row};
use crate::lines::printable;
use crate::table::write_f64;
use crate::{Error, Result};

/// The first line of a GCT #1.2 file.
pub const VERSION_LINE: &str = "#1.2";
/// What [`crate::expression::read`] looks for at the start of a file to read it as GCT.
pub(crate) const VERSION_PREFIX: &[u8] = b"#1.";

/// Columns before the samples: `Name`, `Description`.
const LEADING_COLUMNS: usize = 2;

/// The lines of a GCT, with line numbers; blank lines skipped, CR/LF stripped.
struct RawLines<R> {
    reader: R,
    buf: Vec<u8>,
    line: u64,
    file: String,
}

impl<R: BufRead> RawLines<R> {
    fn next(&mut self) -> Result<bool> {
        loop {
            self.buf.clear();
            let n = self.reader.read_until(b'\n', &mut self.buf).map_err(|cause| Error::Gzip {
                file: self.file.clone(),
                line: self.line + 1,
                cause,
            })?;
            if n == 0 {
                return Ok(false);
            }
            self.line += 1;
            while matches!(self.buf.last(), Some(b'\n' | b'\r')) {
                self.buf.pop();
            }
            if !self.buf.iter().all(u8::is_ascii_whitespace) {
                return Ok(true);
            }
        }
    }

    /// The line for messages: fields joined by single spaces, control characters escaped.
    fn text(&self) -> String {
        printable(&String::from_utf8_lossy(&self.buf).split_whitespace().collect::<Vec<_>>().join(" "))
    }

    fn bad(&self, reason: String) -> Error {
        Error::Format { file: self.file.clone(), line: self.line, reason }
    }
}

/// Parses a GCT #1.2 stream; `file` names it in errors.
pub(crate) fn parse(reader: impl BufRead, file: &str) -> Result<ExpressionTable> {
    let mut r = RawLines { reader, buf: Vec::new(), line: 0, file: file.to_owned() };
    if !r.next()? {
        return Err(Error::Empty { file: file.to_owned() });
    }
    if r.buf.trim_ascii() != VERSION_LINE.as_bytes() {
        return Err(r.bad(format!("GCT version `{}` is not supported (only `{VERSION_LINE}`)", r.text())));
    }
    if !r.next()? {
        return Err(Error::Format {
            file: file.to_owned(),
            line: r.line + 1,
            reason: "missing dimensions line (`ROWS<TAB>COLUMNS`) after `#1.2`".into(),
        });
    }
    let raw_dims = String::from_utf8_lossy(&r.buf).into_owned();
    let dims_text = printable(&raw_dims.split_whitespace().collect::<Vec<_>>().join(" "));
    let dims_line = r.line;
    let dims: Vec<Option<usize>> =
        raw_dims.split_whitespace().map(|t| t.parse::<usize>().ok().filter(|&v| v > 0)).collect();
    let (n_rows, n_cols) = match dims.as_slice() {
        [Some(a), Some(b)] => (*a, *b),
        _ => {
            return Err(r.bad(format!(
                "dimensions line `{dims_text}` is not two positive whole numbers `ROWS<TAB>COLUMNS`"
            )));
        }
    };
    if !r.next()? {
        return Err(Error::Empty { file: file.to_owned() });
    }
    let header: Vec<String> =
        r.buf.split(|&b| b == b'\t').map(|f| printable(String::from_utf8_lossy(f).trim())).collect();
    if header.len() < LEADING_COLUMNS + 1 {
        return Err(r.bad(format!(
            "header `{}` needs `Name`, `Description` and at least one sample column",
            r.text()
        )));
    }
    let samples = header[LEADING_COLUMNS..].to_vec();
    if samples.len() != n_cols {
        return Err(Error::Format {
            file: file.to_owned(),
            line: dims_line,
            reason: format!(
                "dimensions line `{dims_text}` gives {n_cols} sample columns but the header on line {} names {}",
                r.line,
                samples.len()
            ),
        });
    }
    check_samples(&samples, file, r.line)?;
    let mut table = ExpressionTable {
        genes: Vec::with_capacity(n_rows),
        samples,
        values: Vec::with_capacity(n_rows.saturating_mul(n_cols).min(1 << 24)),
        format: ExpressionFormat::Gct,
    };
    while r.next()? {
        if table.genes.len() == n_rows {
            return Err(Error::Format {
                file: file.to_owned(),
                line: r.line,
                reason: format!(
                    "row `{}` is beyond the {n_rows} rows the dimensions line `{dims_text}` (line {dims_line}) announces",
                    printable(
                        String::from_utf8_lossy(r.buf.split(|&b| b == b'\t').next().unwrap_or_default())
                            .trim()
                    )
                ),
            });
        }
        let fields: Vec<&[u8]> = r.buf.split(|&b| b == b'\t').collect();
        push_row(
            &mut table.genes,
            &mut table.values,
            &table.samples,
            &fields,
            LEADING_COLUMNS,
            file,
            r.line,
        )?;
    }
    if table.genes.len() != n_rows {
        return Err(Error::Format {
            file: file.to_owned(),
            line: dims_line,
            reason: format!(
                "dimensions line `{dims_text}` announces {n_rows} rows but the file has {}",
                table.genes.len()
            ),
        });
    }
    Ok(table)
}

/// Writes `table` as GCT #1.2 (Description `na`), values in shortest round-trip form.
///
/// # Errors
/// Write errors.
pub fn write(w: &mut impl Write, table: &ExpressionTable) -> std::io::Result<()> {
    let n = table.samples.len();
    writeln!(w, "{VERSION_LINE}\n{}\t{n}", table.genes.len())?;
    write!(w, "Name\tDescription")?;
    for s in &table.samples {
        write!(w, "\t{s}")?;
    }
    w.write_all(b"\n")?;
    if n > 0 {
        for (g, row) in table.genes.iter().zip(table.values.chunks_exact(n)) {
            write!(w, "{g}\tna")?;
            for &v in row {
                w.write_all(b"\t")?;
                write_f64(w, v)?;
            }
            w.write_all(b"\n")?;
        }
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<ExpressionTable> {
        parse(text.as_bytes(), "x.gct")
    }

    const GOOD: &str = "#1.2\n2\t2\nName\tDescription\tA\tB\ng1\td\t1\t2\n\ng2\td\t3\t-4.5\n";

    #[test]
    fn reads_and_writes_back() {
        let t = parse_str(GOOD).unwrap();
        assert_eq!(t.values, [1.0, 2.0, 3.0, -4.5]);
        let mut out = Vec::new();
        write(&mut out, &t).unwrap();
        assert_eq!(parse(&out[..], "y.gct").unwrap(), t);
    }

    #[test]
    fn bad_files_name_line_and_value() {
        let e = |t: &str| parse_str(t).unwrap_err().to_string();
        assert_eq!(e("#1.3\n"), "x.gct:1: GCT version `#1.3` is not supported (only `#1.2`)");
        assert_eq!(
            e("#1.2\n2 x\n"),
            "x.gct:2: dimensions line `2 x` is not two positive whole numbers `ROWS<TAB>COLUMNS`"
        );
        assert_eq!(
            e(&GOOD.replace("\n2\t2\n", "\n3\t2\n")),
            "x.gct:2: dimensions line `3 2` announces 3 rows but the file has 2"
        );
        assert_eq!(
            e(&GOOD.replace("\n2\t2\n", "\n1\t2\n")),
            "x.gct:6: row `g2` is beyond the 1 rows the dimensions line `1 2` (line 2) announces"
        );
        assert_eq!(
            e(&GOOD.replace("-4.5", "high")),
            "x.gct:6: value `high` of gene `g2` sample `B` is not a finite number"
        );
        assert_eq!(e("#1.2\n"), "x.gct:2: missing dimensions line (`ROWS<TAB>COLUMNS`) after `#1.2`");
        assert_eq!(
            e("#1.2\n1\t1\nName\tA\n"),
            "x.gct:3: header `Name A` needs `Name`, `Description` and at least one sample column"
        );
    }
}
