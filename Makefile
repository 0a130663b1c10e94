# The kit's entry points. `make quick` (the README's main command) and
# `make test` do all their set-up themselves on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := quick
NODE_BIN := node_modules/.bin
STAMP := node_modules/.install-stamp
BUILD := dist/.build-stamp
SRC := $(shell find src -name '*.ts' 2>/dev/null)
BRN := node dist/cli.js
JUPYTER_PATH_DIR := $(CURDIR)/build/jupyter
KERNEL := $(JUPYTER_PATH_DIR)/kernels/tslab/kernel.json
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
NBCONVERT := JUPYTER_PATH=$(JUPYTER_PATH_DIR) jupyter nbconvert --to notebook --execute \
	--ExecutePreprocessor.kernel_name=tslab --ExecutePreprocessor.timeout=3600

.PHONY: setup install build jupyter kernel quick quick-sweeps reproduce sweeps figures notebooks test unit-test notebook-test bench clean help

help:
	@echo "make quick        set up, run the quick profile (3,000 steps, 2 seeds) and draw every figure"
	@echo "make test         set up, run the unit tests and execute every notebook (what CI runs)"
	@echo "make reproduce    the full profile (60,000 steps, 3 seeds; resumable), then the figures"
	@echo "make sweeps       add the microbatch-size and labels-per-batch sweeps (full profile)"
	@echo "make quick-sweeps the same sweeps in the quick profile"
	@echo "make figures      redraw figures/ from data/results (full if present, else quick)"
	@echo "make notebooks    execute the notebooks in place (outputs from the current results)"
	@echo "make bench        model-step time: plain tfjs-layers vs the experiment loop (BN, BRN)"
	@echo "make setup        npm dependencies, build, Jupyter and the tslab kernel only"

## install: npm dependencies (tfjs-node is optional and skipped where it cannot install)
install: $(STAMP)
$(STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

## build: compile TypeScript to dist/
build: $(BUILD)
$(BUILD): $(STAMP) $(SRC) tsconfig.json
	$(NODE_BIN)/tsc -p tsconfig.json
	@chmod +x dist/cli.js
	@touch $@

## jupyter: Jupyter from the system (Debian packages as root, else instructions)
jupyter:
	@scripts/ensure-jupyter.sh

## kernel: a tslab kernelspec inside the repo, used through JUPYTER_PATH
kernel: $(KERNEL)
$(KERNEL): $(STAMP)
	@mkdir -p $(dir $@)
	@printf '{"argv": ["%s", "kernel", "--config-path", "{connection_file}"], "display_name": "TypeScript (tslab)", "language": "typescript"}\n' "$(CURDIR)/$(NODE_BIN)/tslab" > $@

setup: build jupyter kernel

quick: build
	$(BRN) reproduce --quick

reproduce: build
	$(BRN) reproduce

sweeps: build
	$(BRN) reproduce --sweeps

quick-sweeps: build
	$(BRN) reproduce --quick --sweeps

figures: build
	@if [ -f data/results/full/summary.json ]; then $(BRN) figures; else $(BRN) figures --quick; fi

## notebooks: execute in place, keeping the outputs (commit them with the figures of the same results)
notebooks: setup
	$(NBCONVERT) --inplace $(NOTEBOOKS)

unit-test: build
	node --test $$(find dist -name '*.test.js' | sort)

## notebook-test: execute every notebook (quick profile) into build/notebooks; any cell error fails
notebook-test: setup
	BRN_NOTEBOOK_PROFILE=quick $(NBCONVERT) --output-dir build/notebooks $(NOTEBOOKS)

test: unit-test notebook-test

bench: build
	node dist/bench.js

clean:
	rm -rf dist build
