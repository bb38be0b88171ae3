//! Properties of `p_adjust_bh` on arbitrary inputs: BH adjusted p-values are monotone in the
//! raw p-values (a smaller p never gets a larger q), never below p, at most 1, NaN exactly where
//! p is NaN, and invariant under permutation of the input.

#![allow(clippy::unwrap_used, reason = "test code: a panic is a test failure")]

use degsea_stats::p_adjust_bh;
use proptest::prelude::*;

fn p_values() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(
        prop_oneof![8 => 0.0..=1.0f64, 1 => Just(f64::NAN), 1 => Just(1e-300), 1 => Just(1.0)],
        0..200,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn bh_is_monotone_bounded_and_keeps_na(p in p_values()) {
        let q = p_adjust_bh(&p);
        prop_assert_eq!(q.len(), p.len());
        let finite = p.iter().filter(|x| !x.is_nan()).count();
        for i in 0..p.len() {
            prop_assert_eq!(q[i].is_nan(), p[i].is_nan());
            if p[i].is_nan() { continue; }
            prop_assert!(q[i] <= 1.0 && (q[i] >= p[i] || finite <= 1), "p {} q {}", p[i], q[i]);
            for j in 0..p.len() {
                if !p[j].is_nan() && p[i] < p[j] {
                    prop_assert!(q[i] <= q[j], "p {} < {} but q {} > {}", p[i], p[j], q[i], q[j]);
                }
            }
        }
    }

    #[test]
    fn bh_does_not_depend_on_input_order(p in p_values(), seed in any::<u64>()) {
        let mut order: Vec<usize> = (0..p.len()).collect();
        // a seeded Fisher–Yates shuffle (xorshift), so the property is reproducible
        let mut s = seed | 1;
        for i in (1..order.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            order.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let shuffled: Vec<f64> = order.iter().map(|&i| p[i]).collect();
        let (q, qs) = (p_adjust_bh(&p), p_adjust_bh(&shuffled));
        for (k, &i) in order.iter().enumerate() {
            prop_assert!(q[i].to_bits() == qs[k].to_bits(), "{} vs {}", q[i], qs[k]);
        }
    }
}
