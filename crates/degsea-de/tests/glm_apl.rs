//! Cox–Reid adjusted profile likelihood against edgeR 3.40.2 `adjustedProfileLik`, given
//! R's `glmFit` means (`fixtures/apl/make_apl_fixtures.R`): designs with a batch, a 3-level
//! factor plus a numeric covariate, and intercept only; genes with zero counts and zero means.

use degsea_de::glm::apl::adjusted_profile_lik;
use std::path::Path;

/// Largest accepted |port − edgeR| / max(1, |edgeR|).
const TOLERANCE: f64 = 1e-12;

#[test]
fn apl_matches_edger_given_its_fitted_means() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/apl");
    let mut worst_all: f64 = 0.0;
    for case in ["batch3", "lev3num", "onecol"] {
        let rows: Vec<Vec<f64>> = std::fs::read_to_string(dir.join(format!("design_{case}.tsv")))
            .expect("design")
            .lines()
            .map(|l| l.split('\t').map(|v| v.parse().expect("number")).collect())
            .collect();
        let (n, p) = (rows.len(), rows[0].len());
        let design: Vec<f64> = (0..p).flat_map(|j| rows.iter().map(move |r| r[j])).collect();
        let table = std::fs::read_to_string(dir.join(format!("apl_{case}.tsv"))).expect("apl");
        let mut checked = 0;
        for line in table.lines().skip(1) {
            let v: Vec<f64> = line.split('\t').map(|x| x.parse().expect("number")).collect();
            let (d, y, mu) = (v[1], &v[2..2 + n], &v[2 + n..2 + 2 * n]);
            let want = v[2 + 2 * n];
            let got = adjusted_profile_lik(y, mu, d, &design, n, p);
            if want.is_infinite() {
                assert_eq!(got, want, "{case} gene {} at {d}", v[0]);
                continue;
            }
            let err = (got - want).abs() / want.abs().max(1.0);
            worst_all = worst_all.max(err);
            assert!(
                err <= TOLERANCE,
                "{case} gene {} dispersion {d}: port {got} edgeR {want} ({err:.2e})",
                v[0]
            );
            checked += 1;
        }
        assert!(checked >= 50, "{case}: only {checked} rows");
    }
    println!("worst APL rel err vs edgeR {worst_all:.3e}");
}
