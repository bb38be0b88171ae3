#!/usr/bin/env bash
# Benchmark: `degsea run` (DE + ranking + GSEA multilevel + plots, one process; default
# edgeR-equivalent tier, and --edger-exact) on simulated cohorts of 60,000 genes x 38 samples
# (24 vs 14) and x 500 samples (300 vs 200) beside the same work by the anchors in one run:
# R edgeR 3.40.2 classic + z ranking (bench/run/edger_rank.R), then rsfgsea 0.3.4 multilevel on
# those ranks (fgsea itself cannot be installed here). Prints wall times, degsea's stage
# timings (run.json), peak RSS relative to the dense f64 count matrix, and the ratios.
# usage: bench/run/run.sh   (`make bench-run`); env WORK (default bench/work/run), DEGSEA,
#        RUNS_DEGSEA (default 3), RUNS_R (default 1), LARGE=0 skips the 500-sample cohort
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${WORK:-bench/work/run}
DEFAULT_BIN=${CARGO_TARGET_DIR:-target}/release/degsea
DEGSEA=${DEGSEA:-$DEFAULT_BIN}
RSFGSEA=${RSFGSEA:-bench/work/rsfgsea/bin/rsfgsea}
for tool in hyperfine Rscript python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench-run: $tool is required" >&2; exit 1; }
done
[[ "$DEGSEA" != "$DEFAULT_BIN" ]] || cargo build --release --locked --bin degsea
if [[ ! -x "$RSFGSEA" ]]; then
  cargo install rsfgsea --version 0.3.4 --root bench/work/rsfgsea -q
fi
mkdir -p "$WORK"
GMT="$WORK/hallmark.gmt"
"$DEGSEA" -q genesets export hallmark -o "$GMT"
PLANTS=(--plant HALLMARK_E2F_TARGETS=+0.25 --plant HALLMARK_INTERFERON_GAMMA_RESPONSE=-0.3)
cohorts=("cohort cluster1=24,cluster2=5,cluster3=9")
[[ "${LARGE:-1}" == 0 ]] || cohorts+=("cohort500 cluster1=300,cluster2=80,cluster3=120")
: > "$WORK/summary.tsv"
for c in "${cohorts[@]}"; do
  read -r name groups <<<"$c"
  dir="$WORK/$name"
  if [[ ! -s "$dir/counts.tsv" ]]; then
    "$DEGSEA" -q simulate --genes 60000 --groups "$groups" --column cluster --test cluster2+cluster3 \
      "${PLANTS[@]}" --seed 7 --out "$dir"
  fi
  C="$dir/counts.tsv"; S="$dir/samples.tsv"
  echo "== $name ($groups)" >&2
  hyperfine --style basic --warmup 1 --runs "${RUNS_DEGSEA:-3}" --export-json "$dir/degsea.json" \
    -n "degsea run" "/usr/bin/time -f %M -o $dir/degsea.rss $DEGSEA -q run --counts $C --samples $S --contrast 'cluster: cluster2+cluster3 vs cluster1' --out $dir/degsea_out"
  hyperfine --style basic --runs "${RUNS_DEGSEA:-3}" --export-json "$dir/degsea_exact.json" \
    -n "degsea run --edger-exact" "$DEGSEA -q run --edger-exact --counts $C --samples $S --contrast 'cluster: cluster2+cluster3 vs cluster1' --out $dir/degsea_exact_out"
  hyperfine --style basic --runs "${RUNS_R:-1}" --export-json "$dir/anchor.json" \
    -n "R edgeR + rsfgsea" "Rscript bench/run/edger_rank.R $C $S cluster cluster2+cluster3 cluster1 $dir/r.rnk && $RSFGSEA --ranks $dir/r.rnk --gmt $GMT --minSize 15 --maxSize 500 --mode multilevel --nproc 2 --output $dir/rsfgsea.tsv"
  python3 - "$name" "$dir" "$WORK/summary.tsv" <<'PY'
import json, sys
name, w, summary = sys.argv[1:]
d = json.load(open(f"{w}/degsea.json"))["results"][0]
x = json.load(open(f"{w}/degsea_exact.json"))["results"][0]["mean"]
a = json.load(open(f"{w}/anchor.json"))["results"][0]["mean"]
run = json.load(open(f"{w}/degsea_out/run.json"))
genes, n = run["results"]["de"]["genes_in"], len(run["results"]["design"]["samples"])
dense_mb = genes * n * 8 / 1e6
rss = int(open(f"{w}/degsea.rss").read().split()[-1]) / 1e3
print(f"{name}: {genes} genes x {n} samples")
print(f"  degsea run: {d['mean']:.2f} s (CPU {d['user'] + d['system']:.2f} s), peak RSS {rss:.0f} MB = {rss / dense_mb:.2f}x the dense f64 matrix ({dense_mb:.0f} MB)")
print("    stages (run.json): " + ", ".join(f"{k} {v:.3f}" for k, v in run["timings_seconds"].items()))
print(f"  degsea run --edger-exact: {x:.2f} s   R edgeR + rsfgsea: {a:.2f} s")
print(f"  ratio {a / d['mean']:.1f}x (--edger-exact: {a / x:.1f}x)")
with open(summary, "a") as f:
    f.write(f"{name}\t{d['mean']:.3f}\t{x:.3f}\t{a:.2f}\t{a / d['mean']:.1f}\t{rss:.0f}\t{dense_mb:.0f}\t{rss / dense_mb:.2f}\n")
PY
done
echo "summary (cohort, degsea s, degsea --edger-exact s, R+rsfgsea s, ratio, RSS MB, dense MB, RSS/dense): $WORK/summary.tsv" >&2
