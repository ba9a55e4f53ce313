"""The one place where state lives: dataset, filter, selection, hover, view options.

Views observe :attr:`AppModel.changed` and turn user gestures into calls here.  They never
call each other.  One gesture gives one notification: changes made inside
:meth:`AppModel.batch` are merged and emitted once.  Filter and selection changes are
commands with undo/redo (glue's ``core/command.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from .. import heap
from . import colour_by as cb
from .dataset import Dataset
from .filter import Filter, combine
from .signals import Signal
from .table import take


@dataclass(frozen=True, slots=True)
class Selection:
    """Selected event ids and the one active (shown in detail, flown to)."""

    ids: frozenset[str] = frozenset()
    active: str | None = None

    @classmethod
    def of(cls, ids: Iterable[str], active: str | None = None) -> Selection:
        ids = frozenset(ids)
        if active is None and len(ids) == 1:
            active = next(iter(ids))
        if active is not None:
            ids = ids | {active}
        return cls(ids, active)


@dataclass(frozen=True, slots=True)
class Change:
    """What one notification covers."""

    dataset: bool = False
    filter: bool = False
    selection: bool = False
    hover: bool = False
    view: bool = False
    colour: bool = False  # what colours and sizes the events (colour_by, size_by)

    def __or__(self, other: Change) -> Change:
        return Change(*(a or b for a, b in zip(self._t(), other._t(), strict=True)))

    def _t(self) -> tuple[bool, ...]:
        return (self.dataset, self.filter, self.selection, self.hover, self.view, self.colour)


@dataclass(frozen=True, slots=True)
class _State:
    filter: Filter
    selection: Selection


@dataclass
class _History:
    undo: list[_State] = field(default_factory=list)
    redo: list[_State] = field(default_factory=list)
    limit: int = 200


class AppModel:
    changed = Signal(Change)

    def __init__(self, dataset: Dataset | None = None):
        self._dataset = dataset if dataset is not None else Dataset([], {}, {})
        self._filter = Filter()
        self._selection = Selection()
        self._hover: str | None = None
        self._lane_mode = "actor"
        self._follow_window = False
        # what the user chose to colour and size by; a dataset without that column
        # shows the main actor (or no size) and the choice stays for the next one
        self._colour_wanted = cb.ACTOR
        self._size_wanted: str | None = None
        self._scheme: cb.ColourScheme | None = None
        self._size: tuple[str, np.ndarray, float] | None = None
        self._offered: tuple[Dataset, list[str], list[str]] | None = None
        self._mask: np.ndarray | None = None
        self._all: bool | None = None  # the mask all True
        self._rows: np.ndarray | None = None  # the mask's indices
        self._parts: dict[str, np.ndarray] | None = None
        # the filter before and its parts, over this dataset: the kinds a change leaves
        # as they were are taken over, not computed again
        self._before: tuple[Filter, dict[str, np.ndarray]] | None = None
        self._shown: list[str] | None = None
        self._history = _History()
        self._pending: Change | None = None
        self._trim = False  # give the freed heap back once the views have the change
        self._depth = 0

    # ------------------------------------------------------------ reading

    @property
    def dataset(self) -> Dataset:
        return self._dataset

    @property
    def filter(self) -> Filter:
        return self._filter

    @property
    def selection(self) -> Selection:
        return self._selection

    @property
    def hover(self) -> str | None:
        return self._hover

    @property
    def lane_mode(self) -> str:
        return self._lane_mode

    @property
    def follow_window(self) -> bool:
        """View option: the map frames the events of the time window as it moves."""
        return self._follow_window

    @property
    def colour_by(self) -> str:
        """The column events are coloured by (``colour_by.ACTOR``: the main actor)."""
        wanted = self._colour_wanted
        return wanted if wanted != cb.ACTOR and wanted in self.colour_columns() else cb.ACTOR

    @property
    def size_by(self) -> str | None:
        """The numeric column markers are sized by, or None (all one size)."""
        wanted = self._size_wanted
        return wanted if wanted is not None and wanted in self.size_columns() else None

    def colour_columns(self) -> list[str]:
        """The columns the dataset can be coloured by (the main actor first)."""
        return self._columns()[0]

    def size_columns(self) -> list[str]:
        """The numeric columns the dataset can size markers by."""
        return self._columns()[1]

    def _columns(self) -> tuple[list[str], list[str]]:
        ds = self._dataset
        cached = self._offered
        if cached is None or cached[0] is not ds:
            cached = self._offered = (ds, *cb.offered(ds))
        return cached[1], cached[2]

    @property
    def colour_scheme(self) -> cb.ColourScheme:
        """Colours of the values of :attr:`colour_by` and a code per event (dataset
        order), computed once per dataset and column."""
        if self._scheme is None or self._scheme.column != self.colour_by:
            self._scheme = cb.colour_scheme(self._dataset, self.colour_by)
        return self._scheme

    @property
    def sizes(self) -> tuple[np.ndarray, float] | None:
        """Marker radius (CSS px) per event (dataset order) and the largest value of
        :attr:`size_by`, or None when markers are all one size."""
        column = self.size_by
        if column is None:
            return None
        if self._size is None or self._size[0] != column:
            self._size = (column, *cb.radii(cb.size_values(self._dataset, column)))
        return self._size[1], self._size[2]

    @property
    def mask(self) -> np.ndarray:
        """Bool per event (dataset order): shown under the current filter."""
        if self._mask is None:
            self._mask = combine(self._filter_parts().values(), len(self._dataset))
        return self._mask

    @property
    def all_shown(self) -> bool:
        """True when the filter shows every event (nothing to pick)."""
        if self._all is None:
            self._all = bool(self.mask.all())
        return self._all

    @property
    def shown_rows(self) -> np.ndarray:
        """Dataset indices of the events the filter shows, ascending (``flatnonzero`` of
        the mask, made once per filter for every view that picks by index)."""
        if self._rows is None:
            self._rows = np.flatnonzero(self.mask)
        return self._rows

    def mask_except(self, kind: str) -> np.ndarray:
        """Bool per event: shown under every filter but the one of this kind (see
        ``Filter.parts``): what the counts next to that kind's values count."""
        shown = self.shown_except(kind)
        return np.ones(len(self._dataset), bool) if shown is None else shown

    def shown_except(self, kind: str) -> np.ndarray | None:
        """:meth:`mask_except`, or None when no other kind constrains (every event: the
        counts are the dataset's own); the one other part itself when it is alone."""
        others = [m for k, m in self._filter_parts().items() if k != kind]
        if not others:
            return None
        return others[0] if len(others) == 1 else combine(others, len(self._dataset))

    def _filter_parts(self) -> dict[str, np.ndarray]:
        if self._parts is None:
            self._parts = self._filter.parts(self._dataset, self._before)
        return self._parts

    def shown_ids(self) -> list[str]:
        """Ids of the events the filter shows, in dataset order (computed once per mask)."""
        if self._shown is None:
            self._shown = take(self._dataset.events.ids, self.shown_rows)
        return self._shown

    @property
    def can_undo(self) -> bool:
        return bool(self._history.undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._history.redo)

    # ------------------------------------------------------------ batching

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Merge every change made inside into one notification."""
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0 and self._pending is not None:
                self._emit()

    def _notify(self, change: Change) -> None:
        self._pending = change if self._pending is None else self._pending | change
        if self._depth == 0:
            self._emit()

    def _emit(self) -> None:
        """Send the pending change; then, after a filter change other than the time
        window's, give back to the system what the model and the views freed while they
        followed it (a search's and the views' temporaries: 10-30 MB at a million events
        left as holes in the heap, which only a trim returns; ~0.5 ms).  A window's
        change (a playback's steps, a brush) does not trim: it comes many times a second."""
        change, self._pending = self._pending, None
        trim, self._trim = self._trim, False
        if change is None:
            return
        self.changed.emit(change)
        if trim:
            heap.trim()

    # ------------------------------------------------------------ writing

    def set_dataset(self, dataset: Dataset) -> None:
        """Replace the data: filter (but for the meaning of the actors), selection and
        history start afresh."""
        self._dataset = dataset
        self._scheme = self._size = None
        self._filter = Filter(actor_match=self._filter.actor_match)
        self._selection = Selection()
        self._hover = None
        self._mask = self._all = self._rows = None
        self._parts = self._before = None
        self._shown = None
        self._history = _History()
        self._notify(Change(dataset=True, filter=True, selection=True, hover=True, colour=True))

    def set_filter(self, new: Filter, *, record: bool = True) -> None:
        if new == self._filter:
            return
        self._push(record)
        self._apply(new, self._selection)

    def update_filter(self, **changes) -> None:
        self.set_filter(self._filter.replace(**changes))

    def select(
        self,
        ids: Iterable[str],
        active: str | None = None,
        *,
        add: bool = False,
        record: bool = True,
    ) -> None:
        ids = [i for i in ids if i in self._dataset.index]
        if active is not None and active not in self._dataset.index:
            active = None
        if add:
            new = Selection.of(self._selection.ids | set(ids), active or self._selection.active)
        else:
            new = Selection.of(ids, active)
        if new == self._selection:
            return
        self._push(record)
        self._apply(self._filter, new)

    def clear_selection(self) -> None:
        self.select([])

    def set_hover(self, event_id: str | None) -> None:
        event_id = event_id or None
        if event_id == self._hover:
            return
        self._hover = event_id
        self._notify(Change(hover=True))

    def set_lane_mode(self, mode: str) -> None:
        if mode not in ("actor", "category"):
            raise ValueError(f"unknown lane mode {mode!r}")
        if mode != self._lane_mode:
            self._lane_mode = mode
            self._notify(Change(view=True))

    def set_follow_window(self, follow: bool) -> None:
        if bool(follow) != self._follow_window:
            self._follow_window = bool(follow)
            self._notify(Change(view=True))

    def set_colour_by(self, column: str) -> None:
        """Colour events by this column (``colour_by.ACTOR``: the main actor).  A column
        the dataset lacks is kept as the choice for the next dataset that has it."""
        before = self.colour_by
        self._colour_wanted = column or cb.ACTOR
        if self.colour_by != before:
            self._notify(Change(colour=True))

    def set_size_by(self, column: str | None) -> None:
        """Size markers by this numeric column (None: one size for all)."""
        before = self.size_by
        self._size_wanted = column or None
        if self.size_by != before:
            self._notify(Change(colour=True))

    # ------------------------------------------------------------ undo

    def undo(self) -> bool:
        if not self._history.undo:
            return False
        self._history.redo.append(_State(self._filter, self._selection))
        state = self._history.undo.pop()
        self._apply(state.filter, state.selection)
        return True

    def redo(self) -> bool:
        if not self._history.redo:
            return False
        self._history.undo.append(_State(self._filter, self._selection))
        state = self._history.redo.pop()
        self._apply(state.filter, state.selection)
        return True

    def _push(self, record: bool) -> None:
        if not record:
            return
        h = self._history
        h.undo.append(_State(self._filter, self._selection))
        del h.undo[: -h.limit]
        h.redo.clear()

    def _apply(self, flt: Filter, sel: Selection) -> None:
        change = Change(filter=flt != self._filter, selection=sel != self._selection)
        if change.filter:
            if self._parts is not None:
                self._before = (self._filter, self._parts)
            self._trim = self._trim or flt.replace(window=self._filter.window) != self._filter
            self._filter = flt
            self._mask = self._all = self._rows = None
            self._parts = None
            self._shown = None
        self._selection = sel
        self._notify(change)
