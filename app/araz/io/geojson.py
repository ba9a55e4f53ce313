"""GeoJSON FeatureCollections of points, lines or polygons: one feature is one event.

* date: the property named by ``date_property``, else the first of the common names
  (``date``, ``event_date``, ``start_date``/``end_date``, ``start``/``end``,
  ``datetime``, ``time``, ``timestamp``, ``year``; any case).  Values may be EDTF, ISO
  dates or date-times, ``27 January 2023``-style text, a year number or epoch
  milliseconds (seconds for ``timestamp``/``time`` below 10^11).  A start with an end
  gives an interval.  A missing or unreadable date: the feature is kept without a date and
  reported.
* actors: ``actor_property`` or ``actor``, ``actors``, ``actor1``/``actor2``…; text (split
  on ``;``) or a list of names.  Each name becomes a top-level actor (kind "state": the
  file does not say which state an actor belongs to).
* title: ``name``, ``title``, ``headline``, ``label``, the feature ``id``;
  summary: ``description``, ``summary``, ``notes``, ``text`` (as plain text);
  category: ``category``, ``event_type``, ``type``.
* geometry: a point is the place; lines and polygons keep their geometry with a
  representative point inside (shapely, imported on first use).  No geometry: on the
  timeline only (reported); bad coordinates: kept without a place and reported.
  Place countries are not computed here.

JSON carries no line numbers per record: problems name the feature ("feature 3",
counting from 1 in file order).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ..model.dataset import Dataset
from ..model.entities import EventDate, Place, PlaceRef
from ..model.table import EventTableBuilder
from ._columns import (
    ACTOR_NAMES,
    CATEGORY_NAMES,
    DATE_NAMES,
    END_NAMES,
    SUMMARY_NAMES,
    TITLE_NAMES,
    actor_fields,
    event_date,
    guess_one,
    names_of,
    scalar_text,
)
from ._common import (
    ActorsByName,
    CancelFn,
    Ids,
    ProgressFn,
    Ticker,
    cancelled,
    load_json,
    plain_text,
    short_title,
    slug,
)
from ._geometry import geometry_point
from .problems import LoadResult, Problem, Reporter


def read_geojson(
    path: str | Path,
    *,
    date_property: str | None = None,
    actor_property: str | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> LoadResult:
    """Read a GeoJSON FeatureCollection. Never raises for bad content."""
    path = Path(path)
    problems: list[Problem] = []
    doc = load_json(path, problems, "GeoJSON")
    if doc is None:
        return LoadResult(None, problems)
    return geojson_from_doc(
        doc,
        path,
        problems,
        date_property=date_property,
        actor_property=actor_property,
        progress=progress,
        cancel=cancel,
    )


def guess_columns(path: str | Path) -> dict:
    """What a mapping dialog needs: the property names of the features, in order of
    first appearance, and the ones guessed for date, end date, actor and title.

    ``{"properties": [...], "date": "event_date", "end": None, "actor": "actor1",
    "title": "name", "features": 120, "problems": []}`` (problems as text).
    """
    path = Path(path)
    problems: list[Problem] = []
    doc = load_json(path, problems, "GeoJSON")
    return guess_from_doc(doc, str(path), problems)


def guess_from_doc(doc: Any, name: str, problems: list[Problem] | None = None) -> dict:
    """:func:`guess_columns` for a parsed document."""
    problems = [] if problems is None else problems
    features = _features(doc, name, problems) if doc is not None else None
    names = _property_names(features or [])
    return {
        "properties": names,
        "date": guess_one(names, DATE_NAMES),
        "end": guess_one(names, END_NAMES),
        "actor": guess_one(names, ACTOR_NAMES),
        "title": guess_one(names, TITLE_NAMES),
        "features": len(features or []),
        "problems": [str(p) for p in problems],
    }


def _features(doc: Any, name: str, problems: list[Problem]) -> list | None:
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        return [doc]
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        problems.append(
            Problem(
                name, 1, 'not a GeoJSON FeatureCollection (expected "type": "FeatureCollection")'
            )
        )
        return None
    feats = doc.get("features")
    if not isinstance(feats, list):
        problems.append(Problem(name, 1, "the FeatureCollection has no 'features' list"))
        return None
    return feats


def _property_names(features: list) -> list[str]:
    seen: dict[str, None] = {}
    for f in features:
        props = f.get("properties") if isinstance(f, dict) else None
        if isinstance(props, dict):
            for k in props:
                if isinstance(k, str):
                    seen.setdefault(k, None)
    return list(seen)


def geojson_from_doc(
    doc: Any,
    path: str | Path,
    problems: list[Problem] | None = None,
    *,
    date_property: str | None = None,
    actor_property: str | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> LoadResult:
    """Events from a parsed GeoJSON document."""
    path = Path(path)
    name = str(path)
    problems = [] if problems is None else problems
    features = _features(doc, name, problems)
    if features is None:
        return LoadResult(None, problems)
    names = _property_names(features)
    # the same property spelled in several cases ("Date", "date"): one name for all
    folded_keys: dict[str, str] = {}
    for k in names:
        folded_keys.setdefault(k.strip().casefold(), k)
    if len(folded_keys) == len(names):
        folded_keys = {}
    else:
        names = list(dict.fromkeys(folded_keys.values()))
    date_key = date_property or guess_one(names, DATE_NAMES)
    end_key = guess_one(names, END_NAMES) if not date_property else None
    if end_key == date_key:
        end_key = None
    actor_key = actor_property or guess_one(names, ACTOR_NAMES)
    actor_keys = actor_fields(names, actor_key, chosen=bool(actor_property))
    title_key = guess_one(names, TITLE_NAMES)
    summary_key = guess_one(names, SUMMARY_NAMES)
    category_key = guess_one(names, CATEGORY_NAMES)
    used = {k for k in (date_key, end_key, title_key, summary_key, category_key) if k}
    used.update(actor_keys)
    if date_key is None:
        problems.append(
            Problem(
                name,
                None,
                "no date property found (looked for date, event_date, start, time, "
                "timestamp, year…): every event is listed under 'no date'",
                severity="warning",
            )
        )

    reporter = Reporter(name, problems)

    named = ActorsByName()
    places: dict[str, Place] = {}
    place_ids = Ids()
    point_places: dict[tuple[str, float, float], str] = {}
    date_cache: dict[tuple, tuple[EventDate | None, str | None]] = {}
    place_slugs: dict[str, str] = {}
    event_ids = Ids()
    categories: list[str] = []
    events = EventTableBuilder()  # columns, not one object per feature
    place_refs: dict[str, tuple[PlaceRef, ...]] = {}
    skipped = 0
    tick = Ticker(progress, cancel, len(features))
    for i, feat in enumerate(features):
        if i >= tick.next and tick.at(i):
            return cancelled(name)
        n = i + 1
        rec = f"feature {n}"
        if not isinstance(feat, dict):
            reporter.about(rec, "not a GeoJSON Feature object; skipped", "error")
            skipped += 1
            continue
        props = feat.get("properties")
        if not isinstance(props, dict):
            props = {}
        elif folded_keys:
            props = _with_keys(props, folded_keys)
        title = scalar_text(props.get(title_key)) if title_key else ""
        if not title:
            title = scalar_text(feat.get("id"))
        summary = plain_text(props.get(summary_key)) if summary_key else ""
        # a property is text, not HTML: keep it as written (views escape it)
        title = short_title(" ".join(title.split()), 200) if title else ""
        title = title or (short_title(summary) if summary else f"Untitled feature ({n})")

        date = None
        if date_key:
            value, end = props.get(date_key), props.get(end_key)
            # one parse (and one shared EventDate) per distinct value: dates repeat
            dkey = (type(value), value, type(end), end)
            try:
                cached = date_cache.get(dkey)
            except TypeError:  # a list or an object: not cached
                dkey, cached = None, None
            if cached is None:
                cached = event_date(value, end, date_key)
                if dkey is not None:
                    date_cache[dkey] = cached
            date, why = cached
            if why:
                reporter.about(rec, f"{why}; kept under 'no date'")

        actor_list: list[str] = []
        for key in actor_keys:
            named.add(names_of(props.get(key)), actor_list)

        place_id = None
        geom = feat.get("geometry")
        if geom is None:
            reporter.about(rec, "no geometry: on the timeline only")
        else:
            pt, why = geometry_point(geom)
            if why and pt is None:
                reporter.about(rec, f"{why}; kept without a place")
            elif why:
                reporter.about(rec, f"{why}; drawn at a point inside it")
            if pt is not None:
                lon, lat = pt
                gtype = geom["type"]
                if gtype == "Point":
                    key = (title, lat, lon)
                    place_id = point_places.get(key)
                    if place_id is None:
                        base = place_slugs.get(title) or place_slugs.setdefault(
                            title, slug(title, "place")
                        )
                        place_id = place_ids.make(base)
                        places[place_id] = Place(place_id, title, "site", lat, lon)
                        point_places[key] = place_id
                else:
                    kind = "region" if "Polygon" in gtype else "site"
                    place_id = place_ids.make(slug(title, "place"))
                    places[place_id] = Place(place_id, title, kind, lat, lon, (), geom)

        category = scalar_text(props.get(category_key)) if category_key else ""
        if category and category not in categories:
            categories.append(category)
        extra = {  # the other scalar properties (JSON gives exactly these types)
            k: v
            for k, v in props.items()
            if (t := type(v)) in _SCALARS
            and type(k) is str
            and k not in used
            and (t is not float or math.isfinite(v))
        }
        fid = scalar_text(feat.get("id")) or scalar_text(props.get("id")) or f"feature-{n}"
        if fid in event_ids.taken:
            fid = f"feature-{n}"
        refs: tuple[PlaceRef, ...] = ()
        if place_id:
            refs = place_refs.get(place_id) or place_refs.setdefault(
                place_id, (PlaceRef(place_id),)
            )
        events.append(
            event_ids.make(fid),
            title,
            date,
            summary,
            tuple(actor_list),
            refs,
            category,
            extra=extra,
        )
    tick.done()
    ds = Dataset(
        events.build(), named.actors, places, title=path.stem, source=name, categories=categories
    )
    return LoadResult(ds, problems, skipped)


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _with_keys(props: dict, folded_keys: dict[str, str]) -> dict:
    out: dict = {}
    for k, v in props.items():
        name = folded_keys.get(k.strip().casefold(), k) if isinstance(k, str) else k
        if name not in out or out[name] in (None, ""):
            out[name] = v
    return out
