"""ACLED CSV exports: the current column set (2023 on), older ones and the HDX legacy one.

One row is one event, except in a file of one row per actor: a row with the
``event_id_cnty`` of an earlier row, the same notes and the same value in every other
column Araz keeps (only its actor columns differ) is merged into that row's event, whose
actors it joins; the report says how many rows were merged.  Rules (all in
:mod:`araz.io._acled_rules`, whichever path reads the file), and what happens to a bad row:

* dates ``27 January 2023``, ``2023-01-27``, ``27/01/2023``, ``27-Jan-23``;
  ``time_precision`` 1 → the day, 2 → the week around it (EDTF interval day-3/day+3),
  3 → the month.  A missing or unreadable date: the event is kept without a date
  (listed under "no date") and the row is reported.
* ``geo_precision`` 1 / 2 / 3 → ``Place.radius_m`` 0 / 25 km / 100 km (ACLED: the exact
  town / a nearby town or part of a region / only the region).  Missing, out-of-range or
  NaN coordinates: the event is kept without a place and the row is reported; a point is
  never invented.
* ``actor1``, ``actor2`` and the ``;``-separated ``assoc_actor_1``/``assoc_actor_2``
  (legacy ``ally_actor_*``) become organisations grouped under a state: the country named
  in the actor ("Military Forces of Iran (1989-)", "Protesters (Armenia)": a country
  in parentheses, not "Militia (Pro-Government)"), else the row's ``country``.
* ``notes`` → summary, ``source`` → ``extra["source"]``, ``fatalities`` and the ACLED
  codes → ``extra``, ``event_type`` → category.
* the HDX hashtag row (``#date``, ``#adm1+name``…) and blank lines are skipped quietly.

Line numbers are physical lines of the file (a quoted note over three lines counts
three).  The csv module reads every field as text: ``NA`` stays the text "NA".
"""

from __future__ import annotations

import csv
from dataclasses import replace
from operator import itemgetter
from pathlib import Path

import numpy as np

from ..model.dataset import Dataset
from ..model.entities import EventDate, PlaceRef
from ..model.table import Coded, EventTable, EventTableBuilder
from ._acled_rules import (
    ACTOR_CELLS,
    ACTOR_COLUMNS,
    COLUMNS,
    EXTRA,
    GEO_RADIUS_M,
    _acled_date,
    csv_lines,
    delimiter_of,
    header_columns,
    merged_message,
    title_of,
    why_no_point,
)
from ._acled_tables import AcledTables, no_gc
from ._common import CancelFn, ProgressFn, Ticker, cancelled, read_text
from .problems import LoadResult, Problem, Reporter

# the cells _event reads, in the order it unpacks them
_ROW_CELLS = (
    "id",
    "date",
    "time_precision",
    "country",
    "location",
    "event_type",
    "sub_event_type",
    "source",
    "fatalities",
    "notes",
)

_ADMINS = ("admin3", "admin2", "admin1")


def read_acled(
    path: str | Path,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
    *,
    arrow: bool = True,
) -> LoadResult:
    """Read an ACLED CSV export. Never raises for bad content.

    A well-formed UTF-8 file is read through ``pyarrow.csv`` in blocks, of any size
    (:mod:`araz.io._acled_arrow`); any other one row by row here (at most 200 MB), with
    the same rules.
    """
    path = Path(path)
    # a load creates a few hundred thousand objects and no cycles: the cyclic garbage
    # collector would only rescan them again and again (a third of the time; at 1M
    # rows, 500,000 places made with it on take 7x as long)
    with no_gc():
        if arrow:
            from ._acled_arrow import read_arrow

            result = read_arrow(path, progress, cancel)
            if result is not None:
                return result
        problems: list[Problem] = []
        text = read_text(path, problems, "a CSV file")
        if text is None:
            return LoadResult(None, problems)
        return _Reader(path, problems).read(text, progress, cancel)


class _Reader(Reporter):
    def __init__(self, path: Path, problems: list[Problem]):
        super().__init__(path, problems)
        self.path = path
        self.tables = AcledTables()
        self.place_by_key: dict[tuple[str, str, str], str | None] = {}
        self.dates: dict[tuple[str, str], EventDate | str] = {}
        self.categories: list[str] = []
        self.seen_categories: set[str] = set()
        # one row per actor: {id: (its first row's event, a hash of what must match)},
        # {event: the actors of the rows merged into it}
        self.first_of: dict[str, tuple[int, int]] = {}
        self.merged_actors: dict[int, list[str]] = {}
        self.merged = 0

    # ------------------------------------------------------------ the file

    def read(self, text: str, progress, cancel) -> LoadResult:
        first_line = text[: text.find("\n")] if "\n" in text else text
        reader = csv.reader(csv_lines(text), delimiter=delimiter_of(first_line))
        try:
            header = next(reader, None)
        except csv.Error as exc:
            self.report(reader.line_num, f"not a readable CSV file: {exc}")
            return LoadResult(None, self.problems)
        if not header:
            self.report(1, "the first line is empty: expected the ACLED column names")
            return LoadResult(None, self.problems)
        col = header_columns(header)
        missing = [n for n, k in (("event_date", "date"), ("latitude", "lat")) if k not in col]
        if "lon" not in col:
            missing.append("longitude")
        if missing:
            shown = ", ".join(h.strip() for h in header[:8])
            more = ", …" if len(header) > 8 else ""
            self.report(
                1,
                f"not an ACLED CSV: no {', '.join(missing)} column "
                f"(the first line has: {shown}{more})",
            )
            return LoadResult(None, self.problems)

        ncols = len(header)
        tick = Ticker(progress, cancel, text.count("\n") + 1)
        events = EventTableBuilder()  # columns, not one object per event (memory)
        ids: set[str] = set()
        last_line = reader.line_num
        first = True
        before_rows = len(self.problems)  # the merge is reported before the rows' problems
        self._columns(col)
        events.set_extra_keys(("source", "fatalities", *self.extra_keys))
        while True:
            try:
                row = next(reader, None)
            except csv.Error as exc:
                self.report(last_line + 1, f"the rest of the file is not readable CSV: {exc}", None)
                break
            if row is None:
                break
            line = last_line + 1
            last_line = reader.line_num
            if last_line >= tick.next and tick.at(last_line):
                return cancelled(self.file)
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            if first:
                first = False
                cells = [c.strip() for c in row if c.strip()]
                if cells and all(c.startswith("#") for c in cells):
                    continue  # the HDX hashtag row
            if len(row) != ncols:
                self.report(
                    line,
                    f"row has {len(row)} fields, the header has {ncols}: "
                    "read what is there, check the row",
                    None,
                    "warning",
                )
                if len(row) < ncols:
                    row = row + [""] * (ncols - len(row))
            self._event(row, line, ids, events)
        tick.done()
        table = events.build()
        if self.merged:
            table = self._with_merged_actors(table)
            problem = Problem(self.file, None, merged_message(self.merged), None, "warning")
            self.problems.insert(before_rows, problem)
        ds = Dataset(
            table,
            self.tables.actors,
            self.tables.places,
            title=self.path.stem,
            source=str(self.path),
            categories=self.categories,
        )
        return LoadResult(ds, self.problems, merged=self.merged)

    def _columns(self, col: dict[str, int]) -> None:
        """Column indexes for the row loop (-1 when a column is absent)."""
        self.ix = {k: col.get(k, -1) for k in set(COLUMNS.values())}
        self.extra_ix = [(k, col[k]) for k in EXTRA if k in col]
        self.place_refs: dict[str, tuple[PlaceRef, ...]] = {}
        self.actor_ix = [
            (col[k], several, col.get("inter" + k[-1], -1))
            for k, several in ACTOR_CELLS
            if k in col
        ]
        # the row loop reads its cells with one call; an absent column reads the ""
        # appended to every row (index -1)
        self.cells = itemgetter(*(col.get(k, -1) for k in _ROW_CELLS))
        self.extra_cells = itemgetter(*(i for _, i in self.extra_ix)) if self.extra_ix else None
        self.extra_keys = tuple(k for k, _ in self.extra_ix)
        # what the rows of one event (one row per actor) have in common
        # (date, latitude and longitude are always there: a tuple of at least three)
        self.same_cells = itemgetter(
            *(i for k, i in col.items() if k not in ACTOR_COLUMNS and k != "id")
        )

    # ------------------------------------------------------------ one row

    def _event(self, row: list[str], line: int, ids: set[str], out: EventTableBuilder) -> None:
        row.append("")  # what an absent column reads
        eid, date_t, precision, country, location, event_type, sub, source, fatalities, notes = (
            self.cells(row)
        )
        eid = eid.strip()
        country = country.strip()
        if eid and self._merged(row, eid, country, len(out)):
            return
        rec = eid or f"row {line}"
        if not eid or eid in ids:
            fallback, k = f"row-{line}", 1
            while fallback in ids:  # an id in the file may already read "row-4"
                k += 1
                fallback = f"row-{line}-{k}"
            if eid:
                self.report(line, f"duplicate event_id_cnty {eid!r}: using {fallback!r}", eid)
            eid = fallback
        ids.add(eid)

        date = self._date(date_t, precision.strip())
        if isinstance(date, str):
            self.report(line, f"{rec}: {date}; kept under 'no date'", rec, "warning")
            date = None

        location = location.strip()
        place_id = self._place(row, location, country, line, rec)
        actors = self._actors(row, country)

        # repeated values are shared, not copied per row (memory at 100k rows)
        texts = self.tables.texts
        event_type = event_type.strip()
        if event_type and event_type not in self.seen_categories:
            self.seen_categories.add(event_type)
            self.categories.append(event_type)
        event_type = texts.setdefault(event_type, event_type)
        title = title_of(sub.strip(), event_type, location)
        title = texts.setdefault(title, title)

        fatalities = fatalities.strip()
        fat = int(fatalities) if fatalities.isdecimal() else fatalities
        if self.extra_cells is None:
            extra = (source.strip(), fat)
        elif len(self.extra_keys) == 1:
            extra = (source.strip(), fat, self.extra_cells(row).strip())
        else:
            extra = (source.strip(), fat, *map(str.strip, self.extra_cells(row)))
        places = self.place_refs.get(place_id) if place_id else ()
        if places is None:
            places = self.place_refs[place_id] = (PlaceRef(place_id),)
        out.append(eid, title, date, notes.strip(), actors, places, event_type, extra_values=extra)

    def _merged(self, row: list[str], eid: str, country: str, event: int) -> bool:
        """Whether this row is one more actor of the event of an earlier row with its id
        (then its actors join that event's).  The first row of each id is kept as a hash
        of its values, not the values (a file's every row would stay in memory): two
        rows of one id whose other values differ and yet hash alike (one chance in 2**64)
        would be merged."""
        same = hash(tuple(map(str.strip, self.same_cells(row))))
        first = self.first_of.get(eid)
        if first is None:
            self.first_of[eid] = (event, same)
            return False
        if first[1] != same:
            return False
        self.merged_actors.setdefault(first[0], []).extend(self._actors(row, country))
        self.merged += 1
        return True

    def _with_merged_actors(self, table: EventTable) -> EventTable:
        """The table with the actors of the merged rows joined to their events'."""
        codes = table.actors.codes.copy()
        values = list(table.actors.values)
        code_of: dict[tuple[str, ...], int] = {}
        for i, v in enumerate(values):
            code_of.setdefault(v, i)
        for event, more in self.merged_actors.items():
            union = tuple(dict.fromkeys((*values[codes[event]], *more)))
            k = code_of.get(union)
            if k is None:
                k = code_of[union] = len(values)
                values.append(union)
            codes[event] = k
        return EventTable(
            table.ids,
            table.title,
            table.date,
            table.summary,
            Coded(np.asarray(codes, np.int32), values),
            table.places,
            table.category,
            table.certainty,
            table.quotes,
            table.extra,
        )

    def _actors(self, row: list[str], country: str) -> tuple[str, ...]:
        return self.tables.row_actors(
            ((row[i], several, row[j] if j >= 0 else "") for i, several, j in self.actor_ix),
            country,
        )

    def _date(self, text: str, precision: str) -> EventDate | str:
        """The event date, or the reason there is none (cached per distinct text)."""
        key = (text, precision)
        cached = self.dates.get(key)
        if cached is not None:
            return cached
        self.dates[key] = out = _acled_date(text, precision.strip())
        return out

    def _place(
        self, row: list[str], location: str, country: str, line: int, rec: str
    ) -> str | None:
        ix = self.ix
        lat_t, lon_t = row[ix["lat"]].strip(), row[ix["lon"]].strip()
        gp = ix["geo_precision"]
        radius = GEO_RADIUS_M.get(row[gp].strip()) if gp >= 0 else None
        key = (location, lat_t, lon_t)
        places = self.tables.places
        if key in self.place_by_key:
            pid = self.place_by_key[key]
            if pid is None:
                self.report(line, f"{rec}: {why_no_point(lat_t, lon_t)}", rec, "warning")
                return None
            p = places[pid]
            if radius is not None and (p.radius_m is None or radius > p.radius_m):
                places[pid] = replace(p, radius_m=radius)  # the widest uncertainty
            return pid
        why = why_no_point(lat_t, lon_t)
        if why:
            self.place_by_key[key] = None
            self.report(line, f"{rec}: {why}", rec, "warning")
            return None
        a3, a2, a1 = (row[ix[k]].strip() if ix[k] >= 0 else "" for k in _ADMINS)
        lat, lon = float(lat_t), float(lon_t)
        [pid] = self.tables.new_places(
            [(location, lat_t, lon_t, lat, lon, country, radius, a3, a2, a1)]
        )
        self.place_by_key[key] = pid
        return pid
