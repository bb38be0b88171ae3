//! The sample sheet: one row per sample, annotation columns.

use std::collections::HashMap;

/// Sample annotations: the first column holds sample ids, the others named annotations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleSheet {
    ids: Vec<String>,
    columns: Vec<String>,
    /// `values[c][i]`: column `c`, sample `i`.
    values: Vec<Vec<String>>,
    index: HashMap<String, usize>,
}

impl SampleSheet {
    /// Builds a sheet from sample ids, annotation column names and per-sample rows
    /// (`rows[i][c]`: sample `i`, column `c`).
    ///
    /// # Errors
    /// [`crate::Error::DuplicateSample`] when an id repeats.
    ///
    /// # Panics
    /// If a row does not have one value per column.
    ///
    /// ```
    /// use degsea_core::SampleSheet;
    /// let s = SampleSheet::new(
    ///     vec!["s1".into(), "s2".into()],
    ///     vec!["group".into()],
    ///     vec![vec!["a".into()], vec!["b".into()]],
    /// )?;
    /// assert_eq!(s.column("group").unwrap(), ["a", "b"]);
    /// # Ok::<(), degsea_core::Error>(())
    /// ```
    pub fn new(ids: Vec<String>, columns: Vec<String>, rows: Vec<Vec<String>>) -> crate::Result<Self> {
        assert_eq!(ids.len(), rows.len(), "one row per sample id");
        let mut index = HashMap::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            if index.insert(id.clone(), i).is_some() {
                return Err(crate::Error::DuplicateSample(id.clone()));
            }
        }
        let mut values = vec![Vec::with_capacity(ids.len()); columns.len()];
        for row in rows {
            assert_eq!(row.len(), columns.len(), "one value per column");
            for (c, v) in row.into_iter().enumerate() {
                values[c].push(v);
            }
        }
        Ok(Self { ids, columns, values, index })
    }

    /// Sample ids in sheet order.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// Annotation column names (without the id column).
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The values of one annotation column, in sheet order.
    pub fn column(&self, name: &str) -> Option<&[String]> {
        self.columns.iter().position(|c| c == name).map(|c| self.values[c].as_slice())
    }

    /// Row index of a sample id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }
}
