# All set-up on a fresh machine: `make demo` (the main job) and `make test` (the test suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# the CPU wheel of exactly this torch version is available offline; any other pulls CUDA
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/caloforge demo $(DEMO_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests

clean:
	find src -name "*.nbi" -delete -o -name "*.nbc" -delete  # numba caches (see ARCHITECTURE.md)
	rm -rf $(VENV) build *.egg-info .pytest_cache
