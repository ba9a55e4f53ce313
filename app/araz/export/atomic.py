"""Atomic writes that never lose anything, and errors in one clear line."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ..model.dataset import Dataset


class ExportError(Exception):
    """An export that could not be made; ``str()`` is one line for the user."""


def _same(a: Path, b: str | os.PathLike | None) -> bool:
    if not b:
        return False
    try:
        return a.resolve() == Path(b).resolve()
    except OSError:
        return False


def check_target(path: str | os.PathLike, ds: Dataset | None = None) -> Path:
    """The resolved target; ExportError if it is the loaded dataset, the seed or a folder."""
    if "\0" in os.fspath(path):
        raise ExportError("a file name cannot hold a NUL character; choose another name")
    target = Path(path).expanduser()
    if ds is not None:
        seed = ds.seed.path if ds.seed is not None else None
        if _same(target, ds.source):
            raise ExportError(
                f"will not overwrite the loaded dataset {target}; choose another name"
            )
        if _same(target, seed):
            raise ExportError(f"will not overwrite the seed article {target}; choose another name")
    if target.is_dir():
        raise ExportError(f"cannot write {target}: it is a folder")
    return target


def describe_os_error(path: Path, exc: OSError) -> str:
    """One line saying why ``path`` could not be written."""
    if exc.errno == errno.ENOENT and not path.parent.is_dir():
        return f"cannot write {path}: the folder {path.parent} does not exist"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"cannot write {path}: permission denied"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"cannot write {path}: the disk is full"
    if exc.errno == errno.EROFS:
        return f"cannot write {path}: the disk is read-only"
    return f"cannot write {path}: {exc.strerror or exc}"


def atomic_write(
    path: str | os.PathLike,
    content: bytes | Callable[[BinaryIO], None],
    ds: Dataset | None = None,
) -> Path:
    """Write ``content`` (bytes, or a function writing to a binary file) to ``path``.

    The bytes go to a temporary file in the same folder, flushed to disk, then renamed
    over the target: a failure at any point leaves the target as it was and no partial
    file behind.  Raises ExportError.
    """
    target = check_target(path, ds)
    folder = target.parent
    if not folder.is_dir():
        raise ExportError(f"cannot write {target}: the folder {folder} does not exist")
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
        with os.fdopen(fd, "wb") as f:
            if isinstance(content, bytes | bytearray | memoryview):
                f.write(content)
            else:
                content(f)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise ExportError(describe_os_error(target, exc)) from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return target
