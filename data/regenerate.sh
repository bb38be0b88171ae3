#!/usr/bin/env bash
# Regenerates the SIMULATED demo cohort in data/visram_like_simulated/ (see data/README.md).
# Run from the repository root after `cargo build --release`. Byte-identical on every run.
set -euo pipefail
DEGSEA=${DEGSEA:-target/release/degsea}
OUT=data/visram_like_simulated
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
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
  --covariate stage:I=13,II=11,III=14:0.03:1:0.5 \
  --dispersion 0.15 --seed 1 --out "$TMP/sim"
# simulate replaces its output folder whole; the demo folder also holds this script's README.
cp "$TMP/sim/counts.tsv" "$TMP/sim/samples.tsv" "$TMP/sim/truth.tsv" "$TMP/sim/simulation.json" "$OUT/"
gzip -9nf "$OUT/counts.tsv" "$OUT/truth.tsv"
