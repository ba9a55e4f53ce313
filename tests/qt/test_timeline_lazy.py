"""Lazy text columns in the timeline: tooltips and labels made only when shown."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QHelpEvent, QImage
from PySide6.QtWidgets import QApplication, QToolTip

from araz.model.dates import days_from_civil
from araz.qt.timeline import LazyTexts, TimelineData, TimelineView, render
from araz.qt.timeline.view import GUTTER_W
from araz.views.timeline.data import Permuted

Y2021 = days_from_civil(2021, 1, 1)
N = 100_000


class Counted:
    """``fn(i)`` that records which rows it was asked for."""

    def __init__(self, fmt: str):
        self.fmt = fmt
        self.calls: list[int] = []

    def __call__(self, i: int) -> str:
        self.calls.append(i)
        return self.fmt.format(i)


def columns(n: int, *, label=None, tooltip=None) -> dict:
    """``n`` one-day events given in *reverse* time order (so sorting permutes them)."""
    start = (Y2021 + (n - 1 - np.arange(n)) // 50).astype(np.float64)
    return {
        "ids": [f"e{i:06d}" for i in range(n)],
        "start": start,
        "end": start.copy(),
        "precision": ["day"] * n,
        "fade_start": np.zeros(n, bool),
        "fade_end": np.zeros(n, bool),
        "open_start": np.zeros(n, bool),
        "open_end": np.zeros(n, bool),
        "color": np.full(n, 0xFF2C7FB8, np.uint32),
        "label": label if label is not None else [f"label {i}" for i in range(n)],
        "tooltip": tooltip if tooltip is not None else [f"tip {i}" for i in range(n)],
        "lane_actor": ["Iran" if i % 2 else "Armenia" for i in range(n)],
        "lane_category": ["border"] * n,
    }


def original_row(event_id: str) -> int:
    return int(event_id[1:])


def test_lazy_tooltips_of_100k_rows_are_built_only_when_asked():
    fn = Counted("tip {}\nsecond line")
    data = TimelineData(**columns(N, tooltip=LazyTexts(N, fn)))
    assert fn.calls == []  # building sorts 100k rows without making one tooltip
    assert isinstance(data.tooltip, Permuted) and len(data.tooltip) == N
    assert isinstance(data.label, list)  # plain lists are copied, sorted, as before
    first = data.ids[0]
    assert data.start[0] == data.start.min()
    assert data.tooltip[0] == f"tip {original_row(first)}\nsecond line"
    assert fn.calls == [original_row(first)]
    assert data.label[0] == f"label {original_row(first)}"
    for row in (1, 777, N - 1, -1):
        assert data.tooltip[row] == f"tip {original_row(data.ids[row])}\nsecond line"
    assert len(fn.calls) == 5


def test_lazy_and_list_columns_read_the_same():
    n = 500
    eager = TimelineData(**columns(n))
    lazy = TimelineData(
        **columns(
            n,
            label=LazyTexts(n, "label {}".format),
            tooltip=LazyTexts(n, "tip {}".format),
        )
    )
    assert lazy.ids == eager.ids
    assert list(lazy.label) == eager.label
    assert list(lazy.tooltip) == eager.tooltip
    assert lazy.tooltip[10:20] == eager.tooltip[10:20]
    assert lazy.label[-3] == eager.label[-3]


def test_a_lazy_column_already_in_order_is_read_straight():
    start = np.arange(5, dtype=np.float64)
    cols = columns(5) | {"start": start, "end": start.copy()}
    data = TimelineData(**cols | {"tooltip": LazyTexts(5, "tip {}".format)})
    assert data.tooltip.order is None
    assert [data.tooltip[i] for i in range(5)] == [f"tip {i}" for i in range(5)]
    assert data.tooltip[-1] == "tip 4"


def test_lazy_texts_behaves_as_a_sequence():
    texts = LazyTexts(3, "t{}".format)
    assert len(texts) == 3 and list(texts) == ["t0", "t1", "t2"]
    assert texts[-1] == "t2" and texts[np.int64(1)] == "t1" and texts[1:] == ["t1", "t2"]
    with pytest.raises(IndexError):
        texts[3]
    with pytest.raises(ValueError, match="4 values for 5 events"):
        TimelineData(**columns(5, tooltip=LazyTexts(4, str)))


def test_non_str_values_are_read_as_text():
    class Column:  # only __len__ and __getitem__, giving numbers
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return i * 10

    start = np.array([3.0, 2.0, 1.0])
    data = TimelineData(**columns(3, label=Column()) | {"start": start, "end": start})
    assert data.label[0] == "20" and data.label[2] == "0"  # given in reverse time order


def test_empty_data_with_lazy_columns():
    data = TimelineData(**columns(0, label=LazyTexts(0, str), tooltip=LazyTexts(0, str)))
    assert len(data) == 0 and len(data.tooltip) == 0 and list(data.label) == []


# ---------------------------------------------------------------- in the view


def render_image(view: TimelineView) -> QImage:
    img = QImage(view.size(), QImage.Format.Format_ARGB32)
    view.render(img)
    return img


@pytest.mark.gui
def test_painting_100k_lazy_rows_builds_no_tooltip_and_only_shown_labels(qtbot):
    tips, labels = Counted("tip {}"), Counted("Label {}")
    w = TimelineView()
    qtbot.addWidget(w)
    w.resize(1600, 300)
    w.set_data(TimelineData(**columns(N, label=LazyTexts(N, labels), tooltip=LazyTexts(N, tips))))
    w.fit_all()
    render_image(w)
    assert w.frame().density and labels.calls == []  # zoomed out: strips, no labels
    w.set_range(Y2021 + 100, Y2021 + 103)  # ~150 events
    render_image(w)
    render_image(w)
    shown = len(w.visible_rows())
    assert 0 < len(labels.calls) <= shown < render.LABEL_LIMIT  # each label made once
    assert tips.calls == []


@pytest.mark.gui
def test_hover_tooltip_shows_the_lazy_text(qtbot):
    fn = Counted("Event {} <&>\n2021-06-xx")
    n = 5
    start = Y2021 + 160 + 3 * (n - 1 - np.arange(n, dtype=np.float64))  # in reverse
    cols = columns(n, tooltip=LazyTexts(n, fn))
    cols |= {"ids": [f"a{i}" for i in range(n)], "start": start, "end": start.copy()}
    w = TimelineView()
    qtbot.addWidget(w)
    w.resize(int(GUTTER_W) + 730, 300)
    w.set_data(TimelineData(**cols))
    w.set_range(Y2021 + 150, Y2021 + 185)
    w.show()
    qtbot.waitExposed(w)
    render_image(w)
    assert fn.calls == []
    row = w.data().index_of("a1")
    x0, x1, y = render.mark_geometry(w, np.array([row]))
    pos = QPoint(round(float(x0[0] + x1[0]) / 2), round(float(y[0])))
    assert w.row_at(pos.toPointF()) == row
    QApplication.sendEvent(w, QHelpEvent(QEvent.Type.ToolTip, pos, w.mapToGlobal(pos)))
    assert fn.calls == [1]  # exactly the hovered event's text, from its original row
    assert w._tooltip_html(row) == "<qt>Event 1 &lt;&amp;&gt;<br>2021-06-xx</qt>"
    assert QToolTip.isVisible()
    assert QToolTip.text() == "<qt>Event 1 &lt;&amp;&gt;<br>2021-06-xx</qt>"
    QToolTip.hideText()


def test_stack_matches_the_plain_first_fit_rule():
    """Each box takes the lowest row where it keeps the gap from the box before (the
    reference written the obvious way, on random data); no two boxes of a row meet."""
    import numpy as np

    from araz.views.timeline.layout import stack

    rng = np.random.default_rng(7)
    left = np.sort(rng.uniform(0, 4000, 3000))
    right = left + rng.uniform(2, 300, 3000)
    lane = rng.integers(0, 5, 3000)
    expected = np.zeros(3000, dtype=int)
    rows: dict[int, list[float]] = {}
    for i in np.lexsort((left, lane)).tolist():
        ends = rows.setdefault(int(lane[i]), [])
        t = next((t for t, e in enumerate(ends) if e + 6.0 <= left[i]), len(ends))
        ends[t : t + 1] = [right[i]]
        expected[i] = t
    got = stack(left, right, lane, 6.0)
    assert got.tolist() == expected.tolist()
