#!/usr/bin/env bash
# Regenerates the SIMULATED demo cohort in data/visram_like_simulated/ (see data/README.md).
# Run from the repository root after `cargo build --release`. Byte-identical on every run.
set -euo pipefail
DEGSEA=${DEGSEA:-target/release/degsea}
OUT=data/visram_like_simulated
"$DEGSEA" simulate --genes 20000 \
  --groups cluster1=24,cluster2=5,cluster3=9 --column cluster --test cluster2+cluster3 \
  --plant HALLMARK_E2F_TARGETS=+0.25 \
  --plant HALLMARK_G2M_CHECKPOINT=+0.22 \
  --plant HALLMARK_MYC_TARGETS_V1=+0.22 \
  --plant HALLMARK_INTERFERON_ALPHA_RESPONSE=-0.25 \
  --plant HALLMARK_INTERFERON_GAMMA_RESPONSE=-0.22 \
  --plant HALLMARK_TNFA_SIGNALING_VIA_NFKB=-0.22 \
  --plant HALLMARK_IL6_JAK_STAT3_SIGNALING=-0.25 \
  --plant HALLMARK_TGF_BETA_SIGNALING=-0.3 \
  --dispersion 0.15 --seed 1 --out "$OUT"
gzip -9nf "$OUT/counts.tsv" "$OUT/truth.tsv"
