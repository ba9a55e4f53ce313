"""ACLED CSV through ``pyarrow.csv``: the fast path of :func:`araz.io.acled.read_acled`.

The file is parsed by ``pyarrow.csv.open_csv`` in blocks (progress and Cancel between
blocks; nothing but the columns Araz keeps stays in memory), every repeated column
comes back dictionary-encoded (:mod:`araz.io._acled_coded`), and the reader's rules
(dates, precisions, actors, places, titles, extra values) run once per DISTINCT value
or combination of values, never once per row in Python (:mod:`araz.io._acled_build`).
The result is the same :class:`EventTable` columns the row reader builds.

Two cores: a thread parses the next blocks (:mod:`araz.io._acled_prefetch`; pyarrow
reads the file natively and parses without the GIL; that thread does nothing else, the
parse being the longer of the two) while this one trims the ids and notes of the block
before, hashes the ids, lays the notes in one growing buffer, and every sixteenth of
the file (8 to :data:`~araz.io._acled_coded.GROUP` batches) codes the group in Arrow
(its dictionaries unified after those of the groups before, in the same call:
the file's codes at once; coordinates dictionary-encoded) and makes its new dates in
bulk (:mod:`araz.io._acled_dates`); after the parse, what is left is the last group,
a unification of the coordinates' groups, a sort of the ids' hashes, and the rules
once per distinct value (the places' keys hashed in a thread beside them).

A file this path does not read as a well-formed UTF-8 CSV (a row with too many or too
few fields, text that is not UTF-8, a NUL byte, a row longer than a block twice over)
returns ``None``: :mod:`araz.io.acled` then reads it row by row, with the same rules.

Line numbers in problems are physical lines (:mod:`araz.io._acled_lines`).
"""

from __future__ import annotations

import csv
import ctypes
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from ._acled_build import Block, build
from ._acled_coded import GROUP, CodedColumn, TextCodedColumn, id_hashes, may_strip
from ._acled_dates import EarlyDates
from ._acled_prefetch import prefetched
from ._acled_rules import delimiter_of, header_columns
from ._acled_tables import AcledTables
from ._common import Ticker, cancelled
from ._files import InputError, open_input
from .problems import LoadResult, Problem, Reporter

BOM = b"\xef\xbb\xbf"
MIN_BLOCK = 4096
MAX_BLOCK = 1 << 20  # the memory a load needs beyond its table grows with the block
BLOCKS = 80  # a smaller file is read in this many blocks (progress, Cancel)
LONG_ROWS_BLOCK = 16 << 20  # again, when a row is longer than a block
AHEAD = 16  # batches the parse thread may be ahead of the coding
# the columns read as plain strings (one value per row); every other one is dictionary
PLAIN = ("id", "notes")
# read as plain strings too, and coded once at the end (TextCodedColumn): the coordinates
TEXT_CODED = ("lat", "lon")


# glibc: during a parse, a block of this size or more is mapped on its own (and
# unmapped when freed); after it, the highest threshold glibc's own adjustment reaches
# (numpy's arrays over a million rows come from the heap)
MAPPED = 512 << 10
AFTER_MAPPED = 32 << 20
# the free memory the top of the heap may keep: during a read, the 64 MB glibc pairs
# with that threshold (the build's arrays, freed and made again, are not given back and
# faulted in again each time: with 2 MB, 100k-row reads took 4-7 % longer); after it,
# 2 MB (the app with a 1M-row file held up to 60 MB more after a filter change: the
# views' freed arrays, kept at the top until the next explicit trim; the filters' masks
# at 1M rows no slower)
READ_TRIM, AFTER_TRIM = 64 << 20, 2 << 20
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3


@cache
def _mallopt():
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL("libc.so.6").mallopt  # find_library would run ldconfig
    except (OSError, AttributeError):  # not glibc
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_int]
    return fn


@contextmanager
def _big_blocks_mapped() -> Iterator[None]:
    """During a parse, glibc maps every allocation of :data:`MAPPED` bytes or more on
    its own.

    By default glibc raises that threshold to the size of the first big block freed
    (up to 32 MB): the parse's 1 MB input and parse buffers then come from the heap,
    between the small arrays each block leaves behind, and the heap cannot shrink past
    them (a 210 MB file: peak memory +220 MB instead of +60 MB).  After the parse, the
    threshold is where glibc's adjustment would have taken it: a mapped block costs
    its page faults again at each allocation (numpy over 1M rows: 1.7x slower).
    Elsewhere (macOS, Windows, musl) nothing changes."""
    mallopt = _mallopt()
    if mallopt is None:
        yield
        return
    mallopt(M_MMAP_THRESHOLD, MAPPED)
    try:
        yield
    finally:
        mallopt(M_MMAP_THRESHOLD, AFTER_MAPPED)


@contextmanager
def _top_kept() -> Iterator[None]:
    """During a read, glibc keeps up to :data:`READ_TRIM` bytes free at the top of the
    heap; after it, what is freed there beyond :data:`AFTER_TRIM` goes back to the
    system at once (not when something trims the heap)."""
    mallopt = _mallopt()
    if mallopt is None:
        yield
        return
    mallopt(M_TRIM_THRESHOLD, READ_TRIM)
    try:
        yield
    finally:
        mallopt(M_TRIM_THRESHOLD, AFTER_TRIM)


@cache
def _texts():
    """Arrow's "" and "\\x00" (made from buffers: ``pa.scalar`` imports pandas)."""
    import pyarrow as pa

    def text(b: bytes):
        offsets = pa.py_buffer(np.array([0, len(b)], np.int32))
        return pa.Array.from_buffers(pa.string(), 1, [None, offsets, pa.py_buffer(b)])[0]

    return text(b""), text(b"\x00")


class _Fallback(Exception):
    """This file is for the row reader."""


def read_arrow(path: Path, progress, cancel) -> LoadResult | None:
    """Read ``path``; None when the file is for the row reader."""
    import pyarrow as pa

    try:
        return _read(path, progress, cancel)
    except (_Fallback, pa.ArrowException):
        return None


def _header(head: bytes) -> tuple[list[str], str]:
    if head.startswith(BOM):
        head = head[3:]
    if b"\x00" in head:
        raise _Fallback
    end = head.find(b"\n")
    first = head[: end if end >= 0 else len(head)]
    try:
        line = first.decode("utf-8")
    except UnicodeDecodeError:
        raise _Fallback from None
    delimiter = delimiter_of(line)
    line = line.removesuffix("\r")
    if "\r" in line or ('"' in line and line.count('"') % 2):  # odd line ends, or a
        raise _Fallback  # header over several lines
    try:
        header = next(csv.reader([line], delimiter=delimiter), None)
    except csv.Error:
        raise _Fallback from None
    if not header:
        raise _Fallback
    return header, delimiter


def _read(path: Path, progress, cancel) -> LoadResult:
    import pyarrow as pa

    try:
        f = open_input(path, "table")
    except InputError as exc:
        return LoadResult(None, [Problem(str(path), None, f"cannot read the file: {exc}")])
    with f:
        size = os.fstat(f.fileno()).st_size
        header, delimiter = _header(f.read(1 << 16))
        col = header_columns(header)
        if not {"date", "lat", "lon"} <= col.keys():
            raise _Fallback  # the row reader says what is missing
        ncols = len(header)
        names = [f"c{i}" for i in range(ncols)]
        types = {
            f"c{i}": pa.string()
            if k in PLAIN or k in TEXT_CODED
            else pa.dictionary(pa.int32(), pa.string())
            for k, i in col.items()
        }
        # the system allocator: pyarrow's default pool keeps what a load freed (its input
        # buffers come from the default pool whatever pool the reader is given)
        pool = pa.system_memory_pool()
        pa.set_memory_pool(pool)
        block = min(MAX_BLOCK, max(MIN_BLOCK, size // BLOCKS))
        for attempt in (block, LONG_ROWS_BLOCK):
            f.seek(0)
            try:
                with _top_kept():
                    return _parse(
                        path, f, size, attempt, names, types, col, delimiter, progress, cancel
                    )
            except pa.ArrowInvalid as exc:
                if "straddl" not in str(exc) or attempt == LONG_ROWS_BLOCK:
                    raise _Fallback from None
            finally:
                pool.release_unused()
        raise _Fallback


def _parse(path, f, size, block, names, types, col, delimiter, progress, cancel):
    import pyarrow as pa

    pool = pa.system_memory_pool()
    with _native(f) as source:
        return _stream(
            path, source, size, block, names, types, col, delimiter, progress, cancel, pool
        )


@contextmanager
def _native(f) -> Iterator[Any]:
    """The open file ``f`` as Arrow reads it without the GIL: on Linux, a native file
    over the same open file (``/proc/self/fd``: the file checked when ``f`` was opened,
    whatever its path names now), its inode checked; else ``f`` itself (read through
    Python: each block's read waits for the GIL while the rules run, and is copied once
    more)."""
    import pyarrow as pa

    source = None
    if sys.platform.startswith("linux"):
        try:
            source = pa.OSFile(f"/proc/self/fd/{f.fileno()}")
            mine, theirs = os.fstat(source.fileno()), os.fstat(f.fileno())
            if (mine.st_dev, mine.st_ino) != (theirs.st_dev, theirs.st_ino):
                source.close()
                source = None
        except (OSError, pa.ArrowException):
            source = None
    if source is None:
        f.seek(0)
        yield f
        return
    try:
        yield source
    finally:
        source.close()


def _stream(path, source, size, block, names, types, col, delimiter, progress, cancel, pool):
    from pyarrow import csv as pacsv

    stream = pacsv.open_csv(
        source,
        read_options=pacsv.ReadOptions(
            column_names=names, skip_rows=1, block_size=block, use_threads=False
        ),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types=types,
            include_columns=list(types),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
        memory_pool=pool,
    )
    # the parse is the first 70 % of the progress bar, building the dataset the rest
    tick = Ticker(progress, cancel, size * 10 // 7 + 1)
    # groups of a sixteenth of the file (8 to GROUP batches): the last one, coded once
    # the parse has ended, is a small part of the file
    gathered = Gathered(col, max(8, min(GROUP, size // block // 16)))
    done = 0
    # the next blocks parsed by a thread while this one does the rest (the parse is the
    # longer of the two: that thread does nothing else); the queue holds the batches
    # parsed while a group is coded: with two, the parse thread waited at each group
    with _big_blocks_mapped(), prefetched(stream, depth=AHEAD) as batches:
        for batch in batches:
            # a batch is about a block of the file (pyarrow reads ahead of what it gives)
            done += block
            if tick.at(min(done, size)):
                return cancelled(str(path))
            gathered.add(batch, pool)
    rows = gathered.block(path, None, delimiter)
    del gathered
    result = build(rows, AcledTables(), Reporter(path), tick)
    tick.done()
    return result


def _trimmed(texts, pool):
    """An Arrow string array trimmed (``utf8_trim_whitespace``), or itself when no text
    begins or ends with a byte that may be whitespace (most batches: no copy)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if texts.type == pa.string() and not may_strip(texts).any():
        return texts
    return pc.utf8_trim_whitespace(texts, memory_pool=pool)


def _none_of(arr):
    """No rows of ``arr``'s type (a dictionary array: over its dictionary), holding
    none of its buffers but the dictionary (made from buffers: ``pa.array`` imports
    pandas)."""
    import pyarrow as pa

    kind = arr.type
    if pa.types.is_dictionary(kind):
        none = pa.Array.from_buffers(kind.index_type, 0, [None, pa.py_buffer(b"")])
        return pa.DictionaryArray.from_arrays(none, arr.dictionary)
    offsets = pa.py_buffer(np.zeros(1, np.int32))
    return pa.Array.from_buffers(kind, 0, [None, offsets, pa.py_buffer(b"")])


class Gathered:
    """The columns Araz keeps, gathered batch by batch: each repeated column coded
    (a batch's column ``c<i>`` dictionary-encoded; coded by groups of batches), the ids
    (plain strings) and the notes (one growing buffer, a NUL after each)."""

    def __init__(self, col: dict[str, int], group: int = GROUP) -> None:
        self.col = col
        self.group_size = group  # batches coded together
        self.coded = {
            k: TextCodedColumn() if k in TEXT_CODED else CodedColumn()
            for k in col
            if k not in PLAIN
        }
        self.coded_names = [f"c{col[k]}" for k in self.coded]
        self.group: list = []  # the repeated columns of the batches not coded yet
        self.so_far = None  # no rows, the dictionaries of the groups coded (_group_table)
        self.dates = EarlyDates()
        self.ids: list[Any] = []
        self.id_hashes: list[np.ndarray | None] = []  # of each chunk of ids
        # the notes, batch after batch in one buffer (grown in place: a big one is
        # mapped, and grows without a copy; parts joined at the end were the notes twice)
        self.summary = bytearray()
        self.size = 0  # their bytes
        self.ends: list[np.ndarray] = []
        self.first_row: list[str] | None = None
        self.seen = False  # a row seen by prepare

    def prepare(self, batch, pool) -> tuple | None:
        """What :meth:`take` takes of a batch, the part done in Arrow (the ids and the
        notes trimmed, the notes joined with a NUL after each; at each :data:`GROUP`
        batches, the group's repeated columns joined with their dictionaries unified):
        no Python objects per row, the GIL let go (while the parse thread parses the
        next batches); in batch order."""
        import pyarrow.compute as pc

        col = self.col
        n = batch.num_rows
        if not n:
            return None
        ids = None
        if "id" in col:
            # always a trimmed copy (untrimmed, the batch's own array kept a fresh
            # process 7 bytes an event more resident after a 1M-row read)
            ids = pc.utf8_trim_whitespace(batch.column(f"c{col['id']}"), memory_pool=pool)
        if "notes" in col:
            notes = _trimmed(batch.column(f"c{col['notes']}"), pool)
            empty, nul = _texts()
            joined = pc.binary_join_element_wise(notes, empty, nul, memory_pool=pool)
            offsets = np.frombuffer(
                joined.buffers()[1], np.int32, count=n + 1, offset=joined.offset * 4
            )
            lo, hi = int(offsets[0]), int(offsets[-1])
            part = joined.buffers()[2][lo:hi]
            at = offsets[1:].astype(np.int64) - (lo + 1)  # each text's NUL
        else:
            part, at = b"\x00" * n, np.arange(n, dtype=np.int64)
        first = None
        if not self.seen:  # the first row (the HDX hashtag row?)
            self.seen = True
            first = [(batch.column(f"c{i}")[0].as_py() or "") for i in sorted(col.values())]
        self.group.append(batch.select(self.coded_names))
        table = self._group_table() if len(self.group) >= self.group_size else None
        return first, ids, part, at, table

    def take(self, prepared: tuple | None) -> None:
        """A batch :meth:`prepare` went through: kept, its group coded when complete."""
        if prepared is None:
            return
        first, ids, part, at, table = prepared
        if first is not None:
            self.first_row = first
        if table is not None:
            self._code(table)
        if ids is not None:
            self.ids.append(ids)
            self.id_hashes.append(id_hashes(ids))
        self.ends.append(at + self.size)
        self.summary += part
        self.size += len(part)

    def _group_table(self):
        """The repeated columns of the batches gathered so far, joined (one chunk each,
        the coordinates dictionary-encoded), the group emptied: a few Arrow calls for
        the whole group, none per batch and column.  The group's dictionaries are
        unified after those of the groups before (a first batch of no rows holds them):
        the values met before keep their codes, and each column's codes are the file's
        already."""
        import pyarrow as pa

        group, self.group = self.group, []
        if self.so_far is not None:
            group.insert(0, self.so_far)
        table = pa.Table.from_batches(group).unify_dictionaries().combine_chunks()
        del group
        self.so_far = pa.RecordBatch.from_arrays(
            [_none_of(table.column(i).chunk(0)) for i in range(table.num_columns)],
            schema=table.schema,
        )
        for k in TEXT_CODED:
            if k in self.col:
                name = f"c{self.col[k]}"
                at = table.schema.get_field_index(name)
                table = table.set_column(at, name, table.column(name).dictionary_encode())
        return table

    def _code(self, table) -> None:
        """A group's table (:meth:`_group_table`): each column's codes kept by its coded
        column, the group's new dates made."""
        for name, column in zip(self.coded_names, self.coded.values(), strict=True):
            arr = table.column(name).chunk(0)
            if isinstance(column, TextCodedColumn):
                column.add(arr)
            else:
                column.add_known(arr)
        col = self.col
        if "date" in col:  # made now, while the next batches are parsed
            precision = self.coded.get("time_precision")
            self.dates.add(self.coded["date"], precision)  # type: ignore[arg-type]

    def add(self, batch, pool) -> None:
        self.take(self.prepare(batch, pool))

    def block(
        self, path: Path, file_lines: int | None, delimiter: str, rows: np.ndarray | None = None
    ) -> Block:
        """What was gathered, as the build takes it (the HDX hashtag row skipped);
        ``file_lines``: the lines the file holds (None: counted if a problem needs its
        line); ``rows``: each row's own number, when the file says (a sheet's rows)."""
        cells = [c.strip() for c in self.first_row or [] if c.strip()]
        skip = 1 if cells and all(c.startswith("#") for c in cells) else 0
        if self.group:  # the last batches (the parse thread has ended)
            self._code(self._group_table())
        summary, self.summary = self.summary, bytearray()
        return Block(
            path,
            self.col,
            self.coded,
            self.ids,
            summary,
            self.ends,
            skip,
            file_lines,
            delimiter,
            rows,
            self.dates,
            self.id_hashes,
        )
