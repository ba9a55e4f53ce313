"""Events from a table of records with named columns (an Arrow table): what the CSV and
the GIS readers share once they have the table.

* which column holds what: :class:`Fields`, guessed with :mod:`araz.io._columns` (the
  guesser GeoJSON properties go through) or chosen by the caller;
* where: a point per record, from a geometry column (shapely geometries, already in
  longitude/latitude) or from latitude/longitude columns or a WKT column; a line or a
  polygon is drawn at a point inside it (said once, in a warning);
* the columns Araz does not map are kept as the event's ``extra``, shown in the Event
  panel as a list of fields.

pyarrow and shapely are imported by the callers' read functions, never at start-up.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..model.dataset import Dataset
from ..model.entities import EventDate, Place, PlaceRef
from ..model.table import EventTableBuilder
from ._columns import actor_fields, event_date, guess, names_of, scalar_text
from ._common import (
    ActorsByName,
    CancelFn,
    Ids,
    ProgressFn,
    Ticker,
    cancelled,
    check_point,
    number,
    plain_text,
    short_title,
    slug,
)
from .problems import LoadResult, Problem, Reporter

if TYPE_CHECKING:
    import pyarrow as pa

MAX_EXTRA_TEXT = 2000  # characters of one kept field (the panel shows less)


class Options(Protocol):
    """What the table readers take from :class:`araz.io.registry.ReadContext`."""

    progress: ProgressFn | None
    cancel: CancelFn | None
    date_property: str | None
    actor_property: str | None
    title_property: str | None
    lat_property: str | None
    lon_property: str | None
    layer: str | None
    ask_mapping: bool


@dataclass
class Fields:
    """Which column holds what (None: no column)."""

    date: str | None = None
    end: str | None = None
    actors: list[str] = field(default_factory=list)
    title: str | None = None
    summary: str | None = None
    category: str | None = None
    id: str | None = None
    lat: str | None = None
    lon: str | None = None
    wkt: str | None = None

    def guess(self, names: list[str]) -> dict:
        """What the mapping dialog starts from: the columns, and these as its guesses."""
        actor = self.actors[0] if self.actors else None
        return {
            "properties": names,
            "date": self.date,
            "end": self.end,
            "actor": actor,
            "title": self.title,
            "features": None,
            "problems": [],
        }

    def used(self) -> set[str]:
        named = (self.date, self.end, self.title, self.summary, self.category, self.id)
        where = (self.lat, self.lon, self.wkt)
        return {n for n in (*named, *where, *self.actors) if n}

    @classmethod
    def chosen(cls, names: list[str], options: Options, *, coordinates: bool = True) -> Fields:
        """:meth:`of` with the choices a read was given (the mapping dialog's)."""
        return cls.of(
            names,
            date=options.date_property,
            actor=options.actor_property,
            title=options.title_property,
            lat=options.lat_property,
            lon=options.lon_property,
            coordinates=coordinates,
        )

    @classmethod
    def of(
        cls,
        names: list[str],
        *,
        date: str | None = None,
        actor: str | None = None,
        title: str | None = None,
        lat: str | None = None,
        lon: str | None = None,
        coordinates: bool = True,
    ) -> Fields:
        """The guess for these column names, with the caller's choices first (a chosen
        date has no guessed end).  ``coordinates``: look for lat/lon/WKT columns (a
        layer with a geometry does not)."""
        g = guess(names)
        f = cls(
            date=date or g["date"],
            end=None if date else g["end"],
            actors=actor_fields(names, actor or g["actor"], chosen=bool(actor)),
            title=title or g["title"],
            summary=g["summary"],
            category=g["category"],
            id=g["id"],
        )
        if f.end == f.date:
            f.end = None
        if coordinates:
            f.lat, f.lon = lat or g["lat"], lon or g["lon"]
            if not (f.lat and f.lon):
                f.lat = f.lon = None
                f.wkt = g["wkt"]
        taken = {f.date, f.end, f.lat, f.lon, f.wkt, *f.actors}
        for role in ("title", "summary", "category", "id"):
            if getattr(f, role) in taken:
                setattr(f, role, None)
        return f


def column_values(table: pa.Table, name: str) -> list:
    """A column as Python values; dates and times as ISO text (the day is enough)."""
    import pyarrow as pa

    col = table.column(name)
    t = col.type
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        if pa.types.is_timestamp(t) and t.tz is not None:
            col = col.cast(pa.timestamp(t.unit), safe=False)
        try:
            col = col.cast(pa.date32(), safe=False).cast(pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return [None] * len(col)
    elif pa.types.is_dictionary(t):
        col = col.cast(t.value_type)
    return col.to_pylist()


def extra_value(v: Any) -> str | int | float | bool | None:
    """A value kept in ``extra`` (text, a number or a boolean), or None (dropped)."""
    t = type(v)
    if t is str:
        s = v.strip()
        return s[:MAX_EXTRA_TEXT] if s else None
    if t is bool or t is int:
        return v
    if t is float:
        return v if math.isfinite(v) else None
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, list | tuple):
        parts = [str(x) for x in v if x is not None and not isinstance(x, bytes | dict)]
        return "; ".join(parts)[:MAX_EXTRA_TEXT] or None
    if v is None or isinstance(v, bytes | bytearray | dict):
        return None
    return str(v)[:MAX_EXTRA_TEXT] or None  # a decimal, a time of day


@dataclass
class Where:
    """The place of each record: shapely geometries (lon/lat) or lat/lon values."""

    geoms: Any = None  # numpy array of shapely geometries (None entries allowed)
    lat: Sequence | None = None
    lon: Sequence | None = None


def geometries_from_wkt(values: list) -> Any:
    import numpy as np
    import shapely

    texts = np.array([v if isinstance(v, str) and v.strip() else None for v in values], object)
    return shapely.from_wkt(texts, on_invalid="ignore")


def _markers(geoms: Any) -> tuple[Any, Any, Any]:
    """Per geometry: the marker's lon, lat (NaN: none) and the geometry's type id."""
    import numpy as np
    import shapely

    types = shapely.get_type_id(geoms)
    points = shapely.get_num_coordinates(geoms) == 1
    points &= types == 0
    marker = np.empty(len(geoms), object)
    marker[points] = geoms[points]
    other = ~points & (types > 0) & ~shapely.is_empty(geoms)
    for i in np.flatnonzero(other).tolist():
        g = geoms[i]
        try:
            if not g.is_valid:
                g = shapely.make_valid(g)
            marker[i] = g.representative_point()
        except shapely.errors.GEOSException:
            marker[i] = None
    x = shapely.get_x(marker)
    y = shapely.get_y(marker)
    return x, y, types


def records_to_events(
    table: pa.Table,
    path: Path,
    problems: list[Problem],
    fields: Fields,
    where: Where,
    *,
    record: str = "row",
    first: int = 1,
    numbers: Sequence[int] | None = None,
    drop: frozenset[str] = frozenset(),
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> LoadResult:
    """One event per record of ``table``.  ``record`` names a record in problems
    ("row 3", "feature 3", numbered from ``first``, or each by its own number in
    ``numbers``: a sheet's blank rows left out); ``drop``: columns neither mapped nor
    kept (a format's own plumbing)."""
    name = str(path)
    reporter = Reporter(name, problems)
    n = table.num_rows
    roles = (fields.date, fields.end, fields.title, fields.summary, fields.category, fields.id)
    values = {key: column_values(table, key) for key in roles if key}
    dates = values.get(fields.date) if fields.date else None
    ends = values.get(fields.end) if fields.end else None
    titles = values.get(fields.title) if fields.title else None
    summaries = values.get(fields.summary) if fields.summary else None
    cats = values.get(fields.category) if fields.category else None
    fids = values.get(fields.id) if fields.id else None
    actor_cols = [column_values(table, k) for k in fields.actors]
    skip = fields.used() | drop
    kept = [k for k in table.column_names if k not in skip]
    extra_cols = [(k, column_values(table, k)) for k in kept]

    lons = lats = types = None
    if where.geoms is not None:
        lons, lats, types = _markers(where.geoms)
    if fields.date is None:
        reporter.report(
            None,
            "no date column found (looked for date, event_date, start, time, timestamp, "
            "year…): every event is listed under 'no date'",
            severity="warning",
        )

    named = ActorsByName()
    place_ids, event_ids = Ids(), Ids()
    places: dict[str, Place] = {}
    point_places: dict[tuple[str, float, float], str] = {}
    place_refs: dict[str, tuple[PlaceRef, ...]] = {}
    date_cache: dict[tuple, tuple[EventDate | None, str | None]] = {}
    categories: list[str] = []
    text_cache: dict[str, str] = {}
    title_cache: dict[str, str] = {}
    names_cache: dict[str, list[str]] = {}
    events = EventTableBuilder()
    inside = 0
    tick = Ticker(progress, cancel, n)
    for i in range(n):
        if i >= tick.next and tick.at(i):
            return cancelled(name)
        k = numbers[i] if numbers is not None else i + first
        rec = f"{record} {k}"
        summary = ""
        if summaries:  # one clean-up per distinct text: texts repeat
            raw = summaries[i]
            summary = text_cache.get(raw) if type(raw) is str else None
            if summary is None:
                summary = plain_text(raw)
                if type(raw) is str:
                    text_cache[raw] = summary
        title = ""
        if titles:
            raw = titles[i]
            title = title_cache.get(raw) if type(raw) is str else None
            if title is None:
                title = " ".join(scalar_text(raw).split())
                title = short_title(title, 200) if title else ""
                if type(raw) is str:
                    title_cache[raw] = title
        title = title or (short_title(summary) if summary else f"Untitled {record} ({k})")

        date = None
        if dates is not None:
            value, end = dates[i], ends[i] if ends is not None else None
            dkey = (type(value), value, type(end), end)
            try:
                cached = date_cache.get(dkey)
            except TypeError:
                dkey, cached = None, None
            if cached is None:
                cached = event_date(value, end, fields.date or "date")
                if dkey is not None:
                    date_cache[dkey] = cached
            date, why = cached
            if why:
                reporter.about(rec, f"{why}; kept under 'no date'")

        actor_list: list[str] = []
        for col in actor_cols:
            cell = col[i]
            names = names_cache.get(cell) if type(cell) is str else None
            if names is None:
                names = names_of(cell)
                if type(cell) is str:
                    names_cache[cell] = names
            named.add(names, actor_list)

        place_id = None
        if lons is not None and lats is not None and types is not None:
            lon, lat, gtype = float(lons[i]), float(lats[i]), int(types[i])
            if gtype < 0:
                reporter.about(rec, "no geometry: on the timeline only")
            elif math.isnan(lon) or math.isnan(lat):
                reporter.about(rec, "an empty or unusable geometry; kept without a place")
            elif (why := check_point(lat, lon)) is not None:
                reporter.about(rec, f"{why}; kept without a place")
            elif gtype == 0:
                place_id = _point_place(places, point_places, place_ids, title, lat, lon)
            else:
                inside += 1
                kind = "region" if gtype in (3, 6) else "site"
                geom = json.loads(_geojson(where.geoms[i]))
                place_id = place_ids.make(slug(title, "place"))
                places[place_id] = Place(place_id, title, kind, lat, lon, (), geom)
        elif where.lat is not None and where.lon is not None:
            lat_v, lon_v = number(where.lat[i]), number(where.lon[i])
            if lat_v is None and lon_v is None and where.lat[i] in (None, ""):
                reporter.about(rec, "no coordinates: on the timeline only")
            elif (why := check_point(lat_v, lon_v)) is not None:
                reporter.about(rec, f"{why}; kept without a place")
            elif lat_v is not None and lon_v is not None:
                place_id = _point_place(places, point_places, place_ids, title, lat_v, lon_v)

        category = scalar_text(cats[i]) if cats else ""
        if category and category not in categories:
            categories.append(category)
        extra = {}
        for key, col in extra_cols:
            v = extra_value(col[i])
            if v is not None:
                extra[key] = v
        fid = scalar_text(fids[i]) if fids else ""
        if not fid or fid in event_ids.taken:
            fid = f"{record}-{k}"
        refs: tuple[PlaceRef, ...] = ()
        if place_id:
            refs = place_refs.get(place_id) or place_refs.setdefault(
                place_id, (PlaceRef(place_id),)
            )
        eid = event_ids.make(fid)
        events.append(eid, title, date, summary, tuple(actor_list), refs, category, extra=extra)
    tick.done()
    if inside:
        reporter.report(
            None,
            f"{inside:,} {record}s are lines or polygons: each is drawn at a point inside it "
            "(its representative point), with its shape",
            severity="warning",
        )
    ds = Dataset(
        events.build(), named.actors, places, title=path.stem, source=name, categories=categories
    )
    return LoadResult(ds, problems)


def _point_place(
    places: dict[str, Place],
    point_places: dict[tuple[str, float, float], str],
    place_ids: Ids,
    title: str,
    lat: float,
    lon: float,
) -> str:
    key = (title, lat, lon)
    place_id = point_places.get(key)
    if place_id is None:
        place_id = place_ids.make(slug(title, "place"))
        places[place_id] = Place(place_id, title, "site", lat, lon)
        point_places[key] = place_id
    return place_id


def _geojson(geom: Any) -> str:
    import shapely

    return shapely.to_geojson(geom)
