#!/usr/bin/env bash
# Enforces the crate dependency rules of docs/ARCHITECTURE.md: compute crates never depend on
# I/O, CLI-only crates, the pipeline, or each other sideways; only the binary uses clap; the
# pipeline (jobs) is the one crate that composes them all.
set -euo pipefail
fail=0
check() { # crate, forbidden...
  local crate=$1; shift
  local deps
  deps=$(cargo tree -p "$crate" -e normal --prefix none --locked 2>/dev/null | awk '{print $1}' | sort -u)
  for bad in "$@"; do
    if grep -qx "$bad" <<<"$deps"; then
      echo "layering: $crate must not depend on $bad"; fail=1
    fi
  done
}
check degsea-stats degsea-core degsea-io degsea-de degsea-gsea degsea-plot degsea-count degsea-pipeline clap anyhow
check degsea-core degsea-io degsea-de degsea-gsea degsea-plot degsea-count degsea-pipeline clap anyhow
check degsea-io degsea-de degsea-gsea degsea-plot degsea-count degsea-pipeline clap anyhow
check degsea-de degsea-io degsea-gsea degsea-plot degsea-count degsea-pipeline clap anyhow
check degsea-gsea degsea-io degsea-de degsea-plot degsea-count degsea-pipeline clap anyhow
check degsea-plot degsea-io degsea-de degsea-gsea degsea-count degsea-pipeline clap anyhow
check degsea-count degsea-de degsea-gsea degsea-plot degsea-pipeline clap anyhow
check degsea-sim degsea-io degsea-de degsea-gsea degsea-plot degsea-count degsea-pipeline clap anyhow
check degsea-pipeline clap
# No command module of the binary uses another (shared flag groups live in commands/args.rs).
if grep -rn "crate::commands::" src/commands | grep -v "crate::commands::args"; then
  echo "layering: a command module imports another command"; fail=1
fi
check degsea-report degsea-gsea degsea-count degsea-pipeline clap anyhow
exit $fail
