"""Columnar event data for the timeline: numpy arrays sorted by (start, id), no Qt.

The app's binding layer turns the model's events into a :class:`TimelineData` (one row
per event) and hands it to :class:`~araz.qt.timeline.view.TimelineView`.  Days are day
numbers since 1970-01-01 (proleptic Gregorian, :mod:`araz.model.dates`); ``start`` and
``end`` are the *strict* bounds, inclusive, so a one-day event has ``end == start`` and
the year 2021 runs from ``days_from_civil(2021, 1, 1)`` to ``days_from_civil(2021, 12, 31)``.
On screen day ``d`` covers ``[d, d + 1)``.

The ``label`` and ``tooltip`` columns may be *lazy*: any sequence-like object with
``__len__`` and ``__getitem__(int) -> str`` (e.g. a :class:`LazyTexts`) is kept as it is
and read through the sort permutation (a :class:`Permuted`), so a text is only built
when a row is drawn or hovered.  At 100,000 events that saves the ~14 MB a list of
ready-made tooltips costs.  Lists, tuples and arrays are copied into sorted lists as
before; the lane columns are always lists (lanes read all of them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from araz.model.dates import FuzzyDate, days_from_civil
from araz.model.table import Rows, take

PRECISIONS = ("day", "month", "season", "year", "decade", "century", "interval")
DEFAULT_COLOR = 0xFF5B6B7F
_BOOL_FIELDS = ("fade_start", "fade_end", "open_start", "open_end")
_TEXT_FIELDS = ("label", "tooltip", "lane_actor", "lane_category")
_LAZY_FIELDS = ("label", "tooltip")  # read a row at a time, so they may stay lazy


def parse_color(value: Any) -> int:
    """An ARGB uint32 from ``"#RRGGBB"``, ``"#AARRGGBB"`` or an int (alpha forced if 0)."""
    if isinstance(value, str):
        text = value.strip().lstrip("#")
        if len(text) == 3:
            text = "".join(c * 2 for c in text)
        try:
            number = int(text, 16)
        except ValueError:
            return DEFAULT_COLOR
        if len(text) == 6:
            return 0xFF000000 | number
        if len(text) == 8:
            return number
        return DEFAULT_COLOR
    if value is None:
        return DEFAULT_COLOR
    number = int(value) & 0xFFFFFFFF
    return number if number >> 24 else number | 0xFF000000


def _colors(values: Any, n: int) -> np.ndarray:
    if isinstance(values, list) and values and type(values[0]) is int:
        as_array = np.array(values)  # all ints (as the app's columns give): vectorised
        if as_array.dtype.kind in "ui":
            values = as_array
    if isinstance(values, np.ndarray) and values.dtype.kind in "ui":
        out = values.astype(np.uint32)
        return np.where(out >> 24 == 0, out | np.uint32(0xFF000000), out).astype(np.uint32)
    return np.fromiter((parse_color(v) for v in values), dtype=np.uint32, count=n)


class Permuted(Rows[str]):
    """``seq`` seen through a permutation (or a selection of its rows, sorted), never
    copied: ``self[r] == str(seq[order[r]])``.

    What :class:`TimelineData` keeps for a lazy ``label`` or ``tooltip`` column.
    """

    __slots__ = ("order", "seq")

    def __init__(self, seq: Sequence, order: np.ndarray | None):
        self.seq = seq
        self.order = order  # None: the identity

    def __len__(self) -> int:
        return len(self.seq) if self.order is None else len(self.order)

    def _row(self, k: int) -> str:
        return str(self.seq[int(self.order[k]) if self.order is not None else k])

    def __iter__(self) -> Iterator[str]:
        # a model column (Strings, Coded with no code -1): a chunk at a time, in C
        taker, codes = getattr(self.seq, "take", None), getattr(self.seq, "codes", None)
        missing = codes is not None and len(codes) and int(np.min(codes)) < 0
        if taker is None or self.order is None or missing:
            return (self[k] for k in range(len(self)))
        step = 65536
        return (str(t) for a in range(0, len(self), step) for t in taker(self.order[a : a + step]))

    def __repr__(self) -> str:
        return f"Permuted({self.seq!r}, {len(self)} rows)"


def _is_lazy(values: Any) -> bool:
    """Whether a text column is kept as given: sequence-like but not a list, tuple or
    array (those, and mere iterables, are copied as before)."""
    if isinstance(values, (list, tuple, np.ndarray, str, bytes, dict)):
        return False
    return hasattr(values, "__len__") and hasattr(values, "__getitem__")


@dataclass
class TimelineData:
    """One row per event, sorted by (start, id) when constructed."""

    ids: Sequence[str]  # a list, or read through a Permuted (TimelineData.sorted_columns)
    start: np.ndarray
    end: np.ndarray
    precision: Sequence[str] | np.ndarray  # or a model Coded column (sorted_columns)
    fade_start: np.ndarray
    fade_end: np.ndarray
    open_start: np.ndarray
    open_end: np.ndarray
    color: np.ndarray
    label: Sequence[str]  # a list, or a lazy column read through a Permuted
    tooltip: Sequence[str]  # likewise (see LazyTexts)
    lane_actor: Sequence[str]  # a list, or a model Coded column (codes and the lane names)
    lane_category: Sequence[str]
    _index: Mapping[str, int] | None = field(default=None, init=False, repr=False, compare=False)
    # (start, end, extent): the extent of these very columns, read at every paint
    _extent: tuple | None = field(default=None, init=False, repr=False, compare=False)
    # (color, lanes): the actor lanes in these colours (actor_lanes)
    _actor_lanes: tuple | None = field(default=None, init=False, repr=False, compare=False)
    # set in __post_init__
    _is_point: np.ndarray = field(default=None, init=False, repr=False, compare=False)  # type: ignore[arg-type]
    order: np.ndarray = field(default=None, init=False, repr=False, compare=False)  # type: ignore[arg-type]

    def lanes_for(self, mode: str, color: np.ndarray) -> Any:
        """The lanes (:func:`araz.views.timeline.layout.build_lanes`) of ``mode``
        ("actor" or "category") in these colours; the actor lanes in the data's own
        colours made once (the loader's thread makes them: araz.views.prepared)."""
        from .layout import build_lanes

        if mode != "actor" or color is not self.color:
            return build_lanes(self.lane_actor if mode == "actor" else self.lane_category, color)
        made = self._actor_lanes
        if made is None or made[0] is not self.color:
            made = self._actor_lanes = (self.color, build_lanes(self.lane_actor, self.color))
        return made[1]

    def put_actor_lanes(self, lanes: Any) -> None:
        """The actor lanes in the data's own colours, as an earlier open of the same
        file made them (:mod:`araz.views.prepared`, which checked them): not made again."""
        self._actor_lanes = (self.color, lanes)

    def __post_init__(self) -> None:
        n = len(self.ids)
        ids = list(map(str, self.ids))
        start = np.asarray(self.start, dtype=np.float64).reshape(n)
        end = np.asarray(self.end, dtype=np.float64).reshape(n)
        if n and not (np.isfinite(start).all() and np.isfinite(end).all()):
            raise ValueError("start and end must be finite day numbers (the strict bounds)")
        end = np.maximum(end, start)
        order: np.ndarray = np.asarray(
            np.lexsort((np.asarray(ids, dtype=object).astype(str), start)) if n else [],
            dtype=np.intp,
        )
        self.order = order  # row k here was row order[k] of the columns as given
        self.ids = take(ids, order)
        self.start = start[order]
        self.end = end[order]
        # an object array of the (few, shared) precision names: 8 bytes a row, not 32
        precision = np.asarray(self.precision, dtype=object).reshape(n)[order]
        self.precision = np.array(list(map(str, precision)), dtype=object).reshape(n)
        for name in _BOOL_FIELDS:
            setattr(self, name, np.asarray(getattr(self, name), dtype=bool).reshape(n)[order])
        self.color = _colors(self.color, n)[order]
        identity = bool(n) and bool((order == np.arange(n)).all())
        for name in _TEXT_FIELDS:
            values = getattr(self, name)
            lazy = name in _LAZY_FIELDS and _is_lazy(values)
            if not lazy:
                values = list(values)
            if len(values) != n:
                raise ValueError(f"{name} has {len(values)} values for {n} events")
            if lazy:
                setattr(self, name, Permuted(values, None if identity else order))
            else:
                setattr(self, name, list(map(str, take(values, order))))
        self._index = None
        coarse = np.isin(self.precision, ("month", "season", "year", "decade", "century"))
        self._is_point = (self.end <= self.start) & ~coarse

    @classmethod
    def sorted_columns(cls, *, order: np.ndarray, is_point: np.ndarray, **columns) -> TimelineData:
        """Columns already sorted by (start, id), with ``end >= start``, of the types
        :meth:`__post_init__` makes (any ``Sequence`` for the texts: lazy ones read
        through :class:`Permuted`), kept as they are: ``order`` as :attr:`order`
        would be, ``is_point`` as :attr:`is_point` (:mod:`araz.views.arrays` makes them
        from a dataset's codes, sorted once)."""
        self = cls.__new__(cls)
        for name, value in columns.items():
            setattr(self, name, value)
        n = len(order)
        for name in ("ids", "start", "end", "precision", *_BOOL_FIELDS, "color", *_TEXT_FIELDS):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name} has {len(getattr(self, name))} values for {n} events")
        self.order, self._is_point = order, is_point
        self._index, self._extent = None, None
        return self

    def __len__(self) -> int:
        return len(self.ids)

    # ------------------------------------------------------------ derived columns

    @property
    def is_point(self) -> np.ndarray:
        """True where the event is one day (drawn as a point; a coarse date never is)."""
        return self._is_point

    def use_index(self, index: Mapping[str, int]) -> None:
        """Look rows up in ``index`` (event id -> row, e.g. through the app's dataset)
        instead of building a dict of every id here."""
        self._index = index

    def index_of(self, event_id: str) -> int | None:
        """The row of an id, or None."""
        if self._index is None:
            self._index = {k: i for i, k in enumerate(self.ids)}
        return self._index.get(event_id)

    def extent(self) -> tuple[float, float] | None:
        """First day and the day after the last day, or None when empty."""
        if not len(self):
            return None
        e = self._extent
        if e is None or e[0] is not self.start or e[1] is not self.end:  # columns replaced
            e = self._extent = (
                self.start,
                self.end,
                (float(self.start[0]), float(self.end.max()) + 1.0),
            )
        return e[2]

    # ------------------------------------------------------------ constructors

    @classmethod
    def empty(cls) -> TimelineData:
        return cls.from_records([])

    @classmethod
    def from_records(cls, records: Sequence[dict]) -> TimelineData:
        """Build from dicts keyed by the field names (singular) plus ``"id"``.

        ``start``/``end`` are day numbers; instead a record may give ``"date"``, an EDTF
        string, from which start, end, precision, fades and open ends are derived.
        Missing keys get defaults (label = id, tooltip = label, lanes ``""``).
        """
        cols: dict[str, list] = {k: [] for k in ("ids", "start", "end", "precision")}
        for name in (*_BOOL_FIELDS, "color", *_TEXT_FIELDS):
            cols[name] = []
        for rec in records:
            rec = dict(rec)
            if "date" in rec and "start" not in rec:
                rec = {**_from_edtf(rec["date"]), **rec}
            start = float(rec["start"])
            end = float(rec.get("end", start))
            cols["ids"].append(str(rec["id"]))
            cols["start"].append(start)
            cols["end"].append(end)
            cols["precision"].append(
                rec.get("precision") or ("day" if end <= start else "interval")
            )
            for name in _BOOL_FIELDS:
                cols[name].append(bool(rec.get(name, False)))
            cols["color"].append(parse_color(rec.get("color")))
            label = str(rec.get("label", rec["id"]))
            cols["label"].append(label)
            cols["tooltip"].append(str(rec.get("tooltip", label)))
            cols["lane_actor"].append(str(rec.get("lane_actor", "")))
            cols["lane_category"].append(str(rec.get("lane_category", "")))
        n = len(cols["ids"])
        return cls(
            ids=cols["ids"],
            start=np.array(cols["start"], dtype=np.float64),
            end=np.array(cols["end"], dtype=np.float64),
            precision=cols["precision"],
            fade_start=np.array(cols["fade_start"], dtype=bool),
            fade_end=np.array(cols["fade_end"], dtype=bool),
            open_start=np.array(cols["open_start"], dtype=bool),
            open_end=np.array(cols["open_end"], dtype=bool),
            color=np.array(cols["color"], dtype=np.uint32).reshape(n),
            label=cols["label"],
            tooltip=cols["tooltip"],
            lane_actor=cols["lane_actor"],
            lane_category=cols["lane_category"],
        )

    @classmethod
    def synthetic(cls, n: int, seed: int = 0) -> TimelineData:
        """``n`` plausible events over 2020–2023 for benchmarks and tests (deterministic)."""
        rng = np.random.default_rng(seed)
        first, last = days_from_civil(2020, 1, 1), days_from_civil(2023, 12, 31)
        start = rng.integers(first, last + 1, size=n).astype(np.float64)
        kind = rng.choice(7, size=n, p=[0.78, 0.08, 0.02, 0.03, 0.06, 0.02, 0.01])
        names = np.array(["day", "month", "season", "year", "interval", "interval", "interval"])
        precision = names[kind]
        length = np.zeros(n)
        length[kind == 1] = 30
        length[kind == 2] = 90
        length[kind == 3] = 364
        length[kind >= 4] = rng.integers(1, 240, size=int((kind >= 4).sum()))
        end = start + length
        fade = rng.random(n) < 0.1
        open_end = (kind == 6) & (rng.random(n) < 0.5)
        open_start = (kind == 6) & ~open_end
        actors = ["Iran", "Azerbaijan", "Armenia", "Turkey", "Russia", "Israel", "Georgia"]
        cats = ["military", "diplomacy", "border", "energy", "protest", "infrastructure"]
        palette = np.array(
            [0xFF1B9E77, 0xFF2C7FB8, 0xFFD95F02, 0xFFC51B7D, 0xFF7570B3, 0xFF66A61E, 0xFFA6761D],
            dtype=np.uint32,
        )
        actor_i = rng.integers(0, len(actors), size=n)
        cat_i = rng.integers(0, len(cats), size=n)
        ids = [f"e{i:06d}" for i in range(n)]
        labels = [f"{cats[c].capitalize()} event {i}" for i, c in enumerate(cat_i)]
        return cls(
            ids=ids,
            start=start,
            end=end,
            precision=precision,
            fade_start=fade | open_start,
            fade_end=fade,
            open_start=open_start,
            open_end=open_end,
            color=palette[actor_i],
            label=labels,
            tooltip=[f"{lab}\n{actors[a]}" for lab, a in zip(labels, actor_i, strict=True)],
            lane_actor=[actors[a] for a in actor_i],
            lane_category=[cats[c] for c in cat_i],
        )


def _from_edtf(text: str) -> dict:
    """start/end/precision/fade/open fields of an EDTF expression."""
    fd = FuzzyDate.parse(text)
    fade_start, fade_end = fd.approximate
    return {
        "start": float(fd.lower),
        "end": float(fd.upper),
        "precision": fd.precision,
        "fade_start": fade_start or fd.unknown_start,
        "fade_end": fade_end or fd.unknown_end,
        "open_start": fd.open_start or fd.unknown_start,
        "open_end": fd.open_end or fd.unknown_end,
        "display": fd.display(),
    }


class LazyTexts(Rows[str]):
    """A text column whose values are made on demand: ``texts[i] == fn(i)``.

    For the timeline's (``TimelineData``) ``label`` and ``tooltip`` columns when building every
    text up front would be wasteful (only the hovered tooltip is ever shown)::

        tooltip = LazyTexts(len(rows), lambda i: f"{titles[i]} ({dates[i]})")
        TimelineData(..., tooltip=tooltip, ...)

    ``i`` is the row in the order the columns are *given* (before TimelineData sorts
    them by start and id); TimelineData keeps the permutation and looks up through it.
    ``fn`` is called on every access and nothing is cached, so it should be cheap and
    pure, and whatever it reads (``titles`` …) stays alive as long as the column.
    """

    __slots__ = ("_fn", "_n")

    def __init__(self, n: int, fn: Callable[[int], str]):
        self._n = int(n)
        if self._n < 0:
            raise ValueError(f"a column of {n} rows")
        self._fn = fn

    def __len__(self) -> int:
        return self._n

    def _row(self, k: int) -> str:
        return self._fn(k)

    def __repr__(self) -> str:
        return f"LazyTexts({self._n}, {self._fn!r})"
