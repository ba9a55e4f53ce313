"""The bundled dataset, read and checked once: later starts load the result from the
user's cache folder instead of parsing the YAML and computing each place's country
with shapely again (about 0.1 s of the loading thread at every start, in the window's
first second, and two imports fewer).

The cache is keyed by the file's own bytes (SHA-256), the countries layer the places
were checked against and the code that reads and holds it (``araz/io`` and
``araz/model``: size and time of each module), Araz's version and Python's: any change
to any of them reads the file again.  Only the bundled dataset is cached, never a user's file.
The pickle lives in the user's own cache folder (``$XDG_CACHE_HOME/araz``), which only
that user can write; a cache that cannot be read or written is ignored.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
from pathlib import Path

from .. import __version__
from ..paths import default_dataset, resource

log = logging.getLogger(__name__)

FORMAT = 1


def cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("araz", appauthor=False)


def is_bundled(path: Path) -> bool:
    try:
        return path.resolve() == default_dataset().resolve()
    except OSError:
        return False


def _key(raw: bytes) -> str:
    h = hashlib.sha256(raw)
    try:
        st = resource("basemap", "countries.geojson").stat()
        h.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
    except OSError:
        h.update(b"no countries")
    package = Path(__file__).resolve().parent.parent
    for module in sorted([*package.glob("io/*.py"), *package.glob("model/*.py")]):
        st = module.stat()
        h.update(f"{module.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    h.update(f"{FORMAT}:{__version__}:{sys.version_info[:2]}".encode())
    return h.hexdigest()[:32]


def _file(raw: bytes) -> Path:
    return cache_dir() / f"bundled-{_key(raw)}.pickle"


def load(raw: bytes):
    """The LoadResult cached for these bytes, or None."""
    try:
        with open(_file(raw), "rb") as f:
            return pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a stale or broken cache: read the file again
        log.info("araz: bundled dataset cache not used (%s)", exc)
        return None


def read(path: Path):
    """The bundled dataset's LoadResult: from the cache, else read, checked and kept
    (the curated reader, and its imports, only run when the cache cannot serve)."""
    try:
        raw = Path(path).read_bytes()
    except OSError:
        raw = None
    cached = load(raw) if raw is not None else None
    if cached is not None:
        return cached
    from . import curated

    if raw is None:
        return curated.read_curated(path)  # it says why, as for any file
    result = curated.read_curated_bytes(raw, path)
    if result.dataset is not None:
        store(raw, result)
    return result


def store(raw: bytes, result) -> None:
    """Keep ``result`` (read from these bytes) for the next start; older ones go."""
    target = _file(raw)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        for old in target.parent.glob("bundled-*.pickle"):
            if old != target:
                old.unlink(missing_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
    except Exception as exc:
        log.info("araz: bundled dataset cache not written (%s)", exc)
