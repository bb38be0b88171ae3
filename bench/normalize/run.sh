#!/usr/bin/env bash
# Benchmark: `degsea normalize` vs R (read.delim + DGEList + filterByExpr + calcNormFactors) on
# a generated 60,000 x 129 gzip count matrix. Prints both timings (hyperfine) and the ratios of
# wall-clock and CPU time (CPU = user + system; on a busy machine the CPU ratio is the steadier
# number). degsea also writes filter.tsv, norm_factors.tsv and logcpm.tsv; the R side only
# computes (as the issue defines it).
#
# usage: bench/normalize/run.sh          (from the repository root; `make bench-normalize`)
# env:   WORK (default bench/work/normalize), DEGSEA (default $CARGO_TARGET_DIR/release/degsea,
#        built here when unset),
#        RUNS_R (default 3), RUNS_DEGSEA (default 10)
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${WORK:-bench/work/normalize}
DEFAULT_BIN=${CARGO_TARGET_DIR:-target}/release/degsea
DEGSEA=${DEGSEA:-$DEFAULT_BIN}
RUNS_R=${RUNS_R:-3}
RUNS_DEGSEA=${RUNS_DEGSEA:-10}

for tool in hyperfine Rscript python3; do
  command -v "$tool" >/dev/null || { echo "bench-normalize: $tool is required" >&2; exit 1; }
done
if [[ "$DEGSEA" == "$DEFAULT_BIN" ]]; then
  cargo build --release --locked --bin degsea
fi
mkdir -p "$WORK"
if [[ ! -s "$WORK/counts.tsv.gz" ]]; then
  echo "generating 60000 x 129 matrix into $WORK ..." >&2
  python3 bench/normalize/gen.py --genes 60000 --samples 129 --seed 1 "$WORK"
fi
ls -l "$WORK/counts.tsv.gz" >&2

hyperfine --style basic --warmup 1 --runs "$RUNS_DEGSEA" --export-json "$WORK/degsea.json" \
  -n degsea "$DEGSEA -q normalize --counts $WORK/counts.tsv.gz --samples $WORK/samples.tsv --contrast 'group: B vs A' --out $WORK/out"
hyperfine --style basic --runs "$RUNS_R" --export-json "$WORK/edger.json" \
  -n 'R edgeR' "Rscript bench/normalize/edger.R $WORK/counts.tsv.gz $WORK/samples.tsv"

python3 - "$WORK/degsea.json" "$WORK/edger.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["results"][0]
r = json.load(open(sys.argv[2]))["results"][0]
cpu = lambda x: x["user"] + x["system"]
print(f"degsea normalize: {d['mean']:.3f} s ± {d['stddev']:.3f} wall, {cpu(d):.3f} s CPU")
print(f"R edgeR 3.40:     {r['mean']:.3f} s ± {r['stddev']:.3f} wall, {cpu(r):.3f} s CPU")
print(f"ratio R / degsea: {r['mean'] / d['mean']:.1f}x wall, {cpu(r) / cpu(d):.1f}x CPU")
PY
