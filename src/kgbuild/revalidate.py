"""Validation of what changed since the last build: an unchanged source is not validated again.

A shape spans sources (two sources may give one mandate two starts, or two overlapping mandates
of one holder), so "validate the changed sources" is not enough: a node of an unchanged source
must be checked again when a triple its constraints read has changed. This module finds those
nodes, checks them alone, and keeps the last build's results for every other focus node.

1. **What changed.** The build maps the data folder unit by unit (:mod:`kgbuild.incremental`);
   :class:`UnitLedger` records each unit's identity (its cache key, or the digest of its
   triples) and, for the units the last build did not have and the ones it had that are gone,
   the nodes of their triples (the touched nodes). The triples of a unit that is gone are read
   back from the unit cache.
2. **What it entails.** Reasoning derives triples from triples, but only along the ontology's
   property chains does an entailment join nodes that no single asserted triple joins: the
   touched nodes are extended along every part of every chain (:func:`chain_paths`).
3. **Who reads it.** :func:`reach_paths` reads, from the shapes, the paths along which each
   constraint reads the graph from its focus node: property shapes' paths, the shapes they
   nest (``sh:node``, ``sh:or`` ...), the properties compared (``sh:equals`` ...), and the
   triple patterns of SPARQL constraints, followed from ``$this``. A focus node whose results
   may have changed is a touched node, or reaches one along a prefix of such a path (a triple
   on the way that changed has touched nodes at both ends: the part before it is unchanged).
4. **Check them alone.** Those nodes go into a named graph of the store, every constraint runs
   once restricted to them (:func:`kgbuild.shaclsparql.find_results` with ``only``), and their
   new results replace their old ones. Locations and softening are computed again for all.

Everything is validated again when there is no earlier state for the same shapes, ontology and
validation code (:func:`validation_basis`), when more than a quarter of the units changed,
when a unit's triples state schema (``rdfs:subClassOf`` ...), or when a constraint reads beyond
its paths (a triple pattern not joined to ``$this``). Tested: after edits of every kind, the
report equals that of validating everything (``tests/test_revalidate.py``).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.extras.shacl import parse_shacl_path
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import Variable

from .config import ONTOLOGY_FILE, SHAPES_FILE
from .rdfio import write_atomic
from .rules import Expander, _in_threads
from .shaclsparql import _declared_prefixes, find_results, report_of, targeted_shapes
from .store import UNION
from .validate import ValidationReport, ValidationResult

STATE_FILE = "validation.json"
MOST_CHANGED = 0.1  # above this share of the last build's units changed: validate everything
_CODE_MODULES = ("revalidate", "shaclsparql", "validate", "rules", "store")
_SCHEMA_PREDICATES = frozenset(
    f"<{p}>".encode() for p in (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range,
                                OWL.equivalentClass, OWL.equivalentProperty, OWL.inverseOf,
                                OWL.propertyChainAxiom))
_NESTED_LISTS = (SH["and"], SH["or"], SH.xone)
_NESTED = (SH.node, SH["not"], SH.qualifiedValueShape)
_COMPARED = (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals)
_ANY = "!<urn:kgbuild:revalidate:none>"  # any predicate (a variable in a pattern)
_TYPE = f"<{RDF.type}>"
OLD_GRAPH = ox.NamedNode("urn:kgbuild:revalidate:old")
_CHUNK = 2000

Steps = tuple[str, ...]  # a path as its steps, each a SPARQL path: prefixes are sub-tuples


def validation_basis() -> str:
    """A digest of what validation results depend on besides the data: kgbuild's version, the
    code that reasons and validates, the shapes and the ontology."""
    from . import __version__

    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(__version__.encode())
    for path in [here / f"{name}.py" for name in _CODE_MODULES] + [SHAPES_FILE, ONTOLOGY_FILE]:
        digest.update(hashlib.sha256(Path(path).read_bytes()).digest())
    return digest.hexdigest()


# -- the state kept between builds ------------------------------------------------------------

@dataclass(frozen=True)
class ValidationState:
    """A build's units and its validation results (without locations, before softening)."""

    basis: str
    units: frozenset
    results: tuple

    def save(self, folder: str | Path) -> None:
        """Write ``folder/validation.json`` (a temporary file, then renamed)."""
        data = {"basis": self.basis, "units": sorted(self.units),
                "results": [_result_json(r) for r in
                            sorted(self.results, key=ValidationResult.sort_key)]}
        write_atomic(Path(folder) / STATE_FILE,
                     json.dumps(data, sort_keys=True, ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, folder: str | Path, basis: str) -> tuple[ValidationState | None, str]:
        """The state in ``folder`` if it was made on the same ``basis``, else (None, why)."""
        try:
            data = json.loads((Path(folder) / STATE_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None, "no results of an earlier build in the cache"
        except (OSError, ValueError):
            return None, "the earlier results in the cache do not read"
        if not isinstance(data, dict) or data.get("basis") != basis:
            return None, "the shapes, the ontology or kgbuild changed since the last build"
        try:
            results = tuple(_result_back(r) for r in data["results"])
            return cls(basis, frozenset(data["units"]), results), ""
        except (KeyError, TypeError, ValueError):
            return None, "the earlier results in the cache do not read"


def _term_json(term):
    if term is None:
        return None
    if isinstance(term, URIRef):
        return {"iri": str(term)}
    if isinstance(term, Literal):
        return {"literal": str(term), "lang": term.language,
                "datatype": None if term.datatype is None else str(term.datatype)}
    raise ValueError(f"a blank node cannot be kept between builds: {term}")


def _term_back(data):
    if data is None:
        return None
    if "iri" in data:
        return URIRef(data["iri"])
    return Literal(data["literal"], lang=data["lang"], datatype=data["datatype"])


def _result_json(result: ValidationResult) -> dict:
    return {"severity": result.severity, "focus": _term_json(result.focus),
            "path": _term_json(result.path), "value": _term_json(result.value),
            "message": result.message, "component": str(result.component),
            "shape": _term_json(result.shape)}


def _result_back(data: dict) -> ValidationResult:
    return ValidationResult(data["severity"], _term_back(data["focus"]), _term_back(data["path"]),
                            _term_back(data["value"]), data["message"], URIRef(data["component"]),
                            _term_back(data["shape"]))


def can_keep(results) -> bool:
    """Whether results can be kept between builds (no blank node: their labels change)."""
    return all(not isinstance(term, BNode) for r in results
               for term in (r.focus, r.path, r.value, r.shape))


# -- what changed -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Changes:
    """The units a build mapped, and the triples (N-Triples lines) of the units that changed
    since the last build: those only the new units state (``added``), those only the units gone
    stated (``removed``). ``added`` None: unknown, validate everything, for the reason ``why``."""

    units: frozenset
    added: frozenset | None
    removed: frozenset = frozenset()
    sources: int = 0  # units new or changed
    gone: int = 0  # units of the last build no longer there
    why: str = ""


@dataclass
class UnitLedger:
    """Kept by :func:`kgbuild.incremental.map_into_store`: every unit it maps is recorded.

    ``previous`` are the last build's units (None: no earlier state, for the reason ``why``);
    ``cache`` (a :class:`kgbuild.incremental.UnitCache`) gives back the triples of a unit that
    is gone, and keeps those of units without a cache key of their own, under the digest of
    their triples.
    """

    previous: frozenset | None
    cache: object
    units: set = field(default_factory=set)
    new_lines: set = field(default_factory=set)
    sources: int = 0
    why: str = ""

    def record(self, key: str | None, triples: bytes | Path) -> None:
        """A unit mapped: its key (None: none) and its N-Triples (or the file they are in)."""
        if isinstance(triples, Path):
            if key in (self.previous or ()):
                self.units.add(key)
                return
            triples = triples.read_bytes()
        identity = key if key is not None else hashlib.sha256(triples).hexdigest()
        self.units.add(identity)
        if key is None and not self.cache.has(identity):
            self.cache.put(identity, triples, [])
        if self.previous is None or identity in self.previous or self.why:
            return
        self.sources += 1
        if self.sources > self._most():
            self.why = "more than a tenth of the sources changed"
            self.new_lines.clear()
            return
        self.new_lines.update(triples.splitlines())

    def _most(self) -> int:
        return max(1, int(MOST_CHANGED * len(self.previous or ())))

    def changes(self) -> Changes:
        """What changed, once every unit is recorded."""
        units = frozenset(self.units)
        if self.previous is None:
            return Changes(units, None, why=self.why or "no results of an earlier build in the "
                                                        "cache")
        gone = sorted(self.previous - units)
        if not self.why and max(self.sources, len(gone)) > self._most():  # an edit is both
            self.why = "more than a tenth of the sources changed"
        old_lines: set = set()
        for identity in gone:
            if self.why:
                break
            kept = self.cache.get(identity)
            if kept is None:
                self.why = "the triples of a source of the last build left the cache"
                break
            old_lines.update(kept[0].splitlines())
        added, removed = self.new_lines - old_lines, old_lines - self.new_lines
        schema = next((line for line in sorted(added | removed)
                       if line.split(b" ", 2)[1] in _SCHEMA_PREDICATES), None)
        if schema is not None and not self.why:
            self.why = f"a source states schema ({schema.split(b' ', 2)[1].decode()})"
        if self.why:
            return Changes(units, None, sources=self.sources, gone=len(gone), why=self.why)
        return Changes(units, frozenset(added), frozenset(removed), self.sources, len(gone))


# -- who reads it -----------------------------------------------------------------------------

def reach_paths(shapes: Graph) -> frozenset | None:
    """Every prefix of every path along which a targeted shape's constraints read the graph
    from a focus node, as tuples of SPARQL path steps; None when some constraint reads beyond
    (a SPARQL pattern not joined to ``$this``, a path kgbuild cannot follow)."""
    found: set = set()
    for shape in targeted_shapes(shapes):
        read = _shape_reach(shapes, shape, ())
        if read is None:
            return None
        found |= read
    return frozenset(steps[:n] for steps in found for n in range(1, len(steps) + 1))


def _shape_reach(shapes: Graph, shape, seen: tuple) -> set | None:
    if shape in seen or (shape, SH.deactivated, Literal(True)) in shapes:
        return set()
    seen = seen + (shape,)
    base: set = {()}
    path = shapes.value(shape, SH.path)
    if path is not None:
        base = _shacl_steps(shapes, path)
        if base is None:
            return None
    found = set(base) - {()}
    for parameter, value in shapes.predicate_objects(shape):
        nested = []
        if parameter in _NESTED:
            nested = [value]
        elif parameter in _NESTED_LISTS:
            nested = list(Collection(shapes, value))
        elif parameter == SH.property:
            read = _shape_reach(shapes, value, seen)
            if read is None:
                return None
            found |= read
        elif parameter in _COMPARED:
            found.add((f"<{value}>",))
        elif parameter == SH["class"]:  # the value's types
            found |= {b + (_TYPE,) for b in base}
        elif parameter == SH.sparql:
            read = _sparql_reach(shapes, value)
            if read is None:
                return None
            found |= read
        for inner in nested:
            read = _shape_reach(shapes, inner, seen)
            if read is None:
                return None
            found |= {b + r for b in base for r in read}
    return found


def _shacl_steps(shapes: Graph, node) -> set | None:
    """A SHACL path as the step tuples of its alternatives."""
    try:
        return _predicate_steps(parse_shacl_path(shapes, node))
    except (TypeError, ValueError):  # not a SHACL path rdflib can read
        return None


def _sequence(parts: list) -> set:
    return {tuple(itertools.chain.from_iterable(combo)) for combo in itertools.product(*parts)}


def _inverse(steps: Steps) -> Steps:
    return tuple(f"^({step})" for step in reversed(steps))


def _repeated(steps: set) -> set:
    """``(p)*`` (a superset of ``+`` and ``?``), and the nodes inside a repetition."""
    star = "(" + "|".join(sorted("/".join(t) for t in steps)) + ")*"
    return {(star,)} | {(star,) + t for t in steps}


def _sparql_reach(shapes: Graph, constraint) -> set | None:
    """The paths from ``$this`` along which a SPARQL constraint's patterns read the graph."""

    select = shapes.value(constraint, SH.select)
    if select is None:
        return None
    prefixes = "".join(f"PREFIX {p}: <{n}>\n" for p, n in _declared_prefixes(shapes,
                                                                             constraint))
    try:
        algebra = prepareQuery(prefixes + str(select)).algebra
    except Exception:  # noqa: BLE001 - not rdflib's SPARQL: the shape is not followed
        return None
    patterns = list(_patterns(algebra))
    steps = {p: _predicate_steps(p) for _, p, _ in patterns}
    if None in steps.values():
        return None
    reached: dict = {Variable("this"): {()}}  # a variable -> the paths that reach it
    grew = True
    while grew:
        grew = False
        for subject, predicate, obj in patterns:
            for start, end, forward in ((subject, obj, True), (obj, subject, False)):
                if start in reached and _is_variable(end) and end not in reached:
                    reached[end] = _extended(reached[start], steps[predicate], forward)
                    grew = True
    reads: set = set()
    for subject, predicate, obj in patterns:  # each read from its end nearer the focus node
        ends = [(min(map(len, reached[end])), order, end, forward)
                for order, (end, forward) in enumerate(((subject, True), (obj, False)))
                if end in reached]
        if not ends:
            return None  # a pattern that reads the graph away from the focus node
        _, _, start, forward = min(ends)
        reads |= _extended(reached[start], steps[predicate], forward)
    return reads


def _extended(paths: set, steps: set, forward: bool) -> set:
    return {a + (b if forward else _inverse(b)) for a in paths for b in steps}


def _patterns(node):
    """The triple patterns anywhere in a query's algebra (FILTER EXISTS, OPTIONAL ...)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "triples" and isinstance(value, list):
                yield from (tuple(t) for t in value)
            else:
                yield from _patterns(value)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _patterns(item)


def _is_variable(term) -> bool:
    return isinstance(term, (Variable, BNode))


def _predicate_steps(predicate) -> set | None:
    if isinstance(predicate, URIRef):
        return {(f"<{predicate}>",)}
    if isinstance(predicate, Variable):
        return {(_ANY,)}
    if isinstance(predicate, SequencePath):
        parts = [_predicate_steps(p) for p in predicate.args]
        return None if None in parts else _sequence(parts)
    if isinstance(predicate, AlternativePath):
        parts = [_predicate_steps(p) for p in predicate.args]
        return None if None in parts else set().union(*parts)
    if isinstance(predicate, InvPath):
        steps = _predicate_steps(predicate.arg)
        return None if steps is None else {_inverse(t) for t in steps}
    if isinstance(predicate, MulPath):
        steps = _predicate_steps(predicate.path)
        return None if steps is None else _repeated(steps)
    return None  # a negated property set: not followed


def changed_triples(store: ox.Store, rules, changes: Changes, *, graphs=UNION,
                    threads: int | None = None) -> set:
    """The triples (N-Triples terms) in which the union of ``graphs`` may differ from the last
    build's: those only the changed units state, what each entails on its own, and the results
    of the property chains through them (found on the graphs and the triples gone)."""
    expander = Expander(rules)
    lines = changes.added | changes.removed
    edges = _triples(lines) | _triples(expander.expand(_joined(lines)).splitlines())
    if changes.removed:
        gone = _joined(changes.removed)
        store.load(gone + expander.expand(gone), format=ox.RdfFormat.N_TRIPLES,
                   to_graph=OLD_GRAPH)
    try:
        for _ in range(len(rules.chains) + 1):  # chains may feed each other
            found = _chain_results(store, rules, expander, edges, [*graphs, OLD_GRAPH],
                                   threads) - edges
            if not found:
                break
            edges |= found
    finally:
        store.remove_graph(OLD_GRAPH)
    return edges


def _triples(lines) -> set:
    found = set()
    for line in lines:
        text = line.decode("utf-8") if isinstance(line, bytes) else line
        found.add(tuple(text.rstrip()[:-2].split(" ", 2)))
    return found


def _joined(lines) -> bytes:
    return b"".join(line + b"\n" for line in sorted(lines))


def _chain_results(store: ox.Store, rules, expander, edges: set, graphs: list,
                   threads: int | None) -> set:
    """The results of every chain through one of ``edges`` (and what they entail)."""
    jobs = []
    for chain in rules.chains:
        steps = [f"<{s}>" for s in chain.steps]
        for number, step in enumerate(steps):
            pairs = sorted({(s, o) for s, p, o in edges if p == step and o.startswith("<")})
            head = (f"?x0 {'/'.join(steps[:number])} ?a ." if number else "BIND(?a AS ?x0)")
            tail = (f"?b {'/'.join(steps[number + 1:])} ?xk ." if number + 1 < len(steps)
                    else "BIND(?b AS ?xk)")
            for begin in range(0, len(pairs), _CHUNK):
                values = " ".join(f"({a} {b})" for a, b in pairs[begin:begin + _CHUNK])
                jobs.append((f"<{chain.result}>", f"SELECT DISTINCT ?x0 ?xk WHERE {{ VALUES "
                                                 f"(?a ?b) {{ {values} }} {head} {tail} }}"))

    def run(job) -> list[str]:
        result, query = job
        return [f"<{row['x0'].value}> {result} <{row['xk'].value}> ."
                for row in store.query(query, default_graph=graphs)
                if isinstance(row["x0"], ox.NamedNode) and isinstance(row["xk"], ox.NamedNode)]

    lines = sorted({line for found in _in_threads(run, jobs, threads) for line in found})
    if not lines:
        return set()
    made = "".join(f"{line}\n" for line in lines).encode("utf-8")
    return _triples(lines) | _triples(expander.expand(made).splitlines())


def focus_nodes(store: ox.Store, shapes: Graph, rules, changes: Changes, *, graphs=UNION,
                threads: int | None = None) -> set | None:
    """The nodes (N-Triples IRIs) whose results may differ from the last build's; None when
    the shapes cannot be followed (validate everything).

    Those are the nodes of the changed triples, and the nodes that reach, along a path some
    constraint reads, a node whose triples of the path's next step changed."""
    reads = reach_paths(shapes)
    if reads is None:
        return None
    ends_out: dict = {}  # predicate -> subjects of changed triples
    ends_in: dict = {}  # predicate -> IRI objects of changed triples
    nodes: set = set()
    for subject, predicate, obj in changed_triples(store, rules, changes, graphs=graphs,
                                                   threads=threads):
        ends_out.setdefault(predicate, set()).add(subject)
        nodes.add(subject)
        if obj.startswith("<"):
            ends_in.setdefault(predicate, set()).add(obj)
            nodes.add(obj)
    wanted: dict = {}  # a path -> the nodes to reach along it
    for steps in reads:
        for cut in range(1, len(steps)):
            step = steps[cut]
            if step.startswith("<"):
                targets = ends_out.get(step, ())
            elif step.startswith("^(<") and step.endswith(">)") and ">" not in step[3:-2]:
                targets = ends_in.get(step[2:-1], ())
            else:
                targets = nodes
            if targets:
                wanted.setdefault("/".join(steps[:cut]), set()).update(targets)
    return {n for n in nodes if n.startswith("<")} | _reached(store, wanted, graphs, threads)


def _reached(store: ox.Store, wanted: dict, graphs, threads: int | None) -> set:
    """The IRIs that reach one of ``wanted[path]`` along ``path``, for every path."""
    jobs = []
    for path, targets in sorted(wanted.items()):
        ordered = sorted(t for t in targets if t.startswith("<"))
        jobs += [(path, ordered[start:start + _CHUNK])
                 for start in range(0, len(ordered), _CHUNK)]

    def run(job) -> set:
        path, chunk = job
        query = (f"SELECT DISTINCT ?x WHERE {{ VALUES ?t {{ {' '.join(chunk)} }} ?x {path} ?t "
                 f"FILTER(isIRI(?x)) }}")
        return {f"<{row['x'].value}>" for row in store.query(query, default_graph=list(graphs))}

    return set().union(*_in_threads(run, jobs, threads)) if jobs else set()


@dataclass(frozen=True)
class Revalidation:
    """What :func:`validate_changes` did: the report, the results to keep for the next build,
    and how many focus nodes it checked again (None: all of them, for ``why``)."""

    report: ValidationReport
    results: tuple
    checked: int | None
    kept: int = 0
    why: str = ""


def validate_changes(store: ox.Store, shapes: Graph, rules, previous: ValidationState | None,
                     changes: Changes | None, *, graphs=UNION,
                     progress: Callable[[str], None] | None = None) -> Revalidation:
    """Validate ``store``: only the focus nodes near what changed since ``previous`` when it can
    (see module doc), else everything. The report equals that of validating everything."""
    say = progress or (lambda message: None)
    why = _why_everything(previous, changes)
    nodes = None
    if not why:
        nodes = focus_nodes(store, shapes, rules, changes, graphs=graphs)
        if nodes is None:
            why = "a constraint reads the graph beyond its paths"
    if why:
        say(f"Validating every focus node: {why}")
        results = find_results(store, shapes, graphs=graphs)
        kept = 0
    else:
        kept_results = [r for r in previous.results
                        if not (isinstance(r.focus, URIRef) and f"<{r.focus}>" in nodes)]
        if changes.sources or changes.gone:
            say(f"Validating {len(nodes):,} nodes near what changed ({changes.sources} "
                f"{_sources(changes.sources)} new or changed, {changes.gone} gone); "
                f"{len(kept_results):,} results of the others kept from the last build")
        else:
            say(f"Validating nothing: nothing changed since the last build "
                f"({len(kept_results):,} results kept)")
        fresh = []
        if nodes:
            fresh = find_results(store, shapes, graphs=graphs,
                                 only=[URIRef(n[1:-1]) for n in nodes])
        results, kept = kept_results + fresh, len(kept_results)
    report = report_of(store, results, shapes, graphs=graphs)
    return Revalidation(report, tuple(results), None if why else len(nodes), kept, why)


def _sources(count: int) -> str:
    return "source" if count == 1 else "sources"


def _why_everything(previous: ValidationState | None, changes: Changes | None) -> str:
    if changes is None:
        return "no cache"
    if changes.added is None:
        return changes.why
    if previous is None:
        return "no results of an earlier build in the cache"
    if not can_keep(previous.results):
        return "the earlier results name blank nodes"
    return ""


__all__ = ["Changes", "Revalidation", "STATE_FILE", "UnitLedger",
           "ValidationState", "changed_triples", "focus_nodes", "reach_paths",
           "validate_changes", "validation_basis"]
