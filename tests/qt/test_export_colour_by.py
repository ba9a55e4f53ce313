"""``araz snapshot --colour-by / --size-by``: a headless snapshot coloured as View →
Colour by colours the window's map (pixels of the written PNG)."""

from __future__ import annotations

import pytest
from test_export_qt import BBOX, TEHRAN, count_colour, pixel_of

pytestmark = pytest.mark.gui
SIZE = (800, 560)


@pytest.fixture
def in_process(tmp_path, monkeypatch, qapp):
    """araz.cli.main run here, without its log file: each run's setup_logging opens a
    file handler (and drops it unclosed when one is there already: a ResourceWarning)."""
    import araz.qt.errors

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(araz.qt.errors, "setup_logging", lambda: tmp_path / "araz.log")


def colours_at_tehran(column: str) -> set[str]:
    """The colours the events placed at Tehran are drawn in when coloured by ``column``."""
    from araz.io import read_path
    from araz.model import colour_by as cb
    from araz.paths import default_dataset
    from araz.views.records import map_records

    ds = read_path(default_dataset()).dataset
    palette, codes = cb.colour_scheme(ds, column).palette(), cb.colour_scheme(ds, column).codes
    return {
        palette[codes[ds.index[r["id"]]]].upper()
        for r in map_records(ds)
        if abs(r["lat"] - TEHRAN[0]) < 0.01 and abs(r["lon"] - TEHRAN[1]) < 0.01
    }


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def snapshot(tmp_path, name: str, *more: str):
    from PySide6.QtGui import QImage

    from araz.cli import main

    out = tmp_path / f"{name}.png"
    bbox = ",".join(str(v) for v in BBOX)
    code = main(["snapshot", "-o", str(out), "--bbox", bbox, "--size", "800x560", *more])
    assert code == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == SIZE
    return image


def test_snapshot_colour_by_category_draws_the_category_colours(tmp_path, in_process):
    by_category = colours_at_tehran("category")
    by_actor = colours_at_tehran("main_actor")
    only_category = by_category - by_actor
    assert only_category  # colours no actor at Tehran is drawn in
    x, y = pixel_of(*TEHRAN, BBOX, *SIZE)
    actor = snapshot(tmp_path, "actor")
    category = snapshot(tmp_path, "category", "--colour-by", "category")
    for colour in only_category:
        assert count_colour(category, x, y, rgb(colour)) > 20, colour
        assert count_colour(actor, x, y, rgb(colour)) == 0, colour
    for colour in by_actor - by_category:  # Iran's orange is gone
        assert count_colour(actor, x, y, rgb(colour)) > 20, colour
        assert count_colour(category, x, y, rgb(colour)) == 0, colour


def test_snapshot_colour_options_refuse_what_the_dataset_lacks(tmp_path, capsys, in_process):
    from araz.cli import main

    out = str(tmp_path / "x.png")
    assert main(["snapshot", "-o", out, "--colour-by", "nope"]) == 2
    err = capsys.readouterr().err
    assert "--colour-by 'nope': this dataset can be coloured by main_actor" in err
    assert main(["snapshot", "-o", out, "--size-by", "category"]) == 2
    assert "--size-by 'category'" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()
