"""Playback: a time window sweeping across the data's range, as QGIS's temporal
controller does.  Pure state; a Qt timer in the app calls :meth:`Playback.advance`."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class Playback:
    lo: float  # first day of the range
    hi: float  # last day of the range
    length: float = 90.0  # window length in days (sliding mode)
    step: float = 30.0  # days moved per tick
    cumulative: bool = False  # True: the window grows from the start instead of sliding
    position: float = math.nan  # the window's end day (NaN: at the start)

    def __post_init__(self) -> None:
        if self.hi < self.lo:
            raise ValueError("the range ends before it starts")
        if math.isnan(self.position):
            self.reset()

    def reset(self) -> None:
        self.position = self.lo + (self.step if self.cumulative else self.length) - 1

    @property
    def at_end(self) -> bool:
        return self.position >= self.hi

    def window(self) -> tuple[float, float]:
        end = min(self.position, self.hi)
        start = self.lo if self.cumulative else max(self.lo, end - self.length + 1)
        return (start, end)

    def advance(self) -> bool:
        """Move one step; False when the window had already reached the end."""
        if self.at_end:
            return False
        self.position = min(self.hi, self.position + self.step)
        return True
