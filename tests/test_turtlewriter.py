"""The Turtle writer for an Oxigraph store (kgbuild.turtlewriter): rdfio.to_turtle's bytes, for
literals that N-Triples and Turtle escape differently, for any batch, cache or memory size, and
when a subject's triples do not come together."""

from __future__ import annotations

import io
import random

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kgbuild import turtlewriter
from kgbuild.errors import ExportError
from kgbuild.rdfio import to_turtle as rdflib_turtle
from kgbuild.store import DEFAULT, INFERRED, load_graph, read_graph, to_turtle, turtle_blocks
from kgbuild.vocab import KG, KGID, SCHEMA

EX = "http://example.org/"

TEXTS = [
    'say "hi"', "back\\slash", "two\\\\back", "new\nline", "carriage\rreturn", "tab\there",
    "all \\ \" \n \r \t at once", "\\n is not a newline", '\\"', "trailing\\", '"', "",
    "été à Noël", "emoji 🐍 and 中文", "nbsp\u00a0schema:x", "thin\u2009kg:y",
    "zero\u200bwidth",
    "bell\x07 and \x01 and \x7f", "\b backspace \f form feed", "voir skos: et (org:x), ^prov:y",
    "schema:Person at the start", "x,kg:z", "http://example.org/not-an-iri", "%s %d %% %(x)s",
    "  spaces  ", "ends with a space ", "a . b ; c , d",
]


def _tricky_graph() -> Graph:
    graph = Graph()
    subject = KGID["person/tricky"]
    graph.add((subject, RDF.type, SCHEMA.Person))
    graph.add((subject, RDF.type, KG.Thing))
    for number, text in enumerate(TEXTS):
        graph.add((subject, KG.note, Literal(text)))
        graph.add((subject, KG.label, Literal(text, lang="fr")))
        graph.add((subject, KG.typed, Literal(text, datatype=URIRef(EX + "type"))))
        graph.add((KGID[f"source/s{number}"], SCHEMA.text, Literal(text, lang="en-GB")))
        graph.add((KGID[f"source/s{number}"], KG.about, subject))
    for value in ("12", "-7", "+5", "007", "0", "\u0661\u0662", "1 2", "abc", "12.0"):
        graph.add((subject, KG["count"], Literal(value, datatype=XSD.integer)))
    for literal in (Literal("2019-03", datatype=XSD.gYearMonth),
                    Literal("2020", datatype=XSD.gYear), Literal("2021-06-03", datatype=XSD.date),
                    Literal("12.5", datatype=XSD.decimal), Literal("true", datatype=XSD.boolean),
                    Literal("x", datatype=XSD.string), Literal("z", lang="de"),
                    Literal("y", datatype=URIRef(EX + "odd%20type"))):
        graph.add((subject, KG.value, literal))
    for iri in (EX + "a%20b", EX + "a(dcterms:b", EX + "c,d", KGID + "person/ok",
                KGID + "post/x.y", KGID + "person/ends-with.", KGID + "person/-starts",
                KGID + "person/a/b",
                KGID + "unknown-kind/x", KGID + "person/", KGID + "x", str(SCHEMA.Person),
                EX + "é", "urn:x:y"):
        graph.add((subject, KG.link, URIRef(iri)))
        graph.add((URIRef(iri), KG.back, subject))
    graph.add((URIRef(EX + "p%20q/s"), URIRef(EX + "p%20q"), Literal("percent in a predicate")))
    graph.add((KGID["mandate/m"], KG.mixed, KGID["person/z"]))
    graph.add((KGID["mandate/m"], KG.mixed, Literal("a")))
    graph.add((KGID["mandate/m"], KG.mixed, Literal(3, datatype=XSD.integer)))
    graph.add((KGID["mandate/m"], KG.mixed, Literal("\u0663", datatype=XSD.integer)))
    graph.add((KGID["mandate/m"], KG.mixed, URIRef(EX + "z")))
    graph.add((KGID["mandate/m"], KG.mixed, SCHEMA.Thing))
    return graph


def _expected(store: ox.Store, graph_name=DEFAULT, header=None) -> str:
    # rdfio's text of the graph as the store holds it (Oxigraph keeps typed literals by value)
    return rdflib_turtle(read_graph(store, (graph_name,)), header=header)


def test_tricky_literals_and_iris_have_rdfio_s_bytes():
    graph = _tricky_graph()
    store = load_graph(graph)
    text = to_turtle(store, header="one\ntwo")
    assert text == _expected(store, header="one\ntwo")
    assert '"say \\"hi\\""' in text and '"new\\nline"@fr' in text and '"tab\\there"' in text


def test_a_named_graph_and_the_triple_count():
    graph = _tricky_graph()
    store = ox.Store()
    store.extend(ox.Quad(quad.subject, quad.predicate, quad.object, INFERRED)
                 for quad in load_graph(graph).quads_for_pattern(None, None, None, DEFAULT))
    stream = io.BytesIO()
    assert turtlewriter.write_turtle(store, stream, INFERRED, header="h") == len(graph)
    assert stream.getvalue().decode() == _expected(store, INFERRED, header="h")
    assert to_turtle(store) == ""  # the default graph is empty
    assert to_turtle(store, header="only\nthis") == "# only\n# this\n"


@pytest.mark.parametrize("batch, cache, memory, plans, sort", [
    (1, 1, 1, 1, 1), (200, 3, 5000, 2, 3000), (4096, 1 << 18, 1 << 26, 1 << 12, 1 << 28)])
def test_any_batch_cache_or_memory_size_gives_the_same_bytes(monkeypatch, batch, cache, memory,
                                                                plans, sort):
    graph = _tricky_graph()
    rng = random.Random(7)
    for number in range(300):  # subjects of a few shapes, sharing objects
        entity = KGID[f"membership/m-{number}"]
        graph.add((entity, RDF.type, KG.Membership))
        graph.add((entity, KG.member, KGID[f"person/p-{rng.randrange(40)}"]))
        graph.add((entity, KG.since, Literal(f"20{rng.randrange(10, 25)}", datatype=XSD.gYear)))
        for _ in range(rng.randrange(3)):
            graph.add((entity, KG.source, KGID[f"source/s-{rng.randrange(60)}"]))
        if rng.random() < 0.3:
            graph.add((entity, RDF.type, KG.Other))
    lines = load_graph(graph).dump(format=ox.RdfFormat.N_TRIPLES, from_graph=DEFAULT).splitlines(
        keepends=True)
    grouped, scattered = ox.Store(), ox.Store()  # (an in-memory store keeps the order of loading)
    grouped.bulk_load(b"".join(sorted(lines)), format=ox.RdfFormat.N_TRIPLES)
    rng.shuffle(lines)
    scattered.bulk_load(b"".join(lines), format=ox.RdfFormat.N_TRIPLES)
    monkeypatch.setattr(turtlewriter, "_BATCH", batch)
    monkeypatch.setattr(turtlewriter, "_CACHE_LIMIT", cache)
    monkeypatch.setattr(turtlewriter, "_IN_MEMORY", memory)
    monkeypatch.setattr(turtlewriter, "_PLAN_LIMIT", plans)
    monkeypatch.setattr(turtlewriter, "_SORT_BYTES", sort)
    monkeypatch.setattr(turtlewriter, "_ROUTE_BYTES", sort // 3)
    monkeypatch.setattr(turtlewriter, "_PARTS", 5)
    for store in (grouped, scattered):
        for told in (None, False):  # judged from the first lines, or told: not grouped
            scratch = io.BytesIO() if memory == 1 else None  # no file: read back
            stream = io.BytesIO()
            assert turtlewriter.write_turtle(store, stream, header="x", scratch=scratch,
                                             grouped=told) == len(graph)
            assert stream.getvalue().decode() == _expected(store, header="x")
    stream = io.BytesIO()  # told grouped, and it is
    turtlewriter.write_turtle(grouped, stream, header="x", grouped=True)
    assert stream.getvalue().decode() == _expected(grouped, header="x")


class _Reordered:
    """A store whose dump gives its lines in another order."""

    def __init__(self, store, order):
        self.store = store
        self.order = order

    def dump(self, output, format, from_graph):
        lines = self.store.dump(format=format, from_graph=from_graph).splitlines(keepends=True)
        lines = self.order(lines)
        for start in range(0, len(lines), 7):
            output.write(b"".join(lines[start:start + 7]))

    def quads_for_pattern(self, *pattern):
        return self.store.quads_for_pattern(*pattern)


def _apart(lines):  # sorted, but some of the first subjects' lines last
    lines = sorted(lines)
    return lines[5:] + lines[:5]


@pytest.mark.parametrize("order", [_apart, lambda lines: random.Random(3).sample(lines,
                                                                                  len(lines))])
def test_a_subject_s_triples_apart_come_together(monkeypatch, order):
    monkeypatch.setattr(turtlewriter, "_BATCH", 300)  # the first batch: grouped, or not
    store = load_graph(_tricky_graph())
    stream = io.BytesIO()
    turtlewriter.write_turtle(_Reordered(store, order), stream, header="x")
    assert stream.getvalue().decode() == _expected(store, header="x")
    stream = io.BytesIO()  # told it is not grouped: sorted, nothing read again from the store
    monkeypatch.setattr(turtlewriter, "_rebuilt_block", None)
    turtlewriter.write_turtle(_Reordered(store, order), stream, header="x", grouped=False)
    assert stream.getvalue().decode() == _expected(store, header="x")


def test_turtle_blocks_and_the_prefixes_they_use():
    store = load_graph(_tricky_graph())
    used: set = set()
    blocks = list(turtle_blocks(store, used=used))
    assert "\n".join(blocks) == _expected(store).split("\n\n", 1)[1]
    assert sorted(used) == [line.split()[1][:-1] for line in _expected(store).splitlines()
                            if line.startswith("@prefix")]


def test_blank_nodes_are_refused_as_rdfio_refuses_them():
    for triple in ((BNode("b"), KG.p, Literal("x")), (KGID["person/a"], KG.p, BNode("b"))):
        store = ox.Store()
        store.add(ox.Quad(*(ox.BlankNode(str(t)) if isinstance(t, BNode) else
                            ox.NamedNode(str(t)) if isinstance(t, URIRef) else ox.Literal(str(t))
                            for t in triple)))
        with pytest.raises(ExportError, match="blank node"):
            to_turtle(store)
