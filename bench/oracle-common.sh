# Shared by the ceiling benchmarks (bench/de/oracle.sh, bench/gsea/oracle.sh); source it from
# the script. Sets ROOT (the repository), WORK (bench/work), REPS (default 5), THREADS (default
# nproc), OUT (a scratch folder removed on exit) and DEGSEA (HEAD's release binary, built), and
# defines:
#   oracle_build PATCH TARGET   builds HEAD with PATCH applied in a throw-away worktree into the
#                               cargo target folder TARGET; sets ORACLE to that binary (fails if
#                               the patch no longer applies to the engine)
#   wall CMD...                 runs CMD (its output discarded) and prints its wall seconds
#   median                      the median of the numbers on stdin, one per line
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[1]}")/../.."
ROOT=$PWD
WORK=$ROOT/bench/work
REPS=${REPS:-5}
THREADS=${THREADS:-$(nproc)}
OUT=$(mktemp -d)
TREE=
trap 'if [[ -n $TREE ]]; then git -C "$ROOT" worktree remove --force "$TREE"; fi; rm -rf "$OUT"' EXIT

cargo build --release --locked -q --bin degsea
DEGSEA=${CARGO_TARGET_DIR:-$ROOT/target}/release/degsea

oracle_build() {
  TREE=$(mktemp -d)
  git worktree add -q --detach "$TREE" HEAD
  git -C "$TREE" apply "$1"
  (cd "$TREE" && CARGO_TARGET_DIR=$2 cargo build --release --locked -q --bin degsea)
  ORACLE=$2/release/degsea
}

wall() { /usr/bin/time -f '%e' -o "$OUT/time.txt" "$@" >/dev/null 2>"$OUT/stderr.txt"; cat "$OUT/time.txt"; }
median() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
