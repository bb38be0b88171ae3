//! degsea-count against featureCounts 2.0.3: run live when `featureCounts` is on PATH, and
//! against the expected outputs shipped with subread's and HTSeq's test suites.

#![allow(clippy::unwrap_used, reason = "test helpers: a failed unwrap is a failed test")]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use degsea_count::{Annotation, CountOptions, FileCounts, GtfOptions, Strandedness};

use degsea_testkit::{SplitMix64, shared_or_skip};

fn featurecounts_or_skip(test: &str) -> bool {
    let ok = Command::new("featureCounts").arg("-v").output().is_ok();
    if !ok {
        println!("skipping {test}: featureCounts is not on PATH (apt-get install subread)");
    }
    ok
}

/// A parsed count table: gene → (annotation columns, counts), plus the summary.
#[derive(Debug, PartialEq)]
struct Table {
    genes: Vec<(String, Vec<String>)>,
    summary: BTreeMap<String, Vec<u64>>,
}

fn parse_table(counts: &str, summary: Option<&str>) -> Table {
    let genes = counts
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("Geneid\t"))
        .map(|l| {
            let mut f = l.split('\t').map(str::to_string);
            let id = f.next().unwrap();
            (id, f.collect())
        })
        .collect();
    let summary = summary
        .map(|s| {
            s.lines()
                .skip(1)
                .map(|l| {
                    let mut f = l.split('\t');
                    let k = f.next().unwrap().to_string();
                    (k, f.map(|x| x.parse().unwrap()).collect())
                })
                .collect()
        })
        .unwrap_or_default();
    Table { genes, summary }
}

fn run_featurecounts(args: &[&str], gtf: &Path, inputs: &[PathBuf]) -> Table {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fc.tsv");
    let o = Command::new("featureCounts")
        .args(args)
        .arg("-a")
        .arg(gtf)
        .arg("-o")
        .arg(&out)
        .args(inputs)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        o.status.success() && out.exists(),
        "featureCounts {args:?} failed:\n{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let counts = std::fs::read_to_string(&out).unwrap();
    let summary = std::fs::read_to_string(dir.path().join("fc.tsv.summary")).unwrap();
    parse_table(&counts, Some(&summary))
}

fn run_degsea(opts: &CountOptions, gtf: &Path, inputs: &[PathBuf]) -> Table {
    let annotation = Annotation::from_gtf_path(gtf, &GtfOptions::default()).unwrap();
    let results: Vec<FileCounts> =
        inputs.iter().map(|p| degsea_count::count_file(p, &annotation, opts).unwrap()).collect();
    let labels: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let mut counts = Vec::new();
    degsea_count::write_counts(&mut counts, "degsea", &annotation, &labels, &results).unwrap();
    let mut summary = Vec::new();
    degsea_count::write_summary(&mut summary, &labels, &results).unwrap();
    parse_table(&String::from_utf8(counts).unwrap(), Some(&String::from_utf8(summary).unwrap()))
}

/// Compares two tables cell by cell, printing every differing cell before failing.
fn assert_same(what: &str, ours: &Table, theirs: &Table) {
    let mut bad = Vec::new();
    if ours.genes.len() != theirs.genes.len() {
        bad.push(format!("{} genes vs {}", ours.genes.len(), theirs.genes.len()));
    }
    for ((g1, c1), (g2, c2)) in ours.genes.iter().zip(&theirs.genes) {
        if g1 != g2 {
            bad.push(format!("gene order: {g1} vs {g2}"));
            continue;
        }
        for (j, (a, b)) in c1.iter().zip(c2).enumerate() {
            if a != b {
                let a = if a.len() > 60 { format!("{}…", &a[..60]) } else { a.clone() };
                let b = if b.len() > 60 { format!("{}…", &b[..60]) } else { b.clone() };
                bad.push(format!("{g1} column {}: degsea {a} vs featureCounts {b}", j + 2));
            }
        }
    }
    for (k, v) in &theirs.summary {
        match ours.summary.get(k) {
            Some(o) if o == v => {}
            o => bad.push(format!("summary {k}: degsea {o:?} vs featureCounts {v:?}")),
        }
    }
    assert!(
        bad.is_empty(),
        "{what}: {} differing cells:\n{}",
        bad.len(),
        bad.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
}

fn airway() -> Option<(PathBuf, Vec<PathBuf>)> {
    shared_or_skip("airway").map(|s| degsea_testkit::airway_bams(&s))
}

fn strand(s: u8) -> Strandedness {
    match s {
        1 => Strandedness::Forward,
        2 => Strandedness::Reverse,
        _ => Strandedness::Unstranded,
    }
}

#[test]
fn airway_matches_featurecounts_live() {
    let Some((gtf, bams)) = airway() else { return };
    if !featurecounts_or_skip("airway_matches_featurecounts_live") {
        return;
    }
    for paired in [false, true] {
        for s in 0..=2u8 {
            let st = s.to_string();
            let mut fc_args = vec!["-p", "-s", st.as_str()];
            if paired {
                fc_args.push("--countReadPairs");
            }
            let theirs = run_featurecounts(&fc_args, &gtf, &bams);
            let opts = CountOptions { paired, strand: strand(s), threads: 2, ..CountOptions::default() };
            let ours = run_degsea(&opts, &gtf, &bams);
            assert_same(&format!("airway {fc_args:?}"), &ours, &theirs);
        }
    }
}

#[test]
fn airway_options_match_featurecounts_live() {
    let Some((gtf, bams)) = airway() else { return };
    if !featurecounts_or_skip("airway_options_match_featurecounts_live") {
        return;
    }
    let base = CountOptions { threads: 1, ..CountOptions::default() };
    let cases: Vec<(Vec<&str>, CountOptions)> = vec![
        (
            vec!["-p", "--countReadPairs", "-O"],
            CountOptions { paired: true, multi_overlap: true, ..base.clone() },
        ),
        (
            vec!["-p", "--countReadPairs", "-M"],
            CountOptions { paired: true, multi_mapping: true, ..base.clone() },
        ),
        (
            vec!["-p", "--countReadPairs", "-Q", "30"],
            CountOptions { paired: true, min_mapq: 30, ..base.clone() },
        ),
        (
            vec!["-p", "-Q", "30", "-O", "-M"],
            CountOptions { min_mapq: 30, multi_overlap: true, multi_mapping: true, ..base.clone() },
        ),
        (
            vec!["-p", "--countReadPairs", "--primary"],
            CountOptions { paired: true, primary_only: true, ..base.clone() },
        ),
        (
            vec!["-p", "--primary", "-M"],
            CountOptions { primary_only: true, multi_mapping: true, ..base.clone() },
        ),
    ];
    for (args, opts) in cases {
        let theirs = run_featurecounts(&args, &gtf, &bams);
        let ours = run_degsea(&opts, &gtf, &bams);
        assert_same(&format!("airway {args:?}"), &ours, &theirs);
    }
}

/// Gene → count from a subread `.ora` file (any of its historical layouts: the gene id is the
/// first column and the count the last; comment and header lines are skipped).
fn parse_ora(text: &str) -> Vec<(String, u64)> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let count = f.last()?.trim().parse().ok()?;
            let id = f[0].trim();
            (!id.eq_ignore_ascii_case("geneid")).then(|| (id.to_string(), count))
        })
        .collect()
}

/// Writes a SAF annotation (GeneID Chr Start End Strand) as an equivalent GTF of `exon` lines.
fn saf_to_gtf(saf: &Path, gtf: &Path) {
    let text = std::fs::read_to_string(saf).unwrap();
    let mut out = String::new();
    for l in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let f: Vec<&str> = l.split('\t').collect();
        if f[0].eq_ignore_ascii_case("geneid") {
            continue;
        }
        writeln!(out, "{}\tSAF\texon\t{}\t{}\t.\t{}\t.\tgene_id \"{}\";", f[1], f[2], f[3], f[4], f[0])
            .unwrap();
    }
    std::fs::write(gtf, out).unwrap();
}

/// One case of subread's `test/featureCounts` scripts that degsea's options can express.
struct SubreadCase {
    input: &'static str,
    ora: &'static str,
    annotation: &'static str,
    fc_args: &'static [&'static str],
    opts: fn() -> CountOptions,
}

fn pe() -> CountOptions {
    CountOptions { paired: true, ..CountOptions::default() }
}

const SUBREAD_CASES: &[SubreadCase] = &[
    SubreadCase {
        input: "corner-INDEL.sam",
        ora: "corner-INDEL.ora",
        annotation: "test-minimum.GTF",
        fc_args: &[],
        opts: pe,
    },
    SubreadCase {
        input: "corner-JUNC.sam",
        ora: "corner-JUNC.ora",
        annotation: "test-minimum.GTF",
        fc_args: &[],
        opts: pe,
    },
    SubreadCase {
        input: "corner-ONEEND.sam",
        ora: "corner-ONEEND.ora",
        annotation: "test-minimum.GTF",
        fc_args: &[],
        opts: pe,
    },
    SubreadCase {
        input: "test-minimum.sam",
        ora: "test-minimum-O.ora",
        annotation: "test-minimum.GTF",
        fc_args: &["-O"],
        opts: || CountOptions { multi_overlap: true, ..pe() },
    },
    SubreadCase {
        input: "test-minimum.sam",
        ora: "test-minimum.ora",
        annotation: "test-minimum.GTF",
        fc_args: &[],
        opts: pe,
    },
    SubreadCase {
        input: "test-minimum.bam",
        ora: "test-minimum.ora",
        annotation: "test-minimum.GTF",
        fc_args: &[],
        opts: pe,
    },
    SubreadCase {
        input: "test-minimum.sam",
        ora: "test-minimum.ora",
        annotation: "test-minimum.SAF",
        fc_args: &[],
        opts: pe,
    },
    SubreadCase {
        input: "corner-NH.sam",
        ora: "corner-NH.ora",
        annotation: "test-minimum.GTF",
        fc_args: &[],
        opts: pe,
    },
    SubreadCase {
        input: "corner-NH.sam",
        ora: "corner-NH-PM.ora",
        annotation: "test-minimum.GTF",
        fc_args: &["--primary", "-M"],
        opts: || CountOptions { primary_only: true, multi_mapping: true, ..pe() },
    },
    SubreadCase {
        input: "test-minimum.sam",
        ora: "test-minimum.ora",
        annotation: "test-minimum.GTF",
        fc_args: &["-s", "0"],
        opts: pe,
    },
    SubreadCase {
        input: "test-minimum.sam",
        ora: "test-minimum-STR.ora",
        annotation: "test-minimum.GTF",
        fc_args: &["-s", "1"],
        opts: || CountOptions { strand: Strandedness::Forward, ..pe() },
    },
    SubreadCase {
        input: "test-minimum.sam",
        ora: "test-minimum-UNSTR.ora",
        annotation: "test-minimum.GTF",
        fc_args: &["-s", "2"],
        opts: || CountOptions { strand: Strandedness::Reverse, ..pe() },
    },
    SubreadCase {
        input: "test-chrname.sam",
        ora: "test-chrname.ora",
        annotation: "test-chrname.SAF",
        fc_args: &[],
        opts: pe,
    },
    SubreadCase {
        input: "test-junc.sam",
        ora: "corner-MultiMapping.ora",
        annotation: "test-minimum.SAF",
        fc_args: &["-M"],
        opts: || CountOptions { multi_mapping: true, ..pe() },
    },
    SubreadCase {
        input: "test-junc.sam",
        ora: "corner-MinMAPQ.ora",
        annotation: "test-minimum.SAF",
        fc_args: &["-Q", "58"],
        opts: || CountOptions { min_mapq: 58, ..pe() },
    },
    SubreadCase {
        input: "test-junc.sam",
        ora: "corner-DoNotSort.ora",
        annotation: "test-minimum.SAF",
        fc_args: &[],
        opts: pe,
    },
];

#[test]
fn subread_test_suite_cases() {
    let Some(s) = shared_or_skip("subread_test_suite_cases") else { return };
    let data = s.join("bam/subread_featureCounts_tests/data");
    let live = featurecounts_or_skip("subread_test_suite_cases (live part)");
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for case in SUBREAD_CASES {
        let what = format!("{} {:?} vs {}", case.input, case.fc_args, case.ora);
        let mut annotation = data.join(case.annotation);
        if Path::new(case.annotation).extension().is_some_and(|e| e.eq_ignore_ascii_case("saf")) {
            let gtf = tmp.path().join(format!("{}.gtf", case.annotation));
            saf_to_gtf(&annotation, &gtf);
            annotation = gtf;
        }
        let inputs = vec![data.join(case.input)];
        let ours = run_degsea(&(case.opts)(), &annotation, &inputs);
        let ours_counts: Vec<(String, u64)> =
            ours.genes.iter().map(|(g, c)| (g.clone(), c.last().unwrap().parse().unwrap())).collect();
        let expected = parse_ora(&std::fs::read_to_string(data.join(case.ora)).unwrap());
        let mut ours_sorted = ours_counts.clone();
        ours_sorted.sort();
        let mut expected_sorted = expected.clone();
        expected_sorted.sort();
        if ours_sorted != expected_sorted {
            failures.push(format!("{what}: degsea {ours_sorted:?}\n  expected {expected_sorted:?}"));
        }
        if live {
            let mut args = vec!["-p", "--countReadPairs"];
            args.extend_from_slice(case.fc_args);
            let theirs = run_featurecounts(&args, &annotation, &inputs);
            let bad = std::panic::catch_unwind(|| assert_same(&what, &ours, &theirs));
            if bad.is_err() {
                failures.push(format!("{what}: differs from live featureCounts (see above)"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A random CIGAR with soft clips, insertions, deletions, back-to-back indels and introns.
fn random_cigar(r: &mut SplitMix64) -> String {
    let mut c = String::new();
    if r.chance(0.2) {
        write!(c, "{}S", 1 + r.below(30)).unwrap();
    }
    let n = 1 + r.below(4);
    for i in 0..n {
        write!(c, "{}M", 1 + r.below(40)).unwrap();
        if i + 1 < n {
            match r.below(4) {
                0 => write!(c, "{}I", 1 + r.below(5)).unwrap(),
                1 => write!(c, "{}D", 1 + r.below(5)).unwrap(),
                2 => write!(c, "{}N", 10 + r.below(300)).unwrap(),
                _ => write!(c, "{}D{}I", 1 + r.below(3), 1 + r.below(3)).unwrap(),
            }
        }
    }
    if r.chance(0.2) {
        write!(c, "{}S", 1 + r.below(20)).unwrap();
    }
    c
}

/// Writes a random small GTF (8 genes, overlapping exons on two chromosomes, both strands) and
/// a shuffled SAM with unmapped mates, orphans, secondary / supplementary / duplicate flags,
/// NH 1/2/absent and assorted MAPQs.
fn random_case(seed: u64, paired: bool, dir: &Path) -> (PathBuf, PathBuf) {
    let mut r = SplitMix64::new(seed);
    let mut gtf = String::new();
    let mut x = 100;
    for g in 0..8 {
        let strand = if r.chance(0.5) { '+' } else { '-' };
        for _ in 0..=r.below(3) {
            let s = x + r.below(50);
            let l = 20 + r.below(100);
            let chrom = if r.chance(0.75) { "1" } else { "2" };
            writeln!(gtf, "{chrom}\ts\texon\t{s}\t{}\t.\t{strand}\t.\tgene_id \"g{g}\";", s + l).unwrap();
            x = (s + r.below(180)).saturating_sub(30).max(1);
        }
    }
    let mut recs = Vec::new();
    for i in 0..400 {
        let name = format!("r{i}");
        let nh = ["", "\tNH:i:1", "\tNH:i:1", "\tNH:i:2"][r.below(4) as usize];
        let chrom1 = if r.chance(0.66) { "1" } else { "2" };
        let chrom2 = if r.chance(0.9) {
            chrom1
        } else if r.chance(0.5) {
            "1"
        } else {
            "2"
        };
        let p1 = 50 + r.below(x + 50);
        let p2 = (p1 + r.below(350)).saturating_sub(50).max(1);
        let (u1, u2) = (r.chance(0.08), paired && r.chance(0.08));
        let mq = [0, 3, 10, 30, 60, 255];
        let (q1, q2) = (mq[r.below(6) as usize], mq[r.below(6) as usize]);
        let (c1, c2) = (random_cigar(&mut r), random_cigar(&mut r));
        let extra_flags = |r: &mut SplitMix64| {
            let mut f = 0;
            let x = r.below(100);
            if x < 8 {
                f |= 0x100;
            } else if x < 14 {
                f |= 0x800;
            }
            if r.chance(0.05) {
                f |= 0x400;
            }
            f
        };
        if !paired {
            let f = extra_flags(&mut r) | if r.chance(0.5) { 0x10 } else { 0 };
            if u1 {
                recs.push(format!("{name}\t{}\t*\t0\t0\t*\t*\t0\t0\t*\t*{nh}", f | 4));
            } else {
                recs.push(format!("{name}\t{f}\t{chrom1}\t{p1}\t{q1}\t{c1}\t*\t0\t0\t*\t*{nh}"));
            }
            continue;
        }
        let (rev1, rev2) = (r.chance(0.5), r.chance(0.5));
        let mut f1 = 0x41 | extra_flags(&mut r);
        let mut f2 = 0x81 | extra_flags(&mut r);
        if r.chance(0.5) {
            f2 = (f2 & !0x900) | (f1 & 0x900);
        }
        for (f, rev, mate_rev, u, mu) in [(&mut f1, rev1, rev2, u1, u2), (&mut f2, rev2, rev1, u2, u1)] {
            *f |= if rev { 0x10 } else { 0 } | if mate_rev { 0x20 } else { 0 };
            *f |= if u { 4 } else { 0 } | if mu { 8 } else { 0 };
        }
        // Unmapped mates sit at their mate's position (SAM convention).
        let place = |u: bool, c: &'static str, p: u64, oc: &'static str, op: u64, ou: bool| {
            if !u {
                (c, p)
            } else if !ou {
                (oc, op)
            } else {
                ("*", 0)
            }
        };
        let (r1c, r1p) = place(u1, chrom1, p1, chrom2, p2, u2);
        let (r2c, r2p) = place(u2, chrom2, p2, chrom1, p1, u1);
        let rnext = |me: &str, mate: &'static str| if me == mate && me != "*" { "=" } else { mate };
        let cig = |u: bool, c: &str| if u { "*".to_string() } else { c.to_string() };
        let l1 = format!(
            "{name}\t{f1}\t{r1c}\t{r1p}\t{q1}\t{}\t{}\t{r2p}\t0\t*\t*{nh}",
            cig(u1, &c1),
            rnext(r1c, r2c)
        );
        let l2 = format!(
            "{name}\t{f2}\t{r2c}\t{r2p}\t{q2}\t{}\t{}\t{r1p}\t0\t*\t*{nh}",
            cig(u2, &c2),
            rnext(r2c, r1c)
        );
        recs.push(l1);
        if !r.chance(0.05) {
            recs.push(l2);
        }
    }
    for i in (1..recs.len()).rev() {
        recs.swap(i, r.below(i as u64 + 1) as usize);
    }
    let gtf_path = dir.join(format!("random{seed}.gtf"));
    let sam_path = dir.join(format!("random{seed}{}.sam", if paired { "pe" } else { "se" }));
    std::fs::write(&gtf_path, gtf).unwrap();
    std::fs::write(&sam_path, format!("@SQ\tSN:1\tLN:100000\n@SQ\tSN:2\tLN:100000\n{}\n", recs.join("\n")))
        .unwrap();
    (gtf_path, sam_path)
}

#[test]
fn random_sam_matches_featurecounts_live() {
    if !featurecounts_or_skip("random_sam_matches_featurecounts_live") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let se = CountOptions::default();
    let cases: Vec<(bool, Vec<&str>, CountOptions)> = vec![
        (false, vec![], se.clone()),
        (
            false,
            vec!["-s", "1", "-Q", "10", "-O"],
            CountOptions { strand: strand(1), min_mapq: 10, multi_overlap: true, ..se.clone() },
        ),
        (true, vec!["-p", "--countReadPairs"], pe()),
        (
            true,
            vec!["-p", "--countReadPairs", "-s", "2", "-Q", "10"],
            CountOptions { strand: strand(2), min_mapq: 10, ..pe() },
        ),
        (
            true,
            vec!["-p", "--countReadPairs", "-O", "-M", "--primary"],
            CountOptions { multi_overlap: true, multi_mapping: true, primary_only: true, ..pe() },
        ),
        (
            true,
            vec!["-p", "-s", "1", "-M"],
            CountOptions { strand: strand(1), multi_mapping: true, ..se.clone() },
        ),
        (
            true,
            vec!["-p", "--countReadPairs", "--primary", "-Q", "30"],
            CountOptions { primary_only: true, min_mapq: 30, ..pe() },
        ),
    ];
    for seed in 1..=12 {
        for (paired, args, opts) in &cases {
            let (gtf, sam) = random_case(seed, *paired, dir.path());
            let theirs = run_featurecounts(args, &gtf, std::slice::from_ref(&sam));
            let ours = run_degsea(opts, &gtf, std::slice::from_ref(&sam));
            assert_same(&format!("random seed {seed} {args:?}"), &ours, &theirs);
        }
    }
}
