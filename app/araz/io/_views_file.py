"""Named numpy arrays and a JSON part in one file, memory-mapped when read back: the
layout of the table cache's second file per entry, the views' data
(:func:`araz.io.table_cache.views_entry`, filled by :mod:`araz.views.prepared`).

The layout, numbers little-endian::

    offset 0   b"ARAZVIEW"    magic
           8   uint32         version (1)
          12   uint32         H, length of the header in bytes (a multiple of 8)
          16   header, JSON (UTF-8, padded with spaces to H bytes):
               {"key": the entry's key, "meta": what the caller keeps as JSON,
                "parts": [[name, dtype, count, offset, checksum], ...]}
    then each part's bytes at its offset (a multiple of 8 from the file's start)

One part may live in a file of its own beside it (``side``: the map's payload, which
the page is then served straight from that file, read by Qt with no copy through
Python; the engine takes a reply's length from a whole file, so it cannot be a range
of this one): its row's offset is -1, and the side file holds its bytes and nothing
else.  It is checked as the parts inside are (its size is the part's, to the byte, and
its checksum, kept in this file's header, the header's key binding the two), and
:func:`side_of` tells which file, as it was when checked (device, inode, size,
modification time), a part read from one maps.

Nothing in it is trusted before it is checked: the magic, the version (another one:
:class:`Stale`), the key (another one: :class:`Stale`), each part's type (numbers and
booleans only, little-endian), place (within the file, in order, not overlapping) and
:func:`checksum` (a flipped bit anywhere in an array is seen; so is a block of it moved
or zeroed).  What the arrays mean (rows within the dataset's range, …) the caller checks.

The checksum is not CRC-32 (version 1's): over the 130 MB of a million events' views
zlib's CRC took ~50 ms of a re-open (two threads), a weighted sum of 32-bit words by
numpy takes ~10-15.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import struct
import threading
import weakref
from pathlib import Path
from typing import Any

import numpy as np

MAGIC = b"ARAZVIEW"
VERSION = 4  # 2: checksum(), not CRC-32; 3: its 32-bit words and the byte count; 4: side
_HEAD = struct.Struct("<8sII")
# the types a part may have (no objects: nothing in the file is unpickled or evaluated)
DTYPES = frozenset(("|b1", "|u1", "|i1", "<u2", "<i2", "<u4", "<i4", "<u8", "<i8", "<f4", "<f8"))


class Stale(Exception):
    """The file was written for another key (another table, or other views' code)."""


class Damaged(Exception):
    """The file is not a sound views file."""


def _check(ok: bool, what: str) -> None:
    if not ok:
        raise Damaged(what)


def write(
    path: Path,
    key: str,
    meta: dict,
    parts: dict[str, np.ndarray],
    side: tuple[str, Path] | None = None,
) -> None:
    """Write ``parts`` (1-D arrays of the types in :data:`DTYPES`, byte order made
    little-endian here) and ``meta`` (JSON) for ``key`` to ``path``; ``side``: the name
    of one part written alone to another file (the module docstring), and that file."""
    arrays = {}
    for name, array in parts.items():
        a = np.ascontiguousarray(array).reshape(-1)
        a = a.astype(a.dtype.newbyteorder("<"), copy=False)
        if a.dtype.str not in DTYPES:
            raise TypeError(f"{name}: {a.dtype} cannot be kept")
        arrays[name] = a
    crcs = dict(zip(arrays, _checksums(list(arrays.values())), strict=True))
    header, table, room = b"", [], 0
    while True:  # the header holds the offsets, which follow it: until they agree
        at = _HEAD.size + room
        table = []
        for name, a in arrays.items():
            if side is not None and name == side[0]:
                table.append([name, a.dtype.str, len(a), -1, crcs[name]])
                continue
            table.append([name, a.dtype.str, len(a), at, crcs[name]])
            at += a.nbytes + (-a.nbytes % 8)
        text = json.dumps({"key": key, "meta": meta, "parts": table}, ensure_ascii=False)
        header = text.encode("utf-8", "surrogatepass")
        header += b" " * (-len(header) % 8)
        if len(header) <= room:
            header += b" " * (room - len(header))
            break
        room = len(header) + 64
    if side is not None:
        with open(side[1], "wb") as f:
            f.write(memoryview(arrays[side[0]]).cast("B"))
    with open(path, "wb") as f:
        f.write(_HEAD.pack(MAGIC, VERSION, len(header)))
        f.write(header)
        for (_, _, _, offset, _), a in zip(table, arrays.values(), strict=True):
            if offset >= 0:
                f.write(b"\0" * (offset - f.tell()))
                f.write(memoryview(a).cast("B"))


def _header(buf: Any, size: int, key: str) -> dict:
    """The header at the start of ``buf`` (the first bytes of a views file of ``size``
    bytes), checked as far as the key.  Raises :class:`Stale` or :class:`Damaged`."""
    _check(len(buf) >= _HEAD.size, "too short")
    magic, version, length = _HEAD.unpack_from(buf)
    _check(magic == MAGIC, "not an Araz views file")
    if version != VERSION:
        raise Stale(f"written in layout {version}, not {VERSION}")
    _check(_HEAD.size + length <= min(size, len(buf)) and length % 8 == 0, "header length")
    try:
        header = json.loads(bytes(buf[_HEAD.size : _HEAD.size + length]))
    except ValueError as exc:
        raise Damaged(f"header: {exc}") from None
    _check(isinstance(header, dict), "header")
    if header.get("key") != key:
        raise Stale("written for another table or other views")
    return header


def read(path: Path, key: str, side: Path | None = None) -> tuple[dict, dict[str, np.ndarray]]:
    """The meta and the parts kept in ``path`` for ``key``: the arrays are read-only
    views of the mapped file (a part kept apart, of ``side``'s).  Raises :class:`Stale`
    for another key, :class:`Damaged` (or an OSError) for a file that is not sound."""
    with open(path, "rb") as f:
        size = f.seek(0, 2)
        _check(size >= _HEAD.size, "too short")
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    header = _header(mapped, size, key)
    length = _HEAD.unpack_from(mapped)[2]
    meta, table = header.get("meta"), header.get("parts")
    _check(isinstance(meta, dict) and isinstance(table, list), "header's parts")
    parts: dict[str, Any] = {}
    crcs: dict[str, int] = {}
    at = _HEAD.size + length
    side_seen: str | None = None
    for row in table:
        _check(isinstance(row, list) and len(row) == 5, "a part's row")
        name, dtype, count, offset, crc = row
        _check(isinstance(name, str) and name not in parts, "a part's name")
        _check(dtype in DTYPES, f"{name}: type {dtype!r}")
        ints = (count, offset, crc)
        _check(all(isinstance(v, int) and not isinstance(v, bool) for v in ints), name)
        nbytes = count * np.dtype(dtype).itemsize
        if offset == -1 and count >= 0 and side is not None and side_seen is None:
            side_seen = name
            parts[name] = _side(side, dtype, count, nbytes)
            crcs[name] = crc
            continue
        _check(count >= 0 and offset >= at and offset % 8 == 0, f"{name}: place")
        _check(offset + nbytes <= size, f"{name}: past the end")
        array = (
            np.frombuffer(mapped, dtype=np.dtype(dtype), count=count, offset=offset)
            if count
            else np.zeros(0, np.dtype(dtype))
        )
        parts[name] = array
        crcs[name] = crc
        at = offset + nbytes
    for name, crc in zip(crcs, _checksums(list(parts.values())), strict=True):
        _check(crc == crcs[name], f"{name}: checksum")
    forget_pages(mapped, 0, size)  # checked: read again from the file as they are used
    return meta, parts


# the side files mapped (the map, weakly: it goes with its last array) and what each
# was when mapped: its path and (device, inode, size, modification time)
_SIDES: weakref.WeakKeyDictionary[mmap.mmap, tuple[str, tuple[int, int, int, int]]] = (
    weakref.WeakKeyDictionary()
)


def _identity(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


def _side(path: Path, dtype: str, count: int, nbytes: int) -> np.ndarray:
    """The part kept apart in ``path``: the whole file, exactly ``nbytes`` long."""
    with open(path, "rb") as f:
        st = os.fstat(f.fileno())
        _check(st.st_size == nbytes, "the side file's size")
        if not nbytes:
            return np.zeros(0, np.dtype(dtype))
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    _SIDES[mapped] = (str(path), _identity(st))
    return np.frombuffer(mapped, dtype=np.dtype(dtype), count=count)


def side_ahead(path: Path, key: str, side: Path) -> tuple[str, tuple[int, int, int, int]] | None:
    """The side file of the views file ``path`` for ``key`` as it is now (its path, and
    its device, inode, size and modification time), when the header says it has one of
    that file's size; else None.  A quick look (the header, a stat), not a check: what
    it names may be fetched ahead, never used before :func:`read` has checked that very
    file (the same identity).  Never raises."""
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            head = f.read(_HEAD.size)
            length = _HEAD.unpack(head)[2] if len(head) == _HEAD.size else 0
            header = _header(head + f.read(min(length, size)), size, key)
        rows = [r for r in header.get("parts") or () if isinstance(r, list) and len(r) == 5]
        apart = [r for r in rows if r[3] == -1 and r[1] in DTYPES and isinstance(r[2], int)]
        if len(apart) != 1:
            return None
        st = os.stat(side)
        if st.st_size != apart[0][2] * np.dtype(apart[0][1]).itemsize or not st.st_size:
            return None
        return str(side), _identity(st)
    except (Stale, Damaged, OSError, ValueError, TypeError):
        return None


def side_of(array: np.ndarray) -> tuple[str, tuple[int, int, int, int]] | None:
    """The side file ``array`` is, whole (its path, and its device, inode, size and
    modification time when :func:`read` checked it), or None (not one)."""
    base = array.base
    base = base.obj if isinstance(base, memoryview) else base
    if not isinstance(base, mmap.mmap) or base not in _SIDES:
        return None
    path, identity = _SIDES[base]
    start = np.frombuffer(base, np.uint8, count=1).__array_interface__["data"][0]
    if array.__array_interface__["data"][0] != start or array.nbytes != identity[2]:
        return None
    return path, identity


def same_side(identity: tuple[int, int, int, int], fd: int) -> bool:
    """Whether the file open as ``fd`` is still the side file :func:`side_of` told of."""
    try:
        return _identity(os.fstat(fd)) == identity
    except OSError:
        return False


_BLOCK = 1024  # words of 4 bytes: 4 KiB
_MOD = 1 << 64
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
# each word's weight within its block: odd, 64 bits (so a changed word, a 32-bit
# difference, never vanishes modulo 2**64: an odd number times less than 2**32)
_WEIGHTS = (np.arange(_BLOCK, dtype=np.uint64) * np.uint64(2) + np.uint64(1)) * _GOLDEN


def checksum(array: np.ndarray) -> int:
    """A 64-bit checksum of an array's bytes: their little-endian 32-bit words (the last
    padded with zeros) summed in blocks of 4 KiB, each word times a 64-bit odd weight of
    its place in its block, then the blocks' sums each times an odd weight of the
    block's place, then the byte count added (times an odd constant), all modulo 2**64.
    A changed word in a block always changes its sum (its difference is under 2**32,
    its weight odd), two changed words in one block do so unless their differences
    meet a 2**-32-ish coincidence (two flipped top bits never cancel: the weights'
    sums are not multiples of 2**33), and so does, but for such a chance, a block
    moved, zeroed or overwritten; zeros added at the end change the count.  64-bit
    words would let two flipped top bits cancel (2**63 times an even number).  Numpy's
    passes over the words: several times faster than zlib's CRC-32 (a memory-bound
    product and sum, not a byte-wise table)."""
    data = array.reshape(-1).view(np.uint8) if array.size else np.zeros(0, np.uint8)
    whole = len(data) // (4 * _BLOCK)
    cut = whole * 4 * _BLOCK
    sums = np.zeros(whole + 1, np.uint64)
    if whole:
        blocks = data[:cut].view("<u4").reshape(whole, _BLOCK)
        np.einsum("ij,j->i", blocks, _WEIGHTS, out=sums[:whole], casting="unsafe")
    rest = np.zeros(4 * _BLOCK, np.uint8)  # the last, partial block, zero-padded
    rest[: len(data) - cut] = data[cut:]
    sums[whole] = np.einsum("j,j->", rest.view("<u4").astype(np.uint64), _WEIGHTS)
    places = np.arange(whole + 1, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    total = int(np.einsum("i,i->", sums, places * _GOLDEN))
    return (total + len(data) * int(_GOLDEN)) % _MOD


def _checksums(arrays: list[np.ndarray]) -> list[int]:
    """Each array's :func:`checksum`, about half the bytes in a second thread while this
    one does the rest (numpy lets go of the GIL over a large array): a re-open waits for
    about half of them, not all one after the other.  Each part's pages leave the
    process's memory once it is checked (the whole file's at once, at a million events,
    added 130 MB to the peak of the first open, which reads back the file it wrote)."""
    crc = [-1] * len(arrays)  # -1: never a checksum (a part left unchecked is not sound)

    def run(ks: list[int]) -> None:
        for k in ks:
            crc[k] = checksum(arrays[k])
            forget(arrays[k])  # its pages let go now, not with the whole file's at the end

    halves: tuple[list[int], list[int]] = ([], [])
    weight = [0, 0]
    for k in sorted(range(len(arrays)), key=lambda k: -arrays[k].nbytes):
        lighter = int(weight[1] < weight[0])
        halves[lighter].append(k)
        weight[lighter] += arrays[k].nbytes
    thread = threading.Thread(target=run, args=(halves[1],), name="araz-views-sum", daemon=True)
    thread.start()
    try:
        run(halves[0])
    finally:
        thread.join()
    return crc


def forget(array: np.ndarray) -> None:
    """Let go of the pages of a part that was read (copied, say) and will not be for a
    while: they leave this process's memory, and come back from the file if read."""
    base = array.base
    base = base.obj if isinstance(base, memoryview) else base  # numpy's view of the map
    if isinstance(base, mmap.mmap) and array.nbytes:
        start = np.frombuffer(base, np.uint8, count=1).__array_interface__["data"][0]
        offset = array.__array_interface__["data"][0] - start
        forget_pages(base, offset, array.nbytes)


def forget_pages(mapped: mmap.mmap, offset: int, length: int) -> None:
    """``madvise(MADV_DONTNEED)`` over whole pages of a read-only file mapping (where
    there is one: Linux, the BSDs, macOS); nothing is lost, the pages are the file's."""
    advice = getattr(mmap, "MADV_DONTNEED", None)
    if advice is None or not length:
        return
    first = offset - offset % mmap.PAGESIZE
    with contextlib.suppress(OSError, ValueError):
        mapped.madvise(advice, first, offset + length - first)
