"""ACLED's columns and every rule that does not depend on how the file is read, in one
place: the row reader (:mod:`araz.io.acled`) and the block reader
(:mod:`araz.io._acled_arrow`) both apply these (the actor and place tables that use them:
:mod:`araz.io._acled_tables`), so that neither imports the other's module at run time.

The rules: the header (names, delimiter), dates and their precision, the radius of a
geo_precision, when a row has no point, the actors of a row and the state each belongs
to, a title, and which rows of one event (one row per actor) are merged.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from ..model.dates import FuzzyDate, Point, civil_from_days, days_from_civil
from ..model.entities import EventDate
from ._common import on_earth, swap_hint
from ._countries import is_country
from ._dates import MONTHS, edtf_day, parse_day

# geo_precision -> uncertainty radius in metres
GEO_RADIUS_M = {"1": 0.0, "2": 25_000.0, "3": 100_000.0}
WEEK_HALF_DAYS = 3  # time_precision 2: the day ± 3 days

# every header we know, lower-cased, to the name used here
COLUMNS = {
    "event_id_cnty": "id",
    "event_date": "date",
    "time_precision": "time_precision",
    "disorder_type": "disorder_type",
    "event_type": "event_type",
    "sub_event_type": "sub_event_type",
    "actor1": "actor1",
    "assoc_actor_1": "assoc1",
    "ally_actor_1": "assoc1",
    "inter1": "inter1",
    "actor2": "actor2",
    "assoc_actor_2": "assoc2",
    "ally_actor_2": "assoc2",
    "inter2": "inter2",
    "interaction": "interaction",
    "civilian_targeting": "civilian_targeting",
    "country": "country",
    "admin1": "admin1",
    "admin2": "admin2",
    "admin3": "admin3",
    "location": "location",
    "latitude": "lat",
    "longitude": "lon",
    "geo_precision": "geo_precision",
    "source": "source",
    "source_scale": "source_scale",
    "notes": "notes",
    "fatalities": "fatalities",
    "tags": "tags",
}
# kept in Event.extra when present and not empty
EXTRA = (
    "event_type",
    "sub_event_type",
    "disorder_type",
    "inter1",
    "inter2",
    "interaction",
    "civilian_targeting",
    "source_scale",
    "tags",
    "time_precision",
    "geo_precision",
)
# the actor columns of a row, and whether each holds several ";"-separated names; each
# with its inter code column
ACTOR_CELLS = (("actor1", False), ("assoc1", True), ("actor2", False), ("assoc2", True))
# the columns in which the rows of one event in a file of one row per actor differ: a
# row with the id of an earlier row, the same summary and the same value in every other
# column Araz keeps is merged into that row's event (its actors join the event's)
ACTOR_COLUMNS = frozenset(
    ("actor1", "assoc1", "inter1", "actor2", "assoc2", "inter2", "interaction")
)
# "Military Forces of Iran (1989-)", "Police Forces of Armenia (2018-) Border Guard",
# "Government of Azerbaijan (2003-)"
_STATE_FORCES = re.compile(r"\b(?:Forces|Government) of (?:the )?([A-Z][^()]*?) \(\d{4}-")
# "Protesters (Iran)", "Civilians (Azerbaijan)"
_IN_PARENS = re.compile(r"\(([A-Z][A-Za-z .'-]+)\)\s*$")
# line breaks str.splitlines knows and a file opened with newline="" does not
_OTHER_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def csv_lines(text: str, chunk: int = 1 << 20) -> Iterable[str]:
    """The lines of ``text`` as a file opened with ``newline=""`` gives them to the csv
    module (ends kept; \\n, \\r\\n and \\r end a line, nothing else does).

    Lines are cut from about ``chunk`` characters at a time, so that the list of all
    lines (as big as the text again) never exists; a StringIO of the whole text would
    hold it again at four bytes a character.  The StringIO is only for the rare text
    with line breaks that ``str.splitlines`` knows and a file does not.
    """
    if any(c in text for c in _OTHER_BREAKS):
        return io.StringIO(text, newline="")
    return _chunked_lines(text, max(1, chunk))


def _chunked_lines(text: str, chunk: int) -> Iterator[str]:
    start, n = 0, len(text)
    while start < n:
        end = text.find("\n", start + chunk - 1)  # every piece ends with a \n (or the text)
        end = n if end < 0 else end + 1
        yield from text[start:end].splitlines(keepends=True)
        start = end


def _header_key(name: str) -> str:
    return name.strip().lstrip("\ufeff").lower().replace(" ", "_")


def header_columns(header: Iterable[str]) -> dict[str, int]:
    """{our name: column index} for the headers we know (the first of two that map to
    one name wins)."""
    col: dict[str, int] = {}
    for i, h in enumerate(header):
        key = COLUMNS.get(_header_key(h))
        if key is not None and key not in col:
            col[key] = i
    return col


def delimiter_of(first_line: str) -> str:
    """ACLED writes commas; a re-saved export may use tabs or ';'."""
    if first_line.count(",") >= 2:
        return ","
    delimiter = max(("\t", ";"), key=first_line.count) if first_line.strip() else ","
    return delimiter if first_line.count(delimiter) >= 2 else ","


def title_of(sub_event_type: str, event_type: str, location: str) -> str:
    what = sub_event_type or event_type or "Event"
    return f"{what} in {location}" if location else what


def why_no_point(lat_t: str, lon_t: str) -> str | None:
    """Why a row's coordinates give no point (the event is kept without a place), or
    None; a point is never invented."""
    if not lat_t or not lon_t:
        return "no coordinates; kept without a place"
    try:
        lat, lon = float(lat_t), float(lon_t)
    except ValueError:
        return f"coordinates {lat_t!r}, {lon_t!r} are not numbers; kept without a place"
    if not on_earth(lat, lon):  # NaN fails too
        hint = swap_hint(lat, lon)
        return (
            f"coordinates out of range: latitude {lat_t}, longitude {lon_t}{hint}; "
            "kept without a place"
        )
    return None


def state_named_in(name: str, inter: str) -> str | None:
    """The country an actor's own name gives it, where ACLED's naming makes that clear.

    State forces (inter code 1, or 8 for external forces) are "… Forces of <Country>
    (<year>-)" or "Government of <Country> (<year>-)"; many groups end with
    "(<Country>)".  Only a country counts: "Militia (Pro-Government)" and "Rioters
    (Students)" name no state (the row's ``country`` is theirs).
    """
    if inter.strip() in ("1", "8", "") and " of " in name:
        m = _STATE_FORCES.search(name)
        if m:
            return m.group(1).strip()
    if name.endswith(")"):
        m = _IN_PARENS.search(name)
        if m and is_country(m.group(1)):
            return m.group(1).strip()
    return None


def merged_message(n: int) -> str:
    return (
        f"{n:,} rows merged: rows with the event_id_cnty of an earlier row "
        "that differ from it only in their actors (one row per actor) are one event "
        "with all the actors"
    )


@lru_cache(maxsize=1 << 14)
def _edtf(text: str) -> FuzzyDate:
    """A day's or a month's date, parsed once (a file has thousands of rows per month
    and per (text, precision) its dates are read once each: 5 µs a parse)."""
    return FuzzyDate.parse(text)


def _acled_date(text: str, precision: str) -> EventDate | str:
    t = text.strip()
    return acled_date_of(t, parse_day(t) if t else None, precision)


def acled_date_of(t: str, ymd: tuple[int, int, int] | None, precision: str) -> EventDate | str:
    """The event date of the stripped text ``t`` (``ymd``: :func:`parse_day` of it), or
    the reason there is none."""
    if not t:
        return "no event date"
    if ymd is None:
        return f"event date {t!r} not understood (expected e.g. 27 January 2023 or 2023-01-27)"
    y, m, d = ymd
    if not 1 <= y <= 9999:
        return f"event date {t!r}: year {y} is not a plausible ACLED year"
    if precision == "2":
        day = days_from_civil(y, m, d)
        # the week ends with year 9999 at the latest: no date here holds a day of 10000
        last = min(day + WEEK_HALF_DAYS, days_from_civil(9999, 12, 31))
        a, b = _day(day - WEEK_HALF_DAYS), _day(last)
        # what FuzzyDate.parse(f"{a}/{b}") gives, from the two days' points
        value = FuzzyDate(f"{a.edtf}/{b.edtf}", a.start, b.start)
        display = f"week of {d} {MONTHS[m - 1]} {y}"
        note = "ACLED time_precision 2: within the week around this day"
    elif precision == "3":
        value = _edtf(edtf_day(y, m, d)[:-3])
        display = value.display()
        note = "ACLED time_precision 3: within this month"
    else:
        value = _day(days_from_civil(y, m, d))
        display = value.display()
        note = None
    return EventDate(value, display, "source", note)


def _day(days: int) -> FuzzyDate:
    """The date of one day (a day number): what ``FuzzyDate.parse`` gives for its EDTF
    text, made from its numbers when its year has four digits (a file has thousands
    of distinct days: 15 µs a parse), else parsed."""
    y, m, d = civil_from_days(days)
    if not 0 <= y <= 9999:
        return _edtf(edtf_day(y, m, d))
    point = Point(days, days, "day", y, m, d)
    return FuzzyDate(f"{y:04d}-{m:02d}-{d:02d}", point, point)
