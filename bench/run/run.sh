#!/usr/bin/env bash
# Benchmark: `degsea run` (DE + ranking + GSEA multilevel + plots, one process) on a simulated
# 60,000 x 38 cohort beside the same work by the anchors in one run: R edgeR 3.40.2 classic +
# z ranking (bench/run/edger_rank.R), then rsfgsea 0.3.4 multilevel on those ranks (fgsea
# itself cannot be installed here). Prints wall times and the ratio.
# usage: bench/run/run.sh   (`make bench-run`); env WORK (default bench/work/run), DEGSEA
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${WORK:-bench/work/run}
DEFAULT_BIN=${CARGO_TARGET_DIR:-target}/release/degsea
DEGSEA=${DEGSEA:-$DEFAULT_BIN}
RSFGSEA=${RSFGSEA:-bench/work/rsfgsea/bin/rsfgsea}
for tool in hyperfine Rscript; do
  command -v "$tool" >/dev/null || { echo "bench-run: $tool is required" >&2; exit 1; }
done
[[ "$DEGSEA" != "$DEFAULT_BIN" ]] || cargo build --release --locked --bin degsea
if [[ ! -x "$RSFGSEA" ]]; then
  cargo install rsfgsea --version 0.3.4 --root bench/work/rsfgsea -q
fi
mkdir -p "$WORK"
if [[ ! -s "$WORK/cohort/counts.tsv" ]]; then
  "$DEGSEA" -q simulate --genes 60000 --groups cluster1=24,cluster2=5,cluster3=9 --column cluster \
    --test cluster2+cluster3 --plant HALLMARK_E2F_TARGETS=+0.25 --plant HALLMARK_INTERFERON_GAMMA_RESPONSE=-0.3 \
    --seed 7 --out "$WORK/cohort"
fi
C="$WORK/cohort/counts.tsv"; S="$WORK/cohort/samples.tsv"
GMT="$WORK/hallmark.gmt"
"$DEGSEA" -q genesets export hallmark -o "$GMT"
hyperfine --style basic --warmup 1 --runs "${RUNS_DEGSEA:-3}" --export-json "$WORK/degsea.json" \
  -n "degsea run" "$DEGSEA -q run --counts $C --samples $S --contrast 'cluster: cluster2+cluster3 vs cluster1' --out $WORK/degsea_out"
hyperfine --style basic --runs "${RUNS_R:-1}" --export-json "$WORK/anchor.json" \
  -n "R edgeR + rsfgsea" "Rscript bench/run/edger_rank.R $C $S cluster cluster2+cluster3 cluster1 $WORK/r.rnk && $RSFGSEA --ranks $WORK/r.rnk --gmt $GMT --minSize 15 --maxSize 500 --mode multilevel --nproc 2 --output $WORK/rsfgsea.tsv"
python3 - "$WORK" <<'PY'
import json, sys
w = sys.argv[1]
d = json.load(open(f"{w}/degsea.json"))["results"][0]["mean"]
a = json.load(open(f"{w}/anchor.json"))["results"][0]["mean"]
print(f"degsea run: {d:.2f} s   R edgeR + rsfgsea: {a:.2f} s   ratio {a/d:.1f}x")
PY
