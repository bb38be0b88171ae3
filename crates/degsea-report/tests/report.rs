//! report.html: determinism, self-containment, sections, the BCV plot's values against the DE
//! outputs, and rebuilding from an output folder.

#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::format_push_string, missing_docs)]

use degsea_core::{Contrast, CountMatrix, SampleSheet};
use degsea_de::cpm::PRIOR_COUNT;
use degsea_de::{PrepareOptions, prepare};
use degsea_plot::GroupLabels;
use degsea_report::folder::{LoadOptions, load_dir};
use degsea_report::{GseaRecord, LogCpm, ReportInput, SampleInfo, bcv_input, render};
use degsea_testkit::SplitMix64;

/// A small two-group cohort with a shifted block of genes, run through edgeR's classic pipeline.
fn cohort() -> ReportInput {
    let (ng, ns) = (400usize, 8usize);
    let mut rng = SplitMix64::new(18);
    let genes: Vec<String> = (0..ng).map(|i| format!("G{i:03}")).collect();
    let samples: Vec<String> = (0..ns).map(|j| format!("s{j}")).collect();
    let counts = ndarray::Array2::from_shape_fn((ng, ns), |(i, j)| {
        let base = 20.0 + (i % 37) as f64 * 15.0;
        let shift = if i < 40 && j >= 4 { 4.0 } else { 1.0 };
        let mu = base * shift * (0.8 + 0.4 * rng.unit());
        mu.round() as u32
    });
    let matrix = CountMatrix::new(genes.clone(), samples.clone(), counts).unwrap();
    let levels: Vec<Vec<String>> = (0..ns).map(|j| vec![if j < 4 { "A" } else { "B" }.to_owned()]).collect();
    let sheet = SampleSheet::new(samples, vec!["g".into()], levels).unwrap();
    let groups = "g: B vs A".parse::<Contrast>().unwrap().resolve(&sheet, matrix.samples()).unwrap();
    let p = prepare(&matrix, &groups, &PrepareOptions::default()).unwrap();
    let r = p.classic_de(&degsea_de::classic::ClassicOptions::default());
    let lc = p.log_cpm(PRIOR_COUNT);
    let kept = p.counts.genes().to_vec();
    let de = degsea_report::de_table_from_classic(&kept, &r);
    let leading: Vec<String> = kept.iter().take(30).cloned().collect();
    ReportInput {
        manifest: serde_json::json!({"version": "0.1.0", "contrast": "g: B vs A",
            "reproduces": {"edgeR": "3.40.2", "fgsea": "1.24.0"},
            "parameters": {"de": {"norm": "tmm"}, "fdr": 0.05}, "seed": 42}),
        groups: GroupLabels::new("B", "A"),
        samples: p
            .counts
            .samples()
            .iter()
            .enumerate()
            .map(|(j, s)| SampleInfo {
                name: s.clone(),
                group: p.group[j],
                lib_size: p.lib_sizes[j],
                norm_factor: p.norm_factors[j],
            })
            .collect(),
        de,
        common_dispersion: r.common_dispersion,
        gsea: vec![
            GseaRecord {
                pathway: "SET_UP".into(),
                size: 40,
                es: 0.8,
                nes: 2.1,
                pval: 1e-5,
                padj: 1e-4,
                log2err: 0.25,
                leading_edge: leading,
            },
            GseaRecord {
                pathway: "SET_NULL".into(),
                size: 20,
                es: 0.1,
                nes: 0.4,
                pval: 0.9,
                padj: 0.9,
                log2err: 0.5,
                leading_edge: vec!["G300".into()],
            },
        ],
        log_cpm: Some(LogCpm { genes: kept, values: lc.as_standard_layout().iter().copied().collect() }),
        ..ReportInput::default()
    }
}

#[test]
fn report_is_deterministic_and_self_contained() {
    let input = cohort();
    let a = render(&input).unwrap();
    let b = render(&input).unwrap();
    assert_eq!(a.html, b.html, "same input, same bytes");
    let h = &a.html;
    for section in ["id=\"summary\"", "id=\"qc\"", "id=\"de\"", "id=\"gsea\"", "id=\"methods\""] {
        assert!(h.contains(section), "missing {section}");
    }
    // No external resource: no URL scheme other than the data: favicon, no src= at all.
    assert!(
        !h.contains("http://") || h.matches("http://").count() == h.matches("http://www.w3.org/").count()
    );
    assert!(!h.contains("https://"));
    assert!(!h.contains(" src="));
    let names: Vec<&str> = a.qc_plots.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["library_sizes", "mds", "bcv", "md", "pvalue_histogram", "heatmap/SET_UP"]);
    // The heatmap is drawn only for the significant set, with its leading edge.
    let heat = &a.qc_plots[5].svg;
    assert!(heat.contains(">G000<") && !heat.contains(">G300<"));
    assert!(h.contains("Robinson MD, Oshlack A (2010)"));
}

#[test]
fn bcv_plot_values_are_the_de_outputs() {
    let input = cohort();
    let bcv = bcv_input(&input).unwrap();
    // The same numbers as the DE table (bit for bit), gene by gene, and the common dispersion.
    assert_eq!(bcv.ave_log_cpm, input.de.log_cpm.as_slice());
    assert_eq!(bcv.tagwise.unwrap(), input.de.dispersion.as_slice());
    assert_eq!(bcv.common.to_bits(), input.common_dispersion.to_bits());
    assert!(bcv.trended.is_none());
    let svg = &render(&input).unwrap().qc_plots[2].svg;
    assert!(svg.contains(&format!("common BCV {:.3}", input.common_dispersion.sqrt())));
}

#[test]
fn rebuilds_from_an_output_folder() {
    let input = cohort();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut de = String::from("gene\tlogFC\tlogCPM\tPValue\tFDR\tdispersion\n");
    let t = &input.de;
    for i in 0..t.genes.len() {
        de += &format!(
            "{}\t{}\t{}\t{}\t{}\t{}\n",
            t.genes[i], t.log_fc[i], t.log_cpm[i], t.p_value[i], t.fdr[i], t.dispersion[i]
        );
    }
    std::fs::write(d.join("de.tsv"), de).unwrap();
    let mut nf = String::from("sample\tgroup\tlib_size\tnorm_factor\teff_lib_size\n");
    for s in &input.samples {
        nf += &format!(
            "{}\t{}\t{}\t{}\t{}\n",
            s.name,
            if s.group == 1 { "B" } else { "A" },
            s.lib_size,
            s.norm_factor,
            s.lib_size * s.norm_factor
        );
    }
    std::fs::write(d.join("norm_factors.tsv"), nf).unwrap();
    let mut g = String::from("pathway\tsize\tES\tNES\tpval\tpadj\tlog2err\tleadingEdge\n");
    for r in &input.gsea {
        g += &format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            r.pathway,
            r.size,
            r.es,
            r.nes,
            r.pval,
            r.padj,
            r.log2err,
            r.leading_edge.join(",")
        );
    }
    std::fs::write(d.join("gsea.tsv"), g).unwrap();
    let lc = input.log_cpm.as_ref().unwrap();
    let mut l = String::from("gene");
    for s in &input.samples {
        l += &format!("\t{}", s.name);
    }
    l.push('\n');
    let ns = input.samples.len();
    for (i, gname) in lc.genes.iter().enumerate() {
        l += gname;
        for j in 0..ns {
            l += &format!("\t{}", lc.values[i * ns + j]);
        }
        l.push('\n');
    }
    std::fs::write(d.join("logcpm.tsv"), l).unwrap();
    let mut manifest = input.manifest.clone();
    manifest["groups"] = serde_json::json!({"test": "B", "reference": "A"});
    manifest["de"] = serde_json::json!({"common_dispersion": input.common_dispersion});
    std::fs::write(d.join("run.json"), serde_json::to_string(&manifest).unwrap()).unwrap();

    let loaded = load_dir(d, &LoadOptions::default()).unwrap();
    assert_eq!(loaded.de, input.de, "de.tsv round trip (shortest round-trip floats)");
    assert_eq!(loaded.samples, input.samples);
    assert_eq!(loaded.gsea, input.gsea);
    assert_eq!(loaded.log_cpm, input.log_cpm);
    let mut expected = input.clone();
    expected.manifest = manifest;
    assert_eq!(render(&loaded).unwrap().html, render(&expected).unwrap().html);

    // A malformed value names the file and the line.
    let bad = std::fs::read_to_string(d.join("de.tsv")).unwrap().replacen("\t0.", "\tx.", 1);
    std::fs::write(d.join("de.tsv"), bad).unwrap();
    let e = load_dir(d, &LoadOptions::default()).unwrap_err().to_string();
    assert!(e.contains("de.tsv:2:") && e.contains("`x."), "{e}");
}
