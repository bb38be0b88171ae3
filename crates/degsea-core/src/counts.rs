//! The gene × sample count matrix.

use std::collections::HashSet;

use ndarray::{Array2, ArrayView2, Axis};

use crate::{Error, Result};

/// Integer read counts, genes in rows and samples in columns, with their labels.
///
/// Counts are stored once as `u32` in a row-major (C order) [`ndarray::Array2`], so one gene's
/// counts are contiguous: every edgeR step works gene by gene. `u32` halves the memory of
/// `u64`/`f64` and holds any realistic per-gene count (readers reject larger values).
#[derive(Debug, Clone, PartialEq)]
pub struct CountMatrix {
    genes: Vec<String>,
    samples: Vec<String>,
    counts: Array2<u32>,
}

impl CountMatrix {
    /// Builds a matrix, checking its shape and that gene ids and sample names are unique.
    ///
    /// ```
    /// use degsea_core::CountMatrix;
    /// let m = CountMatrix::new(
    ///     vec!["g1".into(), "g2".into()],
    ///     vec!["a".into(), "b".into()],
    ///     ndarray::array![[1, 2], [3, 4]],
    /// )?;
    /// assert_eq!(m.lib_sizes(), vec![4.0, 6.0]);
    /// # Ok::<(), degsea_core::Error>(())
    /// ```
    pub fn new(genes: Vec<String>, samples: Vec<String>, counts: Array2<u32>) -> Result<Self> {
        let (rows, cols) = counts.dim();
        if rows != genes.len() || cols != samples.len() {
            return Err(Error::Shape { rows, cols, genes: genes.len(), samples: samples.len() });
        }
        if let Some(g) = first_duplicate(&genes) {
            return Err(Error::DuplicateGene(g.to_owned()));
        }
        if let Some(s) = first_duplicate(&samples) {
            return Err(Error::DuplicateSample(s.to_owned()));
        }
        let counts =
            if counts.is_standard_layout() { counts } else { counts.as_standard_layout().to_owned() };
        Ok(Self { genes, samples, counts })
    }

    /// Gene ids, one per row.
    pub fn genes(&self) -> &[String] {
        &self.genes
    }

    /// Sample names, one per column.
    pub fn samples(&self) -> &[String] {
        &self.samples
    }

    /// The counts, genes × samples, row-major.
    pub fn counts(&self) -> ArrayView2<'_, u32> {
        self.counts.view()
    }

    /// Number of genes (rows).
    pub fn n_genes(&self) -> usize {
        self.genes.len()
    }

    /// Number of samples (columns).
    pub fn n_samples(&self) -> usize {
        self.samples.len()
    }

    /// Column sums as `f64` (edgeR's `lib.size`), summed exactly in `u64`.
    pub fn lib_sizes(&self) -> Vec<f64> {
        self.counts
            .axis_iter(Axis(1))
            .map(|col| col.iter().map(|&c| u64::from(c)).sum::<u64>() as f64)
            .collect()
    }

    /// Keeps the given columns, in the given order.
    pub fn select_samples(&self, columns: &[usize]) -> Self {
        Self {
            genes: self.genes.clone(),
            samples: columns.iter().map(|&j| self.samples[j].clone()).collect(),
            counts: self.counts.select(Axis(1), columns).as_standard_layout().into_owned(),
        }
    }

    /// Keeps the rows whose flag is `true`.
    ///
    /// # Panics
    /// If `keep` does not have one flag per gene.
    pub fn filter_genes(&self, keep: &[bool]) -> Self {
        assert_eq!(keep.len(), self.n_genes(), "one keep flag per gene");
        let rows: Vec<usize> = keep.iter().enumerate().filter_map(|(i, &k)| k.then_some(i)).collect();
        Self {
            genes: rows.iter().map(|&i| self.genes[i].clone()).collect(),
            samples: self.samples.clone(),
            counts: self.counts.select(Axis(0), &rows).as_standard_layout().into_owned(),
        }
    }

    /// Consumes the matrix, returning its parts.
    pub fn into_parts(self) -> (Vec<String>, Vec<String>, Array2<u32>) {
        (self.genes, self.samples, self.counts)
    }
}

fn first_duplicate(names: &[String]) -> Option<&str> {
    let mut seen = HashSet::with_capacity(names.len());
    names.iter().find(|n| !seen.insert(n.as_str())).map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn rejects_duplicates_and_bad_shapes() {
        let e = CountMatrix::new(vec!["g".into(), "g".into()], vec!["a".into()], array![[1], [2]]);
        assert_eq!(e, Err(Error::DuplicateGene("g".into())));
        let e = CountMatrix::new(vec!["g".into()], vec!["a".into(), "a".into()], array![[1, 2]]);
        assert_eq!(e, Err(Error::DuplicateSample("a".into())));
        assert!(matches!(
            CountMatrix::new(vec!["g".into()], vec!["a".into()], array![[1, 2]]),
            Err(Error::Shape { .. })
        ));
    }

    #[test]
    fn selects_and_filters() {
        let m = CountMatrix::new(
            vec!["g1".into(), "g2".into(), "g3".into()],
            vec!["a".into(), "b".into(), "c".into()],
            array![[1, 2, 3], [4, 5, 6], [7, 8, 9]],
        )
        .unwrap();
        let s = m.select_samples(&[2, 0]);
        assert_eq!(s.samples(), ["c", "a"]);
        assert_eq!(s.counts(), array![[3, 1], [6, 4], [9, 7]]);
        assert!(s.counts().is_standard_layout(), "row-major after selecting columns");
        let f = m.filter_genes(&[true, false, true]);
        assert_eq!(f.genes(), ["g1", "g3"]);
        assert_eq!(f.lib_sizes(), vec![8.0, 10.0, 12.0]);
    }
}
