"""Fuzzy dates: our own parser for EDTF level 0 and 1, and day arithmetic for any year.

Why not the ``edtf`` package: it returns ``time.struct_time`` bounds, which cannot hold
years before 1 CE or after 9999 (TimelineJS stories reach deep time), and it has no
notion of the strict and wide bounds we lay out and filter with.  EDTF level 1 is small;
this module is the whole of it that Araz reads:

* ``2023-01-27``, ``2021-06``, ``2021``, ``-0044``, ``Y-170000002`` (long years)
* qualifiers on the whole date: ``2020-11~`` (approximate), ``2021?`` (uncertain),
  ``2021%`` (both)
* unspecified digits: ``201X``, ``2004-XX``, ``2004-06-XX``
* seasons: ``2021-21`` (spring) … ``2021-24`` (winter)
* intervals ``A/B`` with open (``..``) or unknown (empty) ends.

Every date is a range of days.  ``lower``/``upper`` are the *strict* bounds (the days the
expression covers, inclusive); ``wide_lower``/``wide_upper`` widen approximate or
uncertain ends by one unit of their precision and run to infinity at an open or unknown
end.  Lay out with the strict bounds, filter with the wide ones.  Days are counted from
1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm), so any
integer year works and nothing depends on ``datetime``'s range or on today's date.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
SEASONS = {21: "Spring", 22: "Summer", 23: "Autumn", 24: "Winter"}
PRECISIONS = ("day", "month", "season", "year", "decade", "century")
# Years as far as anything can be drawn: a trillion years, well beyond the Big Bang's
# 13.8 billion.  Day numbers stay below 4e14, exact in a float64 with room for a 2-day
# view; a longer year is a typo, refused before Python turns its digits into an int.
MAX_YEAR = 10**12
_MAX_YEAR_DIGITS = len(str(MAX_YEAR))


class EDTFError(ValueError):
    """The text is not an EDTF level 0/1 date or interval."""


# ---------------------------------------------------------------- day arithmetic


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (any integer year)."""
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    mp = (month + 9) % 12
    doy = (153 * mp + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(days: int) -> tuple[int, int, int]:
    """The (year, month, day) of a day number; inverse of :func:`days_from_civil`."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return y + (m <= 2), m, d


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def iso_day(days: float) -> str | None:
    """``YYYY-MM-DD`` for a day number (``-0044-03-15`` before 1 CE); None if infinite."""
    if not math.isfinite(days):
        return None
    y, m, d = civil_from_days(int(days))
    sign = "-" if y < 0 else ""
    return f"{sign}{abs(y):04d}-{m:02d}-{d:02d}"


def format_year(year: int) -> str:
    if year <= 0:
        return f"{1 - year} BCE"
    return str(year)


# ---------------------------------------------------------------- single dates


@dataclass(frozen=True, slots=True)
class Point:
    """One EDTF date (not an interval): its strict day range and qualifiers."""

    lower: int
    upper: int
    precision: str
    year: int
    month: int | None = None
    day: int | None = None
    season: int | None = None
    approximate: bool = False
    uncertain: bool = False

    @property
    def pad(self) -> int:
        """Days to widen by when approximate or uncertain: one unit of precision."""
        if not (self.approximate or self.uncertain):
            return 0
        return {"day": 7, "month": 31, "season": 92, "year": 366}.get(self.precision, 3653)

    def text(self) -> str:
        if self.precision == "day" and self.month is not None:
            s = f"{self.day} {MONTHS[self.month - 1]} {format_year(self.year)}"
        elif self.precision == "month" and self.month is not None:
            s = f"{MONTHS[self.month - 1]} {format_year(self.year)}"
        elif self.precision == "season" and self.season is not None:
            s = f"{SEASONS[self.season]} {format_year(self.year)}"
        elif self.precision == "decade" or self.precision == "century":
            s = f"the {self.year}s"
        else:
            s = format_year(self.year)
        if self.approximate:
            s = "c. " + s
        if self.uncertain:
            s += "?"
        return s


_DATE = re.compile(
    r"""^(?P<year>Y-?\d{5,}|-?[0-9X]{4})
        (?:-(?P<month>[0-9X]{2})(?:-(?P<day>[0-9X]{2}))?)?
        (?P<q>[?~%])?$""",
    re.X,
)


def _short(text: str, limit: int = 40) -> str:
    """``repr`` of a text, cut to ``limit`` characters (a 5,000-digit year is not echoed)."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + f"… ({len(text):,} chars)"


def _parse_point(text: str) -> Point:
    m = _DATE.match(text)
    if not m:
        raise EDTFError(
            f"{_short(text)} is not an EDTF date (expected YYYY, YYYY-MM or YYYY-MM-DD)"
        )
    ytext, mtext, dtext, q = m["year"], m["month"], m["day"], m["q"]
    approximate = q in ("~", "%")
    uncertain = q in ("?", "%")
    if ytext.startswith("Y"):
        digits = ytext[1:].lstrip("-").lstrip("0")
        if len(digits) > _MAX_YEAR_DIGITS or int(digits or "0") > MAX_YEAR:
            raise EDTFError(
                f"{_short(text)}: year out of range (at most {MAX_YEAR:,} years either way)"
            )
        year = int(ytext[1:])
        if mtext:
            raise EDTFError(f"{text!r}: a long year (Y…) cannot carry a month")
        lo, hi = days_from_civil(year, 1, 1), days_from_civil(year, 12, 31)
        return Point(lo, hi, "year", year, approximate=approximate, uncertain=uncertain)
    negative = ytext.startswith("-")
    digits = ytext.lstrip("-")
    if "X" in digits:
        if mtext or negative:
            raise EDTFError(f"{text!r}: unspecified year digits only on a plain year")
        stars = len(digits) - len(digits.rstrip("X"))
        if "X" in digits.rstrip("X"):
            raise EDTFError(f"{text!r}: unspecified digits must be the last ones")
        base = int(digits.rstrip("X") or "0") * 10**stars
        span = 10**stars
        precision = {1: "decade", 2: "century"}.get(stars, "century")
        lo = days_from_civil(base, 1, 1)
        hi = days_from_civil(base + span - 1, 12, 31)
        return Point(lo, hi, precision, base, approximate=approximate, uncertain=uncertain)
    year = -int(digits) if negative else int(digits)
    if year == 0 and negative:
        raise EDTFError(f"{text!r}: -0000 is not a year")
    if mtext is None or mtext == "XX":
        if dtext is not None and dtext != "XX":
            raise EDTFError(f"{text!r}: a day needs a month")
        lo, hi = days_from_civil(year, 1, 1), days_from_civil(year, 12, 31)
        return Point(lo, hi, "year", year, approximate=approximate, uncertain=uncertain)
    if "X" in mtext or (dtext is not None and "X" in dtext and dtext != "XX"):
        raise EDTFError(f"{text!r}: unspecified digits only as a whole month (XX) or day (XX)")
    month = int(mtext)
    if 21 <= month <= 24:
        if dtext is not None:
            raise EDTFError(f"{text!r}: a season cannot carry a day")
        first = {21: 3, 22: 6, 23: 9, 24: 12}[month]
        lo = days_from_civil(year, first, 1)
        hi = days_from_civil(year, first, 1) + 90
        return Point(
            lo, hi, "season", year, season=month, approximate=approximate, uncertain=uncertain
        )
    if not 1 <= month <= 12:
        raise EDTFError(f"{text!r}: month {month} does not exist")
    if dtext is None or dtext == "XX":
        lo = days_from_civil(year, month, 1)
        hi = days_from_civil(year, month, days_in_month(year, month))
        return Point(lo, hi, "month", year, month, approximate=approximate, uncertain=uncertain)
    day = int(dtext)
    if not 1 <= day <= days_in_month(year, month):
        raise EDTFError(f"{text!r}: day {day} does not exist in {MONTHS[month - 1]} {year}")
    d = days_from_civil(year, month, day)
    return Point(d, d, "day", year, month, day, approximate=approximate, uncertain=uncertain)


# ---------------------------------------------------------------- fuzzy dates


@dataclass(frozen=True, slots=True)
class FuzzyDate:
    """A parsed EDTF expression: a single date or an interval, possibly open."""

    edtf: str
    start: Point | None  # None: open ("..") or unknown ("") start
    end: Point | None  # None: open or unknown end; same object as start for a single date
    open_start: bool = False
    open_end: bool = False
    unknown_start: bool = False
    unknown_end: bool = False

    @classmethod
    def parse(cls, text: str) -> FuzzyDate:
        if not isinstance(text, str):
            raise EDTFError(f"{text!r} is not text")
        text = text.strip()
        if not text:
            raise EDTFError("the date is empty")
        if "/" not in text:
            p = _parse_point(text)
            return cls(text, p, p)
        if text.count("/") > 1:
            raise EDTFError(f"{text!r}: an interval has exactly one '/'")
        a, b = text.split("/")
        kw: dict[str, bool] = {}
        start = end = None
        if a == "..":
            kw["open_start"] = True
        elif a == "":
            kw["unknown_start"] = True
        else:
            start = _parse_point(a)
        if b == "..":
            kw["open_end"] = True
        elif b == "":
            kw["unknown_end"] = True
        else:
            end = _parse_point(b)
        if start is None and end is None:
            raise EDTFError(f"{text!r}: an interval needs at least one known end")
        if start is not None and end is not None and start.lower > end.upper:
            raise EDTFError(f"{text!r}: the interval ends before it starts")
        return cls(text, start, end, **kw)

    # strict bounds: what the expression covers for sure (an open end stops at the
    # known one); wide bounds: what it may cover (filters use these)
    @property
    def lower(self) -> int:
        return self.start.lower if self.start else self.end.lower  # type: ignore[union-attr]

    @property
    def upper(self) -> int:
        return self.end.upper if self.end else self.start.upper  # type: ignore[union-attr]

    @property
    def wide_lower(self) -> float:
        if self.start is None:
            return -math.inf
        return self.start.lower - self.start.pad

    @property
    def wide_upper(self) -> float:
        if self.end is None:
            return math.inf
        return self.end.upper + self.end.pad

    @property
    def is_interval(self) -> bool:
        return self.start is not self.end

    @property
    def precision(self) -> str:
        """day / month / season / year / decade / century, or interval."""
        if self.is_interval:
            return "interval"
        return self.start.precision  # type: ignore[union-attr]

    @property
    def approximate(self) -> tuple[bool, bool]:
        """(start, end) approximate or uncertain: the ends that fade when drawn."""
        s = bool(self.start and (self.start.approximate or self.start.uncertain))
        e = bool(self.end and (self.end.approximate or self.end.uncertain))
        return s, e

    def display(self) -> str:
        """A readable default for the display string."""
        if not self.is_interval:
            return self.start.text()  # type: ignore[union-attr]
        if self.start is None:
            return f"until {self.end.text()}"  # type: ignore[union-attr]
        if self.end is None:
            return f"from {self.start.text()}"
        return f"{self.start.text()} – {self.end.text()}"

    def overlaps(self, lo: float, hi: float) -> bool:
        """True if the wide range meets [lo, hi] (day numbers, inclusive)."""
        return self.wide_lower <= hi and self.wide_upper >= lo
