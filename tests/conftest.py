"""Shared by tests/core (no Qt) and tests/qt: the app on sys.path, the bundled dataset."""

import os
import sys
from pathlib import Path

# Headless Qt for every test that starts it (tests/qt), whatever the caller's environment.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
# pytest-qt's binding (not qt_api in pyproject.toml: the core tests run without pytest-qt)
os.environ.setdefault("PYTEST_QT_API", "pyside6")
# No table cache (araz.io.table_cache) unless a test turns it on: a test's second read
# of a file reads the file, and the user's cache folder stays out of it.
os.environ.setdefault("ARAZ_TABLE_CACHE", "off")

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent

# Hypothesis explores new random inputs on every developer run (and keeps what failed in
# .hypothesis/); the CI gate (ARAZ_CI=1, set by .ci/run) runs the same derandomized
# examples every time, so that a landing does not depend on the draw.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("ARAZ_CI"):
    settings.load_profile("ci")
DATA = Path(__file__).resolve().parent / "data"
sys.path.insert(0, str(ROOT / "app"))


@pytest.fixture(scope="session")
def curated():
    """The bundled dataset, loaded once."""
    from araz.io.curated import read_curated
    from araz.paths import default_dataset

    result = read_curated(default_dataset())
    assert result.problems == []
    return result.dataset
