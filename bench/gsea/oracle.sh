#!/usr/bin/env bash
# The ceiling of the multilevel engine's speed-ups: how fast would `degsea gsea --eps 0` be if
# the MCMC acceptance test (`first_above`, the chunk scan of fgsea's `EsRuler::perturbate`)
# cost nothing?
#
# Applies oracle-scan.patch to a throw-away worktree of HEAD. The patched binary runs the
# rulers three times in one process: as built (timed), recording every answer of the scan,
# then replaying the answers instead of scanning (timed). The replay is the same chain (same
# draws, swaps and levels; the patch asserts identical rulers) with a free acceptance scan.
# Beside it, the unpatched degsea and rsfgsea 0.3.4 are timed on the same input, so
#   ceiling = rsfgsea / (degsea − (rulers as built − rulers with a free scan))
# is the best ratio any acceptance test could give. Medians of REPS (default 5) interleaved
# runs, THREADS (default nproc) threads.
# The patch is against the engine of this commit (the build below fails if it no longer applies).
# Usage: bench/gsea/oracle.sh   (after bench/gsea/run.sh has made the inputs and rsfgsea)
source "$(dirname "$0")/../oracle-common.sh"
RNK=$WORK/naive.vs.th1.bench.rnk
GMT=$WORK/mouse.reactome.bench.gmt
RSFGSEA=$WORK/rsfgsea/bin/rsfgsea
for f in "$RNK" "$GMT" "$RSFGSEA"; do
  [[ -e $f ]] || { echo "bench/gsea/oracle: $f is missing; run bench/gsea/run.sh first" >&2; exit 1; }
done

echo "== building degsea (release) and the oracle-scan variant" >&2
oracle_build "$ROOT/bench/gsea/oracle-scan.patch" "$WORK/oracle-target"

args=(gsea --ranks "$RNK" --genesets "$GMT" --min-size 15 --max-size 500 --eps 0 --seed 1 --threads "$THREADS")
: >"$WORK/oracle.txt"
for _ in $(seq "$REPS"); do
  built_free=$("$ORACLE" "${args[@]}" --out "$WORK/gsea-out/oracle" 2>&1 \
    | sed -n 's/^oracle-scan: rulers \([0-9.]*\) s as built, \([0-9.]*\) s with.*/\1 \2/p')
  d=$(wall "$DEGSEA" "${args[@]}" --out "$WORK/gsea-out/degsea_ml")
  r=$(wall "$RSFGSEA" --ranks "$RNK" --gmt "$GMT" --minSize 15 --maxSize 500 --mode multilevel --eps 0 \
    --seed 1 --nproc "$THREADS" --output "$WORK/gsea-out/rsfgsea_ml.tsv")
  echo "$built_free $d $r" | tee -a "$WORK/oracle.txt" >&2
done
built=$(cut -d' ' -f1 "$WORK/oracle.txt" | median)
free=$(cut -d' ' -f2 "$WORK/oracle.txt" | median)
d=$(cut -d' ' -f3 "$WORK/oracle.txt" | median)
r=$(cut -d' ' -f4 "$WORK/oracle.txt" | median)
echo
echo "multilevel eps 0, fgsea_example, $THREADS threads, median of $REPS; load avg: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rulers as built ${built} s, with a free acceptance scan ${free} s"
echo "degsea ${d} s, rsfgsea ${r} s: ratio $(echo "scale=2; $r / $d" | bc -l)x," \
  "ceiling with a free scan $(echo "scale=2; $r / ($d - $built + $free)" | bc -l)x"
