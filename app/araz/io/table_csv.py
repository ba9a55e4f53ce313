"""Any CSV or TSV that is not an ACLED export: one row is one event.

The columns are guessed by their names (:mod:`araz.io._columns`, the guesser GeoJSON
properties go through): the date (``date``, ``event_date``, ``start_date``, ``time``…, with
``end_date``/``end`` an interval), the title (``title``, ``name``, ``event``…), the actors
(``actor``, ``actors``, ``actor1``/``actor2``…, split on ``;``), the coordinates
(``lat``/``latitude``/``y`` and ``lon``/``lng``/``longitude``/``x``, or a WKT column
``geometry``/``wkt``), the summary, the category and an ``id``.  So ``date,title,lat,lon``
reads without a question.  The caller may name the columns (``date_property``,
``actor_property``, ``title_property``, ``lat_property``, ``lon_property``); with
``ask_mapping`` a file whose date column cannot be guessed is not read: the result's
``mapping`` holds the guess for the app's mapping dialog.  Every other column is kept
as the event's ``extra``.

Read whole with ``pyarrow.csv`` (every column as text: ``007`` stays ``007``), through the
checked opener with the 200 MB cap of a file read whole.  Problems name the row
("row 3" is the third row after the header).  A file with neither a date column nor
coordinates is refused: it is not events.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ._files import InputError, open_input, read_head
from ._records import Fields, Options, Where, column_values, geometries_from_wkt, records_to_events
from .problems import LoadResult, Problem

if TYPE_CHECKING:
    import pyarrow as pa


HEAD = 64 * 1024


def delimiter(path: Path, head: bytes) -> str:
    """Tab for .tsv; else the one of ``,;\\t|`` the header uses most (commas first)."""
    if path.suffix.lower() == ".tsv":
        return "\t"
    first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    counts = {d: first.count(d.encode()) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def read_table(path: Path, problems: list[Problem]) -> pa.Table | None:
    """The whole file as a table of text columns, or None with a problem."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    name = str(path)
    try:
        head = read_head(path, HEAD)
    except InputError as exc:
        problems.append(Problem(name, None, f"cannot read the file: {exc}"))
        return None
    if not head.strip(b"\xef\xbb\xbf \t\r\n"):
        problems.append(Problem(name, None, "the file is empty"))
        return None
    if b"\x00" in head:
        problems.append(Problem(name, None, "binary data (NUL byte), not a CSV file"))
        return None
    parse = pacsv.ParseOptions(delimiter=delimiter(path, head), newlines_in_values=True)
    try:
        try:
            return _read_all(path, parse, "utf8")
        except pa.ArrowInvalid as exc:
            if "utf8" not in str(exc).lower().replace("-", ""):
                raise
        table = _read_all(path, parse, "cp1252")
        problems.append(
            Problem(
                name,
                None,
                "not UTF-8; read as Windows-1252: check accented names",
                severity="warning",
            )
        )
        return table
    except InputError as exc:
        problems.append(Problem(name, None, f"cannot read the file: {exc}"))
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        why = str(exc).split("\n", 1)[0]
        problems.append(Problem(name, None, f"not a readable CSV file: {why}"))
    return None


def _read_all(path: Path, parse, encoding: str) -> pa.Table:
    """Every column as text; a header name that repeats gets " (2)", " (3)"…"""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with open_input(path, "dataset") as f:
        first = pacsv.open_csv(
            f, read_options=pacsv.ReadOptions(encoding=encoding), parse_options=parse
        )
        header = first.schema.names
    names: list[str] = []
    for n in header:
        unique, k = n, 1
        while unique in names:
            k += 1
            unique = f"{n} ({k})"
        names.append(unique)
    read = pacsv.ReadOptions(column_names=names, skip_rows=1, encoding=encoding)
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()),
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    with open_input(path, "dataset") as f:
        return pacsv.read_csv(f, read_options=read, parse_options=parse, convert_options=convert)


def mapping_of(table: pa.Table, fields: Fields) -> dict:
    """What the mapping dialog needs (the GeoJSON dialog's shape, plus coordinates)."""
    names = table.column_names
    return {
        "properties": names,
        "date": fields.date,
        "end": fields.end,
        "actor": fields.actors[0] if fields.actors else None,
        "title": fields.title,
        "lat": fields.lat,
        "lon": fields.lon,
        "features": table.num_rows,
        "problems": [],
        "kind": "table",
    }


def guess_csv(path: str | Path) -> dict:
    """The mapping dialog's guess for a CSV (as :func:`araz.io.geojson.guess_columns`)."""
    problems: list[Problem] = []
    table = read_table(Path(path), problems)
    if table is None:
        return {"properties": [], "features": 0, "problems": [str(p) for p in problems]}
    return mapping_of(table, Fields.of(table.column_names))


def read_csv(path: Path, context: Options) -> LoadResult:
    """Read a CSV/TSV of events with guessed (or chosen) columns."""
    path = Path(path)
    problems: list[Problem] = []
    table = read_table(path, problems)
    if table is None:
        return LoadResult(None, problems)
    return table_events(path, table, problems, context)


def table_events(
    path: Path,
    table: pa.Table,
    problems: list[Problem],
    context: Options,
    *,
    first: int = 1,
    numbers: list[int] | None = None,
    mapping: dict | None = None,
) -> LoadResult:
    """The events of a table of records (a CSV's, a sheet's) with guessed (or chosen)
    columns, or the guess to ask about (``mapping``: what the reader adds to it).
    ``first``/``numbers``: how problems number the rows (see ``records_to_events``)."""
    names = table.column_names
    fields = Fields.chosen(names, context)
    for chosen in (context.date_property, context.actor_property, context.title_property):
        if chosen and chosen not in names:
            problems.append(Problem(str(path), 1, f"no column {chosen!r} in the header"))
            return LoadResult(None, problems)
    if context.ask_mapping and fields.date is None and table.num_rows:
        guess = {**mapping_of(table, fields), **(mapping or {})}
        return LoadResult(None, problems, mapping=guess)
    if fields.date is None and not (fields.lat or fields.wkt):
        shown = ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
        problems.append(
            Problem(
                str(path),
                1,
                "not events: no date column and no coordinates (Araz looks for date, "
                "event_date, start_date, time… and lat/latitude with lon/longitude, or a "
                f"WKT geometry column; the first line has: {shown})",
            )
        )
        return LoadResult(None, problems)
    where = Where()
    if not (fields.lat or fields.wkt):
        problems.append(
            Problem(
                str(path),
                1,
                "no coordinate columns (lat/latitude with lon/longitude, or a WKT geometry): "
                "the events are on the timeline only",
                severity="warning",
            )
        )
    if fields.lat and fields.lon:
        where = Where(lat=column_values(table, fields.lat), lon=column_values(table, fields.lon))
    elif fields.wkt:
        where = Where(geoms=geometries_from_wkt(column_values(table, fields.wkt)))
    return records_to_events(
        table,
        path,
        problems,
        fields,
        where,
        record="row",
        first=first,
        numbers=numbers,
        progress=context.progress,
        cancel=context.cancel,
    )
