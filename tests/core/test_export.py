"""Exports without Qt: CSV and GeoJSON round trips, the standalone HTML, atomic writes,
filters from command-line words, and the commands' errors."""

from __future__ import annotations

import base64
import csv
import errno
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from araz.export import ExportError, atomic_write, build_filter, select
from araz.export.csv import csv_bytes, neutralise, rows, write_csv
from araz.export.geojson import write_geojson
from araz.export.html import html_text, script_json, write_html
from araz.io import read_path
from araz.model import Dataset, Event, EventDate, FuzzyDate, Place, PlaceRef
from araz.model.entities import Actor
from araz.views.map_payload import read_events


def hostile_dataset() -> Dataset:
    actors = {"iran": Actor("iran", "Iran"), "x": Actor("x", "=cmd|' /C calc'!A0")}
    places = {"teh": Place("teh", "Tehran", "city", 35.6892, 51.389)}
    date = EventDate(FuzzyDate.parse("2023-01-27"), "27 January 2023")
    events = [
        Event(
            "e1",
            "</script><script>alert(1)</script>",
            date,
            "@SUM(A1)",
            ("iran",),
            (PlaceRef("teh"),),
            "-12.5",
            "reported",
        ),
        Event("e2", "+danger", date, "\tTabbed", ("x",), (PlaceRef("teh"),), "=1+1"),
        Event("e3", "plain", None, "-12.5", (), ()),
    ]
    return Dataset(events, actors, places, title="Hostile <b>title</b>")


def test_filter_words(curated):
    flt = build_filter(curated, actors=["iran"], date_from="2021", date_to="2023-06")
    assert "Actors: Iran" in flt.describe(curated)
    assert flt.window is not None and flt.window[0] < flt.window[1]
    with pytest.raises(ExportError, match="no actor named 'Narnia'"):
        build_filter(curated, actors=["Narnia"])
    with pytest.raises(ExportError, match="not an EDTF date"):
        build_filter(curated, date_from="yesterday")
    with pytest.raises(ExportError, match="no category"):
        build_filter(curated, categories=["nope"])


def test_actor_alias_matches(curated):
    aliased = next(a for a in curated.actors.values() if a.aliases)
    by_alias = select(curated, build_filter(curated, actors=[aliased.aliases[0].upper()]))
    by_name = select(curated, build_filter(curated, actors=[aliased.name]))
    assert by_alias.shown_ids == by_name.shown_ids


def test_neutralise():
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("+danger") == "'+danger"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("\tx") == "'\tx"
    assert neutralise("\rx") == "'\rx"
    assert neutralise("-12.5") == "-12.5"
    assert neutralise("+3") == "+3"
    assert neutralise("-1e5") == "-1e5"
    assert neutralise("- list item") == "'- list item"
    assert neutralise("Tehran") == "Tehran"


def test_csv_round_trip(curated, tmp_path):
    shown = select(curated, build_filter(curated, actors=["Iran"]))
    path = write_csv(curated, shown.mask, tmp_path / "out.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM (Excel)
    with path.open(encoding="utf-8-sig", newline="") as f:
        back = list(csv.DictReader(f))
    want = rows(curated, shown.mask)
    assert [r["id"] for r in back] == shown.shown_ids
    for got, row in zip(back, want, strict=True):
        assert {k: neutralise(v) for k, v in row.items()} == got
        if got["lat"]:
            assert float(got["lat"]) == pytest.approx(float(row["lat"]))


def test_csv_hostile_cells():
    ds = hostile_dataset()
    text = csv_bytes(ds).decode("utf-8-sig")
    back = list(csv.DictReader(text.splitlines(keepends=True)))
    e1, e2, e3 = back
    assert e1["summary"] == "'@SUM(A1)"
    assert e1["category"] == "-12.5"  # a plain number stays a number
    assert e2["title"] == "'+danger"
    assert e2["summary"] == "'\tTabbed"
    assert e2["category"] == "'=1+1"
    assert e2["actors"].startswith("'=cmd")
    assert e3["summary"] == "-12.5"
    for row in back:
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), value


def test_geojson_rfc7946_and_read_back(curated, tmp_path):
    shown = select(curated, build_filter(curated, actors=["Iran"], date_from="2021"))
    path = write_geojson(curated, shown.mask, tmp_path / "out.geojson")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    assert [f["id"] for f in doc["features"]] == shown.shown_ids
    for f in doc["features"]:
        if f["geometry"] is not None:
            lon, lat = f["geometry"]["coordinates"]
            assert -180 <= lon <= 180 and -90 <= lat <= 90
    # re-opened with Araz's own reader: the same events
    result = read_path(path)
    back = result.dataset
    assert back is not None
    assert [e.id for e in back.events] == shown.shown_ids
    for e in back.events:
        orig = curated.event(e.id)
        assert e.title == orig.title
        assert e.summary == orig.summary
        assert e.category == orig.category
        assert (e.date.edtf if e.date else None) == (orig.date.edtf if orig.date else None)
        assert [back.actors[a].name for a in e.actors] == [
            curated.actors[a].name for a in orig.actors
        ]
        point = back.first_point(e)
        from araz.views.records import map_record

        rec = map_record(curated, orig)
        if rec is None:
            assert point is None
        else:
            assert (point.lat, point.lon) == pytest.approx((rec["lat"], rec["lon"]), abs=1e-6)


def test_geojson_geopandas(curated, tmp_path):
    gpd = pytest.importorskip("geopandas")
    path = write_geojson(curated, None, tmp_path / "all.geojson")
    frame = gpd.read_file(path)
    assert len(frame) == len(curated)
    assert set(frame["title"]) == {e.title for e in curated.events}
    placed = frame[frame.geometry.notna()]
    assert len(placed) == len(curated) - len(curated.unplaced)
    tehran = [g for g in placed.geometry if abs(g.y - 35.69) < 0.1 and abs(g.x - 51.39) < 0.1]
    assert tehran


def test_html_is_self_contained_and_escaped(tmp_path):
    ds = hostile_dataset()
    text = html_text(ds, None, title="A </script> title")
    assert text.count("</script>") == text.count("<script")  # nothing closes early
    assert "alert(1)</script>" not in text
    data = re.search(r'<script id="araz-data" type="application/json">(.*?)</script>', text, re.S)
    assert data is not None and "\\u003c/script> title" in data.group(1)
    payload = json.loads(data.group(1))
    titles = read_events(base64.b64decode(payload["events"]))["title"]["t"]
    assert "</script><script>alert(1)</script>" in titles  # inside base64, drawn as text
    assert "<title>A &lt;/script&gt; title</title>" in text
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert "<script src" not in text and "<link" not in text  # all inline
    assert "innerHTML" not in text.split("araz-data")[-1]
    assert json.loads(script_json({"t": "</script><!--\u2028"}))["t"] == "</script><!--\u2028"
    path = write_html(ds, None, tmp_path / "map.html")
    assert path.stat().st_size > 100_000  # Leaflet and the basemap are inside


def test_atomic_write_failure_leaves_target(tmp_path):
    target = tmp_path / "keep.csv"
    target.write_bytes(b"old")

    def boom(f):
        f.write(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(ExportError, match="disk is full") as info:
        atomic_write(target, boom)
    assert "\n" not in str(info.value)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.csv"]


def test_atomic_write_missing_folder_and_permission(tmp_path, monkeypatch):
    with pytest.raises(ExportError, match="does not exist"):
        atomic_write(tmp_path / "nope" / "x.csv", b"x")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "x.csv").write_bytes(b"old")
    locked.chmod(0o500)
    try:
        if os.geteuid() == 0:
            # root ignores the folder's mode: make the OS call fail as it would for a user
            def denied(*args, **kwargs):
                raise PermissionError(13, "Permission denied", str(locked))

            monkeypatch.setattr("tempfile.mkstemp", denied)
        with pytest.raises(ExportError, match="permission denied"):
            atomic_write(locked / "x.csv", b"x")
        assert (locked / "x.csv").read_bytes() == b"old"
    finally:
        locked.chmod(0o700)


def test_refuses_dataset_and_seed(curated, tmp_path):
    with pytest.raises(ExportError, match="loaded dataset"):
        write_csv(curated, None, curated.source)
    if curated.seed is not None and curated.seed.path:
        with pytest.raises(ExportError, match="seed"):
            write_geojson(curated, None, curated.seed.path)


def araz(*args, env=None, cwd=None):
    # this checkout's araz, not the one installed in the environment
    env = dict(os.environ if env is None else env)
    app = str(Path(__file__).resolve().parents[2] / "app")
    env["PYTHONPATH"] = os.pathsep.join([app, env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-m", "araz", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def test_cli_export_csv_geojson_html(tmp_path):
    for suffix in ("csv", "geojson", "html"):
        out = tmp_path / f"iran.{suffix}"
        r = araz("export", "-o", str(out), "--actor", "Iran", "--from", "2021", "--to", "2023")
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == str(out)
        assert out.stat().st_size > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "x.txt"], "must end in .csv"),
        (["-o", "x.csv", "--actor", "Narnia"], "no actor named"),
        (["-o", "x.csv", "--from", "soon"], "not an EDTF date"),
        (["-o", "/nonexistent-folder/x.csv"], "does not exist"),
        (["-o", "x.csv", "--bbox", "1,2,3"], "four numbers"),
    ],
)
def test_cli_export_errors_one_line(tmp_path, args, message):
    r = araz("export", *args, cwd=tmp_path)
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], r.stderr
    assert r.stdout == ""


def test_cli_export_will_not_overwrite_dataset(curated, tmp_path):
    data = write_geojson(curated, None, tmp_path / "data.geojson")
    before = data.read_bytes()
    r = araz("export", "--dataset", str(data), "-o", str(data))
    assert r.returncode != 0 and "will not overwrite the loaded dataset" in r.stderr
    assert data.read_bytes() == before
    r = araz("export", "-o", curated.source)  # a .yaml is refused by its suffix already
    assert r.returncode != 0


def test_killed_in_the_middle_of_an_export_leaves_the_previous_file(tmp_path):
    """SIGKILL while the new bytes are half written: the old file is still whole."""
    import signal
    import subprocess
    import sys
    import time

    target = tmp_path / "report.csv"
    target.write_bytes(b"the previous export\n")
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time\n"
                "from araz.export.atomic import atomic_write\n"
                "def slow(f):\n"
                "    f.write(b'half of the new export'); f.flush()\n"
                "    print('writing', flush=True); time.sleep(60)\n"
                f"atomic_write({str(target)!r}, slow)\n"
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "writing"
        time.sleep(0.1)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    assert target.read_bytes() == b"the previous export\n"
