"""The export sheet's legend follows View → Colour by (issue #18): exported through the
export dialog as a PNG, the sheet's legend swatches are the colours of the Colour by
column's values (most shown first), not the main actors'; sized by a number, the legend
says so under its rows, with a circle per round value; the sheet's map draws the same
colours."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from export_support import TIMEOUT, open_export, pixels, press
from PySide6.QtGui import QImage
from test_colour_by import view_menu_action

from araz.model import colour_by as cb
from araz.qt.export.sheet import HEADER_H, LEGEND_W, MARGIN
from araz.views.colours import shown_legend

pytestmark = pytest.mark.gui
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))


def export_sheet(qtbot, window, out: Path, sheet: bool = True) -> np.ndarray:
    """File → Export map snapshot…, a PNG (a sheet) at 1×, Save; the file's pixels."""
    dialog = open_export(qtbot, window, "snapshot")
    dialog.format.setCurrentIndex(dialog.format.findData(".png"))
    dialog.sheet.setChecked(sheet)
    dialog.scale.setCurrentIndex(dialog.scale.findData(1.0))
    dialog.path.setText(str(out))
    press(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible() and out.exists(), timeout=TIMEOUT)
    return pixels(QImage(str(out)))


def swatches(arr: np.ndarray, n: int) -> list[tuple[int, int, int]]:
    """The colours at the centres of the first n legend swatches (sheet.paint_sheet's
    layout: a 13 px disc at (2, 3) of each 24 px row, under a 32 px heading)."""
    left = arr.shape[1] - MARGIN - LEGEND_W
    top = MARGIN + HEADER_H + 32
    return [
        tuple(int(v) for v in arr[round(top + 24 * k + 9.5), round(left + 8.5)]) for k in range(n)
    ]


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def close(a, b, tol: int = 6) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def test_the_sheet_legend_lists_the_colour_by_values(qtbot, main_window, tmp_path):
    w = main_window
    actor_rows = shown_legend(cb.colour_scheme(w.model.dataset, cb.ACTOR), w.model.mask)
    actors = export_sheet(qtbot, w, tmp_path / "actors.png")
    got = swatches(actors, len(actor_rows))
    assert all(close(g, rgb(c)) for g, (_, c, _) in zip(got, actor_rows, strict=True)), got
    view_menu_action(w, "&Colour by", "colour_by_category").trigger()
    assert w.model.colour_by == "category"
    rows = shown_legend(w.model.colour_scheme, w.model.mask)
    assert [c for _, c, _ in rows] != [c for _, c, _ in actor_rows][: len(rows)]
    assert sum(n for _, _, n in rows) == int(w.model.mask.sum())
    arr = export_sheet(qtbot, w, tmp_path / "categories.png")
    got = swatches(arr, len(rows))
    assert all(close(g, rgb(c)) for g, (_, c, _) in zip(got, rows, strict=True)), (got, rows)
    # after the last row: no further swatch (white where a next disc would be)
    assert close(swatches(arr, len(rows) + 1)[-1], (255, 255, 255))
    # the sheet's map draws markers in the categories' colours: the rarest category's
    # colour (not an actor's) is on the map box, and was not on the actors' sheet
    only = [c for _, c, _ in rows if all(not close(rgb(c), rgb(a)) for _, a, _ in actor_rows)]
    assert only, rows
    map_box = (slice(round(MARGIN + HEADER_H), -300), slice(round(MARGIN), -round(LEGEND_W + 40)))

    def covered(image: np.ndarray, colour: str) -> int:
        return int((np.abs(image[map_box] - np.array(rgb(colour))) <= 6).all(axis=2).sum())

    assert sum(covered(arr, c) for c in only) > 30
    assert sum(covered(actors, c) for c in only) < 10


def test_a_sized_sheet_says_what_size_means(qtbot, main_window, tmp_path):
    from synth import HEADER, acled_rows

    path = tmp_path / "acled.csv"
    import csv

    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(acled_rows(200, 4))
    w = main_window
    with qtbot.waitSignal(w.loadFinished, timeout=TIMEOUT):
        w.open_path(path)
    view_menu_action(w, "&Colour by", "colour_by_disorder_type").trigger()
    plain = export_sheet(qtbot, w, tmp_path / "plain.png")
    view_menu_action(w, "&Size by", "size_by_fatalities").trigger()
    assert w.model.size_by == "fatalities"
    rows = shown_legend(w.model.colour_scheme, w.model.mask)
    sized = export_sheet(qtbot, w, tmp_path / "sized.png")
    for arr in (plain, sized):
        got = swatches(arr, len(rows))
        assert all(close(g, rgb(c)) for g, (_, c, _) in zip(got, rows, strict=True)), got
    # the size note: ink under the rows on the sized sheet only
    left = round(sized.shape[1] - MARGIN - LEGEND_W)
    top = round(MARGIN + HEADER_H + 32 + 24 * len(rows) + 4)
    band = (slice(top, top + 60), slice(left, left + round(LEGEND_W)))
    ink = lambda a: int((a[band].max(axis=2) < 160).sum())  # noqa: E731
    assert ink(plain) == 0 and ink(sized) > 50, (ink(plain), ink(sized))
    # under the note, a circle per round value, as large as a marker of it (the largest
    # 12 px of radius), the values under them: grey discs side by side, largest first
    marks = cb.size_marks(w.model.sizes[1])
    assert len(marks) >= 2
    below = (slice(top, top + 120), slice(left, left + round(LEGEND_W)))

    def disc_columns(a: np.ndarray) -> list[int]:  # widths of the runs of disc grey
        # a column through a disc holds a few of its grey pixels (text's antialiasing
        # leaves one here and there)
        grey = (np.abs(a[below].astype(int) - 175) <= 10).all(axis=2).sum(axis=0) >= 3
        edges = np.flatnonzero(np.diff(np.r_[0, grey.astype(int), 0]))
        runs = [int(b - a) for a, b in zip(edges[0::2], edges[1::2], strict=True)]
        return [r for r in runs if r >= 4]  # a stroke of text is narrower than a disc

    assert disc_columns(plain) == []
    widths = disc_columns(sized)
    assert len(widths) == len(marks), (widths, marks)
    assert widths == sorted(widths, reverse=True) and len(set(widths)) == len(widths), widths
    assert 2 * marks[0][1] - 6 <= widths[0] <= 2 * marks[0][1], (widths, marks)


def test_a_plain_snapshot_draws_the_colour_by_colours(qtbot, main_window, tmp_path):
    w = main_window
    actor_rows = shown_legend(cb.colour_scheme(w.model.dataset, cb.ACTOR), w.model.mask)
    actors = export_sheet(qtbot, w, tmp_path / "actors.png", sheet=False)
    view_menu_action(w, "&Colour by", "colour_by_category").trigger()
    rows = shown_legend(w.model.colour_scheme, w.model.mask)
    arr = export_sheet(qtbot, w, tmp_path / "categories.png", sheet=False)
    only = [c for _, c, _ in rows if all(not close(rgb(c), rgb(a)) for _, a, _ in actor_rows)]
    assert only, rows

    def covered(image: np.ndarray, colour: str) -> int:
        return int((np.abs(image - np.array(rgb(colour))) <= 6).all(axis=2).sum())

    assert sum(covered(arr, c) for c in only) > 30
    assert sum(covered(actors, c) for c in only) < 10


def test_the_sheet_timeline_strip_draws_the_colour_by_colours(qtbot, main_window, tmp_path):
    """Coloured by category, the sheet's timeline strip draws its marks in the
    categories' colours (as the window's timeline and the sheet's map), not the main
    actors'."""
    from araz.qt.export.dialog import shown_of
    from araz.qt.export.sheet import layout, strip_height, strip_view

    w = main_window

    def strip(arr: np.ndarray) -> np.ndarray:  # the strip's box, inside its frame
        height, width = arr.shape[:2]
        view = strip_view(w.model.dataset, shown_of(w), round(width - 2 * MARGIN))
        box = layout(width, height, strip_height(view, height))["strip"]
        view.deleteLater()
        return arr[round(box.top()) + 2 : round(box.bottom()) - 2, round(box.left()) + 2 :]

    def covered(image: np.ndarray, colour: str) -> int:
        return int((np.abs(image - np.array(rgb(colour))) <= 6).all(axis=2).sum())

    actor_rows = shown_legend(cb.colour_scheme(w.model.dataset, cb.ACTOR), w.model.mask)
    actors = strip(export_sheet(qtbot, w, tmp_path / "actors.png"))
    view_menu_action(w, "&Colour by", "colour_by_category").trigger()
    rows = shown_legend(w.model.colour_scheme, w.model.mask)
    categories = strip(export_sheet(qtbot, w, tmp_path / "categories.png"))
    new = [c for _, c, _ in rows if all(not close(rgb(c), rgb(a)) for _, a, _ in actor_rows)]
    assert new, (rows, actor_rows)
    assert sum(covered(categories, c) for c in new) > 30
    assert sum(covered(actors, c) for c in new) < 10
    # the actor colour fewest categories share (the palettes overlap): far less of it
    counts = {c: n for _, c, n in rows}
    _, colour, n = max(actor_rows, key=lambda row: row[2] - counts.get(row[1], 0))
    assert counts.get(colour, 0) * 3 <= n, (colour, n, counts)
    assert covered(actors, colour) > 2 * max(covered(categories, colour), 10)
