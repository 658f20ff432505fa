# Every target builds the virtual environment first, so each works on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
HOST ?= 127.0.0.1
PORT ?= 5000
# pytest-xdist workers for `make test` (`make test TEST_WORKERS=0` runs in one process).
TEST_WORKERS ?= 2

.PHONY: install run test lint translations bench bench-wire bench-forum clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[asgi,dev,forum,browser,compat]'
	touch $@

$(BENCH_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[asgi,dev,forum,browser,compat,bench]'
	touch $@

install: $(STAMP)

run: $(STAMP)
	$(BIN)/flagon --app bbs db upgrade
	@echo " * To create the first admin: $(BIN)/flagon --app bbs create-admin"
	$(BIN)/flagon --app bbs run --host $(HOST) --port $(PORT)

# Each test file runs whole in one worker, so its module fixtures (servers, Chromium) start once.
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# The quality gate: lint rules, formatting, types and the import layers (settings in
# pyproject.toml; the layers are explained in docs/architecture.md).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The forum's catalogues (docs/bbs.md, "Languages"): extract the strings into messages.pot,
# merge them into each language's messages.po, and compile the .mo files, which are committed
# so that installing and running need no build step.
TRANSLATIONS := bbs/translations
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext --no-location --sort-output \
		--project bbs -o $(TRANSLATIONS)/messages.pot.new bbs
	@# Unchanged strings keep the template and its date, so the catalogues don't change either.
	@if diff -q -I '^"POT-Creation-Date: ' $(TRANSLATIONS)/messages.pot \
		$(TRANSLATIONS)/messages.pot.new >/dev/null 2>&1; \
	then rm $(TRANSLATIONS)/messages.pot.new; \
	else mv $(TRANSLATIONS)/messages.pot.new $(TRANSLATIONS)/messages.pot; fi
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) \
		--ignore-obsolete --no-fuzzy-matching -w 100
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

# In process against Flask, Bottle and Falcon; then, when wrk is installed, over the wire and
# the forum under load (see docs/performance.md).
bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/run.py
	@if command -v wrk >/dev/null; then $(MAKE) --no-print-directory bench-wire bench-forum; \
	else echo "wrk is not installed (apt-get install wrk): skipping bench-wire and bench-forum"; fi

# Over the wire under wrk (needs wrk; Debian: apt-get install wrk): flagon and Flask on Gunicorn
# (one sync worker), then flagon, raw apps, Flask, Quart, Starlette and FastAPI on granian,
# uvicorn, hypercorn and Gunicorn, one worker each.
bench-wire: $(BENCH_STAMP)
	@command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk"; exit 1; }
	$(BIN)/python benchmarks/wire.py
	$(BIN)/python benchmarks/servers.py

# The forum on 100 000 posts / 1 000 000 comments under wrk, SQLite then PostgreSQL
# (needs wrk and postgresql from Debian's packages).
bench-forum: $(BENCH_STAMP)
	@command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk"; exit 1; }
	$(BIN)/python benchmarks/forum.py --markdown
	$(BIN)/python benchmarks/forum.py --postgres --markdown

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
