# govtext — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
GOVTEXT := $(VENV)/bin/govtext
DATA ?= data
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
SHARED := $(wildcard ../shared)
CORPUS ?= $(if $(SHARED),$(wildcard ../shared/corpus/*.jsonl ../shared/seeds/*.txt),)

.PHONY: run install ingest serve test test-fast lint bench bench-full clean opensearch opensearch-stop test-opensearch bench-engines

$(VENV)/.installed: requirements.txt pyproject.toml native/Cargo.toml native/pyproject.toml $(wildcard native/src/*.rs)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@# the native kernels (Rust, PyO3, built by maturin; ~40 s): without cargo, dedup and the search rerank run their Python code
	$(PY) -m pip install --quiet ./native || echo "warning: native/ not built (is cargo installed?); dedup and the rerank use Python"
	touch $@

install: $(VENV)/.installed

ingest: install
ifneq ($(strip $(CORPUS)),)
	$(GOVTEXT) --data $(DATA) ingest $(CORPUS)
else
	@echo "No sample corpus (../shared is absent): starting with an empty store."
	@echo "Add documents with: $(GOVTEXT) --data $(DATA) ingest FILE_OR_FOLDER"
endif

run: ingest
	$(GOVTEXT) --data $(DATA) serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

serve: install
	$(GOVTEXT) --data $(DATA) serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

test: install
	$(PY) -m pytest -q $(PYTEST_ARGS)

# The edit loop: the in-process tests; `slow` ones start govtext processes or read the whole corpus.
test-fast: install
	$(PY) -m pytest -q -m "not slow and not browser" $(PYTEST_ARGS)

# ruff (lint and format check), mypy (the backend contract among others), import layers.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# A real OpenSearch 2.19 node from Maven Central's jars (engines/opensearch/; Java 17 + Maven).
# `make opensearch` builds it (first time: ~50 MB of jars) and starts it on 127.0.0.1:$(OPENSEARCH_PORT);
# `make test-opensearch` starts its own node, runs the conformance suite, the tracing end-to-end test and the fault tests on it, stops it.
OPENSEARCH_PORT ?= 9201
opensearch: install
	$(PY) engines/opensearch/launch.py start --port $(OPENSEARCH_PORT)

opensearch-stop:
	$(PY) engines/opensearch/launch.py stop

test-opensearch: install
	$(PY) engines/opensearch/launch.py build
	GOVTEXT_OPENSEARCH_TESTS=1 $(PY) -m pytest -q -m opensearch -rs tests/test_conformance.py tests/test_tracing_e2e.py tests/test_opensearch_faults.py $(PYTEST_ARGS)

bench-engines: install
	GOVTEXT_OPENSEARCH_TESTS=1 $(PY) bench/bench_engines.py $(BENCH_ARGS)

# Benchmarks print their figures; each compares against its named peer in the same run.
# `make bench` takes about half an hour here; `make bench-full` is the issue-size run (hours).
bench: install
	$(PY) bench/bench_ingest.py --docs 600
	$(PY) bench/bench_extract.py
	$(PY) bench/bench_crawl.py --pages 300 --repeat 1
	$(PY) bench/bench_tag.py
	$(PY) bench/bench_dedup.py
	$(PY) bench/eval_relevance.py
	$(PY) bench/bench_search.py --docs 20000

bench-full: install
	$(PY) bench/bench_ingest.py --docs 0
	$(PY) bench/bench_dedup.py --paragraphs 1000000
	$(PY) bench/bench_search.py --docs 100000

clean:
	rm -rf $(VENV) .pytest_cache
