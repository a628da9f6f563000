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

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

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
    # A property shape's constraints share one screening query (each focus node that breaks
    # any of them, one pass over the focus nodes and their values); ``template`` is ``query``
    # with FOCUS where the focus nodes go, run only for the nodes the screen found.
    screen: tuple[str, ...] | None = None
    template: str | None = None


FOCUS = "__FOCUS_NODES__"


@dataclass
class _Compiler:
    shapes: Graph
    subclasses: Callable[[URIRef], Iterable[URIRef]]
    counter: itertools.count = field(default_factory=itertools.count)

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
        for cls in [*graph.objects(shape, SH.targetClass), *implicit]:
            parts.append(f"{{ VALUES ?_class {{ {self.classes(cls)} }} ?this a ?_class }}")
        for predicate in graph.objects(shape, SH.targetSubjectsOf):
            parts.append(f"{{ ?this {self.term(predicate)} ?_any }}")
        for predicate in graph.objects(shape, SH.targetObjectsOf):
            parts.append(f"{{ ?_any {self.term(predicate)} ?this }}")
        for node in graph.objects(shape, SH.targetNode):
            parts.append(f"{{ VALUES ?this {{ {self.term(node)} }} }}")
        if not parts:
            return None
        return f"{{ SELECT DISTINCT ?this WHERE {{ {' UNION '.join(parts)} }} }}"

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
        shapes = sorted({s for p in TARGETS for s in graph.subjects(p, None)}
                        | {s for k in (RDFS.Class, OWL.Class) for s in graph.subjects(RDF.type, k)
                           if (s, RDF.type, SH.NodeShape) in graph}, key=str)
        for shape in shapes:
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
        return found

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
        templates: list[tuple[URIRef, str, bool]] = []  # component, query, screened
        # aggregate tests on ?_s, the values of one focus node: those a node with no value can
        # fail (lower bounds) need every focus node; the others only the nodes with values
        lower: list[str] = []
        upper: list[str] = []

        def add(component, query: str, screen: str | None = None, *, needs_all=False) -> None:
            templates.append((component, query, screen is not None))
            if screen is not None:
                (lower if needs_all else upper).append(screen)

        def flagged(test: str) -> str:
            return f"SUM(IF(BOUND(?_s) && ({test}), 1, 0)) > 0"

        for parameter, value in sorted(graph.predicate_objects(prop)):
            if parameter in NOT_CONSTRAINTS:
                continue
            if parameter == SH.minCount:
                if int(value) == 1:
                    add(_component(parameter), f"SELECT ?this WHERE {{ {FOCUS} "
                                               f"FILTER NOT EXISTS {{ ?this {path} ?_x }} }}",
                        "COUNT(DISTINCT ?_s) < 1", needs_all=True)
                elif int(value) > 1:
                    add(_component(parameter), self.count_query(FOCUS, path, "<", int(value)),
                        f"COUNT(DISTINCT ?_s) < {int(value)}", needs_all=True)
            elif parameter == SH.maxCount:
                add(_component(parameter), self.count_query(FOCUS, path, ">", int(value)),
                    f"COUNT(DISTINCT ?_s) > {int(value)}")
            elif parameter in VALUE_PARAMETERS:
                test = self.condition(parameter, value, "?value", prop)
                add(_component(parameter), f"SELECT DISTINCT ?this ?value WHERE {{ {FOCUS} "
                                           f"?this {path} ?value FILTER(!({test})) }}",
                    flagged(f"!({self.condition(parameter, value, '?_s', prop)})"))
            elif parameter == SH.hasValue:
                add(_component(parameter), f"SELECT ?this WHERE {{ {FOCUS} FILTER NOT EXISTS "
                                           f"{{ ?this {path} {self.term(value)} }} }}",
                    f"SUM(IF(BOUND(?_s) && sameTerm(?_s, {self.term(value)}), 1, 0)) = 0",
                    needs_all=True)
            elif parameter == SH.uniqueLang:
                if value.toPython() is True:
                    add(_component(parameter),
                        f"SELECT ?this WHERE {{ {FOCUS} ?this {path} ?_v "
                        f"FILTER(isLiteral(?_v) && LANG(?_v) != \"\") }} "
                        f"GROUP BY ?this (LCASE(LANG(?_v))) HAVING (COUNT(DISTINCT ?_v) > 1)")
            elif parameter in PAIRS:
                other, sign = self.term(value), PAIRS[parameter]
                add(_component(parameter),
                    f"SELECT DISTINCT ?this ?value ?_other WHERE {{ {FOCUS} ?this {path} ?value . "
                    f"?this {other} ?_other "
                    f"FILTER(!COALESCE(?value {sign} ?_other, false)) }}",
                    flagged(f"EXISTS {{ ?this {other} ?_o "
                            f"FILTER(!COALESCE(?_s {sign} ?_o, false)) }}"))
            elif parameter == SH.equals:
                other = self.term(value)
                add(_component(parameter),
                    f"SELECT DISTINCT ?this ?value WHERE {{ {FOCUS} "
                    f"{{ ?this {path} ?value FILTER NOT EXISTS {{ ?this {other} ?value }} }} UNION "
                    f"{{ ?this {other} ?value FILTER NOT EXISTS {{ ?this {path} ?value }} }} }}",
                    f"({flagged(f'NOT EXISTS {{ ?this {other} ?_s }}')} || SUM(IF(EXISTS "
                    f"{{ ?this {other} ?_o FILTER NOT EXISTS {{ ?this {path} ?_o }} }}, 1, 0)) > 0)",
                    needs_all=True)
            elif parameter == SH.disjoint:
                other = self.term(value)
                add(_component(parameter), f"SELECT DISTINCT ?this ?value WHERE {{ {FOCUS} "
                                           f"?this {path} ?value . ?this {other} ?value }}",
                    flagged(f"EXISTS {{ ?this {other} ?_s }}"))
            elif parameter == SH.qualifiedValueShape:
                if (prop, SH.qualifiedValueShapesDisjoint, Literal(True)) in graph:
                    raise ShapesError("sh:qualifiedValueShapesDisjoint is not supported")
                test = self.conforms(value, "?_q")
                screened = self.conforms(value, "?_s")
                for bound, sign, component in (
                        (SH.qualifiedMinCount, "<", SH.QualifiedMinCountConstraintComponent),
                        (SH.qualifiedMaxCount, ">", SH.QualifiedMaxCountConstraintComponent)):
                    limit = graph.value(prop, bound)
                    if limit is not None:
                        add(component, f"SELECT ?this WHERE {{ {FOCUS} OPTIONAL {{ ?this {path} "
                                       f"?_q FILTER({test}) }} }} GROUP BY ?this "
                                       f"HAVING (COUNT(DISTINCT ?_q) {sign} {int(limit)})",
                            f"COUNT(DISTINCT IF(BOUND(?_s) && {screened}, ?_s, ?_none)) "
                            f"{sign} {int(limit)}", needs_all=True)
            elif parameter == SH.sparql:
                raise ShapesError(f"sh:sparql on property shape {_local(prop)} is not supported",
                                  hint="put the SPARQL constraint on a node shape")
            else:
                raise ShapesError(f"sh:{_local(parameter)} of shape {_local(prop)} is not "
                                  "supported by kgbuild's SPARQL validation",
                                  hint="validate with pyshacl (backend 'memory')")
        screen = []
        if lower == ["COUNT(DISTINCT ?_s) < 1"]:
            screen.append(f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS "
                          f"{{ ?this {path} ?_s }} }}")
        elif lower:
            screen.append(f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ ?this {path} ?_s }} }} "
                          f"GROUP BY ?this HAVING ({' || '.join(lower)})")
        if upper:  # from the values up: the focus is checked for the few nodes flagged
            screen.append(f"SELECT ?this WHERE {{ {{ SELECT ?this WHERE {{ ?this {path} ?_s }} "
                          f"GROUP BY ?this HAVING ({' || '.join(upper)}) }} "
                          f"FILTER EXISTS {{ {_focus_patterns(focus)} }} }}")
        screen = tuple(screen) or None
        return [Check(prop, component, severity, path_node, query.replace(FOCUS, focus),
                      messages, screen=screen if screened else None,
                      template=query if screened else None)
                for component, query, screened in templates]

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


def _focus_patterns(focus: str) -> str:
    """The target patterns inside :meth:`_Compiler.focus`'s sub-select."""
    head, tail = "{ SELECT DISTINCT ?this WHERE { ", " } }"
    assert focus.startswith(head) and focus.endswith(tail)
    return focus[len(head):-len(tail)]


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
    violations on facts only proposed softened to warnings, as there)."""
    shapes_graph = load_shapes(shapes) if not isinstance(shapes, Graph) else shapes
    graphs = list(graphs) if isinstance(graphs, (tuple, list)) else [graphs]

    def subclasses(cls) -> list:
        rows = store.query(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>+ <{cls}> }}",
                           default_graph=graphs)
        return [from_oxigraph(row["c"]) for row in rows]

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

    checks = _Compiler(shapes_graph, subclasses).checks()
    screens = {}  # screening query -> a check that uses it
    for check in checks:
        for screen in check.screen or ():
            screens.setdefault(screen, check)
    jobs: list[tuple[Check, str]] = [(c, c.query) for c in checks if c.screen is None]
    jobs += [(check, screen) for screen, check in screens.items()]
    found = dict(zip(jobs, _in_threads(lambda job: rows(*job), jobs, threads)))
    flagged = {check.screen: sorted({r["this"] for screen in check.screen
                                     for r in found[(screens[screen], screen)]}, key=str)
               for check in checks if check.screen}
    precise = []  # the screened checks, for the focus nodes their screen flagged
    for check in checks:
        nodes = flagged.get(check.screen, [])
        for start in range(0, len(nodes), 5000):
            values = " ".join(_node(n) for n in nodes[start:start + 5000])
            precise.append((check, check.template.replace(FOCUS, f"VALUES ?this {{ {values} }}")))
    found.update(zip(precise, _in_threads(lambda job: rows(*job), precise, threads)))
    results = [_result(check, bound) for job in jobs[:len(jobs) - len(screens)] + precise
               for check in (job[0],) for bound in found[job]]
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
    """Each result with the claim lines of its focus node (as validate._evidence_locations)."""
    from .validate import _evidence_locations, _location_key
    from .vocab import KG

    foci = sorted({r.focus for r in results if isinstance(r.focus, URIRef)})
    if not foci:
        return results
    local = Graph()
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
                local.add((owner, KG.budget, focus))
                local.add((owner, KG.evidence, evidence))
            elif evidence != focus:
                local.add((focus, KG.evidence, evidence))
            for name, predicate in (("file", KG.claimFile), ("line", KG.claimLine),
                                    ("id", KG.claimId)):
                if row[name] is not None:
                    local.add((evidence, predicate, from_oxigraph(row[name])))
    located = []
    for result in results:
        found = _evidence_locations(result.focus, local)
        locations = tuple(sorted(set(found), key=_location_key))
        located.append(ValidationResult(result.severity, result.focus, result.path,
                                        result.value, result.message, result.component,
                                        result.shape, locations))
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


__all__ = ["Check", "compile_shapes", "results_graph", "validate_store"]
