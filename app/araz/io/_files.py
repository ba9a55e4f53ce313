"""Opening a user's file: the one way Araz reads the files a user points it at (datasets
of every format, a dataset's seed article, its geometry files).

A file a dataset names (its seed, a geometry) must lie inside the dataset's own folder,
after resolving links (:func:`inside`), so that a dataset cannot show ``/etc/passwd``
or ``/proc/self/environ`` in the Article panel.

Only regular files are read (a named pipe would block for ever, ``/dev/zero`` never
ends); a file is never opened in a way that can block or take a terminal; and each kind
of file has a size cap, checked before a byte is read and again while reading (a file
that grows).  Every refusal is an :class:`InputError` whose text says why, in words for
the person (the caller says which file, and where it was named).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

MB = 1024 * 1024
_CHUNK = 4 * MB


@dataclass(frozen=True)
class Kind:
    cap: int  # bytes
    limit: str  # the cap in a sentence, after "the file is N MB; "


KINDS = {
    "dataset": Kind(200 * MB, "Araz reads files of at most 200 MB (split it or filter it first)"),
    # a table read in blocks (ACLED CSV through pyarrow): memory follows the events kept,
    # not the file's size
    "table": Kind(1024 * 1024 * MB, "Araz reads tables of at most 1 TB"),
    # GIS files GDAL reads from memory (GeoPackage, FlatGeobuf, zipped Shapefile)
    "gis": Kind(2048 * MB, "Araz reads GIS files of at most 2 GB"),
    # GDAL's KML readers hold the whole document in memory (1.3 GB at 100k placemarks)
    "kml": Kind(
        25 * MB,
        "Araz reads KML/KMZ of at most 25 MB (GDAL holds a KML document in memory: "
        "save it as GeoPackage or FlatGeobuf)",
    ),
    # a workbook is read whole into memory by calamine (fastexcel)
    "spreadsheet": Kind(
        200 * MB,
        "Araz reads spreadsheets of at most 200 MB (the whole workbook is read into "
        "memory: save the sheet as CSV, or split it)",
    ),
    "curated": Kind(20 * MB, "a curated file is at most 20 MB"),
    "seed": Kind(5 * MB, "a seed article is at most 5 MB"),
    "geometry": Kind(20 * MB, "a geometry file is at most 20 MB"),
}


OUTSIDE = "{ref} is outside the dataset's folder (Araz reads a dataset's files only from there)"


class InputError(Exception):
    """Why a file was not read: "it is a named pipe (FIFO), not a regular file"."""


def _what(mode: int) -> str | None:
    """What a file that is not a regular file is, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _check(st: os.stat_result, kind: Kind) -> None:
    what = _what(st.st_mode)
    if what is not None:
        raise InputError(f"it is {what}, not a regular file")
    if st.st_size > kind.cap:
        raise InputError(_too_big(st.st_size, kind))


def _too_big(size: int, kind: Kind) -> str:
    return f"the file is {size / MB:.0f} MB; {kind.limit}"


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def check_input(path: str | os.PathLike, kind: str = "dataset") -> int:
    """The size of a file Araz may read as ``kind``; InputError when it may not (missing,
    not a regular file, too big).  Follows links: what counts is what they point to."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise InputError(_reason(exc)) from None
    _check(st, KINDS[kind])
    return st.st_size


def inside(folder: str | os.PathLike, ref: str) -> Path:
    """The file ``ref`` names, relative to ``folder``, with links resolved; InputError
    when it lies outside ``folder`` (absolute, ``..``, a link out)."""
    try:
        base = Path(folder).resolve()
        target = (base / ref).resolve()
    except (OSError, RuntimeError) as exc:  # a link loop
        raise InputError(f"{ref}: {exc}") from None
    if not target.is_relative_to(base):
        raise InputError(OUTSIDE.format(ref=ref))
    return target


def _opened_inside(fd: int, folder: Path) -> bool:
    """Whether the open file still lies inside ``folder`` (a link in its path may have
    been swapped since :func:`inside` looked).  Linux only; elsewhere True."""
    try:
        real = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return True
    return Path(real).is_relative_to(folder.resolve())


def open_input(
    path: str | os.PathLike, kind: str = "dataset", folder: Path | None = None
) -> BinaryIO:
    """The file opened for reading in binary, checked: a regular file within the cap of
    ``kind`` (and, with ``folder``, inside it: use :func:`inside` first).  Opened
    non-blocking and without taking a terminal, and checked again once open (the file
    may have been swapped between the check and the open)."""
    limits = KINDS[kind]
    try:
        before = os.stat(path)
    except OSError as exc:
        raise InputError(_reason(exc)) from None
    _check(before, limits)
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputError(_reason(exc)) from None
    try:
        after = os.fstat(fd)
        _check(after, limits)
        if (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino):
            raise InputError("the file changed while it was being opened")
        if folder is not None and not _opened_inside(fd, folder):
            raise InputError(OUTSIDE.format(ref=os.fspath(path)))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_input(path: str | os.PathLike, kind: str = "dataset", folder: Path | None = None) -> bytes:
    """All the bytes of a file opened with :func:`open_input`, never more than the cap
    (a file that grows while it is read is refused)."""
    limits = KINDS[kind]
    with open_input(path, kind, folder) as f:
        chunks: list[bytes] = []
        total = 0
        try:
            while chunk := f.read(_CHUNK):
                total += len(chunk)
                if total > limits.cap:
                    raise InputError(_too_big(total, limits) + " (it grew while being read)")
                chunks.append(chunk)
        except OSError as exc:
            raise InputError(_reason(exc)) from None
    return b"".join(chunks)


def read_head(path: str | os.PathLike, n: int, kind: str = "dataset") -> bytes:
    """The first ``n`` bytes of a file opened with :func:`open_input`."""
    with open_input(path, kind) as f:
        try:
            return f.read(n)
        except OSError as exc:
            raise InputError(_reason(exc)) from None
