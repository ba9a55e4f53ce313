"""The views' data kept beside a cached table (araz.views.prepared, araz.io._views_file):
the first preparation of a file read through the table cache writes it, the next open
reads it back (the same map payload, timeline order, ids' index, actors' rows and
incidence); a stale, damaged or ill-fitting one is deleted and made again, never
trusted; the folder's usage, cap and clear count it."""

import logging
import mmap
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from araz.io import _views_file, read_path, table_cache
from araz.model import colour_by
from araz.model.columns import IdIndex, Strings, id_hash, id_hashes
from araz.views import prepared, table_order
from araz.views.prepared import prepare
from araz.views.records import TIMELINE_FIELDS

DATA = Path(__file__).resolve().parent.parent / "data"
ACLED = DATA / "readers" / "acled_current.csv"


@pytest.fixture
def acled_file(tmp_path):
    path = tmp_path / "export.csv"
    shutil.copy(ACLED, path)
    return path


def views_files(folder):
    return sorted(folder.glob("*.views")) if folder.exists() else []


def opened(path):
    """A read of ``path`` and its preparation, as the loader does them: the dataset,
    the Prepared and what they give, as plain values to compare."""
    ds = read_path(path).dataset
    p = prepare(ds)
    (events, rows), (tl, tl_rows) = p.map, p.timeline
    lanes = tl.lanes_for("actor", tl.color)
    facts = {
        "body": bytes(events.body),
        "rows": rows.tolist(),
        "ids": list(events.ids),
        "lat": events.lat.tolist(),
        "to": events.to,
        "timeline": tl_rows.tolist(),
        "timeline ids": list(tl.ids),
        "timeline columns": {
            name: [str(v) for v in getattr(tl, name)]
            for name in (*TIMELINE_FIELDS, "is_point")
            if name != "ids"  # compared above
        },
        "timeline order": tl.order.tolist(),
        "by actor": {a: r.tolist() for a, r in ds.events_by_actor.items()},
        "tally": ds.actor_tally(),
        "index": {i: ds.index[i] for i in ds.events.ids},
        "map index": {i: events.index[i] for i in events.ids},
        "timeline index": {i: tl.index_of(i) for i in tl.ids},
        "date order": table_order.date_order(ds).tolist(),
        "date key": table_order.date_key(ds).tolist(),
        "offered": colour_by.offered(ds),
        "lanes": [
            lanes.keys,
            *(getattr(lanes, k).tolist() for k in ("of_event", "counts", "color", "tops")),
            *(getattr(lanes, k).tolist() for k in ("heights", "ntracks", "row_h")),
        ],
    }
    return ds, p, facts


def test_the_second_open_reads_the_views_data_back(cache, acled_file):
    ds, first, a = opened(acled_file)
    assert first.kept_s is None
    [kept] = views_files(cache)
    assert kept.with_suffix(".arrow").exists()
    del ds, first
    ds, second, b = opened(acled_file)
    assert second.kept_s is not None
    assert a == b
    # read back, not made again: the index's parts and the actors' rows are views of
    # the mapped file
    hashes, order = ds.index.parts
    assert not order.flags.writeable
    assert not hashes.flags.owndata and not hashes.flags.writeable
    assert all(not r.flags.writeable for r in ds.events_by_actor.values())
    assert not table_order.date_order(ds).flags.writeable
    tl = second.timeline[0]
    assert not tl.lanes_for("actor", tl.color).of_event.flags.writeable
    assert a["offered"][0][1:] and a["offered"][1]  # this file has columns to offer
    assert ds.search_mask("kapan").sum() > 0


def test_the_map_payload_is_read_from_the_file_once_written(cache, acled_file):
    """Once the views' data is written, the map's payload and coordinates are no copy in
    memory but the file's pages (the same bytes as made), at the first open and the next."""
    from araz.views.arrays import map_events

    ds = read_path(acled_file).dataset
    p = prepare(ds, keep=False)
    made = p.map[0].body
    assert isinstance(made, bytes)  # made here, held until written
    p.write_kept()
    for events in (p.map[0], prepare(read_path(acled_file).dataset).map[0]):
        assert isinstance(events.body, np.ndarray) and not events.body.flags.writeable
        assert bytes(events.body) == made == map_events(ds)[0].body
        assert events.lat.tolist() == p.map[0].lat.tolist()
        for column in (events.lat, events.lon):
            mapped = column.base.obj  # numpy's view of the views file's mapping
            assert isinstance(mapped, mmap.mmap) and not column.flags.writeable
        # the payload, a file of its own beside the views file: the whole of it
        [side] = sorted(cache.glob("*.payload"))
        assert side.read_bytes() == made and side.with_suffix(".views").exists()
        kept = table_cache.ViewsEntry.side_file(events.body)
        assert kept is not None and kept.path == str(side)
        assert table_cache.ViewsEntry.side_file(p.map[0].lat) is None
        assert table_cache.ViewsEntry.side_file(events.body[1:]) is None  # not whole
        fd = os.open(side, os.O_RDONLY)
        try:
            assert kept.same(fd)  # the file checked, still
        finally:
            os.close(fd)


def test_a_change_of_the_views_code_makes_it_stale(cache, acled_file, monkeypatch, caplog):
    _, _, a = opened(acled_file)
    [kept] = views_files(cache)
    before = kept.read_bytes()
    monkeypatch.setattr(prepared, "_stamp", lambda: "other views")
    with caplog.at_level(logging.INFO, logger="araz.io.table_cache"):
        _, p, b = opened(acled_file)
    assert p.kept_s is None and a == b and "stale" in caplog.text
    assert kept.read_bytes() != before  # written anew, for the new code
    _, p, c = opened(acled_file)
    assert p.kept_s is not None and c == a


def test_a_table_read_again_drops_its_views_data(cache, acled_file):
    opened(acled_file)
    [kept] = views_files(cache)
    with open(acled_file, "a", encoding="utf-8") as f:  # the file changed: read again
        f.write("\n")
    ds = read_path(acled_file).dataset
    assert views_files(cache) == []  # the old table's, deleted with it
    assert prepare(ds).kept_s is None and views_files(cache) == [kept]


def _flip(raw: bytes) -> bytes:
    out = bytearray(raw)
    out[len(out) * 2 // 3] ^= 0x10  # a bit inside an array: its CRC differs
    return bytes(out)


def _truncate(raw: bytes) -> bytes:
    return raw[: len(raw) // 2]


def _garbage(raw: bytes) -> bytes:
    return b"not an Araz views file" * 50


def _bad_header(raw: bytes) -> bytes:
    return raw[:16] + b"[" + raw[17:]  # the JSON header broken


@pytest.mark.parametrize("damage", [_flip, _truncate, _garbage, _bad_header])
def test_a_damaged_views_file_is_made_again(cache, acled_file, damage, caplog):
    _, _, a = opened(acled_file)
    [kept] = views_files(cache)
    sound = kept.read_bytes()
    kept.write_bytes(damage(sound))
    with caplog.at_level(logging.WARNING, logger="araz.io.table_cache"):
        _, p, b = opened(acled_file)
    assert p.kept_s is None and a == b
    assert "damaged" in caplog.text
    assert kept.read_bytes() == sound  # made again, the same


def _rows_beyond(meta, parts):
    parts["timeline_rows"] = parts["timeline_rows"] + 1000


def _date_order_beyond(meta, parts):
    parts["table_date_order"] = parts["table_date_order"] + 1000


def _offered_not_its_own(meta, parts):
    meta["offered"][0].append("no such column")


def _lane_beyond(meta, parts):
    parts["lanes_of_event"] = parts["lanes_of_event"] + len(meta["lanes"])


@pytest.fixture(params=[_rows_beyond, _date_order_beyond, _offered_not_its_own, _lane_beyond])
def spoil(request):
    return request.param


def test_a_sound_file_that_does_not_fit_its_table_is_not_trusted(
    cache, acled_file, monkeypatch, caplog, spoil
):
    """Written with the right key and CRCs, but with rows beyond the table's: the checks
    against the dataset refuse it (a bug or another writer must not crash a view)."""
    _, _, a = opened(acled_file)
    [kept] = views_files(cache)
    key = table_cache.views_entry(read_path(acled_file).dataset)._key(prepared._stamp())
    side = kept.with_suffix(".payload")
    meta, parts = _views_file.read(kept, key, side)
    bad = {k: np.array(v) for k, v in parts.items()}
    spoil(meta, bad)
    _views_file.write(kept, key, meta, bad, ("map_body", side))
    with caplog.at_level(logging.WARNING, logger="araz.views.prepared"):
        _, p, b = opened(acled_file)
    assert p.kept_s is None and a == b and "does not fit" in caplog.text
    _, p, _ = opened(acled_file)
    assert p.kept_s is not None  # made again and kept


def test_usage_and_clear_count_the_views_data(cache, acled_file):
    opened(acled_file)
    [kept] = views_files(cache)
    used = table_cache.usage()
    assert used == sum(p.stat().st_size for p in cache.iterdir()) > kept.stat().st_size
    assert table_cache.clear() == used
    assert list(cache.iterdir()) == []
    _, p, _ = opened(acled_file)
    assert p.kept_s is None and views_files(cache) == [kept]


def test_no_views_data_without_the_table_cache(tmp_path, monkeypatch, acled_file):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("ARAZ_TABLE_CACHE", "off")
    ds, p, _ = opened(acled_file)
    assert p.kept_s is None and table_cache.views_entry(ds) is None
    assert not (tmp_path / "xdg").exists()


def test_the_views_file_round_trips_and_refuses_objects(tmp_path):
    parts = {
        "a": np.arange(5, dtype=np.int64),
        "flags": np.array([True, False, True]),
        "none": np.zeros(0, np.float32),
        "bytes": np.frombuffer(b"abc", np.uint8),
    }
    _views_file.write(tmp_path / "v", "key", {"é": [1, None]}, parts)
    meta, got = _views_file.read(tmp_path / "v", "key")
    assert meta == {"é": [1, None]}
    for k, v in parts.items():
        assert got[k].dtype == v.dtype and got[k].tolist() == v.tolist()
    # let go of a part's pages (after the read's checks all were): read again, the same
    for k, v in parts.items():
        _views_file.forget(got[k])
        assert got[k].tolist() == v.tolist()
    with pytest.raises(_views_file.Stale):
        _views_file.read(tmp_path / "v", "another key")
    with pytest.raises(TypeError):
        _views_file.write(tmp_path / "w", "key", {}, {"o": np.array(["x"], object)})


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="reads /proc/self/smaps")
def test_the_check_of_a_views_file_lets_each_part_go_once_checked(tmp_path, monkeypatch):
    """Reading a views file checks every part's checksum, which reads its pages: each
    part's leave the process's memory once it is checked, not all at the end (at a
    million events the whole file, 130 MB, was resident at the first open's peak)."""
    path = tmp_path / "v"
    parts = {f"p{k}": np.full(1 << 18, k, np.int32) for k in range(8)}  # 1 MB each
    _views_file.write(path, "key", {}, parts)

    def resident_kb() -> int:
        kb, ours = 0, False
        for line in Path("/proc/self/smaps").read_text().splitlines():
            head = line.split()
            if head and "-" in head[0] and not head[0].endswith(":"):
                ours = line.rstrip().endswith(str(path))
            elif ours and head[0] == "Rss:":
                kb += int(head[1])
        return kb

    seen: list[int] = []
    checksum = _views_file.checksum

    def checked(data):
        seen.append(resident_kb())  # before this part: those checked already, if kept
        return checksum(data)

    monkeypatch.setattr(_views_file, "checksum", checked)
    _views_file.read(path, "key")
    assert len(seen) == len(parts)
    assert max(seen) <= 2 * 1024 + 64  # at most the part the other thread is checking


def test_the_kept_rows_are_kept_as_made_and_read_where_they_are(cache, acled_file):
    """The map's and the timeline's rows are kept as int32, as made (an int64 copy of
    each was 8 MB at a million events, alive until the file was written), and a re-open
    uses them where they are in the file (an intp copy was 8 MB each again)."""
    ds, p, first = opened(acled_file)
    assert p.map[1].dtype == np.int32 and p.timeline[1].dtype == np.int32
    _, kept = prepared._to_keep(ds)
    assert kept["map_rows"] is p.map[1]
    assert kept["timeline_rows"].dtype == np.int32
    again, q, second = opened(acled_file)
    assert q.kept_s is not None and second == first and len(again) == len(ds)
    for rows in (q.map[1], q.timeline[1]):
        assert rows.dtype == np.int32 and not rows.flags.owndata  # the file's pages


def test_prepare_gives_the_freed_heap_back_before_and_after(monkeypatch, acled_file):
    """The preparation trims the heap first (the read's and the table cache's writing's
    holes: 100-180 MB at a million events) and last (its own temporaries), before the
    window takes the dataset."""
    from araz import heap

    monkeypatch.setenv("ARAZ_TABLE_CACHE", "off")
    ds = read_path(acled_file).dataset
    made: list[bool] = []
    monkeypatch.setattr(heap, "trim", lambda: made.append(prepared._of(ds).map is not None))
    prepare(ds)
    assert made == [False, True]


def test_asking_a_view_for_an_unknown_event_makes_no_positions(curated):
    """The map binding asks its view's index whether the active event is on the map at
    each filter change, None when there is none: that makes no per-event positions
    (4 MB at a million events), only a known id does."""
    view = prepared._ViewIndex(curated, np.arange(len(curated), dtype=np.int32))
    assert None not in view and "no such id" not in view
    assert view._where_ is None
    first = curated.events.ids[0]
    assert first in view and view[first] == 0 and view._where_ is not None


def test_the_ids_hash_is_the_same_in_bulk_and_one_by_one():
    import pyarrow as pa

    ids = ["", "a", "ARM1001", "Ärmel", "x" * 254, "y" * 255, "z" * 300, ""]
    ids += [f"IRN{k}" for k in range(3000)]
    strings = Strings(pa.array(ids, pa.string()))
    bulk = id_hashes(strings)
    assert bulk.tolist() == [id_hash(i) for i in ids] == id_hashes(ids).tolist()
    assert id_hashes(Strings(pa.array(ids, pa.string()).slice(3))).tolist() == bulk[3:].tolist()
    assert len(set(bulk.tolist())) == len(set(ids))
    # a known value: the same in every process (not Python's salted hash)
    assert id_hash("ARM1001") == int.from_bytes(b"ARM1001", "little") % (2**55 - 55) + (7 << 55)
    index = IdIndex(strings)
    assert all(index[i] == ids.index(i) for i in ids)
    again = IdIndex.from_parts(strings, *index.parts)
    assert again["IRN5"] == ids.index("IRN5") and "nope" not in again


def test_the_loader_writes_it_after_handing_over(cache, acled_file):
    """prepare(keep=False) (the loader's) leaves the writing to write_kept()."""
    ds = read_path(acled_file).dataset
    p = prepare(ds, keep=False)
    assert views_files(cache) == [] and p.pending is not None and p.keep_s is None
    p.write_kept()
    assert len(views_files(cache)) == 1 and p.pending is None and p.keep_s is not None
    p.write_kept()  # once
    _, again, _ = opened(acled_file)
    assert again.kept_s is not None


def test_a_views_file_of_another_layout_is_stale_and_made_again(cache, acled_file, caplog):
    """A file written in another version of the layout (version 1 kept CRC-32s) is not
    read as this one: stale, logged as such (not as damaged), written anew."""
    _, _, a = opened(acled_file)
    [kept] = views_files(cache)
    sound = kept.read_bytes()
    kept.write_bytes(sound[:8] + (1).to_bytes(4, "little") + sound[12:])
    with caplog.at_level(logging.INFO, logger="araz.io.table_cache"):
        _, p, b = opened(acled_file)
    assert p.kept_s is None and a == b
    assert "stale" in caplog.text and "damaged" not in caplog.text
    assert kept.read_bytes() == sound


def test_the_checksum_sees_a_flipped_bit_a_moved_block_and_a_zeroed_one():
    rng = np.random.default_rng(7)
    data = rng.integers(0, 256, 3 * 4096 + 13, dtype=np.uint8)  # three blocks and a bit
    sound = _views_file.checksum(data)
    assert sound == _views_file.checksum(data.copy()) >= 0
    spoilt = []
    for bit in range(8):
        for at in (0, 4095, 4096 * 2 + 7, len(data) - 1):
            flipped = data.copy()
            flipped[at] ^= 1 << bit
            spoilt.append(flipped)
    swapped = data.copy()
    swapped[:4096], swapped[4096:8192] = data[4096:8192], data[:4096]
    zeroed = data.copy()
    zeroed[4096:8192] = 0
    words = data[:16].copy()
    words[:8], words[8:] = data[8:16], data[:8]  # two words of one block swapped
    spoilt += [swapped, zeroed, np.concatenate([words, data[16:]])]
    assert all(_views_file.checksum(s) != sound for s in spoilt)
    # the same bytes as another type, the same checksum (the bytes are what is summed)
    assert _views_file.checksum(data[:4096].view("<u4")) == _views_file.checksum(data[:4096])


def test_the_checksum_sees_two_flipped_top_bits_and_zeros_added_at_the_end():
    """Two sign bits flipped (two doubles negated, anywhere in the array) or a value and
    its negation swapped change the checksum; so do zero bytes added at the end (a
    count grown into zeros)."""
    rng = np.random.default_rng(3)
    doubles = rng.uniform(-180, 180, 20_000)
    sound = _views_file.checksum(doubles)
    for a, b in ((3, 7000), (0, 1), (511, 512), (10, 19_999)):
        negated = doubles.copy()
        negated[[a, b]] *= -1
        assert _views_file.checksum(negated) != sound, (a, b)
    pair = doubles.copy()
    pair[5], pair[6] = 5.0, -5.0
    swapped = pair.copy()
    swapped[5], swapped[6] = -5.0, 5.0
    assert _views_file.checksum(pair) != _views_file.checksum(swapped)
    for bit in range(24, 32):  # the top bits of 32-bit words, two at a time
        words = rng.integers(0, 2**32, 4096, dtype=np.uint32)
        flipped = words.copy()
        flipped[[17, 2000]] ^= np.uint32(1 << bit)
        assert _views_file.checksum(flipped) != _views_file.checksum(words), bit
    zeros = np.zeros(10, np.uint8)
    assert _views_file.checksum(zeros) != _views_file.checksum(np.zeros(12, np.uint8))
    assert _views_file.checksum(np.array([7, 0, 0], np.int64)) != _views_file.checksum(
        np.array([7], np.int64)
    )
