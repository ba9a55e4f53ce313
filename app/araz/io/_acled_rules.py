"""ACLED's columns and the rules that do not depend on how the file is read: shared by
the row reader (:mod:`araz.io.acled`) and the block reader (:mod:`araz.io._acled_arrow`),
so that neither imports the other's module at run time."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

from ..model.dates import FuzzyDate, civil_from_days, days_from_civil
from ..model.entities import EventDate
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


def _acled_date(text: str, precision: str) -> EventDate | str:
    t = text.strip()
    if not t:
        return "no event date"
    ymd = parse_day(t)
    if ymd is None:
        return f"event date {t!r} not understood (expected e.g. 27 January 2023 or 2023-01-27)"
    y, m, d = ymd
    if not 1 <= y <= 9999:
        return f"event date {t!r}: year {y} is not a plausible ACLED year"
    if precision == "2":
        day = days_from_civil(y, m, d)
        a = civil_from_days(day - WEEK_HALF_DAYS)
        b = civil_from_days(day + WEEK_HALF_DAYS)
        value = FuzzyDate.parse(f"{edtf_day(*a)}/{edtf_day(*b)}")
        display = f"week of {d} {MONTHS[m - 1]} {y}"
        note = "ACLED time_precision 2: within the week around this day"
    elif precision == "3":
        value = FuzzyDate.parse(edtf_day(y, m, d)[:-3])
        display = value.display()
        note = "ACLED time_precision 3: within this month"
    else:
        value = FuzzyDate.parse(edtf_day(y, m, d))
        display = value.display()
        note = None
    return EventDate(value, display, "source", note)
