#!/usr/bin/env bash
# `make report-test`: the browser test of report.html (issue 18). Installs selenium from PyPI into a
# local virtualenv (.venv-report), builds degsea, runs the demo cohort and the 60,000-gene x 38-sample
# benchmark cohort (`degsea simulate`, as bench/run; `degsea run` writes report.html, and
# `degsea report --from` must rebuild the same bytes), and drives headless
# Chromium (/usr/bin/chromium + chromedriver) through scripts/report_test.py. The full-page
# screenshot goes to $OUT (default out/report-test/report.png).
#
# Environment: PYTHON (default python3), VENV (default .venv-report), SELENIUM_VERSION (default
# 4.27.1), DEGSEA (use this binary), OUT, KEEP=1 (keep the temporary work folder).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-python3}
VENV=${VENV:-$ROOT/.venv-report}
SELENIUM_VERSION=${SELENIUM_VERSION:-4.27.1}
OUT=${OUT:-$ROOT/out/report-test}
DEMO=$ROOT/data/visram_like_simulated
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

say() { printf 'report-test: %s\n' "$*" >&2; }
fail() { say "FAIL: $*"; exit 1; }

[[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] \
  || fail "needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: apt-get install chromium chromium-driver)"
if ! "$VENV/bin/python" -c "import selenium, sys; sys.exit(selenium.__version__ != '$SELENIUM_VERSION')" 2>/dev/null; then
  say "installing selenium==$SELENIUM_VERSION into $VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "selenium==$SELENIUM_VERSION"
fi

say "cargo build --release"
(cd "$ROOT" && cargo build --release --locked --quiet --bin degsea)
DEGSEA=${DEGSEA:-$TARGET/release/degsea}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/degsea-report-test.XXXXXX")
if [[ "${KEEP:-0}" == 1 ]]; then say "work folder kept: $WORK"; else trap 'rm -rf "$WORK"' EXIT; fi

say "demo run"
"$DEGSEA" -q run --counts "$DEMO/counts.tsv.gz" --samples "$DEMO/samples.tsv" \
  --contrast "cluster: cluster2+cluster3 vs cluster1" --out "$WORK/demo"
[[ -s "$WORK/demo/report.html" ]] || fail "degsea run wrote no report.html"
# The page `degsea report --from` rebuilds must be the page the run wrote.
"$DEGSEA" -q report --from "$WORK/demo" -o "$WORK/rebuilt.html"
cmp -s "$WORK/demo/report.html" "$WORK/rebuilt.html" || fail "degsea report --from differs from the run's report.html"

say "benchmark cohort: 60,000 genes x 38 samples"
"$DEGSEA" -q simulate --genes 60000 --groups cluster1=24,cluster2=5,cluster3=9 --column cluster \
  --test cluster2+cluster3 --plant HALLMARK_E2F_TARGETS=+0.25 --plant HALLMARK_INTERFERON_GAMMA_RESPONSE=-0.3 \
  --seed 7 --out "$WORK/cohort"
"$DEGSEA" -q run --counts "$WORK/cohort/counts.tsv" --samples "$WORK/cohort/samples.tsv" \
  --contrast "cluster: cluster2+cluster3 vs cluster1" --no-plots --out "$WORK/bench"
[[ -s "$WORK/bench/report.html" ]] || fail "degsea run --no-plots wrote no report.html"

"$VENV/bin/python" "$ROOT/scripts/report_test.py" "$WORK/demo" "$OUT" "$WORK/bench"
