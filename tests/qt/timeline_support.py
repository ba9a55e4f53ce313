"""Shared by the timeline's widget tests: colours, days, a small view and pixel helpers."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor, QImage

from araz.model.dates import days_from_civil
from araz.qt.timeline import TimelineData, TimelineView, render
from araz.qt.timeline.geometry import GUTTER_W

RED, BLUE, GREEN = "#d62728", "#1f77b4", "#2ca02c"
Y2021 = days_from_civil(2021, 1, 1)
Y2022 = days_from_civil(2022, 1, 1)
JUN15 = days_from_civil(2021, 6, 15)


def close(c: QColor, hex_color: str, tol: int = 40) -> bool:
    want = QColor(hex_color)
    return all(abs(a - b) <= tol for a, b in zip(c.getRgb()[:3], want.getRgb()[:3], strict=True))


def render_image(view: TimelineView) -> QImage:
    img = QImage(view.size(), QImage.Format.Format_ARGB32)
    view.render(img)
    return img


def mark_center(view: TimelineView, event_id: str) -> tuple[float, float]:
    row = view.data().index_of(event_id)
    x0, x1, y = render.mark_geometry(view, np.array([row]))
    return float((x0[0] + x1[0]) / 2), float(y[0])


def make_view(qtbot) -> TimelineView:
    """Three events (a day, a year, a month) on three lanes, 2 px a day over 2021."""
    w = TimelineView()
    qtbot.addWidget(w)
    w.resize(int(GUTTER_W) + 730, 300)
    data = TimelineData.from_records(
        [
            {"id": "day", "date": "2021-06-15", "color": RED, "lane_actor": "Iran"},
            {"id": "year", "date": "2021", "color": BLUE, "lane_actor": "Armenia"},
            {"id": "month", "date": "2021-09", "color": GREEN, "lane_actor": "Turkey"},
        ]
    )
    w.set_data(data)
    w.set_range(Y2021 - 0.5, Y2022 + 0.5)  # 366 days over 730 px: 2 px a day
    return w
