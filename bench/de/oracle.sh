#!/usr/bin/env bash
# The ceiling of the DE speed-ups: how fast would `degsea de` and `degsea run` be if the
# pseudo-counts' gamma quantile map (q2qnbinom's gamma half: one incomplete-gamma tail per count
# and the quantile solve, ~56 % of `degsea de`'s CPU) cost nothing?
#
# Applies oracle-free-map.patch to a throw-away worktree of HEAD: the patched binary returns the
# normal half of the map instead of the average of both (wrong pseudo-counts, the same passes,
# fits, likelihood sums, tests, GSEA and plots). The unpatched binary, the patched one and the
# anchors run on the same inputs in one session:
#   `degsea de` on the simulated 60,000 x 38 matrix against edgeR 3.40.2's classic stages
#   (bench/de/edger.R, as `make bench-de`), and `degsea run` on the simulated 60,000 x 38
#   cohort against R edgeR + z ranking, then rsfgsea 0.3.4 multilevel (as `make bench-run`).
# Prints the medians of REPS (default 5) interleaved runs, THREADS (default nproc) threads, the
# ratio as built, the ceiling (anchor / free-map time), and for the goals (DE 20x, run 15x)
# the share of today's map cost that would fit in their budget.
# Usage: bench/de/oracle.sh   (`make bench-de-oracle`; after bench/de/run.sh and
#        bench/run/run.sh have made the inputs)
source "$(dirname "$0")/../oracle-common.sh"
DE_DIR=$WORK/de/sim
RUN_DIR=$WORK/run/cohort
GMT=$WORK/run/hallmark.gmt
RSFGSEA=$WORK/rsfgsea/bin/rsfgsea
for f in "$DE_DIR/counts.tsv" "$RUN_DIR/counts.tsv" "$GMT" "$RSFGSEA"; do
  [[ -e $f ]] || { echo "bench/de/oracle: $f is missing; run bench/de/run.sh and bench/run/run.sh first" >&2; exit 1; }
done

echo "== building degsea (release) and the free-map variant" >&2
oracle_build "$ROOT/bench/de/oracle-free-map.patch" "$WORK/oracle-target-de"

de() { rm -rf "$OUT/de"; wall "$1" -q --threads "$THREADS" de --counts "$DE_DIR/counts.tsv" \
  --samples "$DE_DIR/samples.tsv" --contrast 'group: B vs A' --out "$OUT/de"; }
run() { rm -rf "$OUT/run"; wall "$1" -q --threads "$THREADS" run --counts "$RUN_DIR/counts.tsv" \
  --samples "$RUN_DIR/samples.tsv" --contrast 'cluster: cluster2+cluster3 vs cluster1' --out "$OUT/run"; }

echo "== anchors (once each)" >&2
Rscript bench/de/edger.R "$DE_DIR/counts.tsv" "$DE_DIR/samples.tsv" group B A "$OUT/edger_timings.tsv" >/dev/null
r_de=$(awk -F'\t' '$1 == "stages" {print $2}' "$OUT/edger_timings.tsv")
r_run=$(wall bash -c "Rscript bench/run/edger_rank.R $RUN_DIR/counts.tsv $RUN_DIR/samples.tsv cluster cluster2+cluster3 cluster1 $OUT/r.rnk && $RSFGSEA --ranks $OUT/r.rnk --gmt $GMT --minSize 15 --maxSize 500 --mode multilevel --nproc $THREADS --output $OUT/rsfgsea.tsv")

echo "== degsea as built and with a free gamma map, interleaved ($REPS rounds)" >&2
: >"$OUT/times.txt"
for _ in $(seq "$REPS"); do
  echo "$(de "$DEGSEA") $(de "$ORACLE") $(run "$DEGSEA") $(run "$ORACLE")" | tee -a "$OUT/times.txt" >&2
done
col() { cut -d' ' -f"$1" "$OUT/times.txt" | median; }
de_built=$(col 1) de_free=$(col 2) run_built=$(col 3) run_free=$(col 4)
python3 - "$r_de" "$de_built" "$de_free" "$r_run" "$run_built" "$run_free" "$THREADS" "$REPS" <<'PY'
import sys
r_de, de_b, de_f, r_run, run_b, run_f = map(float, sys.argv[1:7])
threads, reps = sys.argv[7:]
print(f"median of {reps} interleaved runs, {threads} threads")
for name, anchor, built, free, goal in [("degsea de, 60,000 x 38", r_de, de_b, de_f, 20),
                                         ("degsea run, 60,000 x 38", r_run, run_b, run_f, 15)]:
    budget = anchor / goal
    share = (budget - free) / (built - free)
    need = "unreachable even with a free map" if share <= 0 else f"the map may keep {share:.0%} of its cost"
    print(f"{name}: anchor {anchor:.2f} s; as built {built:.3f} s = {anchor / built:.1f}x; "
          f"free gamma map {free:.3f} s = {anchor / free:.1f}x (ceiling); goal {goal}x = {budget:.3f} s: {need}")
PY
