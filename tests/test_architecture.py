"""Contracts: the model, io and geo layers never import Qt (napari's import-linter rule)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "app" / "araz"
PURE = ("model", "io", "geo")
FORBIDDEN = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "qtpy", "araz.qt", "araz.export")


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level:  # relative: resolve against the file's package
                parts = path.relative_to(PKG.parent).with_suffix("").parts[: -node.level]
                mod = ".".join([*parts, mod]) if mod else ".".join(parts)
            yield node.lineno, mod


@pytest.mark.parametrize("layer", PURE)
def test_pure_layers_import_no_qt(layer):
    files = sorted((PKG / layer).rglob("*.py"))
    assert files
    for f in files:
        for line, mod in _imports(f):
            for bad in FORBIDDEN:
                assert not (mod == bad or mod.startswith(bad + ".")), f"{f}:{line} imports {mod}"


def test_loading_the_dataset_pulls_in_no_qt():
    code = (
        "import sys\n"
        "from araz.io import read_path\n"
        "from araz.paths import default_dataset\n"
        "from araz.model import AppModel\n"
        "m = AppModel(read_path(default_dataset()).dataset); m.update_filter(text='Kapan')\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
