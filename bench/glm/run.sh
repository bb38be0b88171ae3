#!/usr/bin/env bash
# Benchmark: `degsea de --design` (QL F-test) vs edgeR 3.40.2's GLM QL session (bench/glm/edger.R:
# filterByExpr(y, design), calcNormFactors, estimateDisp, glmQLFit, glmQLFTest, topTags; GLM.md
# G0) on airway (`~ celltype + dex`, ../shared/data/airway) and a simulated 60,000 x 38 matrix
# with a three-level covariate (`~ stage + group`, bench/glm/sim.R). Prints wall times
# (hyperfine), R's stage times, the ratios R stages / degsea and R whole / degsea, checks that
# de.tsv is byte-identical at 1 and N threads, and compares degsea's PValue with R's by gene.
#
# usage: bench/glm/run.sh            (from anywhere; `make bench-glm`)
# env:   WORK (default bench/work/glm), DEGSEA (default $CARGO_TARGET_DIR/release/degsea, built
#        here when unset), SHARED (default ../shared), RUNS_R (default 2), RUNS_DEGSEA (default 5),
#        THREADS (default: all cores)
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${WORK:-bench/work/glm}
DEFAULT_BIN=${CARGO_TARGET_DIR:-target}/release/degsea
DEGSEA=${DEGSEA:-$DEFAULT_BIN}
SHARED=${SHARED:-../shared}
RUNS_R=${RUNS_R:-2}
RUNS_DEGSEA=${RUNS_DEGSEA:-5}
THREADS=${THREADS:-$(nproc)}

for tool in hyperfine Rscript python3; do
  command -v "$tool" >/dev/null || { echo "bench-glm: $tool is required" >&2; exit 1; }
done
Rscript -e 'suppressMessages(library(edgeR))' || { echo "bench-glm: R package edgeR is required" >&2; exit 1; }
if [[ "$DEGSEA" == "$DEFAULT_BIN" ]]; then
  cargo build --release --locked --bin degsea
fi
mkdir -p "$WORK"
if [[ ! -s "$WORK/sim/counts.tsv" ]]; then
  echo "generating the simulated 60000 x 38 matrix with a 3-level stage into $WORK/sim ..." >&2
  Rscript bench/glm/sim.R "$WORK/sim" 60000 38 1
fi

# name counts samples column test reference covariate
datasets=()
if [[ -s "$SHARED/data/airway/counts.tsv" ]]; then
  datasets+=("airway $SHARED/data/airway/counts.tsv $SHARED/data/airway/samples.tsv dex treated control celltype")
else
  echo "bench-glm: $SHARED/data/airway absent, skipping airway" >&2
fi
datasets+=("sim60000x38_stage $WORK/sim/counts.tsv $WORK/sim/samples.tsv group B A stage")

: > "$WORK/summary.tsv"
for d in "${datasets[@]}"; do
  read -r name counts samples column test reference covariate <<<"$d"
  out="$WORK/$name"
  mkdir -p "$out"
  echo "== $name (~ $covariate + $column)" >&2
  args="de --counts $counts --samples $samples --contrast '$column: $test vs $reference' --design '~ $covariate + $column'"
  hyperfine --style basic --warmup 1 --runs "$RUNS_DEGSEA" --export-json "$out/degsea.json" \
    -n "degsea de --design" "$DEGSEA -q --threads $THREADS $args --out $out/degsea_out"
  eval "$DEGSEA -q --threads 1 $args --out $out/degsea_out_1thread"
  if cmp -s "$out/degsea_out/de.tsv" "$out/degsea_out_1thread/de.tsv"; then
    echo "  de.tsv identical at 1 and $THREADS threads" >&2
  else
    echo "bench-glm: de.tsv differs between 1 and $THREADS threads" >&2
    exit 1
  fi
  hyperfine --style basic --runs "$RUNS_R" --export-json "$out/edger.json" \
    -n "R edgeR QL" "Rscript bench/glm/edger.R $counts $samples $column $test $reference $covariate $out/edger_timings.tsv $out/edger_table.tsv"
  python3 - "$name" "$out" "$WORK/summary.tsv" "$THREADS" <<'PY'
import json, sys
name, out, summary, threads = sys.argv[1:]
d = json.load(open(f"{out}/degsea.json"))["results"][0]
r = json.load(open(f"{out}/edger.json"))["results"][0]
stages = dict(l.split("\t") for l in open(f"{out}/edger_timings.tsv").read().split("\n")[1:] if l)
run = json.load(open(f"{out}/degsea_out/run.json"))
tim = run["timings_seconds"]
def table(path):
    lines = open(path).read().split("\n")
    head = lines[0].split("\t")
    return {l.split("\t")[0]: dict(zip(head, l.split("\t"))) for l in lines[1:] if l}
ours, theirs = table(f"{out}/degsea_out/de.tsv"), table(f"{out}/edger_table.tsv")
worst = max(abs(float(ours[g]["PValue"]) - float(t["PValue"])) / float(t["PValue"])
            for g, t in theirs.items() if float(t["PValue"]) > 1e-300)
calls = sum((float(ours[g]["FDR"]) < 0.05) != (float(t["FDR"]) < 0.05) for g, t in theirs.items())
r_stages = float(stages["stages"])
r_fit = float(stages["estimateDisp"]) + float(stages["glmQLFit"]) + float(stages["glmQLFTest"])
d_fit = sum(tim.get(k) or 0 for k in ("estimate_disp", "glm_ql_fit", "glm_ql_ftest"))
print(f"{name}: {run['results']['de']['genes_in']} genes, {run['results']['de']['genes_kept']} kept, design {run['results']['design']['model']['formula']}")
print(f"  degsea de --design (whole process, {threads} threads): {d['mean']:.3f} s ± {d['stddev']:.3f}; "
      f"estimateDisp+glmQLFit+glmQLFTest {d_fit:.3f} s")
print(f"  R whole process {r['mean']:.2f} s; stages filter..topTags {r_stages:.2f} s "
      f"(estimateDisp {float(stages['estimateDisp']):.2f}, glmQLFit {float(stages['glmQLFit']):.2f}, glmQLFTest {float(stages['glmQLFTest']):.2f})")
print(f"  ratio R stages / degsea whole process:                 {r_stages / d['mean']:.1f}x")
print(f"  ratio R estimateDisp+glmQLFit+glmQLFTest / degsea same: {r_fit / d_fit:.1f}x")
print(f"  ratio R whole / degsea whole:                          {r['mean'] / d['mean']:.1f}x")
print(f"  PValue worst relative difference to R {worst:.2e}; FDR<0.05 call disagreements {calls}")
with open(summary, "a") as f:
    f.write(f"{name}\t{d['mean']:.4f}\t{d_fit:.4f}\t{r['mean']:.3f}\t{r_stages:.3f}\t{r_fit:.3f}\t"
            f"{r_stages / d['mean']:.1f}\t{r_fit / d_fit:.1f}\t{worst:.2e}\t{calls}\n")
PY
done
echo "summary (dataset, degsea s, degsea fit s, R whole s, R stages s, R fit s, R stages/degsea, R fit/degsea fit, worst PValue rel diff, call disagreements): $WORK/summary.tsv" >&2
