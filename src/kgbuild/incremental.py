"""The data folder as units mapped one at a time, each cached: an unchanged source is neither
re-read nor re-mapped.

A *unit* is what one source contributes to the asserted graph: ``sources/<id>.yaml`` and
``.txt`` and its claim file (``claims/<id>.yaml``, or ``proposed/<id>.yaml``), mapped to
N-Triples with :mod:`kgbuild.mapping`. The registry's entities are one more unit. Units stream
into an Oxigraph store, so the claims of a million mandates never sit in memory together.

With a cache folder (``build/cache/`` by default in :func:`kgbuild.scalebuild.build_oxigraph`),
each unit's N-Triples are kept under the SHA-256 of everything its mapping depends on:

* the bytes of the source text, its metadata and its claim file, and the folder it is in;
* the name of the data folder (provenance names the claim file ``data/claims/x.yaml``);
* the bytes of ``registry.yaml`` (claims are checked against it);
* the ``entities:`` sections of the claim files read before it (they extend the registry);
* the code that reads and maps data (kgbuild's version and the source of its loader and
  mapping modules): a change of kgbuild invalidates every unit.

A hit skips YAML parsing, checks and mapping; claim ids are kept beside the triples so that a
duplicate id across files is still refused. The ontology and the shapes do not enter the key:
they do not change the asserted triples. Reasoning runs on the whole store; validation checks
again only what the changed units can affect (:mod:`kgbuild.revalidate`, told by the ``ledger``
of :func:`map_into_store`; see docs/scale.md).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import multiprocessing
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .claims import Corpus, load_claim_file
from .errors import ClaimError, KgbuildError
from .mapping import _Mapper
from .registry import Registry, load_registry_compact
from .sources import Source, _display, load_sources
from .store import DEFAULT, INFERRED, NTriples, NTriplesTerms, load_ntriples

_CODE_MODULES = ("claims", "dates", "fields", "mapping", "registry", "sources", "store", "vocab",
                 "yamlio", "incremental")
_ENTITIES = re.compile(rb"(?m)^entities[ \t]*:")


@dataclass
class MapStats:
    """What :func:`map_into_store` did: units mapped, reused from the cache, claims, triples."""

    units: int = 0
    cached: int = 0
    claims: int = 0
    triples: int = 0
    registry: Registry | None = None
    sources: dict = field(default_factory=dict)
    ignored_proposals: tuple[str, ...] = ()
    seconds_loading: float = 0.0
    seconds_mapping: float = 0.0
    registry_extended: bool = False  # some claim file's entities: section extends the registry
    changes: object | None = None  # a kgbuild.revalidate.Changes, with a ledger

    def corpus(self) -> Corpus:
        """The registry and sources (not the claims: they were streamed into the store)."""
        return Corpus(self.registry, self.sources, (), ignored_proposals=self.ignored_proposals)


class UnitCache:
    """N-Triples of mapped units in a folder, by key; writes are atomic (temp file + rename)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def _path(self, key: str, suffix: str) -> Path:
        return self.folder / key[:2] / f"{key}{suffix}"

    def has(self, key: str) -> bool:
        return self._path(key, ".nt").is_file() and self._path(key, ".json").is_file()

    def get(self, key: str) -> tuple[bytes, list] | None:
        triples, meta = self._path(key, ".nt"), self._path(key, ".json")
        try:
            return triples.read_bytes(), json.loads(meta.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None

    def put(self, key: str, triples: bytes, claims: list) -> None:
        for suffix, data in ((".nt", triples),
                             (".json", json.dumps(claims).encode("utf-8"))):
            self._write(self._path(key, suffix), data)

    def claims(self, key: str) -> list | None:
        """The [claim id, line] pairs of a unit kept, None when it is not (whole)."""
        if not self._path(key, ".nt").is_file():
            return None
        try:
            return json.loads(self._path(key, ".json").read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None

    def triples_path(self, key: str) -> Path:
        return self._path(key, ".nt")

    def entailed_path(self, key: str, rules: str) -> Path:
        """Where a unit's entailments under the rules of digest ``rules`` are kept."""
        return self._path(key, f".{rules[:16]}.entailed.nt")

    def put_entailed(self, key: str, rules: str, entailed: bytes) -> None:
        self._write(self.entailed_path(key, rules), entailed)

    def prune(self, keep: Iterable[str], rules: str) -> tuple[int, int]:
        """Remove the files of units not in ``keep`` (the last build's), entailments under
        other rules than those of digest ``rules``, and temporary files of builds stopped over
        an hour ago. Returns how many files went and their bytes."""
        keep = set(keep)
        entailed = f".{rules[:16]}.entailed.nt"
        stale = time.time() - 3600
        removed = freed = 0
        for path in sorted(self.folder.glob("*/*")):
            name = path.name
            if name.startswith("."):  # a temporary file: another build may be writing it
                wanted = not (name.endswith(".tmp") and path.stat().st_mtime < stale)
            else:
                key, _, suffix = name.partition(".")
                wanted = key in keep and suffix in ("nt", "json", entailed[1:])
            if not wanted:
                freed += path.stat().st_size
                path.unlink(missing_ok=True)
                removed += 1
        for folder in self.folder.glob("*/"):
            if not any(folder.iterdir()):
                folder.rmdir()
        return removed, freed

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temp.write_bytes(data)
        os.replace(temp, path)


def code_digest() -> str:
    """A digest of kgbuild's version and of the modules that read and map data."""
    from . import __version__

    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(__version__.encode())
    for name in _CODE_MODULES:
        digest.update((here / f"{name}.py").read_bytes())
    return digest.hexdigest()


def claim_file_paths(data_dir: Path) -> tuple[list[tuple[Path, str]], tuple[str, ...]]:
    """The claim files to read, in load_corpus's order, and the proposals it ignores."""
    reviewed = sorted((data_dir / "claims").glob("*.yaml"))
    stems = {path.stem for path in reviewed}
    proposed = sorted((data_dir / "proposed").glob("*.yaml"))
    ignored = tuple(_display(path, data_dir) for path in proposed if path.stem in stems)
    return ([(path, "claims") for path in reviewed]
            + [(path, "proposed") for path in proposed if path.stem not in stems]), ignored


Progress = Callable[[str], None]


def map_into_store(data_dir: str | Path, store: ox.Store, *, cache: UnitCache | None = None,
                   graph_name=DEFAULT, progress: Progress | None = None,
                   workers: int | None = None, proposals: Path | None | bool = None,
                   bulk: bool = False, expander=None, inferred_graph=INFERRED,
                   ledger=None) -> MapStats:
    """Check and map ``data_dir`` into ``graph_name`` of ``store``, unit by unit.

    Sources without a claim file are extracted, as in the memory build
    (:func:`kgbuild.proposals.propose_missing`, its cache in ``proposals``; ``False``: not).
    ``bulk`` (for a store on disk) gathers units into large bulk loads, outside transactions.

    ``workers`` processes (default: one per core, up to 4, for more than 50 claim files) read
    and map units while this one loads them into the store; a data folder whose claim files
    propose entities is read in order by this process alone. Raises the same
    :class:`kgbuild.errors.KgbuildError` as :func:`kgbuild.load_corpus` for bad input (the first
    in file order). The graph equals :func:`kgbuild.map_corpus`'s (tested).

    ``expander`` (a :class:`kgbuild.rules.Expander`) also puts what each unit's triples entail
    on their own into ``inferred_graph``, computed by the processes that map the units.
    ``ledger`` (a :class:`kgbuild.revalidate.UnitLedger`) records every unit mapped; what
    changed since the last build comes back as ``stats.changes``.
    """
    say = progress or (lambda message: None)
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise ClaimError("data folder not found", path=str(data_dir),
                         hint="give the folder that holds registry.yaml, sources/ and claims/")
    stats = MapStats()
    began = time.perf_counter()
    registry_path = data_dir / "registry.yaml"
    base = load_registry_compact(registry_path, display=_display(registry_path, data_dir))
    sources = load_sources(data_dir, base)
    stats.seconds_loading += time.perf_counter() - began
    # the code, the registry and the folder's name (provenance names files as data/claims/...)
    code = hashlib.sha256((code_digest() + hashlib.sha256(registry_path.read_bytes())
                           .hexdigest() + _display(data_dir, data_dir)).encode()).hexdigest()
    paths, stats.ignored_proposals = claim_file_paths(data_dir)
    plan = []
    entities_digest = hashlib.sha256()
    for path, folder in paths:
        raw = path.read_bytes()
        key = _unit_key(code, entities_digest.hexdigest(), folder, raw, sources.get(path.stem),
                        data_dir)
        if _ENTITIES.search(raw):
            entities_digest.update(raw)
            key = None  # a file that extends the registry is always read (see module doc)
        plan.append((path, folder, key))
    if workers is None:
        workers = min(4, os.cpu_count() or 1) if len(plan) > 50 else 1
    if any(key is None for _, _, key in plan):
        workers, stats.registry_extended = 1, True
    state = _State(base, sources, data_dir, cache, expander=expander)
    if bulk:
        store = _BulkLoader(store)

    def emit(triples: bytes | Path, entailed: bytes | Path | None = None,
             key: str | None = None) -> None:
        """Load a unit: N-Triples, or the files of a unit from the cache (read by the process
        that fills the store, where the store's is a pipe: not sent through it)."""
        if ledger is not None:
            ledger.record(key, triples)
        _load(store, triples, graph_name)
        if expander is not None:
            _load(store, expander.expand(triples) if entailed is None else entailed,
                  inferred_graph)

    seen: dict[str, str] = {}
    covered: set[str] = set()
    began = time.perf_counter()
    worked = [0.0, 0.0]  # seconds the readers spent loading and mapping
    for number, ((path, folder, key), outcome) in enumerate(
            zip(plan, _outcomes(plan, state, workers), strict=True), start=1):
        if outcome is None:  # a worker met bad input: read the file here, for its error
            outcome = _unit(path, folder, key, state)
        triples, claims, cached, seconds, entailed = outcome
        stats.cached += cached
        worked[0] += seconds[0]
        worked[1] += seconds[1]
        shown = _display(path, data_dir)
        for claim_id, line in claims:
            if claim_id in seen:
                raise ClaimError(f"duplicate claim id '{claim_id}' (first at {seen[claim_id]})",
                                 path=shown, line=line,
                                 hint="claim ids must be unique across all claim files")
            seen[claim_id] = f"{shown}:{line}"
        covered.add(path.stem)
        emit(triples, entailed, key)
        stats.units += 1
        stats.claims += len(claims)
        if number % 1000 == 0:
            say(f"{number} of {len(plan)} claim files ({stats.cached} from the cache)")
    if cache is not None:
        say(f"Claim files: {stats.cached:,} from the cache, {len(plan) - stats.cached:,} mapped")
    elapsed = time.perf_counter() - began
    share = worked[0] / (worked[0] + worked[1]) if worked[0] + worked[1] else 0.5
    stats.seconds_loading += elapsed * share  # wall time, split as the readers spent it
    stats.seconds_mapping += elapsed * (1 - share)
    began = time.perf_counter()
    registry = state.registry
    missing = [source_id for source_id in sources if source_id not in covered]
    if missing and proposals is not False:  # as the memory build: the extractor proposes
        registry = _propose(missing, registry, sources, proposals, seen, emit, stats, covered)
    for source_id in sources:  # sources without claims still describe themselves
        if source_id not in covered:
            emit(_map_unit(registry, sources, source_id, ()))
            stats.units += 1
    if state.entities is not None and state.entities[0] is registry:
        emit(*state.entities[1])
    else:
        emit(_map_entities(registry, sources))
    stats.units += 1
    if bulk:
        store = store.flush()
    _resolve_review_status(store, graph_name)
    stats.seconds_mapping += time.perf_counter() - began
    stats.registry, stats.sources = registry, sources
    if ledger is not None:
        stats.changes = ledger.changes()
    return stats


def _load(store, data: bytes | Path, graph_name) -> None:
    if not isinstance(data, Path):
        load_ntriples(store, data, graph_name)
    elif hasattr(store, "load_file"):  # a stand-in for a store in another process
        store.load_file(data, graph_name)
    else:
        load_ntriples(store, data.read_bytes(), graph_name)


class _BulkLoader:
    """Stands for a store in :func:`load_ntriples`: N-Triples gathered, then loaded ``size``
    bytes at a time. On disk (``bulk``), bulk-loaded: RocksDB files written directly, no
    transaction in memory. In memory, loaded in a transaction: there ``bulk_load`` is the slower
    (3.1 million triples in 16 MB batches: 9.8 s against 5.9 s on 2 cores)."""

    def __init__(self, store: ox.Store, size: int = 64 << 20, *, bulk: bool = True):
        self.store, self.size, self.bulk = store, size, bulk
        self.parts: dict = {}  # graph name -> [bytes]
        self.pending = 0

    def load(self, data: bytes, format, to_graph, lenient: bool = True) -> None:
        self.parts.setdefault(to_graph, []).append(data)
        self.pending += len(data)
        if self.pending >= self.size:
            self.flush()

    def flush(self) -> ox.Store:
        load = self.store.bulk_load if self.bulk else self.store.load
        for graph_name, parts in self.parts.items():
            load(b"".join(parts), format=ox.RdfFormat.N_TRIPLES, to_graph=graph_name,
                 lenient=True)
        self.parts, self.pending = {}, 0
        return self.store


@dataclass
class _State:
    registry: Registry  # extended by the claim files read so far (sequential reading only)
    sources: dict
    data_dir: Path
    cache: UnitCache | None
    entities: tuple | None = None  # (registry, (its entities mapped, entailed)) from the readers
    expander: object | None = None  # a kgbuild.rules.Expander, or None


_WORKER_STATE: _State | None = None  # set before forking the readers


def _unit(path: Path, folder: str, key: str | None, state: _State):
    """(N-Triples, [[claim id, line]], 1 if from the cache else 0, (load s, map s), and
    what the triples entail on their own, or None without an expander). A unit from the cache
    comes as the paths of its files (the entailments kept beside it, under the rules' digest).
    """
    claims = state.cache.claims(key) if state.cache is not None and key is not None else None
    if claims is not None:
        triples = state.cache.triples_path(key)
        if state.expander is None:
            return triples, claims, 1, (0.0, 0.0), None
        entailed = state.cache.entailed_path(key, state.expander.digest)
        if not entailed.is_file():  # kept by an earlier kgbuild, or under other rules
            state.cache.put_entailed(key, state.expander.digest,
                                     state.expander.expand(triples.read_bytes()))
        return triples, claims, 1, (0.0, 0.0), entailed
    began = time.perf_counter()
    claim_file = load_claim_file(path, state.registry, state.sources,
                                 display=_display(path, state.data_dir),
                                 require_status="proposed" if folder == "proposed" else None)
    state.registry = claim_file.registry or state.registry
    middle = time.perf_counter()
    triples = _map_unit(state.registry, state.sources, claim_file.source, claim_file.claims)
    claims = [[c.id, c.line] for c in claim_file.claims]
    entailed = state.expander.expand(triples) if state.expander is not None else None
    if state.cache is not None and key is not None:
        state.cache.put(key, triples, claims)
        if entailed is not None:
            state.cache.put_entailed(key, state.expander.digest, entailed)
    return triples, claims, 0, (middle - began, time.perf_counter() - middle), entailed


def _entailing(outcome: tuple, expander) -> tuple:
    """A unit's outcome and what its triples entail on their own (None: no expander)."""
    return outcome + (expander.expand(outcome[0]) if expander is not None else None,)


def _worker_unit(item):
    try:
        return _unit(*item, _WORKER_STATE)
    except KgbuildError:
        return None


def _outcomes(plan: list, state: _State, workers: int) -> Iterator:
    """Each unit's outcome in plan order: read here, or by ``workers`` forked processes."""
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for path, folder, key in plan:
            yield _unit(path, folder, key, state)
        return
    global _WORKER_STATE
    _WORKER_STATE = state
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers) as pool:
            entities = pool.apply_async(_worker_entities)  # the registry's, meanwhile
            yield from _in_order(pool, plan, ahead=8 * workers)
            state.entities = (state.registry, entities.get())
    finally:
        _WORKER_STATE = None


def _in_order(pool, plan: list, ahead: int) -> Iterator:
    """The readers' outcomes in plan order, with at most ``ahead`` units read and not yet
    taken: ``Pool.imap`` reads on regardless, and at a million mandates, with a store slower to
    fill than the readers are to read, its backlog held 5.7 GB and growing."""
    from collections import deque

    items = iter(plan)
    pending = deque(pool.apply_async(_worker_unit, (item,)) for item in
                    itertools.islice(items, ahead))
    while pending:
        outcome = pending.popleft().get()
        following = next(items, None)
        if following is not None:
            pending.append(pool.apply_async(_worker_unit, (following,)))
        yield outcome


def _worker_entities() -> tuple:
    triples = _map_entities(_WORKER_STATE.registry, _WORKER_STATE.sources)
    return _entailing((triples,), _WORKER_STATE.expander)


def _propose(missing: list, registry: Registry, sources: dict, proposals, seen: dict,
             emit: Callable, stats: MapStats, covered: set) -> Registry:
    from .proposals import propose_missing

    partial = Corpus(registry, {source_id: sources[source_id] for source_id in missing}, ())
    proposed = propose_missing(partial, proposals if isinstance(proposals, Path) else None)
    for claim_file in proposed.claim_files:
        for claim in claim_file.claims:
            if claim.id in seen:
                raise ClaimError(f"proposed claim id '{claim.id}' is already used at "
                                 f"{seen[claim.id]}", path=claim.file, line=claim.line,
                                 hint="rename the reviewed claim, or review the proposal by hand")
            seen[claim.id] = claim.location
        emit(_map_unit(proposed.registry, sources, claim_file.source, claim_file.claims))
        covered.add(claim_file.source)
        stats.units += 1
        stats.claims += len(claim_file.claims)
    return proposed.registry


def _unit_key(code: str, entities: str, folder: str, raw: bytes, source: Source | None,
              data_dir: Path) -> str:
    digest = hashlib.sha256()
    for part in (code.encode(), entities.encode(), folder.encode(), raw):
        digest.update(hashlib.sha256(part).digest())
    if source is not None:
        digest.update(source.sha256.encode())
        digest.update(hashlib.sha256((data_dir / "sources" / f"{source.id}.yaml")
                                     .read_bytes()).digest())
    return digest.hexdigest()


def _mapper(registry: Registry, sources: dict, sink: NTriples) -> _Mapper:
    return _Mapper(Corpus(registry, sources, ()), sink, track_origins=False,
                   terms=NTriplesTerms)


def _map_unit(registry: Registry, sources: dict, source_id: str, claims) -> bytes:
    """One source and its claims as N-Triples (the mapping of map_corpus, claim by claim)."""
    sink = NTriples()
    mapper = _mapper(registry, sources, sink)
    if source_id in sources:
        mapper.map_source(sources[source_id])
    for claim in sorted(claims, key=lambda c: c.id):
        mapper.map_claim(claim)
    return sink.getvalue()


def _map_entities(registry: Registry, sources: dict) -> bytes:
    sink = NTriples()
    mapper = _mapper(registry, sources, sink)
    for item in sorted(registry.entities.values(), key=lambda e: (e.kind, e.id)):
        mapper.map_entity(item)
    return sink.getvalue()


def _resolve_review_status(store: ox.Store, graph_name) -> None:
    """As mapping._resolve_review_status: a fact reviewed in any claim is reviewed."""
    kg = "https://w3id.org/kgbuild/ns#"
    triple = f"?n <{kg}reviewStatus> <{kg}Proposed>"
    pattern = (f"?n <{kg}reviewStatus> <{kg}Reviewed> , <{kg}Proposed> "
               f"FILTER NOT EXISTS {{ ?n a <{kg}Evidence> }}")
    if not isinstance(graph_name, ox.DefaultGraph):
        triple = f"GRAPH <{graph_name.value}> {{ {triple} }}"
        pattern = f"GRAPH <{graph_name.value}> {{ {pattern} }}"
    store.update(f"DELETE {{ {triple} }} WHERE {{ {pattern} }}")


__all__ = ["MapStats", "UnitCache", "claim_file_paths", "code_digest", "map_into_store"]
