"""The curated format's structure, checked with its JSON Schema
(``resources/schema/araz-dataset.schema.json``, the contract the README describes): each
schema error becomes our own ``file:line: message`` problem, its line from the YAML
node marks that :mod:`araz.io.yaml_lines` keeps.  What a schema cannot say (ids that are
unique and exist, quotes at their offsets, EDTF, swapped coordinates, the seed and
geometry files) is checked by hand in :mod:`araz.io.curated`."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from ..paths import resource
from . import yaml_lines
from ._common import swap_hint
from ._curated_checker import Checker, kind

ID_PATTERN = "^[a-z0-9][a-z0-9-]*$"
SECTIONS = {"actors": "actor", "places": "place", "events": "event"}
_ITEMS = {"quotes": "a quote", "actors": "an actor id", "places": "a place", "aliases": "an alias"}
_TYPES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "array": "a list",
    "object": "a mapping (key: value)",
    "null": "nothing",
}


@cache
def _validator():
    import jsonschema  # only when a curated file is read

    schema = json.loads(resource("schema", "araz-dataset.schema.json").read_text("utf-8"))
    return jsonschema.Draft202012Validator(schema)


def check_structure(c: Checker, root: yaml_lines.LineDict) -> set[tuple]:
    """Report every place ``root`` breaks the schema; return what to skip: ``(key,)`` for
    a top-level key, ``(section, index)`` for a record of actors, places or events."""
    bad: set[tuple] = set()
    try:
        errors = list(_validator().iter_errors(root))
    except RecursionError:
        c.report(None, "the file is nested too deeply")
        return {("actors",), ("places",), ("events",), ("seed",), ("categories",)}
    found, seen = [], set()
    for err in errors:
        path = list(err.absolute_path)
        line, record = _locate(root, path)
        label = _label(root, path)
        message = _message(err, path, label, _node(root, path[:-1]))
        if (line, message) not in seen:
            seen.add((line, message))
            found.append((line, message, record))
        if path and path[0] in SECTIONS and len(path) >= 2:
            bad.add((path[0], path[1]))
        elif path:
            bad.add((path[0],))
    for line, message, record in sorted(found, key=lambda f: f[0] or 0):
        c.report(line, message, record)
    return bad


def _locate(root: yaml_lines.LineDict, path: list) -> tuple[int | None, str | None]:
    """The line of the deepest node on ``path`` (of its key in a mapping) and the id of
    the record it belongs to."""
    line: int | None = root.line
    node: Any = root
    record = None
    for depth, key in enumerate(path):
        if isinstance(node, yaml_lines.LineDict) and key in node:
            line = node.line_of(key)
            node = node[key]
        elif isinstance(node, yaml_lines.LineList) and isinstance(key, int) and key < len(node):
            line = node.item_lines[key]
            node = node[key]
        else:
            break
        if depth == 1 and path[0] in SECTIONS and isinstance(node, dict):
            rid = node.get("id")
            record = rid if isinstance(rid, str) else None
    return line, record


def _node(root: yaml_lines.LineDict, path: list) -> Any:
    node: Any = root
    for key in path:
        node = node[key]
    return node


def _label(root: yaml_lines.LineDict, path: list) -> str:
    """What the message is about: a record's id (or 'an event'), else the top key."""
    if len(path) >= 2 and path[0] in SECTIONS:
        item = root[path[0]][path[1]]
        rid = item.get("id") if isinstance(item, dict) else None
        if isinstance(rid, str) and rid:
            return rid
        singular = SECTIONS[path[0]]
        return f"{'an' if singular[0] in 'aeiou' else 'a'} {singular}"
    return f"'{path[0]}'" if path else "the file"


def _key(path: list) -> str:
    names = [p for p in path[2:] if isinstance(p, str)] if len(path) > 2 else path[:1]
    return str(names[-1]) if names else ""


def _message(err, path: list, label: str, parent: Any) -> str:
    v, value, key = err.validator, err.instance, _key(path)
    within = f"'{key}'" if key else "it"
    if len(path) > 2 and isinstance(path[-1], int):  # an item of a list
        within = _ITEMS.get(key, f"an item of '{key}'")
    if len(path) == 2 and path[0] in SECTIONS and v == "type":
        singular = SECTIONS[path[0]]
        article = "an" if singular[0] in "aeiou" else "a"
        return f"{article} {singular} must be a mapping (key: value), not {kind(value)}"
    if v == "type" and key == "date" and not isinstance(path[-1], int):
        return f"{label}: 'date' must be EDTF text or a mapping with 'edtf:', not {kind(value)}"
    if len(path) == 1 and v == "type":
        return f"'{path[0]}' must be {_TYPES.get(err.validator_value, 'a list')}, not {kind(value)}"
    if v == "required":
        missing = [k for k in err.validator_value if isinstance(value, dict) and k not in value]
        name = missing[0] if missing else "?"
        if name == "state":
            what = value.get("kind", "actor")
            article = "an" if what[0] in "aeiou" else "a"
            return f"{label}: {article} {what} needs 'state:' (the id of its state)"
        if name == "note":
            why = "saying what" if value.get("basis") == "record" else "saying how"
            what = (
                "a date from the record" if value.get("basis") == "record" else "an inferred date"
            )
            return f"{label}: {what} needs a 'note' {why}"
        if name == "id":
            return f"{label} without an 'id'"
        if name == "edtf":
            return f"{label}: date needs 'edtf:' text such as 2023-01-27"
        if not path:
            return f"missing '{name}:' list" if name in SECTIONS else f"missing '{name}:'"
        return f"{label}: missing '{name}'"
    if v == "enum":
        allowed = ", ".join(str(a) for a in err.validator_value)
        what = f"date {key}" if "date" in path[2:-1] else key
        return f"{label}: {what} {value!r} is not one of {allowed}"
    if v == "type":
        want = err.validator_value
        wants = " or ".join(_TYPES.get(t, t) for t in ([want] if isinstance(want, str) else want))
        return f"{label}: {within} must be {wants}, not {kind(value)}"
    if v == "pattern" and err.validator_value == ID_PATTERN:
        if len(path) == 3 and key == "id":  # the record's own id
            return f"{SECTIONS[path[0]]} id {value!r}: use lowercase letters, digits and '-'"
        return f"{label}: {within} {value!r}: use lowercase letters, digits and '-'"
    if v == "pattern":
        return f"{label}: {within} must not be blank"
    if v in ("minimum", "maximum") and len(path) >= 2 and path[-2] == "point":
        return _out_of_range(label, parent if isinstance(parent, dict) else {})
    if v in ("minimum", "maximum"):
        return f"{label}: {within} must be {'at least' if v == 'minimum' else 'at most'} " + (
            f"{err.validator_value}, not {value!r}"
        )
    if v == "minLength":
        return f"{label}: {within} must not be empty"
    if v == "anyOf":  # a place's point or geometry
        return f"{label}: a place needs 'point:' or 'geometry:'"
    if v == "oneOf":  # an event's place
        return f"{label}: a place is an id or {{place: id, role: …}}"
    if v == "const":
        return f"{label}: {within} must be {err.validator_value!r}"
    return f"{label}: {err.message}"


def _out_of_range(label: str, point: dict) -> str:
    lat, lon = point.get("lat"), point.get("lon")
    hint = swap_hint(lat, lon, "lat and lon") if _numbers(lat, lon) else ""
    return f"{label}: coordinates out of range: lat {lat}, lon {lon}{hint}"


def _numbers(*values) -> bool:
    return all(isinstance(x, int | float) and not isinstance(x, bool) for x in values)
