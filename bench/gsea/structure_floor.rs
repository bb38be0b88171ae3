//! The cost floor of a tree-shaped acceptance test for fgsea's multilevel MCMC
//! (`EsRuler::perturbate`: accept a swap iff ES⁺ of the new set exceeds the level).
//!
//! Two structures keep the exact maximum of the running sum under swaps, both in their
//! cheapest form: `q2 = 1/NS` held fixed (an exact test must also follow NS, which changes with
//! every swap, so the real structure costs more than measured here), one tree per sample, and
//! the sample's tree hot in cache (the chain cycles through M = 101 samples).
//!   positions: segment tree over the n list positions (leaf = `q2·w` for a member, `−q1` for
//!              a miss; node = (sum, max prefix)); a swap is two leaf updates, a rejected swap
//!              two more; acceptance is a root read.
//!   members:   segment tree over the sample's k members in rank order (leaf j =
//!              `q2·w_j − q1·(s_j − s_{j−1} − 1)`); a swap moves one member between ranks,
//!              shifting the ranks between, and rebuilds the changed leaves and ancestors.
//! Prints ns per attempt for k = 15, 50, 200, 500 (n = 12,000 like fgsea_example); run under
//! callgrind with K=k and N attempts (and N = 0) for instruction counts (bench/gsea/floor.sh).
//! Not part of the workspace: compiled alone with rustc.
use std::time::Instant;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

struct PosTree {
    size: usize,
    sum: Vec<f64>,
    best: Vec<f64>,
}
impl PosTree {
    fn new(n: usize) -> Self {
        let size = n.next_power_of_two();
        PosTree { size, sum: vec![0.0; 2 * size], best: vec![f64::NEG_INFINITY; 2 * size] }
    }
    #[inline]
    fn set(&mut self, p: usize, v: f64) {
        let mut i = p + self.size;
        self.sum[i] = v;
        self.best[i] = v;
        i >>= 1;
        while i >= 1 {
            let (l, r) = (2 * i, 2 * i + 1);
            self.sum[i] = self.sum[l] + self.sum[r];
            self.best[i] = self.best[l].max(self.sum[l] + self.best[r]);
            i >>= 1;
        }
    }
}

struct MemberTree {
    size: usize,
    pos: Vec<u32>,
    sum: Vec<f64>,
    best: Vec<f64>,
}
impl MemberTree {
    fn rebuild(&mut self, lo: usize, hi: usize, w: &[f64], q1: f64, q2: f64) {
        let k = self.pos.len();
        let hi = hi.min(k - 1);
        for j in lo..=hi {
            let prev = if j == 0 { -1.0 } else { f64::from(self.pos[j - 1]) };
            let v = q2 * w[self.pos[j] as usize] - q1 * (f64::from(self.pos[j]) - prev - 1.0);
            self.sum[self.size + j] = v;
            self.best[self.size + j] = v;
        }
        let (mut l, mut h) = ((lo + self.size) >> 1, (hi + self.size) >> 1);
        while l >= 1 {
            for i in l..=h {
                let (a, b) = (2 * i, 2 * i + 1);
                self.sum[i] = self.sum[a] + self.sum[b];
                self.best[i] = self.best[a].max(self.sum[a] + self.best[b]);
            }
            if l == 1 {
                break;
            }
            l >>= 1;
            h >>= 1;
        }
    }
    /// Replaces the member of rank `a` by position `new`; returns its new rank.
    fn replace(&mut self, a: usize, new: u32) -> usize {
        let b = self.pos.partition_point(|&p| p < new);
        let b = if b > a { b - 1 } else { b };
        if b >= a {
            self.pos.copy_within(a + 1..=b, a);
        } else {
            self.pos.copy_within(b..a, b + 1);
        }
        self.pos[b] = new;
        b
    }
}

fn main() {
    let n = 12_000usize;
    let attempts: usize = std::env::args().nth(1).map_or(2_000_000, |s| s.parse().expect("attempts"));
    let ks: Vec<usize> = std::env::var("K").map_or(vec![15, 50, 200, 500], |s| vec![s.parse().expect("K")]);
    let which = std::env::var("TREE").unwrap_or_else(|_| "both".into());
    let w: Vec<f64> = (0..n).map(|i| ((n - i) as f64 / n as f64).powi(2) + 0.01).collect();
    for &k in &ks {
        let q1 = 1.0 / (n - k) as f64;
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ k as u64);
        let mut member = vec![false; n];
        let mut elems = Vec::new();
        while elems.len() < k {
            let v = (rng.next() % n as u64) as u32;
            if !member[v as usize] {
                member[v as usize] = true;
                elems.push(v);
            }
        }
        let q2 = 1.0 / elems.iter().map(|&v| w[v as usize]).sum::<f64>();
        if which != "members" {
            let (mut member, mut elems, mut rng) = (member.clone(), elems.clone(), Rng(rng.0));
            let mut t = PosTree::new(n);
            for p in 0..n {
                t.set(p, if member[p] { q2 * w[p] } else { -q1 });
            }
            let bound = t.best[1] * 0.999;
            let t0 = Instant::now();
            let mut acc = 0usize;
            for _ in 0..attempts {
                let r = rng.next();
                let (oi, new) = ((r >> 32) as usize % k, (r as u32 as usize) % n);
                if member[new] {
                    continue;
                }
                let old = elems[oi] as usize;
                t.set(old, -q1);
                t.set(new, q2 * w[new]);
                if t.best[1] > bound {
                    member[old] = false;
                    member[new] = true;
                    elems[oi] = new as u32;
                    acc += 1;
                } else {
                    t.set(new, -q1);
                    t.set(old, q2 * w[old]);
                }
            }
            let dt = t0.elapsed().as_secs_f64();
            println!("positions k {k:4}: {:7.1} ns/attempt (accepted {:.0}%)", dt * 1e9 / attempts.max(1) as f64, 100.0 * acc as f64 / attempts.max(1) as f64);
        }
        if which != "positions" {
            let mut pos = elems.clone();
            pos.sort_unstable();
            let size = k.next_power_of_two();
            let mut t = MemberTree { size, pos, sum: vec![0.0; 2 * size], best: vec![f64::NEG_INFINITY; 2 * size] };
            t.rebuild(0, k - 1, &w, q1, q2);
            let bound = t.best[1] * 0.999;
            let t0 = Instant::now();
            let mut acc = 0usize;
            for _ in 0..attempts {
                let r = rng.next();
                let (a, new) = ((r >> 32) as usize % k, (r as u32) % n as u32);
                if member[new as usize] {
                    continue;
                }
                let old = t.pos[a];
                let b = t.replace(a, new);
                t.rebuild(a.min(b), a.max(b) + 1, &w, q1, q2);
                if t.best[1] > bound {
                    member[old as usize] = false;
                    member[new as usize] = true;
                    acc += 1;
                } else {
                    t.replace(b, old);
                    t.rebuild(a.min(b), a.max(b) + 1, &w, q1, q2);
                }
            }
            let dt = t0.elapsed().as_secs_f64();
            println!("members   k {k:4}: {:7.1} ns/attempt (accepted {:.0}%)", dt * 1e9 / attempts.max(1) as f64, 100.0 * acc as f64 / attempts.max(1) as f64);
        }
    }
}
