# The kit's entry points. `make quick` (README's main command) and `make test`
# do all their set-up themselves on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := quick
NODE_BIN := node_modules/.bin
STAMP := node_modules/.install-stamp
SRC := $(shell find src -name '*.ts' 2>/dev/null)

.PHONY: setup install build test unit-test bench clean

## install: npm dependencies (tfjs-node is optional and skipped where it cannot install)
install: $(STAMP)
$(STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

## build: compile TypeScript to dist/
build: dist/.build-stamp
dist/.build-stamp: $(STAMP) $(SRC) tsconfig.json
	$(NODE_BIN)/tsc -p tsconfig.json
	@touch $@

setup: build

## unit-test: the library's tests (node's test runner)
unit-test: build
	node --test $$(find dist -name '*.test.js' | sort)

## test: everything CI runs
test: unit-test

## bench: BN vs BRN training-step time, same backend, same process
bench: build
	node dist/bench.js

clean:
	rm -rf dist
