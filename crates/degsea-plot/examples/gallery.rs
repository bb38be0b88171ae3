//! Renders every plot kind on synthetic data (a fixed-seed generator, no input files) into a
//! folder, as SVG and 300-dpi PNG, for eyeballing layout changes.
//!
//! `cargo run -p degsea-plot --example gallery -- /tmp/gallery`

use degsea_plot::{
    EnrichmentInput, EnrichmentOptions, GroupLabels, NesBarEntry, NesBarOptions, VolcanoOptions,
    VolcanoPoint, enrichment_svg, nes_bar_svg, svg_to_png, volcano_svg,
};

/// xorshift64*: a tiny deterministic generator for the synthetic data.
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform().max(1e-300), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

fn save(dir: &std::path::Path, name: &str, svg: &str) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::write(dir.join(format!("{name}.svg")), svg)?;
    std::fs::write(dir.join(format!("{name}.png")), svg_to_png(svg, 300.0)?)?;
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "gallery".to_owned()));
    std::fs::create_dir_all(&dir)?;
    let groups = GroupLabels::new("clusters 2+3", "cluster 1");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);

    // Ranked list of 20,000 genes and a gene set concentrated at the top.
    let n = 20_000;
    let mut scores: Vec<f64> = (0..n).map(|_| rng.normal() * 1.5).collect();
    scores.sort_by(|a, b| b.total_cmp(a));
    let hits: Vec<usize> = (0..n).filter(|&i| rng.uniform() < if i < 3000 { 0.02 } else { 0.004 }).collect();
    let input = EnrichmentInput {
        pathway: "HALLMARK_E2F_TARGETS",
        scores_sorted: &scores,
        hits: &hits,
        es: 0.62,
        nes: 2.41,
        padj: 3.2e-7,
    };
    let opts = EnrichmentOptions { groups: groups.clone(), ..EnrichmentOptions::default() };
    save(&dir, "enrichment", &enrichment_svg(&input, &opts)?)?;

    // Volcano of 20,000 genes, a few hundred changed, some with p = 0.
    let points: Vec<VolcanoPoint> = (0..n)
        .map(|i| {
            let changed = i % 40 == 0;
            let lfc = rng.normal() * 0.4 + if changed { rng.normal() * 3.0 } else { 0.0 };
            let z = lfc.abs() / 0.35 * if changed { 2.5 } else { 1.0 };
            let p = if i == 40 { 0.0 } else { (-0.5 * z * z).exp().min(1.0) };
            VolcanoPoint { gene: format!("GENE{i}"), log_fc: lfc, p_value: p, fdr: (p * 50.0).min(1.0) }
        })
        .collect();
    let vopts = VolcanoOptions { groups: groups.clone(), ..VolcanoOptions::default() };
    save(&dir, "volcano", &volcano_svg(&points, &vopts)?)?;

    // NES bars: none, one and 50 significant gene sets.
    let bopts = NesBarOptions { groups, collection: "Hallmark".to_owned(), ..NesBarOptions::default() };
    let none = [NesBarEntry { pathway: "HALLMARK_HYPOXIA".into(), nes: 1.1, padj: 0.31 }];
    save(&dir, "nes_bar_empty", &nes_bar_svg(&none, &bopts)?)?;
    let one = [NesBarEntry {
        pathway: "HALLMARK_EPITHELIAL_MESENCHYMAL_TRANSITION".into(),
        nes: -1.9,
        padj: 0.002,
    }];
    save(&dir, "nes_bar_one", &nes_bar_svg(&one, &bopts)?)?;
    let fifty: Vec<NesBarEntry> = (0..50)
        .map(|i| NesBarEntry {
            pathway: format!("HALLMARK_PATHWAY_NUMBER_{i}"),
            nes: rng.normal() * 1.6,
            padj: 0.001,
        })
        .collect();
    save(&dir, "nes_bar_fifty", &nes_bar_svg(&fifty, &bopts)?)?;
    Ok(())
}
