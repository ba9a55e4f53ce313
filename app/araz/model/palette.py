"""Actor colours: one source of truth for the map, the timeline and every legend.

The palette is Okabe & Ito's (2008) eight colours, safe for the common forms of colour
blindness, in an order chosen so that the three states of the story get the three most
distinct hues.  Colours go to *states*; a person or organisation takes its state's
colour, so the IRGC and Raisi read as Iran at a glance.  States beyond eight share grey.
"""

from __future__ import annotations

from collections.abc import Iterable

# Okabe-Ito, most distinct first; black is kept for outlines and text.
OKABE_ITO = (
    "#D55E00",  # vermillion
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
)
OTHER = "#999999"  # more states than colours, or no actor at all

# The states of the curated story keep the same colour whatever the data's counts.
FIXED = {"iran": OKABE_ITO[0], "azerbaijan": OKABE_ITO[1], "armenia": OKABE_ITO[2]}


class Palette:
    """Maps state ids to colours: fixed ones first, the rest by descending event count."""

    def __init__(self, states_by_count: Iterable[str]):
        self._colours: dict[str, str] = {}
        free = [c for c in OKABE_ITO if c not in FIXED.values()]
        for state in states_by_count:
            if state in FIXED:
                self._colours[state] = FIXED[state]
            elif free:
                self._colours[state] = free.pop(0)
            else:
                self._colours[state] = OTHER
        for state, colour in FIXED.items():
            self._colours.setdefault(state, colour)

    def colour(self, state: str | None) -> str:
        if state is None:
            return OTHER
        return self._colours.get(state, OTHER)

    def items(self) -> list[tuple[str, str]]:
        return list(self._colours.items())
