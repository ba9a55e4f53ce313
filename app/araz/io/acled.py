"""ACLED CSV exports: the current column set (2023 on), older ones and the HDX legacy one.

One row is one event.  Rules, and what happens to a bad row:

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
import gc
import re
from dataclasses import replace
from operator import itemgetter
from pathlib import Path

from ..model.dataset import Dataset
from ..model.entities import Actor, EventDate, Place, PlaceRef
from ..model.table import EventTableBuilder
from ._acled_rules import (
    COLUMNS,
    EXTRA,
    GEO_RADIUS_M,
    _acled_date,
    _header_key,
    csv_lines,
)
from ._common import (
    CancelFn,
    Ids,
    ProgressFn,
    Ticker,
    cancelled,
    on_earth,
    read_text,
    slug,
    swap_hint,
)
from ._countries import is_country
from .problems import LoadResult, Problem

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
# "Military Forces of Iran (1989-)", "Police Forces of Armenia (2018-) Border Guard",
# "Government of Azerbaijan (2003-)"
_STATE_FORCES = re.compile(r"\b(?:Forces|Government) of (?:the )?([A-Z][^()]*?) \(\d{4}-")
# "Protesters (Iran)", "Civilians (Azerbaijan)"
_IN_PARENS = re.compile(r"\(([A-Z][A-Za-z .'-]+)\)\s*$")


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
    if arrow:
        from ._acled_arrow import read_arrow

        result = read_arrow(_Reader(path, []), path, progress, cancel)
        if result is not None:
            return result
    problems: list[Problem] = []
    text = read_text(path, problems, "a CSV file")
    if text is None:
        return LoadResult(None, problems)
    # a load creates a few hundred thousand objects and no cycles: the cyclic garbage
    # collector would only rescan them again and again (a third of the time)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _Reader(path, problems).read(text, progress, cancel)
    finally:
        if was_enabled:
            gc.enable()


class _Reader:
    def __init__(self, path: Path, problems: list[Problem]):
        self.path = path
        self.name = str(path)
        self.problems = problems
        self.actors: dict[str, Actor] = {}
        self.actor_ids = Ids()
        self.actor_by_key: dict[tuple[str, str], str] = {}
        self.state_by_country: dict[str, str] = {}
        self.places: dict[str, Place] = {}
        self.place_ids = Ids()
        self.place_by_key: dict[tuple[str, str, str], str | None] = {}
        self.place_slugs: dict[str, str] = {}
        self.dates: dict[tuple[str, str], EventDate | str] = {}
        self.categories: list[str] = []
        self.seen_categories: set[str] = set()
        self.texts: dict[str, str] = {}  # one copy of each repeated value
        self.region_tuples: dict[tuple[str, ...], tuple[str, ...]] = {}

    def report(self, line: int | None, message: str, record=None, severity="error") -> None:
        self.problems.append(Problem(self.name, line, message, record, severity))

    # ------------------------------------------------------------ the file

    def read(self, text: str, progress, cancel) -> LoadResult:
        first_line = text[: text.find("\n")] if "\n" in text else text
        delimiter = ","  # ACLED writes commas; a re-saved export may use tabs or ';'
        if first_line.count(",") < 2:
            delimiter = max(("\t", ";"), key=first_line.count) if first_line.strip() else ","
            if first_line.count(delimiter) < 2:
                delimiter = ","
        reader = csv.reader(csv_lines(text), delimiter=delimiter)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            self.report(reader.line_num, f"not a readable CSV file: {exc}")
            return LoadResult(None, self.problems)
        if not header:
            self.report(1, "the first line is empty: expected the ACLED column names")
            return LoadResult(None, self.problems)
        col: dict[str, int] = {}
        for i, h in enumerate(header):
            key = COLUMNS.get(_header_key(h))
            if key is not None and key not in col:
                col[key] = i
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
                return cancelled(self.name)
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
        ds = Dataset(
            events.build(),
            self.actors,
            self.places,
            title=self.path.stem,
            source=str(self.path),
            categories=self.categories,
        )
        return LoadResult(ds, self.problems)

    def _columns(self, col: dict[str, int]) -> None:
        """Column indexes for the row loop (-1 when a column is absent)."""
        self.ix = {k: col.get(k, -1) for k in set(COLUMNS.values())}
        self.extra_ix = [(k, col[k]) for k in EXTRA if k in col]
        self.place_refs: dict[str, tuple[PlaceRef, ...]] = {}
        self.actor_ix = [
            (col[k], k.startswith("assoc"), col.get("inter" + k[-1], -1))
            for k in ("actor1", "assoc1", "actor2", "assoc2")
            if k in col
        ]
        # the row loop reads its cells with one call; an absent column reads the ""
        # appended to every row (index -1)
        self.cells = itemgetter(*(col.get(k, -1) for k in _ROW_CELLS))
        self.extra_cells = itemgetter(*(i for _, i in self.extra_ix)) if self.extra_ix else None
        self.extra_keys = tuple(k for k, _ in self.extra_ix)
        self.texts: dict[str, str] = {}  # one copy of each repeated value
        self.region_tuples: dict[tuple[str, ...], tuple[str, ...]] = {}

    # ------------------------------------------------------------ one row

    def _event(self, row: list[str], line: int, ids: set[str], out: EventTableBuilder) -> None:
        row.append("")  # what an absent column reads
        eid, date_t, precision, country, location, event_type, sub, source, fatalities, notes = (
            self.cells(row)
        )
        eid = eid.strip()
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

        country = country.strip()
        location = location.strip()
        place_id = self._place(row, location, country, line, rec)

        actors: list[str] = []
        for i, several, inter_i in self.actor_ix:
            value = row[i]
            if not value:
                continue
            inter = row[inter_i] if inter_i >= 0 else ""
            for n in value.split(";") if several else (value,):
                n = n.strip()
                if n:
                    aid = self._actor(n, country, inter)
                    if aid not in actors:
                        actors.append(aid)

        # repeated values are shared, not copied per row (memory at 100k rows)
        texts = self.texts
        event_type = event_type.strip()
        if event_type and event_type not in self.seen_categories:
            self.seen_categories.add(event_type)
            self.categories.append(event_type)
        event_type = texts.setdefault(event_type, event_type)
        what = sub.strip() or event_type or "Event"
        title = f"{what} in {location}" if location else what
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
        out.append(
            eid, title, date, notes.strip(), tuple(actors), places, event_type, extra_values=extra
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
        if key in self.place_by_key:
            pid = self.place_by_key[key]
            if pid is None:
                self.report(line, f"{rec}: {self._why_no_point(lat_t, lon_t)}", rec, "warning")
                return None
            p = self.places[pid]
            if radius is not None and (p.radius_m is None or radius > p.radius_m):
                self.places[pid] = replace(p, radius_m=radius)  # the widest uncertainty
            return pid
        why = self._why_no_point(lat_t, lon_t)
        if why:
            self.place_by_key[key] = None
            self.report(line, f"{rec}: {why}", rec, "warning")
            return None
        within: list[str] = []  # the admin regions, smallest first
        texts = self.texts  # admin names and countries repeat over thousands of places
        for k in ("admin3", "admin2", "admin1"):
            a = row[ix[k]].strip() if ix[k] >= 0 else ""
            if a and a != location and a not in within:
                within.append(texts.setdefault(a, a))
        name = texts.setdefault(location, location) if location else f"{lat_t}, {lon_t}"
        country = texts.setdefault(country, country)
        base = self.place_slugs.get(location)
        if base is None:
            base = self.place_slugs[location] = slug(location or "place", "place")
        pid = self.place_ids.make(base)
        self.places[pid] = Place(
            pid,
            name,
            "site",
            float(lat_t),
            float(lon_t),
            (),
            None,
            country or None,
            radius,
            self.region_tuples.setdefault(rkey := tuple(within), rkey),
        )
        self.place_by_key[key] = pid
        return pid

    @staticmethod
    def _why_no_point(lat_t: str, lon_t: str) -> str | None:
        if not lat_t or not lon_t:
            return "no coordinates; kept without a place"
        try:
            lat, lon = float(lat_t), float(lon_t)
        except ValueError:
            return f"coordinates {lat_t!r}, {lon_t!r} are not numbers; kept without a place"
        if not on_earth(lat, lon):  # NaN fails too
            hint = swap_hint(lat, lon)
            return (
                f"coordinates out of range: latitude {lat_t}, longitude {lon_t}{hint}; "
                "kept without a place"
            )
        return None

    def _actor(self, name: str, country: str, inter: str) -> str:
        key = (name, country)
        aid = self.actor_by_key.get(key)
        if aid is not None:
            return aid
        state = _state_named_in(name, inter) or country or "Unknown country"
        sid = self._state(state)
        if name == state:
            self.actor_by_key[key] = sid
            return sid
        # one actor per (name, state): the same name under another state is another actor
        skey = (name, "\x00" + state)
        aid = self.actor_by_key.get(skey)
        if aid is None:
            base = slug(name, "actor")
            if base in self.actor_ids.taken:
                base = f"{base}-{slug(state, 'unknown')}"
            aid = self.actor_ids.make(base)
            self.actors[aid] = Actor(aid, name, "organisation", sid)
            self.actor_by_key[skey] = aid
        self.actor_by_key[key] = aid
        return aid

    def _state(self, country: str) -> str:
        sid = self.state_by_country.get(country)
        if sid is None:
            sid = self.actor_ids.make(slug(country, "unknown"))
            self.actors[sid] = Actor(sid, country, "state")
            self.state_by_country[country] = sid
        return sid


def _state_named_in(name: str, inter: str) -> str | None:
    """The country an actor's own name gives it, where ACLED's naming makes that clear.

    State forces (inter code 1, or 8 for external forces) are "… Forces of <Country>
    (<year>-)" or "Government of <Country> (<year>-)"; many groups end with
    "(<Country>)".  Only a country counts: "Militia (Pro-Government)" and "Rioters
    (Students)" name no state (the row's ``country`` is theirs).
    """
    if inter.strip() in ("1", "8", "") and " of " in name:
        m = _STATE_FORCES.search(name)
        if m:
            return m.group(1).strip()
    if name.endswith(")"):
        m = _IN_PARENS.search(name)
        if m and is_country(m.group(1)):
            return m.group(1).strip()
    return None
