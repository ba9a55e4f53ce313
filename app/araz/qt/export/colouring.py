"""The window's Colour by and Size by, carried to an export: the offscreen map draws the
events in the colours (and sizes) the window's map shows, and the sheet's legend lists
those colours with the shown events' counts (and, when sized, the size note and a
circle per round value)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from araz.model import AppModel
from araz.model import colour_by as cb
from araz.views import colours


@dataclass(frozen=True)
class MapColours:
    """Colours and sizes per dataset row, as the window's map draws them."""

    scheme: cb.ColourScheme
    radii: np.ndarray | None  # marker radius (CSS px) per dataset row, None: one size
    size_note: str  # the legend's size line ("" at one size)
    index: Mapping[str, int]  # event id -> dataset row
    page_legend: dict | None = None  # the window map's own legend (MapView.set_colors)

    @property
    def size_marks(self) -> list[tuple[str, float]]:
        """The size legend's circles, (value, radius in CSS px), largest first."""
        marks = (self.page_legend or {}).get("sizes") or []
        return [(str(label), float(radius)) for label, radius in marks]

    @property
    def by_actor(self) -> bool:
        return self.scheme.column == cb.ACTOR

    @property
    def title(self) -> str:
        """The sheet legend's heading."""
        if self.by_actor:
            return "Main actor (marker colour)"
        return f"Colour: {self.scheme.title}"

    def for_ids(self, ids: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray | None]:
        """Palette, a palette index per event of ``ids`` and, when sized, a radius each
        (the arguments of MapView.set_colors for a view holding ``ids``)."""
        rows = np.fromiter((self.index[i] for i in ids), dtype=np.intp, count=len(ids))
        return colours.view_colours(self.scheme, rows, self.radii)

    def legend_rows(self, mask: np.ndarray) -> list[tuple[str, str, int]]:
        """(label, colour, shown events) per colour the shown events (``mask``, dataset
        order) are drawn in, most first (ties in the scheme's order)."""
        return colours.shown_legend(self.scheme, mask)


def map_colours(model: AppModel) -> MapColours | None:
    """The model's colouring for an export; None when the map shows the events' own
    colours (the main actor's) at one size, as the records already carry them."""
    if model.colour_by == cb.ACTOR and model.size_by is None:
        return None
    sizes = model.sizes
    spec = colours.legend(model.colour_scheme, model.size_by, sizes[1] if sizes else 0.0)
    return MapColours(
        scheme=model.colour_scheme,
        radii=sizes[0] if sizes is not None else None,
        size_note=spec["size"] if spec else "",
        index=model.dataset.index,
        page_legend=spec,
    )
