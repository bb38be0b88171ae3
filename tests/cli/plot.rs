//! `degsea plot`: images from an output folder, atomic output, byte-identical across runs and
//! thread counts, clear errors. The airway tests read fgsea/edgeR reference tables from
//! `../shared/reference/airway` and check that the enrichment curves peak at fgsea's ES.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use crate::util::{assert_error, run, shared_or_skip, stderr};

const GSEA_HEADER: &str = "pathway\tpval\tpadj\tlog2err\tES\tNES\tsize\tleadingEdge\n";

/// `data-pathway` attributes of the bars of an NES bar SVG, in drawing order (top to bottom).
fn bar_order(svg: &str) -> Vec<String> {
    svg.lines()
        .filter(|l| l.starts_with("<g class=\"bar\""))
        .map(|l| {
            let start = l.find("data-pathway=\"").expect("data-pathway") + "data-pathway=\"".len();
            l[start..].split('"').next().unwrap_or_default().to_owned()
        })
        .collect()
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "png signature");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

/// Every file under `dir` with its bytes, sorted by relative path.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("read output folder") {
            let p = e.expect("folder entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = fs::read(&p).expect("read output file");
                out.push((p.strip_prefix(dir).expect("under dir").to_path_buf(), bytes));
            }
        }
    }
    out.sort();
    out
}

fn small_gsea(dir: &Path, rows: &[(&str, f64, f64)]) {
    let mut text = GSEA_HEADER.to_owned();
    for (p, nes, padj) in rows {
        let _ = writeln!(text, "{p}\t0.001\t{padj}\t0.5\t{}\t{nes}\t50\tA,B", nes / 4.0);
    }
    fs::write(dir.join("gsea.tsv"), text).expect("write gsea.tsv");
}

#[test]
fn nes_bar_from_a_small_table() {
    let tmp = tempfile::tempdir().unwrap();
    small_gsea(
        tmp.path(),
        &[
            ("HALLMARK_INTERFERON_GAMMA_RESPONSE", -2.2, 1e-5),
            ("HALLMARK_E2F_TARGETS", 2.5, 1e-7),
            ("HALLMARK_HYPOXIA", 1.0, 0.4),
            ("HALLMARK_MYC_TARGETS_V1", 1.9, 0.002),
        ],
    );
    let from = tmp.path().to_str().unwrap();
    let o = run(&["plot", "nes", "--from", from, "--contrast", "cluster: 2+3 vs 1", "--dpi", "72"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = fs::read_to_string(tmp.path().join("plots/nes_bar.svg")).unwrap();
    assert_eq!(
        bar_order(&svg),
        ["HALLMARK_E2F_TARGETS", "HALLMARK_MYC_TARGETS_V1", "HALLMARK_INTERFERON_GAMMA_RESPONSE"]
    );
    assert!(svg.contains("Cluster 2+3 vs cluster 1") && svg.contains("Enriched in cluster 1"));
    assert!(svg.contains("3 of 4 Hallmark gene sets at FDR &lt; 0.05"));
    let png = fs::read(tmp.path().join("plots/nes_bar.png")).unwrap();
    assert_eq!(png_size(&png).0, 468, "6.5 in at 72 dpi");

    // --fdr, --top, --title, --width, --format, --out.
    let out = tmp.path().join("custom");
    let o = run(&[
        "plot",
        "nes",
        "--from",
        from,
        "--out",
        out.to_str().unwrap(),
        "--fdr",
        "0.01",
        "--top",
        "1",
        "--title",
        "My title",
        "--width",
        "4",
        "--format",
        "svg",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = fs::read_to_string(out.join("nes_bar.svg")).unwrap();
    assert_eq!(bar_order(&svg), ["HALLMARK_E2F_TARGETS"]);
    assert!(svg.contains(">My title<") && svg.contains("width=\"288pt\""));
    assert!(!out.join("nes_bar.png").exists());
}

#[test]
fn nes_bar_with_nothing_significant_is_a_panel_not_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    small_gsea(tmp.path(), &[("HALLMARK_HYPOXIA", 1.0, 0.4), ("HALLMARK_APOPTOSIS", -0.8, 0.7)]);
    let o = run(&["plot", "nes", "--from", tmp.path().to_str().unwrap(), "--format", "svg"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = fs::read_to_string(tmp.path().join("plots/nes_bar.svg")).unwrap();
    assert!(bar_order(&svg).is_empty());
    assert!(svg.contains("No gene set at FDR &lt; 0.05"));
}

#[test]
fn bad_inputs_fail_cleanly_without_output() {
    let tmp = tempfile::tempdir().unwrap();
    let from = tmp.path().to_str().unwrap();
    let o = run(&["plot", "nes", "--from", from]);
    assert_error(&o, &["gsea.tsv"]);
    fs::write(
        tmp.path().join("gsea.tsv"),
        format!("{GSEA_HEADER}HALLMARK_A\t0.1\t0.01\t0.5\t0.3\tabc\t10\tX\n"),
    )
    .unwrap();
    let o = run(&["plot", "nes", "--from", from]);
    assert_error(&o, &["gsea.tsv:2", "NES", "`abc`"]);
    fs::write(tmp.path().join("gsea.tsv"), "pathway\tpadj\nA\t0.1\n").unwrap();
    let o = run(&["plot", "nes", "--from", from]);
    assert_error(&o, &["gsea.tsv:1", "missing column `ES`"]);
    small_gsea(tmp.path(), &[("HALLMARK_E2F_TARGETS", 2.0, 0.001)]);
    let o = run(&["plot", "nes", "--from", from, "--fdr", "2"]);
    assert_error(&o, &["--fdr"]);
    let o = run(&["plot", "nes", "--from", from, "--dpi", "0"]);
    assert_error(&o, &["dpi"]);
    let o = run(&["plot", "volcano", "--from", from]);
    assert_error(&o, &["de.tsv"]);
    assert!(!tmp.path().join("plots").exists(), "no partial output");
    let names: Vec<_> = fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 1, "only gsea.tsv is left: {names:?}");
}

/// A copy of the airway reference tables laid out like a `degsea run` folder.
fn airway_folder(shared: &Path) -> tempfile::TempDir {
    let src = shared.join("reference/airway");
    let tmp = tempfile::tempdir().expect("tempdir");
    fs::copy(src.join("gsea_multilevel.tsv"), tmp.path().join("gsea.tsv")).expect("copy gsea table");
    fs::copy(src.join("de.tsv"), tmp.path().join("de.tsv")).expect("copy de table");
    fs::copy(src.join("ranks.rnk"), tmp.path().join("ranks.rnk")).expect("copy ranks");
    tmp
}

#[test]
fn airway_all_plots_identical_across_threads() {
    let Some(shared) = shared_or_skip("airway_all_plots_identical_across_threads") else { return };
    let tmp = airway_folder(&shared);
    let from = tmp.path().to_str().unwrap();
    let out1 = tmp.path().join("p1");
    let out2 = tmp.path().join("p2");
    let args = |out: &Path, threads: &'static str| {
        vec![
            "--threads".to_owned(),
            threads.to_owned(),
            "plot".into(),
            "all".into(),
            "--from".into(),
            from.to_owned(),
            "--out".into(),
            out.to_str().unwrap().to_owned(),
            "--contrast".into(),
            "dex: trt vs untrt".into(),
            "--dpi".into(),
            "100".into(),
        ]
    };
    for (out, threads) in [(&out1, "1"), (&out2, "2")] {
        let a = args(out, threads);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let o = run(&a);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let (s1, s2) = (snapshot(&out1), snapshot(&out2));
    assert_eq!(s1.len(), s2.len());
    for ((p1, b1), (p2, b2)) in s1.iter().zip(&s2) {
        assert_eq!(p1, p2);
        assert!(b1 == b2, "{} differs between --threads 1 and 2", p1.display());
    }

    // Bars: the reference sets with padj < 0.05, by NES descending.
    let table = fs::read_to_string(tmp.path().join("gsea.tsv")).unwrap();
    let mut expected: Vec<(f64, String)> = table
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let padj: f64 = f[2].parse().ok()?;
            (padj < 0.05).then(|| (f[5].parse().unwrap(), f[0].to_owned()))
        })
        .collect();
    expected.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let expected: Vec<String> = expected.into_iter().map(|(_, p)| p).collect();
    let svg = fs::read_to_string(out1.join("nes_bar.svg")).unwrap();
    assert_eq!(bar_order(&svg), expected);
    for p in &expected {
        assert!(out1.join(format!("enrichment/{p}.svg")).is_file(), "{p}");
        let png = fs::read(out1.join(format!("enrichment/{p}.png"))).unwrap();
        assert_eq!(png_size(&png), (600, 420), "6 x 4.2 in at 100 dpi");
    }
    assert_eq!(fs::read_dir(out1.join("enrichment")).unwrap().count(), 2 * expected.len());
    let volcano = fs::read(out1.join("volcano.png")).unwrap();
    assert_eq!(png_size(&volcano), (550, 500));
    let vsvg = fs::read_to_string(out1.join("volcano.svg")).unwrap();
    assert!(vsvg.contains("Up in trt"), "volcano legend names the test group");
}

#[test]
fn airway_enrichment_curves_peak_at_fgsea_es() {
    // The curve is drawn from our own running sum over ranks.rnk in GSEA order (score
    // descending, ties by name) and the bundled Hallmark sets: its extreme must be fgsea's ES.
    // Tolerance 1e-10 relative: the ES tier of ALGORITHMS.md §C (closed form, summation order).
    let Some(shared) = shared_or_skip("airway_enrichment_curves_peak_at_fgsea_es") else { return };
    let src = shared.join("reference/airway");
    let ranks = degsea_io::rnk::read(&src.join("ranks.rnk")).unwrap();
    let (genes, scores) = (ranks.list.genes(), ranks.list.scores());
    let mut order: Vec<usize> = (0..genes.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then_with(|| genes[a].cmp(&genes[b])));
    let sorted: Vec<f64> = order.iter().map(|&i| scores[i]).collect();
    let pos: std::collections::HashMap<&str, usize> =
        order.iter().enumerate().map(|(p, &i)| (genes[i].as_str(), p)).collect();
    let h = degsea_io::bundled::find("hallmark").unwrap();
    let sets = degsea_io::gmt::parse(h.gmt.as_bytes(), h.file, h.name, h.version).unwrap();
    let table = fs::read_to_string(src.join("gsea_multilevel.tsv")).unwrap();
    let mut worst = (0.0f64, String::new());
    for line in table.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let es_ref: f64 = f[4].parse().unwrap();
        let set = sets.sets.iter().find(|s| s.name == f[0]).unwrap();
        let mut hits: Vec<usize> = set.genes.iter().filter_map(|g| pos.get(g.as_str()).copied()).collect();
        hits.sort_unstable();
        hits.dedup();
        let pts = degsea_plot::running_es(&sorted, &hits, degsea_plot::GSEA_PARAM).unwrap();
        let es = pts.iter().map(|p| p.1).fold(0.0f64, |a, b| if b.abs() > a.abs() { b } else { a });
        let rel = (es - es_ref).abs() / es_ref.abs().max(1e-12);
        if rel > worst.0 {
            worst = (rel, format!("{}: curve {es} vs fgsea {es_ref}", f[0]));
        }
    }
    assert!(worst.0 <= 1e-10, "worst relative difference {:.3e} ({})", worst.0, worst.1);
}

#[test]
fn volcano_and_enrichment_from_small_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let mut de = String::from("gene\tlogFC\tlogCPM\tPValue\tFDR\tsymbol\n");
    for i in 0..400 {
        let lfc = if i == 0 { -6.0 } else { f64::from(i % 40 - 20) / 5.0 };
        let p = if i % 40 == 0 { 0.0 } else { (-lfc.abs() * 3.0).exp() };
        let symbol = if i == 0 { "MYC".to_owned() } else { String::new() };
        let _ = writeln!(de, "ENSG{i:05}\t{lfc}\t5\t{p}\t{}\t{symbol}", (p * 20.0).min(1.0));
    }
    fs::write(tmp.path().join("de.tsv"), de).unwrap();
    let mut rnk = String::new();
    for i in 0..300 {
        let _ = writeln!(rnk, "G{i:03}\t{}", 3.0 - f64::from(i) / 50.0);
    }
    fs::write(tmp.path().join("ranks.rnk"), rnk).unwrap();
    let gmt = "SET_TOP\tna\tG000\tG002\tG005\tG010\tG020\tNOT_RANKED\nSET_BOTTOM\tna\tG299\tG290\tG280\n";
    fs::write(tmp.path().join("sets.gmt"), gmt).unwrap();
    small_gsea(tmp.path(), &[("SET_TOP", 1.8, 0.01), ("SET_BOTTOM", -1.5, 0.2), ("SET_MISSING", 2.0, 0.01)]);
    let from = tmp.path().to_str().unwrap();
    let gmt_path = tmp.path().join("sets.gmt");
    let o = run(&["plot", "volcano", "--from", from, "--format", "svg", "--top", "3"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = fs::read_to_string(tmp.path().join("plots/volcano.svg")).unwrap();
    assert!(svg.contains(">MYC</text>"), "symbol column used for labels");
    assert_eq!(svg.matches("class=\"gene\"").count(), 3);
    let o =
        run(&["plot", "enrichment", "--from", from, "--genesets", gmt_path.to_str().unwrap(), "--dpi", "50"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("SET_MISSING"), "warns about a set missing from the GMT");
    let svg = fs::read_to_string(tmp.path().join("plots/enrichment/SET_TOP.svg")).unwrap();
    assert!(svg.contains("5 of 300 genes"), "hits are the ranked members");
    assert!(!tmp.path().join("plots/enrichment/SET_BOTTOM.svg").exists(), "padj 0.2 is not drawn");
    let png = fs::read(tmp.path().join("plots/enrichment/SET_TOP.png")).unwrap();
    assert_eq!(png_size(&png), (300, 210));
}
