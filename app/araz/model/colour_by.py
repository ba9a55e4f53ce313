"""Colour by a column, size by a number: what the map, the timeline and the legend draw.

A dataset's events are coloured by their main actor's state (see :mod:`.palette`) or by
any coded column that repeats: the category, the certainty, the date's basis, an
``extra`` column a reader kept (ACLED's ``event_type``, ``disorder_type`` …).  Colours
go to the distinct values, never to each event in Python: a :class:`ColourScheme` holds
the values, their colours and one small code per event (numpy over the column's codes).

Values are given colours most common first (ties by name), so a value keeps its colour
whatever the filter shows; the palette is colour-blind safe (Okabe & Ito's seven, then
three of Paul Tol's "muted"), values beyond it share :data:`OTHER_VALUES` and an event
without a value is :data:`MISSING` grey.

Size by a numeric column: marker radius grows with the square root of the value (area
in proportion) between :data:`MIN_RADIUS` and :data:`MAX_RADIUS` pixels.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass
from numbers import Real
from typing import TYPE_CHECKING, Any

import numpy as np

from .palette import OKABE_ITO, OTHER
from .table import Coded

if TYPE_CHECKING:
    from .dataset import Dataset

#: The column that colours by the main actor's state (today's look).
ACTOR = "main_actor"
#: Colour-blind-safe categorical colours, most distinct first: Okabe-Ito's seven (blue,
#: orange and bluish green lead: vermillion next to orange is the pair most alike), then
#: indigo, wine and olive from Paul Tol's "muted" scheme.
CATEGORICAL = (
    *(OKABE_ITO[k] for k in (1, 2, 3, 4, 5, 0, 6)),
    "#332288",
    "#882255",
    "#999933",
)
MISSING = OTHER  # an event without a value: grey
OTHER_VALUES = "#DDDDDD"  # values beyond the palette: a lighter grey
#: A coded column is offered when it has this many distinct values (it repeats).
MIN_VALUES, MAX_VALUES = 2, 24
MIN_RADIUS, MAX_RADIUS = 3.0, 12.0  # marker radius (CSS px) when sized by a number

#: Names the columns of every dataset show in menus and legends.
LABELS = {
    ACTOR: "Main actor",
    "category": "Category",
    "certainty": "Certainty",
    "date_basis": "Date basis",
}


def label(column: str) -> str:
    """A column's name as a person reads it: ``event_type`` -> "Event type"."""
    return LABELS.get(column) or column.replace("_", " ").strip().capitalize() or column


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


@dataclass(frozen=True)
class ColourScheme:
    """Colours of one column: legend rows and, per event (dataset order), a code.

    ``codes[i]`` indexes :meth:`palette`: ``0 .. len(values) - 1`` a value, then
    :data:`OTHER_VALUES` (when some values share it) and :data:`MISSING` last."""

    column: str
    values: list[str]  # legend labels, most common first
    colours: list[str]  # "#RRGGBB" per value
    counts: list[int]  # events per value
    codes: np.ndarray  # uint16 per event, an index in palette()
    others: int = 0  # events whose value is beyond the palette
    other_values: int = 0  # how many distinct values those are
    missing: int = 0  # events without a value

    @property
    def title(self) -> str:
        return label(self.column)

    def palette(self) -> list[str]:
        return [*self.colours, OTHER_VALUES, MISSING]

    def legend(self) -> list[tuple[str, str, int]]:
        """(label, colour, events) per legend row: the values, then the rest."""
        rows = list(zip(self.values, self.colours, self.counts, strict=True))
        if self.others:
            rows.append((f"{self.other_values} other values", OTHER_VALUES, self.others))
        if self.missing:
            rows.append(("no value", MISSING, self.missing))
        return rows

    def argb(self) -> np.ndarray:
        """Per event its colour as 0xAARRGGBB (uint32, opaque): the timeline's."""
        per = np.array([0xFF000000 | int(c[1:], 16) for c in self.palette()], np.uint32)
        return per[self.codes]


def _value_column(ds: Dataset, column: str) -> Coded | None:
    """The coded column behind a name (None: the dataset has no such column)."""
    ev = ds.events
    if column == "category":
        return ev.category
    if column == "certainty":
        return ev.certainty
    if column == "date_basis":
        per_date = [d.basis if d is not None else None for d in ev.date.values]
        names = list(dict.fromkeys(b for b in per_date if b))
        where = {b: k for k, b in enumerate(names)}
        lut = np.array([where.get(b, -1) if b else -1 for b in per_date] + [-1], np.int32)
        return Coded(lut[ev.date.codes], names)  # a -1 date code reads lut[-1]: missing
    col = ev.extra.get(column)
    if col is None and column in LABELS:
        return None
    return col if col is not None else _extra_from_objects(ds, column)


def _extra_from_objects(ds: Dataset, column: str) -> Coded | None:
    """An ``extra`` key of a table that keeps its events as objects (the curated
    story): coded here, once per call (small datasets only keep objects)."""
    if ds.events.extra or not len(ds.events):
        return None
    values = [e.extra.get(column) for e in ds.events]
    if all(v is None for v in values):
        return None
    table: dict = {}
    codes = np.fromiter(
        (-1 if v is None or v == "" else table.setdefault(v, len(table)) for v in values),
        np.int32,
        count=len(values),
    )
    return Coded(codes, list(table))


def _extra_keys(ds: Dataset) -> list[str]:
    ev = ds.events
    if ev.extra:
        return list(ev.extra)
    keys: dict[str, None] = {}
    if len(ev) <= 5000:  # objects: the curated story, TimelineJS
        for e in ev:
            keys.update(dict.fromkeys(e.extra))
    return list(keys)


def _distinct_used(col: Coded) -> int:
    """How many of the column's values some event has (and not empty)."""
    if not len(col.codes):
        return 0
    # code -1 (no value) counted in bin 0 and dropped: no mask over a million codes
    used = np.bincount(col.codes + 1, minlength=len(col.values) + 1)[1:]
    return sum(
        1 for v, k in zip(col.values, used.tolist(), strict=True) if k and v not in ("", None)
    )


def _same(a: Coded, b: Coded) -> bool:
    return a.values == b.values and np.array_equal(a.codes, b.codes)


def colour_columns(ds: Dataset) -> list[str]:
    """The columns this dataset can be coloured by: the main actor, then each coded,
    non-numeric column with 2 to 24 distinct values, in a stable order."""
    out = [ACTOR]
    for name in ("category", "certainty", "date_basis", *_extra_keys(ds)):
        if name in out:
            continue
        col = _value_column(ds, name)
        if col is None or any(_is_number(v) for v in col.values):
            continue
        if name != "category" and _same(col, ds.events.category):
            continue  # ACLED's event_type is its category: offered once
        if MIN_VALUES <= _distinct_used(col) <= MAX_VALUES:
            out.append(name)
    return out


def size_columns(ds: Dataset) -> list[str]:
    """The numeric columns this dataset can size markers by (ACLED's ``fatalities``):
    ``extra`` columns whose values are numbers, not all the same, some above zero."""
    out = []
    for name in _extra_keys(ds):
        col = _value_column(ds, name)
        if col is None or not col.values:
            continue
        numbers = [v for v in col.values if _is_number(v)]
        if len(numbers) < max(2, len(col.values) // 2):
            continue
        if max(numbers) > 0 and _distinct_used(col) >= 2:
            out.append(name)
    return out


# per dataset (weakly): the columns offered and the main actor's colours, worked out
# once (the loader's thread does it, before the dataset is handed over: see warm)
_KNOWN: weakref.WeakKeyDictionary[Dataset, dict[str, Any]] = weakref.WeakKeyDictionary()


def offered(ds: Dataset) -> tuple[list[str], list[str]]:
    """:func:`colour_columns` and :func:`size_columns` of the dataset, made once."""
    known = _KNOWN.setdefault(ds, {})
    if "offered" not in known:
        known["offered"] = (colour_columns(ds), size_columns(ds))
    return known["offered"]


def put_offered(ds: Dataset, kept: Any) -> None:
    """:func:`offered` as an earlier open of the same file gave it (``[colours,
    sizes]``, kept by :mod:`araz.views.prepared`), put in place unmade: checked to name
    the main actor first, then columns the dataset has (else ValueError)."""
    colours, sizes = kept
    names = [*colours[1:], *sizes]
    if colours[:1] != [ACTOR] or not all(isinstance(c, str) for c in names):
        raise ValueError("the columns offered")
    extra = ds.events.extra
    if not all(c in ("category", "certainty", "date_basis") or c in extra for c in names):
        raise ValueError("the columns offered: not the dataset's")
    _KNOWN.setdefault(ds, {})["offered"] = (list(colours), list(sizes))


def warm(ds: Dataset) -> None:
    """Work out now (in a worker thread) what the views ask first of a new dataset:
    the columns offered and the main actor's colours."""
    offered(ds)
    colour_scheme(ds, ACTOR)


def colour_scheme(ds: Dataset, column: str) -> ColourScheme:
    """The colours of ``column`` (one of :func:`colour_columns`) for this dataset."""
    if column == ACTOR:
        known = _KNOWN.setdefault(ds, {})
        if "actor" not in known:
            known["actor"] = _actor_scheme(ds)
        return known["actor"]
    col = _value_column(ds, column)
    if col is None:
        raise KeyError(column)
    codes = col.codes
    n_values = len(col.values)
    counts = np.bincount(codes[codes >= 0], minlength=n_values) if len(codes) else np.zeros(0)
    names = [str(v) for v in col.values]
    empty = {k for k, v in enumerate(col.values) if v in ("", None)}
    used = [k for k in range(n_values) if counts[k] and k not in empty]
    used.sort(key=lambda k: (-int(counts[k]), names[k]))
    shown, rest = used[: len(CATEGORICAL)], used[len(CATEGORICAL) :]
    k_other, k_missing = len(shown), len(shown) + 1
    lut = np.full(n_values + 1, k_missing, np.uint16)  # the last: code -1, missing
    lut[shown] = np.arange(len(shown), dtype=np.uint16)
    lut[rest] = k_other
    return ColourScheme(
        column,
        [names[k] for k in shown],
        list(CATEGORICAL[: len(shown)]),
        [int(counts[k]) for k in shown],
        lut[codes],
        others=int(sum(int(counts[k]) for k in rest)),
        other_values=len(rest),
        missing=int(len(codes) - sum(int(counts[k]) for k in used)),
    )


def _actor_scheme(ds: Dataset) -> ColourScheme:
    """Colour by the main actor's state: the dataset's palette, states as values."""
    pal, col, state_of = ds.palette, ds.events.actors, ds.state_of
    states = [s for s, _ in pal.items()]
    colours = [pal.colour(s) for s in states]
    where = {s: k for k, s in enumerate(states)}
    k_missing = len(states) + 1
    per_value = [where.get(state_of(t[0]) or "", k_missing) if t else k_missing for t in col.values]
    lut = np.array([*per_value, k_missing], np.uint16)
    codes = lut[col.codes] if len(col.codes) else np.zeros(0, np.uint16)
    counts = np.bincount(codes, minlength=len(states) + 2)
    keep = [k for k in range(len(states)) if counts[k]]
    names = [ds.actors[s].name if s in ds.actors else s for s in states]
    return ColourScheme(
        ACTOR,
        [names[k] for k in keep],
        [colours[k] for k in keep],
        [int(counts[k]) for k in keep],
        _remap(codes, keep, len(states)),
        missing=int(counts[k_missing]),
    )


def _remap(codes: np.ndarray, keep: list[int], n: int) -> np.ndarray:
    """Codes over ``n`` values (then other, missing) to codes over the ``keep`` ones."""
    lut = np.full(n + 2, len(keep) + 1, np.uint16)
    lut[keep] = np.arange(len(keep), dtype=np.uint16)
    lut[n] = len(keep)
    return lut[codes]


def size_values(ds: Dataset, column: str) -> np.ndarray:
    """Per event its value of a numeric column (float; NaN when it has none)."""
    col = _value_column(ds, column)
    if col is None:
        raise KeyError(column)
    per = [float(v) if _is_number(v) else np.nan for v in col.values]
    lut = np.array([*per, np.nan], np.float64)
    return lut[col.codes]


def radii(values: np.ndarray) -> tuple[np.ndarray, float]:
    """Marker radius (CSS px) per value: area in proportion to the value, from
    :data:`MIN_RADIUS` (zero, none) to :data:`MAX_RADIUS` (the largest); and that
    largest value."""
    finite = np.where(np.isfinite(values) & (values > 0), values, 0.0)
    top = float(finite.max()) if len(finite) else 0.0
    if top <= 0:
        return np.full(len(values), MIN_RADIUS, np.float32), 0.0
    r = MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * np.sqrt(finite / top)
    return r.astype(np.float32), top


def size_marks(top: float) -> list[tuple[str, float]]:
    """The size legend's circles: the largest value and up to two round values under
    it (1, 2 or 5 times a power of ten, near a quarter and a twentieth of it: markers
    a user can tell apart), each ``(label, radius)``, largest first; none when no event
    has a value above zero."""
    if not top > 0:
        return []
    marks = [top]
    for share in (0.25, 0.05):
        want = top * share
        exp = math.floor(math.log10(want)) if want > 0 else 0
        nice = min((m * 10.0**e for e in (exp, exp + 1) for m in (1, 2, 5)),
                   key=lambda v: abs(math.log(v / want)))  # fmt: skip
        if nice < marks[-1] * 0.6 and (nice >= 1 or top < 1):  # whole counts stay whole
            marks.append(nice)
    sized, _ = radii(np.array(marks))  # the markers' own sizes: the largest is top
    return [(_mark_label(v), round(float(r), 2)) for v, r in zip(marks, sized, strict=True)]


def _mark_label(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.3g}"
