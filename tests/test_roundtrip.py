"""Properties: canonical Turtle round-trips through rdflib and pyoxigraph, and is byte-stable."""

from __future__ import annotations

import pyoxigraph
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from kgbuild.rdfio import to_turtle
from kgbuild.vocab import KG, KGID

slugs = st.from_regex(r"[a-z0-9]+(-[a-z0-9]+){0,3}", fullmatch=True)
kinds = st.sampled_from(["person", "mandate", "evidence", "programme"])
iris = st.builds(lambda kind, slug: KGID[f"{kind}/{slug}"], kinds, slugs)
odd_iris = st.builds(lambda slug: URIRef(f"https://example.org/a/{slug}?q=1#x"), slugs)
texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                max_size=40)
literals = st.one_of(
    st.builds(lambda t: Literal(t, lang="fr"), texts),
    st.builds(Literal, texts),
    st.builds(lambda n: Literal(n, datatype=XSD.integer), st.integers(-10**12, 10**12)),
    st.builds(lambda y, m: Literal(f"{y:04d}-{m:02d}", datatype=XSD.gYearMonth),
              st.integers(1000, 2999), st.integers(1, 12)),
)
predicates = st.sampled_from([KG.quote, KG.holder, KG.claimLine, KG.endReason])
triples = st.tuples(iris, predicates, st.one_of(iris, odd_iris, literals))


def graph_of(items) -> Graph:
    graph = Graph()
    for triple in items:
        graph.add(triple)
    return graph


@settings(max_examples=150, deadline=None)
@given(st.lists(triples, max_size=25))
def test_canonical_turtle_parses_back_into_the_same_graph(items):
    graph = graph_of(items)
    text = to_turtle(graph)
    assert isomorphic(Graph().parse(data=text, format="turtle"), graph)


@settings(max_examples=100, deadline=None)
@given(st.lists(triples, max_size=25))
def test_pyoxigraph_reads_the_same_number_of_triples(items):
    graph = graph_of(items)
    store = pyoxigraph.Store()
    store.load(to_turtle(graph).encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(graph)


@settings(max_examples=100, deadline=None)
@given(st.lists(triples, max_size=25))
def test_the_same_graph_gives_the_same_bytes_whatever_the_insertion_order(items):
    assert to_turtle(graph_of(items)) == to_turtle(graph_of(reversed(items)))
