"""A strict YAML reader that keeps line numbers and refuses what YAML would silently change.

PyYAML keeps the last of two duplicate keys, turns ``NO`` into false, ``012`` into 10, ``1:20``
into 80 and a full date into a date object. This reader composes the node tree itself and gives
back plain containers whose scalars are :class:`Scalar` strings that remember their line and what
YAML 1.1 would have made of them; the schema code decides, field by field, what a scalar may be.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import YamlError
from .rdfio import decode_utf8

_TAG_STR = "tag:yaml.org,2002:str"
_TAG_NAMES = {
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:int": "an integer",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date",
}


class Scalar(str):
    """A YAML scalar as text, with its line and the type YAML 1.1 would give it."""

    line: int
    plain: bool
    resolved: str

    def __new__(cls, value: str, line: int, plain: bool, resolved: str):
        self = super().__new__(cls, value)
        self.line, self.plain, self.resolved = line, plain, resolved
        return self

    @property
    def implicit_type(self) -> str | None:
        """What an unquoted scalar would silently become ('a boolean', ...), or None for text."""
        if not self.plain or self.resolved == _TAG_STR:
            return None
        return _TAG_NAMES.get(self.resolved, self.resolved)


class Mapping(dict):
    """A YAML mapping; ``line`` is where it starts, ``key_lines`` where each key is."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class Sequence(list):
    """A YAML sequence; ``line`` is where it starts."""

    line: int


def load_yaml(path: str | Path, *, display: str | None = None):
    """Read ``path`` strictly and return Mapping/Sequence/Scalar values (None when empty)."""
    path = Path(path)
    shown = display or str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise YamlError("file not found", path=shown, hint="check the path") from None
    return parse_yaml(decode_utf8(raw, shown, YamlError), display=shown)


def parse_yaml(text: str, *, display: str = "<string>"):
    """Parse YAML text strictly (see module docstring)."""
    try:
        _refuse_anchors(text, display)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "malformed YAML"
        raise YamlError(f"malformed YAML: {problem}", path=display, line=line,
                        hint="check indentation, colons and quotes on this line") from None
    except yaml.YAMLError as exc:  # pragma: no cover - other PyYAML failures
        raise YamlError(f"malformed YAML: {exc}", path=display) from None
    if node is None:
        return None
    return _convert(node, display)


def _refuse_anchors(text: str, display: str) -> None:
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent) or anchor:
            raise YamlError(
                "anchors and aliases (&name, *name) are not allowed",
                path=display, line=event.start_mark.line + 1,
                hint="write the value out in full so each claim reads on its own",
            )


def _convert(node: yaml.Node, display: str):
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        plain = node.style is None
        resolved = (
            yaml.SafeLoader.resolve(yaml.SafeLoader, yaml.ScalarNode, node.value, (True, False))
            if plain else _TAG_STR
        )
        return Scalar(node.value, line, plain, resolved)
    if isinstance(node, yaml.SequenceNode):
        seq = Sequence(_convert(item, display) for item in node.value)
        seq.line = line
        return seq
    mapping = Mapping()
    mapping.line, mapping.key_lines = line, {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise YamlError("a mapping key must be plain text", path=display,
                            line=key_node.start_mark.line + 1)
        key = key_node.value
        key_line = key_node.start_mark.line + 1
        if key in mapping:
            raise YamlError(
                f"duplicate key '{key}' (first on line {mapping.key_lines[key]})",
                path=display, line=key_line,
                hint="YAML would silently keep only the last one: remove or rename one of them",
            )
        mapping.key_lines[key] = key_line
        mapping[key] = _convert(value_node, display)
    return mapping
