"""Adaptive axis ticks for the timeline: pure Python over day numbers, no Qt.

Levels run from days through weeks, months, quarters and years to millennia and beyond;
:func:`ticks` picks the finest level whose labels fit.  Dates come from
:func:`~araz.model.dates.civil_from_days` / :func:`~araz.model.dates.days_from_civil`, so
any year works (BCE included) and nothing depends on ``datetime`` or the clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from araz.model.dates import MONTHS, civil_from_days, days_from_civil

MON = tuple(m[:3] for m in MONTHS)
YEAR_DAYS = 365.2425
_MAX_TICKS = 2000


@dataclass(frozen=True)
class Level:
    unit: str  # "day" | "week" | "month" | "year"
    step: int

    @property
    def days(self) -> float:
        return {"day": 1.0, "week": 7.0, "month": YEAR_DAYS / 12, "year": YEAR_DAYS}[
            self.unit
        ] * self.step


def _levels() -> list[Level]:
    out = [Level("day", 1), Level("day", 2), Level("week", 1)]
    out += [Level("month", 1), Level("month", 3), Level("month", 6)]
    step = 1
    while step <= 10**12:
        out += [Level("year", step), Level("year", 2 * step), Level("year", 5 * step)]
        step *= 10
    return out


LEVELS = _levels()


@dataclass
class Ticks:
    level: Level
    major: list[tuple[float, str]] = field(default_factory=list)  # (day, label)
    minor: list[float] = field(default_factory=list)
    context: list[tuple[float, str]] = field(default_factory=list)  # spans: (first day, label)


def year_label(year: int) -> str:
    """``2021``, ``44 BCE`` (astronomical year -43), thousands separated beyond 9999."""
    if year <= 0:
        n = 1 - year
        return f"{n:,} BCE" if n > 9999 else f"{n} BCE"
    return f"{year:,}" if year > 9999 else str(year)


def _label_px(level: Level, lo: float) -> float:
    """A generous width for one label at this level."""
    if level.unit in ("day", "week"):
        return 46.0
    if level.unit == "month":
        return 34.0
    year = civil_from_days(int(lo))[0]
    return 8.0 * len(year_label(year)) + 14.0


def choose_level(lo: float, hi: float, width: float) -> Level:
    ppd = width / max(hi - lo, 1e-9)
    for level in LEVELS:
        if level.days * ppd >= _label_px(level, lo):
            return level
    return LEVELS[-1]


def _day_ticks(lo: float, hi: float, step: int) -> list[int]:
    first = math.ceil(lo)
    first += (-first) % step
    return list(range(first, math.floor(hi) + 1, step))[:_MAX_TICKS]


def _week_ticks(lo: float, hi: float) -> list[int]:
    first = math.ceil(lo)
    first += (-(first + 3)) % 7  # day -3 (1969-12-29) is a Monday
    return list(range(first, math.floor(hi) + 1, 7))[:_MAX_TICKS]


def _month_ticks(lo: float, hi: float, step: int) -> list[tuple[int, int, int]]:
    """(day, year, month) of the first of each month in range, months aligned to step."""
    y, m, _ = civil_from_days(math.floor(lo))
    out = []
    while len(out) < _MAX_TICKS:
        d = days_from_civil(y, m, 1)
        if d > hi:
            break
        if d >= lo and (m - 1) % step == 0:
            out.append((d, y, m))
        m += 1
        if m > 12:
            y, m = y + 1, 1
    return out


def _year_ticks(lo: float, hi: float, step: int) -> list[tuple[int, int]]:
    """(day, year) of 1 January of each year in range whose label is a multiple of step.

    Before 1 CE the multiples are of the BCE number (100 BCE is astronomical -99)."""
    y0 = civil_from_days(math.floor(lo))[0]
    y1 = civil_from_days(math.floor(hi))[0]
    years: list[int] = []
    if y0 <= 0:  # BCE: n = 1 - y runs from 1 - y0 down to max(1, 1 - y1)
        n_hi, n_lo = 1 - y0, max(1, 1 - y1)
        first = n_hi - n_hi % step
        years += [1 - n for n in range(first, n_lo - 1, -step)][:_MAX_TICKS] if first else []
    if y1 >= 1:
        a = max(y0, 1)
        first = a + (-a) % step
        years += list(range(first, y1 + 1, step))[:_MAX_TICKS]
    out = []
    for y in years:
        d = days_from_civil(y, 1, 1)
        if lo <= d <= hi:
            out.append((d, y))
    return out[:_MAX_TICKS]


def _positions(level: Level, lo: float, hi: float) -> list[float]:
    if level.unit == "day":
        return [float(d) for d in _day_ticks(lo, hi, level.step)]
    if level.unit == "week":
        return [float(d) for d in _week_ticks(lo, hi)]
    if level.unit == "month":
        return [float(d) for d, _, _ in _month_ticks(lo, hi, level.step)]
    return [float(d) for d, _ in _year_ticks(lo, hi, level.step)]


def _minor_level(level: Level, ppd: float) -> Level | None:
    """The finest level that divides ``level`` and leaves ticks at least 5 px apart."""
    if level.unit in ("day", "week"):
        cands = [Level("day", 1)] if level != Level("day", 1) else []
    elif level.unit == "month":
        cands = [Level("month", 1)] if level.step > 1 else [Level("day", 1)]
    elif level.step == 1:
        cands = [Level("month", 1), Level("month", 3)]
    else:
        cands = [Level("year", s) for s in (1, 2, 5, 10) if level.step % s == 0]
        cands += [Level("year", level.step // k) for k in (10, 5, 2) if level.step % k == 0]
        cands = sorted(set(cands), key=lambda lv: lv.step)
    for cand in cands:
        if cand.days * ppd >= 5 and cand != level:
            return cand
    return None


def ticks(lo: float, hi: float, width: float) -> Ticks:
    """Major ticks with labels, minor ticks and context spans for the range [lo, hi]."""
    level = choose_level(lo, hi, width)
    out = Ticks(level)
    if level.unit in ("day", "week"):
        for d in _positions(level, lo, hi):
            _, m, dd = civil_from_days(int(d))
            out.major.append((d, f"{dd} {MON[m - 1]}"))
        # context: the month each stretch belongs to ("June 2021")
        y, m, _ = civil_from_days(math.floor(lo))
        out.context.append((lo, f"{MONTHS[m - 1]} {year_label(y)}"))
        for d, y, m in _month_ticks(lo, hi, 1):
            if d > lo:
                out.context.append((float(d), f"{MONTHS[m - 1]} {year_label(y)}"))
    elif level.unit == "month":
        for d, _y, m in _month_ticks(lo, hi, level.step):
            out.major.append((float(d), MON[m - 1]))
        y = civil_from_days(math.floor(lo))[0]
        out.context.append((lo, year_label(y)))
        for d, y in _year_ticks(lo, hi, 1):
            if d > lo:
                out.context.append((float(d), year_label(y)))
    else:
        for d, y in _year_ticks(lo, hi, level.step):
            out.major.append((float(d), year_label(y)))
    minor = _minor_level(level, width / max(hi - lo, 1e-9))
    if minor is not None:
        majors = {d for d, _ in out.major}
        out.minor = [d for d in _positions(minor, lo, hi) if d not in majors]
    return out
