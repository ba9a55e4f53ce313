"""Where Araz finds its bundled files, from a source checkout or an installed wheel.

In a checkout the files live at the top of the repository (``resources/``, ``seeds/``);
a wheel carries them inside the package as ``araz/_resources`` and ``araz/_seeds``
(see ``[tool.setuptools] package-dir`` in ``pyproject.toml``).  A frozen bundle sets
``sys._MEIPASS`` and keeps the same layout as the wheel.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def _root(inside: str, outside: str) -> Path:
    candidates = [_PACKAGE / inside]
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        candidates.append(Path(meipass) / "araz" / inside)
    candidates.append(_PACKAGE.parent.parent / outside)  # app/araz -> repository root
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"Araz cannot find its {outside}/ folder (looked in {candidates})")


def resources_dir() -> Path:
    """The folder of bundled resources (basemap, web page, icons, schema)."""
    return _root("_resources", "resources")


def seeds_dir() -> Path:
    """The folder holding the seed article and the curated dataset."""
    return _root("_seeds", "seeds")


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def seed_article() -> Path:
    return seeds_dir() / "iran-azerbaijan-tensions-2023.txt"


def default_dataset() -> Path:
    return seeds_dir() / "araz.yaml"
