# Two commands set up everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SOURCES := pyproject.toml $(shell find src templates schemas -type f 2>/dev/null)

.PHONY: demo test fuzz bench schema clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The package is installed as a wheel (not editable): the tests check what ships.
$(STAMP): $(BIN)/python $(SOURCES)
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $@

demo: $(STAMP)
	$(BIN)/shingikai lint cases/
	$(BIN)/shingikai render cases/ -o build/site
	@echo "ブラウザで build/site/index.html を開くと、一覧から各シートを見られます"

test: $(STAMP)
	$(BIN)/python -m pytest

# Regenerate the committed JSON Schema from the models (a test fails while the two differ).
schema: $(STAMP)
	$(BIN)/shingikai schema > $(VENV)/case.schema.json
	mv $(VENV)/case.schema.json schemas/case.schema.json

clean:
	rm -rf $(VENV) build dist
