"""Hostile file contents: JSON that is not events, lone surrogates, nesting too deep.

Every read that could hang or eat memory on the unchanged code runs in a child process
with a memory limit and a timeout (see ``files_support.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from files_support import (
    HERE,
    child_env,
    curated,
    open_and_wait,
    validate,
)

# ------------------------------------------------------------------ things that are not events

MAP_DATA = HERE / "files_map_data.json"  # a web map's own data.json, French keys


def no_events_geojson(folder: Path) -> Path:
    props = [{"nom": f"n{i}", "date": None} for i in range(5)]
    feats = [{"type": "Feature", "properties": p, "geometry": None} for p in props]
    path = folder / "nothing.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return path


def test_json_that_is_not_a_story_is_refused_in_one_line():
    from araz.io import read_path

    result = read_path(MAP_DATA)
    assert result.dataset is None
    [problem] = result.problems
    assert problem.file == str(MAP_DATA)
    assert "TimelineJS" in problem.message and "GeoJSON" in problem.message


def test_records_without_a_date_or_a_place_are_not_events(tmp_path):
    from araz.io import read_path

    result = read_path(no_events_geojson(tmp_path))
    assert result.dataset is None
    [problem] = result.problems
    assert "no record has a date or a place" in problem.message
    assert "5 records read" in problem.message


@pytest.mark.parametrize("make", [lambda tmp: MAP_DATA, no_events_geojson])
def test_validate_refuses_what_is_not_events(tmp_path, make):
    path = make(tmp_path)
    done = validate(str(path))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith("0 events,") and len(lines) == 2, lines
    assert lines[1].startswith(f"{path}:")
    done = validate("--json", str(path))
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip() == lines[1]


@pytest.mark.gui
@pytest.mark.parametrize("make", [lambda tmp: MAP_DATA, no_events_geojson])
def test_the_window_refuses_what_is_not_events_and_keeps_its_data(
    qtbot, main_window, tmp_path, make
):
    w = main_window
    before, title = w.model.dataset, w.windowTitle()
    result = open_and_wait(qtbot, w, make(tmp_path))
    assert result.dataset is None
    assert w.model.dataset is before and w.windowTitle() == title
    box = w.last_report
    assert "previous data stays open" in box.text()
    assert len(box.detailedText().splitlines()) == 1
    box.close()


# ------------------------------------------------------------------ lone surrogates

LONE = "\\ud800"  # as written in the file: a JSON or YAML escape of half a character


def surrogate_files(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    geojson = folder / "lone.geojson"
    feats = [
        {
            "type": "Feature",
            "properties": {"name": name, "date": "2023-01-27"},
            "geometry": {"type": "Point", "coordinates": [46.3, 38.1]},
        }
        for name in ("Fine", f"Bad {LONE} half", "Emoji \\ud83d\\ude00 pair")
    ]
    geojson.write_text(
        json.dumps({"type": "FeatureCollection", "features": feats}).replace("\\\\u", "\\u")
    )
    timeline = folder / "lone.json"
    slides = [
        {"start_date": {"year": 2023}, "text": {"headline": h}}
        for h in ("Fine", f"Bad {LONE} half")
    ]
    timeline.write_text(json.dumps({"events": slides}).replace("\\\\u", "\\u"))
    yaml = curated(folder)
    yaml.write_text(
        yaml.read_text().replace("title: One", f'title: "One {LONE} and \\ud83d\\ude00"')
    )
    return {"geojson": geojson, "timeline": timeline, "yaml": yaml}


@pytest.mark.parametrize(
    ("kind", "record"),
    [("geojson", "feature 2"), ("timeline", "event 2"), ("yaml", "event 1")],
)
def test_a_lone_surrogate_becomes_a_replacement_character_and_a_problem(tmp_path, kind, record):
    from araz.io import read_path

    path = surrogate_files(tmp_path)[kind]
    result = read_path(path)
    ds = result.dataset
    titles = [e.title for e in ds.events]
    assert any("\ufffd" in t for t in titles), titles
    for t in titles:
        t.encode("utf-8")  # every text can be written out
    assert "😀" in "".join(titles) or kind == "timeline"
    [problem] = [p for p in result.problems if "surrogate" in p.message]
    assert problem.record is not None and problem.record.startswith(record)
    assert problem.message.startswith(record)
    assert "U+FFFD" in problem.message
    if kind == "yaml":
        assert problem.line == 17


@pytest.mark.parametrize("kind", ["geojson", "timeline", "yaml"])
def test_validate_json_and_export_write_text_with_a_lone_surrogate(tmp_path, kind):
    path = surrogate_files(tmp_path / "in")[kind]
    done = validate("--json", str(path))
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    doc = json.loads(done.stdout)
    assert "\ufffd" in json.dumps(doc, ensure_ascii=False)
    for out in ("out.csv", "out.geojson"):
        exported = subprocess.run(
            [
                sys.executable,
                "-m",
                "araz",
                "export",
                "-o",
                str(tmp_path / out),
                "--dataset",
                str(path),
            ],
            capture_output=True,
            text=True,
            env=child_env(),
            timeout=120,
        )
        assert exported.returncode == 0, exported.stderr[-2000:]
        assert "\ufffd" in (tmp_path / out).read_text(encoding="utf-8")


# ------------------------------------------------------------------ nesting depth


def nested(depth: int) -> str:
    return "[" * depth + "46.0, 39.0" + "]" * depth


@pytest.mark.parametrize("depth", [5, 500, 990, 5000])
def test_a_deep_geometry_file_is_refused_and_the_rest_loads(tmp_path, depth):
    folder = tmp_path / "data"
    folder.mkdir()
    text = '{"type": "MultiPolygon", "coordinates": ' + nested(depth) + "}"
    (folder / "deep.geojson").write_text(text)
    path = curated(folder, geometry="deep.geojson")
    done = validate(str(path))
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("1 events, 1 places"), lines
    assert len(lines) == 2 and lines[1].startswith(f"{path}:17: river: "), lines


def deep_feature_collection(folder: Path, depth: int) -> Path:
    ok = {
        "type": "Feature",
        "properties": {"name": "Fine", "date": "2023-01-27"},
        "geometry": {"type": "Point", "coordinates": [46.3, 38.1]},
    }
    deep = {
        "type": "Feature",
        "properties": {"name": "Deep", "date": "2023-01-28"},
        "geometry": {"type": "MultiPolygon", "coordinates": "DEEP"},
    }
    text = json.dumps({"type": "FeatureCollection", "features": [ok, deep, ok]}, indent=1)
    path = folder / "deep.geojson"
    path.write_text(text.replace('"DEEP"', nested(depth)))
    return path


@pytest.mark.parametrize("depth", [500, 990, 5000])
def test_a_deep_feature_is_kept_without_a_place_and_the_rest_loads(tmp_path, depth):
    path = deep_feature_collection(tmp_path, depth)
    done = validate(str(path))
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("3 events, 1 places"), lines
    assert any("feature 2" in line for line in lines[1:]), lines


@pytest.mark.gui
def test_the_window_opens_a_file_with_a_deep_feature(qtbot, main_window, tmp_path):
    w = main_window
    result = open_and_wait(qtbot, w, deep_feature_collection(tmp_path, 990))
    assert len(w.model.dataset) == 3
    assert result.dataset is w.model.dataset
    assert "feature 2" in w.last_report.detailedText()
    w.last_report.close()
