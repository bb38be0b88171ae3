# degsea — the same commands CI runs (.ci/run calls `make lint test snakemake-test report-test`).
SHELL := /bin/bash
CARGO ?= cargo
# Honours CARGO_TARGET_DIR, as cargo does.
BIN := $(or $(CARGO_TARGET_DIR),target)/release/degsea
DEMO_DIR := data/visram_like_simulated
DEMO_OUT ?= out/demo

.PHONY: build release test lint fmt-check clippy doc layering ci demo docs-figure bench check-identical \
        bench-normalize bench-de bench-glm bench-gsea bench-pheno bench-gsea-oracle bench-de-oracle bench-count bench-run snakemake-test stress \
        report-test clean

build:
	$(CARGO) build --locked

release:
	$(CARGO) build --release --locked

## The README's test command: unit, golden (vs ../shared/reference) and CLI tests, plus doctests.
test:
	$(CARGO) test --workspace --locked

fmt-check:
	$(CARGO) fmt --all --check

clippy:
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

doc:
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --locked

layering:
	bash scripts/check-layering.sh

lint: fmt-check clippy layering

ci: lint doc test snakemake-test report-test

## The README's demo command: the Visram-like simulated cohort, clusters 2+3 vs cluster 1.
demo: release
	$(BIN) run --counts $(DEMO_DIR)/counts.tsv.gz --samples $(DEMO_DIR)/samples.tsv \
	    --contrast "cluster: cluster2+cluster3 vs cluster1" --out $(DEMO_OUT)
	@echo "demo written to $(DEMO_OUT) (de.tsv, gsea.tsv, plots/nes_bar.png, run.json)"

## Regenerates the README figure from the demo run.
docs-figure: demo
	cp $(DEMO_OUT)/plots/nes_bar.png docs/nes_bar_demo.png

snakemake-test: release
	bash scripts/snakemake-test.sh

## Not in CI: 60,000 x 2,000 `degsea run`/`de` time and peak RSS, and SIGTERM at random points
## (GENES, SAMPLES, KILLS, THREADS override; see scripts/stress.sh).
stress: release
	bash scripts/stress.sh

## Results byte-identical between two builds (e.g. before/after a refactor):
##   scripts/check-outputs-identical.sh OLD_BINARY /tmp/a > a.txt; … NEW_BINARY /tmp/b > b.txt; diff a.txt b.txt
check-identical: release
	bash scripts/check-outputs-identical.sh $(BIN) out/check-identical

## report.html in headless Chromium (selenium): console, network, plots, sorting, filtering, leading
## edges; screenshot in out/report-test/; size and time-to-interactive of the 60,000 x 38 report.
report-test: release
	bash scripts/report-test.sh

## Benchmarks: degsea beside its anchor (R edgeR, rsfgsea, GSEApy, featureCounts) in one run.
bench: bench-normalize bench-de bench-glm bench-gsea bench-count bench-run

bench-normalize: release
	bash bench/normalize/run.sh
bench-de: release
	bash bench/de/run.sh
# degsea de --design (QL) vs edgeR's estimateDisp + glmQLFit + glmQLFTest (GLM.md G0).
bench-glm: release
	bash bench/glm/run.sh
bench-gsea: release
	bash bench/gsea/run.sh
# Phenotype-permutation GSEA vs GSEApy 1.3.1 (installs gseapy==1.3.1 into bench/work).
bench-pheno: release
	bash bench/pheno/run.sh
# The multilevel engine's speed ceiling with a free acceptance test (after bench-gsea).
bench-gsea-oracle: release
	bash bench/gsea/oracle.sh
bench-de-oracle: release
	bash bench/de/oracle.sh
bench-count: release
	bash bench/count/run.sh
bench-run: release
	bash bench/run/run.sh

clean:
	$(CARGO) clean
