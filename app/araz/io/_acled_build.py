"""The ACLED block reader's second half: the rules of :mod:`araz.io._acled_rules` applied
once per DISTINCT value or combination of values of the coded columns (dates, places,
actors, titles, extra values), the rows of one event merged (one row per actor), and the
:class:`EventTable` the row reader would build from the same file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property
from itertools import repeat
from pathlib import Path

import numpy as np

from ..model.arrow_table import text as arrow_text
from ..model.columns import Strings, _pylist
from ..model.dataset import Dataset
from ..model.entities import PlaceRef
from ..model.kinds import make
from ..model.table import Coded, EventTable, TextColumn
from ._acled_coded import CodedColumn, TextCodedColumn, all_apart, combine, floats
from ._acled_dates import EarlyDates, dates
from ._acled_lines import row_lines
from ._acled_prefetch import in_thread
from ._acled_rules import (
    ACTOR_CELLS,
    ACTOR_COLUMNS,
    EXTRA,
    GEO_RADIUS_M,
    merged_message,
    title_of,
    why_no_point,
)
from ._acled_tables import AcledTables, no_gc
from ._common import Ticker, cancelled
from .problems import LoadResult, Reporter

# an id JSON writes as it is (printable ASCII, no quote or backslash): the ACLED
# actors' ids (slugs)
_PLAIN_ID = re.compile(r"[ !#-\[\]-~]*")

# a problem of a row: (row, order among the row's problems, message, record, severity)
_RowProblem = tuple[int, int, str, str | None, str]

EXACT_BELOW = 64 << 20  # the notes copied to their exact size below 64 MB


class Block:
    """What the parse gathered: the coded columns, the ids, the notes (one buffer, a NUL
    after each), and the problems of rows found on the way (lines counted once, when
    needed)."""

    def __init__(
        self,
        path: Path,
        col: dict[str, int],
        coded: dict[str, CodedColumn | TextCodedColumn],
        id_chunks: list,
        summary: bytearray,
        ends_parts: list[np.ndarray],
        skip: int,
        file_lines: int | None,
        delimiter: str,
        rows: np.ndarray | None = None,
        dates: EarlyDates | None = None,
        id_hashes: list[np.ndarray | None] | None = None,
    ):
        self.path = path
        self.col = col
        self.dates = dates if dates is not None else EarlyDates()
        ends = np.concatenate(ends_parts) if ends_parts else np.zeros(0, np.int64)
        self.n = n = len(ends) - skip
        self.id_array = None  # the ids as one Arrow string array
        if id_chunks:
            import pyarrow as pa

            ids = pa.chunked_array(id_chunks, pa.string()).slice(skip)
            if ids.num_chunks != 1:  # one array: 32-bit offsets when its text fits them
                wide = ids.nbytes >= 1 << 31
                ids = pa.chunked_array(
                    [(ids.cast(pa.large_string()) if wide else ids).combine_chunks()]
                )
            self.id_array = ids.chunk(0) if ids.num_chunks else pa.array([], pa.string())
            # in Arrow (in this thread: in another, beside the build or the columns'
            # coding, a fresh process kept 15-50 bytes an event more resident after a
            # 1M-row read)
            # first by the ids' hashes, made batch by batch during the parse: all apart,
            # the ids are (the one hash table of strings, a tenth of the time at 1M
            # rows, when they are not, or an id is empty)
            unique = all_apart(id_hashes or [None]) or _all_distinct(self.id_array, n)
            self._unique_ids = lambda: unique
        else:
            self._unique_ids = lambda: n == 0
        # (in this thread: the Python strings of the coordinates made in another, while
        # this one makes others, left a fresh process 50 bytes an event more resident
        # after a 1M-row read)
        self.cols = {k: c.done(skip) for k, c in coded.items()}
        if skip:
            cut = int(ends[skip - 1]) + 1
            del summary[:cut]  # the hashtag row's notes (in place)
            ends = ends[skip:] - cut
        self.summary = summary
        self.ends = ends
        self.skip = skip
        self.file_lines = file_lines
        self.delimiter = delimiter
        self.problems: list[_RowProblem] = []
        # a sheet's rows are numbered by the sheet; a file's lines are counted when needed
        self._lines: np.ndarray | None = None if rows is None else rows[skip:]

    @cached_property
    def unique_ids(self) -> bool:
        """Whether every row has an id of its own (none empty, none repeated)."""
        return bool(self._unique_ids())

    @cached_property
    def raw_ids(self) -> list[str]:
        """The ids as written (trimmed), as Python strings: made when a rule needs them
        (ids repeated or empty, a problem's record); else the table takes
        :meth:`ids` in Arrow."""
        if self.id_array is None:
            return [""] * self.n
        return _pylist(self.id_array)

    def ids(self) -> Strings:
        """The ids as the table's column (only when :attr:`unique_ids`: every id is
        kept as written)."""
        import pyarrow as pa

        return Strings(self.id_array if self.id_array is not None else pa.array([], pa.string()))

    def get(self, k: str) -> tuple[np.ndarray, list[str]]:
        """A column's codes and values ("" everywhere when the file has no such column)."""
        return self.cols.get(k) or (np.zeros(self.n, np.int32), [""])

    def lines(self) -> np.ndarray:
        if self._lines is None:
            self._lines = row_lines(
                self.path,
                self.cols,
                self.summary,
                self.ends,
                self.raw_ids,
                self.skip,
                self.file_lines,
                self.delimiter,
            )
        return self._lines

    def rec(self, r: int) -> str:
        return self.raw_ids[r] or f"row {int(self.lines()[r])}"


def _all_distinct(ids, n: int) -> bool:
    """No id empty or repeated (unique: 2x count_distinct's speed; no set of a million
    strings)."""
    import pyarrow.compute as pc

    return n == 0 or (len(pc.unique(ids)) == n and (pc.min(pc.binary_length(ids)).as_py() or 0) > 0)


def build(block: Block, tables: AcledTables, reporter: Reporter, tick: Ticker) -> LoadResult:
    """The dataset of the rows in ``block`` (its actors and places in ``tables``)."""
    with no_gc():  # hundreds of thousands of places and dates, no cycles
        return _build(block, tables, reporter, tick)


def _build(block: Block, tables: AcledTables, reporter: Reporter, tick: Ticker) -> LoadResult:
    path = block.path

    def stop(fraction: float) -> bool:
        return tick.at(int(tick.total * fraction))

    # the places' keys hashed in a thread (Arrow and numpy let go of the GIL) while the
    # dates are made
    place_keys = in_thread(_place_keys, block)
    date_col = dates(block)
    if stop(0.75):
        place_keys()
        return cancelled(str(path))
    places_col = _places(block, tables, place_keys())
    if stop(0.9):
        return cancelled(str(path))
    owner = per_actor_rows(block)
    ids = _event_ids(block, owner)
    actors_col = _actors(block, tables, owner)
    if stop(0.95):
        return cancelled(str(path))
    title_col, category_col, categories = _titles(block)
    extra = _extra(block)
    columns = [title_col, date_col, actors_col, places_col, category_col, *extra.values()]
    summary: bytearray | bytes = block.summary
    if isinstance(summary, bytearray) and len(summary) < EXACT_BELOW:
        # a grown bytearray keeps up to an eighth more than it holds, and the table
        # would keep that slack; a bigger one grew by remapping, its slack never touched
        summary = bytes(summary)
    ends = block.ends
    problems = block.problems
    if owner:  # the merged rows go
        keep = np.ones(block.n, bool)
        keep[list(owner)] = False
        for c in columns:
            c.codes = c.codes[keep]
        ids = [ids[r] for r in np.flatnonzero(keep).tolist()]
        sizes = np.diff(ends, prepend=-1)  # each text and its NUL
        summary = np.frombuffer(summary, np.uint8)[np.repeat(keep, sizes)].tobytes()
        ends = np.cumsum(sizes[keep]) - 1
        problems = [p for p in problems if keep[p[0]]]
        reporter.report(None, merged_message(len(owner)), None, "warning")
    table = EventTable(
        ids,
        title_col,
        date_col,
        TextColumn.from_buffer(summary, ends),
        actors_col,
        places_col,
        category_col,
        Coded(np.zeros(len(ids), np.int32), ["reported"]),
        {},
        extra,
    )
    if problems:
        line = block.lines()
        problems.sort(key=lambda p: (p[0], p[1]))
        for r, _, message, record, severity in problems:
            record = record if record is not None else block.rec(r)
            reporter.report(int(line[r]), message, record, severity)
    ds = Dataset(
        table,
        tables.actors,
        tables.gazetteer if tables.gazetteer is not None else tables.places,
        title=path.stem,
        source=str(path),
        categories=categories,
    )
    return LoadResult(ds, reporter.problems, merged=len(owner))


def per_actor_rows(block: Block) -> dict[int, int]:
    """Rows to merge: {row: the earlier row with its id}, for the rows that differ from
    it only in the actor columns (and the summary is the same)."""
    if block.unique_ids:
        return {}
    ids = block.raw_ids
    first: dict[str, int] = {}
    pairs = []
    for r, eid in enumerate(ids):
        if eid:
            f = first.setdefault(eid, r)
            if f != r:
                pairs.append((r, f))
    if not pairs:
        return {}
    rest = [(c, len(v)) for k, (c, v) in block.cols.items() if k not in ACTOR_COLUMNS]
    key = combine(*rest)[0] if rest else np.zeros(len(ids), np.int32)
    rows = np.array(pairs, np.int64)
    same = key[rows[:, 0]] == key[rows[:, 1]]
    ends = block.ends
    starts = np.concatenate(([0], ends[:-1] + 1)) if len(ends) else ends
    data = memoryview(block.summary)
    out = {}
    for r, f in rows[same].tolist():
        if data[starts[r] : ends[r]] == data[starts[f] : ends[f]]:
            out[r] = f
    return out


def _event_ids(block: Block, owner: dict[int, int]) -> Sequence[str]:
    """The event id of each row: an empty or repeated one gets row-<line>, as in the row
    reader (the merged rows keep theirs: they go)."""
    if block.unique_ids:
        return block.ids()
    raw_ids = block.raw_ids
    ids = list(raw_ids)
    seen: set[str] = set()
    line = block.lines()
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
                message = f"duplicate event_id_cnty {eid!r}: using {fallback!r}"
                block.problems.append((r, 0, message, eid, "error"))
            eid = fallback
        seen.add(eid)
        ids[r] = eid
    return ids


def _place_keys(block: Block) -> tuple[np.ndarray, np.ndarray]:
    """Each row's place (location, latitude, longitude as written), numbered in order
    of first appearance, and the first row of each."""
    lc, lv = block.get("location")
    yc, yv = block.get("lat")
    xc, xv = block.get("lon")
    return combine((lc, len(lv)), (yc, len(yv)), (xc, len(xv)))


def _places(block: Block, tables: AcledTables, keys: tuple[np.ndarray, np.ndarray]) -> Coded:
    """Places: once per (location, latitude, longitude) (``keys``: :func:`_place_keys`),
    with the widest radius of their rows."""
    lc, lv = block.get("location")
    yc, yv = block.get("lat")
    xc, xv = block.get("lon")
    cc, cv = block.get("country")
    gc, gv = block.get("geo_precision")
    pkey, pfirst = keys
    radius_of = np.array([GEO_RADIUS_M.get(v, -1.0) for v in gv] or [-1.0])
    if "geo_precision" not in block.col:
        radius_of = np.array([-1.0])
    radius = np.full(len(pfirst), -1.0)
    np.maximum.at(radius, pkey, radius_of[gc])
    admins = [block.get(k) for k in ("admin3", "admin2", "admin1")]
    # the coordinates once per distinct text; the checks once per place, in numpy
    lat = floats(yv)[yc[pfirst]]
    lon = floats(xv)[xc[pfirst]]
    with np.errstate(invalid="ignore"):
        ok = (np.abs(lat) <= 90) & (np.abs(lon) <= 180)  # NaN fails
    # the reasons only for the places that fail
    no_point: dict[int, str] = {}
    for j in np.flatnonzero(~ok).tolist():
        r = int(pfirst[j])
        why = why_no_point(yv[yc[r]], xv[xc[r]])
        if why:
            no_point[j] = why
    good = np.ones(len(pfirst), bool)
    good[list(no_point)] = False
    first = pfirst[good]
    # the regions once per (location, admin3, admin2, admin1)
    wkey, wfirst = combine((lc, len(lv)), *((c, len(v)) for c, v in admins))
    regions = [tables.within(lv[lc[r]], *(v[c[r]] for c, v in admins)) for r in wfirst.tolist()]
    radii = radius[good]
    pids = tables.place_columns(
        Coded(lc[first], lv),
        Coded(yc[first], yv),
        Coded(xc[first], xv),
        lat[good],
        lon[good],
        Coded(cc[first], cv),
        np.where(radii >= 0, radii, np.nan),
        Coded(wkey[first], regions),
    )
    if no_point:
        for r in np.flatnonzero(np.isin(pkey, list(no_point))).tolist():
            message = f"{block.rec(r)}: {no_point[int(pkey[r])]}"
            block.problems.append((r, 2, message, None, "warning"))
    gazetteer = tables.gazetteer
    if len(pids) == len(pfirst) and gazetteer is not None and isinstance(gazetteer.ids, Strings):
        # one place a value, in the gazetteer's order: its id column is the dictionary,
        # and the PlaceRef tuples are made only if read (the dataset reads the places
        # from that dictionary)
        # (the ids read again from that array: no list of a str per place kept for it)
        texts = gazetteer.ids.array
        column = Coded.lazy(
            pkey, lambda: list(zip(make(PlaceRef, [_pylist(texts), repeat(None)], len(texts))))
        )
        column.texts = texts
        return column
    refs = make(PlaceRef, [pids, repeat(None)], len(pids))
    if len(pids) == len(pfirst):
        place_values: list[tuple[PlaceRef, ...]] = list(zip(refs))  # 1-tuples
    else:
        made = iter(zip(refs))
        place_values = [next(made) if g else () for g in good.tolist()]
    return Coded(pkey, place_values)


def _actors(block: Block, tables: AcledTables, owner: dict[int, int]) -> Coded:
    """Actors: once per combination of the actor columns and the country; a merged
    row's actors join those of its event."""
    col = block.col
    cc, cv = block.get("country")
    parts = {k: block.get(k) for k in ("actor1", "assoc1", "inter1", "actor2", "assoc2", "inter2")}
    akey, afirst = combine(*((c, len(v)) for c, v in parts.values()), (cc, len(cv)))
    # each cell (its column, text, inter code and the row's country) read once: its
    # actors are the same in every combination that has it (the actors are made in the
    # order the row reader makes them: a cell read again makes none)
    cells = []
    for k, several in ACTOR_CELLS:
        if k in col:
            c, v = parts[k]
            ic, iv = parts["inter" + k[-1]] if "inter" + k[-1] in col else (None, [""])
            at = ic[afirst].tolist() if ic is not None else [0] * len(afirst)
            cells.append((c[afirst].tolist(), v, several, at, iv))
    countries = cc[afirst].tolist()
    of_cell: dict[tuple[int, int, int, int], tuple[str, ...]] = {}
    actor_values: list[tuple[str, ...]] = []
    for i, country in enumerate(countries):
        ids: list[str] = []
        for j, (codes, values, several, inter_codes, inters) in enumerate(cells):
            key = (j, codes[i], inter_codes[i], country)
            got = of_cell.get(key)
            if got is None:
                cell = ((values[codes[i]], several, inters[inter_codes[i]]),)
                got = of_cell[key] = tables.row_actors(cell, cv[country])
            ids += got
        actor_values.append(tuple(dict.fromkeys(ids)) if len(ids) > 1 else tuple(ids))
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
    column = Coded(akey, actor_values)
    if all(map(_PLAIN_ID.fullmatch, tables.actors)):  # the table's text of each, at once
        column.texts = arrow_text(
            ['["' + '","'.join(t) + '"]' if t else "[]" for t in actor_values]
        )
    return column


def _titles(block: Block) -> tuple[Coded, Coded, list[str]]:
    """Titles (once per sub-event type, event type and location), categories (the event
    types, in order of first appearance)."""
    lc, lv = block.get("location")
    ec, ev = block.get("event_type")
    sc, sv = block.get("sub_event_type")
    tkey, tfirst = combine((sc, len(sv)), (ec, len(ev)), (lc, len(lv)))
    titles = [title_of(sv[sc[r]], ev[ec[r]], lv[lc[r]]) for r in tfirst.tolist()]
    firsts = np.unique(ec, return_index=True)[1].tolist() if block.n else []
    categories = [ev[ec[r]] for r in sorted(firsts) if ev[ec[r]]]
    return Coded(tkey, titles), Coded(ec, ev), categories


def _extra(block: Block) -> dict[str, Coded]:
    """Extra values: source, fatalities, then the ACLED codes present."""
    extra: dict[str, Coded] = {}
    for key in ("source", "fatalities", *EXTRA):
        if key not in block.col:
            continue
        codes, values = block.get(key)
        if key == "fatalities":
            values = [int(v) if v.isdecimal() else v for v in values]  # type: ignore[misc]
        if "" not in values:  # every row has a value (if any row)
            if len(codes):
                extra[key] = Coded(codes, values)
            continue
        lut = np.array([-1 if v == "" else i for i, v in enumerate(values)], np.int32)
        out = lut[codes]
        if (out >= 0).any():
            extra[key] = Coded(out, values)
    return extra
