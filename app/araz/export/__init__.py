"""Exports: the shown events as CSV, GeoJSON, GeoPackage, GeoParquet, KML/KMZ or a
standalone HTML map (pure Python, no Qt; map snapshots as PNG, PDF or a composed sheet
need Qt and live in :mod:`araz.qt.export`).

One function per kind; the ``araz snapshot``/``araz export`` commands and the app's
export dialog call the same ones.  Every writer is atomic (a temporary file in the target
folder, then ``os.replace``), refuses to overwrite the loaded dataset or the seed, and
fails with :class:`ExportError` carrying one clear line.

* :func:`araz.export.csv.write_csv` — UTF-8 CSV, formula-safe cells
* :func:`araz.export.geojson.write_geojson` — RFC 7946 FeatureCollection
* :func:`araz.export.gis.write_geopackage` / :func:`araz.export.gis.write_geoparquet` —
  GeoPackage and GeoParquet through geopandas (imported on first use)
* :func:`araz.export.kml.write_kml` — KML 2.2 or KMZ for Google Earth (time slider,
  colours), written with ElementTree
* :func:`araz.export.html.write_html` — one self-contained offline HTML map
* :func:`araz.export.data.export_data` — one of them by the file's suffix
"""

from .atomic import ExportError, atomic_write, check_target
from .selection import Shown, build_filter, select

__all__ = ["ExportError", "Shown", "atomic_write", "build_filter", "check_target", "select"]
