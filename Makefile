# Two commands for a fresh machine with Python 3.11+: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium

.PHONY: run test lint install browser bench demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	MALLOC_ARENA_MAX=2 $(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.port 8501

# Browser tests drive Debian's chromium (never a downloaded browser): install it when missing.
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "chromium is missing: run 'sudo apt-get install chromium' (browser tests need $(CHROMIUM))"; \
	    [ "$$CI" != "true" ] || exit 1; \
	  fi; \
	fi

lint: install
	$(BIN)/ruff check .

test: install browser lint
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python -m benchmarks.run_all

demo: install
	$(BIN)/rapport demo

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
