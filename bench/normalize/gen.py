#!/usr/bin/env python3
"""Generate the `degsea normalize` benchmark input: a genes x samples gzip TSV of
gamma-Poisson-like counts (log-normal gene means, per-sample depth factors, many low genes, as in
a real 60k-gene annotation) plus a sample sheet with two groups (60 vs 69, like montpick's CEU vs
YRI). Deterministic for a given --seed. Standard library only.

usage: gen.py [--genes 60000] [--samples 129] [--seed 1] OUTDIR
"""
import argparse
import gzip
import math
import os
import random


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--genes", type=int, default=60000)
    ap.add_argument("--samples", type=int, default=129)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("outdir")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    rng = random.Random(a.seed)
    samples = [f"S{j + 1:03d}" for j in range(a.samples)]
    depth = [rng.uniform(0.5, 1.5) for _ in samples]
    n_a = a.samples * 60 // 129
    with open(os.path.join(a.outdir, "samples.tsv"), "w") as f:
        f.write("sample\tgroup\n")
        for j, s in enumerate(samples):
            f.write(f"{s}\t{'A' if j < n_a else 'B'}\n")
    shape = 5.0  # gamma shape: NB dispersion 1/shape = 0.2
    with gzip.open(os.path.join(a.outdir, "counts.tsv.gz"), "wt", compresslevel=6) as f:
        f.write("gene_id\t" + "\t".join(samples) + "\n")
        for g in range(a.genes):
            mu = math.exp(rng.gauss(1.0, 2.5))
            row = []
            for d in depth:
                lam = mu * d * rng.gammavariate(shape, 1.0 / shape)
                # Poisson-like rounding: floor(lam + U) keeps the mean and gives zeros at low lam.
                row.append(str(int(lam + rng.random())))
            f.write(f"ENSG{g:011d}\t" + "\t".join(row) + "\n")


if __name__ == "__main__":
    main()
