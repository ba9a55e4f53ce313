"""The map's payload kept in a file of its own beside the views' data (araz.io.table_cache,
araz.io._views_file): served to the page straight from the file, so it must be the very
file checked; a damaged, truncated, lengthened, missing or replaced one is never used."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from araz.io import _views_file, read_path, table_cache
from araz.views.arrays import map_events
from araz.views.prepared import prepare

ACLED = Path(__file__).resolve().parent.parent / "data" / "readers" / "acled_current.csv"


@pytest.fixture
def acled_file(tmp_path):
    path = tmp_path / "export.csv"
    shutil.copy(ACLED, path)
    return path


def opened(path):
    ds = read_path(path).dataset
    return ds, prepare(ds)


def side_file(cache) -> Path:
    [side] = sorted(cache.glob("*.payload"))
    return side


def test_the_payload_file_holds_the_payload_alone_and_the_views_file_not(cache, acled_file):
    ds, _ = opened(acled_file)
    made = map_events(ds)[0].body
    side = side_file(cache)
    assert side.read_bytes() == made  # the whole file is the reply the page is served
    views = side.with_suffix(".views").read_bytes()
    assert made[16:4096] not in views  # kept once, not in both files
    _, again = opened(acled_file)
    assert again.kept_s is not None and bytes(again.map[0].body) == made


def _flip(raw: bytes) -> bytes:
    out = bytearray(raw)
    out[len(out) * 2 // 3] ^= 0x01
    return bytes(out)


def _truncate(raw: bytes) -> bytes:
    return raw[:-8]


def _lengthen(raw: bytes) -> bytes:
    return raw + b"\0" * 8


def _another_payload(raw: bytes) -> bytes:
    out = bytearray(raw)
    out[16:24] = out[24:32]  # a block moved: same size, same head
    return bytes(out)


@pytest.mark.parametrize("damage", [_flip, _truncate, _lengthen, _another_payload, None])
def test_a_damaged_or_missing_payload_file_is_not_used_and_made_again(
    cache, acled_file, damage, caplog
):
    ds, _ = opened(acled_file)
    made = map_events(ds)[0].body
    side = side_file(cache)
    if damage is None:
        side.unlink()
    else:
        side.write_bytes(damage(side.read_bytes()))
    with caplog.at_level(logging.WARNING, logger="araz.io.table_cache"):
        _, p = opened(acled_file)
    assert p.kept_s is None and "damaged" in caplog.text
    assert bytes(p.map[0].body) == made  # made again from the table
    assert side.read_bytes() == made  # and kept again, sound
    _, p = opened(acled_file)
    assert p.kept_s is not None


def test_a_payload_file_replaced_or_written_to_after_its_check_is_not_the_one_served(
    cache, acled_file
):
    _, p = opened(acled_file)
    _, p = opened(acled_file)  # from the cache: the payload is the side file's pages
    side = side_file(cache)
    kept = table_cache.ViewsEntry.side_file(p.map[0].body)
    assert kept.path == str(side)
    same = kept.same
    raw = side.read_bytes()

    def still(check=same) -> bool:
        fd = os.open(side, os.O_RDONLY)
        try:
            return check(fd)
        finally:
            os.close(fd)

    assert still()
    side.unlink()
    side.write_bytes(raw)  # the same bytes, another file
    assert not still()
    _, p = opened(acled_file)
    same = table_cache.ViewsEntry.side_file(p.map[0].body).same
    assert still(same)
    st = side.stat()
    os.utime(side, ns=(st.st_atime_ns, st.st_mtime_ns + 1000))  # written to since
    assert not still(same)


def test_clear_and_a_new_table_take_the_payload_file_with_them(cache, acled_file):
    opened(acled_file)
    side = side_file(cache)
    used = table_cache.usage()
    assert used == sum(p.stat().st_size for p in cache.iterdir()) > side.stat().st_size
    assert table_cache.clear() == used and not side.exists()
    opened(acled_file)
    assert side.exists()
    acled_file.write_bytes(acled_file.read_bytes() + b"\n")  # the file changed
    entry = table_cache.Entry(acled_file)
    entry.store(read_path(acled_file))
    assert not side.exists()  # the old table's views and payload, deleted with it


def test_a_side_part_is_read_only_where_the_header_says_and_the_size_is_exact(tmp_path):
    parts = {"a": np.arange(10, dtype="<i4"), "body": np.arange(37, dtype=np.uint8)}
    path, side = tmp_path / "v", tmp_path / "p"
    _views_file.write(path, "key", {}, parts, ("body", side))
    assert side.read_bytes() == parts["body"].tobytes()
    _, got = _views_file.read(path, "key", side)
    assert got["body"].tolist() == parts["body"].tolist()
    assert _views_file.side_of(got["body"])[0] == str(side)
    assert _views_file.side_of(got["a"]) is None
    with pytest.raises(_views_file.Damaged):
        _views_file.read(path, "key")  # a side part, and no side file told of
    side.write_bytes(side.read_bytes()[:-1])
    with pytest.raises(_views_file.Damaged):
        _views_file.read(path, "key", side)


def test_the_payload_file_is_named_ahead_only_for_this_file_and_code(cache, acled_file):
    """Before the file is read, the payload file its next open will use (what the page
    may fetch ahead): none before a first open, none for a changed file or other views'
    code or another reader's options; the file that the check then passes."""
    from araz.views.prepared import payload_ahead

    assert payload_ahead(acled_file, {}) is None
    opened(acled_file)
    ahead = payload_ahead(acled_file, {})
    ds, p = opened(acled_file)
    assert ahead is not None and ahead == table_cache.ViewsEntry.side_file(p.map[0].body)
    assert payload_ahead(acled_file, {"title_property": "notes"}) is None
    assert table_cache.views_entry(ds).side_ahead("other views' code") is None
    side = side_file(cache)
    side.write_bytes(side.read_bytes() + b"\0")  # not the size the views file says
    assert payload_ahead(acled_file, {}) is None
    side.write_bytes(side.read_bytes()[:-1])
    st = side.stat()
    os.utime(side, ns=(st.st_atime_ns, st.st_mtime_ns + 10**6))
    assert payload_ahead(acled_file, {}) not in (None, ahead)  # written since: not it
    acled_file.write_bytes(acled_file.read_bytes() + b"\n")
    assert payload_ahead(acled_file, {}) is None  # the file changed: another key
