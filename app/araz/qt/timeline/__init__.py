"""The timeline: a custom-painted, zoomable view of events over time (see view.py)."""

from araz.qt.timeline.view import TimelineView
from araz.views.timeline.data import LazyTexts, TimelineData

__all__ = ["LazyTexts", "TimelineData", "TimelineView"]
