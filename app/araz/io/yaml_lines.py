"""Safe YAML with line numbers: every mapping and list remembers where it starts.

Only plain data is built (SafeLoader); anchors and aliases are refused outright, which
shuts out alias bombs ("billion laughs"), and so are tags that try to build objects.
"""

from __future__ import annotations

import yaml
import yaml.reader
from yaml.nodes import MappingNode, SequenceNode


class LineDict(dict):
    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    line: int = 0
    item_lines: list


class YAMLProblem(Exception):
    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class _Loader(yaml.SafeLoader):
    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise YAMLProblem(
                event.start_mark.line + 1, "YAML aliases (*name) are not allowed in Araz files"
            )
        return super().compose_node(parent, index)

    def construct_undefined(self, node):
        raise YAMLProblem(node.start_mark.line + 1, f"YAML tag {node.tag} is not allowed")


def _construct_mapping(loader: _Loader, node: MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise YAMLProblem(key_node.start_mark.line + 1, "a mapping key must be text") from None
        if key in out:
            raise YAMLProblem(key_node.start_mark.line + 1, f"the key {key!r} appears twice")
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor(None, _Loader.construct_undefined)


def load(text: str):
    """Parse YAML text into LineDict/LineList/scalars; raise YAMLProblem on any fault."""
    loader = None
    try:
        loader = _Loader(text)
        return loader.get_single_data()
    except YAMLProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        msg = " ".join(x for x in (exc.context, exc.problem) if x) or "YAML syntax error"
        raise YAMLProblem(line, f"YAML syntax error: {msg}") from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise YAMLProblem(line, f"not YAML text: {exc.reason} (#x{exc.character:04x})") from None
    except yaml.YAMLError as exc:
        raise YAMLProblem(None, f"YAML error: {exc}") from None
    except RecursionError:
        raise YAMLProblem(None, "YAML nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()
