# Two commands do all the set-up:
#   make run   install, create the SQLite database, load the demo, serve at http://127.0.0.1:5000/
#   make test  install the test tools and run the whole suite (SQLite and PostgreSQL, browser tests)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export FLASK_APP := weibo_app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-dev translations lint clean bench bench-scale wrk

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

install: $(VENV)/.runtime translations
install-dev: $(VENV)/.dev translations

translations: | $(BIN)/python
	$(BIN)/pybabel compile --use-fuzzy -d weibo_app/translations

run: install
	$(BIN)/flask init-db
	$(BIN)/flask seed-demo
	$(BIN)/flask serve --host $(HOST) --port $(PORT)

test: install-dev
	$(BIN)/ruff check weibo_app tests bench
	$(BIN)/python tools/import_graph.py
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check weibo_app tests bench
	$(BIN)/python tools/import_graph.py

# Refresh the English catalogue after changing UI strings.
messages: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o messages.pot .
	$(BIN)/pybabel update -i messages.pot -d weibo_app/translations
	rm messages.pot

# Benchmarks (docs/performance.md). BENCH_ARGS, e.g. "--duration 5", go to bench/run.py.
wrk:
	@command -v wrk >/dev/null || { if [ "$$(id -u)" = 0 ]; then apt-get install -y wrk; else sudo apt-get install -y wrk; fi; }

bench: install-dev wrk
	$(BIN)/python -m bench.run $(BENCH_ARGS)

bench-scale: install-dev
	$(BIN)/python -m bench.scale $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache
