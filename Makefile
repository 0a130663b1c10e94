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
# The notebooks that show committed results (make rebuild re-executes them; 08 trains its own question, and its
# committed output, wall times included, is from `make ask-notebook`)
RESULT_NOTEBOOKS := $(filter-out notebooks/08-ask.ipynb,$(NOTEBOOKS))
# nbclient with the project's kernel, keeping execution counts (scripts/execute-notebooks.py says why not nbconvert)
EXECUTE := scripts/jupyter-python.sh scripts/execute-notebooks.py

.PHONY: ask-notebook triples-examples setup install build jupyter kernel notebook notebook-server-test quick quick-sweeps reproduce sweeps fashion-mnist figures report rebuild notebooks test unit-test notebook-test format format-check bench bench-peer test-cluster cnn cnn-convergence clean help

help:
	@echo "make quick        set up, train the quick profile (3,000 steps, 2 seeds) into build/quick, draw its figures there,"
	@echo "                  and compare every job with the committed reference (data/reference/quick.json); then BN and BRN"
	@echo "                  on the 1,000-class task (mnist-triples), against data/reference/mnist-triples-quick.json"
	@echo "make test         set up, run the unit tests and execute every notebook into build/ (what CI runs)"
	@echo ""
	@echo "These rewrite committed results, and say so:"
	@echo "make reproduce    the full profile (60,000 steps, 5 seeds; resumable) into data/, then figures/, REPORT and README's claims"
	@echo "make sweeps       add the microbatch-size and labels-per-batch sweeps (full profile, 3 seeds) into data/"
	@echo "make quick-sweeps the main experiments and sweeps in the quick profile into data/ (committed quick results)"
	@echo "make fashion-mnist the full profile on Fashion-MNIST (installs Debian's dataset-fashion-mnist as root)"
	@echo "                  into data/runs/fashion-mnist, data/results/fashion-mnist, figures/fashion-mnist, REPORT, README's claims"
	@echo "make cnn          the conv protocol at the paper's schedule on Fashion-MNIST (BN, BRN, GN, LN, none; 65 jobs, 16 h on two cores as measured) into data/"
	@echo "make rebuild      summaries, figures/, REPORT, README's claims and notebooks from the committed logs in data/runs"
	@echo "make figures      figures/ from data/results"
	@echo "make report       REPORT.md, README's claims table, build/REPORT.html (figures inlined) and build/REPORT.pdf"
	@echo "make notebooks    execute the notebooks in place (outputs from the committed results)"
	@echo "make ask-notebook execute notebook 08 in place on its default question (trains it, about 2 minutes)"
	@echo ""
	@echo "make test-cluster a local single-node Slurm (root) runs the quick baseline through brn submit; jobs vs the reference"
	@echo "make triples-examples  docs/figures/mnist-triples-examples.{svg,png}: the 1,000-class task's example grid"
	@echo "make bench        model-step time: plain tfjs-layers vs the experiment loop (BN, BRN); the conv kernels,"
	@echo "                  tfjs vs the kit, beside the gemm rate and the conv step (writes data/results/bench-conv.md)"
	@echo "make bench-peer   the experiment loop beside PyTorch (MLP and conv, BN and BRN, minibatch 32 and 4), one thread each;"
	@echo "                  writes data/results/bench-peer.md"
	@echo "make notebook     Jupyter on notebooks/ with the TypeScript kernel, on 127.0.0.1 with a token (prints the URL)"
	@echo "make setup        npm dependencies, build, Jupyter and the tslab kernel only"

## install: npm dependencies (tfjs-node is optional and skipped where it cannot install)
install: $(STAMP)
$(STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

## build: compile TypeScript to dist/ (CommonJS), then the package root as ES modules (dist/esm: browser and Node)
build: $(BUILD)
$(BUILD): $(STAMP) $(SRC) tsconfig.json scripts/build-esm.mjs
	$(NODE_BIN)/tsc -p tsconfig.json
	node scripts/build-esm.mjs
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

## quick: the README's main command. Everything it writes is under build/quick (ignored by git).
QUICK_DIR := build/quick
# The 1,000-class task's quick jobs (docs/MNIST-TRIPLES.md), held against data/reference/mnist-triples-quick.json
TRIPLES_QUICK := triples-baseline triples-paired --quick --variant bn,brn
CNN_QUICK := cnn-baseline --quick --dataset fashion-mnist --variant bn,brn --seeds 1
quick: build
	rm -rf $(QUICK_DIR)
	$(BRN) reproduce --quick --runs-dir $(QUICK_DIR)/runs --results-dir $(QUICK_DIR)/results --figures-dir $(QUICK_DIR)/figures
	$(BRN) check --quick --runs-dir $(QUICK_DIR)/runs
	$(BRN) run $(TRIPLES_QUICK) --runs-dir $(QUICK_DIR)/runs --results-dir $(QUICK_DIR)/results
	$(BRN) check $(TRIPLES_QUICK) --dataset mnist-triples --runs-dir $(QUICK_DIR)/runs
	@scripts/ensure-fashion-mnist.sh
	$(BRN) run $(CNN_QUICK) --runs-dir $(QUICK_DIR)/runs --results-dir $(QUICK_DIR)/results
	$(BRN) check $(CNN_QUICK) --runs-dir $(QUICK_DIR)/runs

reproduce: build
	@echo "make reproduce: writes data/runs/full, data/results/full, figures/, REPORT.md and README.md's claims"
	$(BRN) reproduce --readme

sweeps: build
	@echo "make sweeps: writes data/runs/full, data/results/full, figures/, REPORT.md and README.md's claims"
	$(BRN) reproduce --sweeps --readme

quick-sweeps: build
	@echo "make quick-sweeps: writes data/runs/quick and data/results/quick"
	$(BRN) run baseline microbatch non-iid microbatch-mb2 microbatch-mb8 microbatch-mb16 non-iid-k1 non-iid-k4 non-iid-k8 non-iid-k16 --quick

fashion-mnist: build
	@scripts/ensure-fashion-mnist.sh
	@echo "make fashion-mnist: writes data/runs/fashion-mnist, data/results/fashion-mnist, figures/fashion-mnist, REPORT.md and README.md's claims"
	$(BRN) reproduce --dataset fashion-mnist --readme

## triples-examples: the example grid of docs/MNIST-TRIPLES.md, drawn from the composed task
triples-examples: build
	node dist/report/triples-examples.js docs/figures

## cnn: the conv protocol at the paper's schedule (cnn-* experiments, 60,000 steps) on Fashion-MNIST, rule v2's
## round (seeds 6-10, 65 jobs): resumable. It first prints how long the round takes on two cores, measured from the
## committed logs (src/report/round-time.ts); then trains what is not finished and summarizes.
CNN_ROUND := cnn-baseline cnn-microbatch cnn-microbatch-mb2 cnn-non-iid --confirmatory --dataset fashion-mnist
cnn: build
	@scripts/ensure-fashion-mnist.sh
	@echo "make cnn: writes data/runs/fashion-mnist/confirmatory and data/results/fashion-mnist/confirmatory"
	@node dist/report/round-time.js cnn --dataset fashion-mnist --workers 2
	$(BRN) run $(CNN_ROUND)

## cnn-convergence: the conv protocol's validation-only convergence check at the paper's schedule
## (BN and GN, seed 1, 60,000 steps, every 3,000; about 50 minutes on one core)
cnn-convergence: build
	@scripts/ensure-fashion-mnist.sh
	node dist/train/convergence.js cnn-baseline bn,gn 60000 3000 data/results/fashion-mnist/cnn-convergence-60k.json --dataset fashion-mnist

figures: build
	@echo "make figures: writes figures/ (figures/fashion-mnist/, figures/mnist-triples/, figures/confirmatory/) from data/results"
	$(BRN) figures
	@if [ -f data/results/fashion-mnist/full/summary.json ]; then $(BRN) figures --dataset fashion-mnist; fi
	@if [ -f data/results/mnist-triples/full/summary.json ]; then $(BRN) figures --dataset mnist-triples; fi
	@if [ -f data/results/confirmatory/summary.json ]; then $(BRN) figures --confirmatory; fi
	@if [ -f data/results/fashion-mnist/confirmatory/summary.json ]; then $(BRN) figures --confirmatory --dataset fashion-mnist; fi
	@if [ -f data/results/mnist-triples/confirmatory/summary.json ]; then $(BRN) figures --confirmatory --dataset mnist-triples; fi

## report: REPORT.md and README.md's claims block from data/results and figures/, build/REPORT.html with
## the figures inlined, and build/REPORT.pdf where Debian's chromium is installed
report: build
	@echo "make report: writes REPORT.md and README.md's claims block (and build/REPORT.html, build/REPORT.pdf)"
	$(BRN) report --readme
	@if command -v chromium >/dev/null; then \
	  chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
	    --print-to-pdf=build/REPORT.pdf file://$(CURDIR)/build/REPORT.html >build/REPORT.pdf.log 2>&1 \
	    && echo "wrote build/REPORT.pdf" || { echo "chromium could not print build/REPORT.pdf (see build/REPORT.pdf.log)"; exit 1; }; \
	else echo "no PDF: chromium is not installed (apt-get install chromium)"; fi

## rebuild: every committed summary, figure, table and notebook from the committed logs
rebuild: build
	@echo "make rebuild: writes data/results, figures/, REPORT.md, README.md's claims and notebooks/ from data/runs"
	@set -e; for d in mnist fashion-mnist mnist-triples; do \
	  root=data/runs; [ $$d = mnist ] || root=data/runs/$$d; \
	  for p in full quick confirmatory; do \
	    flag=; [ $$p = full ] || flag=--$$p; \
	    if [ -d $$root/$$p ]; then echo "$(BRN) summarize $$flag --dataset $$d"; $(BRN) summarize $$flag --dataset $$d; fi; \
	  done; \
	done
	$(MAKE) figures
	$(MAKE) report
	$(MAKE) notebooks

## notebook: Jupyter on notebooks/ with the project's kernel, on 127.0.0.1 with a token (Ctrl-C stops it)
notebook: setup
	@scripts/notebook.sh

## notebooks: execute in place, keeping the outputs (commit them with the figures of the same results)
notebooks: setup
	$(EXECUTE) --inplace $(RESULT_NOTEBOOKS)

## ask-notebook: execute notebook 08 in place on its default question (about 2 minutes on two cores; into build/ask)
ask-notebook: setup
	rm -rf build/ask
	$(EXECUTE) --inplace notebooks/08-ask.ipynb

## unit-test: every test file, the browser test included (headless Chromium, installed here as root)
unit-test: build format-check
	@scripts/ensure-chromium.sh
	BRN_BROWSER_TEST=required node --test $$(find dist -name '*.test.js' | sort)

## format-check: the committed prettier config over src/ (make format rewrites)
format-check: $(STAMP)
	$(NODE_BIN)/prettier --check src

format: $(STAMP)
	$(NODE_BIN)/prettier --write src

## notebook-test: execute every notebook into build/notebooks, 01-05 on a quick profile trained afresh
## into build/notebook-quick (any cell error fails); then hold the committed and the fresh ones to their
## static HTML export (every PNG figure and table in it)
notebook-test: setup
	rm -rf build/notebook-quick
	BRN_NOTEBOOK_PROFILE=quick $(EXECUTE) --output-dir build/notebooks $(NOTEBOOKS)
	scripts/jupyter-python.sh scripts/test-notebook-html.py $(NOTEBOOKS) $(addprefix build/notebooks/,$(notdir $(NOTEBOOKS)))

## notebook-server-test: make notebook's server answers with its token on 127.0.0.1 only, and stops (as root: also as nobody)
notebook-server-test: setup
	@scripts/test-notebook-server.sh

test: unit-test notebook-test notebook-server-test

bench: build
	node dist/bench/loop.js
	node dist/bench/conv-kernels.js

## test-cluster: a real single-node Slurm (Debian's, as root) runs the quick baseline as a job array
## through brn submit; every job is held against the committed quick reference; Slurm is stopped after
test-cluster: build
	@scripts/test-cluster.sh

## bench-peer: the experiment loop beside PyTorch (Debian's python3-torch, installed as root), one thread each;
## writes data/results/bench-peer.md (the README's and the report's speed table)
bench-peer: build
	@scripts/ensure-torch.sh
	@echo "make bench-peer: writes data/results/bench-peer.md; run it on a quiet machine"
	node dist/bench/peer.js

clean:
	rm -rf dist build
