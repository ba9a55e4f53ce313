"""Colour by and Size by for the headless exports (``araz snapshot``, ``araz export``
HTML): the columns named on the command line, checked against what the dataset offers
(as View → Colour by / Size by do), turned into the colours, radii and legend the map
page draws (pure: numpy, no Qt)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..model import colour_by as cb
from ..model.dataset import Dataset
from ..views import colours
from .atomic import ExportError


@dataclass(frozen=True)
class Colouring:
    """Colours (and sizes) per dataset row, and the map legend that lists them."""

    scheme: cb.ColourScheme
    radii: np.ndarray | None  # marker radius (CSS px) per dataset row, None: one size
    legend: dict[str, Any] | None  # the page's colour legend (views.colours.legend)

    @property
    def size_note(self) -> str:
        return str(self.legend.get("size", "")) if self.legend else ""

    def shown_legend(self, mask: np.ndarray | None) -> dict[str, Any]:
        """The legend counting the events shown (``mask``, dataset order; None: all),
        with the main actors listed too (a standalone map has no Filters panel)."""
        shown = np.ones(len(self.scheme.codes), bool) if mask is None else mask
        rows = [list(row) for row in colours.shown_legend(self.scheme, shown)]
        title = "Main actor" if self.scheme.column == cb.ACTOR else f"Colour: {self.scheme.title}"
        sizes = self.legend.get("sizes", []) if self.legend else []
        return {"title": title, "rows": rows, "size": self.size_note, "sizes": sizes}

    def page_colors(self, rows: np.ndarray, legend: dict[str, Any] | None) -> dict[str, Any]:
        """The page's ``colors`` call for the map events at dataset ``rows`` (the fields
        MapView.set_colors sends: palette, base64 colour codes, base64 quarter-pixel
        radii, and ``legend``)."""
        import base64

        palette, codes, radii = colours.view_colours(self.scheme, rows, self.radii)
        size = None
        if radii is not None:
            quarters = np.clip(np.nan_to_num(np.rint(np.asarray(radii) * 4)), 0, 255)
            size = base64.b64encode(quarters.astype(np.uint8).tobytes()).decode("ascii")
        return {
            "n": len(rows),
            "palette": palette,
            "color": base64.b64encode(np.ascontiguousarray(codes, "<u2").tobytes()).decode(),
            "size": size,
            "legend": legend,
        }


def actor_colouring(ds: Dataset) -> Colouring:
    """The main actors' colours (those the map records carry), at one size."""
    return Colouring(cb.colour_scheme(ds, cb.ACTOR), None, None)


def colouring(ds: Dataset, colour_by: str | None, size_by: str | None) -> Colouring | None:
    """The colouring for ``--colour-by`` / ``--size-by``; None for the main actor's
    colours at one size (the default); ExportError naming the offered columns when the
    dataset cannot be coloured or sized by the one asked for."""
    column = colour_by or cb.ACTOR
    if column not in (offered := cb.colour_columns(ds)):
        raise ExportError(
            f"--colour-by {column!r}: this dataset can be coloured by {', '.join(offered)}"
        )
    if size_by is not None and size_by not in (numeric := cb.size_columns(ds)):
        choices = ", ".join(numeric) if numeric else "none (it has no numeric column)"
        raise ExportError(f"--size-by {size_by!r}: this dataset can be sized by {choices}")
    if column == cb.ACTOR and size_by is None:
        return None
    scheme = cb.colour_scheme(ds, column)
    radii, top = cb.radii(cb.size_values(ds, size_by)) if size_by else (None, 0.0)
    return Colouring(scheme, radii, colours.legend(scheme, size_by, top))
