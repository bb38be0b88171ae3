//! Simulation: a batch confounded with the classes makes the naive label-permutation null
//! wrong; shuffling only within batches (`strata`) restores it. Also: results do not depend
//! on the rayon thread count.

use degsea_core::{GeneSet, GeneSetCollection};
use degsea_gsea::phenotype::{Expression, PhenotypeOptions, run_phenotype};
use degsea_gsea::rng::Mt19937;

const GENES: usize = 400;
const SET_SIZE: usize = 20;
/// Batch shift of the BATCH set's genes, in SDs of the noise.
const BATCH_SHIFT: f64 = 2.0;

fn normal(rng: &mut Mt19937) -> f64 {
    let u1 = (f64::from(rng.next_u32()) + 1.0) / 4_294_967_297.0;
    let u2 = f64::from(rng.next_u32()) / 4_294_967_296.0;
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// 40 samples: batch 0 = samples 0..20 (16 treated), batch 1 = 20..40 (4 treated). No
/// treatment effect at all; genes 0..20 (set BATCH) are shifted up in batch 0.
fn data() -> (Expression, Vec<bool>, Vec<usize>, Vec<GeneSetCollection>) {
    let n = 40;
    let mut rng = Mt19937::new(2024);
    let batch: Vec<usize> = (0..n).map(|j| usize::from(j >= 20)).collect();
    let labels: Vec<bool> = (0..n).map(|j| if j < 20 { j < 16 } else { j < 24 }).collect();
    let mut values = Vec::with_capacity(GENES * n);
    for g in 0..GENES {
        for &b in &batch {
            let shift = if g < SET_SIZE && b == 0 { BATCH_SHIFT } else { 0.0 };
            values.push(5.0 + shift + normal(&mut rng));
        }
    }
    let genes: Vec<String> = (0..GENES).map(|g| format!("G{g}")).collect();
    let sets = (0..GENES / SET_SIZE)
        .map(|k| GeneSet {
            name: if k == 0 { "BATCH".into() } else { format!("NULL{k:02}") },
            description: String::new(),
            genes: genes[k * SET_SIZE..(k + 1) * SET_SIZE].to_vec(),
        })
        .collect();
    (
        Expression { genes, n_samples: n, values },
        labels,
        batch,
        vec![GeneSetCollection { name: "sim".into(), version: String::new(), sets }],
    )
}

#[test]
fn permute_within_fixes_batch_confounding() {
    let (expr, labels, batch, sets) = data();
    let naive = PhenotypeOptions { nperm: 400, seed: 3, ..Default::default() };
    let within = PhenotypeOptions { strata: Some(batch), ..naive.clone() };
    let a = run_phenotype(&expr, &labels, &sets, &naive).unwrap();
    let b = run_phenotype(&expr, &labels, &sets, &within).unwrap();
    let (ra, rb) = (&a.rows[0], &b.rows[0]);
    assert_eq!(ra.pathway, "BATCH");
    println!("BATCH: naive p {} q {}, within-batch p {} q {}", ra.pval, ra.fdr_q, rb.pval, rb.fdr_q);
    // Naive: the batch genes look treated (ES > 0, none of 400 nulls reaches it).
    assert!(ra.es > 0.0 && ra.pval < 0.01 && ra.fdr_q < 0.05);
    // Within batches the shuffled labels keep the 16/4 imbalance, so the null reproduces it.
    assert!(rb.pval > 0.05 && rb.fdr_q > 0.25);
}

#[test]
fn identical_at_any_thread_count() {
    let (expr, labels, _, sets) = data();
    let opts = PhenotypeOptions { nperm: 64, seed: 9, ..Default::default() };
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| run_phenotype(&expr, &labels, &sets, &opts).unwrap())
    };
    let (one, two) = (run(1), run(3));
    assert_eq!(one.rows, two.rows);
}
