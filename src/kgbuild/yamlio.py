"""A strict YAML reader that keeps line numbers and refuses what YAML would silently change.

PyYAML keeps the last of two duplicate keys, turns ``NO`` into false, ``012`` into 10, ``1:20``
into 80 and a full date into a date object. This reader composes the node tree itself and gives
back plain containers whose scalars are :class:`Scalar` strings that remember their line and what
YAML 1.1 would have made of them; the schema code decides, field by field, what a scalar may be.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from .errors import YamlError
from .rdfio import decode_utf8

# libyaml's parser when PyYAML was built with it (about 10 times faster): the same events and
# marks either way (libyaml gives a plain scalar the style '' where PyYAML gives None).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

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
    """Parse YAML text strictly (see module docstring).

    The values are built straight from the parser's events, without PyYAML's node tree (a
    million-line registry would hold gigabytes of nodes and marks). Errors come in the order
    the composer gave them: syntax errors and anchors where the parser meets them; a key that
    is not text or a duplicate key, the first in the document, once the document has parsed.
    """
    try:
        return _build(yaml.parse(text, Loader=_LOADER), display)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "malformed YAML"
        raise YamlError(f"malformed YAML: {problem}", path=display, line=line,
                        hint="check indentation, colons and quotes on this line") from None
    except yaml.YAMLError as exc:  # pragma: no cover - other PyYAML failures
        raise YamlError(f"malformed YAML: {exc}", path=display) from None


_NO_KEY = object()


def _build(events, display: str):
    root = None
    stack: list = []  # [container, pending key (or _NO_KEY)]
    documents = 0
    deferred: YamlError | None = None
    for event in events:
        kind = type(event)
        if kind is yaml.ScalarEvent or kind is yaml.MappingStartEvent \
                or kind is yaml.SequenceStartEvent:
            line = event.start_mark.line + 1
            if event.anchor:
                raise _anchor_error(display, line)
            if kind is yaml.ScalarEvent:
                plain = not event.style
                value = Scalar(event.value, line, plain,
                               _resolve_plain(event.value) if plain else _TAG_STR)
            elif kind is yaml.MappingStartEvent:
                value = Mapping()
                value.line, value.key_lines = line, {}
            else:
                value = Sequence()
                value.line = line
            if not stack:
                root = value
            else:
                frame = stack[-1]
                container = frame[0]
                if type(container) is Sequence:
                    container.append(value)
                elif frame[1] is _NO_KEY:  # a key
                    if kind is not yaml.ScalarEvent:
                        deferred = deferred or YamlError(
                            "a mapping key must be plain text", path=display, line=line)
                    elif value in container and deferred is None:
                        deferred = YamlError(
                            f"duplicate key '{value}' (first on line "
                            f"{container.key_lines[value]})", path=display, line=line,
                            hint="YAML would silently keep only the last one: remove or "
                                 "rename one of them")
                    frame[1] = value
                else:  # its value
                    key = frame[1]
                    frame[1] = _NO_KEY
                    if type(key) is Scalar and str(key) not in container:
                        container.key_lines[str(key)] = key.line
                        container[str(key)] = value
            if kind is not yaml.ScalarEvent:
                stack.append([value, _NO_KEY])
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            stack.pop()
        elif kind is yaml.AliasEvent:
            raise _anchor_error(display, event.start_mark.line + 1)
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise YamlError("malformed YAML: but found another document", path=display,
                                line=event.start_mark.line + 1,
                                hint="check indentation, colons and quotes on this line")
    if deferred is not None:
        raise deferred
    return root


def _anchor_error(display: str, line: int) -> YamlError:
    return YamlError("anchors and aliases (&name, *name) are not allowed", path=display,
                     line=line, hint="write the value out in full so each claim reads on its own")


@lru_cache(maxsize=1 << 16)
def _resolve_plain(value: str) -> str:
    """The tag YAML 1.1 gives an unquoted scalar (bool, int, null, timestamp, str...)."""
    return yaml.SafeLoader.resolve(yaml.SafeLoader, yaml.ScalarNode, value, (True, False))
