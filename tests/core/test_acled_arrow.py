"""ACLED through pyarrow.csv (araz.io._acled_arrow): the same dataset and the same
problems, on the same lines, as the row reader; the per-actor rows merged; states only
for countries; no size cap."""

import subprocess
import sys
from pathlib import Path

import pytest

from araz.io import read_path
from araz.io.acled import read_acled
from araz.io.normalized import to_dict

DATA = Path(__file__).resolve().parents[1] / "data"
CURRENT = DATA / "readers" / "acled_current.csv"
LEGACY = DATA / "samples" / "acled_legacy_uppercase_hdx_fixture.csv"
ROOT = Path(__file__).resolve().parents[2]


def _both(path):
    fast, rows = read_acled(path), read_acled(path, arrow=False)
    assert fast.dataset is not None
    assert to_dict(fast.dataset) == to_dict(rows.dataset)
    assert [str(p) for p in fast.problems] == [str(p) for p in rows.problems]
    return fast


def _variants(tmp_path):
    src = CURRENT.read_bytes()
    lines = src.split(b"\n")
    out = {
        # blank lines shift the lines after them (counted again with the csv module)
        "blank": b"\n".join([*lines[:5], b"", *lines[5:9], b"", b"", *lines[9:]]),
        # an id twice and an empty one: row-<line>, never a collision
        "dup": src.replace(b"IRN2001", b"ARM1001")
        .replace(b"AZE3003,", b",")
        .replace(b"AZE3004", b"row-11"),
        # a line break inside a column Araz does not keep (region)
        "region": src.replace(
            b"Caucasus and Central Asia,Armenia,Syunik", b'"Caucasus\nand",Armenia,Syunik', 1
        ),
        # spaces around values
        "spaces": src.replace(b",Kapan,39.2076", b", Kapan ,39.2076").replace(
            b"Battles,", b" Battles ,"
        ),
        # \r alone ends the lines; a row with a field missing (both: the row reader)
        "cr": src.replace(b"\r\n", b"\n").replace(b"\n", b"\r"),
        "short": src.replace(b",1674950005", b""),
    }
    for name, data in out.items():
        (tmp_path / f"{name}.csv").write_bytes(data)
    return [tmp_path / f"{name}.csv" for name in out]


def test_same_dataset_and_problems_as_the_row_reader(tmp_path):
    for path in (CURRENT, LEGACY, *_variants(tmp_path)):
        _both(path)


def test_same_as_the_row_reader_on_a_synthetic_export(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synth import write_acled_csv

    r = _both(write_acled_csv(tmp_path / "s.csv", 3000, seed=5))
    assert len(r.dataset) == 3000
    # one place a value, in the gazetteer's order: the events' dictionary of place ids
    # is the gazetteer's id column itself (its text not kept twice)
    ds = r.dataset
    texts = ds.events.arrow.column("places").chunk(0).dictionary
    assert texts.buffers()[2].address == ds.places.ids.array.buffers()[2].address
    codes = ds.events.places.codes.tolist()
    assert [[p.place for p in e.places] for e in ds.events] == [[texts[c].as_py()] for c in codes]


def test_problem_lines_count_line_breaks_inside_quoted_notes(tmp_path):
    ids = {p.record: p.line for p in _both(CURRENT).problems}
    # header 1, hashtag row 2, ARM1001 3, ARM1002 4-6 (three-line notes), IRN2001 7…
    assert ids == {"AZE3002": 9, "AZE3003": 10, "AZE3004": 11}


HEADER = (
    "event_id_cnty,event_date,actor1,assoc_actor_1,inter1,country,location,latitude,longitude\n"
)


def test_a_state_only_for_a_country_in_parentheses(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text(
        HEADER + "A1,2023-01-27,Militia (Pro-Government),Rioters (Students),4,Armenia,Kapan,"
        "39.2,46.4\n"
        "A2,2023-01-28,Protesters (Iran),,6,Azerbaijan,Baku,40.4,49.8\n",
        encoding="utf-8",
    )
    for arrow in (True, False):
        ds = read_acled(p, arrow=arrow).dataset
        a1 = [ds.actors[a] for a in ds.event("A1").actors]
        assert [(a.name, a.state) for a in a1] == [
            ("Militia (Pro-Government)", "armenia"),
            ("Rioters (Students)", "armenia"),
        ]
        assert not any(a.name in ("Pro-Government", "Students") for a in ds.actors.values())
        [iran] = [ds.actors[a] for a in ds.event("A2").actors]
        assert (iran.name, iran.state) == ("Protesters (Iran)", "iran")
        assert ds.actors["iran"].kind == "state"


def test_reading_imports_neither_pandas_nor_pyarrow_at_start(tmp_path):
    code = (
        "import sys; import araz.io; assert 'pyarrow' not in sys.modules; "
        f"r = araz.io.read_path({str(CURRENT)!r}); assert len(r.dataset) == 8; "
        "assert 'pyarrow' in sys.modules and 'pandas' not in sys.modules, 'pandas'"
    )
    env_path = str(ROOT / "app")
    env = {"PYTHONPATH": env_path, "ARAZ_TABLE_CACHE": "off"}  # a read, not a cache hit
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=60)


def test_rows_per_actor_are_one_event_with_all_the_actors(tmp_path):
    p = tmp_path / "per_actor.csv"
    head = (
        "event_id_cnty,event_date,actor1,assoc_actor_1,inter1,actor2,interaction,country,"
        "location,latitude,longitude,notes,fatalities\n"
    )
    p.write_text(
        head + "E1,2023-01-27,Protesters (Armenia),,6,Police Forces of Armenia (2018-),16,Armenia,"
        "Yerevan,40.18,44.51,A march.,0\n"
        "E1,2023-01-27,Labor Group (Armenia),Teachers (Armenia),6,"
        "Police Forces of Armenia (2018-),16,Armenia,Yerevan,40.18,44.51,A march.,0\n"
        "E2,2023-01-28,Rioters (Armenia),,5,,50,Armenia,Gyumri,40.79,43.85,A riot.,1\n"
        "E1,2023-01-27,Students (Armenia),,6,Police Forces of Armenia (2018-),16,Armenia,"
        "Yerevan,40.18,44.51,A march.,0\n"
        # the same id with another note: another event (a duplicate id, as before)
        "E2,2023-01-28,Rioters (Armenia),,5,,50,Armenia,Gyumri,40.79,43.85,Another.,1\n",
        encoding="utf-8",
    )
    r = read_path(p)
    ds = r.dataset
    assert r.merged == 2 and len(ds) == 3
    assert ds.events.ids == ["E1", "E2", "row-6"]
    names = [ds.actors[a].name for a in ds.event("E1").actors]
    assert names == [
        "Protesters (Armenia)",
        "Police Forces of Armenia (2018-)",
        "Labor Group (Armenia)",
        "Teachers (Armenia)",
        "Students (Armenia)",
    ]
    assert [e.summary for e in ds.events] == ["A march.", "A riot.", "Another."]
    assert ds.event("E1").extra["fatalities"] == 0
    messages = [(p.line, p.message) for p in r.problems]
    assert messages[0][0] is None and messages[0][1].startswith("2 rows merged")
    assert messages[1] == (6, "duplicate event_id_cnty 'E2': using 'row-6'")


def _big_acled(path: Path, rows: int, pad: int) -> Path:
    """An ACLED CSV of ``rows`` events, each with ``pad`` bytes in a column Araz does
    not keep (the file is big, the table is not)."""
    filler = "x" * pad
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(HEADER.rstrip("\n") + ",notes,padding\n")
        for start in range(0, rows, 10_000):
            f.write(
                "".join(
                    f"E{i},2023-01-{1 + i % 28:02d},Protesters (Armenia),,6,Armenia,"
                    f"Town {i % 500},40.{i % 500:03d},44.{i % 500:03d},Note {i},{filler}\n"
                    for i in range(start, min(rows, start + 10_000))
                )
            )
    return path


def test_an_acled_csv_over_the_dataset_cap_is_read(tmp_path, monkeypatch):
    from araz.io import _files

    monkeypatch.setitem(_files.KINDS, "dataset", _files.Kind(1 << 20, "at most 1 MB"))
    p = _big_acled(tmp_path / "big.csv", 3000, 600)
    assert p.stat().st_size > 1 << 20
    seen: list[float] = []
    r = read_path(p, progress=seen.append)
    assert r.problems == [] and len(r.dataset) == 3000 and seen[-1] == 1.0
    assert r.dataset.event("E2999").summary == "Note 2999"
    g = tmp_path / "big.geojson"  # a file read whole keeps its cap
    g.write_bytes(b'{"type": "FeatureCollection", "features": []}' + b" " * (2 << 20))
    assert "at most 1 MB" in read_path(g).problems[0].message


def in_child(code: str) -> str:
    """What ``code`` prints, run in a fresh Python with this checkout's ``araz``."""
    return subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "app")},
        timeout=120,
    ).stdout


@pytest.mark.slow
def test_a_csv_over_200_mb_loads_in_flat_memory(tmp_path):
    """A 210 MB file in a fresh process: its peak memory grows by well under the
    file's size (the row reader held its text twice over)."""
    p = _big_acled(tmp_path / "big.csv", 100_000, 2100)
    assert p.stat().st_size > 200 * 1024 * 1024
    code = (
        "import resource, sys; import araz.io, araz.io.acled, araz.io._acled_arrow\n"
        "import pyarrow.csv, pyarrow.compute  # their code is not the file's\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        f"r = araz.io.read_path({str(p)!r}, progress=lambda f: None)\n"
        "assert r.problems == [] and len(r.dataset) == 100_000, r.problems[:3]\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n"
    )
    grown_mb = int(in_child(code).split()[-1]) / 1024
    print(f"peak memory grew {grown_mb:.0f} MB")
    assert grown_mb < 100, grown_mb  # under half the file


def test_merged_actors_when_two_combinations_give_the_same_actors(tmp_path):
    """Two rows with other columns but the same actors make one distinct actor tuple
    fewer than combinations: the merged event must still get its own union, not the
    index of an unrelated tuple (it once came out with another event's actors)."""
    p = tmp_path / "same_actors.csv"
    head = "event_id_cnty,event_date,actor1,inter1,country,location,latitude,longitude,notes\n"
    row = "{},2023-01-27,{},{},Armenia,Yerevan,40.18,44.51,{}\n"
    p.write_text(
        head
        + row.format("X1", "Alpha", 1, "n1")
        + row.format("X2", "Alpha", 2, "n2")  # same actor, other inter: same tuple
        + row.format("X3", "Beta", 1, "n3")
        + row.format("X4", "Gamma", 1, "n4")
        + row.format("X5", "Delta", 1, "n5")
        + row.format("X1", "Delta", 1, "n1"),  # X1 has one row per actor
        encoding="utf-8",
    )
    ds = read_path(p).dataset
    assert [ds.actors[a].name for a in ds.event("X1").actors] == ["Alpha", "Delta"]
    assert [ds.actors[a].name for a in ds.event("X5").actors] == ["Delta"]


def test_a_row_longer_than_a_block_reads_as_the_row_reader_reads_it(tmp_path):
    """The parse thread's error (a row straddling two blocks) reaches the reader, which
    reads the file again in larger blocks: the same events and problems."""
    from araz.io import _acled_arrow

    p = _big_acled(tmp_path / "long.csv", 300, 0)
    lines = p.read_text(encoding="utf-8").split("\n")
    lines[150] = lines[150].replace("Note 149", "Note " + "long " * 4000)  # 20 kB
    p.write_text("\n".join(lines), encoding="utf-8")
    assert p.stat().st_size // _acled_arrow.BLOCKS < 20_000  # blocks of under 20 kB
    fast = _both(p)
    assert fast.dataset.event("E149").summary.startswith("Note long long")


def test_a_cancel_in_the_middle_of_the_parse_stops_its_thread(tmp_path):
    import threading

    p = _big_acled(tmp_path / "big.csv", 20_000, 0)
    before = threading.active_count()
    asked = []
    r = read_acled(p, cancel=lambda: asked.append(1) or len(asked) > 5)
    assert r.dataset is None and [x.message for x in r.problems] == ["cancelled"]
    assert len(asked) == 6  # cancelled on the 6th block, not at the end
    assert threading.active_count() == before  # the parse thread ended with the read
    again = read_acled(p)  # and the next read is whole
    assert len(again.dataset) == 20_000 and again.problems == []


def test_prefetched_raises_the_parse_error_and_stops_early():
    import threading

    from araz.io._acled_prefetch import in_thread, prefetched

    def parse():
        yield from range(3)
        raise ValueError("straddling object straddles two block boundaries")

    with prefetched(parse(), lambda b: b * 10) as batches:
        got = []
        with pytest.raises(ValueError, match="straddl"):
            got.extend(batches)
    assert got == [0, 10, 20]
    before = threading.active_count()
    with prefetched(iter(range(10**6)), depth=2) as batches:
        assert next(batches) == 0  # the caller leaves after one: the thread stops
    assert threading.active_count() == before
    with pytest.raises(KeyError):
        in_thread({}.__getitem__, "x")()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")
def test_after_a_read_memory_freed_at_the_top_of_the_heap_goes_back(tmp_path):
    """After a read, 24 MB freed at the top of the heap (numpy's arrays over a million
    rows come from it) goes back to the system at once, not held until a trim (glibc
    kept up to 64 MB there: the app held tens of MB more after a filter change)."""
    code = (
        "import ctypes, sys; from araz.io.acled import read_acled\n"
        "libc = ctypes.CDLL('libc.so.6')\n"
        "libc.malloc.restype = ctypes.c_void_p; libc.free.argtypes = [ctypes.c_void_p]\n"
        "page = __import__('os').sysconf('SC_PAGE_SIZE')\n"
        "def rss(): return int(open('/proc/self/statm').read().split()[1]) * page\n"
        f"assert read_acled({str(CURRENT)!r}).dataset is not None\n"
        "before = rss()\n"
        "p = libc.malloc(24 << 20); ctypes.memset(p, 1, 24 << 20)\n"
        "grown = rss() - before\n"
        "libc.free(p)\n"
        "print(grown, rss() - before)\n"
    )
    grown, kept = (int(x) for x in in_child(code).split())
    assert grown > 20 << 20  # the block was there, from the heap
    assert kept < 4 << 20, kept
