"""The curated format: one YAML file (``seeds/araz.yaml``) with actors, places and events.

The layout is described by ``resources/schema/araz-dataset.schema.json`` and in the
README.  :func:`read_curated` checks everything a hand-edited file can get wrong and
reports each problem as ``file:line: message``; records with errors are skipped and the
valid rest loads.  A user never sees a traceback from here.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from statistics import median
from typing import Any

from ..model.dataset import Dataset, SeedInfo
from ..model.dates import EDTFError, FuzzyDate
from ..model.entities import (
    ACTOR_KINDS,
    BASES,
    CERTAINTIES,
    PLACE_KINDS,
    Actor,
    Event,
    EventDate,
    Place,
    PlaceRef,
    Quote,
)
from . import yaml_lines
from ._common import fix_surrogates, may_hold_surrogates, on_earth, swap_hint
from ._files import InputError, inside, read_input
from .geojson import geometry_problem
from .problems import LoadResult, Problem

FORMAT = "araz-dataset"
VERSION = 1
ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class _Checker:
    """Collects problems for one file; each check returns a cleaned value or None."""

    def __init__(self, path: Path):
        self.path = path
        self.name = str(path)
        self.problems: list[Problem] = []

    def report(
        self, line: int | None, message: str, record: str | None = None, severity: str = "error"
    ) -> None:
        self.problems.append(Problem(self.name, line, message, record, severity))

    def mapping(self, value: Any, line: int | None, what: str) -> yaml_lines.LineDict | None:
        if isinstance(value, yaml_lines.LineDict):
            return value
        self.report(line, f"{what} must be a mapping (key: value), not {_kind(value)}")
        return None

    def items(self, parent: yaml_lines.LineDict, key: str, required: bool = True):
        """(line, item) pairs of a list under ``key``."""
        value = parent.get(key)
        if value is None:
            if required:
                self.report(parent.line, f"missing '{key}:' list")
            return []
        if not isinstance(value, yaml_lines.LineList):
            self.report(parent.line_of(key), f"'{key}' must be a list, not {_kind(value)}")
            return []
        return list(zip(value.item_lines, value, strict=True))

    def text(
        self, d: yaml_lines.LineDict, key: str, rec: str | None, required=True, what: str = ""
    ) -> str | None:
        value = d.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.report(d.line, f"{what or rec or 'record'}: missing '{key}'", rec)
            return None
        if not isinstance(value, str):
            self.report(d.line_of(key), f"{rec}: '{key}' must be text, not {_kind(value)}", rec)
            return None
        return value.strip()

    def choice(self, d: yaml_lines.LineDict, key: str, allowed, default: str, rec: str):
        """``d[key]`` if it is one of ``allowed`` (``default`` when absent), else None."""
        value = d.get(key, default)
        if value in allowed:
            return value
        self.report(
            d.line_of(key), f"{rec}: {key} {value!r} is not one of {', '.join(allowed)}", rec
        )
        return None

    def aliases(self, d: yaml_lines.LineDict, rec: str) -> tuple[str, ...]:
        value = d.get("aliases", [])
        if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
            self.report(d.line_of("aliases"), f"{rec}: 'aliases' must be a list of names", rec)
            return ()
        seen: list[str] = []
        for a in value:
            if a.strip() and a.strip() not in seen:
                seen.append(a.strip())
        return tuple(seen)

    def ident(self, d: yaml_lines.LineDict, seen: set[str], what: str) -> str | None:
        value = d.get("id")
        if not isinstance(value, str) or not value:
            self.report(d.line, f"{what} without an 'id'")
            return None
        if not ID.match(value):
            self.report(
                d.line_of("id"),
                f"{what} id {value!r}: use lowercase letters, digits and '-'",
                value,
            )
            return None
        if value in seen:
            self.report(d.line_of("id"), f"duplicate {what} id {value!r}", value)
            return None
        seen.add(value)
        return value


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    for t, name in (
        (bool, "true/false"),
        (int, "a number"),
        (float, "a number"),
        (str, "text"),
        (dict, "a mapping"),
        (list, "a list"),
    ):
        if isinstance(value, t):
            return name
    return type(value).__name__


# ---------------------------------------------------------------- reading


def read_curated(path: str | Path, *, compute_countries: bool = True) -> LoadResult:
    """Read and check a curated YAML file. Never raises for bad content."""
    path = Path(path)
    c = _Checker(path)
    try:  # hand-written: a curated file bigger than its cap is a mistake
        raw = read_input(path, "curated")
    except InputError as exc:
        c.report(None, f"cannot read the file: {exc}")
        return LoadResult(None, c.problems)
    return read_curated_bytes(raw, path, compute_countries=compute_countries)


def read_curated_bytes(
    raw: bytes, path: str | Path = "<data>", *, compute_countries: bool = True
) -> LoadResult:
    path = Path(path)
    c = _Checker(path)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        c.report(line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})")
        return LoadResult(None, c.problems)
    if "\x00" in text:
        c.report(text[: text.index("\x00")].count("\n") + 1, "binary data (NUL byte), not YAML")
        return LoadResult(None, c.problems)
    if not text.strip():
        c.report(None, "the file is empty")
        return LoadResult(None, c.problems)
    try:
        doc = yaml_lines.load(text)
    except yaml_lines.YAMLProblem as exc:
        c.report(exc.line, exc.message)
        return LoadResult(None, c.problems)
    if may_hold_surrogates(text):
        fix_surrogates(doc, c.name, c.problems)
    root = c.mapping(doc, 1, "the file")
    if root is None:
        return LoadResult(None, c.problems)
    if root.get("format") != FORMAT:
        c.report(root.line_of("format"), f"not an Araz dataset: expected 'format: {FORMAT}'")
        return LoadResult(None, c.problems)
    if root.get("version") != VERSION:
        c.report(
            root.line_of("version"),
            f"unsupported version {root.get('version')!r} (this Araz reads {VERSION})",
        )
        return LoadResult(None, c.problems)

    seed = _read_seed(c, root, path)
    categories = root.get("categories") or []
    if not isinstance(categories, list) or not all(isinstance(x, str) for x in categories):
        c.report(root.line_of("categories"), "'categories' must be a list of names")
        categories = []
    actors = _read_actors(c, root)
    places = _read_places(c, root, path, compute_countries)
    events, skipped = _read_events(c, root, actors, places, seed, categories)
    title = root.get("title") if isinstance(root.get("title"), str) else path.stem
    ds = Dataset(
        events,
        actors,
        places,
        title=title,
        source=str(path),
        seed=seed,
        categories=list(categories),
    )
    return LoadResult(ds, c.problems, skipped)


def _read_seed(c: _Checker, root: yaml_lines.LineDict, path: Path) -> SeedInfo | None:
    if "seed" not in root:
        return None
    s = c.mapping(root["seed"], root.line_of("seed"), "'seed'")
    if s is None:
        return None
    file = c.text(s, "file", None, what="seed")
    if file is None:
        return None
    try:
        seed_path = inside(path.parent, file)
    except InputError as exc:
        c.report(s.line_of("file"), f"seed: {exc}")
        return None
    try:
        text = read_input(seed_path, "seed", path.parent).decode("utf-8")
    except (InputError, UnicodeDecodeError) as exc:
        c.report(s.line_of("file"), f"seed: cannot read {file}: {exc}")
        return None
    return SeedInfo(
        text=text,
        title=c.text(s, "title", None, required=False) or seed_path.stem,
        author=c.text(s, "author", None, required=False) or "",
        path=str(seed_path),
        published=c.text(s, "published", None, required=False),
    )


def _read_actors(c: _Checker, root) -> dict[str, Actor]:
    actors: dict[str, Actor] = {}
    pending: list[tuple[yaml_lines.LineDict, Actor]] = []
    seen: set[str] = set()
    for line, item in c.items(root, "actors"):
        d = c.mapping(item, line, "an actor")
        if d is None or (aid := c.ident(d, seen, "actor")) is None:
            continue
        name = c.text(d, "name", aid)
        kind = c.choice(d, "kind", ACTOR_KINDS, "state", aid)
        if kind is None:
            continue
        state = d.get("state")
        if kind != "state" and not isinstance(state, str):
            c.report(
                d.line,
                f"{aid}: {'an' if kind == 'organisation' else 'a'} {kind} needs 'state:' "
                "(the id of its state)",
                aid,
            )
            continue
        if name is None:
            continue
        actor = Actor(aid, name, kind, state if kind != "state" else None, c.aliases(d, aid))
        actors[aid] = actor
        pending.append((d, actor))
    for d, actor in pending:
        if actor.state is not None:
            st = actors.get(actor.state)
            if st is None or st.kind != "state":
                c.report(d.line_of("state"), f"{actor.id}: unknown state {actor.state!r}", actor.id)
                del actors[actor.id]
    return actors


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _read_places(c: _Checker, root, path: Path, compute_countries: bool) -> dict[str, Place]:
    places: dict[str, Place] = {}
    lines: dict[str, int] = {}
    seen: set[str] = set()
    for line, item in c.items(root, "places"):
        d = c.mapping(item, line, "a place")
        if d is None or (pid := c.ident(d, seen, "place")) is None:
            continue
        name = c.text(d, "name", pid)
        kind = c.choice(d, "kind", PLACE_KINDS, "city", pid)
        if kind is None:
            continue
        lat = lon = None
        if "point" in d:
            pt = c.mapping(d["point"], d.line_of("point"), f"{pid}: 'point'")
            if pt is None:
                continue
            lat, lon = _number(pt.get("lat")), _number(pt.get("lon"))
            if lat is None or lon is None:
                c.report(pt.line, f"{pid}: point needs numeric 'lat' and 'lon'", pid)
                continue
            if not on_earth(lat, lon):
                hint = swap_hint(lat, lon, "lat and lon")
                c.report(
                    pt.line, f"{pid}: coordinates out of range: lat {lat}, lon {lon}{hint}", pid
                )
                continue
        geometry = None
        if "geometry" in d:
            geometry = _read_geometry(c, d, pid, path)
            if geometry is None:
                continue
            if lat is None:
                lon, lat = _representative(geometry)
        if lat is None and geometry is None:
            c.report(d.line, f"{pid}: a place needs 'point:' or 'geometry:'", pid)
            continue
        if name is None:
            continue
        places[pid] = Place(pid, name, kind, lat, lon, c.aliases(d, pid), geometry)
        lines[pid] = d.line
    _check_swapped(c, places, lines)
    if compute_countries and places:
        places = _with_countries(c, places, lines)
    return places


def _read_geometry(c: _Checker, d, pid: str, path: Path) -> dict | None:
    ref = d["geometry"]
    line = d.line_of("geometry")
    if not isinstance(ref, str):
        c.report(line, f"{pid}: 'geometry' must be the path of a GeoJSON file", pid)
        return None
    try:
        gpath = inside(path.parent, ref)
        data = json.loads(read_input(gpath, "geometry", path.parent).decode("utf-8"))
    except RecursionError:
        c.report(line, f"{pid}: cannot read geometry {ref}: nested too deeply", pid)
        return None
    except (InputError, ValueError) as exc:
        c.report(line, f"{pid}: cannot read geometry {ref}: {exc}", pid)
        return None
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        feats = data.get("features") or []
        data = feats[0] if len(feats) == 1 else None
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry")
    kinds = ("LineString", "MultiLineString", "Polygon", "MultiPolygon", "Point")
    if not isinstance(data, dict) or data.get("type") not in kinds:
        c.report(line, f"{pid}: {ref} must hold one GeoJSON geometry ({', '.join(kinds)})", pid)
        return None
    for x, y in _coords(data.get("coordinates")):
        if not on_earth(y, x):
            c.report(line, f"{pid}: {ref} has a coordinate out of range ({x}, {y})", pid)
            return None
    why = geometry_problem(data)  # also: nested exactly as deep as its type says
    if why:
        c.report(line, f"{pid}: {ref}: {why}", pid)
        return None
    return data


def _coords(value) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, list) and len(v) >= 2 and all(_number(x) is not None for x in v[:2]):
            out.append((float(v[0]), float(v[1])))
        elif isinstance(v, list):
            stack.extend(v)
    return out


def _representative(geometry: dict) -> tuple[float, float]:
    pts = _coords(geometry.get("coordinates"))
    return pts[len(pts) // 2] if pts else (0.0, 0.0)


def _check_swapped(c: _Checker, places: dict[str, Place], lines: dict[str, int]) -> None:
    """Warn when a point is far from the others but its swap would sit among them."""
    pts = [(p.lat, p.lon) for p in places.values() if p.has_point]
    if len(pts) < 3:
        return
    mlat, mlon = median(p[0] for p in pts), median(p[1] for p in pts)
    for p in places.values():
        if not p.has_point:
            continue
        here = math.hypot(p.lat - mlat, p.lon - mlon)
        swapped = math.hypot(p.lon - mlat, p.lat - mlon)
        if here > 5 and swapped < here / 2:
            c.report(
                lines[p.id],
                f"{p.id}: lat {p.lat}, lon {p.lon} lies far from the other "
                "places; lat and lon look swapped",
                p.id,
                "warning",
            )


def _with_countries(c: _Checker, places: dict[str, Place], lines) -> dict[str, Place]:
    from dataclasses import replace

    from ..geo.countries import countries_touched, country_at

    out = {}
    for pid, p in places.items():
        if p.geometry is not None and p.geometry.get("type") != "Point":
            touched = countries_touched(p.geometry)
            country = ", ".join(touched) if touched else None
        else:
            country = country_at(p.lon, p.lat)
        if country is None:
            c.report(
                lines[pid],
                f"{pid}: lies in no country of the basemap (at sea, or outside the region?)",
                pid,
                "warning",
            )
        out[pid] = replace(p, country=country)
    return out


def _read_events(c: _Checker, root, actors, places, seed: SeedInfo | None, categories):
    events: list[Event] = []
    seen: set[str] = set()
    skipped = 0
    for line, item in c.items(root, "events"):
        d = c.mapping(item, line, "an event")
        if d is None:
            skipped += 1
            continue
        before = len(c.problems)
        ev = _read_event(c, d, seen, actors, places, seed, categories)
        if ev is None:
            skipped += 1
            if len(c.problems) == before:
                c.report(d.line, "event skipped")
        else:
            events.append(ev)
    return events, skipped


def _read_event(c: _Checker, d, seen, actors, places, seed, categories) -> Event | None:
    eid = c.ident(d, seen, "event")
    if eid is None:
        return None
    ok = True
    title = c.text(d, "title", eid)
    summary = c.text(d, "summary", eid, required=False) or ""
    date = _read_date(c, d, eid)
    ok &= title is not None and date is not False

    actor_ids: list[str] = []
    raw = d.get("actors", [])
    if not isinstance(raw, list):
        c.report(d.line_of("actors"), f"{eid}: 'actors' must be a list of actor ids", eid)
        ok = False
    else:
        for a in raw:
            if a not in actors:
                c.report(d.line_of("actors"), f"{eid}: unknown actor {a!r}", eid)
                ok = False
            elif a not in actor_ids:
                actor_ids.append(a)

    refs: list[PlaceRef] = []
    raw = d.get("places", [])
    if not isinstance(raw, list):
        c.report(d.line_of("places"), f"{eid}: 'places' must be a list", eid)
        ok = False
        raw = []
    for i, r in enumerate(raw):
        rline = raw.item_lines[i] if isinstance(raw, yaml_lines.LineList) else d.line
        if isinstance(r, str):
            pid, role = r, None
        elif isinstance(r, dict) and isinstance(r.get("place"), str):
            pid, role = r["place"], r.get("role")
            if role is not None and not isinstance(role, str):
                c.report(rline, f"{eid}: place role must be text", eid)
                ok = False
        else:
            c.report(rline, f"{eid}: a place is an id or {{place: id, role: …}}", eid)
            ok = False
            continue
        if pid not in places:
            c.report(rline, f"{eid}: unknown place {pid!r}", eid)
            ok = False
        else:
            refs.append(PlaceRef(pid, role))

    category = d.get("category", "")
    if not isinstance(category, str):
        c.report(d.line_of("category"), f"{eid}: 'category' must be text", eid)
        ok = False
    elif categories and category and category not in categories:
        c.report(
            d.line_of("category"),
            f"{eid}: category {category!r} is not in 'categories' ({', '.join(categories)})",
            eid,
        )
        ok = False
    certainty = c.choice(d, "certainty", CERTAINTIES, "reported", eid)
    ok &= certainty is not None
    quotes = _read_quotes(c, d, eid, seed)
    ok &= quotes is not None
    if not ok:
        return None
    return Event(
        eid,
        title,
        date or None,
        summary,
        tuple(actor_ids),
        tuple(refs),
        category,
        certainty,
        tuple(quotes or ()),
    )


def _read_date(c: _Checker, d, eid: str) -> EventDate | bool | None:
    """The event's date; None when it has none; False when it is wrong."""
    if "date" not in d or d["date"] is None:
        return None
    raw = d["date"]
    if isinstance(raw, str):
        raw = yaml_lines.LineDict(edtf=raw)
        raw.line, raw.key_lines = d.line_of("date"), {}
    dd = c.mapping(raw, d.line_of("date"), f"{eid}: 'date'")
    if dd is None:
        return False
    edtf = dd.get("edtf")
    if isinstance(edtf, int) and not isinstance(edtf, bool):
        edtf = str(edtf)
    if not isinstance(edtf, str):
        c.report(dd.line, f"{eid}: date needs 'edtf:' text such as 2023-01-27", eid)
        return False
    try:
        value = FuzzyDate.parse(edtf)
    except EDTFError as exc:
        c.report(dd.line_of("edtf"), f"{eid}: bad EDTF date: {exc}", eid)
        return False
    basis = dd.get("basis", "seed")
    if basis not in BASES:
        c.report(
            dd.line_of("basis"),
            f"{eid}: date basis {basis!r} is not one of {', '.join(BASES)}",
            eid,
        )
        return False
    note = dd.get("note")
    if note is not None and not isinstance(note, str):
        c.report(dd.line_of("note"), f"{eid}: date note must be text", eid)
        return False
    if basis == "record" and not note:
        c.report(dd.line, f"{eid}: a date from the record needs a 'note' saying what", eid)
        return False
    if basis == "inferred" and not note:
        c.report(dd.line, f"{eid}: an inferred date needs a 'note' saying how", eid)
        return False
    display = dd.get("display")
    if display is not None and not isinstance(display, str):
        c.report(dd.line_of("display"), f"{eid}: date display must be text", eid)
        return False
    return EventDate(value, display or value.display(), basis, note)


def _read_quotes(c: _Checker, d, eid: str, seed: SeedInfo | None) -> list[Quote] | None:
    raw = d.get("quotes", [])
    if not isinstance(raw, list):
        c.report(d.line_of("quotes"), f"{eid}: 'quotes' must be a list", eid)
        return None
    out: list[Quote] = []
    ok = True
    for i, q in enumerate(raw):
        qline = raw.item_lines[i] if isinstance(raw, yaml_lines.LineList) else d.line
        if not isinstance(q, dict):
            c.report(qline, f"{eid}: a quote is {{text, start, end}}", eid)
            ok = False
            continue
        text, start, end = q.get("text"), q.get("start"), q.get("end")
        if not isinstance(text, str) or not all(
            isinstance(x, int) and not isinstance(x, bool) for x in (start, end)
        ):
            c.report(qline, f"{eid}: a quote needs 'text' and integer 'start' and 'end'", eid)
            ok = False
            continue
        if seed is None:
            c.report(qline, f"{eid}: quotes need the dataset's 'seed:' file", eid)
            ok = False
            continue
        if seed.text[start:end] != text:
            where = seed.text.find(text)
            hint = (
                f" (it is at {where}–{where + len(text)})"
                if where >= 0
                else (" (and it is nowhere in the seed)")
            )
            c.report(qline, f"{eid}: quote is not at offsets {start}–{end} of the seed{hint}", eid)
            ok = False
            continue
        out.append(Quote(text, start, end))
    return out if ok else None
