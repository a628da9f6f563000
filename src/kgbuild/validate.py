"""SHACL validation: the shapes of ``ontology/shapes.ttl`` run by pyshacl, as a report object.

* :func:`load_shapes` reads a shapes graph and :func:`check_shapes` refuses a broken one (a term
  SHACL does not define, such as a misspelt ``sh:minCont``; a target class the ontology does not
  declare): that raises :class:`kgbuild.errors.ShapesError`.
* :func:`validate` runs pyshacl and returns a :class:`ValidationReport`. Data that does not
  conform is an outcome, not an error: ``report.conforms`` is false.

``conforms`` is true when no result has severity ``sh:Violation``. ``sh:Warning`` results (an
unknown start date, left unknown rather than invented) and ``sh:Info`` results are reported but
do not break conformance.

pyshacl runs without inference (``inference="none"``): the caller passes the union of the
asserted and inferred triples (see :mod:`kgbuild.reason`). SPARQL-based constraints are on
(``advanced=True``).
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import BNode, ConjunctiveGraph, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.plugins.sparql import prepareQuery

from .config import SHAPES_FILE
from .errors import ShapesError
from .rdfio import parse_rdf
from .vocab import KG, PREFIXES, bind_prefixes

KGSH = Namespace("https://w3id.org/kgbuild/shapes#")

# Namespaces whose classes the shapes may name when no ontology graph is given (docs/model.md).
MODEL_NAMESPACES = tuple(str(PREFIXES[p]) for p in ("kg", "org", "prov", "schema", "skos",
                                                     "dcterms"))
SEVERITIES = ("Violation", "Warning", "Info")
_REPORT_PREFIXES = {**{p: str(ns) for p, ns in PREFIXES.items()}, "kgsh": str(KGSH)}


# -- shapes ------------------------------------------------------------------------------------

def load_shapes(path: Graph | str | Path | None = None, *,
                ontology: Graph | str | Path | None = None) -> Graph:
    """Read a shapes graph (default: kgbuild's ``ontology/shapes.ttl``) and check it.

    ``path`` may also be a Turtle string or a Graph (returned as is once checked). ``ontology``,
    when given, is the graph (or file) every ``sh:targetClass`` and ``sh:class`` must be declared
    in; see :func:`check_shapes`.
    """
    source = SHAPES_FILE if path is None else path
    graph = source if isinstance(source, Graph) else _parse(source)
    ontology_graph = None
    if ontology is not None:
        ontology_graph = ontology if isinstance(ontology, Graph) else _parse(ontology)
    check_shapes(graph, ontology_graph)
    return graph


def check_shapes(graph: Graph, ontology_graph: Graph | None = None) -> None:
    """Raise :class:`ShapesError` when ``graph`` is not a shapes graph kgbuild can trust.

    Refused: an IRI in the ``sh:`` namespace that SHACL does not define (pyshacl would silently
    ignore ``sh:minCont``, and the constraint with it); a ``sh:targetClass`` or ``sh:class``
    that is not declared as an ``owl:Class`` or ``rdfs:Class`` in ``ontology_graph``, or, when no
    ontology graph is given, that is outside the namespaces of docs/model.md.
    """
    problems: list[str] = []
    sh_terms = {
        term for triple in graph for term in triple
        if isinstance(term, URIRef) and str(term).startswith(str(SH))
    }
    for term in sorted(sh_terms):
        if term not in SH:
            name = str(term)[len(str(SH)):]
            close = difflib.get_close_matches(name, _shacl_names(), n=1)
            hint = f" (did you mean sh:{close[0]}?)" if close else ""
            problems.append(f"sh:{name} is not a SHACL term{hint}")
    for predicate in (SH.targetClass, SH["class"]):
        for shape, cls in sorted(graph.subject_objects(predicate)):
            if not _is_declared_class(cls, ontology_graph):
                where = ("declared as an owl:Class or rdfs:Class in the ontology"
                         if ontology_graph is not None else "in a namespace of docs/model.md")
                problems.append(f"{_curie(predicate)} {_curie(cls)} of shape {_curie(shape)} "
                                f"is not {where}")
    if problems:
        raise ShapesError(
            "the shapes graph is broken: " + "; ".join(problems),
            hint="fix the shapes file (SHACL terms: https://www.w3.org/TR/shacl/), or declare "
                 "the class in ontology/kgbuild.ttl")


def _shacl_names() -> list[str]:
    return list(SH.__annotations__)


def _is_declared_class(cls, ontology_graph: Graph | None) -> bool:
    if not isinstance(cls, URIRef):
        return False
    if ontology_graph is None:
        return str(cls).startswith(MODEL_NAMESPACES)
    return any((cls, RDF.type, kind) in ontology_graph for kind in (OWL.Class, RDFS.Class))


# -- validation --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result: which node breaks which shape, and the claim lines it came from.

    ``severity`` is ``"Violation"``, ``"Warning"`` or ``"Info"``; ``focus``, ``path``,
    ``value``, ``component`` and ``shape`` are rdflib terms (``path`` and ``value`` may be
    None); ``locations`` are ``"file:line"`` strings, sorted.
    """

    severity: str
    focus: URIRef | BNode | Literal
    path: URIRef | BNode | None
    value: URIRef | BNode | Literal | None
    message: str
    component: URIRef
    shape: URIRef | BNode
    locations: tuple[str, ...] = ()

    def sort_key(self) -> tuple:
        """Violations first, then by focus node, path, shape, component, value and message."""
        return (SEVERITIES.index(self.severity) if self.severity in SEVERITIES else 9,
                _stable(self.focus), _stable(self.path), _stable(self.shape),
                _stable(self.component), _stable(self.value), self.message)

    def to_dict(self) -> dict:
        return {
            "severity": self.severity,
            "focus": _stable(self.focus),
            "path": None if self.path is None else _stable(self.path),
            "value": _json_term(self.value),
            "message": self.message,
            "component": str(self.component),
            "shape": _stable(self.shape),
            "locations": list(self.locations),
        }


@dataclass(frozen=True)
class ValidationReport:
    """What validating a graph gave: ``conforms`` (no sh:Violation), the results, pyshacl's graph.

    Warnings and infos do not break conformance.
    """

    conforms: bool
    results: tuple[ValidationResult, ...]
    graph: Graph = field(compare=False, repr=False)

    @property
    def violations(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity == "Warning")

    def summary(self) -> str:
        counts = [f"{len(self.violations)} violation{'s' * (len(self.violations) != 1)}",
                  f"{len(self.warnings)} warning{'s' * (len(self.warnings) != 1)}"]
        infos = len(self.results) - len(self.violations) - len(self.warnings)
        if infos:
            counts.append(f"{infos} info{'s' * (infos != 1)}")
        verdict = "conforms" if self.conforms else "does not conform"
        return f"{verdict} ({', '.join(counts)})"

    def text(self, limit: int | None = None) -> str:
        """The report for people: a summary line, then one block per result (the first
        ``limit`` ones, and how many more there are)."""
        lines = [f"Validation: {self.summary()}"]
        shown = self.results if limit is None else self.results[:limit]
        for result in shown:
            lines.append("")
            lines.append(f"{result.severity}: {_curie(result.focus)}")
            if result.path is not None:
                lines.append(f"  path:       {_path_text(result.path, self.graph)}")
            lines.append(f"  constraint: {_curie(result.component)} "
                         f"(shape {_curie(result.shape)})")
            lines.append(f"  message:    {result.message}")
            if result.value is not None and result.value != result.focus:
                lines.append(f"  value:      {_curie(result.value)}")
            where = ", ".join(result.locations) if result.locations else "unknown"
            lines.append(f"  claims:     {where}")
        if len(shown) < len(self.results):
            more = len(self.results) - len(shown)
            lines += ["", f"… and {more:,} more result{'s' if more != 1 else ''}"]
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """The report as JSON: ``conforms``, counts and the results (full IRIs)."""
        document = {
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [result.to_dict() for result in self.results],
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    def to_turtle(self) -> str:
        """pyshacl's results graph (the W3C SHACL validation report vocabulary) in Turtle.

        The results are blank nodes, labelled by a digest of what each says
        (:func:`_stable_blank_nodes`), and subjects come in sorted order: the same report is
        written with the same bytes by every run (and fast: rdflib's pretty serializer took
        seconds for a few thousand results)."""
        return _report_turtle(_stable_blank_nodes(self.graph))


def _report_turtle(graph: Graph) -> str:
    """``graph`` in Turtle, a block per subject in sorted order, blank nodes by their labels."""
    from .rdfio import _escape_iri, _literal_text, prefixed_name

    used: set[str] = set()

    def text(term) -> str:
        if isinstance(term, BNode):
            return f"_:{term}"
        if isinstance(term, Literal):
            if term.datatype is None or term.datatype in (XSD.string, XSD.integer):
                return _literal_text(term)
            return _literal_text(Literal(str(term))) + "^^" + text(term.datatype)
        name = prefixed_name(str(term), _REPORT_PREFIXES)
        if name is None:
            return f"<{_escape_iri(str(term))}>"
        used.add(name[0])
        return f"{name[0]}:{name[1]}"

    blocks = []
    for subject in sorted(set(graph.subjects()), key=lambda t: (isinstance(t, BNode), text(t))):
        lines = []
        for predicate in sorted(set(graph.predicates(subject)),
                                key=lambda t: (t != RDF.type, text(t))):
            objects = sorted(text(o) for o in graph.objects(subject, predicate))
            verb = "a" if predicate == RDF.type else text(predicate)
            lines.append(f"    {verb} " + ",\n        ".join(objects))
        blocks.append(f"{text(subject)}\n" + " ;\n".join(lines) + " .\n")
    head = "".join(f"@prefix {p}: <{_REPORT_PREFIXES[p]}> .\n" for p in sorted(used))
    return head + "\n" + "\n".join(blocks)


def _stable_blank_nodes(graph: Graph) -> Graph:
    """A copy of ``graph`` whose blank nodes are labelled by a digest of their triples (blank
    objects by their own digests): labels, hence rdflib's Turtle, no longer depend on the run.
    Blank nodes that say the same thing get the same digest and a running number."""
    import hashlib

    digests: dict = {}

    def digest(node, path=()) -> str:
        if node not in digests:
            if node in path:  # a cycle of blank nodes: cut it (reports have none)
                return "cycle"
            inner = path + (node,)
            lines = sorted(f"{p.n3()} {digest(o, inner) if isinstance(o, BNode) else o.n3()}"
                           for p, o in graph.predicate_objects(node))
            digests[node] = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:20]
        return digests[node]

    nodes = {n for triple in graph for n in (triple[0], triple[2]) if isinstance(n, BNode)}
    labels, seen = {}, {}
    for node in sorted(nodes, key=digest):
        number = seen[digest(node)] = seen.get(digest(node), 0) + 1
        labels[node] = BNode(f"b{digest(node)}n{number}")
    copy = Graph()
    for s, p, o in graph:
        copy.add((labels.get(s, s), p, labels.get(o, o)))
    return copy


Origins = Mapping[tuple, Iterable[str]]


def validate(data: Graph | str | Path, shapes: Graph | str | Path | None = None, *,
             ontology: Graph | str | Path | None = None, origins: Origins | None = None,
             allow_any_format: bool = False, soften_proposed: bool = True) -> ValidationReport:
    """Validate ``data`` (a Graph, a Turtle or N-Triples file, or a Turtle string).

    ``shapes`` defaults to kgbuild's ``ontology/shapes.ttl`` (see :func:`load_shapes`);
    ``ontology`` is the graph the shapes' classes must be declared in. ``origins`` maps
    ``(focus node, path predicate)`` (or ``(focus node, None)``) to ``"file:line"`` strings;
    without an entry, a result's locations are read from the data: the focus node's
    ``kg:evidence`` (or the node itself when it is evidence) with ``kg:claimFile`` and
    ``kg:claimLine``. ``data`` is not modified.

    Raises :class:`kgbuild.errors.RdfSyntaxError` for data that does not parse or a refused
    format (anything but Turtle and N-Triples unless ``allow_any_format``), and
    :class:`kgbuild.errors.ShapesError` for a broken shapes graph.

    With ``soften_proposed`` (the default), a violation whose focus node is only *proposed*
    (``kg:reviewStatus kg:Proposed`` and no ``kg:Reviewed``: facts an extractor drafted) is
    reported as a warning marked "proposed, to review": drafts may contradict each other, and
    resolving that is the reviewer's work. Reviewed facts keep their violations.
    """
    data_graph = _parse(data, allow_any_format=allow_any_format)
    shapes_graph = load_shapes(shapes, ontology=ontology)
    # Without SHACL rules nothing writes to the data graph, so pyshacl need not copy it (its
    # advanced mode copies by default, for rules); a view with prepared SPARQL queries then
    # saves parsing each constraint's query once per focus node (~0.1 s each).
    fast = (None, SH.rule, None) not in shapes_graph and not isinstance(data_graph,
                                                                         ConjunctiveGraph)
    target = _PreparedQueryGraph(data_graph) if fast else data_graph
    try:
        with _quiet_ill_typed_literals():
            _, results_graph, _ = pyshacl.validate(
                target, shacl_graph=shapes_graph, inference="none", advanced=True,
                allow_warnings=True, abort_on_first=False, meta_shacl=False, inplace=fast)
    except ReportableRuntimeError as exc:
        raise ShapesError(f"pyshacl cannot run the shapes: {exc.message}",
                          hint="check the shapes file against https://www.w3.org/TR/shacl/"
                          ) from None
    results = tuple(sorted(
        (_result(results_graph, node, data_graph, shapes_graph, origins)
         for report in results_graph.subjects(RDF.type, SH.ValidationReport)
         for node in results_graph.objects(report, SH.result)),
        key=ValidationResult.sort_key))
    if soften_proposed:
        results = _soften_proposed(results, results_graph, data_graph)
    conforms = not any(r.severity == "Violation" for r in results)
    for report in results_graph.subjects(RDF.type, SH.ValidationReport):
        results_graph.set((report, SH.conforms, Literal(conforms)))
    return ValidationReport(conforms, results, results_graph)


PROPOSED_NOTE = "[proposed, to review] "


def _only_proposed(node, data: Graph) -> bool:
    """A drafted fact (not its evidence, whose shape is the mapping's work, not the draft's)."""
    return ((node, KG.reviewStatus, KG.Proposed) in data
            and (node, KG.reviewStatus, KG.Reviewed) not in data
            and (node, RDF.type, KG.Evidence) not in data)


def _soften_proposed(results, results_graph: Graph, data: Graph):
    """Violations on facts that are only proposed become warnings (see :func:`validate`)."""
    softened = []
    for result in results:
        if result.severity == "Violation" and _only_proposed(result.focus, data):
            result = dataclasses.replace(result, severity="Warning",
                                         message=PROPOSED_NOTE + result.message)
        softened.append(result)
    for node in list(results_graph.subjects(SH.resultSeverity, SH.Violation)):
        if _only_proposed(results_graph.value(node, SH.focusNode), data):
            results_graph.set((node, SH.resultSeverity, SH.Warning))
    return tuple(sorted(softened, key=ValidationResult.sort_key))


ENGINES = ("auto", "pyshacl", "sparql")
SPARQL_FROM_BYTES = 2_000_000  # "auto": above this much RDF (about 1,000 mandates), SPARQL


def validate_files(files: Iterable[str | Path], shapes: Graph | str | Path | None = None, *,
                   ontology: Graph | str | Path | None = None,
                   allow_any_format: bool = False, engine: str = "pyshacl") -> ValidationReport:
    """Validate the merge of several RDF files (e.g. ``kg.ttl`` and ``kg-inferred.ttl``).

    ``engine``: ``"pyshacl"`` (the reference), ``"sparql"`` (the shapes compiled to SPARQL and
    run by Oxigraph, :mod:`kgbuild.shaclsparql`: the same results, tested, in seconds where
    pyshacl takes hours at 10,000 mandates; Turtle and N-Triples only), or ``"auto"``: SPARQL
    for files over :data:`SPARQL_FROM_BYTES` in those formats.
    """
    files = [Path(path) for path in files]
    if engine not in ENGINES:
        raise ValueError(f"engine {engine!r} is not valid: it must be in {ENGINES}")
    if engine == "auto":
        readable = all(path.suffix.lower() in (".ttl", ".nt") for path in files)
        size = sum(path.stat().st_size for path in files if path.is_file())
        engine = "sparql" if readable and size > SPARQL_FROM_BYTES else "pyshacl"
    if engine == "sparql":
        from .shaclsparql import validate_store
        from .store import DEFAULT, load_files

        return validate_store(load_files(files), load_shapes(shapes, ontology=ontology),
                              graphs=(DEFAULT,))
    merged = bind_prefixes(Graph())
    for path in files:
        for triple in _parse(Path(path), allow_any_format=allow_any_format):
            merged.add(triple)
    return validate(merged, shapes, ontology=ontology)


# -- reading results ---------------------------------------------------------------------------

def _result(graph: Graph, node, data: Graph, shapes: Graph,
            origins: Origins | None) -> ValidationResult:
    severity = graph.value(node, SH.resultSeverity)
    focus = graph.value(node, SH.focusNode)
    path = graph.value(node, SH.resultPath)
    return ValidationResult(
        severity=str(severity)[len(str(SH)):] if severity is not None else "Violation",
        focus=focus,
        path=path,
        value=graph.value(node, SH.value),
        message=_message(graph, node, shapes),
        component=graph.value(node, SH.sourceConstraintComponent),
        shape=graph.value(node, SH.sourceShape),
        locations=_locations(focus, path, data, origins),
    )


def _message(graph: Graph, node, shapes: Graph) -> str:
    """The English message of a result (else an untagged one, else the first in sorted order).

    pyshacl drops the language tag of the messages it fills in for SPARQL constraints
    ("{?value}"); the English one is then the one that matches the English template.
    """
    messages = sorted(graph.objects(node, SH.resultMessage), key=str)
    for message in messages:
        if getattr(message, "language", None) == "en":
            return str(message)
    untagged = [m for m in messages if not getattr(m, "language", None)]
    if len(untagged) > 1:
        for owner in (graph.value(node, SH.sourceConstraint), graph.value(node, SH.sourceShape)):
            templates = [t for t in shapes.objects(owner, SH.message)
                         if getattr(t, "language", None) == "en"] if owner is not None else []
            for template in templates:
                pattern = re.sub(r"\\\{\\[?$]\w+\\\}", ".*", re.escape(str(template)))
                for message in untagged:
                    if re.fullmatch(pattern, str(message), flags=re.DOTALL):
                        return str(message)
    chosen = untagged or messages
    return str(chosen[0]) if chosen else ""


def _locations(focus, path, data: Graph, origins: Origins | None) -> tuple[str, ...]:
    found: list[str] = []
    if origins:
        for key in ((focus, path), (focus, None)):
            if key in origins and origins[key]:
                found = list(origins[key])
                break
    if not found:
        found = _evidence_locations(focus, data)
    return tuple(sorted(set(found), key=_location_key))


def _evidence_locations(focus, data: Graph) -> list[str]:
    """file:line of the claims behind ``focus``: its evidence, or itself when it is evidence.

    A budget (``kg:budget`` object) has no evidence of its own: the evidence of its programme
    for the same claim (``kgid:budget/{claim-id}`` ~ ``kg:claimId``) is used, else all of it.
    """
    evidence = [focus] if (focus, KG.claimFile, None) in data else list(
        data.objects(focus, KG.evidence))
    if not evidence:
        claim_id = str(focus).rsplit("/", 1)[-1]
        for owner in data.subjects(KG.budget, focus):
            pieces = list(data.objects(owner, KG.evidence))
            same_claim = [e for e in pieces if str(data.value(e, KG.claimId)) == claim_id]
            evidence.extend(same_claim or pieces)
    found = []
    for piece in evidence:
        claim_file = data.value(piece, KG.claimFile)
        if claim_file is None:
            continue
        line = data.value(piece, KG.claimLine)
        found.append(f"{claim_file}:{line}" if line is not None else str(claim_file))
    return found


def _location_key(location: str) -> tuple:
    file, _, line = location.rpartition(":")
    if line.isdigit():
        return (file, int(line))
    return (location, 0)


# -- rendering ---------------------------------------------------------------------------------

def _curie(term) -> str:
    """A term for people: prefixed IRIs (``kgid:mandate/x``), Turtle-like literals."""
    if term is None:
        return ""
    if isinstance(term, Literal):
        text = '"' + str(term).replace("\\", "\\\\").replace('"', '\\"') + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{text}^^{_curie(term.datatype)}"
        return text
    if isinstance(term, BNode):
        return "[]"
    iri = str(term)
    best = max(((p, ns) for p, ns in _REPORT_PREFIXES.items() if iri.startswith(ns)),
               key=lambda item: len(item[1]), default=None)
    if best and len(iri) > len(best[1]):
        return f"{best[0]}:{iri[len(best[1]):]}"
    return f"<{iri}>"


def _path_text(path, graph: Graph) -> str:
    """A SHACL property path in SPARQL syntax (``^p``, ``a/b``, ``a|b``, ``p*``)."""
    if not isinstance(path, BNode):
        return _curie(path)
    if (path, RDF.first, None) in graph:
        return "/".join(_path_text(p, graph) for p in Collection(graph, path))
    for predicate, template in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "({})*"),
                                (SH.oneOrMorePath, "({})+"), (SH.zeroOrOnePath, "({})?")):
        inner = graph.value(path, predicate)
        if inner is not None:
            return template.format(_path_text(inner, graph))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path_text(p, graph) for p in Collection(graph, alternatives)) + ")"
    return "[]"


def _stable(term) -> str:
    """A string for sorting and JSON that does not depend on blank-node ids."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return "_:"
    return str(term)


def _json_term(term) -> dict | None:
    """A term in the SPARQL 1.1 JSON results form."""
    if term is None:
        return None
    if isinstance(term, Literal):
        encoded = {"type": "literal", "value": str(term)}
        if term.language:
            encoded["xml:lang"] = term.language
        elif term.datatype is not None:
            encoded["datatype"] = str(term.datatype)
        return encoded
    if isinstance(term, BNode):
        return {"type": "bnode", "value": "_:"}
    return {"type": "uri", "value": str(term)}


class _PreparedQueryGraph(Graph):
    """A read view of a graph (same store) whose SPARQL query strings are parsed once."""

    def __init__(self, graph: Graph):
        super().__init__(store=graph.store, identifier=graph.identifier,
                         namespace_manager=graph.namespace_manager)

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            query_object = _prepared(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=256)
def _prepared(text: str):
    try:
        return prepareQuery(text)
    except Exception as exc:  # pyparsing's ParseException, rdflib's errors: one message
        raise ShapesError(f"a SPARQL constraint of the shapes does not parse: {exc}",
                          hint="check its sh:select against https://www.w3.org/TR/sparql11-query/"
                          ) from None


# -- parsing -----------------------------------------------------------------------------------

def _parse(source, *, allow_any_format: bool = False) -> Graph:
    if isinstance(source, Graph):
        return source
    with _quiet_ill_typed_literals():
        return parse_rdf(source, allow_any_format=allow_any_format)


def _not_ill_typed_literal_record(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("Failed to convert Literal lexical form")


@contextmanager
def _quiet_ill_typed_literals() -> Iterator[None]:
    """Silence rdflib's traceback for ill-typed literals ("2019-02-30"^^xsd:date).

    The shapes report them (sh:datatype fails on an ill-typed literal); rdflib's log record,
    with a traceback, would only be noise on the console.
    """
    logger = logging.getLogger("rdflib.term")
    logger.addFilter(_not_ill_typed_literal_record)
    try:
        yield
    finally:
        logger.removeFilter(_not_ill_typed_literal_record)


__all__ = ["KGSH", "SHAPES_FILE", "ValidationReport", "ValidationResult", "check_shapes",
           "load_shapes", "validate", "validate_files"]
