"""Print what the core tests need, one requirement a line: the project's dependencies
and its test extra from pyproject.toml, less Qt (PySide6) and what only the Qt tests use
(pytest-qt, PyInstaller).  ``make test-core`` installs these into a venv of its own."""

import re
import tomllib
from pathlib import Path

QT_ONLY = {"pyside6", "pytest-qt", "pyinstaller"}

project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())["project"]
for requirement in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
    name = re.match(r"[A-Za-z0-9_.-]+", requirement)
    if name and name.group(0).lower() not in QT_ONLY:
        print(requirement)
