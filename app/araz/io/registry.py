"""The formats Araz reads: one :class:`Reader` per format in one list, :data:`READERS`.

:func:`araz.io.read_path` picks a reader here (:func:`reader_for`: by the file's suffix,
then by its first bytes), the open dialog lists the same readers (:data:`FORMATS`), and
``araz validate`` reads through the same path.  Adding a format is adding one entry to
:data:`READERS`; its module is imported only when a file of its format is read.

JSON formats (GeoJSON, TimelineJS, StoryMapJS) share ``.json``: a JSON file is parsed
once and the document itself says which format it is (each JSON reader's ``accepts``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._acled_header import acled_header
from .problems import LoadResult, Problem

if TYPE_CHECKING:
    from ._common import CancelFn, ProgressFn

SNIFF_BYTES = 64 * 1024  # the head a reader's sniff sees

_CALLBACKS = ("progress", "cancel")


@dataclass(frozen=True)
class ReadContext:
    """What a read is given besides the path: progress and cancel callbacks, and the
    options a reader takes (the others ignore them)."""

    progress: ProgressFn | None = None
    cancel: CancelFn | None = None
    compute_countries: bool = True  # curated: each place's country from its geometry
    date_property: str | None = None  # GeoJSON, CSV, sheets, GIS: the date's field
    actor_property: str | None = None  # … the actors
    title_property: str | None = None  # CSV, sheets, GIS: the title
    lat_property: str | None = None  # CSV, sheets: the latitude
    lon_property: str | None = None  # CSV, sheets: the longitude
    layer: str | None = None  # GeoPackage and other files of several layers (a sheet of
    # a workbook): which one
    # GeoJSON whose date property cannot be guessed is not read: the result's mapping
    # holds the guess for the caller to ask about
    ask_mapping: bool = False

    def options(self) -> dict[str, Any]:
        """The options, without the callbacks (what a cached read is keyed by)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _CALLBACKS}

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> ReadContext:
        """The context for :func:`araz.io.read_path`'s keywords (unknown ones are
        ignored, as a reader ignores an option that is not its own)."""
        ask = bool(options.get("ask_mapping", False)) and not options.get("date_property")
        ask = ask and not options.get("layer")  # a layer chosen: read it as it is
        return cls(
            progress=options.get("progress"),
            cancel=options.get("cancel"),
            compute_countries=options.get("compute_countries", True),
            date_property=options.get("date_property"),
            actor_property=options.get("actor_property"),
            title_property=options.get("title_property"),
            lat_property=options.get("lat_property"),
            lon_property=options.get("lon_property"),
            layer=options.get("layer"),
            ask_mapping=ask,
        )


@dataclass(frozen=True)
class Reader:
    """One format: how the open dialog names it, how a file of it is recognised, and
    how it is read (``path -> LoadResult``, never raising for bad content)."""

    name: str  # e.g. "acled"
    label: str  # what the open dialog calls it
    suffixes: tuple[str, ...]  # lower case, with the dot; the first ones decide
    sniff: Callable[[bytes], bool]  # whether a file's first bytes are this format
    read: Callable[[Path, ReadContext], LoadResult]
    # JSON formats: whether a parsed document is this format, and reading it
    accepts: Callable[[Any], bool] | None = None
    from_doc: Callable[[Any, Path, list[Problem], ReadContext], LoadResult] | None = None

    @property
    def patterns(self) -> tuple[str, ...]:
        return tuple(f"*{s}" for s in self.suffixes)


# ---------------------------------------------------------------- sniffing


def _text(head: bytes) -> bytes:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")


def _is_json(head: bytes) -> bool:
    return _text(head)[:1] in (b"{", b"[")


def _is_curated(head: bytes) -> bool:
    return not _is_json(head) and b"format: araz-dataset" in _text(head)


def _is_acled(head: bytes) -> bool:
    return not _is_json(head) and acled_header(_text(head).split(b"\n", 1)[0])


def _is_csv(head: bytes) -> bool:
    """Text whose first line has a delimiter (not JSON, not YAML, not binary)."""
    text = _text(head)
    if _is_json(head) or b"\x00" in head[:4096] or _is_curated(head) or _is_kml(head):
        return False
    first = text.split(b"\n", 1)[0]
    return any(d in first for d in (b",", b"\t", b";"))


def _is_workbook(head: bytes) -> bool:
    """An Office Open XML workbook (.xlsx, .xlsm), an OpenDocument spreadsheet, or an
    Office 97 compound file (.xls, and an encrypted .xlsx)."""
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return True
    if not _is_zip(head):
        return False
    return b"xl/" in head or b"application/vnd.oasis.opendocument.spreadsheet" in head[:256]


def _is_sqlite(head: bytes) -> bool:
    return head.startswith(b"SQLite format 3\x00")


def _is_fgb(head: bytes) -> bool:
    return head[:3] == b"fgb"


def _is_zip(head: bytes) -> bool:
    return head[:4] == b"PK\x03\x04"


def _is_kml(head: bytes) -> bool:
    return b"<kml" in _text(head)[:1024]


def _is_parquet(head: bytes) -> bool:
    return head[:4] == b"PAR1"


def _is_shp(head: bytes) -> bool:
    return head[:4] == b"\x00\x00\x27\x0a"


# ---------------------------------------------------------------- reading


def _read_curated(path: Path, context: ReadContext) -> LoadResult:
    if context.compute_countries:
        from . import bundled_cache

        if bundled_cache.is_bundled(path):  # checked once, then from the cache
            return bundled_cache.read(path)
    from .curated import read_curated

    return read_curated(path, compute_countries=context.compute_countries)


def _read_acled(path: Path, context: ReadContext) -> LoadResult:
    from .acled import read_acled

    return read_acled(path, progress=context.progress, cancel=context.cancel)


def _read_csv(path: Path, context: ReadContext) -> LoadResult:
    from .table_csv import read_csv

    return read_csv(path, context)


def _read_spreadsheet(path: Path, context: ReadContext) -> LoadResult:
    from .spreadsheet import read_spreadsheet

    return read_spreadsheet(path, context)


def _read_gis(path: Path, context: ReadContext) -> LoadResult:
    from .gis import read_gis

    return read_gis(path, context)


def read_json(path: Path, context: ReadContext) -> LoadResult:
    """A JSON file: parsed once, read by the JSON reader whose ``accepts`` takes it."""
    from ._common import load_json

    problems: list[Problem] = []
    doc = load_json(path, problems)
    if doc is None:
        return LoadResult(None, problems)
    reader = json_reader(doc)
    if reader is None or reader.from_doc is None:
        problems.append(
            Problem(
                str(path),
                1,
                "not a format Araz reads: JSON, but neither a GeoJSON FeatureCollection "
                "nor a TimelineJS story ('events' with 'start_date' and 'text') nor a "
                "StoryMapJS one ('storymap' with 'slides')",
            )
        )
        return LoadResult(None, problems)
    return reader.from_doc(doc, path, problems, context)


def _is_geojson(doc: Any) -> bool:
    return isinstance(doc, dict) and doc.get("type") in ("FeatureCollection", "Feature")


def _geojson(doc: Any, path: Path, problems: list[Problem], context: ReadContext) -> LoadResult:
    from .geojson import geojson_from_doc, guess_from_doc

    if context.ask_mapping:
        guess = guess_from_doc(doc, str(path))
        if guess["features"] and not guess["problems"] and not guess["date"]:
            return LoadResult(None, problems, mapping=guess)
    return geojson_from_doc(
        doc,
        path,
        problems,
        progress=context.progress,
        cancel=context.cancel,
        date_property=context.date_property,
        actor_property=context.actor_property,
    )


# what a TimelineJS slide has (at least one of, in at least one slide)
_SLIDE_KEYS = frozenset({"start_date", "end_date", "display_date", "text", "media", "unique_id"})


def _is_slide(value: Any) -> bool:
    return isinstance(value, dict) and not _SLIDE_KEYS.isdisjoint(value)


def _is_timelinejs(doc: Any) -> bool:
    if not isinstance(doc, dict) or _is_storymapjs(doc):
        return False
    events = doc.get("events")
    return isinstance(events, list) and (not events or any(map(_is_slide, events)))


def _timelinejs(doc: Any, path: Path, problems: list[Problem], context: ReadContext) -> LoadResult:
    from .timelinejs import timelinejs_from_doc

    return timelinejs_from_doc(
        doc, path, problems, progress=context.progress, cancel=context.cancel
    )


def _is_storymapjs(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("storymap"), dict)


def _storymapjs(doc: Any, path: Path, problems: list[Problem], context: ReadContext) -> LoadResult:
    from .timelinejs import storymapjs_from_doc

    return storymapjs_from_doc(
        doc, path, problems, progress=context.progress, cancel=context.cancel
    )


# ---------------------------------------------------------------- the registry

READERS: tuple[Reader, ...] = (
    Reader("curated", "Curated YAML", (".yaml", ".yml"), _is_curated, _read_curated),
    Reader("acled", "ACLED CSV", (".csv", ".tsv"), _is_acled, _read_acled),
    Reader("csv", "CSV (date, title, lat, lon…)", (".csv", ".tsv"), _is_csv, _read_csv),
    Reader(
        "geojson",
        "GeoJSON",
        (".geojson", ".json"),
        _is_json,
        read_json,
        _is_geojson,
        _geojson,
    ),
    Reader(
        "timelinejs", "TimelineJS", (".json",), _is_json, read_json, _is_timelinejs, _timelinejs
    ),
    Reader(
        "storymapjs", "StoryMapJS", (".json",), _is_json, read_json, _is_storymapjs, _storymapjs
    ),
)

READERS += (
    # before the zipped Shapefile: an .xlsx is a zip too
    Reader(
        "spreadsheet",
        "Spreadsheet (Excel, OpenDocument)",
        (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"),
        _is_workbook,
        _read_spreadsheet,
    ),
    Reader("geopackage", "GeoPackage", (".gpkg",), _is_sqlite, _read_gis),
    Reader("shapefile", "Shapefile (zipped or .shp)", (".zip", ".shp"), _is_zip, _read_gis),
    Reader("flatgeobuf", "FlatGeobuf", (".fgb",), _is_fgb, _read_gis),
    Reader("kml", "KML/KMZ", (".kml", ".kmz"), _is_kml, _read_gis),
    Reader("geoparquet", "GeoParquet", (".parquet", ".geoparquet"), _is_parquet, _read_gis),
)

# what the open dialog offers: (label, patterns) per format
FORMATS: tuple[tuple[str, tuple[str, ...]], ...] = tuple((r.label, r.patterns) for r in READERS)


def name_filters() -> list[str]:
    """The open dialog's filters, "Label (*.a *.b)": every format Araz reads, then each
    one, then all files."""
    every = " ".join(dict.fromkeys(p for _, patterns in FORMATS for p in patterns))
    each = [f"{label} ({' '.join(patterns)})" for label, patterns in FORMATS]
    return [f"Araz datasets ({every})", *each, "All files (*)"]


def reader_for(path: Path, head: bytes | None = None) -> Reader | None:
    """The reader for ``path``: by its suffix (and, when readers that read differently
    share the suffix, by its first bytes), else by its first bytes alone; None when no
    reader knows it.  ``head``: the file's first bytes, read here when needed."""
    suffix = path.suffix.lower()
    by_name = [r for r in READERS if suffix in r.suffixes]
    if by_name and len({r.read for r in by_name}) == 1:
        return by_name[0]
    if head is None:
        from ._files import InputError, read_head

        try:
            head = read_head(path, SNIFF_BYTES)
        except InputError:
            return by_name[0] if by_name else None
    for r in by_name or READERS:
        if r.sniff(head):
            return r
    return by_name[0] if by_name else None


def json_reader(doc: Any) -> Reader | None:
    """The JSON reader that takes a parsed document."""
    for r in READERS:
        if r.accepts is not None and r.accepts(doc):
            return r
    return None
