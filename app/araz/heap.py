"""Giving freed memory back to the operating system after a big load.

glibc's allocator keeps freed blocks in its heaps (one per thread that allocated) for
reuse; after reading a 100,000-row file, the reader's temporaries (rows, lines, JSON
being built) leave tens of MB counted against the app although nothing uses them.
``malloc_trim`` returns what it can.  Elsewhere (macOS, Windows, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import sys
from functools import cache


@cache
def _malloc_trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")  # find_library would run ldconfig
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def trim() -> bool:
    """Return freed heap memory to the system (pyarrow's pool's unused memory too, when
    pyarrow is loaded); True when something was given back."""
    pyarrow = sys.modules.get("pyarrow")
    if pyarrow is not None:
        pyarrow.default_memory_pool().release_unused()
    fn = _malloc_trim()
    return bool(fn(0)) if fn is not None else False
