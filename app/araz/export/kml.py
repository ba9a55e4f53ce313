"""The shown events as KML 2.2 (Google Earth, Google My Maps) or KMZ (the KML zipped).

Written here as text, every value escaped by :func:`esc` (ElementTree parses it back in
the tests), not through GDAL: GDAL's KML and LIBKML drivers write a feature's fields and
geometry, but not a shared ``Style`` per colour referenced by ``styleUrl`` nor
``TimeStamp``/``TimeSpan`` from our EDTF bounds the way Google Earth's time slider needs
them.

* One ``Document`` named after the dataset's title (or the title given), holding one
  shared ``Style`` per colour and one ``Placemark`` per shown event that has a place.
  An event without a place is left out; :func:`unplaced_count` says how many (the
  ``araz export`` command prints it, the app's export dialog shows it).
* Colour: the event's colour on the map (its main actor's state) as ``IconStyle`` and
  ``LineStyle`` colour, in KML's ``aabbggrr`` order.  No icon ``href``: Google Earth tints
  its default placemark icon, and nothing in the file makes it load a URL.
* ``name`` is the title; ``description`` is plain text (summary, date, actors, places,
  source), escaped: never CDATA, never HTML from the data.
* Time: ``TimeStamp`` for a single day; ``TimeSpan`` ``begin``/``end`` for anything wider
  (a month, a year, an interval): the EDTF date's strict lower/upper bounds as ISO days
  (``2021-06-01``/``2021-06-30``, the ``date_lower``/``date_upper`` of the GeoPackage
  export; Google Earth takes a day as its first instant), an open or unknown end
  omitted.  A bound before year 1 or after 9999 is no
  ``xsd:dateTime``: the time element is then omitted and ``ExtendedData``'s ``time_note``
  says why (the EDTF ``date`` is still there).
* ``ExtendedData``: ``id``, ``date`` (EDTF), ``date_display``, ``date_lower``,
  ``date_upper``, ``actors``, ``actor_ids``, ``places``, ``place_ids``, ``category``,
  ``certainty``, ``color`` (``#rrggbb``); lists ``"; "``-joined.  Araz's own KML reader
  reads back the ids, titles, actors, category and the same days (it joins the EDTF
  ``date`` with a TimeSpan's ``end``: ``2021-06`` comes back as ``2021-06/2021-06-30``).
* Geometry: a ``Point`` (lon,lat) at the event's marker, as the map draws it.  An event
  that goes from one place to another (a ``from`` and a ``to`` place, an arrow on the
  map) is one ``LineString`` from the marker to the arrow's head, drawn by Google Earth
  in the event's colour (GDAL reads it as a line whose first vertex is the marker).
* Text from the data: the characters XML 1.0 forbids (control characters but tab and
  newline, lone surrogates, U+FFFE/U+FFFF) become U+FFFD; a carriage return becomes a
  newline (an XML parser would turn it into one anyway).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..model.dataset import Dataset
from ..views.records import tuple_markers
from .atomic import atomic_write, check_target
from .csv import SEPARATOR
from .gis import event_columns

KML_NS = "http://www.opengis.net/kml/2.2"
KML_SUFFIXES = (".kml", ".kmz")
#: Every character XML 1.0 does not allow in a document (§2.2 Char).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: A bound that is an xsd:date: years 0001 to 9999.
_XSD_DAY = re.compile(r"^(?!0000)\d{4}-\d{2}-\d{2}$")
EXTENDED = (
    "id",
    "date",
    "date_display",
    "date_lower",
    "date_upper",
    "actors",
    "actor_ids",
    "places",
    "place_ids",
    "category",
    "certainty",
    "color",
)


def xml_text(value: Any) -> str:
    """``value`` as text XML 1.0 can hold (see the module's docs)."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _NOT_XML.sub("\ufffd", text)


def kml_colour(hex_colour: str) -> str:
    """``#rrggbb`` as KML's opaque ``ffbbggrr``."""
    h = hex_colour.lstrip("#").lower()
    if not re.fullmatch(r"[0-9a-f]{6}", h):
        h = "999999"
    return f"ff{h[4:6]}{h[2:4]}{h[0:2]}"


def style_id(hex_colour: str) -> str:
    return "c" + kml_colour(hex_colour)[2:]


def esc(value: Any) -> str:
    """``value`` as XML character data: :func:`xml_text`, then ``&``, ``<``, ``>`` and
    ``"`` as entities (so it is safe in an element and in a quoted attribute)."""
    text = xml_text(value)
    if "&" in text:
        text = text.replace("&", "&amp;")
    return text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def time_xml(lower: str | None, upper: str | None) -> tuple[str, str | None]:
    """(TimeStamp or TimeSpan element, None) for these ISO-day bounds, or ("", why not)."""
    if lower is None and upper is None:
        return "", None
    bad = [b for b in (lower, upper) if b is not None and not _XSD_DAY.match(b)]
    if bad:
        why = "is outside the years 1 to 9999 that KML (xsd:dateTime) can hold"
        return "", f"no KML time: {bad[0]} {why}"
    if lower is not None and lower == upper:
        return f"<TimeStamp><when>{lower}</when></TimeStamp>", None
    begin = f"<begin>{lower}</begin>" if lower is not None else ""
    end = f"<end>{upper}</end>" if upper is not None else ""
    return f"<TimeSpan>{begin}{end}</TimeSpan>", None


def _coord(lon: float, lat: float) -> str:
    return f"{round(float(lon), 7)!r},{round(float(lat), 7)!r}"


def _heads(ds: Dataset, rows: np.ndarray) -> list[tuple[float, float] | None]:
    """Per row, the arrow's head (lon, lat) of an event going from a place to another."""
    _, heads = tuple_markers(ds)
    if not heads:
        return [None] * len(rows)
    return [
        (heads[c][1], heads[c][0]) if c in heads else None
        for c in ds.place_tuples.codes[rows].tolist()
    ]


def _sources(ds: Dataset, rows: np.ndarray) -> list[str | None]:
    """Per row, the event's ``source`` field (ACLED's), if the data has one."""
    table = ds.events
    column = table.extra.get("source")
    if column is not None:
        values = [*column.values, None]  # code -1 reads the last
        return [values[c] for c in column.codes[rows].tolist()]
    if table.extra:  # a table of columns, none of them "source"
        return [None] * len(rows)
    return [table[r].extra.get("source") for r in rows.tolist()]  # events as objects


def _seed_source(ds: Dataset) -> str:
    seed = ds.seed
    if seed is None or not (seed.title or seed.author):
        return ""
    text = f"“{seed.title}”" if seed.title else "the seed article"
    return text + (f" by {seed.author}" if seed.author else "")


def description(row: dict[str, Any], source: str | None, seed: str) -> str:
    """The placemark's description: plain text, one fact a line."""
    lines = [row["summary"]] if row["summary"] else []
    if lines:
        lines.append("")
    if row["date"]:
        lines.append(f"Date: {row['date_display']} (EDTF {row['date']})")
    else:
        lines.append("Date: none given")
    if row["actors"]:
        lines.append("Actors: " + ", ".join(row["actors"]))
    if row["places"]:
        lines.append("Places: " + ", ".join(row["places"]))
    if row["category"]:
        lines.append(f"Category: {row['category']} ({row['certainty']})")
    if source:
        lines.append(f"Source: {source}")
    elif row["quotes"]:
        lines.append(f"Source: {seed or 'the seed article'}: “{row['quotes']}”")
    return "\n".join(lines)


def _data(name: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return ""
    text = SEPARATOR.join(value) if isinstance(value, list) else value
    return f'<Data name="{name}"><value>{esc(text)}</value></Data>'


def _style(colour: str) -> str:
    kml = kml_colour(colour)
    return (
        f'<Style id="{style_id(colour)}"><IconStyle><color>{kml}</color></IconStyle>'
        f"<LineStyle><color>{kml}</color><width>3</width></LineStyle></Style>\n"
    )


def kml_parts(ds: Dataset, mask: np.ndarray | None = None, *, title: str = "") -> Iterator[str]:
    """The KML document of the shown events, piece by piece (see the module's docs).

    Written as text, every value from the data through :func:`esc` (the tests parse it
    back with ElementTree): ElementTree's own serializer takes three times as long."""
    rows = np.arange(len(ds)) if mask is None else np.flatnonzero(mask)
    cols = event_columns(ds, mask)
    heads = _heads(ds, rows)
    sources = _sources(ds, rows)
    seed = _seed_source(ds)
    name = " ".join((title or ds.title or "Araz events").split())
    placed = [k for k, lon in enumerate(cols["lon"]) if lon is not None]
    left_out = len(rows) - len(placed)
    about = f"{len(placed)} events from Araz"
    if left_out:
        about += f"; {left_out} without a place are not in this file"
    yield "<?xml version='1.0' encoding='utf-8'?>\n"
    yield f'<kml xmlns="{KML_NS}">\n<Document>\n'
    yield f"<name>{esc(name)}</name>\n<description>{about}</description>\n"
    for colour in sorted({cols["color"][k] for k in placed}):
        yield _style(colour)
    names = (*EXTENDED, "title", "summary", "quotes")
    for k in placed:
        row = {n: cols[n][k] for n in names}
        when, note = time_xml(row["date_lower"], row["date_upper"])
        extended = "".join(_data(field, row[field]) for field in EXTENDED)
        extended += _data("time_note", note)
        lon, lat = cols["lon"][k], cols["lat"][k]
        head = heads[k]
        if head is None:
            where = f"<Point><coordinates>{_coord(lon, lat)}</coordinates></Point>"
        else:
            ends = f"{_coord(lon, lat)} {_coord(*head)}"
            where = (
                "<LineString><tessellate>1</tessellate>"
                f"<coordinates>{ends}</coordinates></LineString>"
            )
        yield (
            f"<Placemark><name>{esc(row['title'])}</name>"
            f"<description>{esc(description(row, sources[k], seed))}</description>"
            f"{when}<styleUrl>#{style_id(row['color'])}</styleUrl>"
            f"<ExtendedData>{extended}</ExtendedData>{where}</Placemark>\n"
        )
    yield "</Document>\n</kml>\n"


def unplaced_count(ds: Dataset, mask: np.ndarray | None = None) -> int:
    """How many of the shown events have no place (and are not in a KML export)."""
    unplaced = ds.unplaced_mask
    return int(unplaced.sum() if mask is None else (unplaced & mask).sum())


def kml_bytes(ds: Dataset, mask: np.ndarray | None = None, *, title: str = "") -> bytes:
    return "".join(kml_parts(ds, mask, title=title)).encode("utf-8")


def kmz_bytes(ds: Dataset, mask: np.ndarray | None = None, *, title: str = "") -> bytes:
    """A KMZ: the KML as ``doc.kml``, the first (and only) entry of a zip."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("doc.kml", kml_bytes(ds, mask, title=title))
    return buf.getvalue()


def write_kml(
    ds: Dataset, mask: np.ndarray | None, path: str | os.PathLike, *, title: str = ""
) -> Path:
    """Write the shown events as KML, or KMZ by the suffix ``.kmz``, atomically; returns
    the path (ExportError if not)."""
    target = check_target(path, ds)
    make = kmz_bytes if target.suffix.lower() == ".kmz" else kml_bytes
    return atomic_write(target, make(ds, mask, title=title), ds)
