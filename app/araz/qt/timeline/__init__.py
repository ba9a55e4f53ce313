"""The timeline: a custom-painted, zoomable view of events over time (see view.py)."""

from araz.qt.timeline.data import LazyTexts, TimelineData
from araz.qt.timeline.view import TimelineView

__all__ = ["LazyTexts", "TimelineData", "TimelineView"]
