#!/usr/bin/env bash
# `make stress` (not in CI): degsea at scale and under SIGTERM.
#
#  1. `degsea simulate` a GENES x SAMPLES cohort (default 60,000 x 2,000, two equal groups);
#  2. `degsea run` on it: wall time and peak RSS (GNU time);
#  3. `degsea de` on it: peak RSS beside the dense f64 genes x samples matrix (8 bytes a cell;
#     the issue's budget is 2x that);
#  4. KILLS runs of `degsea run` into one output folder, alternating `--fdr 0.5` and
#     `--fdr 0.0001` (different sets of enrichment plots), each sent SIGTERM after a random
#     delay within the length of a full run; after each, the folder must be absent or exactly
#     one complete run's file list (never a mix of two runs, never partial), and no staging
#     folder may be left once one more run has finished.
#
# Environment: GENES (60000), SAMPLES (2000), KILLS (20), KILL_GENES/KILL_SAMPLES (the cohort
# the kill test runs on: 20000 x 40, so each run is a few seconds), THREADS (2), SEED (1),
# DEGSEA (a binary to use instead of building one), KEEP=1 keeps the work folder.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GENES=${GENES:-60000}
SAMPLES=${SAMPLES:-2000}
KILLS=${KILLS:-20}
KILL_GENES=${KILL_GENES:-20000}
KILL_SAMPLES=${KILL_SAMPLES:-40}
THREADS=${THREADS:-2}
SEED=${SEED:-1}

say() { printf 'stress: %s\n' "$*" >&2; }
fail() { say "FAIL: $*"; exit 1; }
[[ -x /usr/bin/time ]] || fail "GNU time (/usr/bin/time) is needed for peak RSS (apt-get install time)"

if [[ -z "${DEGSEA:-}" ]]; then
  say "cargo build --release"
  (cd "$ROOT" && cargo build --release --locked --quiet)
  DEGSEA=${CARGO_TARGET_DIR:-$ROOT/target}/release/degsea
fi
[[ -x "$DEGSEA" ]] || fail "degsea binary not found at $DEGSEA"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/degsea-stress.XXXXXX")
if [[ "${KEEP:-0}" != 1 ]]; then trap 'rm -rf "$WORK"' EXIT; else say "work folder $WORK"; fi

# Wall seconds, peak RSS (MiB) and CPU seconds (user + system) of a command, from GNU time's
# -f output in $1. On a shared machine the wall time grows with the load; the CPU time does not.
measure() {
  local log=$1; shift
  /usr/bin/time -f '%e %M %U %S' -o "$log" "$@" 2>"$log.stderr" >/dev/null || { cat "$log.stderr" >&2; return 1; }
  read -r secs kib user sys <"$log"
  printf '%s %s %s\n' "$secs" "$((kib / 1024))" "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')"
}

cohort() { # cohort GENES SAMPLES DIR
  local half=$(($2 / 2))
  "$DEGSEA" -q simulate --genes "$1" --groups "a=$half,b=$(($2 - half))" --column group --test b \
    --plant HALLMARK_E2F_TARGETS=+0.6,HALLMARK_MYC_TARGETS_V1=+0.5,HALLMARK_HYPOXIA=-0.5 --seed "$SEED" --out "$3"
}

# 1-3. Scale.
say "simulating $GENES x $SAMPLES"
cohort "$GENES" "$SAMPLES" "$WORK/sim"
ARGS=(--counts "$WORK/sim/counts.tsv" --samples "$WORK/sim/samples.tsv" --contrast "group: b vs a")
read -r run_s run_mib run_cpu < <(measure "$WORK/run.time" "$DEGSEA" --threads "$THREADS" run "${ARGS[@]}" --out "$WORK/run")
read -r de_s de_mib de_cpu < <(measure "$WORK/de.time" "$DEGSEA" --threads "$THREADS" de "${ARGS[@]}" --out "$WORK/de")
dense_mib=$((GENES * SAMPLES * 8 / 1024 / 1024))
printf 'stress: %s genes x %s samples, %s threads\n' "$GENES" "$SAMPLES" "$THREADS"
printf 'stress: load average (1, 5, 15 min) after the runs: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
printf 'stress: degsea run  %8.1f s wall  %8.1f s CPU  peak RSS %6d MiB\n' "$run_s" "$run_cpu" "$run_mib"
printf 'stress: degsea de   %8.1f s wall  %8.1f s CPU  peak RSS %6d MiB  = %s x the dense f64 matrix (%d MiB)\n' \
  "$de_s" "$de_cpu" "$de_mib" "$(awk -v a="$de_mib" -v b="$dense_mib" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" "$dense_mib"

# 4. SIGTERM at random points.
say "kill test: $KILLS runs on $KILL_GENES x $KILL_SAMPLES, SIGTERM at a random point"
cohort "$KILL_GENES" "$KILL_SAMPLES" "$WORK/ksim"
KARGS=(--counts "$WORK/ksim/counts.tsv" --samples "$WORK/ksim/samples.tsv" --contrast "group: b vs a" --threads "$THREADS")
listing() { (cd "$1" && find . -type f ! -name '.degsea-output' | LC_ALL=C sort); }
FDRS=(0.5 0.0001)
start=$(date +%s.%N)
"$DEGSEA" -q run "${KARGS[@]}" --fdr "${FDRS[0]}" --out "$WORK/ref0"
full=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')
"$DEGSEA" -q run "${KARGS[@]}" --fdr "${FDRS[1]}" --out "$WORK/ref1"
listing "$WORK/ref0" >"$WORK/ref0.list"
listing "$WORK/ref1" >"$WORK/ref1.list"
cmp -s "$WORK/ref0.list" "$WORK/ref1.list" && fail "the two --fdr values give the same files: a mix could not be seen"
out=$WORK/killed
mixed=0; absent=0; complete=0; killed_early=0
for i in $(seq 1 "$KILLS"); do
  delay=$(awk -v f="$full" -v r="$RANDOM" 'BEGIN { printf "%.3f", f * 1.1 * r / 32768 }')
  "$DEGSEA" -q run "${KARGS[@]}" --fdr "${FDRS[$((i % 2))]}" --out "$out" 2>/dev/null &
  pid=$!
  sleep "$delay"
  kill -TERM "$pid" 2>/dev/null && killed_early=$((killed_early + 1)) || true
  wait "$pid" 2>/dev/null || true
  if [[ ! -e "$out" ]]; then
    absent=$((absent + 1))
  elif listing "$out" | cmp -s - "$WORK/ref0.list" || listing "$out" | cmp -s - "$WORK/ref1.list"; then
    complete=$((complete + 1))
  else
    mixed=$((mixed + 1))
    say "run $i (SIGTERM after ${delay}s): $out is neither absent nor one complete run:"
    diff <(listing "$out") "$WORK/ref$((i % 2)).list" | head -5 >&2 || true
  fi
done
staging=$(find "$WORK" -maxdepth 1 -name '.killed.degsea-*' | wc -l)
printf 'stress: SIGTERM x %d (full run %.1f s; %d killed before finishing): %d absent, %d complete, %d mixed or partial; %d staging folder(s) left by the killed runs\n' \
  "$KILLS" "$full" "$killed_early" "$absent" "$complete" "$mixed" "$staging"
# The next run cleans what killed runs left.
"$DEGSEA" run "${KARGS[@]}" --out "$out" 2>"$WORK/clean.log" >/dev/null
staging_after=$(find "$WORK" -maxdepth 1 -name '.killed.degsea-*' | wc -l)
printf 'stress: after one more run: %d staging folder(s) left\n' "$staging_after"
grep -i 'stale' "$WORK/clean.log" | head -3 >&2 || true
[[ $mixed -eq 0 ]] || fail "$mixed killed run(s) left a mixed or partial output folder"
[[ $staging_after -eq 0 ]] || fail "staging folders of killed runs were not cleaned"
say "ok"
