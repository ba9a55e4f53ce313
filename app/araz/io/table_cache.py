"""Tables read once, opened again in a blink: the result of reading a file, kept as an
Arrow IPC (Feather v2) file in the user's cache folder and memory-mapped on the next open.

What is cached (of files named .csv, .tsv, .geojson or .json): a dataset whose events
table was built by columns (ACLED CSV, GeoJSON), never one built from event objects
(the curated YAML, whose result also depends on other files in its folder and has its
own cache, :mod:`araz.io.bundled_cache`; TimelineJS/StoryMapJS, whose events keep their
own ``extra``), nor an empty, cancelled or refused read.  The file's problems, skipped
and merged counts are kept with it, so a cached open reports what the first one did.

The key, checked at every open: the file's resolved path, size, modification time and
a hash of its first 64 KiB, the reader options (all of the read's
:class:`~araz.io.registry.ReadContext` but its callbacks), and a stamp of the reading
code (size and time of every module of ``araz/io`` and ``araz/model``, Araz's and
Python's versions, this format's number).  The entry's name is a hash of the path and
the options; the rest of the key is in the file, and an entry whose file or reading code
has changed is stale: deleted, the file read again and the entry written anew in its
place.  The file is stamped before the read and again before the store: a file that
changes while it is read is not cached.  (A change that keeps the size, the modification
time to the nanosecond the file system keeps and the first 64 KiB is not seen.)

:class:`Entry` is the interface (``read_path`` makes one before it reads, then calls
``load()`` and, after a fresh read, ``store(result)``); :func:`usage`, :func:`clear`
and :func:`evict` look after the folder.

The layout (:mod:`araz.io._table_arrow`): the dataset's own Arrow table
(:mod:`araz.model.arrow_table`: one row per event, every repeated column
dictionary-encoded, its distinct values once; those that are not text as JSON, once per
distinct value; the summaries one string column); places, actors and problems small
Arrow tables of their own, in the schema's metadata.  Written after
``combine_chunks()``, uncompressed: opening it maps the file and wraps the table, its
ids, summaries and codes numpy views of the mapped buffers, its text values decoded
when first used.  Before any of it is trusted the structure is checked (format, key,
schema and types, lengths, codes within their dictionaries, offsets monotonic and within
their data, texts valid UTF-8, the values that are not text decoded and their types
checked, no nulls where none were written); a file that fails is deleted and read
again, with a log line, never a crash.  What the checks cannot see is a flipped bit
inside a coordinate or a letter.  A table whose texts are not valid UTF-8 (a lone
surrogate from a GeoJSON file) is not kept.

Beside each table, a second file (``.views``, :class:`ViewsEntry`) may keep what the
views made of it (the map's payload, the timeline's order, the ids' index…:
:mod:`araz.views.prepared` decides what, :mod:`araz.io._views_file` is its layout),
written after the first open's preparation and memory-mapped at the next.  Its key is
the table's with a stamp of the views' code: a table read again, or views changed,
make it stale; it is checked as the table is (a damaged one is deleted and made again),
counted with the tables in the folder's size, evicted and cleared with them.  The map's
payload (``map_body``) is kept in a third file (``.payload``) that holds its bytes
alone, the views file its checksum: the page is served straight from it (Qt reads it,
not Python), once it was checked at the open (:meth:`ViewsEntry.load`) and is still the
very file checked (:meth:`ViewsEntry.side_file`).

The folder (``user_cache_path("araz")/tables``, under ``$XDG_CACHE_HOME`` when set) is
kept under :data:`CAP_BYTES`, the least recently used entries going first after each
store.  ``ARAZ_TABLE_CACHE=off`` turns the cache off (the test suite does).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import os
import sys
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .. import __version__
from .problems import LoadResult

T = TypeVar("T")

log = logging.getLogger(__name__)

FORMAT = 4  # 4: codes in the narrowest integer type, summary offsets int32
CAP_BYTES = 2 << 30  # 2 GiB
HEAD_BYTES = 64 * 1024
SUFFIX = ".arrow"
VIEWS_SUFFIX = ".views"  # the views' data of the table of the same name
PAYLOAD_SUFFIX = ".payload"  # the map's payload of those views, a file of its own
# the files that may hold a table built by columns (ACLED; GeoJSON, also as .json)
SUFFIXES = (".csv", ".tsv", ".geojson", ".json")


def enabled() -> bool:
    """False when ``$ARAZ_TABLE_CACHE`` is ``off`` (or 0, no, false)."""
    value = os.environ.get("ARAZ_TABLE_CACHE", "on").strip().lower()
    return value not in ("off", "0", "no", "false")


def cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("araz", appauthor=False) / "tables"


def _entries() -> list[Path]:
    try:
        return [
            p
            for p in cache_dir().iterdir()
            if p.suffix in (SUFFIX, VIEWS_SUFFIX, PAYLOAD_SUFFIX) and p.is_file()
        ]
    except OSError:
        return []


def usage() -> int:
    """Bytes the cached tables (and their views' data) take."""
    total = 0
    for p in _entries():
        with contextlib.suppress(OSError):
            total += p.stat().st_size
    return total


def clear() -> int:
    """Delete every cached table and views' data; the bytes freed.  (A table open in the app stays
    readable: its file is unlinked, not overwritten.)"""
    freed = 0
    for p in _entries():
        try:
            size = p.stat().st_size
            p.unlink()
            freed += size
        except OSError as exc:
            log.info("araz: cached table %s not deleted (%s)", p.name, exc)
    return freed


def evict(cap: int | None = None) -> int:
    """Delete the least recently used entries until the folder holds at most ``cap``
    bytes (default :data:`CAP_BYTES`); the bytes freed."""
    cap = CAP_BYTES if cap is None else cap
    with contextlib.suppress(OSError):  # what a writer that died mid-way left
        for p in cache_dir().glob("*.tmp"):
            if time.time() - p.stat().st_mtime > 3600:
                p.unlink()
    files = []
    for p in _entries():
        with contextlib.suppress(OSError):
            st = p.stat()
            used = st.st_mtime_ns
            if p.suffix == PAYLOAD_SUFFIX:  # used when its views file is (and not touched)
                with contextlib.suppress(OSError):
                    used = max(used, p.with_suffix(VIEWS_SUFFIX).stat().st_mtime_ns)
            files.append((used, st.st_size, p))
    total = sum(size for _, size, _ in files)
    freed = 0
    for _, size, p in sorted(files, key=lambda f: (f[0], f[2].name)):
        if total <= cap:
            break
        with contextlib.suppress(OSError):
            p.unlink()
            total -= size
            freed += size
    return freed


def _code_stamp() -> str:
    """What a change of the reading code changes: each module of io and model.  (Not
    pyarrow's version: the IPC format is stable, and this format is ours.)"""
    package = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for module in sorted([*package.glob("io/*.py"), *package.glob("model/*.py")]):
        st = module.stat()
        h.update(f"{module.name}:{st.st_size}:{st.st_mtime_ns};".encode())
    h.update(f"{FORMAT}:{__version__}:{sys.version_info[:2]}".encode())
    return h.hexdigest()[:32]


def file_stamp(path: Path) -> dict:
    """The file as it is now: size, modification time, hash of its first block."""
    st = os.stat(path)
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
    return {
        "size": st.st_size,
        "mtime_ns": st.st_mtime_ns,
        "head": hashlib.sha256(head).hexdigest(),
    }


class Entry:
    """The cache's entry for one file read with some options.  Made before the read
    (that is when the file is stamped); :meth:`load` gives the cached result or None,
    :meth:`store` keeps a fresh one.  Never raises: a cache that cannot be read or
    written is left aside with a log line."""

    def __init__(self, path: str | Path, options: dict | None = None):
        self.path = Path(path)
        self.options = {k: v for k, v in sorted((options or {}).items()) if v is not None}
        self.file: Path | None = None
        self.key: dict | None = None
        self._hit = False
        if not enabled() or self.path.suffix.lower() not in SUFFIXES:
            return
        try:
            resolved = str(self.path.resolve())
            stamp = file_stamp(self.path)
            code = _code_stamp()
            name = json.dumps([resolved, self.options], sort_keys=True, default=str)
        except (OSError, TypeError, ValueError) as exc:
            log.info("araz: %s not looked up in the table cache (%s)", self.path, exc)
            return
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        self.file = cache_dir() / f"{digest}{SUFFIX}"
        self.key = {"path": resolved, "options": name, "code": code, **stamp}

    def load(self) -> LoadResult | None:
        """The cached result of reading the file, if there is a sound one."""
        file = self.file
        if file is None or not file.exists():
            return None
        from . import _table_arrow

        t0 = time.perf_counter()
        was_enabled = gc.isenabled()
        gc.disable()  # a million new objects and no cycles: no collection passes
        try:
            result = _sound(
                lambda: _table_arrow.read(file, self.key),
                _table_arrow.Stale,
                file,
                f"cached table {file.name} for {self.path}",
                "reading the file",
                self._drop,
            )
        finally:
            if was_enabled:
                gc.enable()
        if result is None:
            return None
        result.timings["cache"] = time.perf_counter() - t0
        self._hit = True
        self._remember(result)
        return result

    def store(self, result: LoadResult, cap: int | None = None) -> bool:
        """Keep a fresh read's result (not one :meth:`load` gave) when it is worth it
        and the file has not changed since this entry was made.  True if written."""
        if self.file is None or self.key is None or self._hit:
            return False
        why = not_cacheable(result)
        if why:
            log.debug("araz: %s not cached: %s", self.path, why)
            return False
        try:
            now = file_stamp(self.path)
        except OSError:
            return False
        if any(now[k] != self.key[k] for k in now):
            log.info("araz: %s changed while it was read; not cached", self.path)
            return False
        # a name of its own per writer (two loads of one file may overlap), then one rename
        tmp = self.file.with_name(f"{self.file.stem}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            from . import _table_arrow

            self.file.parent.mkdir(parents=True, exist_ok=True)
            _table_arrow.write(tmp, self.key, result)
            if tmp.stat().st_size > (CAP_BYTES if cap is None else cap):
                raise ValueError("larger than the cache's cap")  # it would flush the rest
            os.replace(tmp, self.file)
            self._drop(views=True, table=False)  # the views' data of an older table
        except Exception as exc:
            log.info("araz: %s not cached (%s: %s)", self.path, type(exc).__name__, exc)
            with contextlib.suppress(OSError):
                tmp.unlink()
            return False
        evict(cap)
        self._remember(result)
        return True

    def _remember(self, result: LoadResult) -> None:
        """Tie the dataset to this entry (:func:`views_entry`)."""
        if self.file is not None and self.key is not None and result.dataset is not None:
            _VIEWS[result.dataset] = ViewsEntry(self.file.with_suffix(VIEWS_SUFFIX), self.key)

    def _drop(self, views: bool = True, table: bool = True) -> None:
        if self.file is not None:
            views_files = [self.file.with_suffix(s) for s in (VIEWS_SUFFIX, PAYLOAD_SUFFIX)]
            for p in [self.file] * table + views_files * views:
                with contextlib.suppress(OSError):
                    p.unlink()


def _sound(
    read: Callable[[], T],
    stale: type[Exception],
    file: Path,
    what: str,
    then: str,
    drop: Callable[[], None],
) -> T | None:
    """What ``read()`` gives, its ``file``'s time of last use set (the eviction order);
    or None once a stale or damaged file is deleted: a cache file is never trusted.
    The one rule of both kinds of entry (``what`` and ``then`` say which in the log)."""
    try:
        got = read()
    except stale as exc:
        log.info("araz: %s is stale (%s); %s", what, exc, then)
    except Exception as exc:  # corrupt, truncated, another format
        log.warning(
            "araz: %s is damaged (%s: %s); deleted, %s", what, type(exc).__name__, exc, then
        )
    else:
        with contextlib.suppress(OSError):
            os.utime(file)
        return got
    drop()
    return None


class ViewsEntry:
    """The views' data kept beside a cached table (the module docstring): :meth:`load`
    gives it (None: there is none, or none sound), :meth:`store` keeps it.  Never
    raises, as :class:`Entry`."""

    SIDE = "map_body"  # the part kept in a file of its own (the module docstring)

    def __init__(self, file: Path, table_key: dict):
        self.file = file
        self.side = file.with_suffix(PAYLOAD_SUFFIX)
        self._table_key = json.dumps(table_key, sort_keys=True, default=str)

    def _key(self, stamp: str) -> str:
        text = f"{self._table_key}|{stamp}".encode("utf-8", "surrogatepass")
        return hashlib.sha256(text).hexdigest()

    def load(self, stamp: str) -> tuple[dict, dict[str, Any]] | None:
        """The meta and arrays kept for ``stamp`` (the views' code), if sound."""
        if not enabled() or not self.file.exists():
            return None
        from . import _views_file

        # (the side file's time is left as it is: the page's server checks it)
        return _sound(
            lambda: _views_file.read(self.file, self._key(stamp), self.side),
            _views_file.Stale,
            self.file,
            f"cached views' data {self.file.name}",
            "made again",
            self.drop,
        )

    def store(self, stamp: str, meta: dict, parts: dict, cap: int | None = None) -> bool:
        """Keep the views' data for ``stamp``: True if written."""
        if not enabled():
            return False
        tmp = self.file.with_name(f"{self.file.stem}.{os.getpid()}.{threading.get_ident()}.tmp")
        side_tmp = tmp.with_name(tmp.stem + ".side.tmp")
        side = (self.SIDE, side_tmp) if self.SIDE in parts else None
        try:
            from . import _views_file

            if not self.file.with_suffix(SUFFIX).exists():
                return False  # its table was cleared or evicted meanwhile
            _views_file.write(tmp, self._key(stamp), meta, parts, side)
            size = tmp.stat().st_size + (side_tmp.stat().st_size if side else 0)
            if size > (CAP_BYTES if cap is None else cap):
                raise ValueError("larger than the cache's cap")
            # the side file first: a views file is never without its own (a reader
            # between the two renames finds the older one's checksum wrong: made again)
            if side:
                os.replace(side_tmp, self.side)
            os.replace(tmp, self.file)
        except Exception as exc:
            log.info("araz: views' data not cached (%s: %s)", type(exc).__name__, exc)
            for p in (tmp, side_tmp):
                with contextlib.suppress(OSError):
                    p.unlink()
            return False
        evict(cap)
        return True

    def drop(self) -> None:
        for p in (self.file, self.side):
            with contextlib.suppress(OSError):
                p.unlink()

    @staticmethod
    def forget(array: Any) -> None:
        """Let a part :meth:`load` gave, read and not needed for a while, leave memory
        (:func:`araz.io._views_file.forget`: read again from the file if used)."""
        from . import _views_file

        _views_file.forget(array)

    @staticmethod
    def side_file(array: Any) -> SideFile | None:
        """Where a part :meth:`load` gave is kept whole in a file of its own (the map's
        payload), as it was when checked at the load.  None: it is not such a part."""
        from . import _views_file

        found = _views_file.side_of(array)
        return None if found is None else SideFile(*found)

    def side_ahead(self, stamp: str) -> SideFile | None:
        """The payload file as it is now, if this entry's views file (for ``stamp``)
        names one of its size: a quick look, not a check (:func:`payload_ahead`)."""
        from . import _views_file

        if not enabled():
            return None
        found = _views_file.side_ahead(self.file, self._key(stamp), self.side)
        return None if found is None else SideFile(*found)


@dataclass(frozen=True)
class SideFile:
    """A payload file (:attr:`ViewsEntry.side`) as it was at one moment: its path and its
    device, inode, size and modification time."""

    path: str
    identity: tuple[int, int, int, int]

    def same(self, fd: int) -> bool:
        """Whether the file open as ``fd`` is still this one (a file replaced or written
        to since is not)."""
        from . import _views_file

        return _views_file.same_side(self.identity, fd)


def payload_ahead(path: str | Path, options: dict, stamp: str) -> SideFile | None:
    """The payload file kept for the next open of ``path`` with ``options`` (the views'
    code's ``stamp``), looked at before the file is read: its table's entry and views
    file there, for this very file and code (the key in the views file's header), the
    payload file of the size that header says.  Not checked: the page may fetch it
    ahead, while the table and the views' data are read and checked; it is used only
    if it is the file the check then passes (:meth:`ViewsEntry.side_file`, the same
    identity).  None otherwise; never raises."""
    entry = Entry(path, options)
    if entry.file is None or entry.key is None or not entry.file.exists():
        return None
    return ViewsEntry(entry.file.with_suffix(VIEWS_SUFFIX), entry.key).side_ahead(stamp)


# the entry each dataset read through the cache came from (weakly: it goes with it)
_VIEWS: weakref.WeakKeyDictionary[Any, ViewsEntry] = weakref.WeakKeyDictionary()


def views_entry(dataset: Any) -> ViewsEntry | None:
    """Where the views' data of a dataset read through the cache (from its file, then
    stored, or from the cache) is kept; None for any other."""
    return _VIEWS.get(dataset)


def not_cacheable(result: LoadResult) -> str | None:
    """Why this result is not kept (None: it is)."""
    ds = result.dataset
    if ds is None or result.mapping is not None:
        return "nothing read"
    if not len(ds):
        return "no events"
    table = ds.events
    if table._objects is not None:
        return "events kept as objects (curated, TimelineJS, StoryMapJS)"
    if ds.seed is not None or table.quotes:
        return "a seed or quotes"
    coded = (table.title, table.date, table.actors, table.places, table.category)
    columns = [*coded, table.certainty, *table.extra.values()]
    if any(c.missing is not None for c in columns):
        return "a column whose missing value is not None"
    return None
