"""The Oxigraph backend: same graphs, same bytes, same report as the rdflib pipeline; rdflib's API
over the store; per-source cache for incremental builds."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from kgbuild import build, load_corpus, map_corpus
from kgbuild.errors import ClaimError
from kgbuild.incremental import UnitCache, map_into_store
from kgbuild.rdfio import to_turtle as rdflib_turtle
from kgbuild.store import (DEFAULT, INFERRED, StoreWriter, count_triples, graph_view, load_graph,
                           read_graph, to_turtle)
from kgbuild.vocab import KG, KGID, SCHEMA

from .conftest import SEED_DATA, write_mini_data


def _body(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines()
            if not line.startswith("#")]


@pytest.fixture(scope="module")
def seed_oxigraph(tmp_path_factory):
    return build(SEED_DATA, tmp_path_factory.mktemp("seed-ox"), backend="oxigraph")


def test_mapping_into_the_store_gives_the_rdflib_graph():
    corpus = load_corpus(SEED_DATA)
    store = ox.Store()
    writer = StoreWriter(store, batch=100)
    map_corpus(corpus, writer, track_origins=False)
    writer.flush()
    assert set(read_graph(store)) == set(map_corpus(corpus).graph)


def test_streaming_units_gives_the_rdflib_graph(tmp_path):
    store = ox.Store()
    stats = map_into_store(SEED_DATA, store)
    assert set(read_graph(store)) == set(map_corpus(load_corpus(SEED_DATA)).graph)
    assert stats.claims == len(load_corpus(SEED_DATA).claims)


def test_turtle_from_the_store_has_rdfio_s_bytes():
    graph = map_corpus(load_corpus(SEED_DATA)).graph
    tricky = KGID["thing/x"]
    for obj in (Literal('say "hi"\\ \n\t\r', lang="fr"), Literal(-12, datatype=XSD.integer),
                Literal("12.5", datatype=XSD.decimal), Literal("2019-03", datatype=XSD.gYearMonth),
                Literal("plain"), URIRef("http://example.org/a b".replace(" ", "%20")),
                Literal("voir skos: et (org:x), ^prov:y"), URIRef("http://example.org/a(dcterms:b"),
                KGID["person/not a slug".replace(" ", "_")], KGID["person/ok"]):
        graph.add((tricky, KG.note, obj))
    store = load_graph(graph)
    assert to_turtle(store, header="one\ntwo") == rdflib_turtle(graph, header="one\ntwo")


def test_oxigraph_keeps_typed_literals_by_value():
    """The one difference of bytes: a non-canonical decimal comes back canonical."""
    graph = Graph()
    graph.add((KGID["budget/b"], SCHEMA.value, Literal("12.50", datatype=XSD.decimal)))
    assert '"12.5"^^xsd:decimal' in to_turtle(load_graph(graph))


def test_the_oxigraph_build_writes_the_memory_build_s_graphs(seed_build, seed_oxigraph):
    for name in ("kg.ttl", "kg-inferred.ttl"):
        assert _body(seed_oxigraph.outputs["graph" if name == "kg.ttl" else "inferred"]) == \
            _body(seed_build.outputs["graph" if name == "kg.ttl" else "inferred"])
    assert seed_oxigraph.outputs["summary"].read_text() == \
        seed_build.outputs["summary"].read_text()


def test_the_oxigraph_build_reports_the_same_results(seed_build, seed_oxigraph):
    def results(report):  # locations: the memory build names the field's line, not the claim's
        return [(r.severity, r.focus, r.path, r.value, r.component, r.shape, r.message)
                for r in report.results]

    assert results(seed_oxigraph.report) == results(seed_build.report)
    assert all(r.locations for r in seed_oxigraph.report.results)


def test_the_result_speaks_rdflib(seed_oxigraph):
    asserted, inferred = seed_oxigraph.asserted, seed_oxigraph.inferred
    mahjoubi = KGID["person/mounir-mahjoubi"]
    assert (mahjoubi, RDF.type, SCHEMA.Person) in asserted
    assert (mahjoubi, RDF.type, SCHEMA.Person) not in inferred
    assert len(asserted) == seed_oxigraph.summary["triples"]
    assert len(inferred) == seed_oxigraph.summary["inferred_triples"]
    rows = list(asserted.query("SELECT (COUNT(?m) AS ?n) WHERE { ?m a kg:Mandate }"))
    assert int(rows[0][0]) == seed_oxigraph.summary["mandates"]
    assert asserted.query("ASK { ?m a kg:Mandate }").askAnswer
    assert isinstance(seed_oxigraph.store, ox.Store)


def test_a_graph_view_writes_through_and_counts_distinct_triples():
    store = ox.Store()
    view = graph_view(store)
    triple = (KGID["person/a"], RDF.type, SCHEMA.Person)
    view.add(triple)
    graph_view(store, INFERRED).add(triple)
    assert triple in view and len(view) == 1
    assert count_triples(store, (DEFAULT, INFERRED)) == 1
    assert len(graph_view(store, (DEFAULT, INFERRED))) == 1
    view.remove(triple)
    assert len(view) == 0 and triple not in view
    assert isinstance(Graph() + graph_view(store, INFERRED), Graph)


def test_an_unknown_backend_is_refused(tmp_path):
    with pytest.raises(ValueError, match="backend 'spark' is not valid"):
        build(SEED_DATA, None, backend="spark")


def test_bad_input_raises_the_loader_s_error(tmp_path):
    data = write_mini_data(tmp_path)
    claims = data / "claims" / "mini.yaml"
    claims.write_text(claims.read_text().replace("holder: claire-vasseur",
                                                 "holder: claire-vaseur"))
    with pytest.raises(ClaimError, match="unknown person 'claire-vaseur'"):
        build(data, tmp_path / "out", backend="oxigraph")
    assert not (tmp_path / "out" / "kg.ttl").exists()


# -- incremental builds ------------------------------------------------------------------------

def test_an_unchanged_source_is_not_read_again(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SEED_DATA, data)
    first = build(data, tmp_path / "out", backend="oxigraph")
    files = len(list((data / "claims").glob("*.yaml")))
    assert first.summary["cached_units"] == 0
    second = build(data, tmp_path / "out", backend="oxigraph")
    assert second.summary["cached_units"] == files
    assert _body(tmp_path / "out" / "kg.ttl") == _body(first.outputs["graph"])
    changed = sorted((data / "claims").glob("*.yaml"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    third = build(data, tmp_path / "out", backend="oxigraph")
    assert third.summary["cached_units"] == files - 1


def test_a_renamed_data_folder_is_not_named_by_the_cache(tmp_path):
    shutil.copytree(SEED_DATA, tmp_path / "data")
    build(tmp_path / "data", tmp_path / "out", backend="oxigraph")
    (tmp_path / "data").rename(tmp_path / "articles")
    again = build(tmp_path / "articles", tmp_path / "out", backend="oxigraph")
    assert again.summary["cached_units"] == 0
    graph = (tmp_path / "out" / "kg.ttl").read_text(encoding="utf-8")
    assert '"articles/claims/' in graph and '"data/claims/' not in graph


def _unit_files(cache_folder: Path) -> list[str]:
    return sorted(p.name for p in (cache_folder / "units").glob("*/*"))


def test_the_cache_keeps_only_what_the_last_build_used(tmp_path):
    shutil.copytree(SEED_DATA, tmp_path / "data")
    build(tmp_path / "data", tmp_path / "out", backend="oxigraph")
    cache = tmp_path / "out" / "cache"
    first = _unit_files(cache)
    assert first, "the build keeps its units"
    claim_file = sorted((tmp_path / "data" / "claims").glob("*.yaml"))[0]
    for edit in range(3):  # three versions of one source: only the last is kept
        claim_file.write_text(claim_file.read_text(encoding="utf-8") + f"# edit {edit}\n",
                              encoding="utf-8")
        messages = []
        build(tmp_path / "data", tmp_path / "out", backend="oxigraph", progress=messages.append)
        assert any(m.startswith("Cache: removed 3 files this build no longer uses")
                   for m in messages), messages
    last = _unit_files(cache)
    assert len(last) == len(first)
    assert len(set(first) - set(last)) == 3  # the edited source's triples, claims, entailments
    again = build(tmp_path / "data", tmp_path / "out", backend="oxigraph")
    assert again.summary["cached_units"] == len(list(claim_file.parent.glob("*.yaml")))


def test_pruning_removes_old_entailments_and_stale_temporary_files(tmp_path):
    cache = UnitCache(tmp_path / "units")
    cache.put("ab12", b"<a> <b> <c> .\n", [])
    cache.put_entailed("ab12", "1" * 64, b"")
    cache.put_entailed("ab12", "2" * 64, b"")
    cache.put("cd34", b"<d> <e> <f> .\n", [])
    stale, fresh = (tmp_path / "units" / "ab" / name for name in (".ab12.nt.1.tmp", ".x.2.tmp"))
    stale.write_bytes(b"half")
    fresh.write_bytes(b"half")
    os.utime(stale, (1, 1))
    removed, freed = cache.prune({"ab12"}, "2" * 64)
    left = sorted(p.name for p in (tmp_path / "units").rglob("*"))
    assert left == [".x.2.tmp", "ab", "ab12.2222222222222222.entailed.nt", "ab12.json", "ab12.nt"]
    assert (removed, freed) == (4, len(b"<d> <e> <f> .\n") + len(b"[]") + len(b"half"))


def test_a_duplicate_id_is_refused_even_from_the_cache(tmp_path):
    data = write_mini_data(tmp_path)
    cache = UnitCache(tmp_path / "cache")
    map_into_store(data, ox.Store(), cache=cache)
    text = (data / "sources" / "mini.txt").read_text()
    (data / "sources" / "other.txt").write_text(text)
    meta = (data / "sources" / "mini.yaml").read_text().replace("id: mini", "id: other")
    (data / "sources" / "other.yaml").write_text(meta)
    claims = (data / "claims" / "mini.yaml").read_text().replace("source: mini", "source: other")
    (data / "claims" / "other.yaml").write_text(claims)
    with pytest.raises(ClaimError, match="duplicate claim id 'vasseur-mer'"):
        map_into_store(data, ox.Store(), cache=cache)


def test_a_file_that_proposes_entities_is_always_read(tmp_path):
    data = write_mini_data(tmp_path)
    claims = data / "claims" / "mini.yaml"
    claims.write_text("entities:\n  persons:\n    - id: jean-neuf\n      label: Jean Neuf\n"
                      + claims.read_text())
    cache = UnitCache(tmp_path / "cache")
    map_into_store(data, ox.Store(), cache=cache)
    store = ox.Store()
    stats = map_into_store(data, store, cache=cache)
    assert stats.cached == 0
    assert (KGID["person/jean-neuf"], RDF.type, SCHEMA.Person) in graph_view(store)


def test_forked_readers_give_the_same_graph_and_the_first_error(tmp_path):
    from kgbuild.synthetic import generate

    generate(tmp_path / "data", 120, seed=7, claims_per_source=4)
    alone, together = ox.Store(), ox.Store()
    map_into_store(tmp_path / "data", alone, workers=1)
    stats = map_into_store(tmp_path / "data", together, workers=2)
    assert set(read_graph(together)) == set(read_graph(alone))
    files = sorted((tmp_path / "data" / "claims").glob("*.yaml"))
    assert stats.claims == sum(f.read_text().count("  - id: ") for f in files)
    for broken in (files[5], files[-3]):
        broken.write_text(broken.read_text().replace("type: mandate", "type: mandat", 1))
    with pytest.raises(ClaimError, match=f"{files[5].name}:.*unknown claim type 'mandat'"):
        map_into_store(tmp_path / "data", ox.Store(), workers=2)


def test_forked_readers_map_the_registry_s_entities_once(tmp_path, monkeypatch):
    """The readers map the entities beside the claim files; this process must not map them
    again when the last claim file is in (it did: several serial seconds at 100k)."""
    import kgbuild.incremental as incremental
    from kgbuild.synthetic import generate

    generate(tmp_path / "data", 120, seed=7, claims_per_source=4)
    here = os.getpid()
    calls = []
    mapping = incremental._map_entities

    def counted(*args):
        calls.append(os.getpid())
        return mapping(*args)

    monkeypatch.setattr(incremental, "_map_entities", counted)
    store = ox.Store()
    map_into_store(tmp_path / "data", store, workers=2, proposals=False)
    assert here not in calls
    alone = ox.Store()
    map_into_store(tmp_path / "data", alone, workers=1, proposals=False)
    assert set(read_graph(store)) == set(read_graph(alone))


def test_a_store_on_disk_gives_the_same_files(tmp_path, seed_oxigraph):
    result = build(SEED_DATA, tmp_path / "out", backend="oxigraph",
                   store_path=tmp_path / "store")
    for name in ("graph", "inferred", "summary", "report_json"):
        assert _body(result.outputs[name]) == _body(seed_oxigraph.outputs[name])


# -- reading in a child process (kgbuild.reader) -----------------------------------------------

def _quads(store) -> set:
    return set(store.quads_for_pattern(None, None, None, None))


def test_a_child_process_reads_the_folder_into_the_same_store():
    from kgbuild.reader import map_in_reader

    here, there = ox.Store(), ox.Store()
    expected = map_into_store(SEED_DATA, here, proposals=False)
    found = map_in_reader(SEED_DATA, there, proposals=False)
    assert _quads(there) == _quads(here)
    assert (found.units, found.claims, sorted(found.sources)) == (
        expected.units, expected.claims, sorted(expected.sources))
    assert found.registry.get("mounir-mahjoubi").label == "Mounir Mahjoubi"  # read on demand


def test_the_child_s_error_is_raised_here_with_its_file_and_line(tmp_path):
    from kgbuild.reader import map_in_reader

    data = write_mini_data(tmp_path)
    claims = data / "claims" / "mini.yaml"
    claims.write_text(claims.read_text().replace("holder: claire-vasseur",
                                                 "holder: claire-vaseur"))
    with pytest.raises(ClaimError, match="unknown person 'claire-vaseur'") as raised:
        map_in_reader(data, ox.Store(), proposals=False)
    assert raised.value.path.endswith("mini.yaml") and raised.value.line


def test_a_registry_extended_by_claim_files_comes_back_whole(tmp_path):
    from kgbuild.reader import map_in_reader

    data = write_mini_data(tmp_path)
    claims = data / "claims" / "mini.yaml"
    claims.write_text(claims.read_text() + "entities:\n  persons:\n    - id: new-person\n"
                                           "      label: Nouvelle Personne\n")
    expected = map_into_store(data, ox.Store(), proposals=False)
    found = map_in_reader(data, ox.Store(), proposals=False)
    assert found.registry_extended
    assert found.registry.get("new-person") == expected.registry.get("new-person") is not None


def test_a_child_that_dies_is_an_error_here(monkeypatch):
    import kgbuild.reader as reader

    monkeypatch.setattr(reader, "map_into_store", lambda *args, **kwargs: os._exit(3))
    with pytest.raises(RuntimeError, match="the process reading the data folder died"):
        reader.map_in_reader(SEED_DATA, ox.Store(), proposals=False)


def test_a_failure_here_stops_the_child_instead_of_waiting_on_it(monkeypatch, tmp_path):
    import kgbuild.reader as reader
    from kgbuild.synthetic import generate

    generate(tmp_path / "data", 120, seed=7, claims_per_source=2)  # > 50 files: forked readers

    def full(*args, **kwargs):
        raise OSError("no space left on device")

    monkeypatch.setattr(reader._BulkLoader, "load", full)
    with pytest.raises(OSError, match="no space left"):
        reader.map_in_reader(tmp_path / "data", ox.Store(), proposals=False)
    assert multiprocessing.active_children() == []


def test_files_read_by_oxigraph_give_rdflib_s_graph_lexical_forms_kept(seed_build, tmp_path):
    from kgbuild.rdfio import parse_rdf
    from kgbuild.store import read_files

    files = [seed_build.outputs["graph"], seed_build.outputs["inferred"]]
    expected = set(parse_rdf(files[0])) | set(parse_rdf(files[1]))
    assert set(read_files(files)) == expected
    decimal = tmp_path / "d.nt"
    decimal.write_text('<http://e.test/a> <http://e.test/p> '
                       '"0.90"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n')
    (literal,) = read_files([decimal]).objects()
    assert str(literal) == "0.90"


def test_a_malformed_file_read_by_oxigraph_names_its_line(tmp_path):
    from kgbuild.errors import RdfSyntaxError
    from kgbuild.store import read_files

    bad = tmp_path / "bad.nt"
    bad.write_text("<http://e.test/a> <http://e.test/p> <http://e.test/b> .\n<http://e.test/a> .\n")
    with pytest.raises(RdfSyntaxError) as caught:
        read_files([bad])
    assert caught.value.path == str(bad) and caught.value.line == 2
    assert str(caught.value) == (f"{bad}:2: malformed N-Triples: The predicate of a triple must "
                                 "be an IRI (column 19)\n"
                                 "  hint: check the statement on this line and the one before")
