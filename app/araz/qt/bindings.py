"""Adapters between the AppModel and the two big views.  Each turns model changes into
view calls and view gestures into model calls; the map and the timeline never meet."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from PySide6.QtCore import QObject

from ..model import AppModel, Change
from ..model import colour_by as cb
from ..views import colours
from ..views.prepared import map_data, timeline_data, timeline_rows  # noqa: F401  (loader, tests)
from .map import MapView
from .timeline import TimelineView


def lane_notes(ds) -> dict[str, str]:
    """Tooltips for the actor lanes: a state's lane holds its people and organisations."""
    notes = {}
    for actor in ds.actors.values():
        if actor.kind != "state":
            continue
        members = ds.members(actor.id)
        note = f"Events whose main actor is {actor.name}"
        if members:
            names = ", ".join(m.name for m in members[:12])
            more = f" and {len(members) - 12} more" if len(members) > 12 else ""
            note = (
                f"{actor.name}, with its people and organisations:\n{names}{more}\n"
                f"{note} or one of them"
            )
        notes[actor.name] = note
    return notes


def _is_every(rows: np.ndarray, n: int) -> bool:
    """Whether a view's rows are every dataset index in order (its masks: the model's)."""
    return len(rows) == n and bool((rows == np.arange(n)).all())


class MapBinding(QObject):
    def __init__(self, model: AppModel, view: MapView, parent=None):
        super().__init__(parent)
        self.model, self.view = model, view
        self._placed: Mapping[str, int] = {}  # the events on the map: id -> position
        self._rows = np.zeros(0, np.intp)  # map event -> dataset index
        self._every = False
        self.loaded_seq = 0  # the map call that completes the dataset's first drawing
        view.clicked.connect(self._on_clicked)
        view.hovered.connect(self._on_hovered)
        view.picked.connect(self._on_picked)
        model.changed.connect(self._on_model_changed)
        # An empty model (the app starting, its data still loading) has nothing to draw
        # and the page starts empty: a payload for it would be built, published, then
        # replaced before the page fetched it (a 404 in the page's log at every start).
        if len(model.dataset):
            self._load()

    def _load(self) -> None:
        ds = self.model.dataset
        events, self._rows = map_data(ds)
        self._every = _is_every(self._rows, len(ds))  # each event, in order: no picking
        self._placed = events.index
        # the view reads the payload and the coordinates from the views' data when it
        # needs them (the payload moves into the views' cache file once it is written)
        self.view.set_events(events, lambda: map_data(ds)[0])
        if self.model.colour_by != cb.ACTOR or self.model.size_by is not None:
            self._colour()  # the payload carries the main actors' colours
        if not self.model.all_shown:  # the page shows new events all: no mask to send
            self._show()
        # the curated story opens on the region of the brief; other data is framed
        self.loaded_seq = self.view.fit(None if ds.seed is not None else events.ids)

    def _show(self) -> None:
        mask = self.model.mask  # else a take: no boolean branch
        self.view.show_mask(mask if self._every else mask.take(self._rows))

    def _colour(self) -> int:
        """Send the colours and sizes of the model's colour_by and size_by."""
        m = self.model
        scheme, sizes = m.colour_scheme, m.sizes
        palette, codes, radii = colours.view_colours(
            scheme, self._rows, sizes[0] if sizes else None
        )
        spec = colours.legend(scheme, m.size_by, sizes[1] if sizes else 0.0)
        return self.view.set_colors(palette, codes, radii, spec)

    def fit_shown(self) -> int:
        """Frame the events the filter shows (none: the default view)."""
        return self.view.fit_mask(self.model.mask[self._rows])

    def _on_model_changed(self, change: Change) -> None:
        if change.dataset:
            self._load()
            return
        if change.colour:
            self._colour()
        if change.filter:
            self._show()
        if change.selection or (change.filter and self._active_hidden()):
            # a popup of an event that the filter (a playing window) hides closes
            active = self.model.selection.active
            shown = active in self._placed and not self._active_hidden()
            self.view.select(active if shown or change.selection else None)
        following = self.model.follow_window and self.model.filter.window is not None
        if following and (change.filter or change.view):
            self._follow()
        if change.hover:
            hover = self.model.hover
            self.view.highlight(hover if hover in self._placed else None)

    def _active_hidden(self) -> bool:
        """Whether the active event is on the map but hidden by the filter."""
        active = self.model.selection.active
        ds = self.model.dataset
        return active in self._placed and not self.model.mask[ds.index[active]]

    def _follow(self) -> None:
        """Frame the events the time window shows (none: the map stays where it is)."""
        shown = self.model.mask[self._rows]
        if shown.any():
            self.view.fit_mask(shown)

    def _on_clicked(self, event_id: str) -> None:
        self.model.select([event_id])

    def _on_picked(self, ids: list) -> None:
        """A density bin clicked: its events selected, none active (the map stays put and
        the Event panel says how many) unless it holds one."""
        self.model.select(ids)

    def _on_hovered(self, event_id: str) -> None:
        self.model.set_hover(event_id or None)


class TimelineBinding(QObject):
    def __init__(self, model: AppModel, view: TimelineView, parent=None):
        super().__init__(parent)
        self.model, self.view = model, view
        self._rows = np.zeros(0, np.intp)  # timeline row -> dataset index
        self._every = False
        view.selectionRequested.connect(self._on_selection_requested)
        view.activeStepped.connect(lambda eid: self.model.select([eid]))
        view.hovered.connect(lambda eid: self.model.set_hover(eid or None))
        view.windowBrushed.connect(self._on_brushed)
        model.changed.connect(self._on_model_changed)
        self._load()

    def _load(self) -> None:
        ds = self.model.dataset
        data, self._rows = timeline_rows(ds)
        self._every = _is_every(self._rows, len(ds))
        self.view.set_data(data)
        self._colour()
        self.view.set_lane_notes(lane_notes(ds))
        self.view.set_lane_mode(self.model.lane_mode)
        self._sync_filter()
        self._sync_selection()
        self.view.fit_all()

    def _colour(self) -> None:
        """The model's colours on the marks (None: the data's own, the main actor's)."""
        m = self.model
        if m.colour_by == cb.ACTOR:
            self.view.set_colors(None)
        else:
            self.view.set_colors(m.colour_scheme.argb()[self._rows])

    def _sync_filter(self) -> None:
        m = self.model  # every event shown: no mask to pick for the timeline's rows
        mask = None if not len(self._rows) or m.all_shown else m.mask
        self.view.set_visible_mask(mask if self._every or mask is None else mask.take(self._rows))
        self.view.set_time_window(self.model.filter.window)

    def _sync_selection(self) -> None:
        sel = self.model.selection
        self.view.set_selection(sel.ids, sel.active)

    def _on_model_changed(self, change: Change) -> None:
        if change.dataset:
            self._load()
            return
        if change.filter:
            self._sync_filter()
        if change.selection:
            self._sync_selection()
        if change.hover:
            self.view.set_hover(self.model.hover)
        if change.view:
            self.view.set_lane_mode(self.model.lane_mode)
        if change.colour:
            self._colour()

    def _on_selection_requested(self, ids: list, additive: bool) -> None:
        if not ids and not additive:
            self.model.clear_selection()
        else:
            self.model.select(ids, ids[0] if ids else None, add=additive)

    def _on_brushed(self, window) -> None:
        self.model.update_filter(window=tuple(window) if window is not None else None)
