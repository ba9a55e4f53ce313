"""What the map and the timeline draw for a colour scheme (pure: numpy, no Qt): the
palette and a code per drawn event, marker sizes, and the legend's text."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..model import colour_by as cb


def legend(scheme: cb.ColourScheme, size_by: str | None, top: float) -> dict[str, Any] | None:
    """The map legend's content: ``{"title", "rows": [[label, colour, count, index]],
    "size", "sizes": [[label, radius]]}`` (``sizes``: the size legend's circles, largest
    first; ``index``: the row's colour in ``scheme.palette()``: the page counts the
    markers it shows in each, so the legend follows the filter); None when colouring by
    the main actor at one size (the Filters panel lists the actors with their colours,
    as before)."""
    actor = scheme.column == cb.ACTOR
    if actor and size_by is None:
        return None
    size = ""
    marks: list[list] = []
    if size_by is not None:
        size = (
            f"Size: {cb.label(size_by).lower()}, marker area in proportion "
            f"(largest {top:,.0f}; none or 0 the smallest)"
        )
        marks = [[label, radius] for label, radius in cb.size_marks(top)]
    if actor:
        return {"title": "", "rows": [], "size": size, "sizes": marks}
    # the legend's rows are the values (their palette slots in order), then the other
    # values and no value (the palette's last two slots), those two only when present
    n = len(scheme.values)
    slots = [*range(n), *([n] if scheme.others else []), *([n + 1] if scheme.missing else [])]
    rows = [[*row, slot] for row, slot in zip(scheme.legend(), slots, strict=True)]
    return {"title": f"Colour: {scheme.title}", "rows": rows, "size": size, "sizes": marks}


def view_colours(
    scheme: cb.ColourScheme, rows: np.ndarray, sizes: np.ndarray | None
) -> tuple[list[str], np.ndarray, np.ndarray | None]:
    """Palette, a palette index per view row (``rows``: the dataset row of each) and,
    when sized, a radius per view row."""
    codes = scheme.codes[rows] if len(rows) else np.zeros(0, np.uint16)
    return scheme.palette(), codes, (sizes[rows] if sizes is not None else None)


def shown_legend(scheme: cb.ColourScheme, mask: np.ndarray) -> list[tuple[str, str, int]]:
    """(label, colour, shown events) per colour of ``scheme`` that the events where
    ``mask`` (dataset order) is set are drawn in, most first (ties in palette order)."""
    palette = scheme.palette()
    labels = [*scheme.values, f"{scheme.other_values} other values", "no value"]
    counts = np.bincount(scheme.codes[np.asarray(mask, dtype=bool)], minlength=len(palette))
    rows = [(labels[k], palette[k], int(counts[k])) for k in range(len(palette)) if counts[k]]
    return sorted(rows, key=lambda row: -row[2])
