//! GTF annotation: features grouped into meta-features (genes) and an overlap index.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::Error;

/// featureCounts' default feature type (`-t exon`).
pub const DEFAULT_FEATURE_TYPE: &str = "exon";
/// featureCounts' default grouping attribute (`-g gene_id`).
pub const DEFAULT_ATTRIBUTE: &str = "gene_id";
/// subread's `merge_sort_run` switches to selection sort at or below this many items.
const SUBREAD_SELECTION_SORT_ITEMS: usize = 11;

/// One feature (e.g. exon) of a meta-feature, 1-based inclusive coordinates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    /// Index into [`Annotation::chromosomes`].
    pub chrom: usize,
    /// First base (1-based).
    pub start: u64,
    /// Last base (1-based, inclusive).
    pub end: u64,
    /// Whether the feature is on the minus strand.
    pub negative: bool,
}

/// A meta-feature (gene): all features sharing one attribute value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gene {
    /// The attribute value (e.g. the gene_id).
    pub id: String,
    /// Its features, in featureCounts' output order (by chromosome, then by start as
    /// subread's merge sort leaves them).
    pub features: Vec<Feature>,
    /// Number of bases covered by the union of its features.
    pub length: u64,
}

/// Non-overlapping segments of one chromosome, each with the (gene, strand) entries covering it.
#[derive(Debug, Default)]
struct SegmentIndex {
    /// Segment `k` covers `[bounds[k], bounds[k + 1])`.
    bounds: Vec<u64>,
    /// CSR offsets into `entries`, one more than segments.
    offsets: Vec<u32>,
    /// `gene << 1 | negative`.
    entries: Vec<u32>,
}

impl SegmentIndex {
    fn build(features: &[(u64, u64, u32)]) -> Self {
        let mut bounds: Vec<u64> = features.iter().flat_map(|&(s, e, _)| [s, e + 1]).collect();
        bounds.sort_unstable();
        bounds.dedup();
        let nseg = bounds.len().saturating_sub(1);
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); nseg];
        for &(s, e, entry) in features {
            let k0 = bounds.partition_point(|&b| b < s);
            let k1 = bounds.partition_point(|&b| b < e + 1);
            for list in &mut lists[k0..k1] {
                list.push(entry);
            }
        }
        let mut offsets = Vec::with_capacity(nseg + 1);
        let mut entries = Vec::new();
        offsets.push(0);
        for mut list in lists {
            list.sort_unstable();
            list.dedup();
            entries.extend_from_slice(&list);
            offsets.push(u32::try_from(entries.len()).expect("fewer than 2^32 index entries"));
        }
        Self { bounds, offsets, entries }
    }

    fn segment(&self, k: usize) -> &[u32] {
        &self.entries[self.offsets[k] as usize..self.offsets[k + 1] as usize]
    }

    /// Segment containing `pos`, if any.
    fn segment_at(&self, pos: u64) -> Option<usize> {
        let k = self.bounds.partition_point(|&b| b <= pos);
        (k > 0 && k < self.bounds.len()).then(|| k - 1)
    }

    /// Calls `f` with every entry of a feature overlapping `[begin, end]` (1-based inclusive).
    /// An empty section (`end == begin - 1`, as featureCounts creates for back-to-back
    /// indels) matches features covering both `begin - 1` and `begin`, as featureCounts does.
    fn query(&self, begin: u64, end: u64, mut f: impl FnMut(u32)) {
        if end < begin {
            let (Some(a), Some(b)) = (self.segment_at(end), self.segment_at(begin)) else { return };
            let sb = self.segment(b);
            for &e in self.segment(a) {
                if sb.contains(&e) {
                    f(e);
                }
            }
            return;
        }
        let nseg = self.bounds.len().saturating_sub(1);
        let mut k = self.bounds.partition_point(|&b| b <= begin).saturating_sub(1);
        while k < nseg && self.bounds[k] <= end {
            for &e in self.segment(k) {
                f(e);
            }
            k += 1;
        }
    }
}

/// A loaded annotation: meta-features and a per-chromosome overlap index.
#[derive(Debug)]
pub struct Annotation {
    /// Meta-features in order of first appearance in the annotation.
    pub genes: Vec<Gene>,
    /// Chromosome names in order of first appearance.
    pub chromosomes: Vec<String>,
    chrom_lookup: HashMap<String, usize>,
    index: Vec<SegmentIndex>,
}

/// Which GTF lines become features and how they are grouped.
#[derive(Debug, Clone)]
pub struct GtfOptions {
    /// Feature types (column 3) to keep, e.g. `["exon"]`.
    pub feature_types: Vec<String>,
    /// Attribute whose value groups features into meta-features, e.g. `gene_id`.
    pub attribute: String,
}

impl Default for GtfOptions {
    fn default() -> Self {
        Self { feature_types: vec![DEFAULT_FEATURE_TYPE.into()], attribute: DEFAULT_ATTRIBUTE.into() }
    }
}

/// Value of `key` in a GTF attribute column (`key "value"; key2 value2;`), quotes removed.
/// GFF3-style `key=value` pairs are accepted too, as featureCounts does.
fn attribute_value<'a>(column: &'a str, key: &str) -> Option<&'a str> {
    column.split(';').find_map(|part| {
        let part = part.trim();
        let (k, v) = part.split_once(|c: char| c.is_ascii_whitespace() || c == '=')?;
        (k == key).then(|| v.trim().trim_matches('"'))
    })
}

/// Port of subread's `merge_sort` (`merge_sort_run` + `feature_merge`, readSummary.c) keyed on
/// feature start: selection sort for runs of at most 11 items, and a merge that takes the right
/// run's item on ties. Not stable; reproducing it keeps featureCounts' exon order in the output.
fn subread_merge_sort<T: Copy>(items: &mut [T], key: &impl Fn(&T) -> u64) {
    let n = items.len();
    if n > SUBREAD_SELECTION_SORT_ITEMS {
        let half = n / 2;
        subread_merge_sort(&mut items[..half], key);
        subread_merge_sort(&mut items[half..], key);
        let mut merged = Vec::with_capacity(n);
        let (mut i, mut j) = (0, half);
        while merged.len() < n {
            if i >= half || (j < n && key(&items[i]) >= key(&items[j])) {
                merged.push(items[j]);
                j += 1;
            } else {
                merged.push(items[i]);
                i += 1;
            }
        }
        items.copy_from_slice(&merged);
    } else {
        for i in 0..n.saturating_sub(1) {
            let mut min_j = i;
            for j in i + 1..n {
                if key(&items[min_j]) > key(&items[j]) {
                    min_j = j;
                }
            }
            if min_j != i {
                items.swap(i, min_j);
            }
        }
    }
}

impl Annotation {
    /// Reads a GTF file (plain or gzip).
    ///
    /// # References
    /// Liao Y, Smyth GK, Shi W (2014). featureCounts: an efficient general purpose program for
    /// assigning sequence reads to genomic features. *Bioinformatics* 30(7):923-930.
    /// (subread 2.0.3 `readSummary.c`: `load_feature_info`, `sort_feature_info`.)
    #[doc(alias = "load_feature_info")]
    pub fn from_gtf_path(path: &Path, opts: &GtfOptions) -> Result<Self, Error> {
        let io_err = |source| Error::Io { path: path.to_path_buf(), source };
        let mut file = std::fs::File::open(path).map_err(io_err)?;
        let mut magic = [0u8; 2];
        let n = file.read(&mut magic).map_err(io_err)?;
        let file = std::fs::File::open(path).map_err(io_err)?;
        if n == 2 && magic == [0x1f, 0x8b] {
            Self::from_gtf_reader(BufReader::new(flate2::read::MultiGzDecoder::new(file)), path, opts)
        } else {
            Self::from_gtf_reader(BufReader::new(file), path, opts)
        }
    }

    /// Parses GTF text; `path` is only used in error messages.
    ///
    /// ```
    /// use degsea_count::annotation::{Annotation, GtfOptions};
    /// let gtf = "1\tsrc\texon\t100\t200\t.\t+\t.\tgene_id \"g1\"; transcript_id \"t1\";\n\
    ///            1\tsrc\texon\t150\t300\t.\t+\t.\tgene_id \"g1\"; transcript_id \"t2\";\n";
    /// let a = Annotation::from_gtf_reader(gtf.as_bytes(), "x.gtf".as_ref(), &GtfOptions::default())?;
    /// assert_eq!(a.genes[0].id, "g1");
    /// assert_eq!(a.genes[0].length, 201);
    /// # Ok::<(), degsea_count::Error>(())
    /// ```
    pub fn from_gtf_reader(reader: impl BufRead, path: &Path, opts: &GtfOptions) -> Result<Self, Error> {
        let gtf_err = |line: usize, message: String| Error::Gtf { path: path.to_path_buf(), line, message };
        let mut genes: Vec<Gene> = Vec::new();
        let mut gene_lookup: HashMap<String, u32> = HashMap::new();
        let mut chromosomes: Vec<String> = Vec::new();
        let mut chrom_lookup: HashMap<String, usize> = HashMap::new();
        // Per chromosome, in file order: (start, end, gene, negative).
        let mut per_chrom: Vec<Vec<(u64, u64, u32, bool)>> = Vec::new();
        for (i, line) in reader.lines().enumerate() {
            let lineno = i + 1;
            let line = line.map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            if fields.len() < 9 {
                if line.trim().is_empty() {
                    continue;
                }
                return Err(gtf_err(
                    lineno,
                    format!("expected 9 tab-separated columns, found {}", fields.len()),
                ));
            }
            if !opts.feature_types.iter().any(|t| t == fields[2]) {
                continue;
            }
            let start: u64 = fields[3]
                .trim()
                .parse()
                .map_err(|_| gtf_err(lineno, format!("start `{}` is not a positive integer", fields[3])))?;
            let end: u64 = fields[4]
                .trim()
                .parse()
                .map_err(|_| gtf_err(lineno, format!("end `{}` is not a positive integer", fields[4])))?;
            if start == 0 || end < start {
                return Err(gtf_err(lineno, format!("invalid interval {start}-{end}")));
            }
            let Some(id) = attribute_value(fields[8], &opts.attribute).filter(|v| !v.is_empty()) else {
                return Err(Error::MissingAttribute {
                    path: path.to_path_buf(),
                    line: lineno,
                    feature_type: fields[2].to_string(),
                    attribute: opts.attribute.clone(),
                });
            };
            let gene = if let Some(&g) = gene_lookup.get(id) {
                g
            } else {
                let g = u32::try_from(genes.len()).expect("fewer than 2^31 genes");
                gene_lookup.insert(id.to_string(), g);
                genes.push(Gene { id: id.to_string(), features: Vec::new(), length: 0 });
                g
            };
            let chrom = if let Some(&c) = chrom_lookup.get(fields[0]) {
                c
            } else {
                chrom_lookup.insert(fields[0].to_string(), chromosomes.len());
                chromosomes.push(fields[0].to_string());
                per_chrom.push(Vec::new());
                chromosomes.len() - 1
            };
            per_chrom[chrom].push((start, end, gene, fields[6].starts_with('-')));
        }
        if genes.is_empty() {
            return Err(Error::NoFeatures {
                path: path.to_path_buf(),
                feature_types: opts.feature_types.join(","),
            });
        }
        let mut index = Vec::with_capacity(per_chrom.len());
        for (chrom, feats) in per_chrom.iter_mut().enumerate() {
            subread_merge_sort(feats, &|f: &(u64, u64, u32, bool)| f.0);
            for &(start, end, gene, negative) in feats.iter() {
                genes[gene as usize].features.push(Feature { chrom, start, end, negative });
            }
            let entries: Vec<(u64, u64, u32)> =
                feats.iter().map(|&(s, e, g, neg)| (s, e, (g << 1) | u32::from(neg))).collect();
            index.push(SegmentIndex::build(&entries));
        }
        for gene in &mut genes {
            let mut iv: Vec<(usize, u64, u64)> =
                gene.features.iter().map(|f| (f.chrom, f.start, f.end)).collect();
            iv.sort_unstable();
            let mut length = 0;
            let mut cur: Option<(usize, u64, u64)> = None;
            for (c, s, e) in iv {
                match cur {
                    Some((cc, cs, ce)) if cc == c && s <= ce + 1 => cur = Some((cc, cs, ce.max(e))),
                    _ => {
                        if let Some((_, cs, ce)) = cur {
                            length += ce - cs + 1;
                        }
                        cur = Some((c, s, e));
                    }
                }
            }
            if let Some((_, cs, ce)) = cur {
                length += ce - cs + 1;
            }
            gene.length = length;
        }
        Ok(Self { genes, chromosomes, chrom_lookup, index })
    }

    /// The annotation chromosome for an alignment reference name, with featureCounts'
    /// automatic inference: exact match, else without a leading `chr`, else with `chr` added
    /// to names of at most two characters.
    pub fn resolve_chromosome(&self, name: &str) -> Option<usize> {
        if let Some(&c) = self.chrom_lookup.get(name) {
            return Some(c);
        }
        if let Some(stripped) = name.strip_prefix("chr")
            && let Some(&c) = self.chrom_lookup.get(stripped)
        {
            return Some(c);
        }
        if name.len() <= 2 {
            return self.chrom_lookup.get(&format!("chr{name}")).copied();
        }
        None
    }

    /// Calls `f(gene, negative)` for every feature on `chrom` overlapping `[begin, end]`
    /// (1-based, inclusive; possibly repeated). See [`Annotation::resolve_chromosome`].
    pub fn overlaps(&self, chrom: usize, begin: u64, end: u64, mut f: impl FnMut(u32, bool)) {
        self.index[chrom].query(begin, end, |e| f(e >> 1, e & 1 == 1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subread_sort_reproduces_tie_order() {
        // At most 11 items: selection sort with a strict `>` keeps equal keys in place.
        let mut v: Vec<(u64, u32)> = (0..6).map(|i| (5, i)).collect();
        subread_merge_sort(&mut v, &|x: &(u64, u32)| x.0);
        assert_eq!(v.iter().map(|x| x.1).collect::<Vec<_>>(), vec![0, 1, 2, 3, 4, 5]);
        // More: halves are merged taking the right run first on ties (not stable).
        let mut w: Vec<(u64, u32)> = (0..12).map(|i| (5, i)).collect();
        subread_merge_sort(&mut w, &|x: &(u64, u32)| x.0);
        assert_eq!(w.iter().map(|x| x.1).collect::<Vec<_>>(), vec![6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 4, 5]);
        let mut z: Vec<(u64, u32)> = (0..30).map(|i| (u64::from(i % 3), i)).collect();
        subread_merge_sort(&mut z, &|x: &(u64, u32)| x.0);
        assert!(z.windows(2).all(|p| p[0].0 <= p[1].0));
    }

    #[test]
    fn missing_attribute_names_line() {
        let gtf =
            "1\ts\texon\t1\t10\t.\t+\t.\tgene_id \"a\";\n1\ts\texon\t1\t10\t.\t+\t.\ttranscript_id \"t\";\n";
        let err = Annotation::from_gtf_reader(gtf.as_bytes(), Path::new("a.gtf"), &GtfOptions::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("a.gtf:2") && err.contains("gene_id"), "{err}");
    }

    #[test]
    fn overlap_queries() {
        let gtf =
            "1\ts\texon\t100\t200\t.\t+\t.\tgene_id \"a\";\n1\ts\texon\t150\t250\t.\t-\t.\tgene_id \"b\";\n";
        let a =
            Annotation::from_gtf_reader(gtf.as_bytes(), Path::new("a.gtf"), &GtfOptions::default()).unwrap();
        let hits = |b, e| {
            let mut v = Vec::new();
            a.overlaps(0, b, e, |g, n| v.push((g, n)));
            v.sort_unstable();
            v.dedup();
            v
        };
        assert_eq!(hits(1, 99), vec![]);
        assert_eq!(hits(1, 100), vec![(0, false)]);
        assert_eq!(hits(200, 200), vec![(0, false), (1, true)]);
        assert_eq!(hits(201, 300), vec![(1, true)]);
        assert_eq!(hits(251, 300), vec![]);
        // Empty section between 160 and 161: both genes cover both bases.
        assert_eq!(hits(161, 160), vec![(0, false), (1, true)]);
        assert_eq!(hits(101, 100), vec![(0, false)]);
        assert_eq!(hits(100, 99), vec![]);
    }
}
