"""Golden mapping cases: each folder of tests/cases/mapping holds a data folder and the graph it
must map to (expected.ttl), compared by graph isomorphism."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kgbuild import load_corpus, map_corpus

CASES = sorted((Path(__file__).parent / "cases" / "mapping").iterdir())


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_mapping_matches_the_golden_graph(case):
    actual = map_corpus(load_corpus(case / "data")).graph
    expected = Graph().parse(case / "expected.ttl")
    if not isomorphic(actual, expected):
        _, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        pytest.fail("mapping differs from expected.ttl\nmissing:\n"
                    + "\n".join(sorted(t.n3() for t in _lines(missing)))
                    + "\nunexpected:\n" + "\n".join(sorted(t.n3() for t in _lines(extra))))


def _lines(graph):

    class Line(str):
        def n3(self):
            return self

    return [Line(" ".join(term.n3() for term in triple)) for triple in graph]
