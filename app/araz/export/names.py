"""File names proposed from data (a dataset's title): safe on every desktop's disk."""

from __future__ import annotations

import re
import unicodedata

#: A proposed stem stays well under the 255 bytes a file name may have: room for the
#: suffix and for the temporary name an atomic write uses next to it.
MAX_STEM_BYTES = 180
_FORBIDDEN = re.compile(r'[/\\:*?"<>|]')  # separators, and what Windows refuses
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{i}" for p in ("COM", "LPT") for i in range(10)}


def _is_control(ch: str) -> bool:
    # Cc: C0/C1 controls and NUL; Cf: format characters (bidirectional overrides that
    # make "txt.exe" read "exe.txt"); Zl/Zp: line and paragraph separators
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")


def safe_file_stem(text: str, fallback: str = "araz", max_bytes: int = MAX_STEM_BYTES) -> str:
    """``text`` as a file name without suffix: no NUL or control characters, no path
    separators or characters Windows refuses, no leading dot (hidden) or trailing dot or
    space, not a Windows device name (CON, NUL, COM1…), at most ``max_bytes`` in UTF-8
    (cut between characters); ``fallback`` when nothing is left."""
    out = "".join(" " if _is_control(ch) else ch for ch in text)
    out = _FORBIDDEN.sub("-", out)
    out = re.sub(r"\s+", " ", out).strip(" .")
    raw = out.encode("utf-8", "ignore")  # a lone surrogate is no file name either
    if len(raw) > max_bytes:
        raw = raw[:max_bytes]
    out = raw.decode("utf-8", "ignore").rstrip(" .")
    if not out:
        return fallback
    base, dot, rest = out.partition(".")
    if base.upper() in _RESERVED:
        out = f"{base}_{dot}{rest}"
    return out
