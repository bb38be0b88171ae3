#!/usr/bin/env bash
# Benchmark: `degsea de` (default edgeR-equivalent tier, and --edger-exact) vs the edgeR 3.40.2
# classic pipeline (bench/de/edger.R: DGEList, filterByExpr, calcNormFactors,
# estimateCommonDisp, estimateTagwiseDisp, exactTest, topTags) on pickrell_sex (52,580 genes x
# 69 samples, ../shared/data/pickrell), a simulated 60,000 x 38 negative-binomial matrix
# (bench/de/sim.R) and a simulated 60,000 x 500 cohort (`degsea simulate`, 250 vs 250).
# Prints wall times (hyperfine), peak RSS (/usr/bin/time) and the ratios: R stages / degsea
# whole process, R whole process / degsea, and degsea's peak RSS relative to the dense f64
# count matrix (genes x samples x 8 bytes).
#
# usage: bench/de/run.sh            (from anywhere; `make bench-de`)
# env:   WORK (default bench/work/de), DEGSEA (default $CARGO_TARGET_DIR/release/degsea, built
#        here when unset), SHARED (default ../shared), RUNS_R (default 2), RUNS_DEGSEA (default 5),
#        RUNS_R_LARGE (default 1; R on 60,000 x 500 takes minutes), LARGE=0 skips 60,000 x 500
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${WORK:-bench/work/de}
DEFAULT_BIN=${CARGO_TARGET_DIR:-target}/release/degsea
DEGSEA=${DEGSEA:-$DEFAULT_BIN}
SHARED=${SHARED:-../shared}
RUNS_R=${RUNS_R:-2}
RUNS_DEGSEA=${RUNS_DEGSEA:-5}

for tool in hyperfine Rscript python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench-de: $tool is required" >&2; exit 1; }
done
Rscript -e 'suppressMessages(library(edgeR))' || { echo "bench-de: R package edgeR is required (r-bioc-edger)" >&2; exit 1; }
if [[ "$DEGSEA" == "$DEFAULT_BIN" ]]; then
  cargo build --release --locked --bin degsea
fi
mkdir -p "$WORK"
if [[ ! -s "$WORK/sim/counts.tsv" ]]; then
  echo "generating the simulated 60000 x 38 matrix into $WORK/sim ..." >&2
  Rscript bench/de/sim.R "$WORK/sim" 60000 38 1
fi

if [[ "${LARGE:-1}" != 0 && ! -s "$WORK/sim500/counts.tsv" ]]; then
  echo "generating the simulated 60000 x 500 cohort into $WORK/sim500 ..." >&2
  "$DEGSEA" -q simulate --genes 60000 --groups A=250,B=250 --column group --test B --seed 3 --out "$WORK/sim500"
fi

# name counts samples column test reference
datasets=()
if [[ -s "$SHARED/data/pickrell/counts.tsv" ]]; then
  datasets+=("pickrell_sex $SHARED/data/pickrell/counts.tsv $SHARED/data/pickrell/samples.tsv gender male female")
else
  echo "bench-de: $SHARED/data/pickrell absent, skipping pickrell_sex" >&2
fi
datasets+=("sim60000x38 $WORK/sim/counts.tsv $WORK/sim/samples.tsv group B A")
[[ "${LARGE:-1}" == 0 ]] || datasets+=("sim60000x500 $WORK/sim500/counts.tsv $WORK/sim500/samples.tsv group B A")

: > "$WORK/summary.tsv"
for d in "${datasets[@]}"; do
  read -r name counts samples column test reference <<<"$d"
  out="$WORK/$name"
  mkdir -p "$out"
  echo "== $name" >&2
  runs_r=$RUNS_R
  [[ "$name" != sim60000x500 ]] || runs_r=${RUNS_R_LARGE:-1}
  hyperfine --style basic --warmup 1 --runs "$RUNS_DEGSEA" --export-json "$out/degsea.json" \
    -n "degsea de" "/usr/bin/time -f %M -o $out/degsea.rss $DEGSEA -q de --counts $counts --samples $samples --contrast '$column: $test vs $reference' --out $out/degsea_out"
  hyperfine --style basic --runs "$RUNS_DEGSEA" --export-json "$out/degsea_exact.json" \
    -n "degsea de --edger-exact" "$DEGSEA -q de --edger-exact --counts $counts --samples $samples --contrast '$column: $test vs $reference' --out $out/degsea_exact_out"
  hyperfine --style basic --runs "$runs_r" --export-json "$out/edger.json" \
    -n "R edgeR" "/usr/bin/time -f %M -o $out/edger.rss Rscript bench/de/edger.R $counts $samples $column $test $reference $out/edger_timings.tsv"
  python3 - "$name" "$out" "$WORK/summary.tsv" <<'PY'
import json, sys
name, out, summary = sys.argv[1:]
d = json.load(open(f"{out}/degsea.json"))["results"][0]
x = json.load(open(f"{out}/degsea_exact.json"))["results"][0]
r = json.load(open(f"{out}/edger.json"))["results"][0]
stages = dict(l.split("\t") for l in open(f"{out}/edger_timings.tsv").read().split("\n")[1:] if l)
run = json.load(open(f"{out}/degsea_out/run.json"))
genes, n = run["results"]["de"]["genes_in"], len(run["results"]["design"]["samples"])
dense_mb = genes * n * 8 / 1e6
rss_d = int(open(f"{out}/degsea.rss").read().split()[-1]) / 1e3
rss_r = int(open(f"{out}/edger.rss").read().split()[-1]) / 1e3
r_stages = float(stages["stages"])
print(f"{name}: {genes} genes x {n} samples, {run['results']['de']['genes_kept']} kept")
timings = run["timings_seconds"]
print(f"  degsea de (whole process): {d['mean']:.3f} s ± {d['stddev']:.3f} (CPU {d['user'] + d['system']:.2f} s), peak RSS {rss_d:.0f} MB")
print("    stages (run.json): " + ", ".join(f"{k} {v:.3f}" for k, v in timings.items()))
print(f"  degsea de --edger-exact:   {x['mean']:.3f} s ± {x['stddev']:.3f}")
print(f"  R edgeR whole process:     {r['mean']:.2f} s; stages DGEList..topTags {r_stages:.2f} s "
      f"(common {float(stages['common']):.2f}, tagwise {float(stages['tagwise']):.2f}, exact {float(stages['exact']):.2f}); peak RSS {rss_r:.0f} MB")
print(f"  ratio R stages / degsea:        {r_stages / d['mean']:.1f}x")
print(f"  ratio R whole / degsea:         {r['mean'] / d['mean']:.1f}x")
print(f"  ratio R stages / degsea --edger-exact: {r_stages / x['mean']:.1f}x")
print(f"  degsea peak RSS / dense f64 matrix ({dense_mb:.0f} MB): {rss_d / dense_mb:.2f}x")
with open(summary, "a") as f:
    f.write(f"{name}\t{d['mean']:.4f}\t{x['mean']:.4f}\t{r['mean']:.3f}\t{r_stages:.3f}\t{r_stages / d['mean']:.1f}\t{r['mean'] / d['mean']:.1f}\t{rss_d:.0f}\t{dense_mb:.0f}\t{rss_d / dense_mb:.2f}\n")
PY
done
echo "summary (dataset, degsea s, degsea --edger-exact s, R whole s, R stages s, R stages/degsea, R whole/degsea, degsea RSS MB, dense MB, RSS/dense): $WORK/summary.tsv" >&2
