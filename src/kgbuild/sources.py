"""Sources: an article's text (``sources/<id>.txt``) and its metadata (``sources/<id>.yaml``)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .dates import PartialDate
from .errors import ClaimError, SourceError
from .fields import UNKNOWN, Reader, check_id
from .rdfio import decode_utf8
from .registry import Registry
from .yamlio import load_yaml

METADATA_FIELDS = ("id", "title", "publisher", "url", "published", "modified", "retrieved",
                   "language", "sha256", "note")
_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class Source:
    id: str
    text: str
    title: str | None
    publisher: str | None
    url: str | None
    published: PartialDate | None
    modified: PartialDate | None
    retrieved: PartialDate | None
    language: str
    sha256: str
    text_path: str
    meta_path: str
    unknown: tuple[str, ...] = ()  # metadata fields stated as unknown


def read_text(path: Path, shown: str) -> tuple[str, str]:
    """The UTF-8 text of a source and the sha256 of its bytes; SourceError otherwise."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SourceError("source text not found", path=shown,
                          hint="each sources/<id>.yaml needs a sources/<id>.txt beside it"
                          ) from None
    text = decode_utf8(raw, shown, SourceError)
    if text.startswith("\ufeff"):
        raise SourceError("the text starts with a byte-order mark", path=shown, line=1,
                          hint="save it as UTF-8 without BOM so character offsets stay right")
    return text, hashlib.sha256(raw).hexdigest()


def load_source(meta_path: Path, registry: Registry, *, data_dir: Path) -> Source:
    """Load one source: its metadata YAML and the text beside it (same stem, ``.txt``)."""
    shown = _display(meta_path, data_dir)
    reader = Reader(load_yaml(meta_path, display=shown), shown, "source metadata")
    reader.refuse_unknown_fields(METADATA_FIELDS)
    source_id = reader.identifier("id", required=True)
    if source_id != meta_path.stem:
        raise reader.error("id", f"id '{source_id}' does not match the file name "
                                 f"'{meta_path.name}'",
                           hint=f"rename the file to {source_id}.yaml or set id: {meta_path.stem}")
    text_path = meta_path.with_suffix(".txt")
    text, digest = read_text(text_path, _display(text_path, data_dir))
    recorded = reader.text("sha256", required=True)
    if recorded != digest:
        raise ClaimError(
            f"sha256 {recorded} does not match the text's {digest}",
            path=shown, line=reader.line_of("sha256"),
            hint=f"the text changed since its claims were reviewed: re-check the quotes, then "
                 f"set sha256: {digest}")
    unknown = tuple(name for name in ("title", "publisher", "url", "published", "modified",
                                      "retrieved") if reader.is_unknown(name))
    publisher = None if reader.is_unknown("publisher") else reader.identifier("publisher")
    if publisher:
        registry.require(publisher, ("organisation",), path=shown,
                         line=reader.line_of("publisher"), field_name="publisher")
    url = None if reader.is_unknown("url") else reader.text("url")
    if url and not _URL.match(url):
        raise reader.error("url", f"'{url}' is not an http(s) URL",
                           hint="write the full address, or: url: unknown")
    language = reader.text("language", required=True)
    if not _LANGUAGE.match(language):
        raise reader.error("language", f"'{language}' is not a BCP 47 language tag",
                           hint="e.g. fr, en, fr-BE")
    return Source(
        id=source_id,
        text=text,
        title=None if reader.is_unknown("title") else reader.text("title"),
        publisher=publisher,
        url=url,
        published=reader.date("published", allow_unknown=True),
        modified=reader.date("modified", allow_unknown=True),
        retrieved=reader.date("retrieved", allow_unknown=True),
        language=language,
        sha256=digest,
        text_path=_display(text_path, data_dir),
        meta_path=shown,
        unknown=unknown,
    )


def load_sources(data_dir: Path, registry: Registry) -> dict[str, Source]:
    """Every source of ``data_dir/sources``, by id, in id order."""
    folder = data_dir / "sources"
    sources: dict[str, Source] = {}
    for meta_path in sorted(folder.glob("*.yaml")):
        source = load_source(meta_path, registry, data_dir=data_dir)
        sources[source.id] = source
    for text_path in sorted(folder.glob("*.txt")):
        if text_path.stem not in sources:
            check_id(text_path.stem, _display(text_path, data_dir), 1, "source file name")
            raise SourceError(
                "source text has no metadata", path=_display(text_path, data_dir),
                hint=f"add sources/{text_path.stem}.yaml (see docs/model.md), "
                     f"with title, publisher, url, published, language and sha256")
    return sources


def _display(path: Path, data_dir: Path) -> str:
    """How messages and provenance name a file: relative to the data folder's parent, so the
    same data gives the same ``data/claims/x.yaml`` wherever it is built from."""
    try:
        return str(path.relative_to(data_dir.parent))
    except ValueError:
        return str(path)


__all__ = ["Source", "load_source", "load_sources", "read_text", "UNKNOWN"]
