"""StableGrab: the one "grab until two grabs agree" of the snapshot and the screenshot."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage

from araz.qt.stable_grab import StableGrab

pytestmark = pytest.mark.gui


def picture(color: str) -> QImage:
    image = QImage(4, 4, QImage.Format.Format_ARGB32)
    image.fill(QColor(color))
    return image


def offers(stable: StableGrab) -> tuple[QImage, int]:
    """Offer until a picture comes back: it and how many offers it took."""
    n = 1
    while (image := stable.offer()) is None:
        n += 1
    return image, n


def test_two_equal_grabs_in_a_row_are_the_picture():
    grabs = iter([picture("red"), picture("blue"), picture("green"), picture("green")])
    image, n = offers(StableGrab(lambda: next(grabs)))
    assert image == picture("green") and n == 4


def test_accept_must_hold_as_well():
    grabs = iter([picture("red"), picture("red"), picture("blue"), picture("blue")])
    stable = StableGrab(lambda: next(grabs), accept=lambda im: im == picture("blue"))
    assert offers(stable) == (picture("blue"), 4)


def test_after_max_round_trips_the_next_grab_is_taken_as_it_is():
    colors = iter(["red", "blue"] * 20)
    stable = StableGrab(lambda: picture(next(colors)), max_round_trips=3)
    image, n = offers(stable)
    assert n == 4 and image == picture("blue") and stable.round_trips == 3


def test_after_the_timeout_the_next_grab_is_taken_as_it_is():
    colors = iter(["red", "blue"] * 20)
    image, n = offers(StableGrab(lambda: picture(next(colors)), timeout_s=0.0))
    assert n == 1 and image == picture("red")


def test_after_calls_back_once_qt_has_rendered_the_view_again(qtbot):
    """QtRenders.after: called back (from the event loop) only once Qt has rendered the
    view since the count given: here after the page drew a change it acknowledged."""
    from PySide6.QtWebEngineWidgets import QWebEngineView

    from araz.qt.stable_grab import QtRenders

    view = QWebEngineView()
    qtbot.addWidget(view)
    view.resize(240, 160)
    view.show()
    with qtbot.waitSignal(view.loadFinished, timeout=20000):
        view.setHtml("<body style='margin:0;height:100vh;background:#ff0000'></body>")
    renders = QtRenders(view)
    assert renders.count is not None
    qtbot.waitUntil(lambda: view.grab().toImage().pixelColor(120, 80).name() == "#ff0000")
    seen: list[tuple[int, int]] = []

    def acknowledged(title: str) -> None:
        if title == "drawn":
            at = renders.count
            renders.after(at, lambda: seen.append((at, renders.count)))
            assert seen == []  # not at once: Qt has not rendered since

    view.titleChanged.connect(acknowledged)
    view.page().runJavaScript(
        "document.body.style.background = '#0000ff';"
        "requestAnimationFrame(function () { document.title = 'drawn'; });"
    )
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=20000)
    at, count = seen[0]
    assert count > at
    qtbot.waitUntil(lambda: view.grab().toImage().pixelColor(120, 80).name() == "#0000ff")
