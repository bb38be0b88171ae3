//! degsea-count: featureCounts-compatible gene-level read counting from BAM/SAM + GTF.
//!
//! Reads are assigned with featureCounts 2.0.3's default rules (meta-feature level, a read or
//! fragment is counted when its aligned blocks overlap exactly one meta-feature, multi-mapping
//! reads with NH > 1 are not counted, …). BAM decoding uses noodles' BGZF readers (pure Rust);
//! see `DESIGN-NOTES.md` for the rust-htslib measurement.
//!
//! # References
//! Liao Y, Smyth GK, Shi W (2014). featureCounts: an efficient general purpose program for
//! assigning sequence reads to genomic features. *Bioinformatics* 30(7):923-930.

pub mod annotation;
pub mod assign;
mod error;
pub mod input;

use std::io::{self, Write};
use std::path::Path;

pub use annotation::{Annotation, GtfOptions};
pub use assign::{CountOptions, FileCounts, Strandedness, count_file};
pub use error::Error;

/// featureCounts' `.summary` categories (one column per input file).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// `Assigned`.
    pub assigned: u64,
    /// `Unassigned_Unmapped`.
    pub unmapped: u64,
    /// `Unassigned_MappingQuality`.
    pub mapping_quality: u64,
    /// `Unassigned_MultiMapping`.
    pub multi_mapping: u64,
    /// `Unassigned_Secondary`.
    pub secondary: u64,
    /// `Unassigned_NoFeatures`.
    pub no_features: u64,
    /// `Unassigned_Ambiguity`.
    pub ambiguity: u64,
}

impl Summary {
    /// Rows of featureCounts 2.0.3's `.summary`, in its order (categories of options degsea
    /// does not offer are always 0).
    pub fn rows(&self) -> [(&'static str, u64); 14] {
        [
            ("Assigned", self.assigned),
            ("Unassigned_Unmapped", self.unmapped),
            ("Unassigned_Read_Type", 0),
            ("Unassigned_Singleton", 0),
            ("Unassigned_MappingQuality", self.mapping_quality),
            ("Unassigned_Chimera", 0),
            ("Unassigned_FragmentLength", 0),
            ("Unassigned_Duplicate", 0),
            ("Unassigned_MultiMapping", self.multi_mapping),
            ("Unassigned_Secondary", self.secondary),
            ("Unassigned_NonSplit", 0),
            ("Unassigned_NoFeatures", self.no_features),
            ("Unassigned_Overlapping_Length", 0),
            ("Unassigned_Ambiguity", self.ambiguity),
        ]
    }
}

/// Counts several files against one annotation (each file decoded with `opts.threads`).
pub fn count_files(
    paths: &[&Path],
    annotation: &Annotation,
    opts: &CountOptions,
) -> Result<Vec<FileCounts>, Error> {
    paths.iter().map(|p| count_file(p, annotation, opts)).collect()
}

/// Writes the count table in featureCounts' format: a `# Program:` comment line, then
/// `Geneid Chr Start End Strand Length <labels…>` and one row per meta-feature with its
/// features' columns joined by `;`.
///
/// ```
/// use degsea_count::{Annotation, GtfOptions, FileCounts, Summary, write_counts};
/// let gtf = "1\ts\texon\t10\t20\t.\t-\t.\tgene_id \"g\";\n";
/// let a = Annotation::from_gtf_reader(gtf.as_bytes(), "a.gtf".as_ref(), &GtfOptions::default())?;
/// let fc = FileCounts { counts: vec![7], summary: Summary::default() };
/// let mut out = Vec::new();
/// write_counts(&mut out, "degsea v0; Command:\"degsea\"", &a, &["x.bam"], &[fc])?;
/// assert!(String::from_utf8(out)?.ends_with("g\t1\t10\t20\t-\t11\t7\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_counts(
    w: &mut dyn Write,
    program: &str,
    annotation: &Annotation,
    labels: &[&str],
    files: &[FileCounts],
) -> io::Result<()> {
    writeln!(w, "# Program:{program}")?;
    write!(w, "Geneid\tChr\tStart\tEnd\tStrand\tLength")?;
    for l in labels {
        write!(w, "\t{l}")?;
    }
    writeln!(w)?;
    for (g, gene) in annotation.genes.iter().enumerate() {
        let join = |f: &dyn Fn(&annotation::Feature) -> String| {
            gene.features.iter().map(f).collect::<Vec<_>>().join(";")
        };
        write!(
            w,
            "{}\t{}\t{}\t{}\t{}\t{}",
            gene.id,
            join(&|f| annotation.chromosomes[f.chrom].clone()),
            join(&|f| f.start.to_string()),
            join(&|f| f.end.to_string()),
            join(&|f| if f.negative { "-".into() } else { "+".into() }),
            gene.length
        )?;
        for fc in files {
            write!(w, "\t{}", fc.counts[g])?;
        }
        writeln!(w)?;
    }
    Ok(())
}

/// Writes featureCounts' `.summary` table: `Status <labels…>` then one row per category.
pub fn write_summary(w: &mut dyn Write, labels: &[&str], files: &[FileCounts]) -> io::Result<()> {
    write!(w, "Status")?;
    for l in labels {
        write!(w, "\t{l}")?;
    }
    writeln!(w)?;
    let rows: Vec<_> = files.iter().map(|f| f.summary.rows()).collect();
    for (i, (name, _)) in Summary::default().rows().iter().enumerate() {
        write!(w, "{name}")?;
        for r in &rows {
            write!(w, "\t{}", r[i].1)?;
        }
        writeln!(w)?;
    }
    Ok(())
}
