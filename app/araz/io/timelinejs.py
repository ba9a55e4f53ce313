"""Knight Lab stories: TimelineJS 3 JSON and StoryMapJS JSON.

TimelineJS: ``events`` (and the ``title`` slide, an overview that is an event only when
it carries a date).  ``start_date``/``end_date`` parts (``year``, ``month``, ``day``…)
come as strings, numbers or ``""``; a negative year -N is N BCE as TimelineJS shows it
(EDTF, astronomical: 1 - N) and deep-time years (``-13800000000``) become EDTF long
years.  ``group`` → category (the timeline lane),
``text.headline`` → title, ``text.text`` → summary as plain text (HTML never kept),
``location`` {lat, lon} → a place when present, ``media.credit`` → ``extra["credit"]``.

StoryMapJS: ``storymap.slides``; each slide with a ``location`` is an event.  Its
``date`` is usually ``""`` or free text: the event is kept without a date (listed under
"no date") and a warning says so.  The overview slide without a location gives the
dataset its title.

JSON carries no line numbers per record: problems name the record ("event 3",
"slide 5"), counting from 1 in file order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..model.dataset import Dataset
from ..model.dates import MAX_YEAR, EDTFError, FuzzyDate, days_in_month
from ..model.entities import Event, EventDate, Place, PlaceRef
from ._common import (
    CancelFn,
    Ids,
    ProgressFn,
    Ticker,
    cancelled,
    check_point,
    load_json,
    number,
    plain_text,
    short_title,
    slug,
)
from ._dates import edtf_day, edtf_year, parse_day
from .problems import LoadResult, Problem, Reporter

NO_DATE = "no date: listed under 'no date'"


def read_timelinejs(
    path: str | Path, progress: ProgressFn | None = None, cancel: CancelFn | None = None
) -> LoadResult:
    """Read a TimelineJS 3 JSON file. Never raises for bad content."""
    path = Path(path)
    problems: list[Problem] = []
    doc = load_json(path, problems)
    if doc is None:
        return LoadResult(None, problems)
    return timelinejs_from_doc(doc, path, problems, progress=progress, cancel=cancel)


def read_storymapjs(
    path: str | Path, progress: ProgressFn | None = None, cancel: CancelFn | None = None
) -> LoadResult:
    """Read a StoryMapJS JSON file. Never raises for bad content."""
    path = Path(path)
    problems: list[Problem] = []
    doc = load_json(path, problems)
    if doc is None:
        return LoadResult(None, problems)
    return storymapjs_from_doc(doc, path, problems, progress=progress, cancel=cancel)


# ---------------------------------------------------------------- shared


class _Story(Reporter):
    """Collects events, places and problems for one file."""

    def __init__(self, path: Path, problems: list[Problem]):
        super().__init__(path, problems)
        self.path = path
        self.name = str(path)
        self.places: dict[str, Place] = {}
        self.place_ids = Ids()
        self.place_by_key: dict[tuple, str] = {}
        self.event_ids = Ids()
        self.categories: list[str] = []

    def place(self, loc: Any, fallback_name: str, rec: str) -> str | None:
        """A place id for a ``location`` {lat, lon, name}, or None (reported if bad)."""
        if loc is None:
            return None
        if not isinstance(loc, dict):
            self.about(rec, "'location' is not {lat, lon}; on the timeline only")
            return None
        lat, lon = number(loc.get("lat")), number(loc.get("lon"))
        if loc.get("lat") in (None, "") and loc.get("lon") in (None, ""):
            return None  # an empty location: nothing to report
        why = check_point(lat, lon)
        if why:
            self.about(rec, f"location {why}; kept without a place")
            return None
        name = loc.get("name") if isinstance(loc.get("name"), str) else ""
        name = plain_text(name)
        key = (name, lat, lon) if name else (None, lat, lon)
        pid = self.place_by_key.get(key)
        if pid is None:
            label = name or fallback_name or f"{lat:.4f}, {lon:.4f}"
            pid = self.place_ids.make(slug(label, "place"))
            self.places[pid] = Place(pid, label, "site", lat, lon)
            self.place_by_key[key] = pid
        return pid

    def event_id(self, value: Any, n: int, what: str = "event") -> str:
        base = value.strip() if isinstance(value, str) and value.strip() else f"{what}-{n}"
        if base in self.event_ids.taken:
            base = f"{what}-{n}"
        return self.event_ids.make(base)

    def dataset(self, events: list[Event], title: str) -> Dataset:
        return Dataset(
            events,
            {},
            self.places,
            title=title or self.path.stem,
            source=self.name,
            categories=self.categories,
        )


def _text(slide: dict) -> tuple[str, str]:
    """(headline, text) of a slide as plain text."""
    t = slide.get("text")
    if not isinstance(t, dict):
        return "", ""
    return plain_text(t.get("headline")), plain_text(t.get("text"))


def _title(headline: str, text: str, what: str, n: int) -> str:
    if headline:
        return short_title(headline, 200)
    if text:
        return short_title(text)
    return f"Untitled {what} (row {n})"


def _credit(slide: dict) -> dict:
    media = slide.get("media")
    if isinstance(media, dict):
        credit = plain_text(media.get("credit"))
        if credit:
            return {"credit": credit}
    return {}


# ---------------------------------------------------------------- TimelineJS dates


def _part(parts: dict, key: str) -> tuple[int | None, str | None]:
    """(value, problem) of one date part given as number, numeric text or ''."""
    v = parts.get(key)
    if v is None or v == "":
        return None, None
    if isinstance(v, bool):
        return None, f"{key} {v!r} is not a number"
    if isinstance(v, str):
        t = v.strip()
        if not t:
            return None, None
        try:
            f = float(t)
        except ValueError:
            return None, f"{key} {v!r} is not a number"
    elif isinstance(v, int | float):
        f = v
    else:
        return None, f"{key} {v!r} is not a number"
    if isinstance(f, float):
        if f != f or f in (float("inf"), float("-inf")) or f != int(f):
            return None, f"{key} {v!r} is not a whole number"
        f = int(f)
    if abs(f) > MAX_YEAR:
        shown = repr(v) if len(repr(v)) <= 40 else f"{repr(v)[:40]}… ({len(repr(v)):,} chars)"
        return None, f"{key} {shown} is out of range"
    return f, None


def _edtf_parts(parts: Any, which: str) -> tuple[str | None, list[str]]:
    """EDTF text for a TimelineJS date object, or None; plus warnings."""
    if not isinstance(parts, dict):
        return None, [f"{which} is not an object of date parts"] if parts not in (None, "") else []
    notes: list[str] = []
    year, why = _part(parts, "year")
    if why:
        notes.append(f"{which}: {why}")
    if year is None:
        return None, notes
    if year < 0:  # TimelineJS shows year -44 as "44 BCE": astronomical year -43
        year += 1
    month, why = _part(parts, "month")
    if why:
        notes.append(f"{which}: {why}")
    day, why = _part(parts, "day")
    if why:
        notes.append(f"{which}: {why}")
    if abs(year) > 9999:
        if month is not None:
            notes.append(f"{which}: month and day dropped: deep-time years are whole years")
        return edtf_year(year), notes
    if month is not None and not 1 <= month <= 12:
        notes.append(f"{which}: month {month} does not exist; the year only")
        month = day = None
    if month is None:
        return edtf_year(year), notes
    if day is not None and not 1 <= day <= days_in_month(year, month):
        notes.append(f"{which}: day {day} does not exist in that month; the month only")
        day = None
    if day is None:
        return f"{edtf_year(year)}-{month:02d}", notes
    return edtf_day(year, month, day), notes


def _display(slide: dict, parts: Any) -> str | None:
    for d in (slide, parts if isinstance(parts, dict) else {}):
        v = d.get("display_date")
        if isinstance(v, str | int) and not isinstance(v, bool) and str(v).strip():
            return plain_text(str(v)) or None
    return None


def _timeline_date(slide: dict) -> tuple[EventDate | None, list[str]]:
    start, notes = _edtf_parts(slide.get("start_date"), "start_date")
    if start is None:
        return None, notes
    end, more = _edtf_parts(slide.get("end_date"), "end_date")
    notes += more
    text = start
    if end is not None and end != start:
        text = f"{start}/{end}"
    try:
        value = FuzzyDate.parse(text)
    except EDTFError as exc:
        if text == start:
            return None, [*notes, f"date not understood: {exc}"]
        notes.append(f"end_date dropped: {exc}")
        value = FuzzyDate.parse(start)
    display = _display(slide, slide.get("start_date")) or value.display()
    return EventDate(value, display, "source"), notes


# ---------------------------------------------------------------- TimelineJS


def timelinejs_from_doc(
    doc: Any,
    path: str | Path,
    problems: list[Problem] | None = None,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> LoadResult:
    """A TimelineJS story from its parsed JSON."""
    path = Path(path)
    problems = [] if problems is None else problems
    s = _Story(path, problems)
    raw = doc.get("events") if isinstance(doc, dict) else None
    if not isinstance(raw, list):
        problems.append(
            Problem(s.name, 1, "not a TimelineJS file: expected an object with an 'events' list")
        )
        return LoadResult(None, problems)
    slides: list[tuple[str, int, Any]] = []
    title_slide = doc.get("title")
    overview_title = ""
    if isinstance(title_slide, dict):
        headline, text = _text(title_slide)
        overview_title = headline or short_title(text)
        if isinstance(title_slide.get("start_date"), dict):
            slides.append(("title slide", 0, title_slide))
    slides += [(f"event {n}", n, e) for n, e in enumerate(raw, 1)]
    tick = Ticker(progress, cancel, len(slides))
    events: list[Event] = []
    skipped = 0
    for i, (rec, n, slide) in enumerate(slides):
        if i >= tick.next and tick.at(i):
            return cancelled(s.name)
        if not isinstance(slide, dict):
            s.about(rec, "not an object; skipped", "error")
            skipped += 1
            continue
        date, notes = _timeline_date(slide)
        for note in notes:
            s.about(rec, note)
        if date is None:
            s.about(rec, NO_DATE)
        headline, text = _text(slide)
        title = _title(headline, text, "event", n)
        loc = slide.get("location")
        place = s.place(loc, headline, rec)
        group = slide.get("group")
        category = plain_text(group) if isinstance(group, str) else ""
        if category and category not in s.categories:
            s.categories.append(category)
        extra = _credit(slide)
        if rec == "title slide":
            extra["type"] = "title"
        elif isinstance(slide.get("type"), str) and slide["type"]:
            extra["type"] = slide["type"]
        events.append(
            Event(
                s.event_id(slide.get("unique_id"), n),
                title,
                date,
                text,
                (),
                (PlaceRef(place),) if place else (),
                category,
                extra=extra,
            )
        )
    tick.done()
    return LoadResult(s.dataset(events, overview_title), problems, skipped)


# ---------------------------------------------------------------- StoryMapJS


def _story_date(value: Any) -> tuple[EventDate | None, str | None]:
    """A slide's date when it is one we can read; otherwise None and the free text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, int | float) and not isinstance(value, bool):
        year = number(value)
        if year is not None and year == int(year) and abs(year) <= MAX_YEAR:
            value = edtf_year(int(year))
        else:
            return None, str(value)
    if not isinstance(value, str):
        return None, str(value)
    text = plain_text(value)
    candidates = [text]
    ymd = parse_day(text)
    if ymd is not None and abs(ymd[0]) <= 9999:
        candidates.insert(0, edtf_day(*ymd))
    for c in candidates:
        try:
            v = FuzzyDate.parse(c)
        except EDTFError:
            continue
        return EventDate(v, text if c != text else v.display(), "source"), None
    return None, text


def storymapjs_from_doc(
    doc: Any,
    path: str | Path,
    problems: list[Problem] | None = None,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
) -> LoadResult:
    """A StoryMapJS story from its parsed JSON."""
    path = Path(path)
    problems = [] if problems is None else problems
    s = _Story(path, problems)
    story = doc.get("storymap") if isinstance(doc, dict) else None
    slides = story.get("slides") if isinstance(story, dict) else None
    if not isinstance(slides, list):
        problems.append(
            Problem(s.name, 1, "not a StoryMapJS file: expected 'storymap' with a 'slides' list")
        )
        return LoadResult(None, problems)
    tick = Ticker(progress, cancel, len(slides))
    events: list[Event] = []
    skipped = 0
    title = ""
    for i, slide in enumerate(slides):
        n = i + 1
        rec = f"slide {n}"
        if i >= tick.next and tick.at(i):
            return cancelled(s.name)
        if not isinstance(slide, dict):
            s.about(rec, "not an object; skipped", "error")
            skipped += 1
            continue
        headline, text = _text(slide)
        loc = slide.get("location")
        if slide.get("type") == "overview" and not isinstance(loc, dict):
            title = title or headline or short_title(text)
            continue  # the story's cover, not an event
        place = s.place(loc, headline, rec)
        date, free = _story_date(slide.get("date"))
        label = f"{rec} ({short_title(headline, 40)})" if headline else rec
        extra = _credit(slide)
        if free:
            extra["date_text"] = free
            s.about(label, f"date {free!r} not understood; {NO_DATE}")
        elif date is None:
            s.about(label, NO_DATE)
        if place is None:
            s.about(label, "no location: not on the map")
        events.append(
            Event(
                s.event_id(slide.get("id"), n, "slide"),
                _title(headline, text, "slide", n),
                date,
                text,
                (),
                (PlaceRef(place),) if place else (),
                extra=extra,
            )
        )
    tick.done()
    return LoadResult(s.dataset(events, title), problems, skipped)
