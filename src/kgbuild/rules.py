"""The ontology's entailments as rules run on the store: linear in the graph, not a full OWL-RL.

kgbuild needs what its own ontology defines about its entities: sub-classes, sub-properties,
inverses, domains and ranges, and the property chains (a mandate's holder holds the post and is a
member of the post's organisation). :func:`compile_rules` reads those axioms from
``ontology/kgbuild.ttl`` and closes them once, over the (small) schema:

* for each property ``p``, everything one triple ``s p o`` entails without a join: the triples
  ``s q o`` (``q`` a super-property, through any mix of sub-property and inverse steps), the
  triples ``o q s`` (inverses), and the types of ``s`` and ``o`` (domains and ranges, with every
  super-class);
* for each class, its super-classes;
* the property chains, in the order their inputs are produced.

:func:`infer_store` then runs one ``INSERT ... WHERE`` per property, per group of types and per
chain on an Oxigraph store (chains repeated until nothing new comes, when they feed each other),
each reading the graph once, so the cost is linear in the graph. It writes into the named graph
:data:`kgbuild.store.INFERRED` exactly what :func:`kgbuild.reason.is_useful` keeps from owlrl's
closure: triples about ``kgid:`` entities that the default graph does not state (a triple the
default graph may state is guarded, never inserted then deleted). owlrl stays the reference:
``tests/test_rules.py`` checks that both give the same triples on the seed graph and on
synthetic ones.

An axiom these rules do not implement (a restriction, a functional or transitive property,
``owl:sameAs`` ...) raises :class:`kgbuild.errors.KgbuildError` instead of being ignored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from .errors import KgbuildError
from .store import DEFAULT, INFERRED, count_triples, load_graph, read_graph
from .vocab import KGID

# OWL terms whose entailments these rules do not compute: refused, never silently skipped.
UNSUPPORTED = {
    RDF.type: (OWL.TransitiveProperty, OWL.FunctionalProperty, OWL.InverseFunctionalProperty,
               OWL.Restriction, OWL.ReflexiveProperty),
    "predicates": (OWL.intersectionOf, OWL.unionOf, OWL.oneOf, OWL.hasKey, OWL.sameAs,
                   OWL.someValuesFrom, OWL.allValuesFrom, OWL.hasValue, OWL.maxCardinality,
                   OWL.maxQualifiedCardinality, OWL.hasSelf, OWL.complementOf),
}
# Types owlrl gives everything, and that reason.is_useful drops.
JUNK_TYPES = (OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, OWL.Class)


@dataclass(frozen=True)
class Expansion:
    """What one triple ``s p o`` entails on its own (``p`` itself excluded from ``forward``)."""

    forward: frozenset  # q: s q o
    backward: frozenset  # q: o q s
    subject_types: frozenset
    object_types: frozenset

    def __bool__(self) -> bool:
        return bool(self.forward or self.backward or self.subject_types or self.object_types)


@dataclass(frozen=True)
class Chain:
    result: URIRef
    steps: tuple[URIRef, ...]


@dataclass(frozen=True)
class Rules:
    """The compiled ontology: per-property expansions, super-classes and chains (ordered)."""

    properties: dict = field(default_factory=dict)  # property -> Expansion
    classes: dict = field(default_factory=dict)  # class -> frozenset of strict super-classes
    chains: tuple[Chain, ...] = ()
    cyclic: bool = False  # some chain's input comes from a later chain: repeat to a fixpoint

    @property
    def size(self) -> int:
        return len(self.properties) + len(self.classes) + len(self.chains)


def compile_rules(ontology: Graph | str | Path | None = None) -> Rules:
    """Read the axioms of ``ontology`` (default: kgbuild's) and close them; see module doc."""
    from .reason import load_ontology

    graph = ontology if isinstance(ontology, Graph) else load_ontology(ontology)
    _refuse_unsupported(graph)
    sub_class = _edges(graph, RDFS.subClassOf, OWL.equivalentClass)
    sub_property = _edges(graph, RDFS.subPropertyOf, OWL.equivalentProperty)
    inverse: dict = {}
    for p, q in graph.subject_objects(OWL.inverseOf):
        _require_iri(p, q, what="owl:inverseOf")
        inverse.setdefault(p, set()).add(q)
        inverse.setdefault(q, set()).add(p)
    for p in graph.subjects(RDF.type, OWL.SymmetricProperty):
        inverse.setdefault(p, set()).add(p)
    domain = _values(graph, RDFS.domain)
    range_ = _values(graph, RDFS.range)
    chains = []
    for result, head in graph.subject_objects(OWL.propertyChainAxiom):
        steps = tuple(Collection(graph, head))
        _require_iri(result, *steps, what="owl:propertyChainAxiom")
        chains.append(Chain(result, steps))

    def supers(cls) -> frozenset:
        return _closure(cls, sub_class)

    properties = {}
    mentioned = set(sub_property) | set(inverse) | set(domain) | set(range_) | {
        c.result for c in chains} | {s for c in chains for s in c.steps}
    for targets in list(sub_property.values()) + list(inverse.values()):
        mentioned |= targets
    for prop in mentioned:
        reach = _property_closure(prop, sub_property, inverse)
        forward = frozenset(q for q, forwards in reach if forwards)
        backward = frozenset(q for q, forwards in reach if not forwards)
        subject_types, object_types = set(), set()
        for q, forwards in reach:
            for cls in domain.get(q, ()):
                (subject_types if forwards else object_types).update(supers(cls))
            for cls in range_.get(q, ()):
                (object_types if forwards else subject_types).update(supers(cls))
        expansion = Expansion(forward - {prop}, backward, frozenset(subject_types),
                              frozenset(object_types))
        properties[prop] = expansion
    classes = {cls: supers(cls) - {cls} for cls in set(sub_class)}
    ordered, cyclic = _order_chains(chains, properties)
    return Rules({p: e for p, e in properties.items() if e},
                 {c: s for c, s in classes.items() if s}, ordered, cyclic)


def _refuse_unsupported(graph: Graph) -> None:
    found = sorted({f"{_short(s)} a {_short(o)}" for o in UNSUPPORTED[RDF.type]
                    for s in graph.subjects(RDF.type, o)}
                   | {f"{_short(s)} {_short(p)} ..." for p in UNSUPPORTED["predicates"]
                      for s in graph.subjects(p, None)})
    if found:
        raise KgbuildError(
            "the ontology uses axioms kgbuild's rules do not compute: " + "; ".join(found[:5]),
            hint="use the owlrl reasoner (backend 'memory'), or extend kgbuild.rules")


def _short(term) -> str:
    text = str(term)
    return text.rsplit("#", 1)[-1] if "#" in text else text.rsplit("/", 1)[-1]


def _require_iri(*terms, what: str = "") -> None:
    for term in terms:
        if not isinstance(term, URIRef):
            raise KgbuildError(f"{what} with a {'blank node' if isinstance(term, BNode) else term}"
                               " is not supported by kgbuild's rules",
                               hint="name every class and property of an axiom with an IRI")


def _edges(graph: Graph, sub, equivalent) -> dict:
    edges: dict = {}
    for a, b in graph.subject_objects(sub):
        _require_iri(a, b, what=_short(sub))
        edges.setdefault(a, set()).add(b)
    for a, b in graph.subject_objects(equivalent):
        _require_iri(a, b, what=_short(equivalent))
        edges.setdefault(a, set()).add(b)
        edges.setdefault(b, set()).add(a)
    return edges


def _values(graph: Graph, predicate) -> dict:
    found: dict = {}
    for prop, cls in graph.subject_objects(predicate):
        _require_iri(prop, cls, what=_short(predicate))
        found.setdefault(prop, set()).add(cls)
    return found


def _closure(start, edges: dict) -> frozenset:
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return frozenset(seen)


def _property_closure(prop, sub_property: dict, inverse: dict) -> set:
    """Every (q, forwards) such that ``s prop o`` entails ``s q o`` (forwards) or ``o q s``."""
    seen, todo = {(prop, True)}, [(prop, True)]
    while todo:
        q, forwards = todo.pop()
        for nxt in [(s, forwards) for s in sub_property.get(q, ())] + [
                (i, not forwards) for i in inverse.get(q, ())]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _order_chains(chains: list[Chain], properties: dict) -> tuple[tuple[Chain, ...], bool]:
    """Chains whose inputs others produce come after them; a cycle is flagged."""
    def produces(chain: Chain) -> set:
        expansion = properties.get(chain.result)
        made = {chain.result}
        if expansion is not None:
            made |= expansion.forward | expansion.backward
        return made

    remaining = sorted(chains, key=lambda c: (str(c.result), [str(s) for s in c.steps]))
    ordered: list[Chain] = []
    while remaining:
        ready = [c for c in remaining
                 if not any(set(c.steps) & produces(o) for o in remaining)]
        if not ready:
            return tuple(ordered + remaining), True
        ordered += ready
        remaining = [c for c in remaining if c not in ready]
    return tuple(ordered), False


# -- running on a store ------------------------------------------------------------------------

def _iri(term) -> str:
    return f"<{term}>"


Present = Callable[[str], bool]  # does a graph use this "<property>" (or have "a <class>")?


def _everything(_: str) -> bool:
    return True


class _Template:
    """Triples to insert; those the default graph may already state are guarded, so that only
    new triples go into the inferred graph: ``BIND(IF(EXISTS {s p o}, ?unbound, s) AS ?g)``
    makes the template skip the triple when it is asserted."""

    def __init__(self, present: Present):
        self.present, self.triples, self.guards = present, [], []

    def add(self, subject: str, predicate: str, obj: str) -> None:
        if self.present(f"a {obj}" if predicate == "a" else predicate):
            guard = f"?_g{len(self.guards)}"
            self.guards.append(f"BIND(IF(EXISTS {{ {subject} {predicate} {obj} }}, ?_none, "
                               f"{subject}) AS {guard})")
            subject = guard
        self.triples.append(f"{subject} {predicate} {obj} .")

    def update(self, inferred, where: str) -> str:
        return (f"INSERT {{ GRAPH {_iri(inferred.value)} {{ {' '.join(self.triples)} }} }} "
                f"WHERE {{ {where} {' '.join(self.guards)} }}")


def _expansion_template(subject: str, obj: str, expansion: Expansion, present: Present,
                        itself: URIRef | None = None, types: bool = True) -> _Template:
    template = _Template(present)
    if itself is not None:
        template.add(subject, _iri(itself), obj)
    for q in sorted(expansion.forward):
        template.add(subject, _iri(q), obj)
    for q in sorted(expansion.backward):
        template.add(obj, _iri(q), subject)
    if types:
        for cls in sorted(expansion.subject_types):
            template.add(subject, "a", _iri(cls))
        for cls in sorted(expansion.object_types):
            template.add(obj, "a", _iri(cls))
    return template


def updates(rules: Rules, inferred=INFERRED, present: Present = _everything
            ) -> list[tuple[str, str]]:
    """The SPARQL updates of one pass, as (name, text): properties, types, then chains.

    Types are grouped: every pattern that gives a node the same set of types (a class and its
    super-classes, a domain, a range) feeds one update that types each ``kgid:`` node once (a
    type feeds no other rule, and only types of kgid: entities are kept). ``present`` tells
    which properties and types the default graph has; the others need no guard.
    """
    found = []
    for prop, expansion in sorted(rules.properties.items()):
        if expansion.forward or expansion.backward:
            template = _expansion_template("?s", "?o", expansion, present, types=False)
            found.append((f"property {prop}",
                          template.update(inferred, f"?s {_iri(prop)} ?o")))
    groups: dict[frozenset, list[str]] = {}
    for prop, expansion in rules.properties.items():
        if expansion.subject_types:
            groups.setdefault(expansion.subject_types, []).append(f"{{ ?x {_iri(prop)} ?_o }}")
        if expansion.object_types:
            groups.setdefault(expansion.object_types, []).append(f"{{ ?_s {_iri(prop)} ?x }}")
    for cls, supers in rules.classes.items():
        groups.setdefault(supers, []).append(f"{{ ?x a {_iri(cls)} }}")
    for types, branches in sorted(groups.items(), key=lambda item: sorted(map(str, item[0]))):
        template = _Template(present)
        for cls in sorted(types):
            template.add("?x", "a", _iri(cls))
        where = (f"{{ SELECT DISTINCT ?x WHERE {{ {' UNION '.join(sorted(branches))} "
                 f"FILTER(isIRI(?x) && STRSTARTS(STR(?x), \"{KGID}\")) }} }}")
        found.append((f"types {', '.join(sorted(map(_short, types)))}",
                      template.update(inferred, where)))
    for chain in rules.chains:
        found.append((f"chain {chain.result}", chain_update(chain, rules, inferred, present)))
    return found


def chain_update(chain: Chain, rules: Rules, inferred=INFERRED, present: Present = _everything,
                 in_inferred: Present = _everything) -> str | None:
    """INSERT the chain's result (and what it entails) from triples asserted or inferred; None
    when a step has no triple in either graph."""
    where = []
    for number, step in enumerate(chain.steps):
        pattern = f"?x{number} {_iri(step)} ?x{number + 1}"
        graphs = [f"{{ {pattern} }}" if present(_iri(step)) else None,
                  f"{{ GRAPH {_iri(inferred.value)} {{ {pattern} }} }}"
                  if in_inferred(_iri(step)) else None]
        graphs = [g for g in graphs if g]
        if not graphs:
            return None
        where.append(f"{{ {' UNION '.join(graphs)} }}")
    expansion = rules.properties.get(chain.result, Expansion(frozenset(), frozenset(),
                                                             frozenset(), frozenset()))
    template = _expansion_template("?x0", f"?x{len(chain.steps)}", expansion, present,
                                   itself=chain.result)
    return template.update(inferred, " ".join(where))


Progress = Callable[[str], None]


_KGID_IRI = f"<{KGID}"
_RDF_TYPE_IRI = f"<{RDF.type}>"


class Expander:
    """What each triple entails on its own (every rule but the chains), computed in Python on
    the N-Triples a unit was mapped to: the build runs it in the processes that map the
    units, in parallel, instead of one store-wide update per property and type group.

    It gives the triples those updates insert, minus the triples the same unit states and those
    :func:`_keep_useful` would drop; what another unit states is removed from the store
    afterwards (:func:`infer_store` with ``expanded=True``). Equal to the updates (tested).
    """

    def __init__(self, rules: Rules):
        junk = {_iri(t) for t in JUNK_TYPES}

        def types(classes) -> tuple[str, ...]:
            return tuple(sorted(_iri(c) for c in classes if _iri(c) not in junk))

        self.properties = {
            _iri(p): (tuple(sorted(map(_iri, e.forward))), tuple(sorted(map(_iri, e.backward))),
                      types(e.subject_types), types(e.object_types))
            for p, e in rules.properties.items()}
        self.supers = {_iri(c): types(s) for c, s in rules.classes.items()}
        self.digest = hashlib.sha256(repr((sorted(self.properties.items()),
                                           sorted(self.supers.items()))).encode()).hexdigest()

    def expand(self, ntriples: bytes) -> bytes:
        """The entailments of ``ntriples`` (kgbuild's own N-Triples: one ``s p o .`` a line)."""
        found: set[str] = set()
        add = found.add
        properties, supers = self.properties, self.supers
        lines = ntriples.decode("utf-8").splitlines()
        for line in lines:
            s, p, o = line[:-2].split(" ", 2)
            rule = properties.get(p)
            if rule is not None:
                forward, backward, subject_types, object_types = rule
                if s.startswith(_KGID_IRI):
                    for q in forward:
                        add(f"{s} {q} {o} .")
                    for cls in subject_types:
                        add(f"{s} {_RDF_TYPE_IRI} {cls} .")
                if o.startswith(_KGID_IRI):
                    for q in backward:
                        add(f"{o} {q} {s} .")
                    for cls in object_types:
                        add(f"{o} {_RDF_TYPE_IRI} {cls} .")
            if p == _RDF_TYPE_IRI and s.startswith(_KGID_IRI):
                for cls in supers.get(o, ()):
                    add(f"{s} {_RDF_TYPE_IRI} {cls} .")
        found.difference_update(lines)
        return "".join(f"{line}\n" for line in sorted(found)).encode("utf-8")


def _remove_asserted(store: ox.Store, rules: Rules, inferred, present: Present) -> None:
    """Drop from ``inferred`` the triples the default graph states (as the guards would)."""
    graph = _iri(inferred.value)
    made = set()
    for expansion in rules.properties.values():
        made |= expansion.forward | expansion.backward
    stated = " ".join(sorted(_iri(p) for p in made if present(_iri(p))))
    if stated:
        store.update(f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ VALUES ?p {{ {stated} }}"
                     f" GRAPH {graph} {{ ?s ?p ?o }} ?s ?p ?o }}")
    typed = set()
    for expansion in rules.properties.values():
        typed |= expansion.subject_types | expansion.object_types
    for classes in rules.classes.values():
        typed |= classes
    stated = " ".join(sorted(_iri(c) for c in typed if present(f"a {_iri(c)}")))
    if stated:
        store.update(f"DELETE {{ GRAPH {graph} {{ ?s a ?c }} }} WHERE {{ VALUES ?c {{ {stated} }}"
                     f" GRAPH {graph} {{ ?s a ?c }} ?s a ?c }}")


def infer_store(store: ox.Store, rules: Rules | None = None, *, inferred=INFERRED,
                progress: Progress | None = None, threads: int | None = None,
                bulk: bool = False, expanded: bool = False) -> int:
    """Write into graph ``inferred`` of ``store`` what the ontology entails about the default
    graph and does not state; return the number of inferred triples.

    ``inferred`` is cleared first. Only triples about ``kgid:`` entities are kept, as
    :func:`kgbuild.reason.is_useful` keeps from owlrl. The independent updates run in
    ``threads`` threads (default: one per core, up to 4; Oxigraph works without the GIL).
    ``bulk`` (for a store on disk) runs each update as a CONSTRUCT whose triples are bulk-loaded:
    no transaction holds them all in memory. ``expanded``: ``inferred`` already holds what
    :class:`Expander` gives for every unit of the default graph; only the chains are left (and
    the removal of what another unit states).
    """
    import threading

    rules = rules if rules is not None else compile_rules()
    say = progress or (lambda message: None)
    present = _presence(store, None)
    if expanded:
        _remove_asserted(store, rules, inferred, present)
        first = []
    else:
        store.update(f"DROP SILENT GRAPH {_iri(inferred.value)}")
        first = [text for name, text in updates(rules, inferred, present)
                 if not name.startswith("chain ")]
    lock = threading.Lock()

    def apply(text: str) -> None:
        if not bulk:
            store.update(text)
            return
        head = f"INSERT {{ GRAPH {_iri(inferred.value)} {{ "
        template, where = text[len(head):].split(" } } WHERE ", 1)
        data = store.query(f"CONSTRUCT {{ {template} }} WHERE {where}").serialize(
            format=ox.RdfFormat.N_TRIPLES)
        if data:
            with lock:
                store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=inferred,
                                lenient=True)

    _in_threads(apply, first, threads)
    _run_chains(store, rules, inferred, present, say, apply)
    _keep_useful(store, inferred)
    return count_triples(store, (inferred,))


def _presence(store: ox.Store, graph) -> Present:
    """Whether a graph has a property (``"<iri>"``) or a type (``"a <iri>"``), remembered."""
    known: dict[str, bool] = {}

    def present(key: str) -> bool:  # "<property>" or "a <class>"
        if key not in known:
            pattern = f"?s {key}" if key.startswith("a ") else f"?s {key} ?o"
            if graph is not None:
                pattern = f"GRAPH {_iri(graph.value)} {{ {pattern} }}"
            known[key] = bool(store.query(f"ASK {{ {pattern} }}"))
        return known[key]

    return present


def _in_threads(function, items: list, threads: int | None) -> list:
    import os
    from concurrent.futures import ThreadPoolExecutor

    threads = threads or min(4, os.cpu_count() or 1)
    if threads <= 1 or len(items) <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(function, items))


def _run_chains(store: ox.Store, rules: Rules, inferred, present: Present,
                say: Progress, apply=None) -> None:
    apply = apply or store.update
    before = -1
    for rounds in range(1, 100):
        for chain in rules.chains:
            text = chain_update(chain, rules, inferred, present, _presence(store, inferred))
            if text is not None:
                apply(text)
        if not rules.cyclic:
            return
        now = count_triples(store, (inferred,))
        if now == before:
            return
        before = now
        say(f"chains: round {rounds}, {now} triples")
    raise KgbuildError("the property chains did not reach a fixpoint in 100 rounds")


def _keep_useful(store: ox.Store, inferred) -> None:
    """Drop from ``inferred`` what is not about a kgid: entity, or is junk (asserted triples
    never went in: the templates skip them)."""
    graph = _iri(inferred.value)
    store.update(f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }}"
                 f" FILTER(!isIRI(?s) || !STRSTARTS(STR(?s), \"{KGID}\") || isBlank(?o)) }}")
    junk = " ".join(_iri(t) for t in JUNK_TYPES)
    store.update(f"DELETE {{ GRAPH {graph} {{ ?s a ?t }} }} "
                 f"WHERE {{ VALUES ?t {{ {junk} }} GRAPH {graph} {{ ?s a ?t }} }}")


def infer(asserted: Graph, ontology: Graph | str | Path | None = None) -> Graph:
    """:func:`kgbuild.reason.infer`'s answer computed by the rules (on a temporary store)."""
    store = load_graph(asserted, ox.Store(), DEFAULT)
    infer_store(store, compile_rules(ontology))
    return read_graph(store, (INFERRED,))


__all__ = ["Chain", "Expander", "Expansion", "Rules", "compile_rules", "infer", "infer_store", "updates"]
