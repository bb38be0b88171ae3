//! Writes the README's example NES bar plot (12 Hallmark gene sets shaped like Figure 5 of
//! Visram et al. 2021; the numbers are illustrative, not a result): SVG and 300-dpi PNG.
//!
//! `cargo run -p degsea-plot --example nes_bar_example -- docs/nes_bar_example`

use degsea_plot::{GroupLabels, NesBarEntry, NesBarOptions, nes_bar_svg, svg_to_png};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let stem = std::env::args().nth(1).unwrap_or_else(|| "nes_bar_example".to_owned());
    let sets = [
        ("HALLMARK_E2F_TARGETS", 2.61, 1.2e-9),
        ("HALLMARK_G2M_CHECKPOINT", 2.43, 3.5e-8),
        ("HALLMARK_MYC_TARGETS_V1", 2.12, 4.1e-6),
        ("HALLMARK_MYC_TARGETS_V2", 1.87, 2.2e-4),
        ("HALLMARK_INTERFERON_ALPHA_RESPONSE", -2.38, 6.0e-8),
        ("HALLMARK_INTERFERON_GAMMA_RESPONSE", -2.29, 9.4e-8),
        ("HALLMARK_TNFA_SIGNALING_VIA_NFKB", -2.05, 1.8e-6),
        ("HALLMARK_IL6_JAK_STAT3_SIGNALING", -1.91, 5.3e-5),
        ("HALLMARK_INFLAMMATORY_RESPONSE", -1.84, 9.9e-5),
        ("HALLMARK_TGF_BETA_SIGNALING", -1.62, 2.7e-3),
        ("HALLMARK_ALLOGRAFT_REJECTION", -1.55, 6.1e-3),
        ("HALLMARK_COMPLEMENT", -1.43, 1.9e-2),
        ("HALLMARK_OXIDATIVE_PHOSPHORYLATION", 1.21, 0.21),
    ];
    let entries: Vec<NesBarEntry> =
        sets.iter().map(|&(p, nes, padj)| NesBarEntry { pathway: p.to_owned(), nes, padj }).collect();
    let opts = NesBarOptions {
        groups: GroupLabels::new("clusters 2+3", "cluster 1"),
        collection: "Hallmark".to_owned(),
        ..NesBarOptions::default()
    };
    let svg = nes_bar_svg(&entries, &opts)?;
    std::fs::write(format!("{stem}.svg"), &svg)?;
    std::fs::write(format!("{stem}.png"), svg_to_png(&svg, 300.0)?)?;
    Ok(())
}
