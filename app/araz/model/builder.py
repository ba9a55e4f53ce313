"""The columns of an :class:`~araz.model.table.EventTable` built one event at a time (the
GeoJSON and table readers): they grow as lists and dicts, one code per row;
``columns()`` gives the table's constructor its arguments
(:class:`~araz.model.table.EventTableBuilder` makes the table)."""

from __future__ import annotations

import builtins
from array import array
from collections.abc import Sequence
from typing import Any

import numpy as np

from .columns import Coded, TextColumn
from .entities import EventDate, PlaceRef, Quote


def _code(by: dict, values: list, key: Any, value: Any) -> int:
    """The code of ``value`` (found under ``key``), adding it if it is new."""
    code = by.get(key)
    if code is None:
        code = by[key] = len(values)
        values.append(value)
    return code


class ColumnsBuilder:
    """The columns of an event table, one event at a time.

    ``extra`` values must be hashable (text, numbers, booleans, None): each key becomes
    a coded column.
    """

    def __init__(self) -> None:
        self.ids: list[str] = []
        # summaries go straight into one UTF-8 buffer: no str per row kept until the
        # end (they would scatter the heap between the rows' freed cells)
        self._summary = bytearray()
        self._summary_ends = array("q")
        # per coded column: {key: code}, the distinct values, the codes per row
        self._cols: dict[str, tuple[dict, list, list[int]]] = {
            k: ({}, [], []) for k in ("title", "date", "actors", "places", "category", "certainty")
        }
        self._quotes: dict[int, tuple[Quote, ...]] = {}
        # per extra key: {value: code}, the distinct values, the rows that have it, codes
        self._extra: dict[str, tuple[dict, list, list[int], list[int]]] = {}
        # extra keys declared up front, given per row as a tuple: {value: code}, values,
        # a code per row
        self._fixed_keys: tuple[str, ...] = ()
        self._fixed: list[tuple[dict, list, list[int]]] = []

    def set_extra_keys(self, keys: Sequence[str]) -> None:
        """Declare extra keys that every row gives, in this order, as ``append(...,
        extra_values=(...))`` (a value of ``None`` or ``""`` is absent): faster than a
        dict per row when a reader knows its columns (ACLED).  Before any row."""
        if self.ids:
            raise RuntimeError("extra keys are declared before the first row")
        self._fixed_keys = tuple(keys)
        self._fixed = [({}, [], []) for _ in self._fixed_keys]

    def __len__(self) -> int:
        return len(self.ids)

    def append(
        self,
        id: str,
        title: str,
        date: EventDate | None,
        summary: str = "",
        actors: tuple[str, ...] = (),
        places: tuple[PlaceRef, ...] = (),
        category: str = "",
        certainty: str = "reported",
        quotes: tuple[Quote, ...] = (),
        extra: dict | None = None,
        extra_values: Sequence | None = None,
    ) -> None:
        row = len(self.ids)
        self.ids.append(id)
        self._summary += summary.encode("utf-8", "surrogatepass")
        self._summary_ends.append(len(self._summary))
        self._summary += b"\x00"  # TextColumn's separator
        cols = self._cols
        by, values, codes = cols["title"]
        codes.append(_code(by, values, title, title))
        by, values, codes = cols["date"]  # readers share one object per date: by identity
        codes.append(_code(by, values, builtins.id(date), date))
        by, values, codes = cols["actors"]
        codes.append(_code(by, values, actors, actors))
        by, values, codes = cols["places"]  # and one tuple per place
        codes.append(_code(by, values, builtins.id(places), places))
        by, values, codes = cols["category"]
        codes.append(_code(by, values, category, category))
        by, values, codes = cols["certainty"]
        codes.append(_code(by, values, certainty, certainty))
        if quotes:
            self._quotes[row] = quotes
        if extra:
            columns = self._extra
            for key, value in extra.items():
                col = columns.get(key)
                if col is None:
                    col = columns[key] = ({}, [], [], [])
                # keyed with the type: True, 1 and 1.0 are equal but not the same value
                by, k = col[0], (value.__class__, value)
                code = by.get(k)
                if code is None:
                    code = by[k] = len(col[1])
                    col[1].append(value)
                col[2].append(row)
                col[3].append(code)
        if self._fixed:
            if extra_values is None:
                extra_values = (None,) * len(self._fixed)
            for (by, values, codes), value in zip(self._fixed, extra_values, strict=True):
                if value is None or value == "":
                    codes.append(-1)
                else:
                    code = by.get(value)
                    if code is None:
                        code = by[value] = len(values)
                        values.append(value)
                    codes.append(code)
        elif extra_values:
            raise ValueError("extra_values without set_extra_keys")

    def columns(self) -> tuple:
        """The arguments of :class:`~araz.model.table.EventTable` for these events."""
        n = len(self.ids)
        extra = {}
        for key, (_, values, codes) in zip(self._fixed_keys, self._fixed, strict=True):
            if values:
                extra[key] = Coded(np.array(codes, np.int32), values)
        for key, (_, values, rows, codes) in self._extra.items():
            if key in extra:
                raise ValueError(f"extra key {key!r} given both ways")
            per_row = np.full(n, -1, np.int32)
            per_row[rows] = codes
            extra[key] = Coded(per_row, values)
        cols = {k: Coded(np.array(c, np.int32), v) for k, (_, v, c) in self._cols.items()}
        return (
            self.ids,
            cols["title"],
            cols["date"],
            TextColumn.from_buffer(self._summary, np.frombuffer(self._summary_ends, np.int64)),
            cols["actors"],
            cols["places"],
            cols["category"],
            cols["certainty"],
            self._quotes,
            extra,
        )
