#!/usr/bin/env bash
# Cost floor of a tree-shaped MCMC acceptance test (bench/gsea/structure_floor.rs): wall ns per
# swap attempt (load-dependent) and callgrind instructions per attempt (load-independent), for
# a segment tree over list positions and one over the sample's members, k = 15..500, n = 12,000.
# With DEGSEA=path/to/degsea (and the inputs of bench/gsea/run.sh), also the instructions of a
# whole single-thread `degsea gsea --eps 0` run on fgsea_example, per swap attempt of its chain
# (22.5 M attempts, counted with bench/gsea/oracle-scan.patch): the budget any test must fit in.
# Usage: bench/gsea/floor.sh   (needs rustc; valgrind for the instruction counts; ~5 min)
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=$PWD/bench/work/floor
mkdir -p "$WORK"
rustc -O -C opt-level=3 --edition 2021 bench/gsea/structure_floor.rs -o "$WORK/structure_floor"
echo "== wall time (load avg $(cut -d' ' -f1-3 /proc/loadavg))"
"$WORK/structure_floor" 2000000
command -v valgrind >/dev/null || exit 0
ir() { valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" "$@" >/dev/null 2>&1
  callgrind_annotate "$WORK/cg.out" | awk '/PROGRAM TOTALS/ && !done {gsub(",", "", $1); print $1; done = 1}'; }
echo "== callgrind instructions per attempt"
N=100000
for tree in positions members; do
  for k in 15 50 200 500; do
    base=$(TREE=$tree K=$k ir "$WORK/structure_floor" 0)
    full=$(TREE=$tree K=$k ir "$WORK/structure_floor" "$N")
    echo "$tree k $k: $(( (full - base) / N )) instructions/attempt"
  done
done
[[ -n ${DEGSEA:-} ]] || exit 0
IN=$PWD/bench/work
total=$(ir "$DEGSEA" --threads 1 gsea --ranks "$IN/naive.vs.th1.bench.rnk" --genesets "$IN/mouse.reactome.bench.gmt" \
  --min-size 15 --max-size 500 --method multilevel --eps 0 --seed 1 --out "$WORK/degsea_ml")
echo "degsea gsea --eps 0 (whole run, 1 thread): $total instructions, $(( total / 22500000 )) per swap attempt"
