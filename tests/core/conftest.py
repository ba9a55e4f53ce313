"""The core tests import no Qt.  ``make test-core`` runs them in a venv where PySide6 is
not installed (napari's "headless" job): a core module that imports Qt, even lazily on
the path a test takes, fails its test with ImportError.

With ``ARAZ_BLOCK_QT=1`` this conftest makes PySide6 and shiboken6 unimportable, for the
same check in the full venv: ``ARAZ_BLOCK_QT=1 .venv/bin/python -m pytest -p
no:pytest-qt tests/core`` (pytest-qt itself imports Qt)."""

import importlib.abc
import os
import sys

import pytest

BLOCKED = ("PySide6", "shiboken6")


class _NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is not available to the core tests (no Qt here)")
        return None


if os.environ.get("ARAZ_BLOCK_QT") == "1":
    if any(m.split(".")[0] in BLOCKED for m in sys.modules):
        raise RuntimeError("Qt was imported before the core tests started")
    sys.meta_path.insert(0, _NoQt())


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """The table cache on, in a folder of its own (its tables' folder)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("ARAZ_TABLE_CACHE", "on")
    return tmp_path / "xdg" / "araz" / "tables"
