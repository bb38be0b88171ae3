//! The count files people have (issue 19 #3, #4): nf-core/rnaseq's
//! `salmon.merged.gene_counts.tsv` (annotation column, fractional counts), a named gene-name
//! column, featureCounts and HTSeq-count sample names from paths (sorted BAMs, STAR's
//! per-sample folders, `.htseq.counts`, `.counts`, `.txt`), `--rename-samples`, and a sample
//! with no reads.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use crate::util::{assert_error, read_tsv, run, run_job, simulate_cohort, stderr};

const SAMPLES: [&str; 4] = ["S1", "S2", "S3", "S4"];

/// Deterministic counts: gene `i`, sample `j`.
fn count(i: usize, j: usize) -> u32 {
    u32::try_from(20 + (i * 37 + j * 11) % 50 + if j >= 2 && i.is_multiple_of(3) { 40 } else { 0 }).unwrap()
}

const GENES: usize = 40;

fn sheet(dir: &Path) -> PathBuf {
    let p = dir.join("samples.tsv");
    fs::write(&p, "sample\tgroup\nS1\ta\nS2\ta\nS3\tb\nS4\tb\n").unwrap();
    p
}

/// `degsea normalize` on the counts; returns the sample column of norm_factors.tsv.
fn normalize(dir: &Path, counts: &[PathBuf], extra: &[&str]) -> Vec<String> {
    let out = dir.join("norm");
    let sheet = sheet(dir);
    let mut args = vec!["normalize", "--counts"];
    args.extend(counts.iter().map(|p| p.to_str().unwrap()));
    args.extend(["--samples", sheet.to_str().unwrap(), "--contrast", "group: b vs a", "-q"]);
    args.extend(["--out", out.to_str().unwrap()]);
    args.extend(extra);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    read_tsv(&out.join("norm_factors.tsv")).into_iter().skip(1).map(|r| r[0].clone()).collect()
}

/// A featureCounts table whose sample columns are the given BAM paths.
fn featurecounts(dir: &Path, bams: &[&str]) -> PathBuf {
    let mut text = String::from("# Program:featureCounts v2.0.3; Command:\"featureCounts\"\n");
    writeln!(text, "Geneid\tChr\tStart\tEnd\tStrand\tLength\t{}", bams.join("\t")).unwrap();
    for i in 0..GENES {
        write!(text, "g{i}\tchr1\t{}\t{}\t+\t100", i * 1000 + 1, i * 1000 + 100).unwrap();
        for j in 0..bams.len() {
            write!(text, "\t{}", count(i, j)).unwrap();
        }
        text.push('\n');
    }
    let p = dir.join("counts.txt");
    fs::write(&p, text).unwrap();
    p
}

/// The lines of an HTSeq-count file for sample `j`.
fn htseq_text(j: usize) -> String {
    let mut text = String::new();
    for i in 0..GENES {
        writeln!(text, "g{i}\t{}", count(i, j)).unwrap();
    }
    text
}

/// One HTSeq-count file per sample, named `SAMPLE<suffix>`.
fn htseq(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    SAMPLES
        .iter()
        .enumerate()
        .map(|(j, s)| {
            let mut text = htseq_text(j);
            text += "__no_feature\t12\n__ambiguous\t3\n";
            let p = dir.join(format!("{s}{suffix}"));
            fs::write(&p, text).unwrap();
            p
        })
        .collect()
}

#[test]
fn featurecounts_sample_names_from_bam_paths() {
    // Issue 19 #4: `X.sorted.bam` became `X.sorted`; STAR's `S/Aligned.sortedByCoord.out.bam`
    // layout failed as duplicate names.
    for bams in [
        [
            "/data/run1/S1.sorted.bam",
            "/data/run1/S2.sorted.bam",
            "/data/run1/S3.sorted.bam",
            "/data/run1/S4.sorted.bam",
        ],
        ["S1.bam", "S2.bam", "S3.bam", "S4.bam"],
        [
            "star/S1/Aligned.sortedByCoord.out.bam",
            "star/S2/Aligned.sortedByCoord.out.bam",
            "star/S3/Aligned.sortedByCoord.out.bam",
            "star/S4/Aligned.sortedByCoord.out.bam",
        ],
        [
            "star/S1_Aligned.sortedByCoord.out.bam",
            "star/S2_Aligned.sortedByCoord.out.bam",
            "star/S3_Aligned.sortedByCoord.out.bam",
            "star/S4_Aligned.sortedByCoord.out.bam",
        ],
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let counts = featurecounts(tmp.path(), &bams);
        assert_eq!(normalize(tmp.path(), &[counts], &[]), SAMPLES, "{bams:?}");
    }
}

#[test]
fn htseq_sample_names_from_file_names() {
    // Issue 19 #4: `X.htseq.counts` became `X.htseq`.
    for suffix in [".htseq.counts", ".counts", ".txt", ".htseq.txt", ".sorted.counts"] {
        let tmp = tempfile::tempdir().unwrap();
        let files = htseq(tmp.path(), suffix);
        assert_eq!(normalize(tmp.path(), &files, &[]), SAMPLES, "{suffix}");
    }
    // One folder per sample, every file named alike: the folders name the samples.
    let tmp = tempfile::tempdir().unwrap();
    let files: Vec<PathBuf> = SAMPLES
        .iter()
        .enumerate()
        .map(|(j, s)| {
            let d = tmp.path().join(s);
            fs::create_dir(&d).unwrap();
            let p = d.join("htseq.counts.txt");
            fs::write(&p, htseq_text(j)).unwrap();
            p
        })
        .collect();
    assert_eq!(normalize(tmp.path(), &files, &[]), SAMPLES);
}

#[test]
fn rename_samples_maps_any_other_layout() {
    let tmp = tempfile::tempdir().unwrap();
    let bams = ["lane1_S1_R1.bam", "lane1_S2_R1.bam", "lane2_S3_R1.bam", "lane2_S4_R1.bam"];
    let counts = featurecounts(tmp.path(), &bams);
    let map = tmp.path().join("rename.tsv");
    let mut text = String::new();
    for (b, s) in bams.iter().zip(SAMPLES) {
        writeln!(text, "{}	{s}", &b[..b.len() - 4]).unwrap();
    }
    fs::write(&map, format!("old\tnew\n{text}")).unwrap();
    let names =
        normalize(tmp.path(), std::slice::from_ref(&counts), &["--rename-samples", map.to_str().unwrap()]);
    assert_eq!(names, SAMPLES);
    // An old name the table does not have: the map's file and line.
    fs::write(&map, "lane1_S1_R1\tS1\nlane9_S9\tS9\n").unwrap();
    let sheet = sheet(tmp.path());
    let out = tmp.path().join("o");
    let o = run_job(
        "normalize",
        &counts,
        &sheet,
        "group: b vs a",
        &out,
        &["--rename-samples", map.to_str().unwrap()],
    );
    assert_error(&o, &["rename.tsv:2: sample `lane9_S9` is not in the count table"]);
    assert!(!out.exists());
}

/// nf-core/rnaseq's salmon table from a simulated cohort: `gene_id gene_name` + samples,
/// ids that are not symbols, counts with fractions.
fn salmon_table(dir: &Path) -> (PathBuf, PathBuf) {
    let (sim_counts, samples) = simulate_cohort(dir, &["HALLMARK_E2F_TARGETS=+1"], 5);
    let rows = read_tsv(&sim_counts);
    let mut text = format!("gene_id\tgene_name\t{}\n", rows[0][1..].join("\t"));
    for (i, r) in rows[1..].iter().enumerate() {
        let values: Vec<String> = r[1..].iter().map(|c| format!("{c}.25")).collect();
        writeln!(text, "gid_{i:05}\t{}\t{}", r[0], values.join("\t")).unwrap();
    }
    let counts = dir.join("salmon.merged.gene_counts.tsv");
    fs::write(&counts, text).unwrap();
    (counts, samples)
}

#[test]
fn nf_core_salmon_table_runs_with_round_and_maps_gene_names() {
    // Issue 19 #3: `gene_name` was read as a sample, even with --round.
    let tmp = tempfile::tempdir().unwrap();
    let (counts, samples) = salmon_table(tmp.path());
    let out = tmp.path().join("res");
    let args = [
        "run",
        "--counts",
        counts.to_str().unwrap(),
        "--samples",
        samples.to_str().unwrap(),
        "--contrast",
        "group: b vs a",
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
    ];
    let o = run(&args);
    assert_error(
        &o,
        &["salmon.merged.gene_counts.tsv:2: count `", ".25` for gene `gid_00000`", "use --round"],
    );
    let o = run(&[&args[..], &["--round"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("annotation column(s) gene_name"), "{err}");
    // The ranks carry the gene names, not the gid_ ids, without any --gene-map.
    let ranks = read_tsv(&out.join("ranks.rnk"));
    assert!(ranks.iter().all(|r| !r[0].starts_with("gid_")), "ids were mapped to names");
    let gsea = read_tsv(&out.join("gsea.tsv"));
    let e2f = gsea.iter().find(|r| r[0] == "HALLMARK_E2F_TARGETS").expect("E2F tested");
    assert!(e2f[3].parse::<f64>().unwrap() > 0.0 && e2f[5].parse::<f64>().unwrap() < 0.05, "{e2f:?}");
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(manifest["parameters"]["gene_name_column"], serde_json::Value::Null);
    assert_eq!(manifest["parameters"]["round"], true);
}

#[test]
fn gene_name_column_names_any_annotation() {
    let tmp = tempfile::tempdir().unwrap();
    let mut text = String::from("id,chrom,Hugo,S1,S2,S3,S4\n");
    for i in 0..GENES {
        write!(text, "ENSX{i},chr{},GENE{i}", i % 5 + 1).unwrap();
        for j in 0..4 {
            write!(text, ",{}", count(i, j)).unwrap();
        }
        text.push('\n');
    }
    let counts = tmp.path().join("tx.csv");
    fs::write(&counts, &text).unwrap();
    assert_eq!(
        normalize(tmp.path(), std::slice::from_ref(&counts), &["--gene-name-column", "Hugo"]),
        SAMPLES
    );
    // Without it, `chrom` is not a known annotation and reads as a sample.
    let sheet = sheet(tmp.path());
    let out = tmp.path().join("o2");
    let base = [
        "normalize",
        "--counts",
        counts.to_str().unwrap(),
        "--samples",
        sheet.to_str().unwrap(),
        "--contrast",
        "group: b vs a",
        "--out",
        out.to_str().unwrap(),
    ];
    let o = run(&base);
    assert_error(&o, &["tx.csv:2: count `chr1` for gene `ENSX0` sample `chrom` is not a number"]);
    let o = run(&[&base[..], &["--gene-name-column", "nope"]].concat());
    assert_error(
        &o,
        &["tx.csv:1: no column `nope` in the header (columns: id, chrom, Hugo, S1, S2, S3, S4)"],
    );
}

#[test]
fn zero_library_names_file_and_sample() {
    // Issue 19 #7: "library size zero" named no file.
    let tmp = tempfile::tempdir().unwrap();
    let counts = tmp.path().join("z.tsv");
    let mut text = String::from("gene\tS1\tS2\tS3\tS4\n");
    for i in 0..GENES {
        writeln!(text, "g{i}\t0\t{}\t{}\t{}", count(i, 1), count(i, 2), count(i, 3)).unwrap();
    }
    fs::write(&counts, text).unwrap();
    let sheet = sheet(tmp.path());
    let out = tmp.path().join("o");
    for cmd in ["de", "normalize", "run"] {
        let o = run_job(cmd, &counts, &sheet, "group: b vs a", &out, &[]);
        assert_error(&o, &["z.tsv:1: sample `S1` has library size zero"]);
        assert!(!out.exists());
    }
}

#[test]
fn error_gaps_give_one_line_naming_the_file() {
    // Issue 19 #7: a missing file repeated its OS text; a `;` sheet said `(columns: )`; a
    // binary file echoed raw bytes (ESC) to the terminal; R's row numbers got no hint.
    let tmp = tempfile::tempdir().unwrap();
    let counts = featurecounts(tmp.path(), &["S1.bam", "S2.bam", "S3.bam", "S4.bam"]);
    let good_sheet = sheet(tmp.path());
    let file = |name: &str, bytes: &[u8]| {
        let p = tmp.path().join(name);
        fs::write(&p, bytes).unwrap();
        p
    };
    let semicolons = file("semi.csv", b"sample;group\nS1;a\nS2;a\nS3;b\nS4;b\n");
    let row_numbers = file("rn.csv", b"\"\",\"sample\",\"group\"\n\"1\",\"S1\",\"a\"\n\"2\",\"S2\",\"a\"\n\"3\",\"S3\",\"b\"\n\"4\",\"S4\",\"b\"\n");
    let binary = file("x.bam", b"BAM\x01\x1b[2J\x00\x00\xff\xfe;\x02\n\x1b]0;owned\x07\n");
    let escape = file("esc.tsv", b"gene\tS1\x1b[2J\tS1\x1b[2J\ng1\t1\t2\n");
    let missing = tmp.path().join("missing.tsv");
    let out = tmp.path().join("o");
    let cases: [(&Path, &Path, &[&str]); 5] = [
        (&missing, &good_sheet, &["missing.tsv: no such file"]),
        (&counts, &semicolons, &["semi.csv:1: header `sample;group` is separated by semicolons"]),
        (&counts, &row_numbers, &["rn.csv:1: the first column holds row numbers 1..4", "row.names = FALSE"]),
        (&binary, &good_sheet, &["x.bam:1: not a text table"]),
        (&escape, &good_sheet, &["esc.tsv:1: duplicate sample name `S1\\u{1b}[2J`"]),
    ];
    for (c, s, needles) in cases {
        let o = run_job("de", c, s, "group: b vs a", &out, &[]);
        assert_error(&o, needles);
        let err = stderr(&o);
        assert!(!err.contains('\u{1b}') && !err.contains('\0'), "raw control bytes on stderr: {err:?}");
        assert_eq!(err.matches("no such file").count(), usize::from(c == missing.as_path()), "{err}");
        assert!(!out.exists());
    }
}
