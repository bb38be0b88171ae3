#!/usr/bin/env bash
# Times `degsea gsea` beside rsfgsea 0.3.4 (crates.io) and GSEApy's prerank (PyPI) on the fgsea
# example (naive.vs.th1.rnk + mouse.reactome.gmt, min size 15, max size 500: 586 pathways,
# 12,000 genes), in two modes:
#   permutation: 10,000 permutations (fgseaSimple; GSEApy prerank permutation_num 10000)
#   multilevel:  eps 0 (fgseaMultilevel; GSEApy prerank --method multilevel)
# Each tool runs REPS times per mode (default 3); the median wall time and the median CPU time
# (user + sys) are printed with ratios to degsea. All tools use every core (2 on the CI box).
# Usage: bench/gsea/run.sh   (needs ../shared; REPS=N, THREADS=N, GSEAPY_PERM=0 to skip the
#        ~7-minute GSEApy permutation run)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
WORK=$ROOT/bench/work
SHARED=${SHARED:-$ROOT/../shared}
DATA=$SHARED/data/fgsea_example
REPS=${REPS:-3}
THREADS=${THREADS:-$(nproc)}
mkdir -p "$WORK"

[[ -d $DATA ]] || { echo "bench/gsea: $DATA is missing" >&2; exit 1; }

echo "== building degsea (release)" >&2
cargo build --release --locked -q
DEGSEA=$ROOT/target/release/degsea
[[ -n ${CARGO_TARGET_DIR:-} ]] && DEGSEA=$CARGO_TARGET_DIR/release/degsea

RSFGSEA=$WORK/rsfgsea/bin/rsfgsea
if [[ ! -x $RSFGSEA ]]; then
  echo "== installing rsfgsea 0.3.4" >&2
  cargo install rsfgsea --version 0.3.4 --locked --root "$WORK/rsfgsea" -q \
    || cargo install rsfgsea --version 0.3.4 --root "$WORK/rsfgsea" -q
fi

VENV=$WORK/venv
if [[ ! -x $VENV/bin/gseapy ]]; then
  echo "== installing gseapy into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q gseapy
fi
GSEAPY_VERSION=$("$VENV/bin/python" -c 'import gseapy; print(gseapy.__version__)')

OUT=$WORK/gsea-out
mkdir -p "$OUT"
# Every tool gets the same rewritten copy: rsfgsea 0.3.4 rejects the `ID<TAB>t` header line, and
# GSEApy reads the numeric Entrez ids as numbers and then matches no gene, so ids get a `g` prefix.
RNK=$WORK/naive.vs.th1.bench.rnk
GMT=$WORK/mouse.reactome.bench.gmt
tail -n +2 "$DATA/naive.vs.th1.rnk" | sed 's/^/g/' >"$RNK"
awk -F'\t' 'BEGIN{OFS="\t"} {for (i = 3; i <= NF; i++) if ($i != "") $i = "g" $i; print}' \
  "$DATA/mouse.reactome.gmt" >"$GMT"

# time_cmd NAME CMD...: runs CMD REPS times, prints "NAME wall_median cpu_median".
time_cmd() {
  local name=$1; shift
  local walls=() cpus=()
  for _ in $(seq "$REPS"); do
    /usr/bin/time -o "$WORK/time.txt" -f '%e %U %S' "$@" >/dev/null 2>"$WORK/last-stderr.txt" \
      || { echo "bench/gsea: $name failed:" >&2; tail -5 "$WORK/last-stderr.txt" >&2; exit 1; }
    read -r w u s < <(tail -1 "$WORK/time.txt")
    walls+=("$w"); cpus+=("$(echo "$u + $s" | bc -l)")
  done
  local wm cm
  wm=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  cm=$(printf '%s\n' "${cpus[@]}" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  echo "$name $wm $cm"
}

declare -A WALL CPU
record() { read -r n w c <<<"$1"; WALL[$n]=$w; CPU[$n]=$c; echo "  $n: wall ${w}s cpu ${c}s" >&2; }

echo "== permutation, 10,000 permutations (threads $THREADS, $REPS reps)" >&2
record "$(time_cmd degsea_perm "$DEGSEA" --threads "$THREADS" gsea --ranks "$RNK" --genesets "$GMT" \
  --min-size 15 --max-size 500 --method permutation --nperm 10000 --seed 1 --out "$OUT/degsea_perm")"
record "$(time_cmd rsfgsea_perm "$RSFGSEA" --ranks "$RNK" --gmt "$GMT" --minSize 15 --maxSize 500 \
  --mode simple --nperm 10000 --seed 1 --nproc "$THREADS" --output "$OUT/rsfgsea_perm.tsv")"
# GSEApy's permutation prerank takes ~7 minutes here; GSEAPY_PERM=0 skips it.
[[ ${GSEAPY_PERM:-1} == 0 ]] || record "$(time_cmd gseapy_perm "$VENV/bin/gseapy" prerank -r "$RNK" -g "$GMT" --min-size 15 --max-size 500 \
  -n 10000 --seed 1 -p "$THREADS" --no-plot -o "$OUT/gseapy_perm")"

echo "== multilevel, eps 0" >&2
record "$(time_cmd degsea_ml "$DEGSEA" --threads "$THREADS" gsea --ranks "$RNK" --genesets "$GMT" \
  --min-size 15 --max-size 500 --method multilevel --eps 0 --seed 1 --out "$OUT/degsea_ml")"
record "$(time_cmd rsfgsea_ml "$RSFGSEA" --ranks "$RNK" --gmt "$GMT" --minSize 15 --maxSize 500 \
  --mode multilevel --eps 0 --seed 1 --nproc "$THREADS" --output "$OUT/rsfgsea_ml.tsv")"
record "$(time_cmd gseapy_ml "$VENV/bin/gseapy" prerank -r "$RNK" -g "$GMT" --min-size 15 --max-size 500 \
  -m multilevel --eps 0 --seed 1 -p "$THREADS" --no-plot -o "$OUT/gseapy_ml")"

ratio() { echo "scale=2; $1 / $2" | bc -l; }
echo
echo "fgsea_example (586 pathways, 12,000 genes), $THREADS threads, median of $REPS; load avg: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-12s %-10s %10s %10s %12s %12s\n' mode tool wall_s cpu_s wall_ratio cpu_ratio
for mode in perm ml; do
  for tool in degsea rsfgsea gseapy; do
    k=${tool}_$mode
    [[ -n ${WALL[$k]:-} ]] || continue
    printf '%-12s %-10s %10s %10s %12s %12s\n' "$([[ $mode == perm ]] && echo permutation || echo multilevel)" \
      "$tool" "${WALL[$k]}" "${CPU[$k]}" "$(ratio "${WALL[$k]}" "${WALL[degsea_$mode]}")x" \
      "$(ratio "${CPU[$k]}" "${CPU[degsea_$mode]}")x"
  done
done
echo "(ratios are tool time / degsea time; gseapy $GSEAPY_VERSION)"
