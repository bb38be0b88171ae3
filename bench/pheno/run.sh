#!/usr/bin/env bash
# Times `degsea gsea --permute phenotype` beside GSEApy 1.3.1 `gsea(permutation_type='phenotype',
# permutation_num=1000, method='signal_to_noise', threads=N)` on the same machine, side by side:
#   demo:     the demo cohort's TMM log-CPM (../shared/reference/demo_pheno/expr_logcpm.tsv,
#             14,131 genes x 38 samples, cluster2+cluster3 vs cluster1), bundled Hallmark
#   leukemia: Broad's ALL/AML example (../shared/data/leukemia/expr.tsv, duplicate symbols
#             averaged), Hallmark v7.0
# plus degsea with 10,000 permutations of the demo (goal: < 1 s on 2 cores).
# Each tool runs REPS times (default 3); median wall seconds and the ratio GSEApy/degsea are
# printed. Usage: bench/pheno/run.sh   (needs ../shared and python3; REPS=N, THREADS=N)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=$ROOT/bench/work
SHARED=${SHARED:-$ROOT/../shared}
REPS=${REPS:-3}
THREADS=${THREADS:-$(nproc)}
mkdir -p "$WORK/pheno-out"

echo "== building degsea (release)" >&2
cargo build --release --locked -q
DEGSEA=$ROOT/target/release/degsea
[[ -n ${CARGO_TARGET_DIR:-} ]] && DEGSEA=$CARGO_TARGET_DIR/release/degsea

VENV=$WORK/venv-gseapy131
if [[ ! -x $VENV/bin/python ]] || ! "$VENV/bin/python" -c 'import gseapy' 2>/dev/null; then
  echo "== installing gseapy 1.3.1 into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q gseapy==1.3.1
fi

DEMO=$SHARED/reference/demo_pheno
LEUK=$SHARED/data/leukemia
GMT_DEMO=$ROOT/genesets/h.all.v2025.1.Hs.symbols.gmt
LEUK_SHEET=$WORK/pheno-out/leukemia_samples.tsv
head -1 "$LEUK/expr.tsv" | tr '\t' '\n' | tail -n +2 | awk 'BEGIN{print "sample\ttype"} {print $1 "\t" substr($1, 1, 3)}' >"$LEUK_SHEET"

median() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

time_degsea() { # name nperm args...
  local name=$1 nperm=$2; shift 2
  for _ in $(seq "$REPS"); do
    local t0 t1
    t0=$(date +%s.%N)
    "$DEGSEA" -q --threads "$THREADS" gsea --permute phenotype --nperm "$nperm" --out "$WORK/pheno-out/$name" "$@"
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l
  done | median
}

time_gseapy() { # expr test ref column sheet gmt
  "$VENV/bin/python" - "$@" "$REPS" "$THREADS" <<'PY'
import sys, time, statistics
import pandas as pd, gseapy as gp
expr, test, ref, col, sheet, gmt, reps, threads = sys.argv[1:9]
df = pd.read_csv(expr, sep="\t", index_col=0)
s = pd.read_csv(sheet, sep="\t", index_col=0, dtype=str)
ts = [x for x in df.columns if s.loc[x, col] in test.split("+")]
rs = [x for x in df.columns if s.loc[x, col] in ref.split("+")]
df = df[ts + rs]
cls = [test] * len(ts) + [ref] * len(rs)
times = []
for seed in range(1, int(reps) + 1):
    t = time.time()
    gp.gsea(data=df, gene_sets=gmt, cls=cls, permutation_type="phenotype", permutation_num=1000,
            method="signal_to_noise", min_size=15, max_size=500, weight=1.0, seed=seed,
            threads=int(threads), outdir=None, verbose=False)
    times.append(time.time() - t)
print(statistics.median(times))
PY
}

printf '%-34s %10s %10s %8s\n' "case (1,000 permutations)" "degsea s" "GSEApy s" "ratio"
d=$(time_degsea demo 1000 --expression "$DEMO/expr_logcpm.tsv" --samples "$DEMO/samples.tsv" \
  --contrast "cluster: cluster2+cluster3 vs cluster1" --genesets "$GMT_DEMO")
g=$(time_gseapy "$DEMO/expr_logcpm.tsv" cluster2+cluster3 cluster1 cluster "$DEMO/samples.tsv" "$GMT_DEMO")
printf '%-34s %10.3f %10.3f %7.1fx\n' "demo log-CPM 14,131 x 38" "$d" "$g" "$(echo "$g / $d" | bc -l)"
d=$(time_degsea leukemia 1000 --expression "$LEUK/expr.tsv" --samples "$LEUK_SHEET" \
  --contrast "type: ALL vs AML" --genesets "$LEUK/h.all.v7.0.symbols.gmt")
g=$(time_gseapy "$LEUK/expr.tsv" ALL AML type "$LEUK_SHEET" "$LEUK/h.all.v7.0.symbols.gmt")
printf '%-34s %10.3f %10.3f %7.1fx\n' "leukemia 11,548 rows x 48" "$d" "$g" "$(echo "$g / $d" | bc -l)"
d=$(time_degsea demo10k 10000 --expression "$DEMO/expr_logcpm.tsv" --samples "$DEMO/samples.tsv" \
  --contrast "cluster: cluster2+cluster3 vs cluster1" --genesets "$GMT_DEMO")
printf '%-34s %10.3f %10s   (goal < 1 s on 2 cores)\n' "demo, 10,000 permutations" "$d" "-"
