//! `degsea count`: end to end against featureCounts (live when installed) and bad input.

#![allow(clippy::unwrap_used, reason = "test helpers: a failed unwrap is a failed test")]

use std::path::Path;
use std::process::Command;

use crate::util::{assert_error, run, shared_or_skip, stderr};

use degsea_testkit::airway_bams as airway;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Rows of a featureCounts-format table without its `# Program` line, sample columns
/// reduced to file names (the two tools label columns with the paths they were given).
fn table_body(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[test]
fn count_paired_matches_featurecounts_cli() {
    let Some(shared) = shared_or_skip("count_paired_matches_featurecounts_cli") else { return };
    let (gtf, bams) = airway(&shared);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("counts.tsv");
    let mut args = vec![
        "count",
        "--threads",
        "2",
        "--paired",
        "--strand",
        "2",
        "--gtf",
        s(&gtf),
        "-o",
        s(&out),
        "--bam",
    ];
    args.extend(bams.iter().map(|p| s(p)));
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("# Program:degsea v") && first.contains("Command:\""), "{first}");
    let header = text.lines().nth(1).unwrap();
    assert!(header.starts_with("Geneid\tChr\tStart\tEnd\tStrand\tLength\t"), "{header}");
    assert_eq!(header.split('\t').count(), 6 + bams.len());
    let summary = dir.path().join("counts.tsv.summary");
    assert!(std::fs::read_to_string(&summary).unwrap().starts_with("Status\t"));
    // The count readers read the table back as featureCounts format, samples named by file.
    let table = degsea_io::counts::read_counts(&out, &degsea_io::counts::ReadOptions::default()).unwrap();
    assert_eq!(table.matrix.n_samples(), bams.len());
    assert_eq!(table.matrix.samples()[0], "SRR1039508_subset");
    assert_eq!(table.matrix.n_genes(), text.lines().count() - 2);

    if Command::new("featureCounts").arg("-v").output().is_err() {
        println!("skipping the featureCounts comparison: featureCounts is not on PATH");
        return;
    }
    let fc_out = dir.path().join("fc.tsv");
    let fc = Command::new("featureCounts")
        .args(["-p", "--countReadPairs", "-s", "2", "-T", "2", "-a", s(&gtf), "-o", s(&fc_out)])
        .args(&bams)
        .output()
        .unwrap();
    assert!(fc.status.success());
    let (ours, theirs) = (table_body(&out), table_body(&fc_out));
    assert_eq!(ours.len(), theirs.len());
    let mut bad = Vec::new();
    for (a, b) in ours.iter().zip(&theirs) {
        for (i, (x, y)) in a.split('\t').zip(b.split('\t')).enumerate() {
            if x != y {
                bad.push(format!(
                    "{} col {i}: degsea {x} vs featureCounts {y}",
                    a.split('\t').next().unwrap()
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{} differing cells:\n{}", bad.len(), bad.join("\n"));
    let (ours, theirs) = (table_body(&summary), table_body(&dir.path().join("fc.tsv.summary")));
    assert_eq!(ours, theirs, "summary tables differ");
}

#[test]
fn count_truncated_bam_is_an_error() {
    let Some(shared) = shared_or_skip("count_truncated_bam_is_an_error") else { return };
    let (gtf, bams) = airway(&shared);
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(&bams[0]).unwrap();
    let cut = dir.path().join("cut.bam");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let out = dir.path().join("counts.tsv");
    let o = run(&["count", "--gtf", s(&gtf), "--bam", s(&cut), "-o", s(&out)]);
    assert_error(&o, &["cut.bam", "truncated"]);
    assert!(!out.exists() && !dir.path().join("counts.tsv.summary").exists());
}

#[test]
fn count_non_bam_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let gtf = dir.path().join("a.gtf");
    std::fs::write(&gtf, "1\ts\texon\t1\t100\t.\t+\t.\tgene_id \"g\";\n").unwrap();
    let bad = dir.path().join("notes.bam");
    std::fs::write(&bad, "these are my notes, not alignments\n").unwrap();
    let out = dir.path().join("counts.tsv");
    let o = run(&["count", "--gtf", s(&gtf), "--bam", s(&bad), "-o", s(&out)]);
    assert_error(&o, &["notes.bam:1", "SAM"]);
    assert!(!out.exists());
    // Binary garbage that is gzip but not BGZF/BAM.
    let gz = dir.path().join("gz.bam");
    let mut e = flate_like_gzip(b"hello world, not a bam");
    e.extend_from_slice(&[
        0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 0x06, 0, 0x42, 0x43, 0x02, 0, 0x1b, 0, 0x03, 0, 0, 0, 0,
        0, 0, 0, 0, 0,
    ]);
    std::fs::write(&gz, e).unwrap();
    let o = run(&["count", "--gtf", s(&gtf), "--bam", s(&gz), "-o", s(&out)]);
    assert_error(&o, &["gz.bam", "not a valid BAM"]);
}

/// A minimal gzip member (stored deflate block) holding `data`.
fn flate_like_gzip(data: &[u8]) -> Vec<u8> {
    let mut v = vec![0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff];
    let n = u16::try_from(data.len()).unwrap();
    v.push(1);
    v.extend_from_slice(&n.to_le_bytes());
    v.extend_from_slice(&(!n).to_le_bytes());
    v.extend_from_slice(data);
    v.extend_from_slice(&crc32(data).to_le_bytes());
    v.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
    v
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 == 1 { (c >> 1) ^ 0xedb8_8320 } else { c >> 1 };
        }
    }
    !c
}

#[test]
fn count_gtf_line_without_gene_id_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let gtf = dir.path().join("broken.gtf");
    std::fs::write(
        &gtf,
        "#!comment\n1\ts\texon\t1\t100\t.\t+\t.\tgene_id \"g\";\n1\ts\texon\t200\t300\t.\t+\t.\ttranscript_id \"t\";\n",
    )
    .unwrap();
    let sam = dir.path().join("a.sam");
    std::fs::write(&sam, "@SQ\tSN:1\tLN:1000\nr1\t0\t1\t10\t60\t20M\t*\t0\t0\t*\t*\n").unwrap();
    let out = dir.path().join("counts.tsv");
    let o = run(&["count", "--gtf", s(&gtf), "--bam", s(&sam), "-o", s(&out)]);
    assert_error(&o, &["broken.gtf:3", "gene_id"]);
    assert!(!out.exists());
}

#[test]
fn count_chromosome_mismatch_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let gtf = dir.path().join("a.gtf");
    std::fs::write(
        &gtf,
        "chrZ\ts\texon\t1\t100\t.\t+\t.\tgene_id \"g\";\nchrW\ts\texon\t1\t100\t.\t+\t.\tgene_id \"h\";\n",
    )
    .unwrap();
    let sam = dir.path().join("a.sam");
    std::fs::write(
        &sam,
        "@SQ\tSN:NC_000001\tLN:1000\n@SQ\tSN:NC_000002\tLN:1000\nr1\t0\tNC_000001\t10\t60\t20M\t*\t0\t0\t*\t*\n",
    )
    .unwrap();
    let out = dir.path().join("counts.tsv");
    let o = run(&["count", "--gtf", s(&gtf), "--bam", s(&sam), "-o", s(&out)]);
    assert_error(&o, &["no chromosome names in common", "NC_000001", "NC_000002", "chrZ", "chrW"]);
    assert!(!out.exists());
}

#[test]
fn count_sam_single_end_counts_and_inference() {
    // `chr1` reads match a GTF using `1` (featureCounts' chromosome-name inference); one read
    // overlaps two genes (ambiguous), one none, one is NH:2.
    let dir = tempfile::tempdir().unwrap();
    let gtf = dir.path().join("a.gtf");
    std::fs::write(
        &gtf,
        "1\ts\texon\t100\t200\t.\t+\t.\tgene_id \"a\";\n1\ts\texon\t180\t300\t.\t-\t.\tgene_id \"b\";\n",
    )
    .unwrap();
    let sam = dir.path().join("a.sam");
    std::fs::write(
        &sam,
        "@SQ\tSN:chr1\tLN:1000\n\
         r1\t0\tchr1\t110\t60\t20M\t*\t0\t0\t*\t*\n\
         r2\t16\tchr1\t170\t60\t20M\t*\t0\t0\t*\t*\n\
         r3\t0\tchr1\t500\t60\t20M\t*\t0\t0\t*\t*\n\
         r4\t0\tchr1\t110\t60\t20M\t*\t0\t0\t*\t*\tNH:i:2\n\
         r5\t4\t*\t0\t0\t*\t*\t0\t0\t*\t*\n",
    )
    .unwrap();
    let out = dir.path().join("counts.tsv");
    let o = run(&["count", "--gtf", s(&gtf), "--bam", s(&sam), "-o", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let body = table_body(&out);
    assert_eq!(body[1], format!("a\t1\t100\t200\t+\t101\t1"));
    assert_eq!(body[2], format!("b\t1\t180\t300\t-\t121\t0"));
    let summary = std::fs::read_to_string(dir.path().join("counts.tsv.summary")).unwrap();
    for (k, v) in [
        ("Assigned", 1),
        ("Unassigned_Unmapped", 1),
        ("Unassigned_MultiMapping", 1),
        ("Unassigned_NoFeatures", 1),
        ("Unassigned_Ambiguity", 1),
    ] {
        assert!(summary.contains(&format!("\n{k}\t{v}\n")), "{k} {v} in\n{summary}");
    }
    // Stranded: r2 (reverse) now only overlaps b.
    let o = run(&["count", "--strand", "1", "--gtf", s(&gtf), "--bam", s(&sam), "-o", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let body = table_body(&out);
    assert!(body[1].ends_with("\t1") && body[2].ends_with("\t1"), "{body:?}");
}
