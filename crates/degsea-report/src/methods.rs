//! The methods paragraph, generated from the run manifest.

use std::fmt::Write as _;

use serde_json::Value;

/// References cited by the methods paragraph, in citation order.
pub const REFERENCES: [&str; 8] = [
    "Robinson MD, McCarthy DJ, Smyth GK (2010). edgeR: a Bioconductor package for differential expression analysis of digital gene expression data. Bioinformatics 26:139\u{2013}140.",
    "Robinson MD, Oshlack A (2010). A scaling normalization method for differential expression analysis of RNA-seq data. Genome Biology 11:R25.",
    "Chen Y, Lun ATL, Smyth GK (2016). From reads to genes to pathways: differential expression analysis of RNA-Seq experiments using Rsubread and the edgeR quasi-likelihood pipeline. F1000Research 5:1438.",
    "Subramanian A, et al. (2005). Gene set enrichment analysis: a knowledge-based approach for interpreting genome-wide expression profiles. PNAS 102:15545\u{2013}15550.",
    "Korotkevich G, et al. (2021). Fast gene set enrichment analysis. bioRxiv 060012 (fgsea).",
    "Liberzon A, et al. (2015). The Molecular Signatures Database (MSigDB) hallmark gene set collection. Cell Systems 1:417\u{2013}425.",
    "McCarthy DJ, Chen Y, Smyth GK (2012). Differential expression analysis of multifactor RNA-Seq experiments with respect to biological variation. Nucleic Acids Research 40:4288\u{2013}4297.",
    "Lund SP, Nettleton D, McCarthy DJ, Smyth GK (2012). Detecting differential expression in RNA-sequence data using quasi-likelihood with shrunken dispersion estimates. Statistical Applications in Genetics and Molecular Biology 11(5):8.",
];

fn s<'a>(m: &'a Value, pointer: &str) -> Option<&'a str> {
    crate::lookup(m, pointer).and_then(Value::as_str)
}

/// A number of the manifest as a reader writes it: `10`, not `10.0`; thousands separated.
fn n(m: &Value, pointer: &str) -> Option<String> {
    let x = crate::lookup(m, pointer)?.as_f64()?;
    if x.fract() == 0.0 && x.abs() < 1e15 {
        let digits = format!("{}", x.abs() as u64);
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && digits.len() > 4 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        Some(if x < 0.0 { format!("-{out}") } else { out })
    } else {
        Some(format!("{x}"))
    }
}

/// A paragraph describing what was run, with which parameters and versions, citing
/// [`REFERENCES`] as `[1]`–`[8]`; parts the manifest does not record are left out.
///
/// ```
/// let m = serde_json::json!({"version": "0.1.0", "reproduces": {"edgeR": "3.40.2", "fgsea": "1.24.0"},
///     "contrast": "cluster: b vs a", "parameters": {"de": {"norm": "tmm"}}});
/// let p = degsea_report::methods_paragraph(&m);
/// assert!(p.contains("degsea 0.1.0") && p.contains("edgeR 3.40.2"));
/// let m = serde_json::json!({"parameters": {"de": {"filter": {"min_count": 10.0}}}, "de": {"genes_in": 20000, "genes_kept": 14131}});
/// assert!(degsea_report::methods_paragraph(&m).contains("min.count = 10,") );
/// assert!(degsea_report::methods_paragraph(&m).contains("keeping 14,131 of 20,000 genes"));
/// let m = serde_json::json!({"parameters": {"de": {"method": "ql", "robust": true}},
///     "results": {"design": {"model": {"formula": "~ batch + group", "coefficient": "groupB"}}}});
/// let p = degsea_report::methods_paragraph(&m);
/// assert!(p.contains("design ~ batch + group") && p.contains("glmQLFit, robust = TRUE"), "{p}");
/// assert!(p.contains("coefficient groupB was tested with the quasi-likelihood F-test"), "{p}");
/// ```
pub fn methods_paragraph(m: &Value) -> String {
    let version = s(m, "/version").unwrap_or("(unknown version)");
    let edger = s(m, "/reproduces/edgeR").unwrap_or("3.40.2");
    let fgsea = s(m, "/reproduces/fgsea").unwrap_or("1.24");
    let mut p = format!(
        "Differential expression and gene-set enrichment were computed with degsea {version}, which reproduces edgeR {edger} [1] and fgsea {fgsea} [5]."
    );
    if let Some(c) = s(m, "/contrast") {
        let _ = write!(p, " The contrast was {c} (test vs reference)");
        if let (Some(t), Some(r)) = (n(m, "/groups/n_test"), n(m, "/groups/n_reference")) {
            let _ = write!(p, ", with {t} test and {r} reference samples");
        }
        p.push('.');
    }
    let no_filter = crate::lookup(m, "/parameters/de/no_filter").and_then(Value::as_bool).unwrap_or(false);
    if !no_filter {
        let mc = n(m, "/parameters/de/filter/min_count").unwrap_or_else(|| "10".into());
        let mt = n(m, "/parameters/de/filter/min_total_count").unwrap_or_else(|| "15".into());
        let _ = write!(
            p,
            " Genes were filtered with filterByExpr (min.count = {mc}, min.total.count = {mt}) [3]"
        );
        if let (Some(i), Some(k)) = (n(m, "/de/genes_in"), n(m, "/de/genes_kept")) {
            let _ = write!(p, ", keeping {k} of {i} genes");
        }
        p.push('.');
    }
    let norm = s(m, "/parameters/de/norm").unwrap_or("tmm");
    if norm.eq_ignore_ascii_case("tmm") {
        p.push_str(" Library sizes were normalised by the trimmed mean of M-values (TMM) [2].");
    } else {
        let _ =
            write!(p, " Library sizes were normalised with calcNormFactors method \u{201C}{norm}\u{201D}.");
    }
    let glm = s(m, "/parameters/de/method").filter(|x| matches!(*x, "ql" | "lrt"));
    if let Some(method) = glm {
        let formula = s(m, "/groups/model/formula").unwrap_or("the design");
        let coef = s(m, "/groups/model/coefficient").unwrap_or("the contrast coefficient");
        let _ = write!(
            p,
            " With the design {formula}, dispersions were estimated by estimateDisp (Cox\u{2013}Reid adjusted profile likelihood, a locfit trend and empirical Bayes moderation) [7]"
        );
        if method == "lrt" {
            let _ = write!(
                p,
                ", negative binomial generalised linear models were fitted (glmFit) and the coefficient {coef} was tested with the likelihood-ratio test (glmLRT) [7]"
            );
        } else {
            let robust = crate::lookup(m, "/parameters/de/robust").and_then(Value::as_bool) == Some(true);
            let _ = write!(
                p,
                ", quasi-likelihood negative binomial models were fitted (glmQLFit{}) and the coefficient {coef} was tested with the quasi-likelihood F-test (glmQLFTest) [3, 8]",
                if robust { ", robust = TRUE" } else { "" }
            );
        }
    } else {
        match s(m, "/parameters/de/dispersion") {
            Some("tagwise") | None => p.push_str(
            " Dispersions were estimated by quantile-adjusted conditional maximum likelihood (common, then tagwise with empirical Bayes moderation towards a moving-average trend), and genes were tested with the exact test",
        ),
            Some(d) => {
                let _ = write!(p, " Genes were tested with the exact test using the {d} dispersion");
            },
        }
    }
    p.push_str("; p-values were adjusted by the Benjamini\u{2013}Hochberg method.");
    let rank = s(m, "/parameters/rank_by").unwrap_or("z");
    let method = s(m, "/parameters/gsea/method").unwrap_or("multilevel");
    let _ = write!(
        p,
        " Genes were ranked by the {rank} statistic and tested for enrichment of gene sets with the {method} fgsea algorithm [4, 5]"
    );
    if let (Some(lo), Some(hi)) = (n(m, "/parameters/gsea/min_size"), n(m, "/parameters/gsea/max_size")) {
        let _ = write!(p, " (set sizes {lo}\u{2013}{hi}");
        if let Some(seed) = n(m, "/parameters/gsea/seed").or_else(|| n(m, "/seed")) {
            let _ = write!(p, ", seed {seed}");
        }
        p.push(')');
    }
    if let Some(Value::Array(cols)) = crate::lookup(m, "/gsea/collections") {
        let names: Vec<String> = cols
            .iter()
            .filter_map(|c| {
                let name = c.get("name")?.as_str()?;
                let ver = c.get("version").and_then(Value::as_str).unwrap_or("");
                let sets = c.get("sets").map(Value::to_string).unwrap_or_default();
                Some(format!("{name} {ver} ({sets} sets)").replace("  ", " "))
            })
            .collect();
        if !names.is_empty() {
            let _ = write!(p, " using the gene-set collection {}", names.join(", "));
            if names.iter().any(|c| c.to_ascii_lowercase().contains("hallmark")) {
                p.push_str(" of MSigDB [6]");
            }
        }
    }
    p.push('.');
    p
}
