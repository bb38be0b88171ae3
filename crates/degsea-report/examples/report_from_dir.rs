//! Builds `report.html` (and the QC plots, SVG + PNG) from a `degsea run` output folder, as
//! `degsea report --from DIR` will once the CLI is wired: used by `make report-test`.
//!
//! Usage: `report_from_dir DIR [--counts FILE] [-o FILE] [--no-png]`

#![allow(clippy::print_stderr)]

use std::path::PathBuf;

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut out = None;
    let mut opts = degsea_report::folder::LoadOptions::default();
    let mut png = true;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--counts" => opts.counts = args.next().map(PathBuf::from),
            "-o" => out = args.next().map(PathBuf::from),
            "--no-png" => png = false,
            _ => dir = Some(PathBuf::from(a)),
        }
    }
    let dir = dir.ok_or("usage: report_from_dir DIR [--counts FILE] [-o FILE] [--no-png]")?;
    let input = degsea_report::folder::load_dir(&dir, &opts)?;
    let r = degsea_report::render(&input)?;
    let out = out.unwrap_or_else(|| dir.join("report.html"));
    std::fs::write(&out, &r.html)?;
    for p in &r.qc_plots {
        let stem = dir.join("plots").join(&p.name);
        if let Some(parent) = stem.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(stem.with_extension("svg"), &p.svg)?;
        if png {
            std::fs::write(
                stem.with_extension("png"),
                degsea_plot::svg_to_png(&p.svg, degsea_plot::DEFAULT_DPI)?,
            )?;
        }
    }
    eprintln!("wrote {} ({} bytes) and {} QC plots", out.display(), r.html.len(), r.qc_plots.len());
    Ok(())
}
