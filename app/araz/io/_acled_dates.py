"""The ACLED block reader's dates: the rule of :func:`araz.io._acled_rules.acled_date_of`
applied to the distinct (date, time_precision) texts of a file, made in bulk (a file
has thousands: one at a time they were a fifth of a 100,000-row read), with the text
the table stores for each (:func:`araz.model.kinds.date_json`'s, written here at once).

:class:`EarlyDates` makes them group by group of batches while the next batches are
parsed (:class:`araz.io._acled_arrow.Gathered`); :func:`dates` finds them made.
"""

from __future__ import annotations

from itertools import repeat
from typing import Any

import numpy as np

from ..model.dates import FuzzyDate, Point
from ..model.entities import EventDate
from ..model.kinds import date_json, make
from ..model.table import Coded
from ._acled_coded import CodedColumn, combine
from ._acled_rules import WEEK_HALF_DAYS, _edtf, acled_date_of
from ._dates import MONTHS, parse_day

WEEK_NOTE = "ACLED time_precision 2: within the week around this day"
MONTH_NOTE = "ACLED time_precision 3: within this month"
# the years made in bulk; a day of another (a week reaching year 0 or 10000) one by one
LOW, HIGH = 2, 9998


def days_of(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """:func:`araz.model.dates.days_from_civil` over arrays (int64)."""
    y = y - (m <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


def civil_of(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`araz.model.dates.civil_from_days` over an array (int64)."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    return yoe + era * 400 + (m <= 2), m, d


def _days_of_rows(rows: list) -> np.ndarray:
    """The day number of each (pair, year, month, day) row."""
    ymd = np.array([r[1:] for r in rows], np.int64).reshape(-1, 3)
    return days_of(ymd[:, 0], ymd[:, 1], ymd[:, 2])


def _json_point(days: int, y: int, m: int, d: int) -> str:
    return f'[{days},{days},"day",{y},{m},{d},null,false,false]'


class _Days:
    """One :class:`Point`, EDTF text and JSON text per day number, made in bulk."""

    def __init__(self) -> None:
        self.point: dict[int, Point] = {}
        self.edtf: dict[int, str] = {}
        self.json: dict[int, str] = {}

    def need(self, days: np.ndarray) -> None:
        new = [k for k in dict.fromkeys(days.tolist()) if k not in self.point]
        if not new:
            return
        y, m, d = (a.tolist() for a in civil_of(np.array(new, np.int64)))
        n = len(new)
        points = make(
            Point, [new, new, repeat("day"), y, m, d, repeat(None), repeat(False), repeat(False)], n
        )
        self.point.update(zip(new, points, strict=True))
        edtf = [f"{a:04d}-{b:02d}-{c:02d}" for a, b, c in zip(y, m, d, strict=True)]
        self.edtf.update(zip(new, edtf, strict=True))
        self.json.update(zip(new, map(_json_point, new, y, m, d), strict=True))


class EarlyDates:
    """The dates of the (date, time_precision) texts met so far (stripped), and the
    text the table stores for each: made group by group, in bulk."""

    def __init__(self) -> None:
        self.of: dict[tuple[str, str], EventDate | str] = {}
        self.json: dict[tuple[str, str], str] = {}  # of each EventDate made
        self.days: dict[str, tuple[int, int, int] | None] = {}  # parse_day of each text
        self._days = _Days()
        self._months: dict[tuple[int, int], tuple[FuzzyDate, str, str]] = {}
        # the values of the coded columns so far (dates, precisions), the pairs met
        self._texts: tuple[list[str], list[str]] = ([], [])
        self._met = np.zeros(0, np.int64)

    def add(self, dates: CodedColumn, precisions: CodedColumn | None) -> None:
        """The last part added to the coded columns of the dates and of the precisions
        (None: no such column): the dates of its (date, precision) pairs not met before
        (found in numpy by the columns' codes, which keep their values from part to
        part: no Python per pair met before)."""
        key = dates.codes[-1].astype(np.int64) << 32
        texts = self._texts[0]
        texts += dates.values[len(texts) :].to_pylist()
        precision_texts = self._texts[1]
        if precisions is not None:
            key |= precisions.codes[-1]
            precision_texts += precisions.values[len(precision_texts) :].to_pylist()
        elif not precision_texts:
            precision_texts.append("")
        met = np.unique(key)
        met = met[~np.isin(met, self._met, assume_unique=True)]
        if not len(met):
            return
        self._met = np.union1d(self._met, met)
        pairs = dict.fromkeys(
            (texts[k >> 32].strip(), precision_texts[k & 0xFFFFFFFF].strip()) for k in met.tolist()
        )
        self.make([p for p in pairs if p not in self.of])

    def date(self, text: str, precision: str) -> EventDate | str:
        """The event date of these texts (stripped), or the reason there is none."""
        out = self.of.get((text, precision))
        if out is None:
            self.make([(text, precision)])
            out = self.of[text, precision]
        return out

    def make(self, pairs: list[tuple[str, str]]) -> None:
        """The dates of these (text, precision) pairs (stripped, not made yet)."""
        if not pairs:
            return
        days = self.days
        rows: list[list] = [[], [], []]  # a day, a week, a month: (pair, y, m, d)
        for pair in pairs:
            t, p = pair
            ymd = days.get(t, False)
            if ymd is False:  # one parse for the day's precisions
                ymd = days[t] = parse_day(t) if t else None
            if ymd is None or not LOW <= ymd[0] <= HIGH:  # a reason, or a far year
                out = self.of[pair] = acled_date_of(t, ymd, p)
                if not isinstance(out, str):
                    self.json[pair] = date_json(out)
                continue
            rows[1 if p == "2" else 2 if p == "3" else 0].append((pair, *ymd))
        self._made(rows[0], *self._single(rows[0]))
        self._made(rows[1], *self._weeks(rows[1]))
        self._made(rows[2], *self._month(rows[2]))

    def _made(self, rows: list, values: list, displays: list, notes, texts: list) -> None:
        if not rows:
            return
        made = make(EventDate, [values, displays, repeat("source"), notes], len(rows))
        pairs = [r[0] for r in rows]
        self.of.update(zip(pairs, made, strict=True))
        self.json.update(zip(pairs, texts, strict=True))

    def _single(self, rows: list) -> tuple[list, list, repeat, list]:
        """A day's dates (time_precision 1, or none, or another code)."""
        if not rows:
            return [], [], repeat(None), []
        day = _days_of_rows(rows).tolist()
        known = self._days
        known.need(np.array(day, np.int64))
        points = list(map(known.point.__getitem__, day))
        f = repeat(False)
        values = make(
            FuzzyDate, [map(known.edtf.__getitem__, day), points, points, f, f, f, f], len(rows)
        )
        displays = [f"{d} {MONTHS[m - 1]} {y}" for _, y, m, d in rows]
        texts = [
            f'["{s}","source",null,"{known.edtf[k]}",{known.json[k]},0,false,false,false,false]'
            for s, k in zip(displays, day, strict=True)
        ]
        return values, displays, repeat(None), texts

    def _weeks(self, rows: list) -> tuple[list, list, repeat, list]:
        """Time_precision 2: the week around the day (EDTF interval day-3/day+3)."""
        if not rows:
            return [], [], repeat(WEEK_NOTE), []
        day = _days_of_rows(rows)
        first, last = (day - WEEK_HALF_DAYS).tolist(), (day + WEEK_HALF_DAYS).tolist()
        known = self._days
        known.need(np.concatenate([day - WEEK_HALF_DAYS, day + WEEK_HALF_DAYS]))
        edtf, point, json = known.edtf, known.point, known.json
        f = repeat(False)
        intervals = [f"{edtf[a]}/{edtf[b]}" for a, b in zip(first, last, strict=True)]
        starts, ends = map(point.__getitem__, first), map(point.__getitem__, last)
        values = make(FuzzyDate, [intervals, starts, ends, f, f, f, f], len(rows))
        displays = [f"week of {d} {MONTHS[m - 1]} {y}" for _, y, m, d in rows]
        texts = [
            f'["{s}","source","{WEEK_NOTE}","{i}",{json[a]},{json[b]},false,false,false,false]'
            for s, i, a, b in zip(displays, intervals, first, last, strict=True)
        ]
        return values, displays, repeat(WEEK_NOTE), texts

    def _month(self, rows: list) -> tuple[list, list, repeat, list]:
        """Time_precision 3: the month (one date a month, its text once)."""
        months = self._months
        out: list[tuple[FuzzyDate, str, str]] = []
        for _, y, m, _d in rows:
            got = months.get((y, m))
            if got is None:
                value = _edtf(f"{y:04d}-{m:02d}")
                display = value.display()
                text = date_json(EventDate(value, display, "source", MONTH_NOTE))
                got = months[y, m] = (value, display, text)
            out.append(got)
        values, displays, texts = (list(c) for c in zip(*out, strict=True)) if out else ([], [], [])
        return values, displays, repeat(MONTH_NOTE), texts


def dates(block: Any) -> Coded:
    """Dates: once per (text, precision) (most made already: :class:`EarlyDates`), the
    column carrying the text the table stores for each (``texts``); ``block``: an
    :class:`araz.io._acled_build.Block` (not imported: that module imports this one)."""
    from ..model.arrow_table import text

    dc, dv = block.get("date")
    pc, pv = block.get("time_precision")
    pair, first = combine((dc, len(dv)), (pc, len(pv)))
    date_values: list[EventDate | None] = []
    texts: list[str] = []
    reason: dict[int, str] = {}
    made = block.dates
    texts_of = map(dv.__getitem__, dc[first].tolist()), map(pv.__getitem__, pc[first].tolist())
    for j, key in enumerate(zip(*texts_of, strict=True)):  # (date, precision) texts
        d = made.of.get(key) or made.date(*key)
        if isinstance(d, str):
            reason[j] = d
            date_values.append(None)
            texts.append("null")
        else:
            date_values.append(d)
            texts.append(made.json[key])
    if reason:
        for r in np.flatnonzero(np.isin(pair, list(reason))).tolist():
            message = f"{block.rec(r)}: {reason[int(pair[r])]}; kept under 'no date'"
            block.problems.append((r, 1, message, None, "warning"))
    column = Coded(pair, date_values)
    column.texts = text(texts)
    return column
