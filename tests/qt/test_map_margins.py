"""The basemap's canvases: drawn at the view's size for the first frame, then half the
view beyond it on each side once the page is idle (so that a pan shows drawn pixels at
once), without any input (issue #19)."""

from __future__ import annotations

import pytest
from map_support import open_map_view
from page_support import read_page_json

from araz.qt.map.page_json import of_type

pytestmark = pytest.mark.gui
SIZES = """(function(){var s=araz.map.getSize(), b=araz.basemap;
    return [s.x, s.y, b.renderer._container.width, b.renderer._container.height];})()"""


@pytest.fixture
def map_view(qtbot):
    yield from open_map_view(qtbot, (800, 560))


def sizes(view) -> list[int]:
    return read_page_json(view, SIZES, of_type(list))


def test_the_basemap_draws_beyond_the_view_once_idle(map_view, qtbot):
    w, h, cw, ch = sizes(map_view)
    # just loaded: the view's size, or already grown if the page was idle by now
    assert (cw, ch) in ((w, h), (2 * w, 2 * h))

    def grown() -> bool:
        w, h, cw, ch = sizes(map_view)
        return cw == 2 * w and ch == 2 * h

    qtbot.waitUntil(grown, timeout=10_000)


def test_a_map_that_never_pans_keeps_to_the_view_when_idle(qtbot):
    """``set_pan_margins(False)`` (the screenshot's window), sent before the page is
    built: its canvases stay the view's size once idle; a person's map grows them
    (above).  The map drawn is the same."""
    from map_support import TIMEOUT, event, wait_rendered

    from araz.qt.map import MapView

    views = []
    try:
        for margins in (False, True):
            view = MapView()
            views.append(view)
            view.resize(800, 560)
            if not margins:
                view.set_pan_margins(False)
            seq = view.set_events([event("e1", 39.5, 46.5), event("e2", 40.1, 47.2)])
            with qtbot.waitSignal(view.ready, timeout=TIMEOUT):
                view.show()
            wait_rendered(qtbot, view, seq)
        qtbot.waitUntil(lambda: sizes(views[1])[2] == 2 * sizes(views[1])[0], timeout=10_000)
        qtbot.wait(500)  # the other page idle as long
        w, h, cw, ch = sizes(views[0])
        assert (cw, ch) == (w, h)
        assert views[0].ask("view_bounds") == pytest.approx(views[1].ask("view_bounds"))
    finally:
        for view in views:
            view.close()
            view.deleteLater()
        qtbot.wait(50)
