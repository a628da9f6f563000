"""The entity registry: persons, organisations, posts, programmes and elections shared by every
claim file, with their labels, aliases, misspellings and optional Wikidata QIDs."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ClaimError
from .fields import Reader
from .yamlio import Sequence, load_yaml

ORGANISATION_KINDS = ("government", "ministry", "advisory-council", "party", "company",
                      "public-agency", "local-government", "media")
PROGRAMME_KINDS = ("fund", "public-service", "charter", "strategy", "label", "visa", "tour",
                   "network", "initiative", "platform")
SECTIONS = {  # section of registry.yaml -> entity kind (the IRI segment)
    "persons": "person",
    "organisations": "organisation",
    "posts": "post",
    "programmes": "programme",
    "elections": "election",
}
_COMMON = ("id", "label", "label_en", "aliases", "misspellings", "wikidata", "description",
           "description_en", "note")
_EXTRA = {
    "person": (),
    "organisation": ("kind",),
    "post": ("organisation", "reports_to"),
    "programme": ("kind", "part_of"),
    "election": ("date",),
}
_ALLOWED_FIELDS = {kind: frozenset(_COMMON + extra) for kind, extra in _EXTRA.items()}
_QID = re.compile(r"^Q[1-9]\d*$")


@dataclass(frozen=True)
class Entity:
    kind: str
    id: str
    label: str
    file: str
    line: int
    label_en: str | None = None
    aliases: tuple[str, ...] = ()
    misspellings: tuple[str, ...] = ()
    wikidata: str | None = None
    description: str | None = None
    description_en: str | None = None
    attrs: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the entity goes by: label, English label, aliases, misspellings."""
        names = (self.label, self.label_en, *self.aliases, *self.misspellings)
        return tuple(dict.fromkeys(n for n in names if n))


@dataclass(frozen=True)
class Registry:
    entities: dict[str, Entity]
    path: str = "registry.yaml"

    def get(self, entity_id: str) -> Entity | None:
        return self.entities.get(entity_id)

    def of_kind(self, kind: str) -> list[Entity]:
        return sorted((e for e in self.entities.values() if e.kind == kind), key=lambda e: e.id)

    def require(self, entity_id: str, kinds: tuple[str, ...], *, path: str, line: int,
                field_name: str) -> Entity:
        """The entity ``entity_id`` of one of ``kinds``, or a ClaimError that says what exists."""
        entity = self.entities.get(entity_id)
        wanted = " or ".join(kinds)
        if entity is None:
            close = self.closest_ids(entity_id, kinds)
            hint = (f"did you mean: {', '.join(close)}? " if close else "") + \
                f"add it to {self.path} or fix the id"
            raise ClaimError(f"unknown {wanted} '{entity_id}' in '{field_name}'",
                             path=path, line=line, hint=hint)
        if entity.kind not in kinds:
            raise ClaimError(
                f"'{entity_id}' in '{field_name}' is a {entity.kind}, not a {wanted}",
                path=path, line=line, hint=f"use the id of a {wanted}")
        return entity

    def closest_ids(self, entity_id: str, kinds: tuple[str, ...]) -> list[str]:
        import difflib

        candidates = [e.id for e in self.entities.values() if e.kind in kinds]
        return difflib.get_close_matches(entity_id, candidates, n=3, cutoff=0.6)


def normalise_name(name: str) -> str:
    """Case-, accent-, apostrophe- and space-insensitive form of a name, for matching."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("’", "'").replace("‘", "'").casefold()
    return " ".join(re.sub(r"[^\w@']+", " ", text).split())


def load_registry(path: str | Path, *, display: str | None = None) -> Registry:
    """Load ``registry.yaml``; raise ClaimError/YamlError with file and line on any problem."""
    shown = display or str(path)
    document = load_yaml(path, display=shown)
    if document is None:
        return Registry({}, shown)
    registry = Registry(read_entities(document, shown, "the registry"), shown)
    check_links(registry)
    return registry


def load_registry_compact(path: str | Path, *, display: str | None = None,
                          threshold: int = 4 << 20, parts: int | None = None) -> Registry:
    """:func:`load_registry`, for a file over ``threshold`` bytes in forked processes that
    send the entities back pickled: the memory parsing takes (three times the registry's own
    at 100,000 entities, and kept by the allocator once freed) leaves with them.

    A registry laid out as kgbuild writes it (sections at the margin, entries at two spaces,
    each starting with ``- id:``) is cut at entries into ``parts`` pieces (default: one per
    core, up to 4) parsed side by side: at a million entities, reading it serially kept the
    readers waiting 70 s. Same registry (same entities, same order), same errors: any error in
    a piece, or a duplicate id across pieces, is raised by reading the file whole."""
    import os

    path = Path(path)
    if (not path.is_file() or path.stat().st_size < threshold
            or not hasattr(os, "fork")):
        return load_registry(path, display=display)
    shown = display or str(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    pieces = _pieces(text, parts or min(4, os.cpu_count() or 1)) if text else None
    del raw, text
    jobs = ([(_read_piece, (piece, shown)) for piece in pieces] if pieces
            else [(_read_whole, (path, shown))])
    del pieces
    outcomes = _forked(jobs)
    del jobs
    if any(outcome is None or isinstance(outcome, BaseException) for outcome in outcomes):
        return load_registry(path, display=display)  # raises the error here, in file order
    if len(outcomes) == 1 and isinstance(outcomes[0], Registry):
        return outcomes[0]
    entities: dict[str, Entity] = {}
    for kind in SECTIONS.values():  # read_entities' order: by section, then by line
        for piece in outcomes:
            for entity in piece:
                if entity.kind == kind:
                    if entity.id in entities:  # across pieces: the whole file's error
                        return load_registry(path, display=display)
                    entities[entity.id] = entity
    registry = Registry(entities, shown)
    check_links(registry)
    return registry


_AT_MARGIN = re.compile(r"(?m)^([^ \t\n#].*)$")  # a line at the margin: a section's header
_PLAIN_HEADER = re.compile("(" + "|".join(SECTIONS) + r"):[ \t]*(#.*)?")
_FIRST_CONTENT = re.compile(r"\n(?:[ \t]*(?:#.*)?\n)*(.*)")  # the next line with content
_ENTRY = "\n  - id:"


def _pieces(text: str, parts: int) -> list[str] | None:
    """``text`` cut at entries into at most ``parts`` YAML documents whose entries keep their
    line numbers (blank lines, then the section's header, stand before each piece but the
    first); None when the layout is not kgbuild's or there is nothing to cut."""
    headers = [(match.start(), match.group(1)) for match in _AT_MARGIN.finditer(text)]
    names = [_PLAIN_HEADER.fullmatch(line) for _, line in headers]
    if parts < 2 or not headers or not all(names) or len({n.group(1) for n in names}) < len(names):
        return None
    for start, line in headers:  # each section's first content line is an entry at two spaces
        following = _FIRST_CONTENT.match(text, start + len(line))
        if following is None or not following.group(1).startswith("  - "):
            return None
    cuts = []
    for position in _line_fractions(text, parts):  # parsing costs by the line, not the byte
        cut = text.find(_ENTRY, position)
        if cut < headers[0][0] or (cuts and cut + 1 <= cuts[-1]):
            continue
        cuts.append(cut + 1)  # the entry's first character
    if not cuts:
        return None

    def header_of(begin: int) -> tuple[int, str]:
        return max((h for h in headers if h[0] < begin), key=lambda h: h[0])

    # a piece ends at its last entry: when a cut falls on a section's first entry, the
    # section's header goes with it (it stands before the next piece anyway)
    ends = [at if text.find(_ENTRY, at, cut) < 0 else cut
            for cut in cuts for at in (header_of(cut)[0],)] + [len(text)]
    pieces = [text[:ends[0]]]
    for begin, end in zip(cuts, ends[1:]):
        line = text.count("\n", 0, begin)  # the entry's line, counted from 0
        pieces.append("\n" * (line - 1) + header_of(begin)[1] + "\n" + text[begin:end])
    return pieces


def _line_fractions(text: str, parts: int) -> list[int]:
    """Where the lines 1/parts, 2/parts... of the way through ``text`` begin (about)."""
    size = max(1, len(text) // 64)
    blocks = [(start, text.count("\n", start, start + size)) for start in range(0, len(text), size)]
    total = sum(count for _, count in blocks)
    positions, seen, block = [], 0, 0
    for number in range(1, parts):
        wanted = total * number // parts
        while block < len(blocks) - 1 and seen + blocks[block][1] <= wanted:
            seen += blocks[block][1]
            block += 1
        position = blocks[block][0]
        for _ in range(wanted - seen):
            position = text.find("\n", position) + 1
        positions.append(position)
    return positions


def _read_piece(piece: str, shown: str) -> list[Entity]:
    from .yamlio import parse_yaml

    document = parse_yaml(piece, display=shown)
    return list(read_entities(document, shown, "the registry").values()) if document else []


def _read_whole(path: Path, shown: str) -> Registry:
    return load_registry(path, display=shown)


def _forked(jobs: list) -> list:
    """Each ``function(*arguments)`` of ``jobs`` run in a forked process of its own, side by
    side; their values (or the exceptions they raised, or None for one that died or whose
    value would not pickle), in order."""
    import multiprocessing
    import pickle

    context = multiprocessing.get_context("fork")
    running = []
    for function, arguments in jobs:
        receiving, sending = context.Pipe(duplex=False)
        child = context.Process(target=_run_and_send, args=(sending, function, arguments))
        child.start()
        sending.close()
        running.append((child, receiving))
    outcomes = []
    for child, receiving in running:
        try:
            outcomes.append(pickle.loads(receiving.recv_bytes()))
        except EOFError:
            outcomes.append(None)
        finally:
            receiving.close()
            child.join()
    return outcomes


def _run_and_send(connection, function, arguments) -> None:
    import pickle

    try:
        outcome = function(*arguments)
    except Exception as exc:  # noqa: BLE001 - sent to the parent, raised there
        outcome = exc
    try:
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001
        data = pickle.dumps(None)
    connection.send_bytes(data)
    connection.close()


def read_entities(document, shown: str, what: str) -> dict[str, Entity]:
    """The entities of a mapping of registry sections (persons:, organisations:, ...)."""
    top = Reader(document, shown, what)
    top.refuse_unknown_fields(SECTIONS)
    entities: dict[str, Entity] = {}
    for section, kind in SECTIONS.items():
        items = document.get(section)
        if items is None:
            continue
        if not isinstance(items, Sequence):
            raise top.error(section, f"'{section}' must be a list of entries")
        for item in items:
            entity = _read_entity(Reader(item, shown, f"a {kind} entry"), kind)
            if entity.id in entities:
                first = entities[entity.id]
                raise ClaimError(
                    f"duplicate id '{entity.id}' (first defined on line {first.line})",
                    path=shown, line=entity.line,
                    hint="every registry id must be unique, across all sections")
            entities[entity.id] = entity
    return entities


def extend(registry: Registry, entities: dict[str, Entity]) -> Registry:
    """The registry plus entities proposed by a claim file; an id may not name two things."""
    merged = dict(registry.entities)
    for entity in entities.values():
        known = merged.get(entity.id)
        if known is not None and (known.kind, known.label) != (entity.kind, entity.label):
            raise ClaimError(
                f"proposed entity '{entity.id}' clashes with the {known.kind} "
                f"'{known.label}' ({known.file}:{known.line})",
                path=entity.file, line=entity.line,
                hint="give the new entity another id, or use the existing one")
        merged.setdefault(entity.id, entity)
    return Registry(merged, registry.path)


def _read_entity(reader: Reader, kind: str) -> Entity:
    reader.refuse_unknown_fields(_ALLOWED_FIELDS[kind])
    wikidata = reader.text("wikidata")
    if wikidata is not None and not _QID.match(wikidata):
        raise reader.error("wikidata", f"'{wikidata}' is not a Wikidata QID",
                           hint="write Q followed by digits, e.g. Q42, or leave it out")
    attrs: dict = {}
    if kind == "organisation":
        attrs["kind"] = reader.choice("kind", ORGANISATION_KINDS)
        if attrs["kind"] is None:
            reader.required("kind")
    elif kind == "programme":
        attrs["kind"] = reader.choice("kind", PROGRAMME_KINDS)
        if attrs["kind"] is None:
            reader.required("kind")
        attrs["part_of"] = reader.identifier("part_of")
    elif kind == "post":
        attrs["organisation"] = reader.identifier("organisation", required=True)
        attrs["reports_to"] = reader.identifier("reports_to")
    elif kind == "election":
        attrs["date"] = reader.date("date")
    attrs["_lines"] = dict(reader.mapping.key_lines)  # the line of each of its keys
    return Entity(
        kind=kind,
        id=reader.identifier("id", required=True),
        label=reader.text("label", required=True),
        file=reader.path,
        line=reader.line,
        label_en=reader.text("label_en"),
        aliases=reader.texts("aliases"),
        misspellings=reader.texts("misspellings"),
        wikidata=wikidata,
        description=reader.text("description"),
        description_en=reader.text("description_en"),
        attrs=attrs,
    )


def check_links(registry: Registry) -> None:
    links = {"organisation": ("organisation",), "reports_to": ("post",), "part_of": ("programme",)}
    for entity in registry.entities.values():
        for name, kinds in links.items():
            target = entity.attrs.get(name)
            if target:
                registry.require(target, kinds, path=entity.file,
                                 line=entity.attrs["_lines"].get(name, entity.line),
                                 field_name=name)
