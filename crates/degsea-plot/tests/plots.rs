//! Integration tests of the public plot API: the SVGs are well-formed XML with the expected
//! content and order, PNGs decode at the size implied by the dpi, and output is byte-identical
//! from run to run (no system font, no clock, no hash-map order).

#![allow(clippy::unwrap_used, reason = "test code: a panic is a test failure")]

use degsea_plot::{
    EnrichmentInput, EnrichmentOptions, GroupLabels, NesBarEntry, NesBarOptions, VolcanoOptions,
    VolcanoPoint, enrichment_svg, nes_bar_svg, svg_to_png, volcano_svg,
};

fn entry(pathway: &str, nes: f64, padj: f64) -> NesBarEntry {
    NesBarEntry { pathway: pathway.to_owned(), nes, padj }
}

fn hallmark_example() -> Vec<NesBarEntry> {
    vec![
        entry("HALLMARK_INTERFERON_GAMMA_RESPONSE", -2.29, 9.4e-8),
        entry("HALLMARK_E2F_TARGETS", 2.61, 1.2e-9),
        entry("HALLMARK_TGF_BETA_SIGNALING", -1.62, 2.7e-3),
        entry("HALLMARK_MYC_TARGETS_V1", 2.12, 4.1e-6),
        entry("HALLMARK_OXIDATIVE_PHOSPHORYLATION", 1.21, 0.21),
        entry("HALLMARK_G2M_CHECKPOINT", 2.43, 3.5e-8),
        entry("HALLMARK_TNFA_SIGNALING_VIA_NFKB", -2.05, 1.8e-6),
        entry("HALLMARK_HYPOXIA", f64::NAN, f64::NAN),
    ]
}

fn opts() -> NesBarOptions {
    NesBarOptions { groups: GroupLabels::new("clusters 2+3", "cluster 1"), ..NesBarOptions::default() }
}

/// `data-pathway` of every bar, in document order.
fn bar_pathways(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("svg is well-formed xml");
    doc.descendants()
        .filter(|n| n.attribute("class") == Some("bar"))
        .map(|n| n.attribute("data-pathway").expect("bar has data-pathway").to_owned())
        .collect()
}

fn texts_with_class(svg: &str, class: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("svg is well-formed xml");
    doc.descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("class") == Some(class))
        .map(|n| n.text().unwrap_or_default().to_owned())
        .collect()
}

fn decode(png: &[u8]) -> (png::OutputInfo, Vec<u8>, Option<png::PixelDimensions>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let mut reader = decoder.read_info().expect("png header");
    let dims = reader.info().pixel_dims;
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    buf.truncate(info.buffer_size());
    (info, buf, dims)
}

#[test]
fn nes_bars_are_significant_sets_in_nes_order() {
    let svg = nes_bar_svg(&hallmark_example(), &opts()).unwrap();
    assert_eq!(
        bar_pathways(&svg),
        [
            "HALLMARK_E2F_TARGETS",
            "HALLMARK_G2M_CHECKPOINT",
            "HALLMARK_MYC_TARGETS_V1",
            "HALLMARK_TGF_BETA_SIGNALING",
            "HALLMARK_TNFA_SIGNALING_VIA_NFKB",
            "HALLMARK_INTERFERON_GAMMA_RESPONSE",
        ]
    );
    assert_eq!(
        texts_with_class(&svg, "pathway"),
        [
            "E2F targets",
            "G2M checkpoint",
            "MYC targets v1",
            "TGF-β signaling",
            "TNFα signaling via NF-κB",
            "Interferon gamma response"
        ]
    );
    assert_eq!(texts_with_class(&svg, "title"), ["Clusters 2+3 vs cluster 1"]);
    assert!(svg.contains("Enriched in clusters 2+3") && svg.contains("Enriched in cluster 1"));
    assert!(!svg.contains("NaN"));
    // Bars point the right way: positive NES to the right of the zero line.
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let rects: Vec<(f64, f64, String)> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("bar"))
        .map(|g| {
            let r = g.children().find(|c| c.has_tag_name("rect")).unwrap();
            let x: f64 = r.attribute("x").unwrap().parse().unwrap();
            let w: f64 = r.attribute("width").unwrap().parse().unwrap();
            (x, x + w, r.attribute("fill").unwrap().to_owned())
        })
        .collect();
    let zero = rects[0].0; // the first (positive) bar starts at zero
    for (i, (x0, x1, fill)) in rects.iter().enumerate() {
        if i < 3 {
            assert!((x0 - zero).abs() < 0.2 && *x1 > zero, "bar {i}");
            assert_eq!(fill, degsea_plot::UP_COLOUR);
        } else {
            assert!((x1 - zero).abs() < 0.2 && *x0 < zero, "bar {i}");
            assert_eq!(fill, degsea_plot::DOWN_COLOUR);
        }
    }
}

#[test]
fn nes_bar_fdr_and_top_options() {
    let o = NesBarOptions { fdr: 1e-6, ..opts() };
    let svg = nes_bar_svg(&hallmark_example(), &o).unwrap();
    assert_eq!(
        bar_pathways(&svg),
        ["HALLMARK_E2F_TARGETS", "HALLMARK_G2M_CHECKPOINT", "HALLMARK_INTERFERON_GAMMA_RESPONSE"]
    );
    assert!(svg.contains("FDR &lt; 0.000001"));
    let o = NesBarOptions { top: Some(2), ..opts() };
    let svg = nes_bar_svg(&hallmark_example(), &o).unwrap();
    assert_eq!(bar_pathways(&svg), ["HALLMARK_E2F_TARGETS", "HALLMARK_G2M_CHECKPOINT"]);
    assert!(nes_bar_svg(&hallmark_example(), &NesBarOptions { fdr: 0.0, ..opts() }).is_err());
    assert!(nes_bar_svg(&hallmark_example(), &NesBarOptions { width_in: 0.1, ..opts() }).is_err());
}

#[test]
fn nes_bar_with_no_significant_set_says_so() {
    let entries = [entry("HALLMARK_HYPOXIA", 1.1, 0.31), entry("HALLMARK_APOPTOSIS", -0.9, 0.6)];
    let svg = nes_bar_svg(&entries, &opts()).unwrap();
    assert!(bar_pathways(&svg).is_empty());
    assert!(svg.contains("No gene set at FDR &lt; 0.05"), "{svg}");
    assert!(svg.contains("smallest FDR 0.31 (Hypoxia)"));
    let svg = nes_bar_svg(&[], &opts()).unwrap();
    assert!(svg.contains("No gene set at FDR &lt; 0.05"));
    let (info, _, _) = decode(&svg_to_png(&svg, 100.0).unwrap());
    assert_eq!(info.width, 650);
}

#[test]
fn nes_bar_single_and_fifty_sets() {
    let one = [entry("HALLMARK_EPITHELIAL_MESENCHYMAL_TRANSITION", -1.9, 0.002)];
    let svg = nes_bar_svg(&one, &opts()).unwrap();
    assert_eq!(bar_pathways(&svg), ["HALLMARK_EPITHELIAL_MESENCHYMAL_TRANSITION"]);
    let fifty: Vec<NesBarEntry> =
        (0..50).map(|i| entry(&format!("HALLMARK_SET_{i:02}"), f64::from(i) / 10.0 - 2.45, 0.01)).collect();
    let svg = nes_bar_svg(&fifty, &opts()).unwrap();
    let bars = bar_pathways(&svg);
    assert_eq!(bars.len(), 50);
    assert_eq!(bars[0], "HALLMARK_SET_49");
    assert_eq!(bars[49], "HALLMARK_SET_00");
    // The automatic height grows with the number of bars.
    let h = |s: &str| {
        roxmltree::Document::parse(s).unwrap().root_element().attribute("height").unwrap().to_owned()
    };
    let (h1, h50) = (h(&nes_bar_svg(&one, &opts()).unwrap()), h(&svg));
    let pt = |s: &str| s.trim_end_matches("pt").parse::<f64>().unwrap();
    assert!(pt(&h50) > pt(&h1) + 40.0 * 14.0, "{h1} vs {h50}");
    // A fixed height is honoured.
    let svg = nes_bar_svg(&fifty, &NesBarOptions { height_in: Some(8.0), ..opts() }).unwrap();
    assert_eq!(h(&svg), "576pt");
}

#[test]
fn png_size_follows_dpi_and_records_it() {
    let svg = nes_bar_svg(&hallmark_example(), &NesBarOptions { height_in: Some(4.0), ..opts() }).unwrap();
    for (dpi, w, h) in [(300.0, 1950, 1200), (72.0, 468, 288), (150.0, 975, 600)] {
        let (info, pixels, dims) = decode(&svg_to_png(&svg, dpi).unwrap());
        assert_eq!((info.width, info.height), (w, h), "dpi {dpi}");
        assert_eq!(info.color_type, png::ColorType::Rgb);
        let dims = dims.expect("pHYs chunk");
        assert_eq!(dims.unit, png::Unit::Meter);
        assert_eq!(dims.xppu, (f64::from(dpi) / 0.0254).round() as u32);
        // Something other than the white background was drawn.
        assert!(pixels.iter().any(|&b| b < 128));
    }
    assert!(svg_to_png(&svg, 0.0).is_err());
    assert!(svg_to_png("<svg", 300.0).is_err());
}

#[test]
fn text_is_rendered_with_the_bundled_font() {
    // A document with nothing but text: dark pixels prove a font was found without any
    // system font database.
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="100pt" height="30pt" viewBox="0 0 100 30">
        <text x="5" y="22" font-size="20" font-family="no-such-font, sans-serif">NES</text>
        </svg>"#;
    let (_, pixels, _) = decode(&svg_to_png(svg, 96.0).unwrap());
    let dark = pixels.iter().filter(|&&b| b < 100).count();
    assert!(dark > 100, "only {dark} dark bytes: text not rendered");
}

#[test]
fn output_is_byte_identical_across_runs() {
    let a = nes_bar_svg(&hallmark_example(), &opts()).unwrap();
    let b = nes_bar_svg(&hallmark_example(), &opts()).unwrap();
    assert_eq!(a, b);
    assert_eq!(svg_to_png(&a, 120.0).unwrap(), svg_to_png(&b, 120.0).unwrap());
    let pts = volcano_points(3000);
    let v1 = volcano_svg(&pts, &VolcanoOptions::default()).unwrap();
    let v2 = volcano_svg(&pts, &VolcanoOptions::default()).unwrap();
    assert_eq!(v1, v2);
}

fn ranked(n: usize) -> Vec<f64> {
    (0..n).map(|i| 3.0 - 6.0 * i as f64 / n as f64).collect()
}

#[test]
fn enrichment_curve_content() {
    let scores = ranked(5000);
    let hits: Vec<usize> = (0..5000).filter(|i| i % 97 == 3 || (*i < 600 && i % 13 == 0)).collect();
    let input = EnrichmentInput {
        pathway: "HALLMARK_G2M_CHECKPOINT",
        scores_sorted: &scores,
        hits: &hits,
        es: 0.55,
        nes: 2.2,
        padj: 1.5e-5,
    };
    let o = EnrichmentOptions {
        groups: GroupLabels::new("clusters 2+3", "cluster 1"),
        ..EnrichmentOptions::default()
    };
    let svg = enrichment_svg(&input, &o).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let class = |c: &str| doc.descendants().find(|n| n.attribute("class") == Some(c));
    let curve = class("curve").expect("curve").attribute("d").unwrap();
    assert_eq!(curve.matches('L').count(), 2 * hits.len() + 1);
    let ticks = class("hits").expect("hits").attribute("d").unwrap();
    assert_eq!(ticks.matches('M').count(), hits.len());
    assert!(class("es-max").is_some() && class("metric").is_some());
    assert_eq!(texts_with_class(&svg, "title"), ["G2M checkpoint"]);
    assert!(svg.contains("NES 2.20 · FDR 1.5e−5"));
    assert!(svg.contains("up in clusters 2+3") && svg.contains("up in cluster 1"));
    let (info, _, _) = decode(&svg_to_png(&svg, 100.0).unwrap());
    assert_eq!((info.width, info.height), (600, 420));
    let bad = EnrichmentInput { hits: &[5000], ..input };
    assert!(enrichment_svg(&bad, &o).is_err());
}

/// Synthetic DE table: most genes null, every 25th changed, a few with p = 0.
fn volcano_points(n: usize) -> Vec<VolcanoPoint> {
    (0..n)
        .map(|i| {
            let t = i as f64;
            let changed = i % 25 == 0;
            let log_fc = (t * 0.618).sin() * if changed { 4.0 } else { 0.5 };
            let z = log_fc.abs() * if changed { 6.0 } else { 2.0 };
            let p_value = if i == 50 || i == 75 { 0.0 } else { (-0.5 * z * z).exp() };
            VolcanoPoint { gene: format!("G{i}"), log_fc, p_value, fdr: (p_value * 40.0).min(1.0) }
        })
        .collect()
}

#[test]
fn volcano_handles_many_points_and_zero_p_values() {
    let pts = volcano_points(40_000);
    let svg = volcano_svg(&pts, &VolcanoOptions::default()).unwrap();
    assert!(svg.len() < 1_000_000, "svg is {} bytes", svg.len());
    assert!(!svg.contains("NaN") && !svg.contains("inf"));
    let labels = texts_with_class(&svg, "gene");
    assert!(!labels.is_empty() && labels.len() <= degsea_plot::DEFAULT_TOP_LABELS);
    // The two p = 0 genes are the most significant and are labelled first (ties: larger
    // |logFC| first).
    let mut first_two = labels[..2].to_vec();
    first_two.sort();
    assert_eq!(first_two, ["G50", "G75"]);
    assert!(svg.contains("2 with p = 0 drawn at the top"));
    let (info, _, _) = decode(&svg_to_png(&svg, 100.0).unwrap());
    assert_eq!((info.width, info.height), (550, 500));
    let none = volcano_svg(&[], &VolcanoOptions::default()).unwrap();
    assert!(roxmltree::Document::parse(&none).is_ok());
}
