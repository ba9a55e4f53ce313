"""Dates as data files write them, turned into EDTF text for :class:`FuzzyDate`.

``27 January 2023``, ``January 27, 2023``, ``2023-01-27``, ``2023-01-27T10:00:00Z``,
``27/01/2023``, ``27-Jan-23``.  Plain string work (no regex per call, no ``datetime``, so
any year works); callers cache per distinct string.
"""

from __future__ import annotations

from ..model.dates import MONTHS, days_in_month

MONTH_NUMBERS: dict[str, int] = {}
for _i, _name in enumerate(MONTHS, 1):
    MONTH_NUMBERS[_name.casefold()] = _i
    MONTH_NUMBERS[_name[:3].casefold()] = _i
MONTH_NUMBERS["sept"] = 9


def digits(text: str) -> bool:
    """ASCII digits only: str.isdigit() also takes '¹' and '²', which int() refuses."""
    return text.isascii() and text.isdigit()


def _int(text: str) -> int | None:
    text = text.strip()
    if not text or not (digits(text) or (text[0] == "-" and digits(text[1:]))):
        return None
    return int(text) if len(text) < 20 else None


def _year(text: str) -> int | None:
    """A year; two digits pivot at 70 (ACLED starts in 1997): '23' -> 2023, '97' -> 1997."""
    y = _int(text)
    if y is None:
        return None
    if len(text.strip()) == 2:
        return 2000 + y if y < 70 else 1900 + y
    return y


def _month(text: str) -> int | None:
    text = text.strip().rstrip(".").casefold()
    if digits(text):
        m = int(text)
        return m if 1 <= m <= 12 else None
    return MONTH_NUMBERS.get(text)


def _valid(y: int | None, m: int | None, d: int | None) -> tuple[int, int, int] | None:
    if y is None or m is None or d is None or not 1 <= m <= 12:
        return None
    if not 1 <= d <= days_in_month(y, m):
        return None
    return y, m, d


def parse_day(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a day written in one of the common forms; None otherwise."""
    t = text.strip()
    # ACLED's two forms first, in a few string operations (thousands of distinct dates
    # per file: the general path below was a fifth of a 100,000-row read)
    if len(t) == 10 and t[4] == "-" and t[7] == "-":  # 2023-01-27
        y, m, d = t[:4], t[5:7], t[8:]
        if (y + m + d).isascii() and (y + m + d).isdigit():
            return _valid(int(y), int(m), int(d))
    parts = t.split(" ")
    if len(parts) == 3 and len(parts[0]) <= 2 and len(parts[2]) == 4:  # 27 January 2023
        numbers = parts[0] + parts[2]
        month = MONTH_NUMBERS.get(parts[1].casefold())
        if month is not None and numbers.isascii() and numbers.isdigit():
            return _valid(int(parts[2]), month, int(parts[0]))
    if len(t) > 10 and t[4:5] == "-" and t[7:8] == "-" and t[10] in "T ":
        t = t[:10]  # an ISO date-time: the day is enough
    if "/" in t:
        parts = t.split("/")
        if len(parts) != 3:
            return None
        if len(parts[0].strip()) == 4:  # 2023/01/27
            return _valid(_int(parts[0]), _month(parts[1]), _int(parts[2]))
        d, m, y = _int(parts[0]), _month(parts[1]), _year(parts[2])
        if m is None and d is not None and 1 <= d <= 12:  # 01/27/2023: month first
            d, m = _int(parts[1]), d
        return _valid(y, m, d)
    if " " in t or "," in t:
        parts = t.replace(",", " ").split()
        if len(parts) != 3:
            return None
        if digits(parts[0]):  # 27 January 2023
            return _valid(_year(parts[2]), _month(parts[1]), _int(parts[0]))
        return _valid(_year(parts[2]), _month(parts[0]), _int(parts[1]))  # January 27 2023
    parts = t.split("-")
    if len(parts) == 3 and parts[0] and digits(parts[0]):
        if len(parts[0]) >= 3:  # 2023-01-27
            return _valid(_int(parts[0]), _month(parts[1]), _int(parts[2]))
        return _valid(_year(parts[2]), _month(parts[1]), _int(parts[0]))  # 27-Jan-23
    if len(t) == 8 and digits(t):  # 20230127
        return _valid(int(t[:4]), int(t[4:6]), int(t[6:]))
    return None


def edtf_year(year: int) -> str:
    """EDTF for a year: '2023', '-0044', and long years 'Y-13800000000' past four digits."""
    if abs(year) > 9999:
        return f"Y{year}"
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


def edtf_day(y: int, m: int, d: int) -> str:
    return f"{edtf_year(y)}-{m:02d}-{d:02d}"
