"""The timeline: a custom-painted, zoomable view of events over time (see view.py)."""

from araz.model.table import LazyTexts
from araz.qt.timeline.data import TimelineData
from araz.qt.timeline.view import TimelineView

__all__ = ["LazyTexts", "TimelineData", "TimelineView"]
