"""ACLED CSV through ``pyarrow.csv``: the fast path of :func:`araz.io.acled.read_acled`.

The file is parsed by ``pyarrow.csv.open_csv`` in blocks (progress and Cancel between
blocks; nothing but the columns Araz keeps stays in memory), every repeated column
comes back dictionary-encoded, and the reader's rules (dates, precisions, actors,
places, titles, extra values) run once per DISTINCT value or combination of values,
never once per row in Python.  The result is the same :class:`EventTable` columns the
row reader builds.

A file this path does not read as a well-formed UTF-8 CSV (a row with too many or too
few fields, text that is not UTF-8, a NUL byte, a row longer than a block twice over)
returns ``None``: :mod:`araz.io.acled` then reads it row by row, with the same rules.

Line numbers in problems are physical lines: the line of a row is 2 + its index + the
line breaks inside quoted fields of the rows before it (counted in the kept columns);
when that does not add up to the file's own count of lines (blank lines, breaks inside
a column Araz does not keep, ``\\r`` alone), the lines are counted again exactly with
the ``csv`` module, only for a file with problems to report.
"""

from __future__ import annotations

import csv
import io
import os
from contextlib import suppress
from pathlib import Path
from typing import Any

import numpy as np

from ..model.dataset import Dataset
from ..model.entities import EventDate, Place, PlaceRef
from ..model.table import Coded, EventTable, TextColumn
from ._common import Ticker, cancelled, slug
from ._files import InputError, open_input
from .problems import LoadResult, Problem

BOM = b"\xef\xbb\xbf"
MIN_BLOCK = 4096
MAX_BLOCK = 1 << 20  # the memory a load needs beyond its table grows with the block
LONG_ROWS_BLOCK = 16 << 20  # again, when a row is longer than a block
# the columns read as plain strings (one value per row); every other one is dictionary
_PLAIN = ("id", "notes")


class _Fallback(Exception):
    """This file is for the row reader."""


class _Counting(io.RawIOBase):
    """The file as pyarrow reads it, counting bytes and line ends on the way."""

    def __init__(self, f) -> None:
        self.f = f
        self.pos = 0
        self.newlines = 0
        self.last = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[override]
        n = self.f.readinto(b)
        if n:
            view = memoryview(b)[:n]
            self.newlines += bytes(view).count(b"\n")
            self.last = bytes(view[n - 1 :])
            self.pos += n
        return n or 0

    def close(self) -> None:
        self.f.close()
        super().close()


class _Column:
    """Global codes for one dictionary column, gathered batch by batch (first-appearance
    order); :meth:`done` strips the values and merges those equal once stripped."""

    def __init__(self) -> None:
        self.by: dict[str, int] = {}
        self.parts: list[np.ndarray] = []

    def add(self, arr) -> None:
        by = self.by
        d = arr.dictionary.to_pylist()
        lut = np.fromiter((by.setdefault(v, len(by)) for v in d), np.int32, count=len(d))
        idx = arr.indices
        codes = np.frombuffer(idx.buffers()[1], np.int32, count=len(idx), offset=idx.offset * 4)
        self.parts.append(lut[codes] if len(lut) else codes.copy())

    def done(self, skip: int) -> tuple[np.ndarray, list[str]]:
        codes = np.concatenate(self.parts) if self.parts else np.zeros(0, np.int32)
        codes = codes[skip:]
        canon: dict[str, int] = {}
        lut = np.fromiter(
            (canon.setdefault(v.strip(), len(canon)) for v in self.by), np.int32, len(self.by)
        )
        return (lut[codes] if len(lut) else codes), list(canon)


def _combine(*pairs: tuple[np.ndarray, int]) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct combinations of several coded columns, numbered in order of
    first appearance, and the first row of each combination."""
    key = np.zeros(len(pairs[0][0]), np.int64)
    size = 1
    for codes, n in pairs:
        n = max(n, 1)
        if size * n >= 1 << 62:  # renumber before the key overflows
            _, key = np.unique(key, return_inverse=True)
            key = key.reshape(-1).astype(np.int64)
            size = int(key.max()) + 1 if len(key) else 1
        key = key * n + codes
        size *= n
    if size <= max(1 << 22, 4 * len(key)):  # a dense table: no sort
        first = np.full(size, len(key), np.int64)
        np.minimum.at(first, key, np.arange(len(key)))
        used = np.flatnonzero(first < len(key))
        order = np.argsort(first[used], kind="stable")
        rank = np.empty(size, np.int32)
        rank[used[order]] = np.arange(len(used), dtype=np.int32)
        return rank[key], first[used[order]]
    _, first, inv = np.unique(key, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(order), np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    return rank[inv.reshape(-1)], first[order]


def _floats(texts: list[str]) -> np.ndarray:
    """Each text as a float, NaN where it is not a number."""
    try:
        return np.array([t or "nan" for t in texts] or ["nan"], np.float64)
    except ValueError:
        pass
    out = np.full(max(len(texts), 1), np.nan)
    for i, t in enumerate(texts):
        with suppress(ValueError):
            out[i] = float(t)
    return out


def read_arrow(reader, path: Path, progress, cancel) -> LoadResult | None:
    """Read ``path`` for the row reader ``reader`` (its rules and its actor and place
    tables); None when the file is for the row reader."""
    import pyarrow as pa

    try:
        return _read(reader, path, progress, cancel)
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
    delimiter = ","
    if line.count(",") < 2:
        delimiter = max(("\t", ";"), key=line.count) if line.strip() else ","
        if line.count(delimiter) < 2:
            delimiter = ","
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


def _read(rd, path: Path, progress, cancel) -> LoadResult:
    import pyarrow as pa

    from ._acled_rules import COLUMNS, _header_key

    try:
        f = open_input(path, "table")
    except InputError as exc:
        return LoadResult(None, [Problem(str(path), None, f"cannot read the file: {exc}")])
    with f:
        size = os.fstat(f.fileno()).st_size
        header, delimiter = _header(f.read(1 << 16))
        col: dict[str, int] = {}
        for i, h in enumerate(header):
            key = COLUMNS.get(_header_key(h))
            if key is not None and key not in col:
                col[key] = i
        if not {"date", "lat", "lon"} <= col.keys():
            raise _Fallback  # the row reader says what is missing
        ncols = len(header)
        names = [f"c{i}" for i in range(ncols)]
        types = {
            f"c{i}": pa.string() if k in _PLAIN else pa.dictionary(pa.int32(), pa.string())
            for k, i in col.items()
        }
        # the system allocator: pyarrow's default pool keeps what a load freed (its input
        # buffers come from the default pool whatever pool the reader is given)
        pool = pa.system_memory_pool()
        pa.set_memory_pool(pool)
        block = min(MAX_BLOCK, max(MIN_BLOCK, size // 80))
        for attempt in (block, LONG_ROWS_BLOCK):
            f.seek(0)
            try:
                return _parse(
                    rd, path, f, size, attempt, names, types, col, delimiter, progress, cancel
                )
            except pa.ArrowInvalid as exc:
                if "straddl" not in str(exc) or attempt == LONG_ROWS_BLOCK:
                    raise _Fallback from None
            finally:
                pool.release_unused()
        raise _Fallback


def _parse(rd, path, f, size, block, names, types, col, delimiter, progress, cancel):
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pacsv

    from ._acled_rules import EXTRA

    pool = pa.system_memory_pool()
    counting = _Counting(f)
    stream = pacsv.open_csv(
        counting,
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
    coded = {k: _Column() for k in col if k not in _PLAIN}
    ids: list[Any] = []
    summary = bytearray()
    ends: list[np.ndarray] = []
    first_row: list[str] | None = None
    done = 0
    for batch in stream:
        # a batch is about a block of the file (pyarrow reads ahead of what it gives)
        done += block
        if tick.at(min(done, size)):
            return cancelled(str(path))
        if not batch.num_rows:
            continue
        if first_row is None:
            first_row = [(batch.column(f"c{i}")[0].as_py() or "") for i in sorted(col.values())]
        for k, c in coded.items():
            c.add(batch.column(f"c{col[k]}"))
        if "id" in col:
            ids.append(pc.utf8_trim_whitespace(batch.column(f"c{col['id']}"), memory_pool=pool))
        if "notes" in col:
            notes = pc.utf8_trim_whitespace(batch.column(f"c{col['notes']}"), memory_pool=pool)
            offsets = np.frombuffer(
                notes.buffers()[1], np.int32, count=len(notes) + 1, offset=notes.offset * 4
            )
            lo, hi = int(offsets[0]), int(offsets[-1])
            data = np.frombuffer(notes.buffers()[2], np.uint8, count=hi - lo, offset=lo)
            at = offsets[1:] - lo  # a NUL after each text (TextColumn's separator)
            ends.append(at + np.arange(len(at)) + len(summary))
            summary += np.insert(data, at, 0).tobytes() if len(at) else b""
        else:
            n = batch.num_rows
            ends.append(np.arange(len(summary), len(summary) + n, dtype=np.int64))
            summary += b"\x00" * n
    cells = [c.strip() for c in first_row or [] if c.strip()]
    skip = 1 if cells and all(c.startswith("#") for c in cells) else 0
    result = _build(rd, path, col, coded, ids, summary, ends, skip, counting, EXTRA, tick)
    tick.done()
    return result


def _build(rd, path, col, coded, id_chunks, summary, ends_parts, skip, counting, extra_keys, tick):
    def stop(fraction: float) -> bool:
        return tick.at(int(tick.total * fraction))

    from ._acled_rules import GEO_RADIUS_M, _acled_date

    cols = {k: c.done(skip) for k, c in coded.items()}
    all_ends = np.concatenate(ends_parts) if ends_parts else np.zeros(0, np.int64)
    n = len(all_ends) - skip
    if skip:
        cut = int(all_ends[skip - 1]) + 1
        summary = summary[cut:]
        all_ends = all_ends[skip:] - cut

    def get(k: str) -> tuple[np.ndarray, list[str]]:
        return cols.get(k) or (np.zeros(n, np.int32), [""])

    if id_chunks:
        raw_ids = [i for chunk in id_chunks for i in chunk.to_pylist()][skip:]
    else:
        raw_ids = [""] * n
    problems: list[tuple[int, int, str, str | None, str]] = []  # row, order, message…

    lines_cache: list[np.ndarray] = []

    def lines() -> np.ndarray:
        if not lines_cache:
            lines_cache.append(_lines(path, cols, summary, all_ends, raw_ids, skip, counting))
        return lines_cache[0]

    # one row per actor: rows with the id of an earlier row that differ from it only in
    # their actors are merged into its event
    distinct = set(raw_ids)
    unique = len(distinct) == n and "" not in distinct
    del distinct
    owner = {} if unique else _per_actor_rows(raw_ids, cols, summary, all_ends)
    keep = np.ones(n, bool)
    keep[list(owner)] = False

    # ids: an empty or repeated one gets row-<line>, as in the row reader
    ids = raw_ids
    if not unique:
        ids = list(raw_ids)
        seen: set[str] = set()
        line = lines()
        for r, eid in enumerate(raw_ids):
            if r in owner:
                continue
            if not eid or eid in seen:
                ln = int(line[r])
                fallback, k = f"row-{ln}", 1
                while fallback in seen:  # an id in the file may already read "row-4"
                    k += 1
                    fallback = f"row-{ln}-{k}"
                if eid:
                    problems.append(
                        (r, 0, f"duplicate event_id_cnty {eid!r}: using {fallback!r}", eid, "error")
                    )
                eid = fallback
            seen.add(eid)
            ids[r] = eid

    def rec(r: int) -> str:
        return raw_ids[r] or f"row {int(lines()[r])}"

    # dates: once per (text, precision)
    dc, dv = get("date")
    pc_, pv = get("time_precision")
    pair, first = _combine((dc, len(dv)), (pc_, len(pv)))
    date_values: list[EventDate | None] = []
    bad: list[int] = []
    for j, r in enumerate(first.tolist()):
        d = _acled_date(dv[dc[r]], pv[pc_[r]])
        if isinstance(d, str):
            bad.append(j)
            date_values.append(None)
        else:
            date_values.append(d)
    if bad:
        reason = {j: _acled_date(dv[dc[first[j]]], pv[pc_[first[j]]]) for j in bad}
        for r in np.flatnonzero(np.isin(pair, bad)).tolist():
            problems.append(
                (r, 1, f"{rec(r)}: {reason[int(pair[r])]}; kept under 'no date'", None, "warning")
            )
    date_col = Coded(pair, date_values)

    if stop(0.75):
        return cancelled(str(path))
    # places: once per (location, latitude, longitude)
    lc, lv = get("location")
    yc, yv = get("lat")
    xc, xv = get("lon")
    cc, cv = get("country")
    gc_, gv = get("geo_precision")
    pkey, pfirst = _combine((lc, len(lv)), (yc, len(yv)), (xc, len(xv)))
    radius_of = np.array([GEO_RADIUS_M.get(v, -1.0) for v in gv] or [-1.0])
    if "geo_precision" not in col:
        radius_of = np.array([-1.0])
    radius = np.full(len(pfirst), -1.0)
    np.maximum.at(radius, pkey, radius_of[gc_])
    admins = [get(k) for k in ("admin3", "admin2", "admin1")]
    # the coordinates once per distinct text; the checks once per place, in numpy
    lat = _floats(yv)[yc[pfirst]]
    lon = _floats(xv)[xc[pfirst]]
    with np.errstate(invalid="ignore"):
        ok = (np.abs(lat) <= 90) & (np.abs(lon) <= 180)  # NaN fails
    place_values: list[tuple[PlaceRef, ...]] = []
    no_point: dict[int, str] = {}
    texts = rd.texts
    slugs, make, places, regions = rd.place_slugs, rd.place_ids.make, rd.places, rd.region_tuples
    within_of: dict[tuple[int, ...], tuple[str, ...]] = {}
    columns = zip(
        lc[pfirst].tolist(),
        *(c[pfirst].tolist() for c, _ in admins),
        cc[pfirst].tolist(),
        ok.tolist(),
        lat.tolist(),
        lon.tolist(),
        radius.tolist(),
        strict=True,
    )
    for j, (li, a3, a2, a1, ci, good, y, x, rad) in enumerate(columns):
        location = lv[li]
        if not good:
            r = int(pfirst[j])
            why = rd._why_no_point(yv[yc[r]], xv[xc[r]])
            if why:
                no_point[j] = why
                place_values.append(())
                continue
        within = within_of.get(wkey := (li, a3, a2, a1))
        if within is None:
            names: list[str] = []
            for code, (_, values) in zip((a3, a2, a1), admins, strict=True):
                a = values[code]
                if a and a != location and a not in names:
                    names.append(texts.setdefault(a, a))
            within = within_of[wkey] = regions.setdefault(t := tuple(names), t)
        if location:
            name = texts.setdefault(location, location)
        else:
            r = int(pfirst[j])
            name = f"{yv[yc[r]]}, {xv[xc[r]]}"
        base = slugs.get(location)
        if base is None:
            base = slugs[location] = slug(location or "place", "place")
        pid = make(base)
        country = cv[ci]
        places[pid] = Place(
            pid,
            name,
            "site",
            y,
            x,
            (),
            None,
            country or None,
            rad if rad >= 0 else None,
            within,
        )
        place_values.append((PlaceRef(pid),))
    if no_point:
        for r in np.flatnonzero(np.isin(pkey, list(no_point))).tolist():
            problems.append((r, 2, f"{rec(r)}: {no_point[int(pkey[r])]}", None, "warning"))
    places_col = Coded(pkey, place_values)

    if stop(0.9):
        return cancelled(str(path))
    # actors: once per combination of the actor columns and the country
    parts = [(k, *get(k)) for k in ("actor1", "assoc1", "inter1", "actor2", "assoc2", "inter2")]
    akey, afirst = _combine(*((c, len(v)) for _, c, v in parts), (cc, len(cv)))
    actor_values: list[tuple[str, ...]] = []
    for r in afirst.tolist():
        cell = {k: v[c[r]] for k, c, v in parts}
        country = cv[cc[r]]
        actors: list[str] = []
        for k, several in (
            ("actor1", False),
            ("assoc1", True),
            ("actor2", False),
            ("assoc2", True),
        ):
            if k not in col:
                continue
            value = cell[k]
            if not value:
                continue
            inter = cell["inter" + k[-1]] if ("inter" + k[-1]) in col else ""
            for nm in value.split(";") if several else (value,):
                nm = nm.strip()
                if nm:
                    aid = rd._actor(nm, country, inter)
                    if aid not in actors:
                        actors.append(aid)
        actor_values.append(tuple(actors))
    if owner:
        members: dict[int, list[int]] = {}
        for r, f in owner.items():
            members.setdefault(f, [f]).append(r)
        # the first index of each distinct tuple (two column combinations can give the
        # same actors, so there may be fewer distinct tuples than values)
        code_of: dict[tuple, int] = {}
        for i, v in enumerate(actor_values):
            code_of.setdefault(v, i)
        for f, rows in members.items():
            union = tuple(dict.fromkeys(a for r in rows for a in actor_values[akey[r]]))
            k = code_of.get(union)
            if k is None:
                k = code_of[union] = len(actor_values)
                actor_values.append(union)
            akey[f] = k
    actors_col = Coded(akey, actor_values)

    if stop(0.95):
        return cancelled(str(path))
    # titles and categories
    ec, ev = get("event_type")
    sc, sv = get("sub_event_type")
    tkey, tfirst = _combine((sc, len(sv)), (ec, len(ev)), (lc, len(lv)))
    titles = []
    for r in tfirst.tolist():
        what = sv[sc[r]] or ev[ec[r]] or "Event"
        location = lv[lc[r]]
        titles.append(f"{what} in {location}" if location else what)
    title_col = Coded(tkey, titles)
    category_col = Coded(ec, ev)
    categories = []
    for r in np.unique(ec, return_index=True)[1].tolist() if n else []:
        if ev[ec[r]]:
            categories.append((r, ev[ec[r]]))
    categories = [c for _, c in sorted(categories)]

    # extra: source, fatalities, then the ACLED codes present
    extra: dict[str, Coded] = {}
    for key in ("source", "fatalities", *(k for k in extra_keys if k in col)):
        if key not in col:
            continue
        codes, values = get(key)
        if key == "fatalities":
            values = [int(v) if v.isdecimal() else v for v in values]
        lut = np.array([-1 if v == "" else i for i, v in enumerate(values)], np.int32)
        out = lut[codes] if len(lut) else codes
        if (out >= 0).any():
            extra[key] = Coded(out, values)

    columns = [title_col, date_col, actors_col, places_col, category_col, *extra.values()]
    if owner:  # the merged rows go
        for c in columns:
            c.codes = c.codes[keep]
        ids = [ids[r] for r in np.flatnonzero(keep).tolist()]
        sizes = np.diff(all_ends, prepend=-1)  # each text and its NUL
        summary = np.frombuffer(bytes(summary), np.uint8)[np.repeat(keep, sizes)].tobytes()
        all_ends = np.cumsum(sizes[keep]) - 1
        problems = [p for p in problems if keep[p[0]]]
        rd.report(
            None,
            f"{len(owner):,} rows merged: rows with the event_id_cnty of an earlier row "
            "that differ from it only in their actors (one row per actor) are one event "
            "with all the actors",
            None,
            "warning",
        )
    table = EventTable(
        ids,
        title_col,
        date_col,
        TextColumn.from_buffer(summary, all_ends),
        actors_col,
        places_col,
        category_col,
        Coded(np.zeros(len(ids), np.int32), ["reported"]),
        {},
        extra,
    )
    if problems:
        line = lines()
        problems.sort(key=lambda p: (p[0], p[1]))
        for r, _, message, record, severity in problems:
            rd.report(int(line[r]), message, record if record is not None else rec(r), severity)
    ds = Dataset(
        table,
        rd.actors,
        rd.places,
        title=path.stem,
        source=str(path),
        categories=categories,
    )
    return LoadResult(ds, rd.problems, merged=len(owner))


# the columns in which the rows of one event in a file of one row per actor differ
_ACTOR_COLUMNS = frozenset(
    ("actor1", "assoc1", "inter1", "actor2", "assoc2", "inter2", "interaction")
)


def _per_actor_rows(
    ids: list[str], cols: dict[str, tuple[np.ndarray, list[str]]], summary, ends
) -> dict[int, int]:
    """Rows to merge: {row: the earlier row with its id}, for the rows that differ from
    it only in the actor columns (and the summary is the same)."""
    first: dict[str, int] = {}
    pairs = []
    for r, eid in enumerate(ids):
        if eid:
            f = first.setdefault(eid, r)
            if f != r:
                pairs.append((r, f))
    if not pairs:
        return {}
    rest = [(c, len(v)) for k, (c, v) in cols.items() if k not in _ACTOR_COLUMNS]
    key = _combine(*rest)[0] if rest else np.zeros(len(ids), np.int32)
    rows = np.array(pairs, np.int64)
    same = key[rows[:, 0]] == key[rows[:, 1]]
    starts = np.concatenate(([0], ends[:-1] + 1)) if len(ends) else ends
    data = bytes(summary)
    out = {}
    for r, f in rows[same].tolist():
        if data[starts[r] : ends[r]] == data[starts[f] : ends[f]]:
            out[r] = f
    return out


def _lines(path, cols, summary, ends, ids, skip, counting) -> np.ndarray:
    """The physical line of each row (see the module's docs)."""
    n = len(ends)
    extra = np.zeros(n, np.int64)
    for codes, values in cols.values():
        per = np.array([v.count("\n") for v in values] or [0])
        if per.any():
            extra += per[codes]
    nl = np.frombuffer(bytes(summary), np.uint8) == 10
    if nl.any():
        extra += np.bincount(np.searchsorted(ends, np.flatnonzero(nl)), minlength=n)[:n]
    extra += np.fromiter((i.count("\n") for i in ids), np.int64, count=n)
    rows_before = 1 + skip  # the header, the hashtag row
    lines = rows_before + 1 + np.arange(n) + np.concatenate(([0], np.cumsum(extra)[:-1]))
    expected = rows_before + n + int(extra.sum())
    physical = counting.newlines + (0 if counting.last == b"\n" else 1)
    if physical == expected:
        return lines
    return _lines_by_csv(path, n, skip)


def _lines_by_csv(path: Path, n: int, skip: int) -> np.ndarray:
    """The physical line of each row, counted by the csv module over the file streamed
    (this reader has no size cap: the file is never held whole)."""
    out = []
    with open_input(path, "table") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        first = text.readline()  # the header: one line (else the row reader reads it)
        _, delimiter = _header(first.rstrip("\r\n").encode("utf-8"))
        reader = csv.reader(text, delimiter=delimiter)
        last = 0
        for row in reader:
            line = 1 + last + 1
            last = reader.line_num
            if row:
                out.append(line)
    arr = np.array(out[skip:], np.int64)
    if len(arr) < n:
        arr = np.concatenate((arr, np.zeros(n - len(arr), np.int64)))
    return arr[:n]
