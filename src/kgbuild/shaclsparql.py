"""SHACL validation as SPARQL queries on Oxigraph: pyshacl's results at a million mandates.

pyshacl evaluates each constraint for each focus node in Python (11.7 s for 1,000 mandates).
This module translates a shapes graph into one SPARQL SELECT per (shape, constraint component)
that finds every violating focus node at once, and runs them on a ``pyoxigraph.Store``. It
follows the shapes file, so a shape added to ``ontology/shapes.ttl`` is checked without code:

* targets: ``sh:targetClass`` (with ``rdfs:subClassOf`` in the data), ``sh:targetSubjectsOf``,
  ``sh:targetObjectsOf``, ``sh:targetNode``, and implicit class targets;
* property shapes with any SHACL path; ``sh:minCount``, ``sh:maxCount``, ``sh:class``,
  ``sh:datatype`` (ill-typed literals fail, as in pyshacl), ``sh:nodeKind``, ``sh:pattern``
  (``sh:flags``), ``sh:in``, ``sh:hasValue``, ``sh:min/maxInclusive``, ``sh:min/maxExclusive``,
  ``sh:min/maxLength``, ``sh:languageIn``, ``sh:uniqueLang``, ``sh:lessThan``,
  ``sh:lessThanOrEquals``, ``sh:equals``, ``sh:disjoint``, ``sh:node``, ``sh:and``, ``sh:or``,
  ``sh:xone``, ``sh:not``, ``sh:qualifiedValueShape`` with ``sh:qualifiedMin/MaxCount``;
* SPARQL-based constraints (``sh:sparql`` with ``sh:select`` and ``sh:prefixes``), with
  ``{?var}`` message templates;
* ``sh:severity``, ``sh:message``, ``sh:deactivated``.

A parameter it does not know (``sh:closed``, a SPARQL constraint using ``$shapesGraph`` ...)
raises :class:`kgbuild.errors.ShapesError`: a shape is never silently skipped. pyshacl stays the
reference: ``tests/test_shaclsparql.py`` checks that both report the same results (focus node,
path, value, component, shape, severity, message) on every case of ``tests/test_shapes.py``.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

from .errors import ShapesError
from .store import UNION, from_oxigraph
from .validate import ValidationReport, ValidationResult, load_shapes

TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
# parameters that are not constraints (or are read with another parameter)
NOT_CONSTRAINTS = {RDF.type, SH.property, SH.message, SH.severity, SH.name, SH.description,
                   SH.deactivated, SH.path, SH.order, SH.group, SH.defaultValue, SH.flags,
                   SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint,
                   RDFS.label, RDFS.comment, SH.declare, SH.prefixes, *TARGETS}
# pyshacl checks that the literal's value parses for these datatypes (and only these)
CHECKED_DATATYPES = {XSD.integer, XSD.float, XSD.decimal, XSD.boolean, XSD.date, XSD.time,
                     XSD.dateTime}
NODE_KINDS = {
    SH.IRI: "isIRI({v})", SH.Literal: "isLiteral({v})", SH.BlankNode: "isBlank({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})", SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}
COMPARISONS = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">",
               SH.maxExclusive: "<"}
PAIRS = {SH.lessThan: "<", SH.lessThanOrEquals: "<="}
VALUE_PARAMETERS = {SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH["in"],
                    SH.languageIn, SH.minLength, SH.maxLength, SH.node, SH["and"], SH["or"],
                    SH.xone, SH["not"], *COMPARISONS}


def _component(parameter) -> URIRef:
    name = str(parameter)[len(str(SH)):]
    special = {"qualifiedValueShape": "QualifiedMinCount"}
    return SH[special.get(name, name[0].upper() + name[1:]) + "ConstraintComponent"]


PROBE_LIMIT = 2048  # "few" focus nodes or values: fewer than this


@dataclass(frozen=True)
class Probe:
    """Whether a pattern has fewer than ``limit`` solutions (counting at most ``limit``)."""

    pattern: str
    limit: int

    @property
    def query(self) -> str:
        return (f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT * WHERE {{ {self.pattern} }} "
                f"LIMIT {self.limit} }} }}")

    def few(self, rows: list) -> bool:
        return any(row.get("n") is not None and row["n"].toPython() < self.limit
                   for row in rows)


def _probe(pattern: str) -> Probe:
    """A probe for fewer than PROBE_LIMIT solutions of ``pattern``."""
    return Probe(pattern, PROBE_LIMIT)


@dataclass(frozen=True)
class Screen:
    """A query that selects ?this, the focus nodes that may break a property shape (a superset
    of them, never fewer). With a ``gate``, a cheap aggregate over all the values, the query
    runs only when some row of the gate binds ``flag`` to something else than false (true, or
    unbound after an error). ``alternatives`` are (probe, query) pairs: the query of the first
    probe that finds "few" solutions runs instead (it starts from the few focus nodes or values
    the probe counted), else ``query``."""

    query: str
    gate: str | None = None
    flag: str = "dirty"  # the gate's variable that says whether to run the query
    alternatives: tuple[tuple[Probe, str], ...] = ()


@dataclass(frozen=True)
class Check:
    """One SELECT that finds the results of one constraint of one shape."""

    shape: URIRef | BNode
    component: URIRef
    severity: str
    path: URIRef | BNode | None  # the property shape's path (None for node-level checks)
    query: str  # selects ?this, and ?value / ?path / message variables where it has them
    messages: tuple[Literal, ...] = ()
    value_is_focus: bool = False  # node-level: the value is the focus node unless ?value
    source_constraint: URIRef | BNode | None = None
    # A property shape's constraints share its screens (each finds the focus nodes that may
    # break some of them, with no aggregate over the focus nodes where it can); ``template`` is
    # ``query`` with FOCUS where the focus nodes go, run only for the nodes the screens found.
    screen: tuple[Screen, ...] | None = None
    template: str | None = None


FOCUS = "__FOCUS_NODES__"
ONLY = "__ONLY_THESE_NODES__"  # where find_results(only=...) puts the nodes to check


@dataclass
class _Compiler:
    shapes: Graph
    subclasses: Callable[[URIRef], Iterable[URIRef]]
    # whether the data states the instances of a class in one graph only (then each is stated
    # once, and the focus nodes of a class target need no DISTINCT)
    one_graph: Callable[[URIRef], bool] = lambda cls: False
    counter: itertools.count = field(default_factory=itertools.count)
    # a pattern that binds ?this to the only nodes to check (None: every focus node)
    restrict: str | None = None
    # the screens "focus nodes without a match of a pattern", by targets: merged in one query
    missing: dict[str, list[tuple[Screen, str]]] = field(default_factory=dict)

    def fresh(self) -> str:
        return f"?_v{next(self.counter)}"

    # -- terms, paths, targets ---------------------------------------------------------------

    def term(self, node) -> str:
        if isinstance(node, URIRef):
            return f"<{node}>"
        if isinstance(node, Literal):
            text = (str(node).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                    .replace("\r", "\\r"))
            if node.language:
                return f'"{text}"@{node.language}'
            if node.datatype is not None:
                return f'"{text}"^^<{node.datatype}>'
            return f'"{text}"'
        raise ShapesError(f"a blank node {node} where a shape needs an IRI or a literal")

    def path(self, node) -> str:
        graph = self.shapes
        if isinstance(node, URIRef):
            return self.term(node)
        if (node, RDF.first, None) in graph:
            return "(" + "/".join(self.path(p) for p in Collection(graph, node)) + ")"
        for predicate, template in ((SH.inversePath, "^({})"), (SH.zeroOrMorePath, "({})*"),
                                    (SH.oneOrMorePath, "({})+"), (SH.zeroOrOnePath, "({})?")):
            inner = graph.value(node, predicate)
            if inner is not None:
                return template.format(self.path(inner))
        alternatives = graph.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(p) for p in Collection(graph, alternatives)) + ")"
        raise ShapesError(f"a SHACL path kgbuild cannot read: {node}")

    def classes(self, cls) -> str:
        """``VALUES`` of the class and its sub-classes in the data."""
        found = sorted({cls, *self.subclasses(cls)}, key=str)
        return " ".join(self.term(c) for c in found)

    def focus(self, shape) -> str | None:
        """A sub-select of the shape's focus nodes as ?this, or None without targets."""
        graph = self.shapes
        parts = []
        implicit = [shape] if any((shape, RDF.type, k) in graph for k in (RDFS.Class, OWL.Class)) \
            else []
        classes = [*graph.objects(shape, SH.targetClass), *implicit]
        for cls in classes:
            parts.append(f"{{ VALUES ?_class {{ {self.classes(cls)} }} ?this a ?_class }}")
        for predicate in graph.objects(shape, SH.targetSubjectsOf):
            parts.append(f"{{ ?this {self.term(predicate)} ?_any }}")
        for predicate in graph.objects(shape, SH.targetObjectsOf):
            parts.append(f"{{ ?_any {self.term(predicate)} ?this }}")
        for node in graph.objects(shape, SH.targetNode):
            parts.append(f"{{ VALUES ?this {{ {self.term(node)} }} }}")
        if not parts:
            return None
        # each node once: DISTINCT, unless one class without sub-classes, stated in one graph
        once = len(parts) == len(classes) == 1 and self.classes(classes[0]) == \
            self.term(classes[0]) and self.one_graph(classes[0])
        select = "SELECT" if once else "SELECT DISTINCT"
        union = " UNION ".join(parts)
        if self.restrict is not None:  # from the given nodes, those that are focus nodes
            return f"{{ SELECT ?this WHERE {{ {self.restrict} FILTER EXISTS {{ {union} }} }} }}"
        return f"{{ {select} ?this WHERE {{ {union} }} }}"

    # -- conditions: a SPARQL expression true when a node conforms --------------------------

    def condition(self, parameter, value, var: str, path_shape=None) -> str:
        """True when ``var`` satisfies the value-level parameter (never an error)."""
        if parameter == SH["class"]:
            return (f"EXISTS {{ VALUES ?_c {{ {self.classes(value)} }} {var} a ?_c }}")
        if parameter == SH.datatype:
            return self.datatype(value, var)
        if parameter == SH.nodeKind:
            if value not in NODE_KINDS:
                raise ShapesError(f"sh:nodeKind {value} is not a SHACL node kind")
            return NODE_KINDS[value].format(v=var)
        if parameter == SH.pattern:
            flags = self.shapes.value(path_shape, SH.flags) if path_shape is not None else None
            flag_text = f", {self.term(Literal(str(flags)))}" if flags is not None else ""
            return (f"COALESCE(!isBlank({var}) && REGEX(STR({var}), "
                    f"{self.term(Literal(str(value)))}{flag_text}), false)")
        if parameter == SH["in"]:
            members = list(Collection(self.shapes, value))
            return "(" + " || ".join(f"sameTerm({var}, {self.term(m)})" for m in members) + ")" \
                if members else "false"
        if parameter == SH.languageIn:
            tags = list(Collection(self.shapes, value))
            tests = " || ".join(f"langMatches(LANG({var}), {self.term(Literal(str(t)))})"
                                for t in tags) or "false"
            return f"COALESCE(isLiteral({var}) && ({tests}), false)"
        if parameter in COMPARISONS:
            return f"COALESCE({var} {COMPARISONS[parameter]} {self.term(value)}, false)"
        if parameter in (SH.minLength, SH.maxLength):
            sign = ">=" if parameter == SH.minLength else "<="
            return f"COALESCE(!isBlank({var}) && STRLEN(STR({var})) {sign} {int(value)}, false)"
        if parameter == SH.hasValue:
            return f"sameTerm({var}, {self.term(value)})"
        if parameter == SH.node:
            return self.conforms(value, var)
        if parameter in (SH["and"], SH["or"]):
            members = [self.conforms(s, var) for s in Collection(self.shapes, value)]
            joiner = " && " if parameter == SH["and"] else " || "
            return "(" + joiner.join(members) + ")" if members else (
                "true" if parameter == SH["and"] else "false")
        if parameter == SH.xone:
            members = [f"IF({self.conforms(s, var)}, 1, 0)" for s in Collection(self.shapes,
                                                                               value)]
            return "((" + " + ".join(members or ["0"]) + ") = 1)"
        if parameter == SH["not"]:
            return f"!({self.conforms(value, var)})"
        raise ShapesError(f"sh:{_local(parameter)} is not supported inside a condition")

    def datatype(self, datatype, var: str) -> str:
        if datatype == XSD.string:
            return f"COALESCE(isLiteral({var}) && DATATYPE({var}) = {self.term(XSD.string)}, false)"
        if datatype == RDF.langString:
            return f"COALESCE(isLiteral({var}) && LANG({var}) != \"\", false)"
        if datatype == RDFS.Literal:
            return f"isLiteral({var})"
        test = f"isLiteral({var}) && DATATYPE({var}) = {self.term(datatype)}"
        if datatype in CHECKED_DATATYPES:  # the lexical form must parse (ill-typed fails)
            test += f" && DATATYPE({self.term(datatype)}(STR({var}))) = {self.term(datatype)}"
        return f"COALESCE({test}, false)"

    def conforms(self, shape, var: str, seen: tuple = ()) -> str:
        """True when ``var`` conforms to ``shape`` (its own targets ignored, as SHACL says)."""
        if shape in seen:
            raise ShapesError(f"recursive shape {shape}: SHACL leaves it undefined")
        graph = self.shapes
        if _deactivated(graph, shape):
            return "true"
        tests = []
        if (shape, SH.path, None) in graph:
            tests += self.property_conditions(shape, var, seen + (shape,))
        else:
            for parameter, value in sorted(graph.predicate_objects(shape)):
                if parameter in NOT_CONSTRAINTS:
                    continue
                if parameter not in VALUE_PARAMETERS and parameter != SH.hasValue:
                    raise ShapesError(f"sh:{_local(parameter)} of {_local(shape)} is not "
                                      f"supported inside sh:node, sh:or, sh:xone or sh:not")
                tests.append(self.condition(parameter, value, var, shape))
            for prop in graph.objects(shape, SH.property):
                tests += self.property_conditions(prop, var, seen + (shape,))
        return "(" + " && ".join(tests) + ")" if tests else "true"

    def property_conditions(self, prop, var: str, seen: tuple) -> list[str]:
        graph = self.shapes
        if _deactivated(graph, prop):
            return []
        path = self.path(graph.value(prop, SH.path))
        tests = []
        for parameter, value in sorted(graph.predicate_objects(prop)):
            if parameter in NOT_CONSTRAINTS:
                continue
            if parameter in (SH.minCount, SH.maxCount):
                n = int(value) + (1 if parameter == SH.maxCount else 0)
                if n == 0:
                    continue
                if n > 4:
                    raise ShapesError(f"sh:{_local(parameter)} {value} inside a condition: "
                                      "kgbuild supports up to 3")
                names = [self.fresh() for _ in range(n)]
                pattern = " ".join(f"{var} {path} {name} ." for name in names)
                distinct = " && ".join(f"!sameTerm({a}, {b})"
                                       for a, b in itertools.combinations(names, 2))
                exists = f"EXISTS {{ {pattern} {f'FILTER({distinct})' if distinct else ''} }}"
                tests.append(exists if parameter == SH.minCount else f"!{exists}")
            elif parameter in VALUE_PARAMETERS:
                other = self.fresh()
                inner = self.condition(parameter, value, other, prop)
                tests.append(f"NOT EXISTS {{ {var} {path} {other} FILTER(!({inner})) }}")
            else:
                raise ShapesError(f"sh:{_local(parameter)} of {_local(prop)} is not supported "
                                  "inside sh:node, sh:or, sh:xone or sh:not")
        return tests

    # -- checks: one SELECT per constraint of a targeted shape -------------------------------

    def checks(self) -> list[Check]:
        graph = self.shapes
        found: list[Check] = []
        for shape in targeted_shapes(graph):
            if _deactivated(graph, shape):
                continue
            focus = self.focus(shape)
            if (shape, SH.path, None) in graph:
                found += self.property_checks(shape, focus)
                continue
            found += self.node_checks(shape, focus)
            for prop in sorted(graph.objects(shape, SH.property), key=str):
                if not _deactivated(graph, prop):
                    found += self.property_checks(prop, focus)
        return self.merge_missing(found)

    def merge_missing(self, checks: list[Check]) -> list[Check]:
        """One screen for all the "focus nodes without ..." screens of the same targets: the
        focus nodes that lack a match of any of the patterns (one pass over the focus nodes)."""
        merged = {}
        for targets, screens in self.missing.items():
            patterns = " ".join(f"{{ {pattern} }}" for _, pattern in screens)
            union = Screen(f"SELECT DISTINCT ?this WHERE {{ {targets} MINUS {{ {patterns} }} }}",
                           alternatives=((_probe(targets), f"SELECT DISTINCT ?this WHERE {{ "
                                          f"{targets} FILTER NOT EXISTS {{ {patterns} }} }}"),))
            merged.update((screen, union) for screen, _ in screens)
        self.missing = {}
        return [check if not check.screen or not merged else replace(
                    check, screen=tuple(dict.fromkeys(merged.get(s, s) for s in check.screen)))
                for check in checks]

    def node_checks(self, shape, focus: str) -> list[Check]:
        graph = self.shapes
        severity, messages = _severity(graph, shape), _messages(graph, shape)
        found = []
        for parameter, value in sorted(graph.predicate_objects(shape)):
            if parameter in NOT_CONSTRAINTS:
                continue
            if parameter == SH.sparql:
                found.append(self.sparql_check(shape, value, focus, severity, messages))
            elif parameter in VALUE_PARAMETERS or parameter == SH.hasValue:
                test = self.condition(parameter, value, "?this", shape)
                query = f"SELECT ?this WHERE {{ {focus} FILTER(!({test})) }}"
                found.append(Check(shape, _component(parameter), severity, None, query,
                                   messages, value_is_focus=True))
            else:
                raise ShapesError(f"sh:{_local(parameter)} of shape {_local(shape)} is not "
                                  "supported by kgbuild's SPARQL validation",
                                  hint="validate with pyshacl (backend 'memory')")
        return found

    def property_checks(self, prop, focus: str) -> list[Check]:
        graph = self.shapes
        path_node = graph.value(prop, SH.path)
        path = self.path(path_node)
        severity, messages = _severity(graph, prop), _messages(graph, prop)
        templates: list[tuple[URIRef, str]] = []  # component, query
        targets = _focus_patterns(focus)
        # The screens: each scans the values (or the focus nodes) once, without grouping where
        # it can, and the few nodes it flags are checked against the targets afterwards.
        screens: list[Screen] = []
        bad: list[str] = []  # per value ?_s: true when the value may break a constraint
        counts: list[tuple[int, str]] = []  # sh:maxCount, and a gate test for it
        unique: str | None = None  # the screen of sh:uniqueLang
        # aggregate tests on ?_s, the values of one focus node, for the constraints without a
        # screen of their own: those a node with no value can fail (lower bounds) need every
        # focus node; the others only the nodes with values
        lower: list[str] = []
        upper: list[str] = []

        def add(component, query: str) -> None:
            templates.append((component, query))

        def flagged(test: str) -> str:
            return f"SUM(IF(BOUND(?_s) && ({test}), 1, 0)) > 0"

        def targeted(select: str) -> str:
            """The nodes ``select`` finds that are focus nodes."""
            return f"SELECT DISTINCT ?this WHERE {{ {{ {select} }} FILTER EXISTS {{ {targets} }} }}"

        def without(pattern: str) -> Screen:
            """The focus nodes that do not match ``pattern`` (its variables its own)."""
            screen = Screen(f"SELECT DISTINCT ?this WHERE {{ {targets} MINUS {{ {pattern} }} }}")
            self.missing.setdefault(targets, []).append((screen, pattern))
            return screen

        for parameter, value in sorted(graph.predicate_objects(prop)):
            if parameter in NOT_CONSTRAINTS:
                continue
            if parameter == SH.minCount:
                if int(value) == 1:
                    add(_component(parameter), f"SELECT ?this WHERE {{ {FOCUS} "
                                               f"FILTER NOT EXISTS {{ ?this {path} ?_x }} }}")
                    screens.append(without(f"?this {path} {self.fresh()}"))
                elif int(value) > 1:
                    add(_component(parameter), self.count_query(FOCUS, path, "<", int(value)))
                    lower.append(f"COUNT(DISTINCT ?_s) < {int(value)}")
            elif parameter == SH.maxCount:
                limit = int(value)
                add(_component(parameter), self.count_query(FOCUS, path, ">", limit))
                # no node has two values when the values are as many as their subjects
                counts.append((limit, "COUNT(*) > COUNT(DISTINCT ?this)" if limit
                               else "COUNT(*) > 0"))
            elif parameter == SH["class"]:
                test = self.condition(parameter, value, "?value", prop)
                add(_component(parameter), f"SELECT DISTINCT ?this ?value WHERE {{ {FOCUS} "
                                           f"?this {path} ?value FILTER(!({test})) }}")
                typed = f"VALUES ?_c {{ {self.classes(value)} }} ?_s a ?_c"
                screens.append(Screen(
                    targeted(f"SELECT ?this WHERE {{ ?this {path} ?_s MINUS {{ {typed} }} }}"),
                    alternatives=(  # from the few values, or from the few focus nodes
                        (_probe(f"?this {path} ?_s"),
                         targeted(f"SELECT ?this WHERE {{ ?this {path} ?_s "
                                  f"FILTER NOT EXISTS {{ {typed} }} }}")),
                        (_probe(targets), f"SELECT DISTINCT ?this WHERE {{ {targets} ?this "
                                          f"{path} ?_s FILTER NOT EXISTS {{ {typed} }} }}"))))
            elif parameter in VALUE_PARAMETERS:
                test = self.condition(parameter, value, "?value", prop)
                add(_component(parameter), f"SELECT DISTINCT ?this ?value WHERE {{ {FOCUS} "
                                           f"?this {path} ?value FILTER(!({test})) }}")
                if parameter == SH.datatype and value in (XSD.integer, XSD.decimal):
                    # a valid xsd:integer or xsd:decimal is numeric in Oxigraph (an ill-typed
                    # one is not), and its lexical form parses: the cast is not needed
                    bad.append(f"!COALESCE(isNumeric(?_s) && DATATYPE(?_s) = {self.term(value)}, "
                               f"false)")
                else:
                    bad.append(f"!({self.condition(parameter, value, '?_s', prop)})")
            elif parameter == SH.hasValue:
                add(_component(parameter), f"SELECT ?this WHERE {{ {FOCUS} FILTER NOT EXISTS "
                                           f"{{ ?this {path} {self.term(value)} }} }}")
                screens.append(without(f"?this {path} {self.term(value)}"))
            elif parameter == SH.uniqueLang:
                if value.toPython() is True:
                    tagged = f"?this {path} ?_v FILTER(isLiteral(?_v) && LANG(?_v) != \"\")"
                    add(_component(parameter),
                        f"SELECT ?this WHERE {{ {FOCUS} {tagged} }} "
                        f"GROUP BY ?this (LCASE(LANG(?_v))) HAVING (COUNT(DISTINCT ?_v) > 1)")
                    unique = targeted(f"SELECT ?this WHERE {{ {tagged} }} GROUP BY ?this "
                                      f"(LCASE(LANG(?_v))) HAVING (COUNT(*) > 1)")
            elif parameter in PAIRS:
                other, sign = self.term(value), PAIRS[parameter]
                add(_component(parameter),
                    f"SELECT DISTINCT ?this ?value ?_other WHERE {{ {FOCUS} ?this {path} ?value . "
                    f"?this {other} ?_other "
                    f"FILTER(!COALESCE(?value {sign} ?_other, false)) }}")
                screens.append(Screen(targeted(  # a hash join of the two value sets
                    f"SELECT ?this WHERE {{ {{ SELECT ?this ?_s WHERE {{ ?this {path} ?_s }} }} "
                    f"{{ SELECT ?this ?_o WHERE {{ ?this {other} ?_o }} }} "
                    f"FILTER(!COALESCE(?_s {sign} ?_o, false)) }}")))
            elif parameter == SH.equals:
                other = self.term(value)
                add(_component(parameter),
                    f"SELECT DISTINCT ?this ?value WHERE {{ {FOCUS} "
                    f"{{ ?this {path} ?value FILTER NOT EXISTS {{ ?this {other} ?value }} }} UNION "
                    f"{{ ?this {other} ?value FILTER NOT EXISTS {{ ?this {path} ?value }} }} }}")
                lower.append(f"({flagged(f'NOT EXISTS {{ ?this {other} ?_s }}')} || SUM(IF(EXISTS "
                             f"{{ ?this {other} ?_o FILTER NOT EXISTS {{ ?this {path} ?_o }} }}, "
                             f"1, 0)) > 0)")
            elif parameter == SH.disjoint:
                other = self.term(value)
                add(_component(parameter), f"SELECT DISTINCT ?this ?value WHERE {{ {FOCUS} "
                                           f"?this {path} ?value . ?this {other} ?value }}")
                screens.append(Screen(targeted(f"SELECT ?this WHERE {{ ?this {path} ?_s . "
                                               f"?this {other} ?_s }}")))
            elif parameter == SH.qualifiedValueShape:
                if (prop, SH.qualifiedValueShapesDisjoint, Literal(True)) in graph:
                    raise ShapesError("sh:qualifiedValueShapesDisjoint is not supported")
                test = self.conforms(value, "?_q")
                screened = self.conforms(value, "?_s")
                for bound, sign, component in (
                        (SH.qualifiedMinCount, "<", SH.QualifiedMinCountConstraintComponent),
                        (SH.qualifiedMaxCount, ">", SH.QualifiedMaxCountConstraintComponent)):
                    limit = graph.value(prop, bound)
                    if limit is None:
                        continue
                    add(component, f"SELECT ?this WHERE {{ {FOCUS} OPTIONAL {{ ?this {path} "
                                   f"?_q FILTER({test}) }} }} GROUP BY ?this "
                                   f"HAVING (COUNT(DISTINCT ?_q) {sign} {int(limit)})")
                    aggregate = (f"COUNT(DISTINCT IF(BOUND(?_s) && {screened}, ?_s, ?_none)) "
                                 f"{sign} {int(limit)}")
                    if sign == ">":  # a node without values has none to count
                        upper.append(aggregate)
                    elif int(limit) == 1:
                        other = self.fresh()
                        screens.append(without(f"?this {path} {other} "
                                               f"FILTER({self.conforms(value, other)})"))
                    elif int(limit) > 1:
                        lower.append(aggregate)
            elif parameter == SH.sparql:
                raise ShapesError(f"sh:sparql on property shape {_local(prop)} is not supported",
                                  hint="put the SPARQL constraint on a node shape")
            else:
                raise ShapesError(f"sh:{_local(parameter)} of shape {_local(prop)} is not "
                                  "supported by kgbuild's SPARQL validation",
                                  hint="validate with pyshacl (backend 'memory')")
        # Gates: one pass over all the values of the path tells whether a node may have too many
        # of them (or two of a language), and whether a value is bad
        bad_test = " || ".join(bad)
        bad_gate = None
        for limit, test in counts:  # a group per focus node only if some node may have too many
            counted = "*" if isinstance(path_node, URIRef) else "DISTINCT ?_s"
            flags = f"(({test}) AS ?dirty)"
            if bad and bad_gate is None:
                flags += f" ((SUM(IF({bad_test}, 1, 0)) > 0) AS ?bad)"
            gate = f"SELECT {flags} WHERE {{ ?this {path} ?_s }}"
            bad_gate = bad_gate or (gate if bad else None)
            screens.append(Screen(targeted(f"SELECT ?this WHERE {{ ?this {path} ?_s }} GROUP BY "
                                           f"?this HAVING (COUNT({counted}) > {limit})"), gate))
        if unique:  # per language (any value without one in the same group: never fewer)
            flags = "((COUNT(*) > COUNT(DISTINCT ?this)) AS ?dirty)"
            if bad and bad_gate is None:
                flags += f" ((SUM(IF({bad_test}, 1, 0)) > 0) AS ?bad)"
            gate = f"SELECT {flags} WHERE {{ ?this {path} ?_s }} GROUP BY (LCASE(LANG(?_s)))"
            bad_gate = bad_gate or (gate if bad else None)
            screens.append(Screen(unique, gate))
        if bad:  # one pass over the values, no grouping (or over the values of few nodes)
            screens.append(Screen(
                targeted(f"SELECT ?this WHERE {{ ?this {path} ?_s FILTER({bad_test}) }}"),
                bad_gate, "bad",
                alternatives=((_probe(targets), f"SELECT DISTINCT ?this WHERE {{ {targets} "
                                                f"?this {path} ?_s FILTER({bad_test}) }}"),)))
        if lower:
            screens.append(Screen(f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?_s }} "
                                  f"}} GROUP BY ?this HAVING ({' || '.join(lower)})"))
        if upper:  # from the values up: the focus is checked for the few nodes flagged
            screens.append(Screen(targeted(f"SELECT ?this WHERE {{ ?this {path} ?_s }} "
                                           f"GROUP BY ?this HAVING ({' || '.join(upper)})")))
        screen = tuple(screens) or None
        return [Check(prop, component, severity, path_node, query.replace(FOCUS, focus),
                      messages, screen=screen, template=query if screen else None)
                for component, query in templates]

    def count_query(self, focus: str, path: str, sign: str, limit: int) -> str:
        optional = "OPTIONAL " if sign == "<" else ""
        return (f"SELECT ?this WHERE {{ {focus} {optional}{{ ?this {path} ?_x }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_x) {sign} {limit})")

    def sparql_check(self, shape, constraint, focus: str, severity: str,
                     shape_messages: tuple) -> Check:
        graph = self.shapes
        select = graph.value(constraint, SH.select)
        if select is None:
            raise ShapesError(f"SPARQL constraint {_local(constraint)} has no sh:select")
        text = str(select)
        for name in ("$shapesGraph", "$currentShape", "$PATH", "?shapesGraph", "?currentShape"):
            if name in text:
                raise ShapesError(f"{name} in the SPARQL constraint {_local(constraint)} is not "
                                  "supported by kgbuild's SPARQL validation")
        prefixes = "".join(f"PREFIX {p}: <{n}>\n" for p, n in _declared_prefixes(graph,
                                                                                 constraint))
        messages = tuple(_messages(graph, constraint)) + tuple(shape_messages)
        return Check(shape, SH.SPARQLConstraintComponent, severity, None,
                     prefixes + _inject_focus(text, focus), messages, value_is_focus=True,
                     source_constraint=constraint)


def targeted_shapes(shapes: Graph) -> list:
    """The shapes with targets (explicit, or implicit: a node shape that is a class)."""
    return sorted({s for p in TARGETS for s in shapes.subjects(p, None)}
                  | {s for k in (RDFS.Class, OWL.Class) for s in shapes.subjects(RDF.type, k)
                     if (s, RDF.type, SH.NodeShape) in shapes}, key=str)


def _focus_patterns(focus: str) -> str:
    """The target patterns inside :meth:`_Compiler.focus`'s sub-select."""
    tail = " } }"
    for head in ("{ SELECT DISTINCT ?this WHERE { ", "{ SELECT ?this WHERE { "):
        if focus.startswith(head) and focus.endswith(tail):
            return focus[len(head):-len(tail)]
    raise AssertionError(f"not a focus sub-select: {focus}")


def _local(term) -> str:
    text = str(term)
    for separator in ("#", "/"):
        if separator in text:
            text = text.rsplit(separator, 1)[1]
    return text


def _deactivated(graph: Graph, shape) -> bool:
    return (shape, SH.deactivated, Literal(True)) in graph


def _severity(graph: Graph, shape) -> str:
    severity = graph.value(shape, SH.severity)
    return _local(severity) if severity is not None else "Violation"


def _messages(graph: Graph, shape) -> tuple:
    return tuple(sorted(graph.objects(shape, SH.message), key=lambda m: (str(m), m.language or "")))


def _declared_prefixes(graph: Graph, constraint) -> list[tuple[str, str]]:
    found = {}
    for owner in graph.objects(constraint, SH.prefixes):
        for declaration in graph.objects(owner, SH.declare):
            prefix, namespace = graph.value(declaration, SH.prefix), graph.value(declaration,
                                                                               SH.namespace)
            if prefix is not None and namespace is not None:
                found[str(prefix)] = str(namespace)
    return sorted(found.items())


_TOKEN = re.compile(r'''\#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
    |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*'|<[^<>"{}|^`\\\x00-\x20]*>|[?$][A-Za-z0-9_]+
    |[A-Za-z_][A-Za-z0-9_.-]*:?|\{''', re.X)


def _inject_focus(text: str, focus: str) -> str:
    """The SELECT with the focus sub-select first in its WHERE group, so ``$this`` is bound
    for every pattern and FILTER of the group, as pyshacl's pre-binding does."""
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            position += 1
            continue
        if match.group(0) == "{":
            return text[:match.end()] + " " + focus + " " + text[match.end():]
        position = match.end()
    raise ShapesError("a SPARQL constraint without a WHERE group")


def compile_shapes(shapes: Graph | str | None = None,
                   subclasses: Callable[[URIRef], Iterable[URIRef]] | None = None) -> list[Check]:
    """The checks of a shapes graph (default: kgbuild's). ``subclasses(cls)`` gives the
    sub-classes of ``cls`` that the data graph declares (none by default)."""
    graph = load_shapes(shapes) if not isinstance(shapes, Graph) else shapes
    return _Compiler(graph, subclasses or (lambda cls: ())).checks()


# -- running ------------------------------------------------------------------------------------

def validate_store(store: ox.Store, shapes: Graph | str | None = None, *, graphs=UNION,
                   locate: bool = True, threads: int | None = None,
                   soften_proposed: bool = True) -> ValidationReport:
    """Validate the union of ``graphs`` of ``store`` against ``shapes``: a ValidationReport
    like :func:`kgbuild.validate.validate` gives (locations from the evidence of each focus;
    violations on facts only proposed softened to warnings, as there).

    A property shape's checks run in three steps: its gates (one aggregate pass over all the
    values of the path) and probes (are there few focus nodes, few values?); then the screens
    the gates do not rule out, each a pass without grouping per focus node where it can (a
    plain FILTER, an anti-join, from the smaller side); then the precise queries, for the few
    focus nodes the screens found."""
    shapes_graph = load_shapes(shapes) if not isinstance(shapes, Graph) else shapes
    results = find_results(store, shapes_graph, graphs=graphs, threads=threads)
    return report_of(store, results, shapes_graph, graphs=graphs, locate=locate,
                     soften_proposed=soften_proposed)


def find_results(store: ox.Store, shapes_graph: Graph, *, graphs=UNION,
                 threads: int | None = None, only: Iterable[URIRef] | None = None
                 ) -> list[ValidationResult]:
    """The results of :func:`validate_store`, without locations and before softening.

    With ``only`` (IRIs), only those focus nodes are checked, each constraint by queries that
    start from them, 5,000 nodes a query (:mod:`kgbuild.revalidate`)."""
    graphs = _graph_list(graphs)

    @functools.cache
    def subclasses(cls) -> list:
        rows = store.query(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>+ <{cls}> }}",
                           default_graph=graphs)
        return [from_oxigraph(row["c"]) for row in rows]

    @functools.cache
    def one_graph(cls) -> bool:
        typed = [bool(store.query(f"ASK {{ ?s a <{cls}> }}", default_graph=graph))
                 for graph in graphs]
        return sum(typed) <= 1 and len({str(g) for g in graphs}) == len(graphs)

    def rows(check: Check, query: str) -> list:
        try:
            solutions = store.query(query, default_graph=graphs)
        except SyntaxError as exc:
            raise ShapesError(f"the SPARQL of shape {_local(check.shape)} does not parse: {exc}",
                              hint="check its sh:select") from None
        names = [v.value for v in solutions.variables]
        return [{n: from_oxigraph(row[n]) for n in names if row[n] is not None}
                for row in solutions]

    from .rules import _in_threads  # Oxigraph evaluates without the GIL: a thread per core

    restrict = None if only is None else ONLY
    checks = _Compiler(shapes_graph, subclasses, one_graph, restrict=restrict).checks()
    if only is not None:  # few focus nodes: every constraint's own query, from them
        nodes = sorted(only, key=str)
        jobs = [(check, check.query.replace(ONLY, "VALUES ?this { " + " ".join(
                    _node(n) for n in nodes[start:start + 5000]) + " }"))
                for start in range(0, len(nodes), 5000) for check in checks]
        found = _in_threads(lambda job: rows(*job), jobs, threads)
        return [_result(check, bound) for (check, _), bounds in zip(jobs, found)
                for bound in bounds]
    screens: dict[Screen, Check] = {}  # each screen -> a check that uses it
    for check in checks:
        for screen in check.screen or ():
            screens.setdefault(screen, check)
    direct: list[tuple[Check, str]] = [(c, c.query) for c in checks if c.screen is None]
    # first the checks without a screen, the screens' gates and probes; then the screens
    first: dict[str, Check] = {}
    for screen, check in screens.items():
        for query in (screen.gate, *(probe.query for probe, _ in screen.alternatives)):
            if query:
                first.setdefault(query, check)
    jobs = direct + [(check, query) for query, check in first.items()]
    found = dict(zip(jobs, _in_threads(lambda job: rows(*job), jobs, threads)))
    answers = {query: found[(check, query)] for query, check in first.items()}

    def chosen(screen: Screen) -> str | None:
        """The query the screen runs, None when its gate says no node can break it."""
        if screen.gate and not any(row.get(screen.flag) is None
                                   or row[screen.flag].toPython() is not False
                                   for row in answers[screen.gate]):
            return None
        return next((query for probe, query in screen.alternatives
                     if probe.few(answers[probe.query])), screen.query)

    queries = {screen: chosen(screen) for screen in screens}
    second: dict[str, Check] = {}
    for screen, query in queries.items():
        if query is not None:
            second.setdefault(query, screens[screen])
    jobs = [(check, query) for query, check in second.items()]
    found.update(zip(jobs, _in_threads(lambda job: rows(*job), jobs, threads)))

    def candidates(screen: Screen) -> list:
        query = queries[screen]
        return found[(second[query], query)] if query is not None else []

    flagged = {check.screen: sorted({r["this"] for screen in check.screen
                                     for r in candidates(screen)}, key=str)
               for check in checks if check.screen}
    precise = []  # the screened checks, for the focus nodes their screen flagged
    for check in checks:
        nodes = flagged.get(check.screen, [])
        for start in range(0, len(nodes), 5000):
            values = " ".join(_node(n) for n in nodes[start:start + 5000])
            precise.append((check, check.template.replace(FOCUS, f"VALUES ?this {{ {values} }}")))
    found.update(zip(precise, _in_threads(lambda job: rows(*job), precise, threads)))
    return [_result(check, bound) for job in direct + precise
            for check in (job[0],) for bound in found[job]]


def report_of(store: ox.Store, results: list[ValidationResult], shapes_graph: Graph, *,
              graphs=UNION, locate: bool = True, soften_proposed: bool = True
              ) -> ValidationReport:
    """The report of :func:`find_results`'s results: located, softened, sorted."""
    graphs = _graph_list(graphs)
    if locate:
        results = _with_locations(store, results, graphs)
    graph = results_graph(results, True, shapes_graph)
    if soften_proposed:
        results = _soften_proposed(store, results, graph, graphs)
    results = tuple(sorted(results, key=ValidationResult.sort_key))
    conforms = not any(r.severity == "Violation" for r in results)
    graph.set((graph.value(None, RDF.type, SH.ValidationReport, any=True) or BNode(),
               SH.conforms, Literal(conforms)))
    return ValidationReport(conforms, results, graph)


def _graph_list(graphs) -> list:
    return list(graphs) if isinstance(graphs, (tuple, list)) else [graphs]


def _soften_proposed(store: ox.Store, results: list, graph: Graph, graphs) -> list:
    """:func:`kgbuild.validate._soften_proposed` itself, on the triples of the violations' focus
    nodes: a violation on a fact that is only proposed is a warning "proposed, to review"."""
    from .validate import _soften_proposed as soften

    foci = sorted({r.focus for r in results if r.severity == "Violation"
                   and isinstance(r.focus, URIRef)}, key=str)
    local = Graph()
    for start in range(0, len(foci), 2000):
        values = " ".join(f"<{f}>" for f in foci[start:start + 2000])
        for triple in store.query(f"CONSTRUCT {{ ?f ?p ?o }} WHERE {{ VALUES ?f {{ {values} }} "
                                  f"?f ?p ?o }}", default_graph=graphs):
            local.add((from_oxigraph(triple.subject), from_oxigraph(triple.predicate),
                       from_oxigraph(triple.object)))
    return list(soften(tuple(results), graph, local))


def _node(term) -> str:
    if isinstance(term, BNode):
        raise ShapesError("a blank focus node cannot be checked again by its IRI",
                          hint="kgbuild graphs have no blank nodes: mint an IRI")
    return f"<{term}>"


def _result(check: Check, bound: dict) -> ValidationResult:
    focus = bound.get("this")
    value = bound.get("value")
    if value is None and check.value_is_focus:
        value = focus
    path = bound.get("path", check.path)
    message = _message(check, bound, focus, path, value)
    return ValidationResult(check.severity, focus, path, value, message, check.component,
                            check.shape)


def _message(check: Check, bound: dict, focus, path, value) -> str:
    templates = list(check.messages)
    if "message" in bound:
        templates = [bound["message"]]
    if not templates:
        return f"{_local(check.component).replace('ConstraintComponent', '')} constraint " \
               f"of {_local(check.shape)} not met"
    chosen = next((t for t in templates if getattr(t, "language", None) == "en"), None) or next(
        (t for t in templates if not getattr(t, "language", None)), None) or sorted(
        templates, key=str)[0]
    text = str(chosen)
    if check.component == SH.SPARQLConstraintComponent:
        values = {k: v for k, v in bound.items() if k not in ("this", "path", "value")}
        values.update({k: v for k, v in (("this", focus), ("path", path), ("value", value))
                       if v is not None})
        for name, term in values.items():
            text = re.sub("{[?$]" + re.escape(name) + "}", lambda _: str(term), text)
    return text


def _with_locations(store: ox.Store, results: list, graphs) -> list:
    """Each result with the claim lines of its focus node: what validate._evidence_locations
    finds in a graph of the rows below, read from dictionaries (the first value of a property,
    as ``Graph.value`` gives it there)."""
    from .validate import _location_key
    from .vocab import KG

    foci = sorted({r.focus for r in results if isinstance(r.focus, URIRef)})
    if not foci:
        return results
    first: dict[tuple, object] = {}  # (evidence, "file" / "line" / "id") -> its first value
    evidence_of: dict = {}  # node -> its kg:evidence
    owners: dict = {}  # budget -> the nodes whose kg:budget it is
    for start in range(0, len(foci), 2000):
        values = " ".join(f"<{f}>" for f in foci[start:start + 2000])
        query = f"""SELECT ?f ?o ?e ?file ?line ?id WHERE {{ VALUES ?f {{ {values} }}
              {{ ?f <{KG.evidence}> ?e }} UNION {{ ?f <{KG.claimFile}> ?_z BIND(?f AS ?e) }}
              UNION {{ ?o <{KG.budget}> ?f . ?o <{KG.evidence}> ?e }}
              ?e <{KG.claimFile}> ?file .
              OPTIONAL {{ ?e <{KG.claimLine}> ?line }} OPTIONAL {{ ?e <{KG.claimId}> ?id }} }}"""
        for row in store.query(query, default_graph=graphs):
            focus, owner, evidence = (from_oxigraph(row[n]) for n in ("f", "o", "e"))
            if owner is not None:
                owners.setdefault(focus, {})[owner] = None
                evidence_of.setdefault(owner, {})[evidence] = None
            elif evidence != focus:
                evidence_of.setdefault(focus, {})[evidence] = None
            for name in ("file", "line", "id"):
                if row[name] is not None and (evidence, name) not in first:
                    first[(evidence, name)] = from_oxigraph(row[name])

    def locations(focus) -> tuple[str, ...]:
        evidence = [focus] if (focus, "file") in first else list(evidence_of.get(focus, ()))
        if not evidence:
            claim_id = str(focus).rsplit("/", 1)[-1]
            for owner in owners.get(focus, ()):
                pieces = list(evidence_of.get(owner, ()))
                same_claim = [e for e in pieces if str(first.get((e, "id"))) == claim_id]
                evidence.extend(same_claim or pieces)
        found = []
        for piece in evidence:
            claim_file = first.get((piece, "file"))
            if claim_file is None:
                continue
            line = first.get((piece, "line"))
            found.append(f"{claim_file}:{line}" if line is not None else str(claim_file))
        return tuple(sorted(set(found), key=_location_key))

    known: dict = {}
    located = []
    for result in results:
        if result.focus not in known:
            known[result.focus] = locations(result.focus)
        located.append(ValidationResult(result.severity, result.focus, result.path,
                                        result.value, result.message, result.component,
                                        result.shape, known[result.focus]))
    return located


def results_graph(results: Iterable[ValidationResult], conforms: bool,
                  shapes: Graph | None = None) -> Graph:
    """The results in the W3C SHACL validation report vocabulary (as pyshacl writes them);
    a path that is not an IRI is copied from ``shapes`` so that the report can print it."""
    graph = Graph()
    copied = set()
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(conforms)))
    for result in results:
        node = BNode()
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.focusNode, result.focus))
        graph.add((node, SH.resultSeverity, SH[result.severity]))
        graph.add((node, SH.sourceConstraintComponent, result.component))
        graph.add((node, SH.sourceShape, result.shape))
        graph.add((node, SH.resultMessage, Literal(result.message)))
        if result.path is not None:
            graph.add((node, SH.resultPath, result.path))
            if isinstance(result.path, BNode) and shapes is not None and \
                    result.path not in copied:
                copied.add(result.path)
                todo = [result.path]
                while todo:
                    for triple in shapes.triples((todo.pop(), None, None)):
                        graph.add(triple)
                        if isinstance(triple[2], BNode):
                            todo.append(triple[2])
        if result.value is not None:
            graph.add((node, SH.value, result.value))
    return graph


__all__ = ["Check", "Screen", "compile_shapes", "find_results", "report_of", "results_graph",
           "validate_store"]
