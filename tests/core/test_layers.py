"""The import contracts in pyproject.toml (``make lint`` runs ``lint-imports``) hold on
the code, and each breaks on a wrong import planted in a copy of the package: the
contracts are not vacuous."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).parent / "lint-imports"

LAYERS = "Layers: cli -> qt -> export -> views -> io -> geo -> model"
QT_ONLY = "Qt (PySide6) only inside araz.qt"
ACYCLIC = "No import cycle between modules of one package"
HEADLESS = "The headless exports never import the main window"


def lint(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root / "app")}
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("layers")
    shutil.copytree(
        ROOT / "app" / "araz", root / "app" / "araz", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_contracts_hold(copy):
    r = lint(copy)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 broken" in r.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("model/palette.py", "import araz.io", LAYERS),  # the model reaches up
        ("views/records.py", "import araz.qt.text", LAYERS),  # a pure view needs Qt code
        ("io/_dates.py", "import PySide6.QtCore", QT_ONLY),
        ("io/_dates.py", "import araz.io.acled", ACYCLIC),  # acled imports _dates
        ("cli/export.py", "import araz.qt.main_window", HEADLESS),
        ("api/events.py", "import araz.qt.text", LAYERS),  # the notebook API needs Qt code
        ("qt/help.py", "import araz.api.events", LAYERS),  # the GUI reaches into the API
        ("export/gis.py", "import araz.api", LAYERS),  # an export reaches up
        ("api/folium_map.py", "import PySide6.QtCore", QT_ONLY),
    ],
)
def test_a_planted_wrong_import_breaks_its_contract(copy, module, line, broken):
    target = copy / "app" / "araz" / module
    original = target.read_text(encoding="utf-8")
    try:
        target.write_text(original + f"\n{line}  # planted by the test\n", encoding="utf-8")
        r = lint(copy)
    finally:
        target.write_text(original, encoding="utf-8")
    assert r.returncode != 0, r.stdout
    assert f"{broken} BROKEN" in r.stdout, r.stdout
