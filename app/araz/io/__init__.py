"""Readers and writers: path or bytes in, Dataset plus a list of problems out.  No Qt.

Every format is one :class:`~araz.io.registry.Reader` in :data:`araz.io.registry.READERS`
(``read(path, context) -> LoadResult``, never raising for bad content; progress, cancel
and a reader's options travel in a :class:`~araz.io.registry.ReadContext`):

* :func:`araz.io.curated.read_curated` — the curated YAML format
* :func:`araz.io.acled.read_acled` — ACLED CSV exports
* :func:`araz.io.geojson.read_geojson` — GeoJSON FeatureCollections
  (:func:`araz.io.geojson.guess_columns` for a mapping dialog)
* :func:`araz.io.timelinejs.read_timelinejs` / :func:`araz.io.timelinejs.read_storymapjs`
* :func:`araz.io.table_csv.read_csv` — any other CSV/TSV, columns guessed by name
  (:func:`araz.io.table_csv.guess_csv` for a mapping dialog)
* :func:`araz.io.gis.read_gis` — GeoPackage, Shapefile, FlatGeobuf, KML/KMZ (pyogrio)
  and GeoParquet (pyarrow); ``layer=`` picks a layer
* :func:`araz.io.spreadsheet.read_spreadsheet` — .xlsx, .xls, .ods… (fastexcel); an
  ACLED sheet by the ACLED rules, any other by the CSV column guesser; ``layer=`` picks
  a sheet

GeoJSON properties, CSV and sheet columns and GIS fields are mapped by one guesser
(:mod:`araz.io._columns`); what is not mapped is kept as each event's ``extra``.

:func:`read_path` picks one by the file's name and content, and refuses a file in which
no record has a date or a place (not events).  Every file is opened through
:mod:`araz.io._files`: regular files only, non-blocking, with a size cap per kind, and a
dataset's own files only from its folder.  Every reader reports its problems in one
shape (:class:`~araz.io.problems.Reporter`).
"""

from __future__ import annotations

from pathlib import Path

from .problems import LoadResult, Problem, ReadError
from .registry import (
    FORMATS,
    READERS,
    ReadContext,
    Reader,
    json_reader,
    name_filters,
    reader_for,
)

__all__ = [
    "FORMATS",
    "READERS",
    "LoadResult",
    "Problem",
    "ReadContext",
    "ReadError",
    "Reader",
    "name_filters",
    "read_path",
    "sniff",
]


def sniff(path: str | Path, head: bytes | None = None) -> str | None:
    """The format of a file: 'curated', 'acled', … (a reader's name), 'json' (JSON of a
    kind decided after parsing) or None (not one Araz reads)."""
    reader = reader_for(Path(path), head)
    if reader is None:
        return None
    return "json" if reader.accepts is not None else reader.name


def json_kind(doc) -> str | None:
    """Which JSON format a parsed document is."""
    reader = json_reader(doc)
    return None if reader is None else reader.name


NOT_EVENTS = (
    "not events: no record has a date or a place (Araz expects events, each with a date, "
    "a place or both: a curated .yaml dataset, a CSV or ACLED export, GeoJSON features, "
    "a GIS layer, a spreadsheet, or a TimelineJS or StoryMapJS story)"
)


def read_path(path, **kwargs) -> LoadResult:
    """Read any format Araz knows, chosen by the file's name and content.

    ``progress``/``cancel`` go to the readers that take them; other keywords go to the
    reader they belong to (``compute_countries`` to the curated one, ``date_property``
    and ``actor_property`` to GeoJSON, CSV and GIS files, ``title_property``,
    ``lat_property``, ``lon_property`` to CSV and spreadsheets, ``layer`` to GIS files
    and spreadsheets (a sheet)).
    ``ask_mapping=True``: GeoJSON, CSV or a GIS layer whose date field cannot be
    guessed, or a GIS file of several layers (a workbook of several sheets) and no
    ``layer``, is not read; the result's
    ``mapping`` holds the guess for the caller to ask the user about.
    """
    from ._files import InputError, check_input

    path = Path(path)
    name = str(path)
    context = ReadContext.from_options(kwargs)
    try:  # each reader opens the file the same checked way (and checks its own cap:
        # 200 MB for a file read whole, none for an ACLED CSV read in blocks); this says
        # why not at once
        check_input(path, "table")
    except InputError as exc:
        return LoadResult(None, [Problem(name, None, f"cannot read the file: {exc}")])
    from .table_cache import Entry  # a second open maps the first one's table

    cache = Entry(path, context.options())  # the file stamped now, before the read
    result = cache.load() or _read(path, context)
    ds = result.dataset
    if ds is not None and len(ds) and not ds.arrays["has_date"].any() and ds.unplaced_mask.all():
        # a file of something else read as records with nothing in them: refuse it
        n = f"{len(ds):,} record" + ("" if len(ds) == 1 else "s")
        return LoadResult(None, [Problem(name, None, f"{NOT_EVENTS}; {n} read")])
    if cache.store(result):  # a fresh read worth keeping (see table_cache); not a hit
        # the table as just written, memory-mapped, rather than the one read: the same
        # dataset, whose pages are the file's (out of memory until used) instead of the
        # read's own copy (at a million ACLED rows, ~190 MB the app then gives back)
        kept = cache.load()
        if kept is not None:
            kept.timings = {**result.timings, "mapped": kept.timings.get("cache", 0.0)}
            return kept
    return result


def _read(path: Path, context: ReadContext) -> LoadResult:
    """Dispatch to the reader of the file's format (the one step between the checks
    before and after a read)."""
    reader = reader_for(path)
    if reader is None:
        return LoadResult(None, [Problem(str(path), None, _unknown(path))])
    return reader.read(path, context)


RASTERS = frozenset({".tif", ".tiff", ".jp2", ".png", ".jpg", ".jpeg", ".img", ".asc", ".nc"})


def _unknown(path: Path) -> str:
    if path.suffix.lower() in RASTERS:
        return (
            f"not a format Araz reads: {path.suffix} is a raster image; Araz reads events "
            "(points, lines or polygons with dates), not rasters"
        )
    return (
        f"not a format Araz reads: {path.suffix or 'no extension'} (Araz reads .yaml "
        "datasets, ACLED and other .csv/.tsv, .geojson, TimelineJS or StoryMapJS .json, "
        "spreadsheets .xlsx, .xls or .ods, GeoPackage .gpkg, Shapefile .shp or .zip, "
        "FlatGeobuf .fgb, KML/KMZ, GeoParquet .parquet)"
    )
