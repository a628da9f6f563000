"""A strict YAML reader that keeps line numbers and refuses what YAML would silently change.

PyYAML keeps the last of two duplicate keys, turns ``NO`` into false, ``012`` into 10, ``1:20``
into 80 and a full date into a date object. This reader composes the node tree itself and gives
back plain containers whose scalars are :class:`Scalar` strings that remember their line and what
YAML 1.1 would have made of them; the schema code decides, field by field, what a scalar may be.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

import yaml
from yaml import (AliasEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent,
                  ScalarEvent, SequenceEndEvent, SequenceStartEvent)

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
        self = str.__new__(cls, value)  # (not super(): this runs for every scalar)
        self.line = line
        self.plain = plain
        self.resolved = resolved
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


_NO_KEY = object()  # the state of a mapping waiting for its next key
_ITEM = object()  # the state of a sequence (its values are items)
_NOT_TEXT = object()  # a pending key that was a mapping or a sequence (refused once parsed)


def _build(events, display: str):
    """The value of the one document in ``events``.

    Each open mapping or sequence has a frame ``[container, state]`` on a stack; a mapping's
    state is ``_NO_KEY``, or its pending key as ``(text, line)`` until the key's value comes.
    """
    root = None
    stack: list = []
    documents = 0
    deferred: YamlError | None = None  # the first bad key, raised once the document parsed
    for event in events:
        kind = type(event)
        if kind is ScalarEvent:
            line = event.start_mark.line + 1
            if event.anchor:
                raise _anchor_error(display, line)
            text = event.value
            if stack and stack[-1][1] is _NO_KEY:  # a key: kept as text, with its line
                frame = stack[-1]
                if deferred is None and text in frame[0]:
                    deferred = _duplicate_key(frame[0], text, display, line)
                frame[1] = (sys.intern(text), line)  # keys recur: one string each
                continue
            plain = not event.style
            value = Scalar(text, line, plain, _resolve_plain(text) if plain else _TAG_STR)
            if stack:
                _put(stack[-1], value)
            else:
                root = value
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            line = event.start_mark.line + 1
            if event.anchor:
                raise _anchor_error(display, line)
            if kind is MappingStartEvent:
                value, state = Mapping(), _NO_KEY
                value.line, value.key_lines = line, {}
            else:
                value, state = Sequence(), _ITEM
                value.line = line
            if not stack:
                root = value
            elif stack[-1][1] is _NO_KEY:  # a mapping or a sequence as a key
                deferred = deferred or YamlError(
                    "a mapping key must be plain text", path=display, line=line)
                stack[-1][1] = _NOT_TEXT
            else:
                _put(stack[-1], value)
            stack.append([value, state])
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            stack.pop()
        elif kind is AliasEvent:
            raise _anchor_error(display, event.start_mark.line + 1)
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise YamlError("malformed YAML: but found another document", path=display,
                                line=event.start_mark.line + 1,
                                hint="check indentation, colons and quotes on this line")
    if deferred is not None:
        raise deferred
    return root


def _put(frame: list, value) -> None:
    """Add ``value`` to the container of ``frame``: an item, or the value of the pending key
    (the first of duplicate keys wins; they are refused once the document has parsed)."""
    container, state = frame
    if state is _ITEM:
        container.append(value)
        return
    frame[1] = _NO_KEY
    if state is not _NOT_TEXT:
        key, line = state
        if key not in container:
            container.key_lines[key] = line
            container[key] = value


def _duplicate_key(mapping: Mapping, key: str, display: str, line: int) -> YamlError:
    return YamlError(f"duplicate key '{key}' (first on line {mapping.key_lines[key]})",
                     path=display, line=line,
                     hint="YAML would silently keep only the last one: remove or rename one "
                          "of them")


def _anchor_error(display: str, line: int) -> YamlError:
    return YamlError("anchors and aliases (&name, *name) are not allowed", path=display,
                     line=line, hint="write the value out in full so each claim reads on its own")


# The first characters of the scalars YAML 1.1 may read as something else than text (PyYAML
# picks resolvers by first character; the key None would hold resolvers for any character).
_RESOLVER_KEYS = frozenset(yaml.SafeLoader.yaml_implicit_resolvers)
_ALWAYS_TEXT = None not in _RESOLVER_KEYS and not yaml.SafeLoader.yaml_path_resolvers


def _resolve_plain(value: str) -> str:
    """The tag YAML 1.1 gives an unquoted scalar (bool, int, null, timestamp, str...)."""
    if _ALWAYS_TEXT and value[:1] not in _RESOLVER_KEYS:  # most ids and names: no resolver
        return _TAG_STR
    return _resolve_with_pyyaml(value)


@lru_cache(maxsize=1 << 16)
def _resolve_with_pyyaml(value: str) -> str:
    return yaml.SafeLoader.resolve(yaml.SafeLoader, yaml.ScalarNode, value, (True, False))
