"""Incremental validation: a rebuild validates only what the changed sources can affect, and its
report is the report of validating everything."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from rdflib import Graph, Literal, URIRef

from kgbuild import revalidate
from kgbuild.incremental import UnitCache
from kgbuild.revalidate import (Changes, UnitLedger, ValidationState, changed_triples,
                                reach_paths, validation_basis)
from kgbuild.rules import compile_rules
from kgbuild.scalebuild import build_oxigraph
from kgbuild.synthetic import generate
from kgbuild.validate import ValidationResult, load_shapes

KG = "https://w3id.org/kgbuild/ns#"
PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
"""
T = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def _reads(shapes_turtle: str):
    graph = Graph().parse(data=PREFIXES + shapes_turtle, format="turtle")
    found = reach_paths(graph)
    return None if found is None else {"/".join(steps).replace("http://example.org/", "ex:")
                                       for steps in found}


# -- which paths the shapes read --------------------------------------------------------------

def test_a_property_shape_reads_its_path_and_the_types_its_class_needs():
    assert _reads("""ex:S a sh:NodeShape ; sh:targetClass ex:C ;
                        sh:property [ sh:path ex:p ; sh:class ex:D ] .""") == {
        "<ex:p>", f"<ex:p>/{T}"}


def test_nested_shapes_read_from_the_values_of_the_path():
    assert _reads("""ex:S a sh:NodeShape ; sh:targetClass ex:C ;
                        sh:property [ sh:path ex:p ; sh:node ex:N ] .
                     ex:N a sh:NodeShape ; sh:property [ sh:path ex:q ] .""") == {
        "<ex:p>", "<ex:p>/<ex:q>"}


def test_inverse_sequence_and_repeated_paths_give_every_prefix():
    assert _reads("""ex:S a sh:NodeShape ; sh:targetClass ex:C ;
                        sh:property [ sh:path ( ex:p [ sh:inversePath ex:q ] ) ] ,
                                    [ sh:path [ sh:zeroOrMorePath ex:r ] ] .""") == {
        "<ex:p>", "<ex:p>/^(<ex:q>)", "(<ex:r>)*", "(<ex:r>)*/<ex:r>"}


def test_compared_properties_are_read_from_the_focus_node():
    assert "<ex:q>" in _reads("""ex:S a sh:NodeShape ; sh:targetClass ex:C ;
                                    sh:property [ sh:path ex:p ; sh:lessThan ex:q ] .""")


def test_a_sparql_constraint_reads_its_patterns_from_this_each_from_its_nearer_end():
    reads = _reads('''ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select """
        SELECT $this WHERE { $this <http://example.org/holder> ?h .
                             ?other <http://example.org/holder> ?h ; a <http://example.org/C> .
                             FILTER NOT EXISTS { ?other <http://example.org/end> ?end } }""" ] .''')
    assert reads == {"<ex:holder>", "<ex:holder>/^(<ex:holder>)",
                     f"<ex:holder>/^(<ex:holder>)/{T}", "<ex:holder>/^(<ex:holder>)/<ex:end>"}


def test_a_sparql_pattern_away_from_the_focus_node_cannot_be_followed():
    assert _reads('''ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select """
        SELECT $this WHERE { $this <http://example.org/p> ?x .
                             ?a <http://example.org/q> ?b }""" ] .''') is None


def test_kgbuild_s_shapes_can_be_followed_and_reach_the_other_mandates_of_a_holder():
    reads = {"/".join(steps) for steps in reach_paths(load_shapes())}
    assert f"<{KG}holder>/^(<{KG}holder>)/<https://schema.org/startDate>" in reads


# -- the state kept between builds and the ledger of units ------------------------------------

def test_the_state_reads_back_as_written_and_not_for_another_basis(tmp_path):
    results = (ValidationResult("Violation", URIRef("urn:f"), URIRef("urn:p"),
                                Literal("0.90", datatype="http://www.w3.org/2001/XMLSchema#decimal"),
                                "m", URIRef("urn:c"), URIRef("urn:s")),
               ValidationResult("Warning", URIRef("urn:g"), None, Literal("x", lang="fr"), "n",
                                URIRef("urn:c"), URIRef("urn:s")))
    ValidationState("b1", frozenset({"u1", "u2"}), results).save(tmp_path)
    state, why = ValidationState.load(tmp_path, "b1")
    assert why == "" and state.units == {"u1", "u2"}
    assert sorted(state.results, key=ValidationResult.sort_key) == sorted(
        results, key=ValidationResult.sort_key)
    assert str(state.results[0].value) == "0.90" or str(state.results[1].value) == "0.90"
    assert ValidationState.load(tmp_path, "b2") == (
        None, "the shapes, the ontology or kgbuild changed since the last build")
    (tmp_path / "validation.json").write_text("{not json", encoding="utf-8")
    assert ValidationState.load(tmp_path, "b1")[0] is None
    assert ValidationState.load(tmp_path / "none", "b1") == (
        None, "no results of an earlier build in the cache")


LINE_A = b"<urn:a> <urn:p> <urn:b> ."
LINE_B = b'<urn:a> <urn:q> "1" .'
LINE_C = b"<urn:c> <urn:p> <urn:b> ."


def _ledger(tmp_path, previous, **units) -> UnitLedger:
    ledger = UnitLedger(previous, UnitCache(tmp_path))
    for key, lines in units.items():
        ledger.record(key, b"\n".join(lines) + b"\n")
    return ledger


def test_the_first_build_has_no_changes_to_follow(tmp_path):
    changes = _ledger(tmp_path, None, k1=[LINE_A]).changes()
    assert changes.added is None and changes.units == {"k1"}


def test_only_the_triples_that_differ_between_the_old_and_new_units_changed(tmp_path):
    cache = UnitCache(tmp_path)
    cache.put("old", LINE_A + b"\n" + LINE_B + b"\n", [])
    previous = frozenset({"old"} | {f"same{n}" for n in range(20)})
    ledger = _ledger(tmp_path, previous, new=[LINE_A, LINE_C])
    for n in range(20):
        ledger.record(f"same{n}", b"<urn:x> <urn:p> <urn:y> .\n")
    changes = ledger.changes()
    assert (changes.added, changes.removed) == ({LINE_C}, {LINE_B})
    assert (changes.sources, changes.gone) == (1, 1)


def test_a_unit_without_a_key_is_kept_under_its_digest_for_the_next_build(tmp_path):
    ledger = _ledger(tmp_path, None)
    ledger.record(None, LINE_A + b"\n")
    (identity,) = ledger.units
    assert UnitCache(tmp_path).get(identity)[0] == LINE_A + b"\n"


@pytest.mark.parametrize("case, why", [
    ("gone from the cache", "the triples of a source of the last build left the cache"),
    ("too many", "more than a tenth of the sources changed"),
    ("schema", "a source states schema (<http://www.w3.org/2000/01/rdf-schema#subClassOf>)"),
])
def test_changes_that_cannot_be_followed_say_why(tmp_path, case, why):
    previous = frozenset({f"same{n}" for n in range(20)} | {"old"})
    units = {f"same{n}": [LINE_A] for n in range(20)}
    if case == "gone from the cache":
        units["new"] = [LINE_C]  # "old" is gone, and the cache never had it
    elif case == "too many":
        UnitCache(tmp_path).put("old", LINE_A + b"\n", [])
        units.update({"old": [LINE_A], "new1": [LINE_A], "new2": [LINE_A], "new3": [LINE_C]})
    else:
        units.update({"old": [LINE_A], "new": [
            b"<urn:a> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <urn:b> ."]})
    changes = _ledger(tmp_path, previous, **units).changes()
    assert changes.added is None and changes.why == why


def test_the_chains_through_a_changed_triple_changed_before_and_after():
    """The mandate moves from post X (in organisation A) to post Y (in B): what the chains
    gave through X is gone, what they give through Y is new, and so on along chains of chains."""
    kg, org, kgid = KG, "http://www.w3.org/ns/org#", "https://w3id.org/kgbuild/id/"
    p, m, x, y, a, b = (f"<{kgid}{n}>" for n in ("p", "m", "x", "y", "a", "b"))
    store = ox.Store()
    store.load(f"{p} <{kg}hasMandate> {m} .\n{p} <{org}hasMembership> {m} .\n"
               f"{m} <{kg}post> {y} .\n{x} <{org}postIn> {a} .\n{y} <{org}postIn> {b} .\n"
               .encode(), format=ox.RdfFormat.N_TRIPLES)
    changes = Changes(frozenset(), frozenset({f"{m} <{kg}post> {y} .".encode()}),
                      frozenset({f"{m} <{kg}post> {x} .".encode()}))
    found = changed_triples(store, compile_rules(), changes)
    assert {(p, f"<{org}holds>", x), (p, f"<{org}holds>", y), (m, f"<{org}organization>", a),
            (m, f"<{org}organization>", b), (p, f"<{org}memberOf>", a),
            (p, f"<{org}memberOf>", b)} <= found
    assert list(store.named_graphs()) == []  # the triples gone were there for the search only


# -- builds: the report of a rebuild is the report of validating everything -------------------

@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("revalidate") / "data"
    generate(folder, 400, seed=5, claims_per_source=20, faults=6)
    return folder


def _claim_file(data: Path, number: int) -> Path:
    return sorted((data / "claims").glob("*.yaml"))[number]


def _edit(path: Path, change) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document["claims"])
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")


def _mandates(path: Path) -> list[dict]:
    return [c for c in yaml.safe_load(path.read_text(encoding="utf-8"))["claims"]
            if c["type"] == "mandate"]


def drop_a_claim(data: Path) -> None:
    _edit(_claim_file(data, 3), lambda claims: claims.pop())


def overlap_a_mandate_of_another_source(data: Path) -> None:
    """A mandate of source 5 becomes a second mandate of a holder and post of source 2, with
    the same dates: both violate MandateOverlap, one in a source that did not change."""
    other = next(m for m in _mandates(_claim_file(data, 2)) if m.get("start") and m.get("end"))

    def change(claims):
        mandate = next(c for c in claims if c["type"] == "mandate")
        for name in ("holder", "post", "start", "end", "state"):
            mandate[name] = other[name]
        mandate["key"] = other["post"] + "-overlapping"
        for name in ("predecessor", "successor", "end_reason"):
            mandate.pop(name, None)
    _edit(_claim_file(data, 5), change)


def move_a_mandate_to_another_post(data: Path) -> None:
    """The post changes, so does the organisation the chain post/postIn gives the mandate."""
    posts = [m["post"] for m in _mandates(_claim_file(data, 7))]

    def change(claims):
        mandate = next(c for c in claims if c["type"] == "mandate" and c["post"] != posts[0])
        mandate["post"] = posts[0]
        mandate["key"] = posts[0] + "-moved"
    _edit(_claim_file(data, 6), change)


def remove_a_source(data: Path) -> None:
    path = _claim_file(data, 4)
    for gone in (path, data / "sources" / f"{path.stem}.yaml",
                 data / "sources" / f"{path.stem}.txt"):
        gone.unlink()


def add_a_source_that_repeats_another(data: Path) -> None:
    """A new source stating the mandates of source 1 again under other keys: overlaps."""
    path = _claim_file(data, 1)
    new = "article-repeated"
    text = (data / "sources" / f"{path.stem}.txt").read_bytes()
    (data / "sources" / f"{new}.txt").write_bytes(text)
    meta = yaml.safe_load((data / "sources" / f"{path.stem}.yaml").read_text(encoding="utf-8"))
    meta.update(id=new, url=f"https://example.org/{new}")
    (data / "sources" / f"{new}.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True),
                                                  encoding="utf-8")
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["source"] = new
    document["claims"] = [dict(c, id=c["id"] + "-again", key=c["key"] + "-again")
                          for c in document["claims"] if c["type"] == "mandate" and "key" in c]
    (data / "claims" / f"{new}.yaml").write_text(
        yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def nothing(data: Path) -> None:
    pass


def _rebuild_after(edit, synthetic: Path, tmp_path: Path) -> tuple[list[str], Path, Path]:
    data = tmp_path / "data"
    shutil.copytree(synthetic, data)
    build_oxigraph(data, tmp_path / "out")
    edit(data)
    said: list[str] = []
    build_oxigraph(data, tmp_path / "out", progress=said.append)
    build_oxigraph(data, tmp_path / "full", cache_dir=False)
    return said, tmp_path / "out", tmp_path / "full"


@pytest.mark.parametrize("edit", [drop_a_claim, overlap_a_mandate_of_another_source,
                                  move_a_mandate_to_another_post, remove_a_source,
                                  add_a_source_that_repeats_another, nothing])
def test_a_rebuild_checks_only_what_changed_and_reports_as_validating_everything(
        edit, synthetic, tmp_path):
    said, out, full = _rebuild_after(edit, synthetic, tmp_path)
    checked = [line for line in said if line.startswith("Validating ") and "SHACL" not in line]
    assert len(checked) == 1 and "near what changed" in checked[0] or (
        edit is nothing and "nothing changed since the last build" in checked[0]), said
    for name in ("report.json", "report.txt", "report.ttl", "summary.json"):
        assert (out / name).read_bytes() == (full / name).read_bytes(), name


def test_a_new_overlap_is_found_on_the_mandate_of_the_unchanged_source(synthetic, tmp_path):
    def overlaps(out: Path) -> dict:
        return {r["focus"]: r["locations"] for r in json.loads(
            (out / "report.json").read_text())["results"] if r["shape"].endswith("MandateOverlap")}

    data = tmp_path / "data"
    shutil.copytree(synthetic, data)
    before = overlaps(build_oxigraph(data, tmp_path / "out").outputs["report_json"].parent)
    overlap_a_mandate_of_another_source(data)
    after = overlaps(build_oxigraph(data, tmp_path / "out").outputs["report_json"].parent)
    new = {focus: locations for focus, locations in after.items() if focus not in before}
    unchanged = _claim_file(synthetic, 2).name
    assert [focus for focus, locations in new.items()
            if {Path(place.split(":")[0]).name for place in locations} == {unchanged}]


def test_a_store_on_disk_is_validated_again_the_same_way(synthetic, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(synthetic, data)
    build_oxigraph(data, tmp_path / "out", store_path=tmp_path / "store-1")
    overlap_a_mandate_of_another_source(data)
    said: list[str] = []
    build_oxigraph(data, tmp_path / "out", store_path=tmp_path / "store-2", progress=said.append)
    build_oxigraph(data, tmp_path / "full", cache_dir=False)
    assert any("near what changed" in line for line in said)
    assert (tmp_path / "out" / "report.json").read_bytes() == (
        tmp_path / "full" / "report.json").read_bytes()


def test_few_nodes_are_checked_again_for_one_claim_dropped(synthetic, tmp_path):
    said, _, _ = _rebuild_after(drop_a_claim, synthetic, tmp_path)
    line = next(line for line in said if "near what changed" in line)
    assert int(line.split()[1].replace(",", "")) < 60, line


def test_other_shapes_or_code_mean_validating_everything(synthetic, tmp_path, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(synthetic, data)
    build_oxigraph(data, tmp_path / "out")
    monkeypatch.setattr("kgbuild.scalebuild.validation_basis", lambda: "another basis")
    said: list[str] = []
    build_oxigraph(data, tmp_path / "out", progress=said.append)
    assert ("Validating every focus node: the shapes, the ontology or kgbuild changed since "
            "the last build") in said


def test_the_basis_follows_the_shapes_file(tmp_path, monkeypatch):
    before = validation_basis()
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(revalidate.SHAPES_FILE.read_text(encoding="utf-8") + "\n# edited\n",
                      encoding="utf-8")
    monkeypatch.setattr(revalidate, "SHAPES_FILE", shapes)
    assert validation_basis() != before


def test_changes_without_a_cache_validate_everything():
    assert revalidate._why_everything(None, None) == "no cache"
    assert revalidate._why_everything(None, Changes(frozenset(), frozenset())) == (
        "no results of an earlier build in the cache")
