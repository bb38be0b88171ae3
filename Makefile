# degsea — the same commands CI runs (.ci/run calls `make ci`).
SHELL := /bin/bash
CARGO ?= cargo
BIN := target/release/degsea

.PHONY: build release test lint fmt-check clippy doc layering ci demo bench clean

build:
	$(CARGO) build --locked

release:
	$(CARGO) build --release --locked

## The README's test command: every unit, golden and CLI test, plus doctests.
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

ci: lint test

clean:
	$(CARGO) clean
