//! locfit port against R: `fitted(locfit(y ~ x, weights = w, alpha, deg = 0))` (locfit 1.5-9.x)
//! on inputs regenerated here bit-for-bit from the integer LCG of
//! `fixtures/locfit/make_locfit_fixtures.R` (ties, uneven and sorted x, weights, n = 10 … 20,000).

use degsea_de::glm::locfit::locfit_deg0_fitted;
use std::path::Path;

/// Largest accepted |port − R| / max(1, |R|) per fitted value.
const TOLERANCE: f64 = 1e-10;

const LCG_M: u64 = 2_147_483_647;
const LCG_A: u64 = 48_271;

struct Inputs {
    x: Vec<f64>,
    y: Vec<f64>,
    w: Vec<f64>,
}

#[allow(clippy::cast_precision_loss)]
fn make(kind: &str, n: usize, seed: u64) -> Inputs {
    let mut z = seed;
    let s: Vec<u64> = (0..3 * n)
        .map(|_| {
            z = (LCG_A * z) % LCG_M;
            z
        })
        .collect();
    let m = LCG_M as f64;
    let u = |i: usize| s[3 * i] as f64 / m;
    let mut x: Vec<f64> = (0..n)
        .map(|i| match kind {
            "uneven" => 10.0 * u(i) * u(i) * u(i) - 2.0,
            "ties" => (s[3 * i] % 41) as f64 / 4.0,
            "heavyties" => (s[3 * i] % 11) as f64,
            "sorted" => 12.0 * u(i) - 1.0,
            "plain" => 8.0 * u(i),
            other => panic!("unknown kind {other}"),
        })
        .collect();
    if kind == "sorted" {
        x.sort_by(f64::total_cmp);
    }
    let y = (0..n)
        .map(|i| {
            let v = s[3 * i + 1] as f64 / m;
            -(x[i] - 3.0) * (x[i] - 3.0) / 5.0 + 2.0 * (v - 0.5)
        })
        .collect();
    let w = (0..n).map(|i| 0.5 + s[3 * i + 2] as f64 / m).collect();
    Inputs { x, y, w }
}

#[test]
fn locfit_deg0_matches_r_on_every_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/locfit");
    let cases = std::fs::read_to_string(dir.join("cases.tsv")).expect("cases.tsv");
    let mut failures = Vec::new();
    let mut checked = 0;
    for line in cases.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let (name, kind) = (f[0], f[1]);
        let n: usize = f[2].parse().expect("n");
        let alpha: f64 = f[3].parse().expect("alpha");
        let weighted = f[4] == "1";
        let seed: u64 = f[5].parse().expect("seed");
        let inp = make(kind, n, seed);
        let w = weighted.then_some(inp.w.as_slice());
        let fit = locfit_deg0_fitted(&inp.x, &inp.y, w, alpha).expect("locfit fits");
        let want = std::fs::read_to_string(dir.join(format!("fitted_{name}.tsv"))).expect("fitted");
        let mut worst = (0.0f64, 0usize, 0.0f64, 0.0f64);
        for row in want.lines().skip(1) {
            let (i, v) = row.split_once('\t').expect("two columns");
            let i: usize = i.parse::<usize>().expect("index") - 1;
            let r: f64 = v.parse().expect("value");
            let err = (fit[i] - r).abs() / r.abs().max(1.0);
            if err > worst.0 {
                worst = (err, i + 1, fit[i], r);
            }
            checked += 1;
        }
        println!(
            "{name}: n {n} alpha {alpha} worst rel err {:.3e} at x[{}] (port {} R {})",
            worst.0, worst.1, worst.2, worst.3
        );
        if worst.0 > TOLERANCE {
            failures.push(format!("{name}: {:.3e} at {} (port {} R {})", worst.0, worst.1, worst.2, worst.3));
        }
    }
    assert!(checked > 10_000, "only {checked} values checked");
    assert!(failures.is_empty(), "locfit differs from R:\n{}", failures.join("\n"));
}
