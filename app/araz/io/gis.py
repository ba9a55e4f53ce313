"""GIS files through GDAL (pyogrio, Arrow out) and GeoParquet (pyarrow): one feature is
one event.

* GeoPackage (``.gpkg``), FlatGeobuf (``.fgb``), Shapefile (``.shp`` with its ``.dbf``
  beside it, or a ``.zip`` holding one), KML and KMZ (``.kml``, ``.kmz``) through
  ``pyogrio.read_arrow``; GeoParquet (``.parquet``) through ``pyarrow.parquet`` (GDAL's
  wheel has no Parquet driver).  A Parquet file without GeoParquet metadata is a table
  whose coordinates come from latitude/longitude columns, as in a CSV.
* A file of several layers: the caller names one (``layer=``); else, with
  ``ask_mapping``, the result's ``mapping`` lists the layers for the app to ask; else the
  first point layer is read and a warning says which and what the others are
  (``araz validate``).
* Fields map to events with the guesser of GeoJSON properties and CSV columns
  (:mod:`araz.io._columns`); the fields Araz does not map are kept as the event's
  ``extra``.  KML's ``TimeStamp`` (GDAL's ``timestamp`` field) or ``TimeSpan``
  (``begin``/``end``) is the date (GDAL reads a TimeSpan's ``2021-01`` as 2021-01-01);
  KML's own display fields (``altitudeMode``, ``tessellate``, ``icon``…) are dropped.
* Coordinates are reprojected to longitude/latitude (EPSG:4326) from the layer's CRS;
  lines and polygons are drawn at their representative point (one warning says how many).
* Every file is read through the checked opener (:mod:`araz.io._files`; a Shapefile's
  sidecars are checked too).  KML is capped (:data:`KML_CAP`): GDAL's KML readers hold
  the whole document in memory (1.3 GB at 100,000 placemarks).
"""

from __future__ import annotations

import io
import json
import re
import warnings
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._files import KINDS, MB, InputError, check_input, open_input, read_input
from ._records import Fields, Options, Where, column_values, records_to_events
from .problems import LoadResult, Problem

if TYPE_CHECKING:
    import pyarrow as pa


GDAL_SUFFIXES = (".gpkg", ".fgb", ".shp", ".zip", ".kml", ".kmz")
PARQUET_SUFFIXES = (".parquet", ".geoparquet")
KML_CAP = 25 * MB  # of the KML text (a KMZ's, once unzipped)
KML_LIMIT = KINDS["kml"].limit
# LIBKML's fields that say how Google Earth draws a placemark, not what happened
KML_DISPLAY = frozenset(
    {"altitudeMode", "tessellate", "extrude", "visibility", "drawOrder", "icon", "snippet"}
)
SHAPEFILE_SIDECARS = (".dbf", ".shx", ".prj", ".cpg")


def _refuse(path: Path, message: str, problems: list[Problem] | None = None) -> LoadResult:
    problems = [] if problems is None else problems
    problems.append(Problem(str(path), None, message))
    return LoadResult(None, problems)


# ---------------------------------------------------------------- the bytes GDAL reads


def _source(path: Path) -> bytes | str:
    """What pyogrio is given: the file's bytes, read through the checked opener (or, for
    a Shapefile, its checked path: GDAL opens the sidecars itself).  InputError: why not."""
    suffix = path.suffix.lower()
    if suffix == ".shp":
        check_input(path, "gis")
        for side in SHAPEFILE_SIDECARS:
            for sibling in (path.with_suffix(side), path.with_suffix(side.upper())):
                if sibling.exists():
                    check_input(sibling, "gis")
        if not (path.with_suffix(".dbf").exists() or path.with_suffix(".DBF").exists()):
            raise InputError("a Shapefile needs its .dbf beside it (the fields: dates, names)")
        return str(path)
    if suffix in (".kml", ".kmz"):
        raw = read_input(path, "kml")
        if suffix == ".kmz":
            _check_zip(raw, KML_CAP, KML_LIMIT, ".kml")
        return raw
    raw = read_input(path, "gis")
    if suffix == ".zip":
        _check_zip(raw, 4096 * MB, "Araz reads zipped Shapefiles of at most 4 GB unzipped", ".shp")
    return raw


def _check_zip(raw: bytes, cap: int, limit: str, needs: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise InputError(f"not a readable zip file ({exc})") from None
    total = sum(i.file_size for i in infos)
    if total > cap:
        raise InputError(f"it unzips to {total / MB:.0f} MB; {limit}")
    if not any(i.filename.lower().endswith(needs) for i in infos):
        what = "Shapefile (.shp)" if needs == ".shp" else "KML document (.kml)"
        names = ", ".join(i.filename for i in infos[:5]) or "nothing"
        raise InputError(f"the zip file holds no {what}: it holds {names}")


# ---------------------------------------------------------------- layers


def _layers(source: bytes | str) -> list[tuple[str, str | None]]:
    import pyogrio

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [(str(n), None if t is None else str(t)) for n, t in pyogrio.list_layers(source)]


def _pick_layer(layers: list[tuple[str, str | None]]) -> str:
    """The first point layer, else the first with a geometry, else the first."""
    for name, gtype in layers:
        if gtype and "point" in gtype.lower():
            return name
    for name, gtype in layers:
        if gtype:
            return name
    return layers[0][0]


def _layer_names(source: bytes | str, layers: list[tuple[str, str | None]]) -> dict[str, list]:
    import pyogrio

    out: dict[str, list] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, (name, _) in enumerate(layers):
            try:
                info = pyogrio.read_info(source, layer=i)
                out[name] = [str(f) for f in info["fields"]]
            except Exception:  # a layer GDAL cannot describe: no fields offered
                out[name] = []
    return out


# ---------------------------------------------------------------- reading


def read_gis(path: Path, context: Options) -> LoadResult:
    """Read a GeoPackage, Shapefile, FlatGeobuf, KML/KMZ or GeoParquet file."""
    path = Path(path)
    if path.suffix.lower() in PARQUET_SUFFIXES:
        return read_parquet(path, context)
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    problems: list[Problem] = []
    try:
        source = _source(path)
    except InputError as exc:
        return _refuse(path, f"cannot read the file: {exc}")
    try:
        layers = _layers(source)
    except (DataSourceError, DataLayerError, RuntimeError) as exc:
        why = _first_line(exc)
        if "not recognized as being in a supported file format" in why:
            why = f"not a {path.suffix or 'GIS'} file: a raster, or another format renamed?"
        return _refuse(path, f"not a vector file GDAL reads ({why})")
    if not layers:
        return _refuse(
            path, "no vector layer: the file holds no features (a raster, or an empty file)"
        )
    names = [n for n, _ in layers]
    if context.layer is not None and context.layer not in names:
        return _refuse(path, f"no layer {context.layer!r} (the layers: {', '.join(names)})")
    several = len(layers) > 1 and context.layer is None
    if several and context.ask_mapping:
        fields_by_layer = _layer_names(source, layers)
        first = _pick_layer(layers)
        return LoadResult(None, problems, mapping=_mapping(first, fields_by_layer, layers))
    layer = context.layer or _pick_layer(layers)
    if several:
        others = ", ".join(f"{n} ({t or 'no geometry'})" for n, t in layers if n != layer)
        gtype = dict(layers)[layer] or ""
        which = "point layer" if "point" in gtype.lower() else "layer with a geometry"
        which = which if gtype else "layer"
        problems.append(
            Problem(
                str(path),
                None,
                f"{len(layers)} layers: read {layer!r}, the first {which}; the others: "
                f"{others} (open one with layer=NAME)",
                severity="warning",
            )
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # by index: a KML layer without a name is named after the file, which for
            # bytes is a new temporary name at every open
            meta, table = pyogrio.read_arrow(source, layer=names.index(layer))
    except (DataSourceError, DataLayerError, RuntimeError) as exc:
        return _refuse(path, f"layer {layer!r} not read ({_first_line(exc)})", problems)
    geom_col = _geometry_column(table, meta.get("geometry_name") or "")
    kml = path.suffix.lower() in (".kml", ".kmz")
    return _to_events(path, table, geom_col, meta.get("crs"), context, problems, layer, kml)


def _first_line(exc: BaseException) -> str:
    text = re.sub(r"'?/vsi\w+/[^\s']*'?", "the file", str(exc).split("\n", 1)[0])
    return text.strip() or type(exc).__name__


def _geometry_column(table: pa.Table, named: str) -> str | None:
    for f in table.schema:
        meta = f.metadata or {}
        if meta.get(b"ARROW:extension:name") == b"geoarrow.wkb":
            return f.name
    for n in (named, "wkb_geometry", "geometry", "geom"):
        if n and n in table.column_names:
            return n
    return None


def _mapping(layer: str, fields_by_layer: dict[str, list], layers, fields=None) -> dict:
    names = fields_by_layer.get(layer, [])
    f = fields or Fields.of(names, coordinates=False)
    return {
        **f.guess(names),
        "kind": "layer",
        "layer": layer,
        "layers": [n for n, _ in layers],
        "layer_properties": fields_by_layer,
    }


def _kml_dates(table: pa.Table) -> pa.Table:
    """One date column from a placemark's TimeStamp or, failing that, its TimeSpan's
    begin (LIBKML gives both fields to every placemark)."""
    import pyarrow.compute as pc

    names = table.column_names
    if "timestamp" in names and "begin" in names:
        when = pc.coalesce(table.column("timestamp"), table.column("begin"))
        table = table.set_column(names.index("timestamp"), "timestamp", when)
        table = table.drop_columns(["begin"])
    return table


def _to_events(
    path: Path,
    table: pa.Table,
    geom_col: str | None,
    crs: Any,
    context: Options,
    problems: list[Problem],
    layer: str,
    kml: bool = False,
) -> LoadResult:
    import numpy as np
    import shapely

    drop: frozenset[str] = frozenset()
    if kml:
        table = _kml_dates(table)
        drop = KML_DISPLAY
        if "id" in table.column_names and table.column("id").null_count == table.num_rows:
            drop = drop | {"id"}
    geoms = None
    if geom_col is not None:
        wkb = np.array(table.column(geom_col).to_pylist(), object)
        table = table.drop_columns([geom_col])
        geoms = _from_wkb(wkb, path, problems)
        if crs is not None and not _is_lonlat(crs):
            geoms = _to_lonlat(geoms, crs)
    names = [n for n in table.column_names if n not in drop]
    fields = Fields.chosen(names, context, coordinates=geoms is None)
    for chosen in (context.date_property, context.actor_property, context.title_property):
        if chosen and chosen not in names:
            return _refuse(path, f"no field {chosen!r} in layer {layer!r}", problems)
    has_geometry = geoms is not None and bool((~shapely.is_missing(geoms)).any())
    if fields.date is None and context.ask_mapping and table.num_rows:
        mapping = _mapping(layer, {layer: names}, [(layer, None)], fields)
        mapping["features"] = table.num_rows
        return LoadResult(None, problems, mapping=mapping)
    if fields.date is None and not has_geometry and not (fields.lat and fields.lon):
        shown = ", ".join(names[:8]) + (", …" if len(names) > 8 else "") or "none"
        return _refuse(
            path,
            f"layer {layer!r} has no usable column: no date field, no geometry and no "
            f"coordinates (its fields: {shown})",
            problems,
        )
    where = Where(geoms=geoms) if geoms is not None else Where()
    if geoms is None and fields.lat and fields.lon:
        where = Where(lat=column_values(table, fields.lat), lon=column_values(table, fields.lon))
    return records_to_events(
        table,
        path,
        problems,
        fields,
        where,
        record="feature",
        drop=drop,
        progress=context.progress,
        cancel=context.cancel,
    )


def _from_wkb(wkb: Any, path: Path, problems: list[Problem]) -> Any:
    """Shapely geometries; a curved one (CircularString, CurvePolygon…), which shapely
    does not read, is None, and a warning says how many."""
    import numpy as np
    import shapely

    try:
        return shapely.from_wkb(wkb, on_invalid="ignore")
    except NotImplementedError:
        pass
    out = np.empty(len(wkb), object)
    curved = 0
    for i, one in enumerate(wkb):
        try:
            out[i] = shapely.from_wkb(one, on_invalid="ignore")
        except NotImplementedError:
            curved += 1
    problems.append(
        Problem(
            str(path),
            None,
            f"{curved:,} features have curved geometries (arcs), which Araz cannot draw: "
            "kept without a place (GDAL's ogr2ogr -nlt CONVERT_TO_LINEAR turns them into "
            "lines)",
            severity="warning",
        )
    )
    return out


def _is_lonlat(crs: Any) -> bool:
    if isinstance(crs, str) and crs.upper() in ("EPSG:4326", "OGC:CRS84", "CRS84"):
        return True
    from pyproj import CRS

    try:
        c = CRS.from_user_input(crs)
    except Exception:
        return True  # a CRS pyproj cannot read: taken as longitude/latitude
    return c.equals(CRS.from_epsg(4326), ignore_axis_order=True)


def _to_lonlat(geoms: Any, crs: Any) -> Any:
    import shapely
    from pyproj import CRS, Transformer

    src = CRS.from_user_input(crs)
    t = Transformer.from_crs(src, CRS.from_epsg(4326), always_xy=True)
    return shapely.transform(geoms, lambda x, y: t.transform(x, y), interleaved=False)


# ---------------------------------------------------------------- GeoParquet


def read_parquet(path: Path, context: Options) -> LoadResult:
    """GeoParquet (WKB or point geometry, any CRS), or a Parquet table with
    latitude/longitude columns."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq
    import shapely

    problems: list[Problem] = []
    try:
        with open_input(path, "gis") as f:
            table = pq.read_table(f)
    except InputError as exc:
        return _refuse(path, f"cannot read the file: {exc}")
    except (pa.ArrowInvalid, OSError) as exc:
        return _refuse(path, f"not a readable Parquet file ({_first_line(exc)})")
    meta = table.schema.metadata or {}
    geo: dict = {}
    if b"geo" in meta:
        try:
            geo = json.loads(meta[b"geo"])
        except ValueError:
            problems.append(Problem(str(path), None, "unreadable GeoParquet metadata: ignored"))
    primary = geo.get("primary_column") if isinstance(geo, dict) else None
    columns = geo.get("columns") if isinstance(geo, dict) else None
    if not (isinstance(primary, str) and isinstance(columns, dict) and primary in columns):
        return _to_events(path, table, None, None, context, problems, path.stem)
    col_meta = columns[primary] if isinstance(columns[primary], dict) else {}
    encoding = str(col_meta.get("encoding", "WKB")).lower()
    crs = col_meta.get("crs", "OGC:CRS84")
    other = [c for c in columns if c != primary and c in table.column_names]
    table = table.drop_columns(other)  # secondary geometries: not kept
    if encoding == "wkb":
        return _to_events(path, table, primary, crs, context, problems, path.stem)
    if encoding == "point":
        col = table.column(primary).combine_chunks()
        x = col.field("x").to_numpy(zero_copy_only=False)
        y = col.field("y").to_numpy(zero_copy_only=False)
        geoms = shapely.points(x, y)
        geoms[np.asarray(col.is_null())] = None
        wkb = pa.array(shapely.to_wkb(geoms).tolist(), pa.binary())
        table = table.set_column(table.column_names.index(primary), primary, wkb)
        return _to_events(path, table, primary, crs, context, problems, path.stem)
    return _refuse(
        path,
        f"GeoParquet geometry encoded as {encoding!r}: Araz reads the WKB and point encodings",
        problems,
    )
