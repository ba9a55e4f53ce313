"""The timeline: a custom-painted, zoomable view of events over time (see view.py)."""

from araz.model.table import LazyTexts
from araz.qt.timeline.view import TimelineView
from araz.views.timeline.data import TimelineData

__all__ = ["LazyTexts", "TimelineData", "TimelineView"]
