"""Field readers shared by the registry, source and claim loaders.

Each reader takes a value from :mod:`kgbuild.yamlio` and either returns plain Python data or
raises :class:`~kgbuild.errors.ClaimError` naming the file, the line, what is wrong and how to
fix it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .dates import InvalidDate, PartialDate
from .errors import ClaimError
from .yamlio import Mapping, Scalar, Sequence

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
UNKNOWN = "unknown"
_NULL = "tag:yaml.org,2002:null"  # what YAML 1.1 makes of an empty value, ~ or null


class Reader:
    """Reads the fields of one YAML mapping, remembering the file for error messages."""

    def __init__(self, mapping, path: str, what: str):
        if not isinstance(mapping, Mapping):
            line = getattr(mapping, "line", None)
            raise ClaimError(f"{what} must be a mapping of field: value", path=path, line=line)
        self.mapping, self.path, self.what = mapping, path, what

    @property
    def line(self) -> int:
        return self.mapping.line

    def line_of(self, key: str) -> int:
        return self.mapping.line_of(key)

    def error(self, key: str | None, message: str, hint: str | None = None) -> ClaimError:
        line = self.line_of(key) if key else self.line
        return ClaimError(message, path=self.path, line=line, hint=hint)

    def refuse_unknown_fields(self, allowed) -> None:
        for key in self.mapping:
            if key not in allowed:
                raise self.error(
                    key, f"unknown field '{key}' in {self.what}",
                    hint="allowed fields: " + ", ".join(sorted(allowed)),
                )

    def value(self, key: str):
        """The value of ``key``, or None when it is absent or empty (null)."""
        value = self.mapping.get(key)  # (a YAML mapping holds no None)
        return None if value is None or _is_empty(value) else value

    def has(self, key: str) -> bool:
        return self.value(key) is not None

    def required(self, key: str):
        value = self.value(key)
        if value is None:
            raise self.error(None, f"{self.what} has no '{key}'", hint=f"add '{key}: ...'")
        return value

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.value(key)
        if value is None:
            if required:
                self.required(key)
            return None
        return self._text_value(key, value)

    def _text_value(self, key: str, value) -> str:
        if not isinstance(value, Scalar):
            raise self.error(key, f"'{key}' must be text, not a list or mapping")
        if value.implicit_type:
            raise ClaimError(
                f"unquoted '{value}' in '{key}' would be read by YAML as {value.implicit_type}",
                path=self.path, line=value.line,
                hint=f'quote it: {key}: "{value}"',
            )
        return str(value)

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.value(key)
        if value is None:
            return ()
        if isinstance(value, Scalar):
            return (self._text_value(key, value),)
        if not isinstance(value, Sequence):
            raise self.error(key, f"'{key}' must be a list of text")
        return tuple(self._text_value(key, item) for item in value)

    def identifier(self, key: str, *, required: bool = False) -> str | None:
        value = self.text(key, required=required)
        if value is not None and not ID_PATTERN.match(value):
            check_id(value, self.path, self.line_of(key), key)  # raises
        return value

    def identifiers(self, key: str) -> tuple[str, ...]:
        values = self.texts(key)
        for value in values:
            if not ID_PATTERN.match(value):
                check_id(value, self.path, self.line_of(key), key)  # raises
        return values

    def choice(self, key: str, allowed, *, default: str | None = None) -> str | None:
        value = self.text(key)
        if value is None:
            return default
        if value not in allowed:
            raise self.error(
                key, f"'{value}' is not a valid {key}",
                hint="it must be one of: " + ", ".join(allowed),
            )
        return value

    def date(self, key: str, *, allow_unknown: bool = False) -> PartialDate | None:
        value = self.value(key)
        if value is None:
            return None
        if not isinstance(value, Scalar):
            raise self.error(key, f"'{key}' must be a date")
        if allow_unknown and str(value) == UNKNOWN:
            return None
        try:
            return PartialDate.parse(str(value))
        except InvalidDate as exc:
            raise ClaimError(f"impossible date in '{key}': {exc}", path=self.path,
                             line=value.line,
                             hint="write YYYY, YYYY-MM or YYYY-MM-DD; leave the field out "
                                  "when the source does not give the date") from None

    def number(self, key: str, *, required: bool = False) -> Decimal | None:
        value = self.value(key)
        if value is None:
            if required:
                self.required(key)
            return None
        text = str(value).replace("_", "")
        if not isinstance(value, Scalar) or not re.fullmatch(r"(0|[1-9]\d*)(\.\d+)?", text):
            raise self.error(key, f"'{value}' in '{key}' is not a plain decimal number",
                             hint="write digits only, e.g. 400000000 or 3.5 (no leading zero, "
                                  "no unit)")
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern already excludes it
            raise self.error(key, f"'{value}' is not a number") from None

    def is_unknown(self, key: str) -> bool:
        value = self.value(key)
        return value is None or str(value) == UNKNOWN


def check_id(value: str, path: str, line: int, key: str = "id") -> None:
    if not ID_PATTERN.match(value):
        raise ClaimError(
            f"'{value}' is not a valid {key}",
            path=path, line=line,
            hint="ids are lower-case ASCII letters, digits and single hyphens, "
                 "e.g. mounir-mahjoubi",
        )


def _is_empty(value) -> bool:
    return value is None or (type(value) is Scalar and value.plain and value.resolved == _NULL)
