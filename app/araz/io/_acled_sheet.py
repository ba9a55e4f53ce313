"""An ACLED export as a spreadsheet (ACLED's ``.xlsx``): the sheet's Arrow table through
the block reader's build (:mod:`araz.io._acled_build`), so that the rows give the events
the same rows give as CSV.

The build takes text, as the CSV parse gives it: every column Araz keeps is turned into
text first (a date or date-time cell → ``2023-01-27``, a number → ``35.6892`` or ``3``
for a whole one, as it reads in the CSV export; an empty cell → ``""``), then gathered
in batches as the CSV blocks are (:class:`araz.io._acled_arrow.Gathered`).  Problems
give the row's number in the sheet (the header is row 1) where the CSV gives the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ._acled_arrow import PLAIN, TEXT_CODED, Gathered
from ._acled_build import build
from ._acled_rules import header_columns
from ._acled_tables import AcledTables
from ._common import CancelFn, ProgressFn, Ticker, cancelled
from .problems import LoadResult, Problem, Reporter

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

BATCH_ROWS = 64 * 1024  # rows per batch gathered (progress and Cancel between batches)


def text_column(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A sheet's column as the text the CSV export has in its place."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = column.type
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        if pa.types.is_timestamp(t) and t.tz is not None:
            column = column.cast(pa.timestamp(t.unit), safe=False)
        column = column.cast(pa.date32(), safe=False)
    if not pa.types.is_string(column.type):
        try:
            column = column.cast(pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # a duration
            column = pa.chunked_array(
                [pa.array([None if v is None else str(v) for v in column.to_pylist()], pa.string())]
            )
    return pc.fill_null(column, "")


def read_acled_table(
    path: Path,
    table: pa.Table,
    rows: np.ndarray,
    problems: list[Problem],
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> LoadResult:
    """The events of a sheet whose header is ACLED's; ``rows``: each row's number in the
    sheet; ``problems``: what the caller found already (kept first)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    name = str(path)
    header = table.column_names
    col = header_columns(header)
    needed = (("event_date", "date"), ("latitude", "lat"), ("longitude", "lon"))
    missing = [n for n, k in needed if k not in col]
    if missing:
        shown = ", ".join(header[:8]) + (", …" if len(header) > 8 else "")
        problems.append(
            Problem(
                name,
                1,
                f"not an ACLED sheet: no {', '.join(missing)} column (the header has: {shown})",
            )
        )
        return LoadResult(None, problems)
    n = table.num_rows
    tick = Ticker(progress, cancel, n * 10 // 7 + 1)  # the build is the last 30 %
    texts = pa.table({f"c{i}": text_column(table.column(i)) for i in sorted(col.values())})
    plain = {col[k] for k in (*PLAIN, *TEXT_CODED) if k in col}
    gathered = Gathered(col)
    pool = pa.default_memory_pool()
    for start in range(0, n, BATCH_ROWS):
        if tick.at(start):
            return cancelled(name)
        part = texts.slice(start, BATCH_ROWS).combine_chunks()
        arrays = [
            part.column(f"c{i}").chunk(0)
            if i in plain
            else pc.dictionary_encode(part.column(f"c{i}").chunk(0))
            for i in sorted(col.values())
        ]
        batch = pa.RecordBatch.from_arrays(arrays, names=[f"c{i}" for i in sorted(col.values())])
        gathered.add(batch, pool)
    block = gathered.block(path, n + 1, ",", rows)
    del gathered, texts
    result = build(block, AcledTables(), Reporter(path, problems), tick)
    tick.done()
    return result
