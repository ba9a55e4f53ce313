"""read_path and ``araz validate`` over every format: sniffing, clear problems, the size
cap, and a LoadResult (never a traceback) for any bytes or JSON shape.

Hand-made fixtures (tests/data/readers/) pin each rule; the real files written by others
(tests/data/samples/) are read as they are.
"""

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from araz.cli import main
from araz.io import read_path
from araz.io.normalized import to_dict

DATA = Path(__file__).resolve().parents[1] / "data"
READERS = DATA / "readers"
SAMPLES = DATA / "samples"


# ---------------------------------------------------------------- read_path and validate


@pytest.mark.parametrize(
    "path, n",
    [
        (READERS / "acled_current.csv", 8),
        (READERS / "geojson_mixed.geojson", 7),
        (READERS / "timelinejs_deeptime.json", 6),
        (READERS / "storymapjs_dates.json", 4),
        (SAMPLES / "acled_legacy_uppercase_hdx_fixture.csv", 4),
        (SAMPLES / "timelinejs_marktwain.json", 17),
        (SAMPLES / "storymapjs_sochi.json", 10),
    ],
)
def test_read_path_and_validate_every_format(path, n, capsys):
    r = read_path(path)
    assert r.dataset is not None and len(r.dataset) == n
    code = main(["validate", str(path)])
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{n} events, ")
    assert code == (1 if r.problems else 0)
    main(["validate", "--json", str(path)])
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["events"]) == n
    assert doc == json.loads(json.dumps(to_dict(r.dataset)))


def test_read_path_sniffs_content_without_extension(tmp_path):
    for src, n in (
        (READERS / "timelinejs_deeptime.json", 6),
        (READERS / "acled_current.csv", 8),
        (READERS / "geojson_mixed.geojson", 7),
    ):
        p = tmp_path / (src.stem + ".txt")
        shutil.copy(src, p)
        assert len(read_path(p).dataset) == n
    p = tmp_path / "story.json"
    shutil.copy(READERS / "geojson_mixed.geojson", p)
    assert len(read_path(p).dataset) == 7


@pytest.mark.parametrize(
    "name, content, needle",
    [
        ("a.txt", b"hello", "not a format Araz reads"),
        ("a.json", b'{"foo": 1}', "not a format Araz reads"),
        ("a.json", b'{"events": [', "not valid JSON"),
        ("a.json", b"", "empty"),
        ("a.geojson", b"\x00\x01binary", "binary"),
        ("a.csv", b"   \n", "empty"),
        ("a.json", b"[" * 100_000, "not valid JSON"),
        ("a.csv", b"\xff\xfe\x81\x8d", "not text"),
    ],
)
def test_read_path_clear_problems(tmp_path, name, content, needle):
    p = tmp_path / name
    p.write_bytes(content)
    r = read_path(p)
    assert r.dataset is None
    assert needle in r.problems[0].message, r.problems


def test_read_path_missing_and_too_big(tmp_path):
    r = read_path(tmp_path / "nope.csv")
    assert r.dataset is None and "cannot read the file" in r.problems[0].message
    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.truncate(201 * 1024 * 1024)  # sparse: no disk used
    r = read_path(big)
    assert r.dataset is None and "201 MB" in r.problems[0].message


@pytest.mark.parametrize("ext", [".csv", ".json", ".geojson", ".txt", ".yaml"])
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        st.sampled_from(
            [
                (READERS / "acled_current.csv").read_bytes(),
                (READERS / "geojson_mixed.geojson").read_bytes(),
                (READERS / "timelinejs_deeptime.json").read_bytes(),
                (READERS / "storymapjs_dates.json").read_bytes(),
            ]
        ).flatmap(
            lambda b: st.tuples(st.integers(0, len(b)), st.binary(max_size=8)).map(
                lambda t: b[: t[0]] + t[1] + b[t[0] + len(t[1]) :]
            )
        ),
    )
)
def test_any_bytes_give_a_load_result(tmp_path, ext, data):
    p = tmp_path / f"fuzz{ext}"
    p.write_bytes(data)
    r = read_path(p)
    assert r.dataset is not None or r.problems
    if r.dataset is not None:
        json.dumps(to_dict(r.dataset))


def _containers(children):
    return st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(max_size=10), children, max_size=5),
    )


@settings(max_examples=80, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
        _containers,
        max_leaves=30,
    ),
    st.sampled_from(["timelinejs", "storymapjs", "geojson"]),
)
def test_any_json_shape_gives_a_load_result(doc, kind):
    from araz.io.geojson import geojson_from_doc
    from araz.io.timelinejs import storymapjs_from_doc, timelinejs_from_doc

    wrap = {
        "timelinejs": lambda d: ({"events": [d, {"start_date": d, "location": d, "text": d}]}),
        "storymapjs": lambda d: {"storymap": {"slides": [d, {"date": d, "location": d}]}},
        "geojson": lambda d: {
            "type": "FeatureCollection",
            "features": [d, {"type": "Feature", "properties": d, "geometry": d}],
        },
    }[kind]
    fn = {
        "timelinejs": timelinejs_from_doc,
        "storymapjs": storymapjs_from_doc,
        "geojson": geojson_from_doc,
    }[kind]
    r = fn(wrap(doc), "x.json")
    assert r.dataset is not None
    json.dumps(to_dict(r.dataset))
    r.dataset.arrays  # noqa: B018  (wide bounds must be floats)


def test_invalid_polygon_is_reported_with_its_feature(tmp_path):
    import json as _json

    from araz.io import read_path as _read

    bowtie = {
        "type": "Polygon",
        "coordinates": [[[46, 39], [47, 40], [47, 39], [46, 40], [46, 39]]],
    }
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Bowtie", "date": "2022-05-01"},
                "geometry": bowtie,
            },
            {
                "type": "Feature",
                "properties": {"name": "Fine", "date": "2022-05-02"},
                "geometry": {"type": "Point", "coordinates": [46.5, 39.5]},
            },
        ],
    }
    path = tmp_path / "bowtie.geojson"
    path.write_text(_json.dumps(fc))
    result = _read(path)
    assert len(result.dataset) == 2
    messages = [str(p) for p in result.problems]
    assert any("feature 1" in m and "Self-intersection" in m for m in messages), messages
    bow = result.dataset.events[0]
    assert result.dataset.first_point(bow) is not None  # still drawn
