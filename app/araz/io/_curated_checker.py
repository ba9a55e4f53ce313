"""The curated reader's checker: collects ``file:line: message`` problems for one file,
each check returning a cleaned value or None (used by :mod:`araz.io.curated`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import yaml_lines
from .problems import Problem

ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class Checker:
    """Collects problems for one file; each check returns a cleaned value or None."""

    def __init__(self, path: Path):
        self.path = path
        self.name = str(path)
        self.problems: list[Problem] = []

    def report(
        self, line: int | None, message: str, record: str | None = None, severity: str = "error"
    ) -> None:
        self.problems.append(Problem(self.name, line, message, record, severity))

    def mapping(self, value: Any, line: int | None, what: str) -> yaml_lines.LineDict | None:
        if isinstance(value, yaml_lines.LineDict):
            return value
        self.report(line, f"{what} must be a mapping (key: value), not {kind(value)}")
        return None

    def items(self, parent: yaml_lines.LineDict, key: str, required: bool = True):
        """(line, item) pairs of a list under ``key``."""
        value = parent.get(key)
        if value is None:
            if required:
                self.report(parent.line, f"missing '{key}:' list")
            return []
        if not isinstance(value, yaml_lines.LineList):
            self.report(parent.line_of(key), f"'{key}' must be a list, not {kind(value)}")
            return []
        return list(zip(value.item_lines, value, strict=True))

    def text(
        self, d: yaml_lines.LineDict, key: str, rec: str | None, required=True, what: str = ""
    ) -> str | None:
        value = d.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.report(d.line, f"{what or rec or 'record'}: missing '{key}'", rec)
            return None
        if not isinstance(value, str):
            self.report(d.line_of(key), f"{rec}: '{key}' must be text, not {kind(value)}", rec)
            return None
        return value.strip()

    def choice(self, d: yaml_lines.LineDict, key: str, allowed, default: str, rec: str):
        """``d[key]`` if it is one of ``allowed`` (``default`` when absent), else None."""
        value = d.get(key, default)
        if value in allowed:
            return value
        self.report(
            d.line_of(key), f"{rec}: {key} {value!r} is not one of {', '.join(allowed)}", rec
        )
        return None

    def aliases(self, d: yaml_lines.LineDict, rec: str) -> tuple[str, ...]:
        value = d.get("aliases", [])
        if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
            self.report(d.line_of("aliases"), f"{rec}: 'aliases' must be a list of names", rec)
            return ()
        seen: list[str] = []
        for a in value:
            if a.strip() and a.strip() not in seen:
                seen.append(a.strip())
        return tuple(seen)

    def ident(self, d: yaml_lines.LineDict, seen: set[str], what: str) -> str | None:
        value = d.get("id")
        if not isinstance(value, str) or not value:
            self.report(d.line, f"{what} without an 'id'")
            return None
        if not ID.match(value):
            self.report(
                d.line_of("id"),
                f"{what} id {value!r}: use lowercase letters, digits and '-'",
                value,
            )
            return None
        if value in seen:
            self.report(d.line_of("id"), f"duplicate {what} id {value!r}", value)
            return None
        seen.add(value)
        return value


def kind(value: Any) -> str:
    if value is None:
        return "nothing"
    for t, name in (
        (bool, "true/false"),
        (int, "a number"),
        (float, "a number"),
        (str, "text"),
        (dict, "a mapping"),
        (list, "a list"),
    ):
        if isinstance(value, t):
            return name
    return type(value).__name__
