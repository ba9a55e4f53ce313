"""The curated reader's checker: collects ``file:line: message`` problems for one file,
each check returning a cleaned value or None (used by :mod:`araz.io.curated`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import yaml_lines
from .problems import Reporter


class Checker(Reporter):
    """Collects problems for one file and hands out the records the schema passed."""

    def __init__(self, path: Path):
        super().__init__(path)
        self.path = path
        self.name = str(path)
        self.skip: set[tuple] = set()  # what the schema found faulty (see _curated_schema)

    def mapping(self, value: Any, line: int | None, what: str) -> yaml_lines.LineDict | None:
        if isinstance(value, yaml_lines.LineDict):
            return value
        self.report(line, f"{what} must be a mapping (key: value), not {kind(value)}")
        return None

    def items(self, parent: yaml_lines.LineDict, key: str) -> list[yaml_lines.LineDict]:
        """The records listed under ``key`` that are whole (the schema found no fault in
        them)."""
        value = parent.get(key)
        if (key,) in self.skip or not isinstance(value, list):
            return []
        return [d for i, d in enumerate(value) if (key, i) not in self.skip]

    @staticmethod
    def text(d: yaml_lines.LineDict, key: str) -> str | None:
        """Optional text, stripped; None when absent or blank."""
        value = d.get(key)
        return value.strip() or None if isinstance(value, str) else None

    @staticmethod
    def aliases(d: yaml_lines.LineDict) -> tuple[str, ...]:
        seen: list[str] = []
        for a in d.get("aliases", []):
            if a.strip() and a.strip() not in seen:
                seen.append(a.strip())
        return tuple(seen)

    def ident(self, d: yaml_lines.LineDict, seen: set[str], what: str) -> str | None:
        """The record's id, unless another record of its kind took it already."""
        value = d["id"]
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
