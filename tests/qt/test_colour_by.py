"""View → Colour by / Size by in the real window (issue #18): a person picks a column from
the menu and sees the markers on the map and the marks on the timeline take its values'
colours, a legend on the map listing the values; size by fatalities grows markers; the
choice is remembered."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np
import pytest
from map_support import near, settle_map, steady_map_grab
from page_support import read_page_json
from PySide6.QtWidgets import QMenu
from timeline_support import close, mark_center, render_image

from araz.model import colour_by as cb
from araz.qt.map.page_json import of_type
from araz.views.prepared import map_data

pytestmark = pytest.mark.gui
TIMEOUT = 30_000
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))


def view_menu_action(window, submenu: str, name: str):
    """The action ``name`` of View → ``submenu`` (found as a person would, in the menus)."""
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    sub = next(a.menu() for a in view.actions() if a.menu() and a.text() == submenu)
    assert isinstance(sub, QMenu) and sub.isEnabled()
    return next(a for a in sub.actions() if a.objectName() == name)


def synced(qtbot, view) -> None:
    seq = view.sync()
    with qtbot.waitSignal(view.rendered, timeout=TIMEOUT, check_params_cb=lambda s: s >= seq):
        pass


def marker_pixels(qtbot, view, indices, dx: float = 0.0) -> dict:
    """Per marker index, the colour of the map at its drawn centre (moved ``dx`` CSS px
    to the right) in one steady grab; markers not drawn are left out."""
    image = steady_map_grab(qtbot, view, TIMEOUT)
    ratio = image.width() / view.web_view().width()
    points = read_page_json(
        view, f"{list(indices)}.map(function (i) {{ return araz.markerPoint(i); }})"
    )
    return {
        i: image.pixelColor(round((at[0] + dx) * ratio), round(at[1] * ratio))
        for i, at in zip(indices, points, strict=True)
        if at is not None
    }


def legend_text(view) -> str:
    return read_page_json(
        view,
        "(function () { var el = document.querySelector('.araz-colour-legend');"
        " return el && !el.hidden ? el.textContent : ''; })()",
        of_type(str),
    )


def test_colour_by_category_recolours_map_timeline_and_legend(qtbot, main_window):
    from araz.qt import settings as app_settings

    w = main_window
    ds = w.model.dataset
    settle_map(qtbot, w.map, TIMEOUT)
    assert legend_text(w.map) == ""  # by main actor: today's look, no map legend
    actor = cb.colour_scheme(ds, cb.ACTOR)
    category = cb.colour_scheme(ds, "category")
    before_map = {}  # map index -> (event row, actor colour) of markers seen in it
    _, rows = map_data(ds)
    seen = marker_pixels(qtbot, w.map, range(len(rows)))
    for i, colour in seen.items():
        row = int(rows[i])
        old = actor.palette()[actor.codes[row]]
        new = category.palette()[category.codes[row]]
        if old.lower() != new.lower() and near(colour, old, 10):
            before_map[i] = (row, old, new)
    assert len(before_map) >= 3, "markers whose colour will change, seen in their colour"
    tl = w.timeline
    image = render_image(tl)
    before_tl = {}
    for row in np.flatnonzero(ds.arrays["has_date"]).tolist():
        eid = ds.events.ids[row]
        old = actor.palette()[actor.codes[row]]
        new = category.palette()[category.codes[row]]
        x, y = mark_center(tl, eid)
        inside = 0 <= x < image.width() and 0 <= y < image.height()
        if (
            inside
            and old.lower() != new.lower()
            and close(image.pixelColor(round(x), round(y)), old, 12)
        ):
            before_tl[eid] = (new, x, y)
    assert len(before_tl) >= 3

    loads = w.map._state["events"].seq
    view_menu_action(w, "&Colour by", "colour_by_category").trigger()
    assert w.model.colour_by == "category"
    synced(qtbot, w.map)
    assert w.map._state["events"].seq == loads  # the events were not sent again
    # the map: each of those markers is now its category's colour
    now = marker_pixels(qtbot, w.map, list(before_map))
    changed = [near(now[i], new, 10) for i, (_, _, new) in before_map.items()]
    assert all(changed), changed
    # the timeline: the marks too
    image = render_image(tl)
    for eid, (new, x, y) in before_tl.items():
        assert close(image.pixelColor(round(x), round(y)), new, 12), eid
    # the legend lists the values with the counts of their markers on the map
    text = legend_text(w.map)
    assert text.startswith("Colour: Category")
    placed = [ds.events.category[int(r)] for r in rows]
    for value in category.values:
        if placed.count(value):
            assert f"{value}{placed.count(value)}" in text, (value, text)
        else:  # its events have no place: nothing of its colour on the map
            assert value not in text, (value, text)
    assert app_settings.qsettings().value("view/colour_by") == "category"
    # the Filters panel: the categories carry their colours, the actors none
    assert swatches(w.filters.categories) == dict(
        zip(category.values, (c.lower() for c in category.colours), strict=True)
    )
    assert all(c is None for c in tree_swatches(w.filters.actors).values())

    # back to the main actor: today's colours, no legend
    view_menu_action(w, "&Colour by", "colour_by_main_actor").trigger()
    synced(qtbot, w.map)
    now = marker_pixels(qtbot, w.map, list(before_map))
    assert all(near(now[i], old, 10) for i, (_, old, _) in before_map.items())
    assert legend_text(w.map) == ""
    assert swatches(w.filters.categories) == dict.fromkeys(category.values)
    assert tree_swatches(w.filters.actors)["iran"] == ds.palette.colour("iran").lower()


def _colour_of(icon) -> str | None:
    if icon.isNull():
        return None
    return icon.pixmap(12, 12).toImage().pixelColor(6, 6).name()


def swatches(check_list) -> dict:
    """Value -> the colour of its swatch in a Filters list (None: no swatch)."""
    from PySide6.QtCore import Qt

    items = [check_list.item(i) for i in range(check_list.count())]
    return {i.data(Qt.ItemDataRole.UserRole): _colour_of(i.icon()) for i in items}


def tree_swatches(tree) -> dict:
    """State id -> the colour of its swatch in the Filters panel's actor tree."""
    from araz.qt.filters_panel import ACTOR_ROLE

    tops = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    return {t.data(0, ACTOR_ROLE): _colour_of(t.icon(0)) for t in tops}


def write_sample(path: Path, n: int = 60) -> Path:
    """A small current-format ACLED export: a few places, fatalities 0 or 200."""
    from synth import HEADER, acled_rows

    lat_i, lon_i = HEADER.index("latitude"), HEADER.index("longitude")
    fat_i = HEADER.index("fatalities")
    places = [(39.2 + 0.6 * (k % 4), 44.5 + 0.9 * (k // 4)) for k in range(n)]
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for k, row in enumerate(acled_rows(n, 3)):
            row[lat_i], row[lon_i] = f"{places[k][0]:.4f}", f"{places[k][1]:.4f}"
            row[fat_i] = "200" if k % 2 else "0"
            out.writerow(row)
    return path


def test_size_by_fatalities_grows_markers_and_acled_columns_are_offered(
    qtbot, main_window, tmp_path
):
    w = main_window
    with qtbot.waitSignal(w.loadFinished, timeout=TIMEOUT):
        w.open_path(write_sample(tmp_path / "acled.csv"))
    ds = w.model.dataset
    assert len(ds) == 60
    offered = [a.objectName() for a in w.colour_menu.colour_menu.actions()]
    # ACLED's event_type is its category: offered once, as the category
    want = {"colour_by_main_actor", "colour_by_category", "colour_by_disorder_type"}
    assert want <= set(offered)
    assert "colour_by_event_type" not in offered and "colour_by_fatalities" not in offered
    view_menu_action(w, "&Colour by", "colour_by_disorder_type").trigger()
    view_menu_action(w, "&Size by", "size_by_fatalities").trigger()
    assert w.model.size_by == "fatalities"
    w.map.fit_bounds(44.0, 38.8, 49.5, 41.8)
    settle_map(qtbot, w.map, TIMEOUT)
    text = legend_text(w.map)
    assert "Colour: Disorder type" in text and "Size: fatalities" in text
    assert "largest 200" in text
    # a marker of 200 fatalities has a 12 px radius, one of none 3 px: look
    # 9 px to the right of each centre
    scheme = cb.colour_scheme(ds, "disorder_type")
    _, rows = map_data(ds)
    fat = cb.size_values(ds, "fatalities")
    big = small = 0
    centres = marker_pixels(qtbot, w.map, range(len(rows)))
    besides = marker_pixels(qtbot, w.map, range(len(rows)), dx=9)
    for i, centre in centres.items():
        row = int(rows[i])
        colour = scheme.palette()[scheme.codes[row]]
        if not near(centre, colour, 10):
            continue  # under another marker
        beside = besides[i]
        if fat[row] == 200:
            big += near(beside, colour, 10)
        else:
            small += not near(beside, colour, 10)
    assert big >= 5 and small >= 5, (big, small)
    # the legend draws a circle per round value (200, 50, 10), largest first, each as
    # wide as a marker of that value: grey discs in the legend's box, on screen
    box = read_page_json(
        w.map,
        "(function () { var r = document.querySelector('.araz-legend-sizes')"
        ".getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()",
        of_type(list),
    )
    image = steady_map_grab(qtbot, w.map, TIMEOUT)
    x0, y0, bw, bh = (round(v) for v in box)

    def disc(x: int, y: int) -> bool:  # the circles' grey over the legend's white
        return all(abs(c - 174) <= 12 for c in image.pixelColor(x, y).getRgb()[:3])

    grey = [any(disc(x, y) for y in range(y0, y0 + bh)) for x in range(x0, x0 + bw)]
    runs = [len(r) for r in "".join("x" if g else " " for g in grey).split()]
    marks = cb.size_marks(200.0)
    assert len(runs) == len(marks) == 3, (runs, marks)
    assert runs == sorted(runs, reverse=True) and abs(runs[0] - 24) <= 3, runs


def test_the_choice_is_remembered_for_the_next_window(qtbot, main_window):
    """A new window starts with the colour and size the last one chose (QSettings), and a
    dataset without that column shows the main actor, its menu item checked."""
    from PySide6.QtWidgets import QWidget

    from araz.model import AppModel
    from araz.qt import settings as app_settings
    from araz.qt.colour_menu import ColourMenu

    view_menu_action(main_window, "&Colour by", "colour_by_certainty").trigger()
    assert app_settings.qsettings().value("view/colour_by") == "certainty"
    app_settings.qsettings().setValue("view/size_by", "fatalities")
    host = QWidget()
    qtbot.addWidget(host)
    model = AppModel(main_window.model.dataset)
    menu = ColourMenu(host, QMenu(host), model)
    assert model.colour_by == "certainty" and menu.colour_actions["certainty"].isChecked()
    # the bundled story has no fatalities: one size, and "None" checked
    assert model.size_by is None and menu.size_actions["none"].isChecked()
    assert not menu.size_menu.isEnabled()
    model.set_dataset(AppModel().dataset)  # empty: only the main actor
    assert model.colour_by == cb.ACTOR and menu.colour_actions[cb.ACTOR].isChecked()
    assert list(menu.colour_actions) == [cb.ACTOR]


@pytest.fixture
def map_view(qtbot):
    from map_support import open_map_view

    yield from open_map_view(qtbot)


def test_legend_text_from_data_is_text_and_a_stale_call_is_ignored(qtbot, map_view):
    """Values from a file reach the legend as text, never markup; colours meant for other
    events (a count that does not match) change nothing."""
    from map_support import HOSTILE, event

    map_view.set_events([event("a", 40.0, 45.0), event("b", 40.5, 46.0)])
    legend = {"title": "Colour: Event type", "rows": [[HOSTILE, "#0072B2", 2]], "size": ""}
    map_view.set_colors(["#0072B2", "#999999"], np.array([0, 1]), None, legend)
    synced(qtbot, map_view)
    assert HOSTILE in legend_text(map_view)
    assert map_view._page.alerts == []
    assert (
        read_page_json(map_view, "document.querySelectorAll('.araz-colour-legend img').length") == 0
    )
    assert read_page_json(map_view, "araz.events.colorOf(1)") == "rgb(153,153,153)"
    # a "colors" call for three events on a map of two: ignored
    map_view._ids = ["a", "b", "c"]
    map_view.set_colors(["#E69F00"], np.zeros(3), None, None)
    map_view._ids = ["a", "b"]
    synced(qtbot, map_view)
    assert read_page_json(map_view, "araz.events.colorOf(1)") == "rgb(153,153,153)"
    assert HOSTILE in legend_text(map_view)
    # new events come in their own colours, without the old legend
    map_view.set_events([event("c", 40.0, 45.0)])
    synced(qtbot, map_view)
    assert legend_text(map_view) == ""
    with pytest.raises(ValueError):
        map_view.set_colors(["#E69F00"], np.zeros(2), None, None)
    with pytest.raises(ValueError, match="past a palette"):  # not drawn in colour 0
        map_view.set_colors(["#E69F00"], np.array([1]), None, None)


def test_timeline_marks_and_lane_strips_take_the_given_colours(qtbot):
    """The timeline paints the colours it is given (its density strips by lane too), and
    its own again when given None."""
    from timeline_support import RED, make_view

    view = make_view(qtbot)
    x, y = mark_center(view, "day")
    assert close(render_image(view).pixelColor(round(x), round(y)), RED)
    green = 0xFF009E73
    view.set_colors(np.full(3, green, np.uint32))
    assert close(render_image(view).pixelColor(round(x), round(y)), "#009E73", 12)
    assert set(view.static_lanes().color.tolist()) == {green}
    view.set_colors(None)
    assert close(render_image(view).pixelColor(round(x), round(y)), RED)
    assert green not in view.static_lanes().color.tolist()
    with pytest.raises(ValueError):
        view.set_colors(np.zeros(2, np.uint32))


def test_the_map_legend_counts_the_events_the_map_shows(qtbot, main_window):
    """Coloured by category, unchecking "military" (a click in the Filters panel) takes
    it out of the map's legend and the other counts are those of the markers shown, as
    the sheet's and the HTML export's legends count."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    w = main_window
    ds = w.model.dataset
    settle_map(qtbot, w.map, TIMEOUT)
    view_menu_action(w, "&Colour by", "colour_by_category").trigger()
    synced(qtbot, w.map)
    _, rows = map_data(ds)  # the events on the map (placed), in dataset rows
    on_map = [ds.events.category[int(r)] for r in rows]
    assert "military" in legend_text(w.map)
    cats = w.filters.categories
    military = next(
        cats.item(i)
        for i in range(cats.count())
        if cats.item(i).data(Qt.ItemDataRole.UserRole) == "military"
    )
    cats.scrollToItem(military)
    rect = cats.visualItemRect(military)
    QTest.mouseClick(
        cats.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 10, rect.center().y())
    )
    assert "military" not in (w.model.filter.categories or ())
    synced(qtbot, w.map)
    text = legend_text(w.map)
    assert "military" not in text, text
    category = cb.colour_scheme(ds, "category")
    for value in category.values:
        if value != "military" and on_map.count(value):
            assert f"{value}{on_map.count(value)}" in text, (value, text)
