"""Exports: Turtle, JSON-LD, CSV tables and QuickStatements (issue 3).

Every QuickStatements line is checked against the V1 grammar of Help:QuickStatements; the
graphs are inlined as Turtle so each test shows what it exports.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, SKOS

from kgbuild.commands.export import export as export_command
from kgbuild.errors import ExportError
from kgbuild.export import (clean, export, export_csv, export_jsonld, export_quickstatements,
                            open_graph,
                            export_turtle, load_graph, read_mandates)
from kgbuild.rdfio import parse_rdf, to_turtle
from kgbuild.vocab import KGID

PREFIXES = """\
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix kg: <https://w3id.org/kgbuild/ns#> .
@prefix mandate: <https://w3id.org/kgbuild/id/mandate/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix organisation: <https://w3id.org/kgbuild/id/organisation/> .
@prefix person: <https://w3id.org/kgbuild/id/person/> .
@prefix post: <https://w3id.org/kgbuild/id/post/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix source: <https://w3id.org/kgbuild/id/source/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
# Anne Dupont (Q1001) was twice maire de Lille (Q2001); Jean Martin, between her mandates, has
# no QID; the préfet du Nord post has none either. s1 is a complete source, s2 a title only.
RECONCILED = PREFIXES + """
person:anne-dupont a schema:Person ; skos:prefLabel "Anne Dupont"@fr, "Anne Dupont"@en ;
    kg:wikidata "Q1001" .
person:jean-martin a schema:Person ; skos:prefLabel "Jean Martin"@fr, "Jean Martin"@en ;
    skos:altLabel "J. Martin"@fr ; schema:description "haut fonctionnaire français"@fr .
post:maire-de-lille a org:Post ; skos:prefLabel "maire de Lille"@fr ; kg:wikidata "Q2001" .
post:prefet-du-nord a org:Post ; skos:prefLabel "préfet du Nord"@fr .
organisation:journal a org:Organization ; skos:prefLabel "Le Journal"@fr ; kg:wikidata "Q3001" .
mandate:anne-dupont--maire-de-lille--1 a kg:Mandate ; kg:holder person:anne-dupont ;
    kg:post post:maire-de-lille ; schema:startDate "2008-03"^^xsd:gYearMonth ;
    schema:endDate "2014"^^xsd:gYear ; kg:successor person:jean-martin ;
    prov:wasDerivedFrom source:s1 .
mandate:anne-dupont--maire-de-lille--2 a kg:Mandate ; kg:holder person:anne-dupont ;
    kg:post post:maire-de-lille ; schema:startDate "2020-07-03"^^xsd:date ;
    kg:predecessor person:jean-martin ; kg:mandateState kg:Ongoing ;
    prov:wasDerivedFrom source:s1, source:s2 .
mandate:jean-martin--maire-de-lille a kg:Mandate ; kg:holder person:jean-martin ;
    kg:post post:maire-de-lille ; schema:startDate "2014"^^xsd:gYear ;
    schema:endDate "2020-07"^^xsd:gYearMonth ; kg:predecessor person:anne-dupont ;
    prov:wasDerivedFrom source:s2 .
mandate:jean-martin--prefet-du-nord a kg:Mandate ; kg:holder person:jean-martin ;
    kg:post post:prefet-du-nord ; prov:wasDerivedFrom source:s2 .
source:s1 a kg:Source ; dcterms:title "Anne Dupont réélue à Lille"@fr ;
    schema:url <https://example.org/articles/dupont-reelue> ;
    dcterms:issued "2020-07-04"^^xsd:date ; kg:retrieved "2024-01-02"^^xsd:date ;
    dcterms:publisher organisation:journal .
source:s2 a kg:Source ; dcterms:title "Lille : la passation"@fr .
"""
S1 = ('S854\t"https://example.org/articles/dupont-reelue"\tS1476\tfr:"Anne Dupont réélue à '
      'Lille"\tS577\t+2020-07-04T00:00:00Z/11\tS813\t+2024-01-02T00:00:00Z/11\tS123\tQ3001')


@pytest.fixture
def reconciled() -> Graph:
    return parse_rdf(RECONCILED)


# -- a validator for the QuickStatements V1 grammar (Help:QuickStatements) ------------------

ITEM = r"(?:Q[1-9]\d*|LAST)"
STRING = r'"[^"\t|\\\n\r]*"'
TIME = r"\+\d{4}-\d\d-\d\dT00:00:00Z/(?:9|10|11)"
VALUE = rf"(?:{ITEM}|{STRING}|[a-z]{{2,3}}:{STRING}|{TIME})"
TERM_LINE = re.compile(rf"^LAST\t[LDA][a-z]{{2,3}}\t{STRING}$")
STATEMENT_LINE = re.compile(
    rf"^(?P<item>\+?{ITEM})\t(?P<prop>!?P\d+)\t{VALUE}((?:\tP\d+\t{VALUE})*)"
    rf"((?:\t!?S\d+\t{VALUE})*)$")


def check_v1(text: str) -> list[str]:
    """Assert every line is a V1 command; return the lines."""
    assert text == "" or text.endswith("\n")
    lines = text.splitlines()
    created = False
    for number, line in enumerate(lines, start=1):
        if line == "CREATE":
            created = True
            continue
        assert TERM_LINE.match(line) or STATEMENT_LINE.match(line), f"line {number}: {line!r}"
        assert "LAST" not in line.split("\t")[0] or created, f"LAST before CREATE: {line!r}"
        for time in re.findall(r"\+(\d{4})-(\d\d)-(\d\d)T00:00:00Z/(\d+)", line):
            _, month, day, precision = time
            assert (month == "00") == (precision == "9"), line
            assert (day == "00") == (precision in ("9", "10")), line
        columns = line.split("\t")
        keys = columns[3::2]
        sources = [i for i, key in enumerate(keys) if key.lstrip("!").startswith("S")]
        assert all(i > q for i in sources for q, key in enumerate(keys) if key.startswith("P")), \
            f"a qualifier after a source: {line!r}"
    return lines


# -- QuickStatements ---------------------------------------------------------------------------

def test_quickstatements_v1_for_a_reconciled_graph(reconciled):
    result = export_quickstatements(reconciled)
    assert check_v1(result.content) == [
        "Q1001\t!P39\tQ2001\tP580\t+2008-03-00T00:00:00Z/10\tP582\t+2014-00-00T00:00:00Z/9\t" + S1,
        "Q1001\t!P39\tQ2001\tP580\t+2020-07-03T00:00:00Z/11\t" + S1
        + '\t!S1476\tfr:"Lille : la passation"',
    ]


def test_two_mandates_on_one_post_are_two_new_statements(reconciled):
    lines = check_v1(export_quickstatements(reconciled).content)
    assert [line.split("\t")[:3] for line in lines] == [["Q1001", "!P39", "Q2001"]] * 2
    assert "P582" in lines[0] and "P582" not in lines[1]


def test_quickstatements_3_forces_new_statements_with_a_plus(reconciled):
    lines = check_v1(export_quickstatements(reconciled, target="qs3",
                                            create_missing=True).content)
    statements = [line for line in lines if "P39" in line]
    assert statements and all(line.startswith(("+Q1001\tP39\t", "+LAST\tP39\t"))
                              for line in statements)


def test_persons_without_a_qid_are_listed_not_dropped(reconciled):
    result = export_quickstatements(reconciled)
    report = result.report
    assert "jean-martin" not in result.content and "Jean" not in result.content
    assert [n.subject for n in report.of("reconcile")] == ["person:jean-martin",
                                                           "post:prefet-du-nord"]
    assert {n.subject for n in report.of("skipped")} == {
        "mandate:jean-martin--maire-de-lille", "mandate:jean-martin--prefet-du-nord"}
    assert "reconcile it, or use --create-missing" in report.text()
    # every mandate is either written or reported
    written = result.content.count("P39")
    assert written + len(report.of("skipped")) == len(read_mandates(reconciled))


def test_create_missing_writes_a_create_block_with_labels_and_p31(reconciled):
    result = export_quickstatements(reconciled, create_missing=True)
    lines = check_v1(result.content)
    block = lines[lines.index("CREATE"):]
    assert block == [
        "CREATE",
        'LAST\tLfr\t"Jean Martin"',
        'LAST\tLen\t"Jean Martin"',
        'LAST\tDfr\t"haut fonctionnaire français"',
        'LAST\tAfr\t"J. Martin"',
        'LAST\tP31\tQ5\tS1476\tfr:"Lille : la passation"',
        "LAST\t!P39\tQ2001\tP580\t+2014-00-00T00:00:00Z/9\tP582\t+2020-07-00T00:00:00Z/10\t"
        'P1365\tQ1001\tS1476\tfr:"Lille : la passation"',
        "CREATE",
        'LAST\tLfr\t"préfet du Nord"',
        'LAST\tP31\tQ4164871\tS1476\tfr:"Lille : la passation"',
    ]
    report = result.report
    assert [n.subject for n in report.of("created")] == ["person:jean-martin",
                                                         "post:prefet-du-nord"]
    assert "no en description (Den)" in report.text()
    assert report.counts == {"statements": 5, "items to create": 2}


def test_posts_without_a_qid_are_skipped_and_reported(reconciled):
    report = export_quickstatements(reconciled, create_missing=True).report
    assert [n.message for n in report.of("skipped")] == [
        "P39 not written: post post:prefet-du-nord has no QID (needs reconciliation)"]


def test_missing_reference_parts_are_reported_never_invented(reconciled):
    result = export_quickstatements(reconciled)
    assert "S854" not in result.content.split("!S1476")[1]
    assert ("source:s2: reference without URL (S854), publication date (S577), retrieval "
            "date (S813), publisher (S123)") in result.report.text()
    assert "qualifier P1366 (replaced by) left out: person:jean-martin has no QID" \
        in result.report.text()


def test_the_seed_has_no_qid_so_nothing_is_written_and_all_is_reported(seed_build):
    result = export_quickstatements(seed_build.asserted)
    assert result.content == ""
    mandates = read_mandates(seed_build.asserted)
    assert {n.subject for n in result.report.of("skipped")} == {
        f"mandate:{m.node.split('/')[-1]}" for m in mandates}
    reconcile = {n.subject for n in result.report.of("reconcile")}
    assert {"person:mounir-mahjoubi", "post:secretaire-etat-numerique"} <= reconcile
    assert ("source:mahjoubi-quitte-cnnum: reference without URL (S854), publication date "
            "(S577), retrieval date (S813), publisher (S123)") in result.report.text()


def test_the_seed_with_qids_gives_title_only_references(seed_build):
    graph = Graph()
    for triple in seed_build.asserted:
        graph.add(triple)
    for node, qid in (("person/mounir-mahjoubi", "Q1"), ("post/secretaire-etat-numerique", "Q2"),
                      ("post/president-cnnum", "Q3")):
        graph.add((KGID[node], URIRef("https://w3id.org/kgbuild/ns#wikidata"), Literal(qid)))
    result = export_quickstatements(graph)
    lines = check_v1(result.content)
    assert lines == [
        "Q1\t!P39\tQ3\tP580\t+2016-02-00T00:00:00Z/10\t"
        'S1476\tfr:"Mounir Mahjoubi part du CNNum pour soutenir Emmanuel Macron"\t'
        '!S1476\tfr:"Mounir Mahjoubi quitte le gouvernement : 7 actions à retenir pour le '
        'numérique"',
        "Q1\t!P39\tQ2\tP580\t+2017-05-00T00:00:00Z/10\tP582\t+2019-03-29T00:00:00Z/11\t"
        'S1476\tfr:"Mounir Mahjoubi quitte le gouvernement : 7 actions à retenir pour le '
        'numérique"',
    ]
    text = result.report.text()
    assert ("source:mahjoubi-quitte-gouvernement: reference without URL (S854), publication "
            "date (S577), retrieval date (S813), publisher QID (S123: "
            "organisation:usine-digitale has none)") in text
    assert "qualifier P1365 (replaces) left out: person:benoit-thieulin has no QID" in text


@pytest.mark.parametrize("bad, what", [
    ("Jean\tMartin", "a tab"), ("Jean | Martin", "a '|'"), ('Jean "JM" Martin', "a double quote"),
    ("Jean\\Martin", "a backslash"), ("Jean\nMartin", "a line break"),
])
def test_a_value_that_would_break_a_v1_line_is_refused_naming_the_entity(reconciled, bad, what):
    person = KGID["person/jean-martin"]
    reconciled.remove((person, SKOS.prefLabel, Literal("Jean Martin", lang="fr")))
    reconciled.add((person, SKOS.prefLabel, Literal(bad, lang="fr")))
    with pytest.raises(ExportError) as caught:
        export_quickstatements(reconciled, create_missing=True)
    assert str(caught.value).startswith(f"person:jean-martin skos:prefLabel@fr: {bad!r} holds "
                                        f"{what}")


def test_an_unsafe_source_title_is_refused_naming_the_source(reconciled):
    source = KGID["source/s2"]
    reconciled.set((source, URIRef("http://purl.org/dc/terms/title"),
                    Literal('Lille | "la passation"', lang="fr")))
    with pytest.raises(ExportError, match=r"^source:s2 dcterms:title: .* holds a '\|'"):
        export_quickstatements(reconciled)


def test_the_csv_dialect_quotes_what_v1_refuses(reconciled):
    person = KGID["person/jean-martin"]
    reconciled.set((person, SKOS.altLabel, Literal('Jean "JM" | Martin', lang="fr")))
    text = export_quickstatements(reconciled, format="csv", create_missing=True).content
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["qid", "Lfr", "Len", "Dfr", "Afr", "P31", "P39", "qal580", "qal582",
                       "qal1365", "S1476"]
    assert rows[1] == ["", "Jean Martin", "Jean Martin", "haut fonctionnaire français",
                       'Jean "JM" | Martin', "Q5", "Q2001", "+2014-00-00T00:00:00Z/9",
                       "+2020-07-00T00:00:00Z/10", "Q1001", 'fr:"Lille : la passation"']
    reconciled.set((person, SKOS.altLabel, Literal("Jean\tMartin", lang="fr")))
    with pytest.raises(ExportError, match="holds a tab"):
        export_quickstatements(reconciled, format="csv", create_missing=True)


def test_the_csv_dialect_cannot_split_two_mandates_on_one_post_so_it_says_so(reconciled):
    result = export_quickstatements(reconciled, format="csv")
    assert result.content == "qid,P39\r\n"
    skipped = {n.subject: n.message for n in result.report.of("skipped")}
    assert skipped["mandate:anne-dupont--maire-de-lille--1"] == (
        "P39 not written: the CSV dialect cannot keep apart the 2 mandates on "
        "post:maire-de-lille (no new-statement syntax); use --format v1")


def test_the_csv_dialect_writes_one_row_per_reference():
    graph = parse_rdf(RECONCILED.replace(
        'kg:post post:maire-de-lille ; schema:startDate "2020-07-03"',
        'kg:post post:conseil ; schema:startDate "2020-07-03"') + """
        post:conseil a org:Post ; skos:prefLabel "conseiller"@fr ; kg:wikidata "Q2002" .
    """)
    rows = list(csv.DictReader(io.StringIO(export_quickstatements(graph, format="csv").content)))
    assert [(r["qid"], r["P39"], r["qal580"], r["S1476"]) for r in rows] == [
        ("Q1001", "Q2001", "+2008-03-00T00:00:00Z/10", 'fr:"Anne Dupont réélue à Lille"'),
        ("Q1001", "Q2002", "+2020-07-03T00:00:00Z/11", 'fr:"Anne Dupont réélue à Lille"'),
        ("Q1001", "Q2002", "", 'fr:"Lille : la passation"'),
    ]
    assert rows[0]["s854"] == '"https://example.org/articles/dupont-reelue"'
    assert rows[2]["s854"] == ""


def test_a_malformed_qid_is_refused(reconciled):
    reconciled.set((KGID["post/maire-de-lille"], URIRef("https://w3id.org/kgbuild/ns#wikidata"),
                    Literal("Lille")))
    with pytest.raises(ExportError, match="post:maire-de-lille kg:wikidata 'Lille' is not a "
                                          "Wikidata QID"):
        export_quickstatements(reconciled)


@pytest.mark.parametrize("options, message", [
    ({"format": "v2"}, "unknown QuickStatements format 'v2'\n  hint: choose one of: v1, csv"),
    ({"target": "qs1"}, "unknown QuickStatements target 'qs1'\n  hint: choose one of: qs2, qs3"),
])
def test_unknown_quickstatements_options_are_refused(reconciled, options, message):
    with pytest.raises(ExportError) as caught:
        export_quickstatements(reconciled, **options)
    assert str(caught.value) == message


# -- CSV tables --------------------------------------------------------------------------------

def test_the_mandates_table_is_rfc_4180_sorted_by_iso_date_across_precisions():
    graph = parse_rdf(PREFIXES + """
        person:a a schema:Person ; skos:prefLabel "A, \\"dite\\" B"@fr .
        mandate:m1 a kg:Mandate ; kg:holder person:a ; kg:post post:p ;
            schema:startDate "2018-05"^^xsd:gYearMonth .
        mandate:m2 a kg:Mandate ; kg:holder person:a ; kg:post post:p ;
            schema:startDate "2018"^^xsd:gYear .
        mandate:m3 a kg:Mandate ; kg:holder person:a ; kg:post post:p ;
            schema:startDate "2017-12-31"^^xsd:date .
        mandate:m4 a kg:Mandate ; kg:holder person:a ; kg:post post:p .
    """)
    text = export_csv(graph).content
    assert text.count("\r\n") == 5 and "\n" not in text.replace("\r\n", "")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [(r["mandate"], r["start"], r["start_precision"]) for r in rows] == [
        ("m3", "2017-12-31", "day"), ("m2", "2018", "year"), ("m1", "2018-05", "month"),
        ("m4", "", "")]
    assert rows[0]["holder_label"] == 'A, "dite" B'


def test_the_seed_mandates_table(seed_build):
    rows = list(csv.DictReader(io.StringIO(export_csv(seed_build.asserted).content)))
    by_id = {r["mandate"]: r for r in rows}
    assert len(rows) == len(read_mandates(seed_build.asserted))
    row = by_id["mounir-mahjoubi--secretaire-etat-numerique"]
    assert {key: row[key] for key in ("holder", "post_label", "organisation", "start",
                                      "start_precision", "end", "end_precision", "state",
                                      "end_reason", "end_decided")} == {
        "holder": "mounir-mahjoubi", "post_label": "secrétaire d'État chargé du Numérique",
        "organisation": "gouvernement-france", "start": "2017-05", "start_precision": "month",
        "end": "2019-03-29", "end_precision": "day", "state": "ending",
        "end_reason": "candidacy", "end_decided": "2019-03-27"}
    assert by_id["mounir-mahjoubi--president-cnnum"]["sources"] == \
        "mahjoubi-quitte-cnnum;mahjoubi-quitte-gouvernement"


def test_the_seed_programmes_table(seed_build):
    result = export_csv(seed_build.asserted, "programmes")
    rows = {r["programme"]: r for r in csv.DictReader(io.StringIO(result.content))}
    seed = rows["french-tech-seed"]
    assert (seed["kind"], seed["part_of"], seed["announced"], seed["planned_launch"],
            seed["budget_amount"], seed["budget_bound"], seed["budget_currency"]) == (
        "fund", "french-tech-phase-2", "2018-06", "2019", "400000000", "exact", "EUR")
    assert rows["charte-e-commerce"]["non_signatories"] == "alibaba;amazon"
    assert result.report.counts == {"rows": len(rows)}


def test_an_unknown_table_is_refused(reconciled):
    with pytest.raises(ExportError, match="unknown table 'persons'"):
        export_csv(reconciled, "persons")


# -- Turtle, JSON-LD, junk ---------------------------------------------------------------------

def junky(graph: Graph) -> Graph:
    noisy = Graph()
    for triple in graph:
        noisy.add(triple)
    person = KGID["person/anne-dupont"]
    noisy.add((Literal("Anne"), RDF.type, URIRef("http://www.w3.org/2000/01/rdf-schema#Literal")))
    noisy.add((person, OWL.sameAs, person))
    noisy.add((person, RDF.type, OWL.Thing))
    return noisy


def test_owlrl_junk_never_reaches_an_export(reconciled):
    noisy = junky(reconciled)
    kept, dropped = clean(noisy)
    assert dropped == 3 and isomorphic(kept, reconciled)
    for name in ("turtle", "jsonld"):
        result = export(noisy, name)
        assert "owl:Thing" not in result.content and "sameAs" not in result.content
        assert [n.message for n in result.report.of("filtered")] == [
            "3 junk triples (literal subjects, x owl:sameAs x, rdf:type owl:Thing or "
            "rdfs:Resource)"]


def test_the_turtle_export_is_the_canonical_turtle(reconciled):
    result = export_turtle(reconciled, header="Exported by kgbuild from kg.ttl")
    assert result.content == to_turtle(reconciled, header="Exported by kgbuild from kg.ttl")
    assert isomorphic(parse_rdf(result.content), reconciled)


def test_the_jsonld_export_is_sorted_stable_and_round_trips(seed_build):
    first = export_jsonld(seed_build.asserted).content
    assert first == export_jsonld(seed_build.asserted).content
    document = json.loads(first)
    assert document["@context"]["kg"] == "https://w3id.org/kgbuild/ns#"
    ids = [node["@id"] for node in document["@graph"]]
    assert ids == sorted(ids)
    back = Graph().parse(data=first, format="json-ld")
    assert isomorphic(back, seed_build.asserted)


def test_an_unknown_format_is_refused(reconciled):
    with pytest.raises(ExportError) as caught:
        export(reconciled, "rdfxml")
    assert str(caught.value) == ("unknown export format 'rdfxml'\n"
                                 "  hint: choose one of: turtle, jsonld, csv, quickstatements")


def test_load_graph_says_to_build_first(tmp_path):
    with pytest.raises(ExportError) as caught:
        load_graph(tmp_path / "kg.ttl")
    assert str(caught.value) == (f"no graph at {tmp_path / 'kg.ttl'}\n  hint: run `kgbuild "
                                 "build` first, or choose a graph with --graph FILE")
    (tmp_path / "kg.ttl").write_text(RECONCILED, encoding="utf-8")
    with pytest.raises(ExportError, match="no graph at .*kg-inferred.ttl"):
        load_graph(tmp_path / "kg.ttl", inferred=True)


# -- exports of values read from an Oxigraph store ------------------------------------------

@pytest.fixture(scope="module")
def synthetic_build(tmp_path_factory):
    """kg.ttl of 300 synthetic mandates, two in three persons, posts and organisations with a
    QID."""
    from kgbuild import build
    from kgbuild.synthetic import generate

    folder = tmp_path_factory.mktemp("synthetic-export")
    generate(folder / "data", 300, seed=3)
    build(folder / "data", folder / "build", backend="oxigraph")
    graph = folder / "build" / "kg.ttl"
    kinds = {URIRef("https://schema.org/Person"), URIRef("http://www.w3.org/ns/org#Post"),
             URIRef("http://www.w3.org/ns/org#Organization")}
    typed = parse_rdf(graph).triples((None, RDF.type, None))
    nodes = sorted({node for node, _, kind in typed if kind in kinds})
    with graph.open("a", encoding="utf-8") as stream:  # two in three reconciled
        for number, node in enumerate(nodes):
            if number % 3:
                stream.write(f'<{node}> <https://w3id.org/kgbuild/ns#wikidata> "Q{number + 1}" .\n')
    return graph


VALUE_EXPORTS = [(export_csv, {"table": "mandates"}), (export_csv, {"table": "programmes"}),
                 (export_quickstatements, {}), (export_quickstatements, {"format": "csv"}),
                 (export_quickstatements, {"create_missing": True, "target": "qs3"})]


@pytest.mark.parametrize("exporter, options", VALUE_EXPORTS)
def test_exports_of_values_are_the_same_from_the_oxigraph_store(synthetic_build, exporter,
                                                                options):
    from_rdflib = exporter(load_graph(synthetic_build), **options)
    from_store = exporter(open_graph(synthetic_build), **options)
    assert from_store.content == from_rdflib.content
    assert from_store.report.text() == from_rdflib.report.text()
    assert from_store.content.count("\n") > 2  # a header and rows, or statements


def test_junk_is_filtered_from_the_oxigraph_store_too(built):
    result = export_quickstatements(open_graph(built / "kg.ttl", inferred=True))
    assert [n.message for n in result.report.of("filtered")] == [
        "2 junk triples (literal subjects, x owl:sameAs x, rdf:type owl:Thing or rdfs:Resource)"]
    assert result.content == export_quickstatements(parse_rdf(RECONCILED)).content


def test_a_mandate_with_two_holders_is_read_with_the_first_in_iri_order(reconciled, tmp_path):
    mandate = next(m.node for m in read_mandates(reconciled) if "jean-martin" in str(m.node))
    reconciled.add((mandate, URIRef("https://w3id.org/kgbuild/ns#holder"),
                    KGID["person/aaron-premier"]))
    (tmp_path / "kg.ttl").write_text(to_turtle(reconciled), encoding="utf-8")
    for graph in (reconciled, open_graph(tmp_path / "kg.ttl")):
        read = next(m for m in read_mandates(graph) if m.node == mandate)
        assert read.holder == KGID["person/aaron-premier"]


def test_a_graph_without_junk_is_not_copied(reconciled):
    assert clean(reconciled) == (reconciled, 0)


def test_a_note_taken_twice_is_kept_once():
    from kgbuild.export import ExportReport

    report = ExportReport("QuickStatements")
    for _ in range(3):
        report.note("skipped", "person:x", "no QID")
    report.note("skipped", "person:y", "no QID")
    assert [n.subject for n in report.notes] == ["person:x", "person:y"]


# -- the commands ------------------------------------------------------------------------------

@pytest.fixture
def built(tmp_path):
    """A build folder with kg.ttl and a kg-inferred.ttl that carries owlrl-style junk."""
    (tmp_path / "kg.ttl").write_text(RECONCILED, encoding="utf-8")
    (tmp_path / "kg-inferred.ttl").write_text(PREFIXES + """
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        person:anne-dupont a <http://www.w3.org/ns/prov#Person>, owl:Thing ;
            owl:sameAs person:anne-dupont .
    """, encoding="utf-8")
    return tmp_path


def invoke(*args):
    return CliRunner().invoke(export_command, [str(a) for a in args])


def test_export_turtle_to_stdout_and_to_a_file(built):
    result = invoke("turtle", "--graph", built / "kg.ttl")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Exported by kgbuild from kg.ttl\n@prefix")
    assert result.stderr == f"Turtle: triples: {len(parse_rdf(RECONCILED))}\n"
    target = built / "out" / "all.ttl"
    result = invoke("turtle", "--graph", built / "kg.ttl", "--inferred", "-o", target)
    assert result.exit_code == 0 and result.stdout == ""
    text = target.read_text(encoding="utf-8")
    assert "prov:Person" in text and "owl:Thing" not in text and "sameAs" not in text
    assert text.startswith("# Exported by kgbuild from kg.ttl and kg-inferred.ttl")
    assert result.stderr.startswith(f"Wrote {target}\nTurtle: triples: ")
    assert "Filtered out:\n  2 junk triples" in result.stderr


def test_export_quickstatements_prints_the_summary_on_stderr(built):
    result = invoke("quickstatements", "--graph", built / "kg.ttl")
    assert result.exit_code == 0
    check_v1(result.stdout)
    assert result.stdout.count("!P39") == 2
    assert result.stderr.startswith("QuickStatements V1 (qs2): statements: 2, items to "
                                    "create: 0\nNeeds reconciliation (no kg:wikidata QID):\n"
                                    "  person:jean-martin: 'Jean Martin' has no QID\n")


def test_export_csv_and_jsonld_commands(built):
    result = invoke("csv", "--graph", built / "kg.ttl", "--table", "mandates")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("mandate,holder,holder_label,post")
    result = invoke("jsonld", "--graph", built / "kg.ttl")
    assert result.exit_code == 0 and json.loads(result.stdout)["@graph"]


def test_a_missing_graph_exits_2_and_says_to_build(tmp_path):
    result = invoke("csv", "--graph", tmp_path / "kg.ttl")
    assert result.exit_code == 2
    assert result.stderr == (f"Error: no graph at {tmp_path / 'kg.ttl'}\n  hint: run `kgbuild "
                             "build` first, or choose a graph with --graph FILE\n")


def test_the_default_graph_is_build_kg_ttl(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("turtle")
    assert result.exit_code == 2 and "no graph at build/kg.ttl" in result.stderr


def test_an_unsafe_value_exits_2_naming_the_entity(built):
    (built / "kg.ttl").write_text(RECONCILED.replace('"Lille : la passation"@fr',
                                                     '"Lille | la passation"@fr'),
                                  encoding="utf-8")
    result = invoke("quickstatements", "--graph", built / "kg.ttl")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: source:s2 dcterms:title: 'Lille | la passation' "
                                    "holds a '|'")


def test_conflicting_quickstatements_options_are_refused_by_name(built):
    result = invoke("quickstatements", "--graph", built / "kg.ttl", "--format", "csv",
                    "--target", "qs3")
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: --target applies to --format v1 only: the CSV dialect "
                                  "has no new-statement syntax\n")


def test_an_unknown_table_exits_2_naming_the_choices(built):
    result = invoke("csv", "--graph", built / "kg.ttl", "--table", "persons")
    assert result.exit_code == 2
    assert "'persons' is not one of 'mandates', 'programmes'" in result.stderr


def test_the_docs_show_the_real_output(reconciled):
    from pathlib import Path

    docs = (Path(__file__).parents[1] / "docs" / "exports.md").read_text(encoding="utf-8")
    result = export_quickstatements(reconciled, create_missing=True)
    assert result.content.replace("\t", "<TAB>") in docs
    assert result.report.text() in docs


def test_the_seed_quickstatements_pass_the_syntax_check_and_carry_references(seed_build):
    """Issue 3: the seed export is valid V1 and every statement is referenced by its article."""
    graph = seed_build.outputs["graph"]
    result = export_quickstatements(parse_rdf(graph), create_missing=True)
    lines = check_v1(result.content)
    statements = [line for line in lines if re.match(r"^\+?LAST\t!?P\d+\t", line)]
    assert statements, "the seed export writes no statement"
    for line in statements:
        assert "\tS1476\tfr:\"Mounir Mahjoubi " in line, line
    created = [n.subject for n in result.report.of("created")]
    assert "person:mounir-mahjoubi" in created and "post:president-cnnum" in created
