//! Broad categorical CLS class-label files (GSEA desktop, GSEApy's `gsea(cls=…)`):
//!
//! ```text
//! SAMPLES CLASSES 1
//! # NAME1 NAME2 …
//! LABEL LABEL …
//! ```
//!
//! Fields are separated by spaces or tabs. Labels are class names from line 2 or their 0-based
//! indices. The **first name on line 2 is the test class** unless a contrast chooses otherwise
//! (Broad's convention: `ALL` in `# ALL AML` is the phenotype the metric points up for).
//!
//! ```
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("l.cls");
//! std::fs::write(&path, "4 2 1\n# ALL AML\nALL ALL AML AML\n")?;
//! let c = degsea_io::cls::read(&path)?;
//! assert_eq!((c.classes[0].as_str(), c.labels[2].as_str()), ("ALL", "AML"));
//! std::fs::write(&path, "4 2 1\n# ALL AML\nALL ALL AML\n")?;
//! assert!(degsea_io::cls::read(&path).unwrap_err().to_string().ends_with(
//!     "l.cls:3: 3 labels but line 1 announces 4 samples"
//! ));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::{Read as _, Write};
use std::path::Path;

use degsea_core::SampleSheet;

use crate::lines::printable;
use crate::{Error, Result};

/// The sample-sheet column a CLS becomes ([`ClassLabels::to_sheet`]).
pub const CLASS_COLUMN: &str = "class";
/// Largest CLS file read (a label per sample; far beyond any study).
const MAX_BYTES: u64 = 64 << 20;
/// Line holding the labels.
pub const LABEL_LINE: u64 = 3;

/// The contents of a categorical CLS file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassLabels {
    /// The file name, for messages.
    pub file: String,
    /// Class names in line-2 order (the first is the test class by default).
    pub classes: Vec<String>,
    /// Class name of each sample, in sample order.
    pub labels: Vec<String>,
}

impl ClassLabels {
    /// Checks that there is one label per sample of an expression file (`data_file`, for the
    /// message).
    ///
    /// # Errors
    /// Names this file, line 3, both counts and the expression file.
    pub fn check_samples(&self, n_samples: usize, data_file: &str) -> Result<()> {
        if self.labels.len() == n_samples {
            return Ok(());
        }
        Err(Error::Format {
            file: self.file.clone(),
            line: LABEL_LINE,
            reason: format!(
                "{} class labels but `{data_file}` has {n_samples} samples (one label per sample, in column order)",
                self.labels.len()
            ),
        })
    }

    /// A sample sheet with one column, [`CLASS_COLUMN`], for `samples` (the expression file's
    /// column names, one per label), so contrasts resolve against it as against any sheet.
    ///
    /// # Errors
    /// A label count that differs from `samples` or repeated sample names.
    pub fn to_sheet(&self, samples: &[String]) -> Result<SampleSheet> {
        self.check_samples(samples.len(), "the expression file")?;
        SampleSheet::new(
            samples.to_vec(),
            vec![CLASS_COLUMN.to_owned()],
            self.labels.iter().map(|l| vec![l.clone()]).collect(),
        )
        .map_err(|source| Error::Invalid { file: self.file.clone(), source })
    }
}

/// Reads a categorical CLS file.
///
/// # Errors
/// Names the file, line and value: a first line that is not three whole numbers, a second line
/// not starting with `#` or naming a different number of classes (or one twice), a label count
/// other than announced, a label that is no class name or index, extra lines.
pub fn read(path: &Path) -> Result<ClassLabels> {
    let file = printable(&path.display().to_string());
    let f = std::fs::File::open(path).map_err(|e| crate::lines::io_error(path, e))?;
    let mut bytes = Vec::new();
    f.take(MAX_BYTES).read_to_end(&mut bytes).map_err(|e| crate::lines::io_error(path, e))?;
    parse(&bytes, &file)
}

/// Parses CLS bytes; `file` names them in errors.
pub fn parse(bytes: &[u8], file: &str) -> Result<ClassLabels> {
    let bad =
        |line: usize, reason: String| Error::Format { file: file.to_owned(), line: line as u64, reason };
    let mut lines: Vec<(usize, &str)> = Vec::new();
    for (i, l) in bytes.split(|&b| b == b'\n').enumerate() {
        let l =
            std::str::from_utf8(l).map_err(|_| Error::Utf8 { file: file.to_owned(), line: i as u64 + 1 })?;
        if !l.trim().is_empty() {
            lines.push((i + 1, l.trim()));
        }
    }
    let Some(&(l1, first)) = lines.first() else { return Err(Error::Empty { file: file.to_owned() }) };
    let nums: Vec<Option<usize>> = first.split_whitespace().map(|t| t.parse().ok()).collect();
    let (n_samples, n_classes) = match nums.as_slice() {
        [Some(a), Some(b), Some(_)] => (*a, *b),
        _ => {
            return Err(bad(
                l1,
                format!("first line `{}` is not `SAMPLES CLASSES 1` (three whole numbers)", printable(first)),
            ));
        }
    };
    let Some(&(l2, second)) = lines.get(1) else {
        return Err(bad(l1 + 1, "missing class-name line `# NAME1 NAME2 …`".into()));
    };
    let Some(names) = second.strip_prefix('#') else {
        return Err(bad(l2, format!("class-name line `{}` does not start with `#`", printable(second))));
    };
    let classes: Vec<String> = names.split_whitespace().map(printable).collect();
    if classes.len() != n_classes {
        return Err(bad(
            l2,
            format!(
                "{} class name(s) `{}` but line {l1} announces {n_classes} classes",
                classes.len(),
                classes.join(" ")
            ),
        ));
    }
    for (i, c) in classes.iter().enumerate() {
        if classes[..i].contains(c) {
            return Err(bad(l2, format!("class name `{c}` is given twice")));
        }
    }
    let Some(&(l3, third)) = lines.get(2) else {
        return Err(bad(l2 + 1, "missing label line (one class label per sample)".into()));
    };
    let raw: Vec<&str> = third.split_whitespace().collect();
    if raw.len() != n_samples {
        return Err(bad(l3, format!("{} labels but line {l1} announces {n_samples} samples", raw.len())));
    }
    // Numeric labels index the names, unless the names are themselves those numbers.
    let by_index = raw.iter().all(|t| t.parse::<usize>().is_ok_and(|i| i < n_classes))
        && !raw.iter().all(|t| classes.iter().any(|c| c == t));
    let mut labels = Vec::with_capacity(n_samples);
    for t in raw {
        let label = if by_index {
            t.parse::<usize>().ok().and_then(|i| classes.get(i))
        } else {
            classes.iter().find(|c| c.as_str() == t)
        };
        match label {
            Some(c) => labels.push(c.clone()),
            None => {
                return Err(bad(
                    l3,
                    format!(
                        "label `{}` is not a class name on line {l2} ({})",
                        printable(t),
                        classes.join(" ")
                    ),
                ));
            }
        }
    }
    if let Some(&(l4, extra)) = lines.get(3) {
        let shown: String = extra.chars().take(40).collect();
        return Err(bad(l4, format!("unexpected line `{}` after the labels", printable(&shown))));
    }
    Ok(ClassLabels { file: file.to_owned(), classes, labels })
}

/// Writes a CLS file (labels as class names).
///
/// # Errors
/// Write errors.
pub fn write(w: &mut impl Write, cls: &ClassLabels) -> std::io::Result<()> {
    writeln!(w, "{} {} 1", cls.labels.len(), cls.classes.len())?;
    writeln!(w, "# {}", cls.classes.join(" "))?;
    writeln!(w, "{}", cls.labels.join(" "))?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(t: &str) -> Result<ClassLabels> {
        parse(t.as_bytes(), "l.cls")
    }

    #[test]
    fn names_indices_and_round_trip() {
        let c = p("3 2 1\n# A B\n1 0 1\n").unwrap();
        assert_eq!(c.labels, ["B", "A", "B"]);
        let c = p("3 2 1\r\n#\tA\tB\r\nA\tB B\r\n").unwrap();
        assert_eq!(c.labels, ["A", "B", "B"]);
        let c2 = p("3 2 1\n# 1 0\n1 0 0\n").unwrap();
        assert_eq!((c2.classes[0].as_str(), c2.labels[0].as_str()), ("1", "1"));
        let mut out = Vec::new();
        write(&mut out, &c).unwrap();
        assert_eq!(parse(&out, "l.cls").unwrap(), c);
        let sheet = c.to_sheet(&["x".into(), "y".into(), "z".into()]).unwrap();
        assert_eq!(sheet.column(CLASS_COLUMN).unwrap(), ["A", "B", "B"]);
    }

    #[test]
    fn bad_files_name_line_and_value() {
        let e = |t: &str| p(t).unwrap_err().to_string();
        assert_eq!(
            e("3 two 1\n"),
            "l.cls:1: first line `3 two 1` is not `SAMPLES CLASSES 1` (three whole numbers)"
        );
        assert_eq!(e("3 2 1\nA B\n"), "l.cls:2: class-name line `A B` does not start with `#`");
        assert_eq!(e("3 3 1\n# A B\n"), "l.cls:2: 2 class name(s) `A B` but line 1 announces 3 classes");
        assert_eq!(e("3 2 1\n# A A\n"), "l.cls:2: class name `A` is given twice");
        assert_eq!(e("3 2 1\n# A B\nA B C\n"), "l.cls:3: label `C` is not a class name on line 2 (A B)");
        assert_eq!(e("3 2 1\n# A B\nA B\n"), "l.cls:3: 2 labels but line 1 announces 3 samples");
        assert_eq!(e("3 2 1\n# A B\nA B B\nA\n"), "l.cls:4: unexpected line `A` after the labels");
        assert_eq!(e("3 2 1\n# A B\n"), "l.cls:3: missing label line (one class label per sample)");
        assert_eq!(e(""), "l.cls: empty file (no header row)");
        let c = p("3 2 1\n# A B\nA B B\n").unwrap();
        assert_eq!(
            c.check_samples(4, "d.gct").unwrap_err().to_string(),
            "l.cls:3: 3 class labels but `d.gct` has 4 samples (one label per sample, in column order)"
        );
    }
}
