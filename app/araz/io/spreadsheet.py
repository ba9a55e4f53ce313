"""Spreadsheets (``.xlsx``, ``.xlsm``, ``.xlsb``, ``.xls``, ``.ods``) through fastexcel
(calamine, Arrow out): one row is one event.

* The workbook is read through the checked opener (at most 200 MB: calamine holds it in
  memory) and handed to fastexcel as bytes; fastexcel is imported here only.
* A workbook of several sheets is read as a file of several GIS layers is
  (:mod:`araz.io.gis`): ``layer=`` names the sheet; else, with ``ask_mapping``, the
  result's ``mapping`` lists the sheets (and each sheet's columns) for the app to ask;
  else the first sheet is read and a warning names the others (``araz validate``).
* The first row is the header.  A sheet whose header is ACLED's (the rule of an ACLED
  CSV's first line, :func:`araz.io._acled_header.acled_header`) goes through the ACLED
  rules, as the CSV export would (:mod:`araz.io._acled_sheet`); any other sheet through
  the column guesser of CSV files (:func:`araz.io.table_csv.table_events`), so that
  ``date,title,lat,lon`` needs no question.
* Cells keep their type: date and date-time cells are dates, numbers stay numbers
  (latitude, longitude), text is text.  Rows with no value at all are left out; a
  problem names a row by its number in the sheet, counting the header as row 1.
* Refused with a reason: a password-protected (encrypted) workbook, a file calamine
  cannot read (corrupt, or another format renamed), an empty sheet, a sheet with a
  header and no rows, a sheet with no usable column.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._acled_header import acled_header
from ._files import InputError, read_input
from ._records import Options
from .problems import LoadResult, Problem

if TYPE_CHECKING:
    from collections.abc import Iterator

    import numpy as np
    import pyarrow as pa

CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an Office 97 compound file (.xls; encrypted)
ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream of an encrypted workbook
ENCRYPTED_MESSAGE = (
    "a password-protected (encrypted) workbook: Araz cannot read it; open it in its "
    "program and save a copy without a password"
)


def _refuse(path: Path, message: str, problems: list[Problem] | None = None) -> LoadResult:
    problems = [] if problems is None else problems
    problems.append(Problem(str(path), None, message))
    return LoadResult(None, problems)


@contextmanager
def _quiet() -> Iterator[None]:
    """fastexcel logs a warning for every column whose type it cannot guess (an empty
    one); Python would print it on the console: the sheet's problems say what matters."""
    logger = logging.getLogger("fastexcel")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _workbook(path: Path, raw: bytes) -> Any:
    """The fastexcel reader of the workbook; ValueError: why it cannot be read."""
    import fastexcel

    if raw.startswith(CFB) and ENCRYPTED in raw:
        raise ValueError(ENCRYPTED_MESSAGE)
    try:
        return fastexcel.read_excel(raw)
    except fastexcel.FastExcelError as exc:
        why = str(exc).split("\n", 1)[0].removeprefix("calamine error: ").strip()
        if "password" in why.lower() or "encrypt" in why.lower():
            raise ValueError(ENCRYPTED_MESSAGE) from None
        raise ValueError(
            f"not a workbook Araz can read ({why or type(exc).__name__}): a damaged file, "
            f"or another format saved as {path.suffix or 'a spreadsheet'}?"
        ) from None


def _columns(reader: Any, sheet: str) -> list[str]:
    with _quiet():
        try:
            return [c.name for c in reader.load_sheet(sheet, n_rows=0).available_columns()]
        except Exception:  # a sheet fastexcel cannot describe: no columns offered
            return []


def read_spreadsheet(path: Path, context: Options) -> LoadResult:
    """Read one sheet of a workbook: the one ``context.layer`` names, else the first."""
    path = Path(path)
    problems: list[Problem] = []
    try:
        raw = read_input(path, "spreadsheet")
    except InputError as exc:
        return _refuse(path, f"cannot read the file: {exc}")
    if not raw:
        return _refuse(path, "the file is empty")
    try:
        reader = _workbook(path, raw)
    except ValueError as exc:
        return _refuse(path, str(exc))
    del raw
    sheets = [str(s) for s in reader.sheet_names]
    if not sheets:
        return _refuse(path, "the workbook has no sheet")
    if context.layer is not None and context.layer not in sheets:
        return _refuse(path, f"no sheet {context.layer!r} (the sheets: {', '.join(sheets)})")
    several = len(sheets) > 1 and context.layer is None
    sheet = context.layer or sheets[0]
    if several and context.ask_mapping:
        return LoadResult(None, problems, mapping=_mapping(reader, sheets, sheet))
    if several:
        others = ", ".join(repr(s) for s in sheets[1:])
        problems.append(
            Problem(
                str(path),
                None,
                f"{len(sheets)} sheets: read {sheet!r}, the first; the others: {others} "
                "(open one with layer=NAME)",
                severity="warning",
            )
        )
    import fastexcel
    import pyarrow as pa

    try:
        with _quiet():
            # every row decides a column's type (not the first thousand): a column of
            # numbers with a word further down is text, not numbers with a hole
            batch = reader.load_sheet(sheet, schema_sample_rows=None).to_arrow()
    except (fastexcel.FastExcelError, pa.ArrowException) as exc:
        why = str(exc).split("\n", 1)[0]
        return _refuse(path, f"sheet {sheet!r} not read ({why})", problems)
    table = pa.Table.from_batches([batch])
    if not table.num_columns:
        return _refuse(path, f"sheet {sheet!r} is empty", problems)
    table, rows = _without_blank_rows(table)
    if not table.num_rows:
        shown = _shown(table.column_names)
        return _refuse(path, f"sheet {sheet!r} has a header ({shown}) but no rows", problems)
    if acled_header(",".join(table.column_names).encode("utf-8", "replace")):
        from ._acled_sheet import read_acled_table

        return read_acled_table(path, table, rows, problems, context.progress, context.cancel)
    return _events(path, table, rows, problems, context, sheet)


def _events(
    path: Path,
    table: pa.Table,
    rows: np.ndarray,
    problems: list[Problem],
    context: Options,
    sheet: str,
) -> LoadResult:
    from ._records import Fields
    from .table_csv import table_events

    names = table.column_names
    fields = Fields.chosen(names, context)
    if fields.date is None and not (fields.lat or fields.wkt) and not context.ask_mapping:
        return _refuse(
            path,
            f"sheet {sheet!r} has no usable column: no date column and no coordinates "
            "(Araz looks for date, event_date, start_date, time… and lat/latitude with "
            f"lon/longitude, or a WKT geometry column; its header has: {_shown(names)})",
            problems,
        )
    return table_events(
        path, table, problems, context, numbers=rows.tolist(), mapping={"layer": sheet}
    )


def _mapping(reader: Any, sheets: list[str], sheet: str) -> dict:
    """What the mapping dialog asks for a workbook of several sheets: the sheet (as a
    file's layer), then its columns (a table's: the title and coordinates too)."""
    from ._records import Fields

    columns = {s: _columns(reader, s) for s in sheets}
    names = columns[sheet]
    f = Fields.of(names)
    return {
        **f.guess(names),
        "lat": f.lat,
        "lon": f.lon,
        "kind": "table",
        "layer": sheet,
        "layers": sheets,
        "layer_properties": columns,
    }


def _without_blank_rows(table: pa.Table) -> tuple[pa.Table, np.ndarray]:
    """The rows with at least one value, and the number of each in the sheet (the
    header is row 1)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    filled = np.zeros(table.num_rows, bool)
    for column in table.columns:
        if pa.types.is_string(column.type):
            valid = pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(column), ""), False)
        else:
            valid = pc.is_valid(column)
        filled |= np.asarray(valid.to_numpy(zero_copy_only=False), bool)
    keep = np.flatnonzero(filled)
    rows = keep + 2
    if len(keep) == table.num_rows:
        return table, rows
    return table.take(keep), rows


def _shown(names: list[str]) -> str:
    return ", ".join(names[:8]) + (", …" if len(names) > 8 else "") or "nothing"
