#!/usr/bin/env bash
# Benchmark: `degsea count --paired --threads 2` vs `featureCounts -p --countReadPairs -T 2` on a
# generated coordinate-sorted paired-end BAM (>= 5M reads) + GTF under bench/work/ (gitignored).
# Usage: bench/count/run.sh [RUNS] (default 3; the median wall time of the runs is reported).
# Env: PAIRS (default 2500000), CARGO_TARGET_DIR (default target).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-3}
PAIRS=${PAIRS:-2500000}
TARGET=${CARGO_TARGET_DIR:-target}
WORK=bench/work/count
mkdir -p "$WORK"

command -v featureCounts >/dev/null || { echo "featureCounts not found (apt-get install subread)"; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install time)"; exit 1; }

cargo build --release --locked --bin degsea -p degsea
cargo build --release --locked -p degsea-count --example gen_bench_bam
if [ ! -s "$WORK/bench.bam" ] || [ "$(cat "$WORK/pairs" 2>/dev/null)" != "$PAIRS" ]; then
  "$TARGET/release/examples/gen_bench_bam" "$WORK" "$PAIRS"
  echo "$PAIRS" > "$WORK/pairs"
fi
BAM=$WORK/bench.bam
GTF=$WORK/bench.gtf
echo "input: $BAM ($(du -h "$BAM" | cut -f1), $((2 * PAIRS)) reads), $GTF"

# measure NAME CMD... -> appends "wall_s max_rss_kb" lines to $WORK/NAME.times
measure() {
  local name=$1; shift
  : > "$WORK/$name.times"
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$WORK/$name.one" "$@" > /dev/null 2>&1
    cat "$WORK/$name.one" >> "$WORK/$name.times"
  done
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure degsea "$TARGET/release/degsea" count -q --threads 2 --paired --gtf "$GTF" --bam "$BAM" -o "$WORK/degsea.tsv"
measure featurecounts featureCounts -p --countReadPairs -T 2 -a "$GTF" -o "$WORK/fc.tsv" "$BAM"

D_T=$(cut -d' ' -f1 "$WORK/degsea.times" | median); D_M=$(cut -d' ' -f2 "$WORK/degsea.times" | sort -n | tail -1)
F_T=$(cut -d' ' -f1 "$WORK/featurecounts.times" | median); F_M=$(cut -d' ' -f2 "$WORK/featurecounts.times" | sort -n | tail -1)

if diff <(grep -v '^#' "$WORK/degsea.tsv" | cut -f1-7 | tail -n +2) <(grep -v '^#' "$WORK/fc.tsv" | cut -f1-7 | tail -n +2) > /dev/null \
  && diff <(cut -f2 "$WORK/degsea.tsv.summary") <(cut -f2 "$WORK/fc.tsv.summary") > /dev/null; then
  SAME="identical counts and summary"
else
  SAME="COUNTS DIFFER"
fi

echo "runs: $RUNS (median wall time, max peak RSS); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-40s %8s s %8s MB\n" "degsea count --paired --threads 2" "$D_T" "$((D_M / 1024))"
printf "%-40s %8s s %8s MB\n" "featureCounts -p --countReadPairs -T 2" "$F_T" "$((F_M / 1024))"
awk -v d="$D_T" -v f="$F_T" -v dm="$D_M" -v fm="$F_M" -v same="$SAME" 'BEGIN {
  printf "speed ratio featureCounts/degsea: %.2fx (>= 1 means degsea is at least as fast)\n", f / d
  printf "memory ratio degsea/featureCounts: %.2fx (goal <= 2)\n", dm / fm
  printf "%s\n", same
}'
