"""Synthetic ACLED data for benchmarks: the current (2023 on) column set, over the region.

``write_acled_csv(path, n, seed=0)`` writes n rows over lon 38–56, lat 30–44 with the
actors, countries, event types and precisions an ACLED export of the Caucasus and Iran
has, dates 2018–2024.  The same seed gives the same file.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

HEADER = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]

COUNTRIES = {
    # country: (iso, ACLED region, code, admin1 names, (lat, lon) box)
    "Iran": (364, "Middle East", "IRN", ["Tehran", "East Azarbaijan", "Ardabil", "Gilan"]),
    "Azerbaijan": (31, "Caucasus and Central Asia", "AZE", ["Baku", "Ganja", "Nakhchivan"]),
    "Armenia": (51, "Caucasus and Central Asia", "ARM", ["Syunik", "Yerevan", "Tavush"]),
    "Turkey": (792, "Europe", "TUR", ["Kars", "Igdir", "Erzurum", "Van"]),
    "Georgia": (268, "Caucasus and Central Asia", "GEO", ["Tbilisi", "Kvemo Kartli"]),
    "Iraq": (368, "Middle East", "IRQ", ["Erbil", "Sulaymaniyah", "Duhok"]),
    "Russia": (643, "Europe", "RUS", ["Dagestan", "Chechnya"]),
}
TOWNS = [
    "Kapan", "Meghri", "Goris", "Jermuk", "Shusha", "Lachin", "Jabrayil", "Agdam", "Tabriz",
    "Jolfa", "Ardabil", "Astara", "Kars", "Igdir", "Van", "Erbil", "Derbent", "Batumi",
    "Rustavi", "Ganja", "Yerevan", "Baku", "Tehran", "Urmia",
]  # fmt: skip
EVENTS = {
    "Battles": ["Armed clash", "Government regains territory"],
    "Explosions/Remote violence": ["Shelling/artillery/missile attack", "Air/drone strike"],
    "Protests": ["Peaceful protest", "Protest with intervention"],
    "Riots": ["Violent demonstration", "Mob violence"],
    "Violence against civilians": ["Attack", "Abduction/forced disappearance"],
    "Strategic developments": ["Arrests", "Agreement", "Disrupted weapons use"],
}
DISORDER = {
    "Battles": "Political violence",
    "Explosions/Remote violence": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Political violence",
    "Violence against civilians": "Political violence",
    "Strategic developments": "Strategic developments",
}
GROUPS = [
    ("Military Forces of {c} (2000-)", 1),
    ("Police Forces of {c} (2000-)", 1),
    ("Protesters ({c})", 6),
    ("Rioters ({c})", 5),
    ("Civilians ({c})", 7),
    ("Unidentified Armed Group ({c})", 3),
]
SOURCES = ["Azatutyun", "APA", "Trend", "IRNA", "Hetq", "Caucasian Knot", "Anadolu Agency"]
MONTHS = "January February March April May June July August September October November December"


def write_acled_csv(path: str | Path, n: int, seed: int = 0) -> Path:
    """Write an n-row current-format ACLED CSV; returns its path."""
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(acled_rows(n, seed))
    return path


def write_geojson(path: str | Path, n: int, seed: int = 0) -> Path:
    """The same n events as :func:`write_acled_csv`, as a GeoJSON FeatureCollection of
    points: every ACLED column a property (``event_date`` is the date, ``actor1`` the
    actor), the coordinates as the geometry."""
    path = Path(path)
    lat_i, lon_i = HEADER.index("latitude"), HEADER.index("longitude")
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(r[lon_i]), float(r[lat_i])]},
            "properties": dict(zip(HEADER, r, strict=True)),
        }
        for r in acled_rows(n, seed)
    ]
    with path.open("w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": features}, f)
    return path


def acled_rows(n: int, seed: int = 0):
    """The rows (without the header) of a synthetic ACLED export."""
    rng = random.Random(seed)
    months = MONTHS.split()
    names = list(COUNTRIES)
    for i in range(n):
        country = rng.choice(names)
        iso, region, code, admins = COUNTRIES[country]
        etype = rng.choice(list(EVENTS))
        sub = rng.choice(EVENTS[etype])
        g1, inter1 = rng.choice(GROUPS)
        other = rng.choice(names) if rng.random() < 0.2 else country
        g2, inter2 = rng.choice(GROUPS) if rng.random() < 0.7 else ("", 0)
        assoc = "; ".join(rng.sample(["Women (Iran)", "Students (Armenia)", "Farmers"], 2))
        town = rng.choice(TOWNS)
        lat = round(rng.uniform(30, 44), 4)
        lon = round(rng.uniform(38, 56), 4)
        if rng.random() < 0.5:  # many events share a handful of towns
            k = TOWNS.index(town)
            lat, lon = 30 + (k * 0.57) % 14, 38 + k * 0.7
        year, month, day = rng.randint(2018, 2024), rng.randint(1, 12), rng.randint(1, 28)
        fatalities = rng.choice([0, 0, 0, 1, 2, 5, 12])
        yield (
            [
                f"{code}{i + 1}",
                f"{day} {months[month - 1]} {year}",
                year,
                rng.choice((1, 1, 1, 2, 3)),
                DISORDER[etype],
                etype,
                sub,
                g1.format(c=country),
                assoc if rng.random() < 0.1 else "",
                inter1,
                g2.format(c=other),
                "",
                inter2,
                inter1 * 10 + inter2,
                "Civilian targeting" if etype == "Violence against civilians" else "",
                iso,
                region,
                country,
                rng.choice(admins),
                f"{town} District",
                "",
                town,
                f"{lat:.4f}",
                f"{lon:.4f}",
                rng.choice((1, 1, 2, 3)),
                rng.choice(SOURCES),
                "National",
                f"On {day} {months[month - 1]} {year}, {sub.lower()} near {town}, "
                f"{country}. {fatalities} reported fatalities.",
                fatalities,
                "",
                1700000000 + i,
            ]
        )


if __name__ == "__main__":
    import sys

    out = write_acled_csv(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100_000)
    print(out)
