# Araz: `make run` launches the app, `make test` runs every test headless
# (`make test-core`: the tests of the Qt-free layers, in a venv without PySide6).
# Both create .venv when it is missing and (re)install the project only when
# pyproject.toml or setup.py changed, so a second run starts at once.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.araz-installed
# the core tests' venv: the project without Qt (tests/core/requirements.py)
CORE_VENV  ?= .venv-core
CORE_STAMP := $(CORE_VENV)/.araz-installed

LINTED := $(wildcard app tests benchmarks packaging setup.py)

# Headless Qt for tests and benchmarks; Chromium refuses its sandbox as root.
HEADLESS := QT_QPA_PLATFORM=offscreen QTWEBENGINE_DISABLE_SANDBOX=1

.PHONY: run test test-core test-qt lint format bench data screenshot bundle clean

$(STAMP): pyproject.toml setup.py
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -qq --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install -qq --disable-pip-version-check -e '.[test]'
	@touch $@

$(CORE_STAMP): pyproject.toml setup.py tests/core/requirements.py
	@test -x $(CORE_VENV)/bin/python || $(PYTHON) -m venv $(CORE_VENV)
	@$(CORE_VENV)/bin/python -m pip install -qq --disable-pip-version-check --upgrade pip
	@$(CORE_VENV)/bin/python tests/core/requirements.py > $(CORE_VENV)/requirements.txt
	@$(CORE_VENV)/bin/python -m pip install -qq --disable-pip-version-check -r $(CORE_VENV)/requirements.txt
	@$(CORE_VENV)/bin/python -m pip install -qq --disable-pip-version-check --no-deps -e .
	@! $(CORE_VENV)/bin/python -c "import PySide6" 2>/dev/null || (echo "PySide6 in $(CORE_VENV)"; exit 1)
	@touch $@

run: $(STAMP)
	$(VENV)/bin/araz

test: test-core test-qt

# model, geo, io, views, export and the CLI, in a venv where PySide6 is not installed
# (tests/core/conftest.py also blocks it, for a run in the full venv: ARAZ_BLOCK_QT=1)
test-core: $(CORE_STAMP)
	ARAZ_BLOCK_QT=1 $(CORE_VENV)/bin/python -m pytest -q tests/core

test-qt: $(STAMP)
	$(HEADLESS) $(PY) -m pytest -q tests/qt

lint: $(STAMP)
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff format $(LINTED)
	$(VENV)/bin/ruff check --fix $(LINTED)

# Every benchmark, each against its reference timed in the same run (pyqtgraph, the one
# reference Araz does not depend on, comes with the bench extra); rewrites the README table.
BENCH_STAMP := $(VENV)/.araz-bench-installed

$(BENCH_STAMP): $(STAMP)
	@$(PY) -m pip install -qq --disable-pip-version-check -e '.[test,bench]'
	@touch $@

bench: $(BENCH_STAMP)
	$(HEADLESS) $(PY) benchmarks/run_all.py --readme $(if $(MILLION),--million)

# The README's picture of the real window, made by the app itself.
screenshot: $(STAMP)
	$(HEADLESS) $(VENV)/bin/araz --screenshot docs/screenshot.png --select kafan-consulate

# Rebuild the derived resources from the Natural Earth extracts (../shared/data/naturalearth).
data: $(STAMP)
	$(PY) packaging/build_basemap.py
	$(PY) packaging/build_araz_river.py
	$(PY) packaging/build_world.py
	$(PY) packaging/build_places.py
	$(PY) packaging/build_relief.py

# A one-folder bundle that runs with no Python installed: dist/araz/araz (about 30 s).
bundle: $(STAMP)
	$(PY) -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
		packaging/pyinstaller/araz.spec

clean:
	rm -rf $(VENV) $(CORE_VENV) build dist app/*.egg-info .pytest_cache .ruff_cache
