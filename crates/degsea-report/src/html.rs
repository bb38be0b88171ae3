//! The HTML page: sections, inline SVG, the data blocks for the tables, CSS and script.

use std::fmt::Write as _;

use degsea_plot::pathway_label;
use rayon::prelude::*;
use serde_json::Value;

use crate::json_text::{push_num, push_str};
use crate::methods::{REFERENCES, methods_paragraph};
use crate::qc::{HEATMAP_MAX_GENES, qc_plots};
use crate::{NamedSvg, Rendered, ReportInput, Result};

const CSS: &str = include_str!("../assets/report.css");
const JS: &str = include_str!("../assets/report.js");
/// Significant digits of logFC in the embedded table (enough to sort as de.tsv does).
const FC_DIGITS: usize = 7;
/// Significant digits of p-values, FDR and dispersions in the embedded table.
const P_DIGITS: usize = 4;
/// Significant digits of AveLogCPM in the embedded table.
const CPM_DIGITS: usize = 5;
/// Rows of a table kept when printing.
const PRINT_ROWS: usize = 40;

/// Escapes text for HTML content and attribute values.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// A number in JSON with `digits` significant digits, as short as possible; `null` if not finite.
pub(crate) fn json_num(x: f64, digits: usize) -> String {
    let mut s = String::new();
    push_num(&mut s, x, digits);
    s
}

/// A JSON string literal that is safe inside a `<script>` element.
fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_str(&mut out, s);
    out
}

/// The SVG document without its XML declaration, for inlining.
fn inline_svg(svg: &str) -> &str {
    match svg.strip_prefix("<?xml") {
        Some(rest) => rest.find("?>").map_or(svg, |i| rest[i + 2..].trim_start()),
        None => svg,
    }
}

/// A file-name-safe stem for a gene-set name, as the run names its plot files.
///
/// ```
/// assert_eq!(degsea_report::folder::plot_file_stem("A B/C"), "A_B_C");
/// ```
pub fn file_stem(name: &str) -> String {
    let s: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || "+-_.".contains(c) { c } else { '_' }).collect();
    let s = s.trim_start_matches('.').to_owned();
    if s.is_empty() { "unnamed".to_owned() } else { s }
}

fn figure(out: &mut String, svg: &str, caption: &str, class: &str) {
    let _ = writeln!(
        out,
        "<figure class=\"plot {class}\">{}<figcaption>{caption}</figcaption></figure>",
        inline_svg(svg).trim_end()
    );
}

fn thousands(v: usize) -> String {
    let s = v.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn card(out: &mut String, value: &str, label: &str) {
    let _ = write!(out, "<div class=\"card\"><b>{}</b><span>{}</span></div>", esc(value), esc(label));
}

fn summary(out: &mut String, input: &ReportInput) {
    let m = &input.manifest;
    let de = &input.de;
    let n_up = (0..de.genes.len()).filter(|&i| de.fdr[i] < input.fdr && de.log_fc[i] > 0.0).count();
    let n_down = (0..de.genes.len()).filter(|&i| de.fdr[i] < input.fdr && de.log_fc[i] < 0.0).count();
    let n_test = input.samples.iter().filter(|s| s.group == 1).count();
    let n_ref = input.samples.len() - n_test;
    out.push_str("<section id=\"summary\"><h2>Summary</h2>\n");
    let contrast = crate::lookup(m, "/contrast").and_then(Value::as_str).unwrap_or("");
    let _ = writeln!(
        out,
        "<p>Question: which genes and gene sets differ between <b>{}</b> ({n_test} samples, test) and <b>{}</b> ({n_ref} samples, reference){}.</p>",
        esc(&input.groups.test),
        esc(&input.groups.reference),
        if contrast.is_empty() {
            String::new()
        } else {
            format!("; contrast <code>{}</code>", esc(contrast))
        }
    );
    if let Some(formula) = crate::lookup(m, "/groups/model/formula").and_then(Value::as_str) {
        let coef = crate::lookup(m, "/groups/model/coefficient").and_then(Value::as_str).unwrap_or("");
        let test = match crate::lookup(m, "/parameters/de/method").and_then(Value::as_str) {
            Some("lrt") => "likelihood-ratio test (glmLRT)",
            _ if crate::lookup(m, "/parameters/de/robust").and_then(Value::as_bool) == Some(true) => {
                "quasi-likelihood F-test (glmQLFTest, robust)"
            }
            _ => "quasi-likelihood F-test (glmQLFTest)",
        };
        let _ = writeln!(
            out,
            "<p>Design <code>{}</code>: the coefficient <code>{}</code> is tested by the {test}, adjusting for the other terms.</p>",
            esc(formula),
            esc(coef)
        );
    }
    if let Some(Value::Array(d)) = crate::lookup(m, "/groups/dropped_samples")
        && !d.is_empty()
    {
        let names: Vec<String> = d
            .iter()
            .map(|v| match (v.as_str(), v.get("sample").and_then(Value::as_str)) {
                (Some(s), _) => s.to_owned(),
                (None, Some(s)) => match v.get("reason").and_then(Value::as_str) {
                    Some(r) => format!("{s} ({r})"),
                    None => s.to_owned(),
                },
                _ => v.to_string(),
            })
            .collect();
        let _ = writeln!(
            out,
            "<p class=\"note\">Samples not in the contrast (left out): {}</p>",
            esc(&names.join(", "))
        );
    }
    out.push_str("<div class=\"cards\">");
    let genes_in = crate::lookup(m, "/de/genes_in").and_then(Value::as_u64);
    card(
        out,
        &thousands(de.genes.len()),
        &genes_in.map_or_else(
            || "genes tested".to_owned(),
            |g| format!("genes kept of {} (filterByExpr)", thousands(g as usize)),
        ),
    );
    if input.common_dispersion.is_finite() {
        card(
            out,
            &format!("{:.3}", input.common_dispersion.sqrt()),
            &format!("common BCV (dispersion {:.4})", input.common_dispersion),
        );
    }
    card(
        out,
        &format!("{} \u{2191} / {} \u{2193}", thousands(n_up), thousands(n_down)),
        &format!("DE genes at FDR < {}", input.fdr),
    );
    if !input.gsea.is_empty() {
        card(
            out,
            &thousands(input.significant_sets().len()),
            &format!("of {} gene sets at padj < {}", input.gsea.len(), input.fdr),
        );
    }
    out.push_str("</div>\n<table class=\"kv\">\n");
    let mut kv = |k: &str, v: String| {
        let _ = writeln!(out, "<tr><td>{}</td><td>{v}</td></tr>", esc(k));
    };
    if let Some(v) = crate::lookup(m, "/version").and_then(Value::as_str) {
        let mut s = format!("degsea {}", esc(v));
        if let Some(Value::Object(r)) = crate::lookup(m, "/reproduces") {
            for (k, v) in r {
                let _ = write!(s, "; reproduces {} {}", esc(k), esc(v.as_str().unwrap_or("")));
            }
        }
        kv("Versions", s);
    }
    if let Some(p) = crate::lookup(m, "/parameters") {
        let mut flat = Vec::new();
        flatten("", p, &mut flat);
        let s: Vec<String> = flat
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "counts" | "samples" | "threads" | "contrasts"))
            .map(|(k, v)| {
                format!(
                    "<span class=\"param\"><code>{}</code>&nbsp;=&nbsp;<code>{}</code></span>",
                    esc(k),
                    esc(v)
                )
            })
            .collect();
        kv(
            "Parameters",
            format!(
                "<details><summary>{} settings (click to show)</summary><div class=\"params\">{}</div></details>",
                s.len(),
                s.join(" ")
            ),
        );
    }
    if let Some(Value::Array(inputs)) = crate::lookup(m, "/inputs") {
        let mut s = String::new();
        for i in inputs {
            let path = i.get("path").and_then(Value::as_str).unwrap_or("");
            let sha = i.get("sha256").and_then(Value::as_str).unwrap_or("");
            let _ = write!(s, "<code>{}</code> sha256 <code>{}</code><br>", esc(path), esc(sha));
        }
        kv("Inputs", s);
    }
    if let Some(seed) = crate::lookup(m, "/seed") {
        kv("Seed", esc(&seed.to_string()));
    }
    if let Some(Value::Array(w)) = crate::lookup(m, "/warnings")
        && !w.is_empty()
    {
        let s: Vec<String> = w.iter().map(|v| esc(v.as_str().unwrap_or(""))).collect();
        kv("Warnings", s.join("<br>"));
    }
    out.push_str("</table></section>\n");
}

/// `a.b.c = value` pairs of a JSON object, in key order (arrays of scalars kept whole).
fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, x, out);
            }
        }
        Value::String(s) => out.push((prefix.to_owned(), s.clone())),
        other => out.push((prefix.to_owned(), other.to_string())),
    }
}

fn find<'a>(plots: &'a [NamedSvg], name: &str) -> Option<&'a str> {
    plots.iter().find(|p| p.name == name).map(|p| p.svg.as_str())
}

fn qc_section(out: &mut String, input: &ReportInput, qc: &[NamedSvg]) {
    out.push_str("<section id=\"qc\"><h2>Quality control</h2>\n<div class=\"grid\">\n");
    let captions = [
        (
            "library_sizes",
            "Library sizes after filtering and normalisation factors; factors far from 1 flag composition differences.",
        ),
        (
            "mds",
            "MDS plot (edgeR plotMDS): distances are the root-mean-square of the 500 largest log\u{2082} fold changes between each pair of samples. Samples should cluster by group.",
        ),
        (
            "bcv",
            "BCV plot (edgeR plotBCV): the biological coefficient of variation (\u{221A}dispersion) of each gene against its abundance.",
        ),
        ("md", "Mean-difference plot (edgeR plotMD): fold change against abundance."),
        (
            "pvalue_histogram",
            "P-value histogram: a flat floor with a peak near 0 is expected when some genes are differentially expressed.",
        ),
    ];
    for (name, caption) in captions {
        if let Some(svg) = find(qc, name) {
            figure(out, svg, caption, "");
        }
    }
    out.push_str("</div>\n");
    if input.log_cpm.is_none() {
        out.push_str("<p class=\"note\">The MDS plot and the leading-edge heatmaps need log-CPM values, which this output folder does not hold.</p>\n");
    }
    out.push_str("</section>\n");
}

fn de_section(out: &mut String, input: &ReportInput, de_data: &str) {
    let de = &input.de;
    out.push_str("<section id=\"de\"><h2>Differential expression</h2>\n");
    if let Some(svg) = input.plot("volcano") {
        figure(
            out,
            svg,
            "Volcano plot: coloured genes pass the FDR cut-off; the dashed line marks the largest p-value that does.",
            "wide",
        );
    }
    let _ = writeln!(
        out,
        "<h3>All {} tested genes</h3>\n<p class=\"note\">Click a column header to sort (again to reverse). Rows in bold pass FDR &lt; {}.{}</p>",
        thousands(de.genes.len()),
        input.fdr,
        input.de_tsv_href.as_ref().map_or_else(String::new, |h| format!(
            " <a class=\"download\" href=\"{}\" download>Download the full table (de.tsv)</a>",
            esc(h)
        ))
    );
    out.push_str(
        "<div class=\"controls\"><label>Gene <input id=\"de-gene\" type=\"search\" placeholder=\"name contains\u{2026}\" autocomplete=\"off\"></label>\
         <label>FDR \u{2264} <input id=\"de-fdr\" type=\"number\" min=\"0\" max=\"1\" step=\"any\" placeholder=\"any\"></label></div>\n",
    );
    out.push_str("<div class=\"pager\"><button id=\"de-prev\" type=\"button\">\u{2190} Previous</button><button id=\"de-next\" type=\"button\">Next \u{2192}</button><span id=\"de-info\"></span></div>\n");
    out.push_str(
        "<table id=\"de-table\" class=\"data de\"><thead><tr><th data-col=\"0\">Gene</th><th data-col=\"1\" data-first=\"desc\">logFC</th>\
         <th data-col=\"2\" data-first=\"desc\">logCPM</th><th data-col=\"3\">PValue</th><th data-col=\"4\">FDR</th><th data-col=\"5\" data-first=\"desc\">Dispersion</th></tr></thead><tbody></tbody></table>\n",
    );
    let _ = writeln!(
        out,
        "<p class=\"print-only note\">Printed: the first {PRINT_ROWS} rows of the current view; the full table is in de.tsv.</p>"
    );
    let _ = writeln!(out, "<script type=\"application/json\" id=\"de-data\">{de_data}</script>\n</section>");
}

/// The DE table's data block (`de-data`): column-oriented compact JSON, each column written
/// on its own thread.
pub fn de_data_json(input: &ReportInput) -> String {
    let de = &input.de;
    let numeric = [
        (&de.log_fc, FC_DIGITS),
        (&de.log_cpm, CPM_DIGITS),
        (&de.p_value, P_DIGITS),
        (&de.fdr, P_DIGITS),
        (&de.dispersion, P_DIGITS),
    ];
    let (genes, columns) = rayon::join(
        || {
            let mut j = String::with_capacity(de.genes.len() * 20);
            for (i, g) in de.genes.iter().enumerate() {
                if i > 0 {
                    j.push(',');
                }
                push_str(&mut j, g);
            }
            j
        },
        || {
            numeric
                .par_iter()
                .map(|(col, digits)| {
                    let mut j = String::with_capacity(col.len() * 10);
                    for (i, &v) in col.iter().enumerate() {
                        if i > 0 {
                            j.push(',');
                        }
                        push_num(&mut j, v, *digits);
                    }
                    j
                })
                .collect::<Vec<String>>()
        },
    );
    let mut j = String::with_capacity(genes.len() + columns.iter().map(String::len).sum::<usize>() + 256);
    let _ = write!(
        j,
        "{{\"fdr\":{},\"columns\":[\"gene\",\"logFC\",\"logCPM\",\"PValue\",\"FDR\",\"dispersion\"],\"kinds\":[\"s\",\"fc\",\"cpm\",\"p\",\"p\",\"g\"],\"columns_data\":[[",
        json_num(input.fdr, 6)
    );
    j.push_str(&genes);
    j.push(']');
    for c in &columns {
        j.push_str(",[");
        j.push_str(c);
        j.push(']');
    }
    j.push_str("]}");
    j
}

fn gsea_section(out: &mut String, input: &ReportInput, qc: &[NamedSvg]) {
    if input.gsea.is_empty() {
        return;
    }
    out.push_str("<section id=\"gsea\"><h2>Gene-set enrichment</h2>\n");
    if let Some(svg) = input.plot("nes_bar") {
        figure(
            out,
            svg,
            "Normalised enrichment scores of the significant gene sets (positive: enriched in the test group).",
            "wide",
        );
    }
    let _ = writeln!(
        out,
        "<h3>All {} gene sets</h3>\n<p class=\"note\">Click a header to sort; \u{201C}Show\u{201D} lists a set's leading-edge genes. Rows in bold pass padj &lt; {}.</p>",
        input.gsea.len(),
        input.fdr
    );
    out.push_str(
        "<table id=\"gsea-table\" class=\"data gsea\"><thead><tr><th data-col=\"0\">Pathway</th><th data-col=\"1\" data-first=\"desc\">Size</th>\
         <th data-col=\"2\" data-first=\"desc\">ES</th><th data-col=\"3\" data-first=\"desc\">NES</th><th data-col=\"4\">pval</th><th data-col=\"5\">padj</th><th>Leading edge</th></tr></thead><tbody></tbody></table>\n",
    );
    let mut j = format!(
        "{{\"fdr\":{},\"columns\":[\"pathway\",\"size\",\"ES\",\"NES\",\"pval\",\"padj\"],\"kinds\":[\"s\",\"int\",\"g\",\"g\",\"p\",\"p\"],\"rows\":[",
        json_num(input.fdr, 6)
    );
    for (i, r) in input.gsea.iter().enumerate() {
        if i > 0 {
            j.push(',');
        }
        let _ = write!(
            j,
            "[{},{},{},{},{},{}]",
            json_str(&r.pathway),
            r.size,
            json_num(r.es, 6),
            json_num(r.nes, 6),
            json_num(r.pval, 6),
            json_num(r.padj, 6)
        );
    }
    j.push_str("],\"leading_edge\":[");
    for (i, r) in input.gsea.iter().enumerate() {
        if i > 0 {
            j.push(',');
        }
        j.push('[');
        for (k, g) in r.leading_edge.iter().enumerate() {
            if k > 0 {
                j.push(',');
            }
            j.push_str(&json_str(g));
        }
        j.push(']');
    }
    j.push_str("]}");
    let _ = writeln!(out, "<script type=\"application/json\" id=\"gsea-data\">{j}</script>");
    let sig = input.significant_sets();
    if !sig.is_empty() {
        let _ = writeln!(
            out,
            "<h3>Significant gene sets ({})</h3>\n<p class=\"note\">For each set: its running enrichment score, and the z-scored log-CPM of its leading-edge genes (first {HEATMAP_MAX_GENES} at most) with samples ordered by group.</p>",
            sig.len()
        );
    }
    for set in sig {
        let _ = writeln!(
            out,
            "<div class=\"setblock\" data-pathway=\"{}\"><h3>{} <span class=\"note\">{} \u{00B7} NES {:.2} \u{00B7} padj {}</span></h3><div class=\"grid\">",
            esc(&set.pathway),
            esc(&pathway_label(&set.pathway)),
            esc(&set.pathway),
            set.nes,
            fmt_p(set.padj)
        );
        let stem = file_stem(&set.pathway);
        if let Some(svg) = input.plot(&format!("enrichment/{stem}")) {
            figure(out, svg, "Running enrichment score along the ranked list.", "");
        }
        if let Some(svg) = find(qc, &format!("heatmap/{stem}")) {
            figure(out, svg, "Leading-edge genes: z-scored log-CPM.", "");
        }
        out.push_str("</div></div>\n");
    }
    out.push_str("</section>\n");
}

fn fmt_p(p: f64) -> String {
    if !p.is_finite() {
        "NA".to_owned()
    } else if p < 1e-3 {
        format!("{p:.1e}")
    } else {
        format!("{p:.3}")
    }
}

fn methods_section(out: &mut String, input: &ReportInput) {
    out.push_str("<section id=\"methods\"><h2>Methods</h2>\n");
    let _ = writeln!(
        out,
        "<p class=\"methods\">{}</p>\n<ol class=\"refs\">",
        esc(&methods_paragraph(&input.manifest))
    );
    for r in REFERENCES {
        let _ = writeln!(out, "<li>{}</li>", esc(r));
    }
    out.push_str("</ol></section>\n");
}

/// What [`render_with`] takes ready-made: the QC plots and the DE table's data block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Precomputed {
    /// The QC plots, as [`crate::qc_plots`] draws them.
    pub qc_plots: Vec<NamedSvg>,
    /// The DE table's JSON, as [`de_data_json`] writes it.
    pub de_data: String,
}

/// Every DE column has one value per gene.
fn check_de_table(input: &ReportInput) -> Result<()> {
    let de = &input.de;
    let n = de.genes.len();
    for (what, len) in [
        ("logFC", de.log_fc.len()),
        ("logCPM", de.log_cpm.len()),
        ("PValue", de.p_value.len()),
        ("FDR", de.fdr.len()),
        ("dispersion", de.dispersion.len()),
    ] {
        if len != n {
            return Err(crate::Error::Input(format!("DE table: {len} {what} values for {n} genes")));
        }
    }
    Ok(())
}

/// Renders the report page (and the QC plots it contains) from `input`. Pure: the same input
/// gives the same bytes.
///
/// # Errors
/// Plot and MDS errors, and [`crate::Error::Input`] for inconsistent inputs.
pub fn render(input: &ReportInput) -> Result<Rendered> {
    check_de_table(input)?;
    let (qc, de_data) = rayon::join(|| qc_plots(input), || de_data_json(input));
    render_with(input, Precomputed { qc_plots: qc?, de_data })
}

/// [`render`] with its costly parts computed beforehand (e.g. while the GSEA runs):
/// `pre.qc_plots` must be [`crate::qc_plots`] of `input` (or [`crate::de_qc_plots`] followed by
/// [`crate::heatmap_plots`] of its significant sets) and `pre.de_data` [`de_data_json`] of it;
/// then the page is byte-identical to [`render`]'s.
///
/// # Errors
/// [`crate::Error::Input`] for inconsistent inputs.
pub fn render_with(input: &ReportInput, pre: Precomputed) -> Result<Rendered> {
    check_de_table(input)?;
    let Precomputed { qc_plots: qc, de_data } = pre;
    let n = input.de.genes.len();
    let title = input.groups.contrast_title();
    let mut out = String::with_capacity(n * 100 + (1 << 20));
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>degsea report: {}</title>\n<link rel=\"icon\" href=\"data:,\">\n<style>\n{CSS}</style>\n</head><body>\n",
        esc(&title)
    );
    let version = crate::lookup(&input.manifest, "/version").and_then(Value::as_str).unwrap_or("");
    let _ = writeln!(
        out,
        "<header class=\"top\"><h1>{}</h1><p>degsea {} report \u{00B7} edgeR-identical differential expression and fgsea gene-set enrichment</p></header>",
        esc(&title),
        esc(version)
    );
    out.push_str("<nav><a href=\"#summary\">Summary</a><a href=\"#qc\">QC</a><a href=\"#de\">Differential expression</a>");
    if !input.gsea.is_empty() {
        out.push_str("<a href=\"#gsea\">GSEA</a>");
    }
    out.push_str("<a href=\"#methods\">Methods</a></nav>\n<main>\n");
    summary(&mut out, input);
    qc_section(&mut out, input, &qc);
    de_section(&mut out, input, &de_data);
    gsea_section(&mut out, input, &qc);
    methods_section(&mut out, input);
    let _ = write!(out, "</main>\n<script>\n{}</script>\n</body></html>\n", JS.replace("</", "<\\/"));
    Ok(Rendered { html: out, qc_plots: qc })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_numbers() {
        assert_eq!(json_num(0.5, 4), "0.5");
        assert_eq!(json_num(1.23456789e-12, 4), "1.235e-12");
        assert_eq!(json_num(-2.000_000_1, 7), "-2");
        assert_eq!(json_num(f64::NAN, 4), "null");
        assert_eq!(json_num(12345.678, 5), "12346");
    }

    #[test]
    fn strings_cannot_close_the_script() {
        assert_eq!(json_str("a</script>"), "\"a<\\/script>\"");
    }

    #[test]
    fn svg_declaration_is_dropped() {
        assert_eq!(inline_svg("<?xml version=\"1.0\"?>\n<svg/>"), "<svg/>");
    }
}
