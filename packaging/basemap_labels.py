"""The basemap's labels: which places, rivers, lakes, peaks and countries are named, from
which zoom, under which name and where (the curation), and :func:`label_features` that
applies it to the Natural Earth extracts for :mod:`build_basemap`."""

from __future__ import annotations

from pathlib import Path

from shapely.geometry import Point
from shapely.ops import nearest_points, polylabel

from basemap_source import _merged_by_name, _polygons, _read, _text

# (min lon, min lat, max lon, max lat): the whole basemap, and its close band
REGION_BOX = (24.0, 20.0, 76.0, 60.0)
CLOSE_BOX = (38.0, 34.0, 53.0, 44.0)  # South Caucasus + north-west Iran

# Populated places renamed for the label (NE name -> label).
PLACE_NAMES = {
    "Kiev": "Kyiv",
    "Odessa": "Odesa",
    "Lvov": "Lviv",
    "Kapan": "Kafan",
    "Naxcivan": "Nakhchivan",
    "Stepanakert": "Stepanakert (Khankendi)",
    "Ali Bayramli": "Shirvan",
    "Saki": "Shaki",
    "Groznyy": "Grozny",
    "Naltchik": "Nalchik",
    "Tel Aviv-Yafo": "Tel Aviv",
    "Ganca": "Ganja",
    "Sumqayt": "Sumqayit",
    "Yevlax": "Yevlakh",
    "Gavarr": "Gavar",
}
# Where the NE point is off, use the place's own coordinates (lon, lat).
PLACE_POSITIONS = {"Kapan": (46.4057, 39.2076)}
# Places NE lacks: (label, lon, lat, kind, minZoom, rank).
EXTRA_PLACES = [("Shusha", 46.7509, 39.7585, "city", 6, 2)]
# The five places of the brief and the capitals the story reaches: (minZoom, rank).
PLACE_OVERRIDES = {
    "Tehran": (3, 0),
    "Baku": (3, 0),
    "Yerevan": (3, 0),
    "Tabriz": (5, 1),
    "Naxcivan": (5, 1),
    "Kapan": (6, 2),
    "Stepanakert": (7, 3),
    "Ankara": (4, 1),
    "Moscow": (4, 1),
    "Tbilisi": (4, 1),
    "Jerusalem": (4, 1),
    "Islamabad": (4, 1),
    "Riyadh": (4, 1),
    "Baghdad": (4, 1),
}
STORY_CAPITALS = ("Tehran", "Baku", "Yerevan", "Ankara", "Moscow", "Tbilisi", "Jerusalem")
STORY_CAPITALS_IF_INSIDE = ("Islamabad", "Riyadh", "Beijing")
# Cities outside CLOSE_BOX are labelled up to this scalerank; inside it, up to the second.
CITY_MAX_SCALERANK = 3
CLOSE_CITY_MAX_SCALERANK = 7
# In the South Caucasus itself every place is labelled (from zoom 7 to 9 by NE's min_zoom).
CORE_BOX = (43.3, 38.3, 50.5, 42.0)

# Rivers labelled: NE name -> (label, hint lon, hint lat, minZoom, rank). The label sits at
# the point of the line nearest to the hint.
RIVER_LABELS = {
    "Aras": ("Araz", 47.3, 39.35, 5, 1),
    "Kura": ("Kura", 47.9, 40.2, 6, 2),
    "Tigris": ("Tigris", 44.0, 34.5, 6, 4),
    "Euphrates": ("Euphrates", 41.5, 34.6, 6, 4),
    "Volga": ("Volga", 46.0, 48.5, 6, 4),
}
# Lakes labelled: NE name -> (label, minZoom, rank).
LAKE_LABELS = {
    "Lake Sevan": ("Lake Sevan", 6, 3),
    "Lake Urmia": ("Lake Urmia", 5, 3),
    "Lake Van": ("Lake Van", 6, 4),
    "Mingevir Reservoir": ("Mingachevir Reservoir", 7, 5),
}
# The Caspian is drawn as the sea (the background) but labelled; kind "lake" as it is one.
EXTRA_LAKE_LABELS = [("Caspian Sea", 50.6, 41.6, 4, 2)]
# Peaks labelled: NE name -> (label, minZoom, rank).
PEAK_LABELS = {
    "Mount Ararat": ("Mount Ararat", 6, 4),
    "Aragats Lerr": ("Mount Aragats", 8, 5),
    "Sabalon Kuh": ("Mount Sabalan", 7, 5),
    "Mt. Damavand": ("Mount Damavand", 6, 4),
    "Gora Elbrus": ("Mount Elbrus", 6, 4),
    "Bazar Dyuzi": ("Bazardüzü", 8, 5),
    "Gora Tebulosmta": ("Tebulosmta", 8, 5),
    "Gora Shkhara": ("Shkhara", 8, 5),
    "Kackar Dagi": ("Kaçkar", 8, 5),
    "Cheekha Dar": ("Cheekha Dar", 8, 5),
    "Kuh-e Haji Ebrahim": ("Haji Ebrahim", 8, 5),
}
# Country labels: the story's three and their neighbours early, others later, tiny skipped.
COUNTRY_LABEL_ZOOM = {
    "Iran": (3, 0),
    "Azerbaijan": (3, 0),
    "Armenia": (4, 0),
    "Turkey": (3, 1),
    "Georgia": (4, 1),
    "Russia": (3, 1),
    "Iraq": (4, 1),
}
COUNTRY_LABEL_SKIP = {"Dhekelia", "Akrotiri", "Cyprus U.N. Buffer Zone", "Baikonur", "N. Cyprus"}
# Label points where the pole of inaccessibility of the clipped country is a poor spot.
COUNTRY_LABEL_POSITIONS = {"Russia": (44.5, 45.6), "Azerbaijan": (47.6, 40.5)}


def _inside(lon: float, lat: float, bounds) -> bool:
    return bounds[0] <= lon <= bounds[2] and bounds[1] <= lat <= bounds[3]


def _label(name: str, kind: str, min_zoom: int, rank: int, lon: float, lat: float) -> tuple:
    properties = {"name": name, "kind": kind, "minZoom": int(min_zoom), "rank": int(rank)}
    return properties, Point(lon, lat)


def label_features(source_dir: Path, countries: list[tuple[str, object]]) -> list[tuple]:
    labels = []

    # Cities and capitals.
    places = _read(source_dir, "populated_places")
    names_seen = set()
    for row in places.itertuples(index=False):
        name = str(row.name)
        lon, lat = PLACE_POSITIONS.get(name, (float(row.longitude), float(row.latitude)))
        if not _inside(lon, lat, REGION_BOX):
            continue
        capital = row.featurecla == "Admin-0 capital"
        in_close = _inside(lon, lat, CLOSE_BOX)
        in_core = _inside(lon, lat, CORE_BOX)
        wanted = (
            capital
            or in_core
            or name in PLACE_OVERRIDES
            or row.scalerank <= CITY_MAX_SCALERANK
            or (in_close and row.scalerank <= CLOSE_CITY_MAX_SCALERANK)
        )
        if not wanted or row.featurecla == "Historic place":
            continue
        if name in PLACE_OVERRIDES:
            min_zoom, rank = PLACE_OVERRIDES[name]
        else:
            base = 5 if capital else 7 if in_core else 6
            min_zoom = max(base, min(9, int(-(-float(row.min_zoom) // 1))))
            rank = int(row.scalerank)
        kind = "capital" if capital else "city"
        label = PLACE_NAMES.get(name, name)
        names_seen.add(name)
        labels.append(_label(label, kind, min_zoom, rank, lon, lat))
    for label, lon, lat, kind, min_zoom, rank in EXTRA_PLACES:
        if label not in names_seen:
            labels.append(_label(label, kind, min_zoom, rank, lon, lat))
    for capital in STORY_CAPITALS:
        if capital not in names_seen:
            raise SystemExit(f"capital {capital!r} missing from the populated places")
    skipped = [c for c in STORY_CAPITALS_IF_INSIDE if c not in names_seen]
    if skipped:
        print(f"capitals outside the box, not labelled: {', '.join(skipped)}")

    # Rivers: at the point of the line nearest to a hint.
    rivers = _read(source_dir, "rivers")
    for name, geometry in _merged_by_name(rivers):
        if name not in RIVER_LABELS:
            continue
        label, hint_lon, hint_lat, min_zoom, rank = RIVER_LABELS[name]
        point = nearest_points(geometry, Point(hint_lon, hint_lat))[0]
        labels.append(_label(label, "river", min_zoom, rank, point.x, point.y))
    found = {p["name"] for p, _ in labels if p["kind"] == "river"}
    missing = {v[0] for v in RIVER_LABELS.values()} - found
    if missing:
        raise SystemExit(f"rivers missing: {sorted(missing)}")

    # Lakes: at the pole of inaccessibility.
    lakes = _read(source_dir, "lakes")
    for name, geometry in _merged_by_name(lakes):
        if name not in LAKE_LABELS:
            continue
        label, min_zoom, rank = LAKE_LABELS[name]
        largest = max(_polygons(geometry), key=lambda p: p.area)
        point = polylabel(largest, tolerance=0.001)
        labels.append(_label(label, "lake", min_zoom, rank, point.x, point.y))
    for label, lon, lat, min_zoom, rank in EXTRA_LAKE_LABELS:
        labels.append(_label(label, "lake", min_zoom, rank, lon, lat))

    # Peaks.
    peaks = _read(source_dir, "elevation_points")
    for name, geometry in zip(peaks["name"], peaks.geometry, strict=True):
        name = _text(name)
        if name in PEAK_LABELS:
            label, min_zoom, rank = PEAK_LABELS[name]
            labels.append(_label(label, "peak", min_zoom, rank, geometry.x, geometry.y))

    # Countries: at the pole of inaccessibility of the largest part inside the box.
    for name, geometry in countries:
        if name in COUNTRY_LABEL_SKIP:
            continue
        largest = max(_polygons(geometry), key=lambda p: p.area)
        if name in COUNTRY_LABEL_POSITIONS:
            lon, lat = COUNTRY_LABEL_POSITIONS[name]
        else:
            point = polylabel(largest, tolerance=0.01)
            lon, lat = point.x, point.y
        default = (4, 2) if largest.area > 10 else (6, 3)
        min_zoom, rank = COUNTRY_LABEL_ZOOM.get(name, default)
        labels.append(_label(name, "country", min_zoom, rank, lon, lat))

    labels.sort(key=lambda item: (item[0]["minZoom"], item[0]["rank"], item[0]["name"]))
    return labels
