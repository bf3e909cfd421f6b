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

# The yaml-language-server releases that tests/test_editor.py drives, as locked. Without
# npm they are not installed, and those tests are skipped (in .ci/run they fail instead).
EDITOR_SERVERS := tests/editor/node_modules/.package-lock.json
$(EDITOR_SERVERS): tests/editor/package.json tests/editor/package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix tests/editor --no-audit --no-fund --loglevel=error; \
	else echo "npm がないため yaml-language-server を入れません（エディタのテストは省かれます）"; fi

# Two workers (pytest-xdist): most tests run the real CLI as a subprocess on real files.
test: $(STAMP) $(EDITOR_SERVERS)
	$(BIN)/python -m pytest -n 2

# The property suite of tests/test_fuzz.py with many more examples than `make test` runs
# (400 there, in-process; about a minute here), and what the examples reached.
fuzz: $(STAMP)
	SHINGIKAI_FUZZ_EXAMPLES=5000 $(BIN)/python -m pytest tests/test_fuzz.py --hypothesis-show-statistics

# The benchmark of issue 7 (bench/README.md): check-jsonschema lives in its own venv.
BENCH_TOOLS := bench/.venv-tools
$(BENCH_TOOLS)/bin/check-jsonschema:
	$(PYTHON) -m venv $(BENCH_TOOLS)
	$(BENCH_TOOLS)/bin/python -m pip install --quiet check-jsonschema

bench: $(STAMP) $(BENCH_TOOLS)/bin/check-jsonschema
	$(BIN)/python bench/run.py
	$(BIN)/python bench/history.py
	$(BIN)/python bench/report.py
	$(BIN)/python bench/pdf.py

# Regenerate the committed JSON Schemas from the models (a test fails while they differ).
schema: $(STAMP)
	$(BIN)/shingikai schema > $(VENV)/case.schema.json
	$(BIN)/shingikai schema --meeting > $(VENV)/meeting.schema.json
	mv $(VENV)/case.schema.json schemas/case.schema.json
	mv $(VENV)/meeting.schema.json schemas/meeting.schema.json

clean:
	rm -rf $(VENV) build dist tests/editor/node_modules
