#!/usr/bin/env bash
# `make snakemake-test`: installs Snakemake from PyPI into a local virtualenv (.venv-snakemake),
# builds degsea, runs workflow/Snakefile with --cores 2 on the demo cohort (data/) for the two
# contrasts of workflow/config.yaml, and checks the outputs; then again with a `design` for one
# contrast (edgeR's QL F-test with the demo's stage as covariate). When ../shared is present it also
# runs the optional counting branch (BAM -> `degsea count` per sample -> merge) on the airway BAMs.
#
# Environment: PYTHON (default python3, needs >= 3.11), VENV (default .venv-snakemake),
# SNAKEMAKE_VERSION (default 9.27.1), DEGSEA (use this binary instead of building one),
# KEEP=1 (keep the temporary work folder).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-python3}
VENV=${VENV:-$ROOT/.venv-snakemake}
SNAKEMAKE_VERSION=${SNAKEMAKE_VERSION:-9.27.1}
DEMO=$ROOT/data/visram_like_simulated

say() { printf 'snakemake-test: %s\n' "$*" >&2; }
fail() { say "FAIL: $*"; exit 1; }

# 1. Snakemake in a local virtualenv.
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || fail "Snakemake $SNAKEMAKE_VERSION needs Python >= 3.11 (found $("$PYTHON" --version 2>&1)); set PYTHON"
if [[ "$("$VENV/bin/snakemake" --version 2>/dev/null || true)" != "$SNAKEMAKE_VERSION" ]]; then
  say "installing snakemake==$SNAKEMAKE_VERSION into $VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "snakemake==$SNAKEMAKE_VERSION"
fi
SNAKEMAKE=("$VENV/bin/snakemake" -s "$ROOT/workflow/Snakefile" --cores 2)

# 2. The degsea binary.
if [[ -z "${DEGSEA:-}" ]]; then
  say "cargo build --release"
  (cd "$ROOT" && cargo build --release --locked --quiet)
  DEGSEA=${CARGO_TARGET_DIR:-$ROOT/target}/release/degsea
fi
[[ -x "$DEGSEA" ]] || fail "degsea binary not found at $DEGSEA"
DEGSEA=$(cd "$(dirname "$DEGSEA")" && pwd)/$(basename "$DEGSEA")

WORK=$(mktemp -d "${TMPDIR:-/tmp}/degsea-snakemake.XXXXXX")
if [[ "${KEEP:-0}" == 1 ]]; then say "work folder kept: $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi

# 3. The demo cohort, both contrasts of workflow/config.yaml. Absolute paths, and Snakemake's own
#    state (.snakemake/) in the work folder, so nothing is written into the repository.
CONFIG=(degsea="$DEGSEA" counts="$DEMO/counts.tsv.gz" samples="$DEMO/samples.tsv" outdir="$WORK/results")
"${SNAKEMAKE[@]}" --directory "$WORK" --config "${CONFIG[@]}" -n --quiet all >/dev/null \
  || fail "dry run failed"
say "running the workflow on the demo cohort"
start=$(date +%s)
"${SNAKEMAKE[@]}" --directory "$WORK" --config "${CONFIG[@]}" --quiet all \
  || { cat "$WORK"/results/logs/run/*.log >&2 2>/dev/null || true; fail "workflow failed"; }
say "workflow finished in $(( $(date +%s) - start )) s"
# A second invocation must find nothing to do.
"${SNAKEMAKE[@]}" --directory "$WORK" --config "${CONFIG[@]}" -n 2>&1 | grep -q "Nothing to be done" \
  || fail "a second run would redo work"

# 4. Sanity of every output: headers, sizes, planted sets found with their sign.
"$VENV/bin/python" - "$WORK/results" "$DEMO/simulation.json" <<'PY' || fail "output checks"
import json, pathlib, sys

results, sim = pathlib.Path(sys.argv[1]), json.loads(pathlib.Path(sys.argv[2]).read_text())
planted = {p["set"]: p["log2FC"] for p in sim["planted"]}
slugs = ["cluster_cluster2+cluster3_vs_cluster1", "cluster_cluster3_vs_cluster1"]
problems = []
for slug in slugs:
    d = results / slug
    de = (d / "de.tsv").read_text().splitlines()
    if not de[0].startswith("gene\tlogFC\tlogCPM\tPValue\tFDR"):
        problems.append(f"{slug}/de.tsv header: {de[0]!r}")
    if len(de) - 1 <= 1000:
        problems.append(f"{slug}/de.tsv has only {len(de) - 1} rows")
    gsea = (d / "gsea.tsv").read_text().splitlines()
    head = gsea[0].split("\t")
    if head[:8] != ["pathway", "size", "ES", "NES", "pval", "padj", "log2err", "leadingEdge"]:
        problems.append(f"{slug}/gsea.tsv header: {gsea[0]!r}")
    rows = {r[0]: r for r in (line.split("\t") for line in gsea[1:])}
    for name, lfc in planted.items():
        r = rows.get(name)
        if r is None:
            problems.append(f"{slug}: planted set {name} missing from gsea.tsv")
            continue
        nes, padj = float(r[3]), float(r[5])
        if not (padj < 0.05 and (nes > 0) == (lfc > 0)):
            problems.append(f"{slug}: {name} NES {nes} padj {padj} (planted {lfc:+})")
    ranks = [l for l in (d / "ranks.rnk").read_text().splitlines() if l and not l.startswith("#")]
    if len(ranks) <= 1000:
        problems.append(f"{slug}/ranks.rnk has only {len(ranks)} lines")
    json.loads((d / "run.json").read_text())
    svg = (d / "plots" / "nes_bar.svg").read_text()
    if "<svg" not in svg[:500]:
        problems.append(f"{slug}/plots/nes_bar.svg is not an SVG")
    for extra in (results / "logs" / "run" / f"{slug}.log", results / "benchmarks" / "run" / f"{slug}.tsv"):
        if not extra.is_file():
            problems.append(f"missing {extra}")
    found = sum(1 for n, lfc in planted.items()
                if n in rows and float(rows[n][5]) < 0.05 and (float(rows[n][3]) > 0) == (lfc > 0))
    print(f"snakemake-test: {slug}: {len(de) - 1} genes, {len(rows)} pathways, "
          f"{found} of {len(planted)} planted sets at padj < 0.05 with the planted sign", file=sys.stderr)
if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
PY

# 4b. `design` in the config: the demo's stage as a covariate of the first contrast (edgeR's QL
#     F-test); the second contrast stays the classic exact test.
say "running the workflow with design: ~ stage + cluster for one contrast"
printf 'design:\n  "cluster: cluster2+cluster3 vs cluster1": "~ stage + cluster"\n' >"$WORK/design_config.yaml"
"${SNAKEMAKE[@]}" --directory "$WORK" --configfile "$WORK/design_config.yaml" \
  --config "${CONFIG[@]/#outdir=*/outdir=$WORK/results_design}" --quiet all \
  || { cat "$WORK"/results_design/logs/run/*.log >&2 2>/dev/null || true; fail "workflow with design failed"; }
"$VENV/bin/python" - "$WORK/results_design" <<'PY' || fail "design outputs"
import json, pathlib, sys
r = pathlib.Path(sys.argv[1])
glm, classic = r / "cluster_cluster2+cluster3_vs_cluster1", r / "cluster_cluster3_vs_cluster1"
head = (glm / "de.tsv").read_text().split("\n", 1)[0]
assert head == "gene\tlogFC\tlogCPM\tF\tPValue\tFDR\tdispersion", head
m = json.loads((glm / "run.json").read_text())
assert m["results"]["design"]["model"]["formula"] == "~ stage + cluster", m["results"]["design"]
assert m["results"]["de"]["method"] == "ql"
assert (classic / "de.tsv").read_text().startswith("gene\tlogFC\tlogCPM\tPValue\tFDR\tdispersion\n")
print("snakemake-test: design applied to one contrast (QL F-test), the other stays exact", file=sys.stderr)
PY

# 4c. `permute: phenotype` with `permute_within: stage` for the first contrast: sample-label
#     permutation GSEA within the demo's stages.
say "running the workflow with permute: phenotype, permute_within: stage"
printf 'contrasts:\n  - "cluster: cluster2+cluster3 vs cluster1"\npermute: phenotype\npermute_within: stage\nrun_extra: "--nperm 200 --no-report"\n' \
  >"$WORK/pheno_config.yaml"
"${SNAKEMAKE[@]}" --directory "$WORK" --configfile "$WORK/pheno_config.yaml" \
  --config "${CONFIG[@]/#outdir=*/outdir=$WORK/results_pheno}" --quiet all \
  || { cat "$WORK"/results_pheno/logs/run/*.log >&2 2>/dev/null || true; fail "workflow with permute: phenotype failed"; }
"$VENV/bin/python" - "$WORK/results_pheno/cluster_cluster2+cluster3_vs_cluster1" "$DEMO/simulation.json" <<'PY' \
  || fail "phenotype outputs"
import json, pathlib, sys
d, sim = pathlib.Path(sys.argv[1]), json.loads(pathlib.Path(sys.argv[2]).read_text())
lines = (d / "gsea.tsv").read_text().splitlines()
assert lines[0] == "pathway\tsize\tES\tNES\tpval\tfdr_q\tfwer_p\trank_at_max\tleadingEdge", lines[0]
m = json.loads((d / "run.json").read_text())
g = m["parameters"]["gsea"]
assert (g["permute"], g["permute_within"], g["nperm"]) == ("phenotype", "stage", 200), g
assert m["results"]["gsea"]["mode"] == "phenotype", m["results"]["gsea"]
rows = {r[0]: r for r in (l.split("\t") for l in lines[1:])}
planted = {p["set"]: p["log2FC"] for p in sim["planted"]}
found = sum(1 for n, lfc in planted.items()
            if n in rows and float(rows[n][5]) < 0.05 and (float(rows[n][3]) > 0) == (lfc > 0))
assert found >= len(planted) // 2, f"only {found} of {len(planted)} planted sets at fdr_q < 0.05"
print(f"snakemake-test: phenotype permutation within stage: {found} of {len(planted)} planted sets "
      f"at fdr_q < 0.05 with the planted sign", file=sys.stderr)
PY

# 5. The counting branch (BAM -> degsea count per sample -> merge), on the airway BAMs.
BAMDIR=$ROOT/../shared/bam/airway_subset
if [[ -d "$BAMDIR" ]]; then
  say "counting branch on $BAMDIR"
  {
    echo "gtf: $BAMDIR/Homo_sapiens.GRCh37.75_subset.gtf"
    echo "bams:"
    for b in "$BAMDIR"/*_subset.bam; do s=$(basename "$b" _subset.bam); echo "  $s: $b"; done
  } >"$WORK/bam_config.yaml"
  "${SNAKEMAKE[@]}" "$WORK/results_bam/counts/counts.tsv" --directory "$WORK" \
    --configfile "$WORK/bam_config.yaml" --config degsea="$DEGSEA" outdir="$WORK/results_bam" --quiet all \
    || { cat "$WORK"/results_bam/logs/count/*.log >&2 2>/dev/null || true; fail "counting branch failed"; }
  "$VENV/bin/python" - "$WORK/results_bam/counts/counts.tsv" "$BAMDIR" <<'PY' || fail "merged counts"
import pathlib, sys
lines = pathlib.Path(sys.argv[1]).read_text().splitlines()
bams = sorted(p.name.removesuffix("_subset.bam") for p in pathlib.Path(sys.argv[2]).glob("*_subset.bam"))
head = lines[0].split("\t")
assert head[0] == "gene" and sorted(head[1:]) == bams, head
rows = [l.split("\t") for l in lines[1:]]
assert len(rows) > 10 and all(len(r) == len(head) for r in rows)
total = sum(int(c) for r in rows for c in r[1:])
assert total > 0, "no reads counted"
print(f"snakemake-test: merged {len(head) - 1} BAMs x {len(rows)} genes, {total} reads assigned", file=sys.stderr)
PY
else
  say "skipping the counting branch: ../shared is absent (it is present in CI)"
fi
say "OK"
