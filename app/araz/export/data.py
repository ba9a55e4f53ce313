"""The data exports by the file's suffix: CSV, GeoJSON, GeoPackage, GeoParquet, KML/KMZ
or a standalone HTML map.

One dispatcher for the ``araz export`` command and the window's export dialog.
"""

from __future__ import annotations

from pathlib import Path

from .atomic import ExportError
from .colouring import Colouring
from .selection import Shown

EXPORT_SUFFIXES = (".csv", ".geojson", ".gpkg", ".parquet", ".kml", ".kmz", ".html")
SUFFIXES_TEXT = ".csv, .geojson, .gpkg, .parquet, .kml, .kmz or .html"


def export_data(
    shown: Shown,
    out: Path,
    *,
    title: str = "",
    bounds=None,
    colours: Colouring | None = None,
    density: str | None = None,
    outlines: bool = False,
) -> Path:
    """CSV, GeoJSON, GeoPackage, GeoParquet, KML/KMZ or HTML by the suffix of ``out``
    (the HTML map in ``colours``: None, the main actors'; ``density`` and ``outlines`` as
    View → Map density and the outlines toggle: None, the default)."""
    suffix = out.suffix.lower()
    ds, mask = shown.dataset, shown.mask
    if suffix == ".csv":
        from .csv import write_csv

        return write_csv(ds, mask, out)
    if suffix == ".geojson":
        from .geojson import write_geojson

        return write_geojson(ds, mask, out)
    if suffix == ".gpkg":
        from .gis import write_geopackage

        return write_geopackage(ds, mask, out, title=title)
    if suffix == ".parquet":
        from .gis import write_geoparquet

        return write_geoparquet(ds, mask, out)
    if suffix in (".kml", ".kmz"):
        from .kml import write_kml

        return write_kml(ds, mask, out, title=title)
    if suffix == ".html":
        from .html import write_html

        return write_html(
            ds,
            mask,
            out,
            title=title,
            bounds=bounds,
            description=shown.describe(),
            colours=colours,
            **({"density": density} if density is not None else {}),
            outlines=outlines,
        )
    raise ExportError(f"{out}: the output must end in {SUFFIXES_TEXT}")


def export_note(shown: Shown, out: Path) -> str | None:
    """What the user should know about a written export, or None: a KML/KMZ holds only
    the events with a place (the others cannot be placemarks)."""
    from .kml import KML_SUFFIXES, unplaced_count

    if out.suffix.lower() not in KML_SUFFIXES:
        return None
    left_out = unplaced_count(shown.dataset, shown.mask)
    if not left_out:
        return None
    events = "event" if left_out == 1 else "events"
    return f"{left_out} shown {events} without a place left out of the KML"
