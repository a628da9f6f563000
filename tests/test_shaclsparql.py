"""SHACL as SPARQL on Oxigraph reports what pyshacl reports, on every case of test_shapes.py and
on a synthetic graph with known faults."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import XSD

from kgbuild import load_corpus, map_corpus
from kgbuild.errors import ShapesError
from kgbuild.reason import infer
from kgbuild.rules import infer_store
from kgbuild import shaclsparql
from kgbuild.shaclsparql import compile_shapes, validate_store
from kgbuild.store import DEFAULT, StoreWriter, load_graph
from kgbuild.synthetic import generate
from kgbuild.validate import _path_text, load_shapes, validate

from .test_shapes import CASES, MIN_SHAPES, PREFIXES


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


def _value(term):
    """Oxigraph keeps typed literals by value ("0.0"^^xsd:decimal comes back as "0"): compare
    decimals by value, everything else by its text."""
    if isinstance(term, Literal) and term.datatype == XSD.decimal:
        try:
            return ("decimal", Decimal(str(term)).normalize())
        except ArithmeticError:
            pass
    return ("term", str(term), getattr(term, "datatype", None), getattr(term, "language", None))


def _results(report) -> list[tuple]:
    return sorted((r.severity, str(r.focus), _path_text(r.path, report.graph), _value(r.value),
                   str(r.component), str(r.shape), r.message, r.locations)
                  for r in report.results)


@pytest.mark.parametrize("few", [True, False], ids=["from-few-nodes", "from-all-values"])
@pytest.mark.parametrize("case", CASES)
def test_every_shape_case_gives_pyshacl_results(case, shapes, few, monkeypatch):
    """Both ways of screening: a test graph has few nodes, so the screens start from them; with
    no probe limit they start from all the values, as on a large graph."""
    if not few:
        monkeypatch.setattr(shaclsparql, "PROBE_LIMIT", 0)
    graph = Graph().parse(data=case.values[0].data if hasattr(case, "values") else case.data,
                          format="turtle")
    expected = _pyshacl(case, graph, shapes)
    found = validate_store(load_graph(graph), shapes, graphs=[DEFAULT])
    assert _results(found) == _results(expected)
    assert found.conforms == expected.conforms


_EXPECTED: dict[int, tuple] = {}


def _pyshacl(case, graph: Graph, shapes):
    """pyshacl's report on the case's graph, once per case."""
    if id(case) not in _EXPECTED:
        _EXPECTED[id(case)] = (case, validate(graph, shapes))
    return _EXPECTED[id(case)][1]


def test_a_synthetic_graph_with_known_faults_gives_pyshacl_results(tmp_path, shapes,
                                                                   monkeypatch):
    generate(tmp_path / "data", 150, seed=2, faults=6)
    corpus = load_corpus(tmp_path / "data")
    asserted = map_corpus(corpus, track_origins=False).graph
    union = Graph()
    for triple in (*asserted, *infer(asserted)):
        union.add(triple)
    expected = validate(union, shapes)
    store = __import__("pyoxigraph").Store()
    writer = StoreWriter(store)
    map_corpus(corpus, writer, track_origins=False)
    writer.flush()
    infer_store(store)
    found = validate_store(store, shapes)
    components = {str(r.component).rsplit("#", 1)[1] for r in found.violations}
    assert {"MaxCountConstraintComponent", "SPARQLConstraintComponent"} <= components
    assert _results(found) == _results(expected)
    monkeypatch.setattr(shaclsparql, "PROBE_LIMIT", 0)  # the screens of a large graph
    assert _results(validate_store(store, shapes)) == _results(expected)


def test_the_report_reads_like_pyshacl_s(shapes):
    data = Graph().parse(data=CASES[2].values[0].data, format="turtle")
    report = validate_store(load_graph(data), shapes, graphs=[DEFAULT])
    assert "Violation: mandate:m" in report.text().replace("kgid:mandate/m", "mandate:m")
    assert '"conforms": false' in report.to_json()
    assert Graph().parse(data=report.to_turtle(), format="turtle")


def test_every_shape_of_the_shapes_file_compiles(shapes):
    checks = compile_shapes(shapes)
    compiled = {str(c.shape) for c in checks}
    assert {"https://w3id.org/kgbuild/shapes#MandateOverlap",
            "https://w3id.org/kgbuild/shapes#Labelled-prefLabelFr",
            "https://w3id.org/kgbuild/shapes#MonetaryAmount"} <= compiled
    assert all(c.query.lstrip().startswith(("SELECT", "PREFIX")) for c in checks)


@pytest.mark.parametrize("constraint", ["sh:closed true", "sh:ignoredProperties ( kg:post )"])
def test_a_constraint_it_cannot_translate_is_refused(constraint):
    text = MIN_SHAPES.format(target="kg:Mandate", constraint="sh:minCount 1").replace(
        "sh:property kgsh:X-p .", f"sh:property kgsh:X-p ; {constraint} .")
    with pytest.raises(ShapesError, match="not supported"):
        compile_shapes(load_shapes(text))


def test_a_property_shape_with_a_complex_path_and_counts(shapes):
    shapes_text = PREFIXES + """
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix kgsh: <https://w3id.org/kgbuild/shapes#> .
        kgsh:P a sh:NodeShape ; sh:targetClass org:Post ; sh:property kgsh:P-held .
        kgsh:P-held a sh:PropertyShape ; sh:path ( [ sh:inversePath kg:post ] kg:holder ) ;
            sh:minCount 2 ; sh:maxCount 2 ; sh:class schema:Person ;
            sh:message "Two holders, persons."@en .
    """
    data = Graph().parse(data=PREFIXES + """
        post:p a org:Post . post:q a org:Post .
        mandate:a kg:post post:p ; kg:holder person:x . mandate:b kg:post post:p ; kg:holder person:y .
        mandate:c kg:post post:q ; kg:holder organisation:o .
        person:x a schema:Person . person:y a schema:Person .
    """, format="turtle")
    expected = validate(data, shapes_text)
    found = validate_store(load_graph(data), shapes_text, graphs=[DEFAULT])
    assert len(found.results) == 2  # post:q: one holder (min 2), and not a person
    assert _results(found) == _results(expected)
