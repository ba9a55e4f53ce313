"""Check the curated dataset ``seeds/araz.yaml`` against its seed article.

Checks that:

* every quote's ``text`` equals ``seed_text[start:end]`` (Python str offsets into the seed
  read as UTF-8 text);
* ids are unique within actors, places and events, and look like ``[a-z0-9-]+``;
* every actor and place an event refers to exists, and every person or organisation
  names the state it belongs to;
* Tehran, Baku, Kafan, the Araz River and Shusha are in the gazetteer and used by at
  least one event;
* a few more things a loader relies on: enum values, declared categories, a note on every
  date taken from the record, EDTF strings of the level-1 shapes we use, the river
  geometry file.

Usage::

    python packaging/check_quotes.py [path/to/araz.yaml]

Prints one line per problem and exits 1 if there is any, else prints a summary and exits 0.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATASET = REPO_ROOT / "seeds" / "araz.yaml"

REQUIRED_PLACES = ("tehran", "baku", "kafan", "araz-river", "shusha")
ID_RE = re.compile(r"^[a-z0-9-]+$")
ACTOR_KINDS = {"state", "person", "organisation"}
PLACE_KINDS = {"city", "river", "country", "region", "site"}
CERTAINTIES = {"reported", "claimed", "speculative"}
BASES = {"seed", "record"}

# EDTF level 1 shapes used in the dataset: a date (year, month or day, optionally
# qualified by ?, ~ or %) or an interval of two such dates, either end possibly open
# ("..") or unknown ("").
_EDTF_DATE = r"-?\d{4}(?:-(?:0[1-9]|1[0-2]|2[1-4])(?:-(?:0[1-9]|[12]\d|3[01]))?)?[?~%]?"
EDTF_RE = re.compile(rf"^(?:{_EDTF_DATE}|(?:{_EDTF_DATE}|\.\.|)/(?:{_EDTF_DATE}|\.\.|))$")


def _check_ids(items: list, section: str, problems: list[str]) -> dict[str, dict]:
    by_id: dict[str, dict] = {}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or "id" not in item:
            problems.append(f"{section}[{index}]: missing id")
            continue
        item_id = str(item["id"])
        if not ID_RE.match(item_id):
            problems.append(f"{section} {item_id!r}: id must match [a-z0-9-]+")
        if item_id in by_id:
            problems.append(f"{section} {item_id!r}: duplicate id")
        by_id[item_id] = item
    return by_id


def _check_actors(actors: dict[str, dict], problems: list[str]) -> None:
    for actor_id, actor in actors.items():
        kind = actor.get("kind")
        if kind not in ACTOR_KINDS:
            problems.append(f"actor {actor_id!r}: kind {kind!r} not in {sorted(ACTOR_KINDS)}")
        if not actor.get("name"):
            problems.append(f"actor {actor_id!r}: no name")
        if kind in ("person", "organisation"):
            state = actor.get("state")
            if not state:
                problems.append(f"actor {actor_id!r} ({kind}): needs a state")
            elif state not in actors:
                problems.append(f"actor {actor_id!r}: state {state!r} is not an actor")
            elif actors[state].get("kind") != "state":
                problems.append(f"actor {actor_id!r}: state {state!r} is not of kind state")


def _distance_to_line(lon: float, lat: float, lines: list) -> float:
    """Smallest planar distance (degrees) from a point to a set of polylines."""
    best = float("inf")
    for line in lines:
        for (x1, y1), (x2, y2) in itertools.pairwise(line):
            dx, dy = x2 - x1, y2 - y1
            length2 = dx * dx + dy * dy
            if length2 == 0:
                t = 0.0
            else:
                t = max(0.0, min(1.0, ((lon - x1) * dx + (lat - y1) * dy) / length2))
            px, py = x1 + t * dx, y1 + t * dy
            best = min(best, ((lon - px) ** 2 + (lat - py) ** 2) ** 0.5)
    return best


def _check_places(places: dict[str, dict], base: Path, problems: list[str]) -> None:
    for place_id, place in places.items():
        kind = place.get("kind")
        if kind not in PLACE_KINDS:
            problems.append(f"place {place_id!r}: kind {kind!r} not in {sorted(PLACE_KINDS)}")
        if "country" in place:
            problems.append(f"place {place_id!r}: no country field (it is computed)")
        point = place.get("point")
        if not isinstance(point, dict) or "lat" not in point or "lon" not in point:
            problems.append(f"place {place_id!r}: needs point {{lat, lon}}")
            continue
        lat, lon = point["lat"], point["lon"]
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            problems.append(f"place {place_id!r}: point out of range")
        geometry = place.get("geometry")
        if geometry is None:
            if kind == "river":
                problems.append(f"place {place_id!r}: a river needs a geometry file")
            continue
        path = base / geometry
        if not path.is_file():
            problems.append(f"place {place_id!r}: geometry file {geometry!r} not found")
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        features = data.get("features", []) if data.get("type") == "FeatureCollection" else []
        if len(features) != 1:
            problems.append(f"place {place_id!r}: {geometry} must hold one Feature")
            continue
        geom = features[0].get("geometry") or {}
        if geom.get("type") == "LineString":
            lines = [geom["coordinates"]]
        elif geom.get("type") == "MultiLineString":
            lines = geom["coordinates"]
        else:
            problems.append(f"place {place_id!r}: {geometry} is not a (Multi)LineString")
            continue
        if _distance_to_line(lon, lat, lines) > 1e-4:
            problems.append(f"place {place_id!r}: point is not on the line of {geometry}")


def _check_event(
    event: dict,
    seed_text: str,
    actors: dict,
    places: dict,
    categories: set,
    used_places: set[str],
    problems: list[str],
) -> None:
    eid = event["id"]
    for key in ("title", "summary", "date", "actors", "category", "certainty", "quotes"):
        if key not in event:
            problems.append(f"event {eid!r}: missing {key}")

    date = event.get("date") or {}
    edtf = str(date.get("edtf", ""))
    if not EDTF_RE.match(edtf):
        problems.append(f"event {eid!r}: date.edtf {edtf!r} is not a supported EDTF string")
    if not date.get("display"):
        problems.append(f"event {eid!r}: date.display missing")
    if date.get("basis") not in BASES:
        problems.append(f"event {eid!r}: date.basis {date.get('basis')!r} not in {sorted(BASES)}")
    if date.get("basis") == "record" and not date.get("note"):
        problems.append(f"event {eid!r}: a date from the record needs a note")

    event_actors = event.get("actors") or []
    if not event_actors:
        problems.append(f"event {eid!r}: needs at least one actor")
    for actor_id in event_actors:
        if actor_id not in actors:
            problems.append(f"event {eid!r}: unknown actor {actor_id!r}")
    if len(set(event_actors)) != len(event_actors):
        problems.append(f"event {eid!r}: an actor is listed twice")

    for ref in event.get("places") or []:
        place_id = ref.get("place") if isinstance(ref, dict) else ref
        if place_id not in places:
            problems.append(f"event {eid!r}: unknown place {place_id!r}")
        else:
            used_places.add(place_id)

    if event.get("category") not in categories:
        problems.append(f"event {eid!r}: category {event.get('category')!r} is not declared")
    if event.get("certainty") not in CERTAINTIES:
        problems.append(f"event {eid!r}: certainty {event.get('certainty')!r} not allowed")

    quotes = event.get("quotes") or []
    if not quotes:
        problems.append(f"event {eid!r}: needs at least one quote")
    for number, quote in enumerate(quotes):
        start, end, text = quote.get("start"), quote.get("end"), quote.get("text")
        where = f"event {eid!r} quote {number}"
        if not (isinstance(start, int) and isinstance(end, int) and isinstance(text, str)):
            problems.append(f"{where}: needs integer start/end and a text")
            continue
        if not 0 <= start < end <= len(seed_text):
            problems.append(f"{where}: offsets {start}:{end} out of range")
            continue
        if seed_text[start:end] != text:
            found = seed_text.find(text)
            hint = f" (text found at {found}:{found + len(text)})" if found >= 0 else ""
            problems.append(f"{where}: seed[{start}:{end}] != text{hint}")


def check(dataset_path: Path) -> tuple[list[str], dict]:
    """Return (problems, data) for the dataset at ``dataset_path``."""
    problems: list[str] = []
    data = yaml.safe_load(dataset_path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        return [f"{dataset_path}: not a YAML mapping"], {}
    if data.get("format") != "araz-dataset" or data.get("version") != 1:
        problems.append("format must be araz-dataset, version 1")

    base = dataset_path.parent
    seed = data.get("seed") or {}
    seed_path = base / str(seed.get("file", ""))
    if not seed.get("file") or not seed_path.is_file():
        return [*problems, f"seed file {seed.get('file')!r} not found next to the dataset"], data
    seed_text = seed_path.read_text(encoding="utf-8")

    actors = _check_ids(data.get("actors") or [], "actor", problems)
    places = _check_ids(data.get("places") or [], "place", problems)
    events = _check_ids(data.get("events") or [], "event", problems)
    categories = set(data.get("categories") or [])

    _check_actors(actors, problems)
    _check_places(places, base, problems)

    used_places: set[str] = set()
    for event in events.values():
        _check_event(event, seed_text, actors, places, categories, used_places, problems)

    for place_id in REQUIRED_PLACES:
        if place_id not in places:
            problems.append(f"required place {place_id!r} missing from the gazetteer")
        elif place_id not in used_places:
            problems.append(f"required place {place_id!r} is used by no event")
    for place_id in sorted(set(places) - used_places):
        print(f"note: place {place_id!r} is used by no event")
    return problems, data


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    dataset_path = Path(args[0]) if args else DEFAULT_DATASET
    problems, data = check(dataset_path)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) in {dataset_path}")
        return 1
    print(
        f"{dataset_path}: OK ({len(data.get('events') or [])} events, "
        f"{len(data.get('actors') or [])} actors, {len(data.get('places') or [])} places)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
