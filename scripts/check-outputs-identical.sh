#!/usr/bin/env bash
# Prints the SHA-256 of every result file degsea writes for the demo cohort and each dataset in
# ../shared/data, so two builds can be compared byte for byte (used for refactors that must not
# move a result): run it with each binary and `diff` the two listings.
#   scripts/check-outputs-identical.sh BINARY OUTDIR > sums.txt
# run.json is left out (it holds timings, and its layout is the manifest schema's).
set -euo pipefail
bin=$(realpath "$1"); out=$2
root=$(cd "$(dirname "$0")/.." && pwd); shared="$root/../shared"
rm -rf "$out"; mkdir -p "$out"
demo="$root/data/visram_like_simulated"
q=(-q --threads 2)
"$bin" run "${q[@]}" --counts "$demo/counts.tsv.gz" --samples "$demo/samples.tsv" \
  --contrast "cluster: cluster2+cluster3 vs cluster1" --out "$out/demo_run"
"$bin" run "${q[@]}" --counts "$demo/counts.tsv.gz" --samples "$demo/samples.tsv" --no-plots \
  --contrast "cluster: cluster2+cluster3 vs cluster1" --contrast "cluster: cluster3 vs cluster1" --out "$out/demo_two"
"$bin" normalize "${q[@]}" --counts "$demo/counts.tsv.gz" --samples "$demo/samples.tsv" \
  --contrast "cluster: cluster2+cluster3 vs cluster1" --out "$out/demo_norm"
if [ -d "$shared/data" ]; then
  declare -A contrast=([pasilla]="condition: treated vs untreated" [airway]="dex: treated vs control"
                       [pickrell]="gender: male vs female")
  for d in pasilla airway pickrell; do
    data="$shared/data/$d"
    "$bin" de "${q[@]}" --counts "$data/counts.tsv" --samples "$data/samples.tsv" \
      --contrast "${contrast[$d]}" --json --out "$out/${d}_de"
    "$bin" normalize "${q[@]}" --counts "$data/counts.tsv" --samples "$data/samples.tsv" \
      --contrast "${contrast[$d]}" --out "$out/${d}_norm"
  done
  "$bin" run "${q[@]}" --counts "$shared/data/airway/counts.tsv" --samples "$shared/data/airway/samples.tsv" \
    --contrast "dex: treated vs control" --out "$out/airway_run"
  "$bin" gsea "${q[@]}" --ranks "$shared/data/fgsea_example/naive.vs.th1.rnk" \
    --genesets "$shared/data/fgsea_example/mouse.reactome.gmt" --method permutation --nperm 2000 \
    --out "$out/fgsea_perm"
  "$bin" gsea "${q[@]}" --ranks "$shared/data/fgsea_example/naive.vs.th1.rnk" \
    --genesets "$shared/data/fgsea_example/mouse.reactome.gmt" --out "$out/fgsea_ml"
  "$bin" plot all "${q[@]}" --from "$out/airway_run" --out "$out/airway_replot"
else
  echo "note: ../shared is absent; only the demo was checked" >&2
fi
"$bin" simulate -q --genes 6000 --groups a=4,b=4 --column group --test b \
  --plant HALLMARK_E2F_TARGETS=+0.5 --out "$out/sim"
cd "$out" && find . -type f ! -name run.json -print0 | sort -z | xargs -0 sha256sum
