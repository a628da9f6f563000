"""The one exception tree of kgbuild.

Every error kgbuild raises on purpose is a :class:`KgbuildError`; callers catch that one class.
Each carries *where* (file, line), *what* and *how to fix*::

    KgbuildError                  base class; ``exit_code`` 2 unless said otherwise
     ├── InputError               a file the user gave is wrong (path, line, hint)
     │    ├── YamlError           malformed or ambiguous YAML
     │    ├── ClaimError          a claim, source or registry entry breaks the schema
     │    │    └── QuoteNotFoundError   a quote is not verbatim in its source (closest passage)
     │    ├── SourceError         a source text is missing, not UTF-8 or changed (sha256)
     │    └── RdfSyntaxError      a Turtle file does not parse, or its format is refused
     ├── ShapesError              the SHACL shapes graph itself is broken
     ├── QueryError               unknown saved query, bad parameter, bad SPARQL
     └── ExportError              an export cannot be written as asked

"The data does not conform to the shapes" is not an error: it is a
:class:`kgbuild.validate.ValidationReport` whose ``conforms`` is false (exit code 1 in the CLI).
"""

from __future__ import annotations

from pathlib import Path


class KgbuildError(Exception):
    """Base class of every error kgbuild raises on purpose."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        text = self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class InputError(KgbuildError):
    """A file given to kgbuild is wrong; names the file and, when known, the line."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
    ):
        super().__init__(message, hint=hint)
        self.path = str(path) if path is not None else None
        self.line = line

    @property
    def location(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        where = self.location
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class YamlError(InputError):
    """Malformed YAML, a duplicate key, or a scalar YAML would silently change."""


class ClaimError(InputError):
    """A claim, source metadata or registry entry that breaks the documented schema."""


class QuoteNotFoundError(ClaimError):
    """A claim's quote does not occur verbatim in its source text."""

    def __init__(self, message: str, *, closest: str = "", **kwargs):
        super().__init__(message, **kwargs)
        self.closest = closest


class SourceError(InputError):
    """A source text is missing, is not UTF-8, or does not match its recorded sha256."""


class RdfSyntaxError(InputError):
    """An RDF file does not parse, or is in a format kgbuild refuses by default."""


class ShapesError(KgbuildError):
    """The SHACL shapes graph is broken (unknown SHACL term, target that names nothing)."""


class QueryError(KgbuildError):
    """An unknown saved query, a missing, undeclared or ill-typed parameter, or bad SPARQL."""


class ExportError(KgbuildError):
    """An export that cannot be produced as asked."""
