"""Helpers shared by tests (import as ``from support import ...``: tests/ is on sys.path)."""

import os

import pytest


def require_tool(name: str, package: str) -> str:
    """The path of a system tool a test needs.  Missing: skipped on a developer's machine,
    but a failure under CI (``ARAZ_CI=1``, set by .ci/run), where a skip would hide a
    missing install step."""
    import shutil

    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (Debian: {package}; .ci/run installs it)"
        if os.environ.get("ARAZ_CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def app_process_env(tmp_path) -> dict[str, str]:
    """The environment of an Araz started in a child process: this checkout's ``app/``
    first, its own cache, settings and state folders under ``tmp_path``, headless."""
    from pathlib import Path

    return {
        **os.environ,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "app"),
        "QT_QPA_PLATFORM": "offscreen",
        "QTWEBENGINE_DISABLE_SANDBOX": "1",
    }
