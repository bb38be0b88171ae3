//! Readable pathway labels from MSigDB-style names (`HALLMARK_TNFA_SIGNALING_VIA_NFKB` →
//! `TNFα signaling via NF-κB`).
//!
//! Rule, applied to names written in upper case with underscores:
//! 1. the `HALLMARK_` prefix (and the other MSigDB collection prefixes: `KEGG_`, `REACTOME_`,
//!    `BIOCARTA_`, `PID_`, `WP_`, `GOBP_`, `GOCC_`, `GOMF_`) is dropped;
//! 2. a few multi-word terms get their usual spelling (`TGF_BETA` → `TGF-β`,
//!    `WNT_BETA_CATENIN` → `Wnt/β-catenin`);
//! 3. gene and complex symbols keep their case (`E2F`, `G2M`, `MYC`, `KRAS`, `JAK`, `STAT3`,
//!    `IL6`, `DNA`, `UV`, `PI3K`, `AKT`), with the usual exceptions `mTOR`, `mTORC1`, `p53`,
//!    `TNFα`, `NF-κB`; any other word containing a digit also keeps its case, except `V1`/`V2`
//!    (`MYC targets v1`);
//! 4. consecutive symbols are joined by `/` (`IL6/JAK/STAT3`, `PI3K/AKT/mTOR`);
//! 5. the trailing `UP`/`DN` of the MSigDB signatures become `up`/`down`;
//! 6. every other word is lower case, and the first letter of the label is upper case.
//!
//! Names that already contain lower-case letters are only de-underscored.

/// MSigDB collection prefixes removed from labels (the plot title names the collection).
const PREFIXES: [&str; 9] =
    ["HALLMARK_", "KEGG_", "REACTOME_", "BIOCARTA_", "PID_", "WP_", "GOBP_", "GOCC_", "GOMF_"];

/// Multi-word terms with a conventional spelling, matched on whole words.
const PHRASES: [(&[&str], &str); 3] = [
    (&["WNT", "BETA", "CATENIN"], "Wnt/β-catenin"),
    (&["TGF", "BETA"], "TGF-β"),
    (&["TNF", "ALPHA"], "TNFα"),
];

/// Symbols with a conventional mixed-case or Greek spelling.
const SPECIAL: [(&str, &str); 6] = [
    ("MTOR", "mTOR"),
    ("MTORC1", "mTORC1"),
    ("P53", "p53"),
    ("TNFA", "TNFα"),
    ("NFKB", "NF-κB"),
    ("DNA", "DNA"),
];

/// Upper-case symbols that keep their case although they contain no digit.
const SYMBOLS: [&str; 9] = ["MYC", "KRAS", "JAK", "AKT", "UV", "E2F", "NOTCH", "ROS", "TGF"];

/// One output token: its text and whether it is a gene/complex symbol (joined by `/`).
struct Token {
    text: String,
    symbol: bool,
}

/// Returns the display label of a pathway name; see the module documentation for the rule.
///
/// ```
/// use degsea_plot::pathway_label;
/// assert_eq!(pathway_label("HALLMARK_E2F_TARGETS"), "E2F targets");
/// assert_eq!(pathway_label("HALLMARK_IL6_JAK_STAT3_SIGNALING"), "IL6/JAK/STAT3 signaling");
/// assert_eq!(pathway_label("HALLMARK_TNFA_SIGNALING_VIA_NFKB"), "TNFα signaling via NF-κB");
/// assert_eq!(pathway_label("my_custom set"), "my custom set");
/// ```
pub fn pathway_label(name: &str) -> String {
    let mut rest = name.trim();
    for p in PREFIXES {
        if let Some(r) = rest.strip_prefix(p).filter(|r| !r.is_empty()) {
            rest = r;
        }
    }
    if rest.chars().any(char::is_lowercase) {
        return rest.replace('_', " ");
    }
    let words: Vec<&str> = rest.split(['_', ' ']).filter(|w| !w.is_empty()).collect();
    let mut tokens: Vec<Token> = Vec::with_capacity(words.len());
    let mut i = 0;
    'words: while i < words.len() {
        for (pattern, spelled) in PHRASES {
            if words[i..].starts_with(pattern) {
                tokens.push(Token { text: spelled.to_owned(), symbol: false });
                i += pattern.len();
                continue 'words;
            }
        }
        let w = words[i];
        let last = i + 1 == words.len();
        let token = if let Some((_, s)) = SPECIAL.iter().find(|(k, _)| *k == w) {
            Token { text: (*s).to_owned(), symbol: true }
        } else if last && i > 0 && (w == "UP" || w == "DN") {
            Token { text: if w == "UP" { "up" } else { "down" }.to_owned(), symbol: false }
        } else if w == "V1" || w == "V2" {
            Token { text: w.to_lowercase(), symbol: false }
        } else if SYMBOLS.contains(&w) || w.chars().any(|c| c.is_ascii_digit()) {
            Token { text: w.to_owned(), symbol: true }
        } else {
            Token { text: w.to_lowercase(), symbol: false }
        };
        tokens.push(token);
        i += 1;
    }
    let mut out = String::with_capacity(rest.len());
    for (k, t) in tokens.iter().enumerate() {
        if k > 0 {
            out.push(if t.symbol && tokens[k - 1].symbol { '/' } else { ' ' });
        }
        out.push_str(&t.text);
    }
    capitalize_first(&out)
}

/// Upper-cases the first character unless it starts a mixed-case symbol (`mTORC1`, `p53`).
fn capitalize_first(s: &str) -> String {
    let mut chars = s.chars();
    let Some(first) = chars.next() else { return String::new() };
    let second_upper = chars.clone().next().is_some_and(char::is_uppercase);
    let first_word = s.split([' ', '/']).next().unwrap_or_default();
    let special_lower = SPECIAL.iter().any(|(_, spelled)| *spelled == first_word);
    if first.is_lowercase() && !second_upper && !special_lower {
        first.to_uppercase().chain(chars).collect()
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::pathway_label as l;

    #[test]
    fn hallmark_labels() {
        let cases = [
            ("HALLMARK_E2F_TARGETS", "E2F targets"),
            ("HALLMARK_G2M_CHECKPOINT", "G2M checkpoint"),
            ("HALLMARK_MYC_TARGETS_V1", "MYC targets v1"),
            ("HALLMARK_MYC_TARGETS_V2", "MYC targets v2"),
            ("HALLMARK_INTERFERON_ALPHA_RESPONSE", "Interferon alpha response"),
            ("HALLMARK_INTERFERON_GAMMA_RESPONSE", "Interferon gamma response"),
            ("HALLMARK_TNFA_SIGNALING_VIA_NFKB", "TNFα signaling via NF-κB"),
            ("HALLMARK_IL6_JAK_STAT3_SIGNALING", "IL6/JAK/STAT3 signaling"),
            ("HALLMARK_IL2_STAT5_SIGNALING", "IL2/STAT5 signaling"),
            ("HALLMARK_TGF_BETA_SIGNALING", "TGF-β signaling"),
            ("HALLMARK_WNT_BETA_CATENIN_SIGNALING", "Wnt/β-catenin signaling"),
            ("HALLMARK_PI3K_AKT_MTOR_SIGNALING", "PI3K/AKT/mTOR signaling"),
            ("HALLMARK_MTORC1_SIGNALING", "mTORC1 signaling"),
            ("HALLMARK_P53_PATHWAY", "p53 pathway"),
            ("HALLMARK_KRAS_SIGNALING_DN", "KRAS signaling down"),
            ("HALLMARK_KRAS_SIGNALING_UP", "KRAS signaling up"),
            ("HALLMARK_UV_RESPONSE_DN", "UV response down"),
            ("HALLMARK_DNA_REPAIR", "DNA repair"),
            ("HALLMARK_EPITHELIAL_MESENCHYMAL_TRANSITION", "Epithelial mesenchymal transition"),
            ("HALLMARK_INFLAMMATORY_RESPONSE", "Inflammatory response"),
            ("HALLMARK_PANCREAS_BETA_CELLS", "Pancreas beta cells"),
            ("HALLMARK_NOTCH_SIGNALING", "NOTCH signaling"),
            ("HALLMARK_REACTIVE_OXYGEN_SPECIES_PATHWAY", "Reactive oxygen species pathway"),
        ];
        for (name, want) in cases {
            assert_eq!(l(name), want, "{name}");
        }
    }

    #[test]
    fn other_names() {
        assert_eq!(l("Custom_set"), "Custom set");
        assert_eq!(l("KEGG_CELL_CYCLE"), "Cell cycle");
        assert_eq!(l("GOBP_DNA_REPLICATION"), "DNA replication");
        assert_eq!(l("HALLMARK_"), "Hallmark");
        assert_eq!(l("UP"), "Up");
        assert_eq!(l(""), "");
    }
}
