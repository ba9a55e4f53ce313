"""Which column (or GeoJSON property) holds what: one guesser for every reader of
records with named fields (GeoJSON properties, CSV columns, GIS layer fields), and what
a field's value means as a date.

:func:`guess` takes the names in file order and returns the first match, ignoring case,
for each role: ``date``, ``end``, ``actor``, ``title``, ``summary``, ``category``,
``lat``, ``lon``, ``wkt``, ``id``.
"""

from __future__ import annotations

import math
from typing import Any

from ..model.dates import MAX_YEAR, EDTFError, FuzzyDate, civil_from_days
from ..model.entities import EventDate
from ._common import number
from ._dates import digits, edtf_day, edtf_year, parse_day

DATE_NAMES = (
    "date",
    "event_date",
    "start_date",
    "startdate",
    "start",
    "date_start",
    "begin",
    "datetime",
    "time",
    "timestamp",
    "when",
    "year",
)
END_NAMES = ("end_date", "enddate", "end", "date_end", "until")
ACTOR_NAMES = ("actor", "actors", "actor1", "actor_1", "actor2", "actor_2", "party", "parties")
TITLE_NAMES = ("name", "title", "headline", "label", "event", "id")
SUMMARY_NAMES = ("description", "summary", "notes", "note", "text", "details")
CATEGORY_NAMES = ("category", "event_type", "type", "kind")
LAT_NAMES = ("lat", "latitude", "y", "lat_dd", "decimallatitude")
LON_NAMES = ("lon", "lng", "long", "longitude", "x", "lon_dd", "decimallongitude")
WKT_NAMES = ("geometry", "wkt", "geom", "the_geom", "wkt_geom")
ID_NAMES = ("id", "event_id", "uid", "fid")

ROLES: dict[str, tuple[str, ...]] = {
    "date": DATE_NAMES,
    "end": END_NAMES,
    "actor": ACTOR_NAMES,
    "title": TITLE_NAMES,
    "summary": SUMMARY_NAMES,
    "category": CATEGORY_NAMES,
    "lat": LAT_NAMES,
    "lon": LON_NAMES,
    "wkt": WKT_NAMES,
    "id": ID_NAMES,
}


def fold(name: str) -> str:
    return name.strip().casefold()


def guess_one(names: list[str], candidates: tuple[str, ...]) -> str | None:
    """The first of ``candidates`` (folded) that one of ``names`` spells, any case."""
    by_folded: dict[str, str] = {}
    for n in names:
        by_folded.setdefault(fold(n), n)
    for c in candidates:
        if c in by_folded:
            return by_folded[c]
    return None


def guess(names: list[str], roles: tuple[str, ...] = tuple(ROLES)) -> dict[str, str | None]:
    """{role: the name that holds it, or None} for these field names."""
    out = {role: guess_one(names, ROLES[role]) for role in roles}
    if out.get("end") is not None and out.get("end") == out.get("date"):
        out["end"] = None
    return out


def actor_fields(names: list[str], actor: str | None, chosen: bool) -> list[str]:
    """The fields that hold actors: the one guessed or chosen, and ``actor2`` with a
    guessed ``actor1``."""
    if actor is None:
        return []
    keys = [actor]
    if not chosen and fold(actor) in ("actor1", "actor_1"):
        keys += [k for k in names if fold(k) in ("actor2", "actor_2")]
    return keys


def names_of(value: Any) -> list[str]:
    """Actor names in one value: text split on ``;`` or a list of names."""
    if isinstance(value, str):
        return [p.strip() for p in value.split(";") if p.strip()]
    if isinstance(value, list):
        return [p.strip() for p in value if isinstance(p, str) and p.strip()]
    return []


def scalar_text(v: Any) -> str:
    """Text of a scalar value (a string stripped, a finite number), else ''."""
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, int | float) and not isinstance(v, bool):
        if isinstance(v, float) and not math.isfinite(v):
            return ""
        if isinstance(v, int) and abs(v) > 10**30:
            return ""
        return str(v)
    return ""


# ---------------------------------------------------------------- dates


def edtf_of(value: Any, key: str) -> str | None:
    """EDTF text for one field value, or None: EDTF, ISO dates or date-times,
    ``27 January 2023``-style text, a year number, or epoch milliseconds (seconds for
    ``timestamp``/``time`` below 10^11)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        v = number(value)
        if v is None:
            return None
        k = key.casefold()
        if k == "year" or (abs(v) < 10000 and v == int(v) and k not in ("timestamp", "time")):
            return edtf_year(int(v)) if v == int(v) and abs(v) <= MAX_YEAR else None
        if abs(v) > 1e15:
            return None
        ms = v if abs(v) >= 1e11 or k not in ("timestamp", "time") else v * 1000
        return edtf_day(*civil_from_days(math.floor(ms / 86_400_000)))
    if not isinstance(value, str):
        return None
    t = value.strip()
    if not t:
        return None
    try:
        FuzzyDate.parse(t)
        return t
    except EDTFError:
        pass
    ymd = parse_day(t)
    if ymd is not None and 1 <= ymd[0] <= 9999:
        return edtf_day(*ymd)
    if digits(t.lstrip("-")) and len(t) <= 13:
        return edtf_year(int(t))
    return None


def event_date(value: Any, end: Any, key: str) -> tuple[EventDate | None, str | None]:
    """(the date of a record, None) or (None, why there is none) from its date field's
    value and its end field's value (None when there is no end field)."""
    if (value is None or (isinstance(value, str) and not value.strip())) and end is None:
        return None, f"no '{key}'"
    start = edtf_of(value, key)
    stop = edtf_of(end, "end") if end not in (None, "") else None
    if start is None and value not in (None, ""):
        return None, f"{key} {short_repr(value)} not understood"
    text = start or ""
    if stop is not None and stop != start:
        text = f"{start or ''}/{stop}"
    if not text:
        return None, f"no '{key}'"
    try:
        fd = FuzzyDate.parse(text)
    except EDTFError as exc:
        if start is None:
            return None, f"date not understood: {exc}"
        try:
            fd = FuzzyDate.parse(start)
        except EDTFError:
            return None, f"date not understood: {exc}"
    return EventDate(fd, fd.display(), "source"), None


def short_repr(v: Any) -> str:
    s = repr(v)
    return s if len(s) <= 40 else s[:37] + "…"
