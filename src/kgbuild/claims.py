"""Claim files: the reviewed (or proposed) facts drawn from one source, each with its quotes.

``load_corpus(data_dir)`` reads the whole data folder (registry, sources, claims) and checks
everything that can be checked before any RDF exists: schema, ids, references, dates, and that
every quote occurs verbatim in its source (the error shows the closest passage).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from .dates import PartialDate
from .errors import ClaimError, QuoteNotFoundError
from .fields import Reader
from .registry import Registry, check_links, extend, load_registry, read_entities
from .sources import Source, _display, load_sources
from .yamlio import Mapping, Scalar, Sequence, load_yaml

STATUSES = ("reviewed", "proposed")
END_REASONS = ("resignation", "dismissal", "end-of-term", "government-change",
               "appointment-elsewhere", "candidacy", "other")
MANDATE_STATES = ("ongoing", "ended", "ending")
CANDIDACY_STATES = ("declared", "expected", "withdrawn")
MODALITIES = ("asserted", "expected")
BUDGET_BOUNDS = ("exact", "minimum", "approximate")

PERSON, ORG, POST, PROG, ELECTION = ("person",), ("organisation",), ("post",), \
    ("programme",), ("election",)
AGENT = ("person", "organisation")


@dataclass(frozen=True)
class FieldSpec:
    """One field of a claim type: how to read it and what it may hold."""

    kind: str  # ref | refs | date | text | choice | budget | key
    targets: tuple[str, ...] = ()  # entity kinds for ref/refs, allowed values for choice
    required: bool = False


def _ref(*kinds, required=False):
    return FieldSpec("ref", kinds or PERSON, required)


CLAIM_TYPES: dict[str, dict[str, FieldSpec]] = {
    "mandate": {
        "holder": _ref("person", required=True), "post": _ref("post", required=True),
        "key": FieldSpec("key"), "start": FieldSpec("date"), "end": FieldSpec("date"),
        "end_decided": FieldSpec("date"), "end_reason": FieldSpec("choice", END_REASONS),
        "state": FieldSpec("choice", MANDATE_STATES), "predecessor": _ref("person"),
        "successor": _ref("person"), "appointed_by": _ref(*AGENT),
    },
    "membership": {
        "member": _ref("person", required=True), "organisation": _ref(*ORG, required=True),
        "key": FieldSpec("key"), "start": FieldSpec("date"), "end": FieldSpec("date"),
        "role": FieldSpec("text"),
    },
    "candidacy": {
        "candidate": _ref("person", required=True), "election": _ref(*ELECTION),
        "office": _ref(*POST), "investiture_of": _ref(*ORG), "key": FieldSpec("key"),
        "announced": FieldSpec("date"), "state": FieldSpec("choice", CANDIDACY_STATES),
    },
    "campaign_role": {
        "person": _ref("person", required=True), "role": FieldSpec("text", required=True),
        "candidate": _ref("person"), "election": _ref(*ELECTION), "organisation": _ref(*ORG),
        "key": FieldSpec("key"), "start": FieldSpec("date"), "end": FieldSpec("date"),
        "modality": FieldSpec("choice", MODALITIES),
    },
    "programme": {
        "programme": _ref(*PROG, required=True), "launched_by": FieldSpec("refs", AGENT),
        "announced": FieldSpec("date"), "launched": FieldSpec("date"),
        "planned_launch": FieldSpec("date"), "presented": FieldSpec("date"),
        "signed": FieldSpec("date"), "results_presented": FieldSpec("date"),
        "results_event": FieldSpec("text"), "budget": FieldSpec("budget"),
        "partners": FieldSpec("refs", AGENT), "signatories": FieldSpec("refs", AGENT),
        "non_signatories": FieldSpec("refs", AGENT), "part_of": _ref(*PROG),
    },
    "person": {"person": _ref("person", required=True), "description": FieldSpec("text"),
               "occupation": FieldSpec("text")},
    "organisation": {"organisation": _ref(*ORG, required=True),
                     "founded_by": FieldSpec("refs", PERSON), "description": FieldSpec("text")},
}
COMMON_FIELDS = ("id", "type", "quotes", "note", "confidence", "produced_by")
_ALLOWED_FIELDS = {name: frozenset(COMMON_FIELDS + tuple(specs))
                   for name, specs in CLAIM_TYPES.items()}


@dataclass(frozen=True)
class Quote:
    text: str
    start: int
    end: int
    line: int


@dataclass(frozen=True)
class Budget:
    amount: Decimal
    currency: str
    bound: str = "exact"
    period: PartialDate | None = None


@dataclass(frozen=True)
class Claim:
    id: str
    type: str
    source: str
    status: str
    file: str
    line: int
    quotes: tuple[Quote, ...]
    values: dict = field(hash=False, compare=False)  # field name -> read value
    field_lines: dict = field(hash=False, compare=False)  # field name -> line
    confidence: Decimal | None = None
    produced_by: str | None = None
    note: str | None = None

    def get(self, name: str, default=None):
        return self.values.get(name, default)

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"

    def location_of(self, name: str) -> str:
        return f"{self.file}:{self.field_lines.get(name, self.line)}"


@dataclass(frozen=True)
class ClaimFile:
    path: str
    source: str
    status: str
    claims: tuple[Claim, ...]
    registry: Registry | None = None  # the registry extended with the file's new entities


@dataclass(frozen=True)
class Corpus:
    """Everything in a data folder, checked and ready for mapping."""

    registry: Registry
    sources: dict[str, Source]
    claim_files: tuple[ClaimFile, ...]
    ignored_proposals: tuple[str, ...] = ()  # proposed files of sources with reviewed claims

    @property
    def sources_without_claims(self) -> list[str]:
        covered = {f.source for f in self.claim_files}
        return [source_id for source_id in self.sources if source_id not in covered]

    @property
    def claims(self) -> list[Claim]:
        return [claim for f in self.claim_files for claim in f.claims]


def load_corpus(data_dir: str | Path) -> Corpus:
    """Load and check ``registry.yaml``, ``sources/`` and ``claims/`` of ``data_dir``."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise ClaimError("data folder not found", path=str(data_dir),
                         hint="give the folder that holds registry.yaml, sources/ and claims/")
    registry = load_registry(data_dir / "registry.yaml",
                             display=_display(data_dir / "registry.yaml", data_dir))
    sources = load_sources(data_dir, registry)
    reviewed = [(path, "claims") for path in sorted((data_dir / "claims").glob("*.yaml"))]
    reviewed_sources = {path.stem for path, _ in reviewed}
    proposed = [(path, "proposed") for path in sorted((data_dir / "proposed").glob("*.yaml"))]
    skipped = tuple(_display(path, data_dir) for path, _ in proposed
                    if path.stem in reviewed_sources)
    files = []
    seen: dict[str, Claim] = {}
    for path, folder in reviewed + [p for p in proposed if p[0].stem not in reviewed_sources]:
        claim_file = load_claim_file(path, registry, sources, display=_display(path, data_dir),
                                     require_status="proposed" if folder == "proposed" else None)
        registry = claim_file.registry or registry
        for claim in claim_file.claims:
            if claim.id in seen:
                raise ClaimError(f"duplicate claim id '{claim.id}' (first at "
                                 f"{seen[claim.id].location})", path=claim.file,
                                 line=claim.line, hint="claim ids must be unique across all "
                                 "claim files")
            seen[claim.id] = claim
        files.append(claim_file)
    return Corpus(registry, sources, tuple(files), ignored_proposals=skipped)


def load_claim_file(path: Path, registry: Registry, sources: dict[str, Source], *,
                    display: str | None = None, require_status: str | None = None) -> ClaimFile:
    """Load one claim file against the registry and the sources.

    A file may propose new entities in an ``entities:`` section (same sections as
    registry.yaml); its claims may use them, and the returned file carries the extended registry.
    """
    shown = display or str(path)
    top = Reader(load_yaml(path, display=shown), shown, "a claim file")
    top.refuse_unknown_fields(("source", "status", "claims", "note", "produced_by", "entities"))
    base = registry
    if top.has("entities"):
        registry = extend(base, read_entities(top.mapping["entities"], shown,
                                              "the 'entities' section"))
        check_links(registry)
    source_id = top.identifier("source", required=True)
    if source_id not in sources:
        raise top.error("source", f"unknown source '{source_id}'",
                        hint=f"add sources/{source_id}.txt and sources/{source_id}.yaml, "
                             f"or fix the id")
    if source_id != path.stem:
        raise top.error("source", f"source '{source_id}' does not match the file name "
                                  f"'{path.name}'",
                        hint="name each claim file after its source: claims/<source-id>.yaml")
    status = top.choice("status", STATUSES)
    if status is None:
        top.required("status")
    if require_status and status != require_status:
        raise top.error("status", f"a file in proposed/ must have status: {require_status}",
                        hint="move reviewed claims to claims/")
    items = top.mapping.get("claims")
    if items is None or (isinstance(items, Scalar) and items.implicit_type == "null"):
        items = Sequence()
        items.line = top.line
    if not isinstance(items, Sequence):
        raise top.error("claims", "'claims' must be a list")
    source = sources[source_id]
    claims = tuple(
        read_claim(Reader(item, shown, "a claim"), registry, source, status) for item in items
    )
    seen: dict[str, int] = {}
    for claim in claims:
        if claim.id in seen:
            raise ClaimError(f"duplicate claim id '{claim.id}' (first on line "
                             f"{seen[claim.id]})", path=shown, line=claim.line,
                             hint="claim ids must be unique across all claim files")
        seen[claim.id] = claim.line
    return ClaimFile(shown, source_id, status, claims, None if registry is base else registry)


def read_claim(reader: Reader, registry: Registry, source: Source, status: str) -> Claim:
    claim_id = reader.identifier("id", required=True)
    claim_type = reader.text("type", required=True)
    if claim_type not in CLAIM_TYPES:
        raise reader.error("type", f"unknown claim type '{claim_type}'",
                           hint="it must be one of: " + ", ".join(CLAIM_TYPES))
    specs = CLAIM_TYPES[claim_type]
    reader.refuse_unknown_fields(_ALLOWED_FIELDS[claim_type])
    values = {}
    for name, spec in specs.items():
        value = _read_field(reader, name, spec, registry)
        if value is not None and value != ():
            values[name] = value
        elif spec.required:
            reader.required(name)
    confidence = reader.number("confidence")
    if confidence is not None and confidence > 1:
        raise reader.error("confidence", f"confidence {confidence} is above 1",
                           hint="a confidence runs from 0 to 1")
    if status == "reviewed" and (reader.has("confidence") or reader.has("produced_by")):
        key = "confidence" if reader.has("confidence") else "produced_by"
        raise reader.error(key, f"'{key}' is for proposed claims only",
                           hint="remove it, or set status: proposed")
    _check_dates(reader, values)
    return Claim(
        id=claim_id, type=claim_type, source=source.id, status=status, file=reader.path,
        line=reader.line, quotes=_read_quotes(reader, source), values=values,
        field_lines=dict(reader.mapping.key_lines),  # the line of each of its keys
        confidence=confidence, produced_by=reader.text("produced_by"),
        note=reader.text("note"),
    )


def _read_field(reader: Reader, name: str, spec: FieldSpec, registry: Registry):
    if name not in reader.mapping:  # absent: what each reader below gives
        return () if spec.kind == "refs" else None
    if spec.kind == "ref":
        value = reader.identifier(name)
        if value is not None:
            _require(registry, value, spec, reader, name)
        return value
    if spec.kind == "refs":
        values = reader.identifiers(name)
        for value in values:
            _require(registry, value, spec, reader, name)
        return values
    if spec.kind == "key":
        return reader.identifier(name)
    if spec.kind == "date":
        return reader.date(name)
    if spec.kind == "text":
        return reader.text(name)
    if spec.kind == "choice":
        return reader.choice(name, spec.targets)
    if spec.kind == "budget":
        return _read_budget(reader, name) if reader.has(name) else None
    raise AssertionError(spec.kind)  # pragma: no cover


def _require(registry: Registry, entity_id: str, spec: FieldSpec, reader: Reader,
             name: str) -> None:
    """``registry.require`` for a field, the line looked up only when there is an error."""
    entity = registry.entities.get(entity_id)
    if entity is None or entity.kind not in spec.targets:
        registry.require(entity_id, spec.targets, path=reader.path, line=reader.line_of(name),
                         field_name=name)  # raises


def _read_budget(reader: Reader, name: str) -> Budget:
    sub = Reader(reader.mapping[name], reader.path, "a budget")
    sub.refuse_unknown_fields(("amount", "currency", "bound", "period", "note"))
    amount = sub.number("amount", required=True)
    if amount <= 0:
        raise sub.error("amount", "a budget amount must be positive",
                        hint="leave the budget out when the source gives no amount")
    currency = sub.text("currency", required=True)
    if not (len(currency) == 3 and currency.isascii() and currency.isupper()):
        raise sub.error("currency", f"'{currency}' is not an ISO 4217 currency code",
                        hint="three capital letters, e.g. EUR")
    return Budget(amount, currency, sub.choice("bound", BUDGET_BOUNDS, default="exact"),
                  sub.date("period"))


def _check_dates(reader: Reader, values: dict) -> None:
    start, end = values.get("start"), values.get("end")
    if start and end and end.latest() < start.earliest():
        raise reader.error("end", f"end {end} is before start {start}",
                           hint="check both dates against the quotes")


def _read_quotes(reader: Reader, source: Source) -> tuple[Quote, ...]:
    raw = reader.required("quotes")
    items = raw if isinstance(raw, Sequence) else [raw]
    quotes = []
    for item in items:
        if isinstance(item, Mapping):
            sub = Reader(item, reader.path, "a quote")
            sub.refuse_unknown_fields(("text", "start", "end"))
            text = sub.text("text", required=True)
            start, end = sub.number("start"), sub.number("end")
            line = item.line
        else:
            text = reader._text_value("quotes", item)
            start = end = None
            line = item.line
        quotes.append(_locate_quote(text, source, reader.path, line, start, end))
    return tuple(quotes)


def _locate_quote(text: str, source: Source, path: str, line: int, start, end) -> Quote:
    if not text.strip():
        raise ClaimError("empty quote", path=path, line=line,
                         hint="copy the passage of the source that supports the claim")
    if start is not None or end is not None:
        if start is None or end is None:
            raise ClaimError("a quote's offsets need both start and end", path=path, line=line)
        start, end = int(start), int(end)
        if source.text[start:end] != text:
            found = source.text.find(text)
            hint = (f"the quote is at start: {found}, end: {found + len(text)}" if found >= 0
                    else "remove the offsets: kgbuild computes them")
            raise ClaimError(f"offsets {start}..{end} do not hold the quote in "
                             f"{source.text_path}", path=path, line=line, hint=hint)
        return Quote(text, start, end, line)
    found = source.text.find(text)
    if found < 0:
        closest = closest_passage(source.text, text)
        raise QuoteNotFoundError(
            f"quote not found verbatim in {source.text_path}: \"{_shorten(text)}\"",
            path=path, line=line, closest=closest,
            hint=f"closest passage: \"{_shorten(closest, 160)}\" (copy it exactly: "
                 f"apostrophes ’ and ', spaces and accents count)",
        )
    return Quote(text, found, found + len(text), line)


def closest_passage(text: str, quote: str) -> str:
    """The passage of ``text`` of the quote's length that best matches it."""
    if not text:
        return ""
    width = len(quote)
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(quote)

    def score(begin: int) -> float:
        matcher.set_seq1(text[begin:begin + width])
        return matcher.ratio()

    last = max(0, len(text) - width)
    step = max(1, width // 8)
    coarse = max(range(0, last + 1, step), key=score)
    fine = max(range(max(0, coarse - step), min(last, coarse + step) + 1), key=score)
    return text[fine:fine + width].strip()


def _shorten(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
