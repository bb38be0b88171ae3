//! Compare the special functions with R 4.2.2 on the fixture grids written by
//! `tests/fixtures/make_fixtures.R` (relative error; exact agreement required for 0, ±Inf, NaN).

use std::fmt::Write as _;

/// Default relative tolerance against R.
const REL_TOL: f64 = 1e-13;

struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn load(name: &str) -> Table {
    let path = format!("{}/tests/fixtures/{name}.tsv", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    let mut lines = text.lines();
    let header = lines.next().expect("header").split('\t').map(str::to_owned).collect();
    let rows = lines.filter(|l| !l.is_empty()).map(|l| l.split('\t').map(str::to_owned).collect()).collect();
    Table { header, rows }
}

fn num(s: &str) -> f64 {
    match s {
        "Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        "NaN" | "NA" => f64::NAN,
        _ => s.parse().unwrap_or_else(|e| panic!("bad number {s:?}: {e}")),
    }
}

fn col(t: &Table, name: &str) -> usize {
    t.header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
}

/// Relative error, with exact agreement required for non-finite or zero expectations.
fn rel_err(got: f64, want: f64) -> f64 {
    if want.is_nan() || got.is_nan() {
        return if want.is_nan() && got.is_nan() { 0.0 } else { f64::INFINITY };
    }
    if got == want {
        return 0.0;
    }
    if want == 0.0 || !want.is_finite() || !got.is_finite() {
        return f64::INFINITY;
    }
    ((got - want) / want).abs()
}

/// Evaluate `f` on each row (given the row's numeric arguments, in `args` order) and check the
/// relative error; prints the worst cases.
fn check(name: &str, args: &[&str], tol: f64, f: impl Fn(&[f64]) -> f64) {
    let t = load(name);
    let idx: Vec<usize> = args.iter().map(|a| col(&t, a)).collect();
    let vcol = col(&t, "value");
    let mut errs: Vec<(f64, String)> = Vec::with_capacity(t.rows.len());
    for row in &t.rows {
        let a: Vec<f64> = idx.iter().map(|&i| num(&row[i])).collect();
        let want = num(&row[vcol]);
        let got = f(&a);
        let e = rel_err(got, want);
        errs.push((e, format!("{name}({a:?}) = {got:e}, R: {want:e}, rel err {e:.3e}")));
    }
    errs.sort_by(|x, y| y.0.total_cmp(&x.0));
    let bad = errs.iter().filter(|e| e.0 > tol).count();
    let worst_finite = errs.iter().find(|e| e.0.is_finite()).map_or(0.0, |e| e.0);
    let mut msg = String::new();
    let _ = writeln!(
        msg,
        "{name}: {} rows, worst finite rel err {worst_finite:.3e}, {bad} above {tol:e}",
        t.rows.len()
    );
    for e in errs.iter().take(if bad > 0 { 15 } else { 3 }) {
        let _ = writeln!(msg, "  {}", e.1);
    }
    println!("{msg}");
    assert_eq!(bad, 0, "{msg}");
}

fn b(x: f64) -> bool {
    x != 0.0
}

#[test]
fn lgamma_vs_r() {
    check("lgamma", &["x"], REL_TOL, |a| degsea_stats::lgamma(a[0]));
}

#[test]
fn pnorm_vs_r() {
    check("pnorm", &["x", "mean", "sd", "lower", "log"], REL_TOL, |a| {
        degsea_stats::pnorm(a[0], a[1], a[2], b(a[3]), b(a[4]))
    });
}

#[test]
fn qnorm_vs_r() {
    check("qnorm", &["p", "mean", "sd", "lower", "log"], REL_TOL, |a| {
        degsea_stats::qnorm(a[0], a[1], a[2], b(a[3]), b(a[4]))
    });
}

#[test]
fn pgamma_vs_r() {
    check("pgamma", &["x", "shape", "scale", "lower", "log"], REL_TOL, |a| {
        degsea_stats::pgamma(a[0], a[1], a[2], b(a[3]), b(a[4]))
    });
}

#[test]
fn qgamma_vs_r() {
    check("qgamma", &["p", "shape", "scale", "lower", "log"], REL_TOL, |a| {
        degsea_stats::qgamma(a[0], a[1], a[2], b(a[3]), b(a[4]))
    });
}

#[test]
fn dnbinom_mu_vs_r() {
    check("dnbinom_mu", &["x", "size", "mu", "log"], REL_TOL, |a| {
        degsea_stats::dnbinom_mu(a[0], a[1], a[2], b(a[3]))
    });
}

#[test]
fn dbinom_vs_r() {
    check("dbinom", &["x", "n", "p", "log"], REL_TOL, |a| degsea_stats::dbinom(a[0], a[1], a[2], b(a[3])));
}

fn brent_case(f: &str) -> fn(f64) -> f64 {
    match f {
        "quad" => |x| (x - 1.0 / 3.0) * (x - 1.0 / 3.0),
        "sin" => f64::sin,
        "expx" => |x| x.exp() - 2.0 * x,
        "absx" => |x| (x - 0.7).abs(),
        "quart" => |x| (x * x - 2.0) * (x * x - 2.0),
        "lgam" => |x| degsea_stats::lgamma(x) + degsea_stats::lgamma(5.0 - x),
        other => panic!("unknown optimize case {other}"),
    }
}

#[test]
fn brent_fmin_matches_r_optimize_exactly() {
    let t = load("optimize");
    let (fc, lc, uc, tc, vc) =
        (col(&t, "f"), col(&t, "lower"), col(&t, "upper"), col(&t, "tol"), col(&t, "value"));
    assert!(!t.rows.is_empty());
    for row in &t.rows {
        let f = brent_case(&row[fc]);
        let got = degsea_stats::brent_fmin(f, num(&row[lc]), num(&row[uc]), num(&row[tc]));
        let want = num(&row[vc]);
        println!("optimize {}: {got:e} vs R {want:e}", row[fc]);
        assert_eq!(got, want, "optimize case {row:?}");
    }
}

#[test]
fn p_adjust_bh_matches_r_exactly() {
    let t = load("p_adjust_bh");
    assert!(!t.rows.is_empty());
    for row in &t.rows {
        let p: Vec<f64> = row[0].split(',').map(num).collect();
        let want: Vec<f64> = row[1].split(',').map(num).collect();
        let got = degsea_stats::p_adjust_bh(&p);
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            assert!(g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan()), "{p:?}: {got:?} vs R {want:?}");
        }
    }
}

#[test]
fn pbeta_vs_r() {
    check("pbeta", &["x", "a", "b", "lower", "log"], REL_TOL, |a| {
        degsea_stats::pbeta(a[0], a[1], a[2], b(a[3]), b(a[4]))
    });
}

#[test]
fn qbeta_vs_r() {
    check("qbeta", &["p", "a", "b", "lower", "log"], REL_TOL, |a| {
        degsea_stats::qbeta(a[0], a[1], a[2], b(a[3]), b(a[4]))
    });
}

#[test]
fn pbinom_vs_r() {
    check("pbinom", &["x", "n", "p", "lower", "log"], REL_TOL, |a| {
        degsea_stats::pbinom(a[0], a[1], a[2], b(a[3]), b(a[4]))
    });
}

#[test]
fn digamma_vs_r() {
    check("digamma", &["x"], REL_TOL, |a| degsea_stats::digamma(a[0]));
}

#[test]
fn trigamma_vs_r() {
    check("trigamma", &["x"], REL_TOL, |a| degsea_stats::trigamma(a[0]));
}

#[test]
fn chisq_test_2x2_yates_vs_r() {
    check("chisq2x2", &["a11", "a21", "a12", "a22"], REL_TOL, |a| {
        degsea_stats::chisq_test_2x2_yates([[a[0], a[2]], [a[1], a[3]]])
    });
}

#[test]
fn gammafn_vs_r() {
    check("gammafn", &["x"], REL_TOL, |a| degsea_stats::gammafn(a[0]));
}

#[test]
fn lbeta_vs_r() {
    check("lbeta", &["a", "b"], REL_TOL, |a| degsea_stats::lbeta(a[0], a[1]));
}

#[test]
fn dnorm_vs_r() {
    check("dnorm", &["x", "mean", "sd", "log"], REL_TOL, |a| degsea_stats::dnorm(a[0], a[1], a[2], b(a[3])));
}

#[test]
fn dgamma_vs_r() {
    check("dgamma", &["x", "shape", "scale", "log"], REL_TOL, |a| {
        degsea_stats::dgamma(a[0], a[1], a[2], b(a[3]))
    });
}
