"""Shared by the readers: reading bytes as text, progress and cancel, ids, plain text.

Nothing here raises for bad content: each helper reports a :class:`Problem` and lets the
reader decide what to keep.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from ..model.entities import Actor
from ._files import InputError, read_input
from .problems import LoadResult, Problem

ProgressFn = Callable[[float], Any]
CancelFn = Callable[[], bool]


# ---------------------------------------------------------------- bytes to text


def read_bytes(path: Path, problems: list[Problem], kind: str = "dataset") -> bytes | None:
    """The file's bytes, or None with a problem (missing, unreadable, not a regular file,
    too big for ``kind``: see :mod:`araz.io._files`)."""
    try:
        return read_input(path, kind)
    except InputError as exc:
        problems.append(Problem(str(path), None, f"cannot read the file: {exc}"))
        return None


def decode(raw: bytes, name: str, problems: list[Problem], what: str) -> str | None:
    """Text from bytes: UTF-8 (with or without BOM), else cp1252 with a warning.

    Empty files and binary data (NUL bytes) give None and a problem.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        problems.append(Problem(name, line, f"binary data (NUL byte), not {what}"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            line = raw[: exc.start].count(b"\n") + 1
            problems.append(
                Problem(
                    name,
                    line,
                    f"not text: neither UTF-8 nor Windows-1252 "
                    f"(byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                )
            )
            return None
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(
                name,
                line,
                f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                "read as Windows-1252: check accented names",
                severity="warning",
            )
        )
    if not text.strip():
        problems.append(Problem(name, None, "the file is empty"))
        return None
    return text


def read_text(path: Path, problems: list[Problem], what: str) -> str | None:
    raw = read_bytes(path, problems)
    return None if raw is None else decode(raw, str(path), problems, what)


def load_json(path: Path, problems: list[Problem], what: str = "JSON") -> Any:
    """The parsed JSON document, or None with a problem (the problem says where)."""
    text = read_text(path, problems, what)
    if text is None:
        return None
    return parse_json(text, str(path), problems)


def _json_int(digits: str) -> int | float:
    """A JSON integer; one with more digits than Python converts (4,300) is read as
    ±1e308, out of every range a reader accepts, so that the row is reported and the
    rest of the file still loads."""
    try:
        return int(digits)
    except ValueError:
        return -1e308 if digits.startswith("-") else 1e308


def parse_json(text: str, name: str, problems: list[Problem]) -> Any:
    try:
        doc = json.loads(text, parse_int=_json_int)
        if doc is None:
            problems.append(Problem(name, 1, "the JSON holds only null: no events"))
        elif may_hold_surrogates(text):
            fix_surrogates(doc, name, problems)
        return doc
    except json.JSONDecodeError as exc:
        hint = " (the file looks cut short)" if exc.pos >= len(text.rstrip()) else ""
        problems.append(Problem(name, exc.lineno, f"not valid JSON: {exc.msg}{hint}"))
    except RecursionError:
        return _parse_shallow(text, name, problems)
    except ValueError as exc:  # e.g. an integer with thousands of digits
        problems.append(Problem(name, None, f"not valid JSON: {exc}"))
    return None


MAX_DEPTH = 64  # nothing Araz reads nests this deep (GeoJSON: about 12 at most)
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _parse_shallow(text: str, name: str, problems: list[Problem]) -> Any:
    """JSON too deep for the parser: every array or object opened deeper than
    MAX_DEPTH is read as null, with a problem naming its line, so that the records
    around it still load (the reader then says which record lost what)."""
    parts: list[str] = []
    lines: list[int] = []
    depth = last = line_pos = 0
    line = 1
    cut: int | None = None
    for m in _JSON_TOKENS.finditer(text):
        c = text[m.start()]
        if c == '"':
            continue
        if c in "[{":
            depth += 1
            if depth > 100 * MAX_DEPTH:  # brackets, not data: no use going on
                break
            if depth == MAX_DEPTH + 1 and cut is None:
                cut = m.start()
        else:
            if depth == MAX_DEPTH + 1 and cut is not None:
                line += text.count("\n", line_pos, cut)
                line_pos = cut
                lines.append(line)
                parts += (text[last:cut], "null")
                last, cut = m.end(), None
            depth -= 1
    parts.append(text[last:])
    try:
        doc = json.loads("".join(parts))
    except (ValueError, RecursionError):
        problems.append(Problem(name, None, "not valid JSON: nested too deeply"))
        return None
    for n in lines:
        problems.append(
            Problem(name, n, f"nested more than {MAX_DEPTH} levels deep: that part is read as null")
        )
    if may_hold_surrogates(text):
        fix_surrogates(doc, name, problems)
    return doc


# ---------------------------------------------------------------- half characters

# an escape of a UTF-16 surrogate: \ud800 in JSON or YAML, \U0000d800 in YAML
_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F]")
_RECORDS = {"features": "feature", "events": "event", "actors": "actor", "places": "place"}


def may_hold_surrogates(text: str) -> bool:
    """Whether parsed ``text`` can hold surrogates (text decoded from bytes cannot;
    only escapes make them)."""
    return _SURROGATE_ESCAPE.search(text) is not None


def _whole(text: str) -> str:
    """Surrogate pairs joined into their character, a lone half replaced by U+FFFD."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def fix_surrogates(doc: Any, name: str, problems: list[Problem]) -> None:
    """Make every text in a parsed document whole, in place: escaped surrogate pairs
    become their character (YAML leaves them apart), a lone half (valid JSON, but no
    character: nothing could write it out) becomes U+FFFD, once, with a warning naming
    the record.  Iterative: any depth."""
    reported: set[str] = set()
    stack: list[tuple[Any, tuple]] = [(doc, ())]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            for key in [k for k in node if isinstance(k, str) and _has_surrogate(k)]:
                _report(doc, (*where, key), _whole(key), name, problems, reported)
                node[_whole(key)] = node.pop(key)
            for key, value in node.items():
                if isinstance(value, str):
                    if _has_surrogate(value):
                        node[key] = _fixed(doc, (*where, key), value, name, problems, reported)
                elif isinstance(value, dict | list):
                    stack.append((value, (*where, key)))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                if isinstance(value, str):
                    if _has_surrogate(value):
                        node[i] = _fixed(doc, (*where, i), value, name, problems, reported)
                elif isinstance(value, dict | list):
                    stack.append((value, (*where, i)))


def _fixed(doc, where: tuple, text: str, name: str, problems, reported: set[str]) -> str:
    whole = _whole(text)
    if whole.count("\ufffd") > text.count("\ufffd"):  # not only pairs: a lone half
        _report(doc, where, whole, name, problems, reported)
    return whole


def _report(doc, where: tuple, text: str, name: str, problems, reported: set[str]) -> None:
    record, line, n = _record(doc, where)
    if record in reported:
        return
    reported.add(record)
    field = ".".join(str(k) for k in where[n:]) or "a key"
    problems.append(
        Problem(
            name,
            line,
            f"{record}: {field} has half a character (an unpaired UTF-16 surrogate "
            f"escape); replaced by U+FFFD: {short_title(text, 60)!r}",
            record,
            "warning",
        )
    )


def _record(doc, where: tuple) -> tuple[str, int | None, int]:
    """The record a place in the document belongs to ("feature 3", "slide 2"), the
    line of that place when the document knows its lines (YAML), and how many keys of
    ``where`` name the record."""
    line = None
    node = doc
    for key in where:  # the innermost line known (LineDict/LineList from yaml_lines)
        lines = getattr(node, "key_lines", None) or {}
        item_lines = getattr(node, "item_lines", None)
        if isinstance(key, str) and key in lines:
            line = lines[key]
        elif isinstance(key, int) and item_lines is not None and key < len(item_lines):
            line = item_lines[key]
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
    if len(where) >= 3 and where[:2] == ("storymap", "slides") and isinstance(where[2], int):
        return f"slide {where[2] + 1}", line, 3
    if len(where) >= 2 and where[0] in _RECORDS and isinstance(where[1], int):
        return f"{_RECORDS[where[0]]} {where[1] + 1}", line, 2
    return "the document", line, 0


# ---------------------------------------------------------------- progress and cancel


class Ticker:
    """Calls ``progress`` about every 1% of ``total`` steps and asks ``cancel`` then.

    In a loop: ``if i >= tick.next and tick.at(i): return cancelled(name)``, so that the
    common case costs one integer comparison.
    """

    def __init__(self, progress: ProgressFn | None, cancel: CancelFn | None, total: int):
        self.progress = progress
        self.cancel = cancel
        self.total = max(int(total), 1)
        self.step = max(1, self.total // 100)
        self.next = 0 if (progress or cancel) else math.inf

    def at(self, i: int) -> bool:
        """Report step ``i``; True when the caller asked to stop."""
        self.next = i + self.step
        if self.progress is not None:
            self.progress(min(i / self.total, 1.0))
        return bool(self.cancel is not None and self.cancel())

    def done(self) -> None:
        if self.progress is not None:
            self.progress(1.0)


def cancelled(name: str) -> LoadResult:
    return LoadResult(None, [Problem(name, None, "cancelled", severity="warning")])


# ---------------------------------------------------------------- ids and names


_NON_WORD = re.compile(r"[\W_]+")


def slug(text: str, fallback: str = "x", limit: int = 60) -> str:
    """A readable id: folded, lower case, words joined by '-' ('Şuşa' -> 'susa')."""
    if text.isascii():
        plain = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    s = _NON_WORD.sub("-", plain).strip("-")[:limit].strip("-")
    return s or fallback


class Ids:
    """Unique ids: the first 'kapan', then 'kapan-2', 'kapan-3'…"""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.counts: dict[str, int] = {}

    def make(self, base: str) -> str:
        candidate, n = base, self.counts.get(base, 1)
        if n > 1:
            candidate = f"{base}-{n}"
        while candidate in self.taken:
            n += 1
            candidate = f"{base}-{n}"
        self.counts[base] = n
        self.taken.add(candidate)
        return candidate


class ActorsByName:
    """The actors named in a file's cells: one :class:`Actor` (kind "state") per distinct
    name, with a unique id made from it; ``actors`` is the dataset's registry."""

    def __init__(self) -> None:
        self.actors: dict[str, Actor] = {}
        self._ids = Ids()
        self._by_name: dict[str, str] = {}

    def add(self, names, into: list[str]) -> None:
        """The ids of ``names`` appended to ``into`` (each once), new names registered."""
        for name in names:
            aid = self._by_name.get(name)
            if aid is None:
                aid = self._ids.make(slug(name, "actor"))
                self.actors[aid] = Actor(aid, name, "state")
                self._by_name[name] = aid
            if aid not in into:
                into.append(aid)


def number(value: Any) -> float | None:
    """A finite float from a JSON number or numeric text; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if isinstance(value, int):
        try:
            value = float(value)
        except OverflowError:
            return None
    if isinstance(value, float) and math.isfinite(value):
        return value
    return None


def on_earth(lat: float, lon: float) -> bool:
    """A latitude in [-90, 90] and a longitude in [-180, 180] (NaN is neither): the one
    range check of every reader."""
    return -90 <= lat <= 90 and -180 <= lon <= 180


def swap_hint(lat: float, lon: float, words: str = "latitude and longitude") -> str:
    """For a point off the earth: a note when the latitude is past a pole and the
    longitude would make a latitude (the two look swapped)."""
    return f" ({words} look swapped)" if abs(lon) <= 90 < abs(lat) else ""


def check_point(lat: float | None, lon: float | None) -> str | None:
    """Why a point cannot be placed on the map, or None when it can."""
    if lat is None or lon is None:
        return "needs numeric latitude and longitude"
    if not on_earth(lat, lon):
        hint = swap_hint(lat, lon)
        return f"coordinates out of range: latitude {lat}, longitude {lon}{hint}"
    return None


# ---------------------------------------------------------------- HTML to plain text

_BLOCKS = frozenset(
    [
        "br",
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "section",
        "article",
        "header",
        "footer",
    ]
)
_DROP = frozenset(("script", "style", "template", "iframe", "object", "noscript", "svg"))
_TAGLIKE = re.compile(r"<[A-Za-z!/?]")
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.I)
_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r"\s*\n\s*")


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _DROP:
            self.dropping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            self.dropping = max(0, self.dropping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.dropping:  # a newline in HTML source is a space; <br>, <p> break lines
            self.parts.append(data.replace("\r", " ").replace("\n", " "))


def _strip_once(text: str) -> str:
    parser = _TextOnly()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


def plain_text(value: Any) -> str:
    """Safe plain text from HTML: no tags (scripts and styles dropped with their
    content), entities unescaped, runs of spaces collapsed, paragraphs as single
    newlines."""
    if not isinstance(value, str) or not value:
        return ""
    text = value
    for _ in range(3):  # escaped markup ("&lt;b&gt;") becomes markup once unescaped
        if "<" not in text and "&" not in text:
            break
        text = _strip_once(text)
        if not _TAGLIKE.search(text) and not _ENTITY.search(text):
            break
    if _TAGLIKE.search(text):  # still markup after three rounds: defuse it
        text = text.replace("<", "‹")
    text = text.replace("\xa0", " ").replace("\u200b", "")
    text = _SPACES.sub(" ", text)
    return _NEWLINES.sub("\n", text).strip()


def short_title(text: str, limit: int = 80) -> str:
    """The first line of a text, cut at a word before ``limit`` characters."""
    first = text.strip().split("\n", 1)[0].strip()
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0].rstrip(",;:.-– ")
    return (cut or first[:limit]) + "…"
