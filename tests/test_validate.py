"""kgbuild.validate: the report object, its three renderings, locations and ordering."""

from __future__ import annotations

import json
import logging

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SH

from kgbuild.errors import InputError, RdfSyntaxError, ShapesError
from kgbuild.validate import (KGSH, ValidationReport, ValidationResult, load_shapes, validate,
                              validate_files)
from kgbuild.vocab import KGID, SCHEMA

PREFIXES = """\
@prefix kg: <https://w3id.org/kgbuild/ns#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix person: <https://w3id.org/kgbuild/id/person/> .
@prefix organisation: <https://w3id.org/kgbuild/id/organisation/> .
@prefix post: <https://w3id.org/kgbuild/id/post/> .
@prefix mandate: <https://w3id.org/kgbuild/id/mandate/> .
@prefix evidence: <https://w3id.org/kgbuild/id/evidence/> .
@prefix source: <https://w3id.org/kgbuild/id/source/> .
@prefix programme: <https://w3id.org/kgbuild/id/programme/> .
@prefix budget: <https://w3id.org/kgbuild/id/budget/> .
"""
WORLD = PREFIXES + f"""
person:claire-vasseur a schema:Person ; skos:prefLabel "Claire Vasseur"@fr .
organisation:gouvernement a org:Organization ; skos:prefLabel "Gouvernement"@fr .
post:secretaire-etat-mer a org:Post ; skos:prefLabel "secrétaire d'État chargé de la Mer"@fr ;
    org:postIn organisation:gouvernement .
source:mini a kg:Source ; kg:sha256 "{'0' * 64}" .
evidence:vasseur-mer a kg:Evidence ; kg:quote "Nommée secrétaire d’État en mai 2020"@fr ;
    prov:wasQuotedFrom source:mini ; kg:claimId "vasseur-mer" ;
    kg:claimFile "claims/mini.yaml" ; kg:claimLine 9 .
evidence:vasseur-fin a kg:Evidence ; kg:quote "Claire Vasseur quitte le ministère."@fr ;
    prov:wasQuotedFrom source:mini ; kg:claimId "vasseur-fin" ;
    kg:claimFile "claims/autre.yaml" ; kg:claimLine 10 .
evidence:vasseur-rappel a kg:Evidence ; kg:quote "Claire Vasseur, nommée en 2020"@fr ;
    prov:wasQuotedFrom source:mini ; kg:claimId "vasseur-rappel" ;
    kg:claimFile "claims/autre.yaml" ; kg:claimLine 9 .
"""
# Two claims give the mandate two different starts (a contradiction); its end is unknown.
CONTRADICTION = WORLD + """
mandate:claire-vasseur--secretaire-etat-mer a kg:Mandate ;
    kg:holder person:claire-vasseur ; kg:post post:secretaire-etat-mer ;
    schema:startDate "2020-05"^^xsd:gYearMonth , "2020"^^xsd:gYear ;
    kg:mandateState kg:Ended ;
    kg:evidence evidence:vasseur-mer , evidence:vasseur-fin , evidence:vasseur-rappel ;
    kg:reviewStatus kg:Reviewed .
"""
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
XSD_GYEARMONTH = "http://www.w3.org/2001/XMLSchema#gYearMonth"
MANDATE = KGID["mandate/claire-vasseur--secretaire-etat-mer"]


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="module")
def report(shapes) -> ValidationReport:
    return validate(CONTRADICTION, shapes)


def test_report_results(report):
    assert not report.conforms
    assert [(r.severity, r.shape, r.component) for r in report.results] == [
        ("Violation", KGSH["Period-startDate"], SH.MaxCountConstraintComponent),
        ("Warning", KGSH["EndedMandateEnd"], SH.SPARQLConstraintComponent),
    ]
    violation, warning = report.results
    assert violation.focus == MANDATE
    assert violation.path == SCHEMA.startDate
    assert violation.message == "Two different start dates: the claims contradict each other."
    assert warning.message == ("The mandate is stated as ended (kg:Ended) but its end date is "
                               "unknown.")
    assert report.violations == (violation,)
    assert report.warnings == (warning,)


def test_locations_come_from_the_evidence_sorted_by_file_and_line(report):
    # line 9 sorts before line 10 (numbers, not strings)
    assert report.results[0].locations == (
        "claims/autre.yaml:9", "claims/autre.yaml:10", "claims/mini.yaml:9")


def test_warnings_do_not_break_conformance(shapes):
    data = CONTRADICTION.replace(', "2020"^^xsd:gYear', "")
    report = validate(data, shapes)
    assert [r.severity for r in report.results] == ["Warning"]
    assert report.conforms
    assert report.summary() == "conforms (0 violations, 1 warning)"


def test_text(report):
    assert report.text() == """\
Validation: does not conform (1 violation, 1 warning)

Violation: kgid:mandate/claire-vasseur--secretaire-etat-mer
  path:       schema:startDate
  constraint: sh:MaxCountConstraintComponent (shape kgsh:Period-startDate)
  message:    Two different start dates: the claims contradict each other.
  claims:     claims/autre.yaml:9, claims/autre.yaml:10, claims/mini.yaml:9

Warning: kgid:mandate/claire-vasseur--secretaire-etat-mer
  path:       schema:endDate
  constraint: sh:SPARQLConstraintComponent (shape kgsh:EndedMandateEnd)
  message:    The mandate is stated as ended (kg:Ended) but its end date is unknown.
  claims:     claims/autre.yaml:9, claims/autre.yaml:10, claims/mini.yaml:9
"""


def test_text_shows_the_value_and_unknown_locations(shapes):
    data = WORLD + 'person:x a schema:Person ; skos:prefLabel "Paul"@en .\n' \
                   'post:x a org:Post ; skos:prefLabel "poste"@fr ; org:postIn person:x .\n'
    text = validate(data, shapes).text()
    assert "  value:      kgid:person/x\n" in text
    assert "  claims:     unknown\n" in text
    assert "Violation: kgid:person/x\n" in text


def test_json(report):
    document = json.loads(report.to_json())
    assert document["conforms"] is False
    assert (document["violations"], document["warnings"]) == (1, 1)
    first = document["results"][0]
    assert first == {
        "severity": "Violation",
        "focus": str(MANDATE),
        "path": str(SCHEMA.startDate),
        "value": None,
        "message": "Two different start dates: the claims contradict each other.",
        "component": str(SH.MaxCountConstraintComponent),
        "shape": str(KGSH["Period-startDate"]),
        "locations": ["claims/autre.yaml:9", "claims/autre.yaml:10", "claims/mini.yaml:9"],
    }


def test_json_encodes_values_as_sparql_json_terms(shapes):
    data = WORLD + 'person:x schema:startDate "2019-13"^^xsd:gYearMonth .\n'
    (result,) = json.loads(validate(data, shapes).to_json())["results"]
    assert result["value"] == {"type": "literal", "value": "2019-13",
                               "datatype": XSD_GYEARMONTH}


def test_turtle_is_the_results_graph(report):
    text = report.to_turtle()
    assert "@prefix kgsh: <https://w3id.org/kgbuild/shapes#> ." in text
    assert isomorphic(Graph().parse(data=text, format="turtle"), report.graph)


def test_ordering_is_deterministic(shapes):
    data = CONTRADICTION + """
person:zoe a schema:Person .
person:anne a schema:Person ; skos:prefLabel "Anne"@en .
post:x a org:Post ; skos:prefLabel "poste"@fr ; org:postIn person:zoe , person:anne .
"""
    first = validate(data, shapes)
    assert first.results == tuple(sorted(first.results, key=ValidationResult.sort_key))
    severities = [r.severity for r in first.results]
    assert severities == sorted(severities, key=["Violation", "Warning", "Info"].index)
    assert [str(r.focus).rsplit("/", 2)[-2:] for r in first.results][:3] == [
        ["mandate", "claire-vasseur--secretaire-etat-mer"], ["person", "anne"],
        ["person", "zoe"]]
    shuffled = Graph()
    for triple in sorted(Graph().parse(data=data, format="turtle"), reverse=True):
        shuffled.add(triple)
    second = validate(shuffled, shapes)
    assert second.results == first.results
    assert second.text() == first.text()
    assert second.to_json() == first.to_json()


def test_origins_take_precedence(shapes):
    origins = {(MANDATE, SCHEMA.startDate): ["claims/mini.yaml:12", "claims/autre.yaml:14"],
               (MANDATE, None): ["claims/mini.yaml:7"]}
    report = validate(CONTRADICTION, shapes, origins=origins)
    violation, warning = report.results
    assert violation.locations == ("claims/autre.yaml:14", "claims/mini.yaml:12")
    assert warning.locations == ("claims/mini.yaml:7",)  # (focus, schema:endDate) not given


def test_origins_without_an_entry_fall_back_to_the_evidence(shapes):
    report = validate(CONTRADICTION, shapes, origins={(KGID["person/x"], None): ["x.yaml:1"]})
    assert report.results[0].locations[-1] == "claims/mini.yaml:9"


def test_evidence_is_its_own_location(shapes):
    data = WORLD.replace('kg:claimId "vasseur-mer"', 'kg:claimId "vasseur-mer" ; kg:startOffset 9')
    data = data.replace("kg:claimLine 9 .\nevidence:vasseur-fin",
                        "kg:claimLine 9 ; kg:endOffset 3 .\nevidence:vasseur-fin")
    (result,) = validate(data, shapes).results
    assert result.shape == KGSH["Evidence-startOffset"]
    assert result.locations == ("claims/mini.yaml:9",)


def test_budget_locations_come_from_the_evidence_of_its_claim(shapes):
    data = WORLD + """
programme:fonds a kg:Programme ; skos:prefLabel "fonds"@fr ; kg:reviewStatus kg:Reviewed ;
    kg:evidence evidence:vasseur-mer , evidence:vasseur-fin ; kg:budget budget:vasseur-fin .
budget:vasseur-fin a schema:MonetaryAmount ; schema:currency "EUR" ; schema:value 0.0 .
"""
    (result,) = validate(data, shapes).results
    assert result.focus == KGID["budget/vasseur-fin"]
    assert result.locations == ("claims/autre.yaml:10",)


def test_validate_reads_files_and_refuses_other_formats(tmp_path, shapes):
    turtle = tmp_path / "kg.ttl"
    turtle.write_text(CONTRADICTION, encoding="utf-8")
    assert validate(turtle, shapes).results == validate(CONTRADICTION, shapes).results
    assert validate(str(turtle), shapes).results == validate(CONTRADICTION, shapes).results
    rdfxml = tmp_path / "kg.rdf"
    rdfxml.write_text(Graph().parse(data=CONTRADICTION, format="turtle").serialize(
        format="xml"), encoding="utf-8")
    with pytest.raises(RdfSyntaxError) as caught:
        validate(rdfxml, shapes)
    assert caught.value.path == str(rdfxml)
    assert len(validate(rdfxml, shapes, allow_any_format=True).results) == 2


def test_bad_turtle_names_file_and_line(tmp_path, shapes):
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + 'person:x a schema:Person ;\n    skos:prefLabel "oops .\n',
                   encoding="utf-8")
    with pytest.raises(RdfSyntaxError) as caught:
        validate(bad, shapes)
    assert caught.value.path == str(bad)
    assert caught.value.line == PREFIXES.count("\n") + 2
    assert isinstance(caught.value, InputError)


def test_validate_files_merges(tmp_path, shapes):
    first, second = tmp_path / "kg.ttl", tmp_path / "kg-inferred.ttl"
    first.write_text(WORLD, encoding="utf-8")
    second.write_text(PREFIXES + 'person:claire-vasseur skos:prefLabel "Claire V."@fr .\n',
                      encoding="utf-8")
    report = validate_files([first, second], shapes)
    assert [r.shape for r in report.results] == [KGSH["Labelled-prefLabel"]]


def test_default_shapes_and_data_untouched():
    graph = Graph().parse(data=CONTRADICTION, format="turtle")
    size = len(graph)
    report = validate(graph)
    assert len(report.results) == 2
    assert len(graph) == size


def test_ill_typed_literals_do_not_log_tracebacks(shapes, caplog):
    with caplog.at_level(logging.WARNING):
        report = validate(WORLD + 'person:x schema:startDate "2019-02-30"^^xsd:date .\n', shapes)
    value = report.results[0].value
    assert (str(value), str(value.datatype)) == ("2019-02-30", XSD_DATE)
    assert not [r for r in caplog.records if "Failed to convert" in r.getMessage()]


def test_broken_sparql_is_a_shapes_error():
    shapes = PREFIXES + """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix kgsh: <https://w3id.org/kgbuild/shapes#> .
kgsh:X a sh:NodeShape ; sh:targetClass kg:Mandate ; sh:sparql kgsh:X-query .
kgsh:X-query a sh:SPARQLConstraint ; sh:select "SELECT $this WHERE { $this ?p }" .
"""
    with pytest.raises(ShapesError):
        validate(CONTRADICTION, shapes)


def test_inferred_data_of_a_valid_graph_conforms(shapes):
    """The shapes hold on asserted + OWL-RL inferred triples (mandates become memberships)."""
    reason = pytest.importorskip("kgbuild.reason")
    data = CONTRADICTION.replace(', "2020"^^xsd:gYear', "").replace(
        "kg:mandateState kg:Ended ;", 'kg:mandateState kg:Ended ; '
                                      'schema:endDate "2022-07-04"^^xsd:date ;')
    data += """
evidence:vasseur-mer kg:reviewStatus kg:Reviewed .
person:paul a schema:Person ; skos:prefLabel "Paul Marin"@fr .
<https://w3id.org/kgbuild/id/campaign-role/paul> a kg:CampaignRole ; kg:campaigner person:paul ;
    kg:roleDescription "porte-parole"@fr ; kg:evidence evidence:vasseur-fin ;
    kg:reviewStatus kg:Proposed .
"""
    asserted = Graph().parse(data=data, format="turtle")
    union = Graph()
    for triple in asserted:
        union.add(triple)
    for triple in reason.infer(asserted):
        union.add(triple)
    assert (MANDATE, URIRef("http://www.w3.org/ns/org#organization"), None) in union
    report = validate(union, shapes)
    assert report.results == ()


# -- kgbuild validate on large files: the shapes compiled to SPARQL (kgbuild.shaclsparql) ---------

@pytest.mark.parametrize("build_files", ["seed", "synthetic with faults"])
def test_both_engines_report_the_same_results_on_files(build_files, seed_build, tmp_path):
    if build_files == "seed":
        files = [seed_build.outputs["graph"], seed_build.outputs["inferred"]]
    else:
        from kgbuild import build
        from kgbuild.synthetic import generate

        generate(tmp_path / "data", 60, seed=2, faults=4)
        built = build(tmp_path / "data", tmp_path / "out", backend="oxigraph", cache_dir=False)
        assert built.summary["violations"] >= 4
        files = [built.outputs["graph"], built.outputs["inferred"]]
    reference = validate_files(files, engine="pyshacl")
    compiled = validate_files(files, engine="sparql")
    assert compiled.text() == reference.text()
    assert compiled.to_json() == reference.to_json()
    assert compiled.conforms is reference.conforms


def test_auto_uses_sparql_for_large_files(seed_build, monkeypatch):
    import importlib

    module = importlib.import_module("kgbuild.validate")  # the package exports a function so named
    files = [seed_build.outputs["graph"], seed_build.outputs["inferred"]]

    def no_pyshacl(*args, **kwargs):
        raise AssertionError("pyshacl ran")

    monkeypatch.setattr(module.pyshacl, "validate", no_pyshacl)
    monkeypatch.setattr(module, "SPARQL_FROM_BYTES", 1000)
    assert validate_files(files, engine="auto").conforms
    monkeypatch.setattr(module, "SPARQL_FROM_BYTES", 10**9)
    with pytest.raises(AssertionError, match="pyshacl ran"):
        validate_files(files, engine="auto")


def test_an_unknown_engine_is_refused(seed_build):
    with pytest.raises(ValueError, match="engine 'jena' is not valid"):
        validate_files([seed_build.outputs["graph"]], engine="jena")
