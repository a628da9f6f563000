"""The build: the seed graph holds the facts of the articles, byte-stable and readable by others."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, XSD

from kgbuild import build
from kgbuild.rdfio import to_turtle
from kgbuild.vocab import KG, KGID, SCHEMA

from .conftest import SEED_DATA, write_mini_data

MAHJOUBI = KGID["person/mounir-mahjoubi"]


def mandate(key):
    return KGID[f"mandate/{key}"]


def test_the_seed_build_conforms_and_counts_what_it_holds(seed_build):
    summary = seed_build.summary
    assert summary["conforms"] is True
    assert summary["violations"] == 0
    assert summary["sources"] == 2
    assert summary["mandates"] >= 7
    assert summary["programmes"] >= 14


@pytest.mark.parametrize("key, start, end", [
    ("mounir-mahjoubi--president-cnnum", Literal("2016-02", datatype=XSD.gYearMonth), None),
    ("mounir-mahjoubi--secretaire-etat-numerique", Literal("2017-05", datatype=XSD.gYearMonth),
     Literal("2019-03-29", datatype=XSD.date)),
    ("kat-borlongan--directeur-mission-french-tech", Literal("2018-05", datatype=XSD.gYearMonth),
     None),
])
def test_the_seed_mandates_carry_their_dates_at_their_precision(seed_build, key, start, end):
    graph = seed_build.asserted
    assert set(graph.objects(mandate(key), SCHEMA.startDate)) == {start}
    assert set(graph.objects(mandate(key), SCHEMA.endDate)) == ({end} if end else set())


def test_successions_of_the_seed(seed_build):
    graph = seed_build.asserted
    assert (mandate("mounir-mahjoubi--president-cnnum"), KG.predecessor,
            KGID["person/benoit-thieulin"]) in graph
    assert (mandate("kat-borlongan--directeur-mission-french-tech"), KG.predecessor,
            KGID["person/david-monteau"]) in graph
    assert (mandate("mounir-mahjoubi--secretaire-etat-numerique"), KG.endDecisionDate,
            Literal("2019-03-27", datatype=XSD.date)) in graph


def test_every_fact_node_has_a_quote_from_a_source(seed_build):
    graph = seed_build.asserted
    for cls in (KG.Mandate, KG.Candidacy, KG.CampaignRole, KG.Programme):
        for node in graph.subjects(RDF.type, cls):
            evidence = list(graph.objects(node, KG.evidence))
            assert evidence, f"{node} has no evidence"
            for item in evidence:
                quote = graph.value(item, KG.quote)
                source = graph.value(item, URIRef("http://www.w3.org/ns/prov#wasQuotedFrom"))
                assert quote and source


def test_the_cnnum_mandate_is_supported_by_both_articles(seed_build):
    graph = seed_build.asserted
    sources = {graph.value(e, URIRef("http://www.w3.org/ns/prov#wasQuotedFrom"))
               for e in graph.objects(mandate("mounir-mahjoubi--president-cnnum"), KG.evidence)}
    assert sources == {KGID["source/mahjoubi-quitte-cnnum"],
                       KGID["source/mahjoubi-quitte-gouvernement"]}


def test_misspellings_resolve_to_the_same_entities(seed_build):
    graph = seed_build.asserted
    hidden = {str(label) for label in graph.objects(MAHJOUBI, URIRef(
        "http://www.w3.org/2004/02/skos/core#hiddenLabel"))}
    assert "Mounir Majhoubi" in hidden
    cnnum_hidden = {str(label) for label in graph.objects(KGID["organisation/cnnum"], URIRef(
        "http://www.w3.org/2004/02/skos/core#hiddenLabel"))}
    assert "CNNuum" in cnnum_hidden


def test_the_budgets_of_the_seed(seed_build):
    graph = seed_build.asserted
    amounts = {(graph.value(b, SCHEMA.value) or graph.value(b, SCHEMA.minValue)).toPython()
               for b in graph.subjects(RDF.type, SCHEMA.MonetaryAmount)}
    assert {400000000, 3000000, 6000000} <= {int(a) for a in amounts}


def test_reasoning_adds_memberships_inverses_and_succession(seed_build):
    inferred = seed_build.inferred
    org = "http://www.w3.org/ns/org#"
    assert (MAHJOUBI, URIRef(org + "memberOf"), KGID["organisation/cnnum"]) in inferred
    assert (MAHJOUBI, URIRef(org + "holds"), KGID["post/secretaire-etat-numerique"]) in inferred
    assert (MAHJOUBI, KG.replaces, KGID["person/benoit-thieulin"]) in inferred
    assert (KGID["person/benoit-thieulin"], KG.replacedBy, MAHJOUBI) in inferred


def test_owlrl_noise_stays_out_of_the_inferred_graph(seed_build):
    for s, p, o in seed_build.inferred:
        assert isinstance(s, URIRef) and str(s).startswith(str(KGID))
        assert not (p == OWL.sameAs and s == o)
        assert not (p == RDF.type and o == OWL.Thing)


def test_outputs_are_written(seed_build):
    names = {path.name for path in seed_build.outputs.values()}
    assert names == {"kg.ttl", "kg-inferred.ttl", "report.txt", "report.ttl", "report.json",
                     "summary.json"}


def test_the_written_turtle_parses_with_an_independent_parser_into_the_same_graph(seed_build):
    pyoxigraph = pytest.importorskip("pyoxigraph")
    for name in ("graph", "inferred"):
        path = seed_build.outputs[name]
        ours = Graph().parse(path)
        store = pyoxigraph.Store()
        store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
        theirs = {(str(q.subject.value), str(q.predicate.value), _oxi_object(q.object))
                  for q in store}
        mine = {(str(s), str(p), _rdflib_object(o)) for s, p, o in ours}
        assert theirs == mine


def _oxi_object(term):
    import pyoxigraph

    if isinstance(term, pyoxigraph.Literal):
        return (term.value, term.language, str(term.datatype.value) if term.datatype else None)
    return str(term.value)


def _rdflib_object(term):
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype else (
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString" if term.language
            else str(XSD.string))
        return (str(term), term.language, datatype)
    return str(term)


def test_the_same_input_gives_byte_identical_output_across_hash_seeds(tmp_path):
    outputs = []
    for seed in ("0", "1", "4242"):
        out = tmp_path / f"out-{seed}"
        subprocess.run([sys.executable, "-m", "kgbuild", "build", "--quiet", "--data",
                        str(SEED_DATA), "--out", str(out)], check=True, capture_output=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
        outputs.append({name: (out / name).read_bytes() for name in
                        ("kg.ttl", "kg-inferred.ttl", "report.txt", "report.ttl",
                         "report.json", "summary.json")})
    assert outputs[0] == outputs[1] == outputs[2]


def test_the_oxigraph_backend_writes_the_same_bytes_run_after_run(tmp_path):
    from kgbuild.synthetic import generate

    generate(tmp_path / "data", 300, seed=3, faults=5)  # blank-node results in report.ttl
    outputs = []
    for run in ("first", "second"):
        out = tmp_path / run
        build(tmp_path / "data", out, backend="oxigraph", cache_dir=False)
        outputs.append({path.name: path.read_bytes() for path in out.iterdir() if path.is_file()})
    assert outputs[0] == outputs[1]
    assert b"sh:ValidationResult" in outputs[0]["report.ttl"]


def test_turtle_writing_refuses_blank_nodes():
    from rdflib import BNode

    from kgbuild.errors import ExportError

    graph = Graph()
    graph.add((BNode(), RDF.type, KG.Mandate))
    with pytest.raises(ExportError, match="blank node"):
        to_turtle(graph)


def _replace_in(relative, old, new):
    def corrupt(data):
        path = data / relative
        path.write_bytes(path.read_bytes().replace(old.encode(), new.encode()))
    return corrupt


def _remove(relative):
    return lambda data: (data / relative).unlink()


def _latin1_source(data):
    path = data / "sources" / "mini.txt"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1", errors="replace"))


BAD_INPUTS = {
    "malformed YAML": _replace_in("claims/mini.yaml", "start: 2020-05", "start: [2020-05"),
    "quote not in its source": _replace_in("claims/mini.yaml", "3 juin 2021.", "4 juin 2021."),
    "unknown entity": _replace_in("claims/mini.yaml", "holder: claire-vasseur", "holder: nobody"),
    "impossible date": _replace_in("claims/mini.yaml", "2021-06-03", "2019-02-30"),
    "end before start": _replace_in("claims/mini.yaml", "start: 2020-05",
                                    "start: 2020-05\n    end: 2019-01"),
    "duplicate claim id": _replace_in("claims/mini.yaml", "id: ocean-avenir", "id: vasseur-mer"),
    "duplicate YAML key": _replace_in("claims/mini.yaml", "start: 2020-05",
                                      "start: 2020-05\n    start: 2020-06"),
    "ambiguous scalar": _replace_in("registry.yaml", "label: Paul Marin", "label: NO"),
    "source not UTF-8": _latin1_source,
    "missing source text": _remove("sources/mini.txt"),
    "missing registry": _remove("registry.yaml"),
}


@pytest.mark.parametrize("corrupt", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_a_failed_build_leaves_previous_outputs_untouched(tmp_path, corrupt):
    from kgbuild.errors import InputError

    data = write_mini_data(tmp_path)
    out = tmp_path / "build"
    build(data, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    corrupt(data)
    with pytest.raises(InputError) as caught:
        build(data, out)
    assert caught.value.path and str(caught.value).startswith("data/")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_an_interrupted_write_leaves_no_half_written_file(tmp_path, monkeypatch):
    from kgbuild import rdfio

    target = tmp_path / "kg.ttl"
    target.write_text("old\n")
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        raise OSError("disk full")

    monkeypatch.setattr(rdfio.os, "replace", failing_replace)
    with pytest.raises(OSError):
        rdfio.write_atomic(target, "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["kg.ttl"]  # no temporary file left


def test_the_mapping_does_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    data = write_mini_data(tmp_path)
    first = build(data, None).asserted
    monkeypatch.chdir(Path(data).parent)
    second = build(Path("data"), None).asserted
    assert to_turtle(first) == to_turtle(second)


def test_outputs_get_the_usual_file_mode(tmp_path):
    from kgbuild import rdfio

    target = tmp_path / "kg.ttl"
    rdfio.write_atomic(target, "x\n")
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
