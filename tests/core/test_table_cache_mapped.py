"""A first read that writes the table cache hands back the table as written, memory-
mapped (the same dataset; its pages the file's, out of the process's memory once
checked), not the read's own copy in memory."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from test_table_cache import ACLED, PER_ACTOR_ROW, assert_same, entries

from araz.io import read_path

SMAPS = Path("/proc/self/smaps")


def mappings(path: Path) -> list[tuple[int, int, int]]:
    """(start, end, resident kB) of each mapping of ``path`` in this process."""
    found, current = [], None
    for line in SMAPS.read_text().splitlines():
        head = line.split()
        if head and "-" in head[0] and not head[0].endswith(":"):
            current = None
            if line.rstrip().endswith(str(path)):
                start, end = (int(x, 16) for x in head[0].split("-"))
                current = [start, end, 0]
                found.append(current)
        elif current is not None and head and head[0] == "Rss:":
            current[2] = int(head[1])
    return [tuple(m) for m in found]  # type: ignore[misc]


def big_acled(path: Path, copies: int) -> Path:
    """The test ACLED file's rows, ``copies`` times over with ids of their own."""
    with ACLED.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for k in range(copies):
            w.writerows([f"{r[0]}-{k}", *r[1:]] for r in rows)
    return path


@pytest.mark.skipif(not SMAPS.exists(), reason="reads /proc/self/smaps")
def test_the_first_read_gives_the_table_it_wrote_mapped_and_let_go(cache, tmp_path, monkeypatch):
    path = big_acled(tmp_path / "big.csv", 3000)
    monkeypatch.setenv("ARAZ_TABLE_CACHE", "off")
    parsed = read_path(path)
    monkeypatch.setenv("ARAZ_TABLE_CACHE", "on")
    first = read_path(path)
    assert "cache" not in first.timings and "mapped" in first.timings  # a first open
    [entry] = entries(cache)
    maps = mappings(entry)
    assert maps, "the dataset does not map the entry it wrote"
    # the events' text (their summaries) lies in the file's pages, not in a copy
    summaries = first.dataset.events.arrow.column("summary").chunk(0).buffers()[2]
    assert any(start <= summaries.address < end for start, end, _ in maps)
    # checked, then let go: little of the file stays in memory
    size_kb = entry.stat().st_size // 1024
    assert size_kb > 2048
    assert sum(rss for *_, rss in maps) < size_kb // 4
    assert_same(parsed, first)


def test_a_first_read_of_a_small_file_is_the_same_with_the_cache_on(cache, tmp_path):
    path = tmp_path / "export.csv"
    shutil.copy(ACLED, path)
    with open(path, "a", encoding="utf-8") as f:
        f.write(PER_ACTOR_ROW)
    first = read_path(path)
    again = read_path(path)
    assert "mapped" in first.timings and "cache" in again.timings
    assert first.merged == 1
    assert_same(first, again)
