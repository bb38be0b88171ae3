//! estimateDisp's tail against edgeR 3.40.2: from R's APL grid `l0` (as estimateDisp.default
//! builds it, `fixtures/wleb/make_wleb_fixtures.R`), the common dispersion, the locfit trend
//! (WLEB, span 0.25 + 0.75·sqrt(50/G) or 1) and the tagwise dispersions with R's prior.df.

use degsea_de::glm::estimate_disp::{DEFAULT_GRID_LENGTH, dispersions_from_loglik};
use std::path::Path;

/// Common dispersion: relative tolerance.
const COMMON_TOLERANCE: f64 = 1e-12;
/// Trended and tagwise dispersions: relative tolerance.
const GENE_TOLERANCE: f64 = 1e-10;
/// Residual df of the fixtures' design (8 samples, `~ batch + trt`).
const RESIDUAL_DF: f64 = 5.0;

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

#[test]
fn common_trended_tagwise_match_edger_given_its_l0() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wleb");
    for case in ["g400", "g40"] {
        let scalars: Vec<(String, f64)> = std::fs::read_to_string(dir.join(format!("{case}_scalars.tsv")))
            .expect("scalars")
            .lines()
            .skip(1)
            .map(|l| {
                let (k, v) = l.split_once('\t').expect("two columns");
                (k.to_string(), v.parse().expect("number"))
            })
            .collect();
        let get = |k: &str| scalars.iter().find(|(n, _)| n == k).expect("scalar").1;
        let table = std::fs::read_to_string(dir.join(format!("{case}_l0.tsv"))).expect("l0");
        let mut genes = Vec::new();
        let (mut ave, mut trended_r, mut tagwise_r, mut l0) = (vec![], vec![], vec![], vec![]);
        for line in table.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            genes.push(f[0].to_string());
            let num = |s: &str| s.parse::<f64>().expect("number");
            ave.push(num(f[1]));
            trended_r.push(num(f[2]));
            tagwise_r.push(num(f[3]));
            l0.extend(f[4..].iter().map(|s| num(s)));
        }
        let rows = genes.len();
        assert_eq!(l0.len(), rows * DEFAULT_GRID_LENGTH);
        let grid: Vec<f64> = (0..21).map(|i| -10.0 + f64::from(i)).collect();
        let est = dispersions_from_loglik(
            &l0,
            rows,
            &grid,
            |_| ave.clone(),
            RESIDUAL_DF,
            |_, _| Ok(get("prior_df")),
        )
        .expect("estimates");
        let (common, trended, tagwise, span, prior_n) =
            (est.common, est.trended, est.tagwise, est.span, est.prior_n);
        assert!(
            rel(common, get("common")) <= COMMON_TOLERANCE,
            "{case} common {common} vs {}",
            get("common")
        );
        assert!(rel(span, get("span")) <= 1e-15, "{case} span {span}");
        assert!(prior_n.is_finite());
        for (name, ours, theirs) in [("trended", &trended, &trended_r), ("tagwise", &tagwise, &tagwise_r)] {
            let mut worst: Vec<(f64, usize)> =
                ours.iter().zip(theirs.iter()).map(|(a, b)| rel(*a, *b)).zip(0..).collect();
            worst.sort_by(|a, b| b.0.total_cmp(&a.0));
            println!("{case} {name}: worst rel err {:.3e} ({})", worst[0].0, genes[worst[0].1]);
            let bad: Vec<String> = worst
                .iter()
                .take_while(|w| w.0 > GENE_TOLERANCE)
                .take(5)
                .map(|&(e, i)| format!("{} port {} R {} ({e:.2e})", genes[i], ours[i], theirs[i]))
                .collect();
            assert!(bad.is_empty(), "{case} {name} differs:\n{}", bad.join("\n"));
        }
    }
}
