"""The physical line of each row the ACLED block reader read, for its problems.

The line of a row is 2 + its index + the line breaks inside quoted fields of the rows
before it (counted in the kept columns); when that does not add up to the file's own
count of lines (blank lines, breaks inside a column Araz does not keep, ``\\r`` alone),
the lines are counted again exactly with the ``csv`` module, streaming the file (only for
a file with problems to report)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from ._files import open_input


def row_lines(
    path: Path,
    cols: dict[str, tuple[np.ndarray, list[str]]],
    summary,
    ends: np.ndarray,
    ids: list[str],
    skip: int,
    file_lines: int | None,
    delimiter: str,
) -> np.ndarray:
    """The physical line of each row: ``cols`` the coded columns, ``summary`` and
    ``ends`` the notes (NUL after each), ``skip`` the rows skipped after the header (the
    hashtag row), ``file_lines`` the lines the file holds (None: counted here)."""
    n = len(ends)
    extra = np.zeros(n, np.int64)
    for codes, values in cols.values():
        per = np.array([v.count("\n") for v in values] or [0])
        if per.any():
            extra += per[codes]
    nl = np.frombuffer(summary, np.uint8) == 10
    if nl.any():
        extra += np.bincount(np.searchsorted(ends, np.flatnonzero(nl)), minlength=n)[:n]
    extra += np.fromiter((i.count("\n") for i in ids), np.int64, count=n)
    rows_before = 1 + skip  # the header, the hashtag row
    lines = rows_before + 1 + np.arange(n) + np.concatenate(([0], np.cumsum(extra)[:-1]))
    expected = rows_before + n + int(extra.sum())
    if file_lines is None:
        file_lines = count_lines(path)
    if file_lines == expected:
        return lines
    return _lines_by_csv(path, n, skip, delimiter)


def count_lines(path: Path, chunk: int = 1 << 22) -> int:
    """The lines of a file: its line feeds, and one more if the last byte is not one
    (read again only when a problem needs a line number: the parse does not count)."""
    lines, last = 0, b"\n"
    with open_input(path, "table") as f:
        while block := f.read(chunk):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (0 if last == b"\n" else 1)


def _lines_by_csv(path: Path, n: int, skip: int, delimiter: str) -> np.ndarray:
    """The physical line of each row, counted by the csv module over the file streamed
    (this reader has no size cap: the file is never held whole)."""
    out = []
    with open_input(path, "table") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        text.readline()  # the header: one line (else the row reader reads it)
        reader = csv.reader(text, delimiter=delimiter)
        last = 0
        for row in reader:
            line = 1 + last + 1
            last = reader.line_num
            if row:
                out.append(line)
    arr = np.array(out[skip:], np.int64)
    if len(arr) < n:
        arr = np.concatenate((arr, np.zeros(n - len(arr), np.int64)))
    return arr[:n]
