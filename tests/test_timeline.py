"""The timeline picture (issue 3): who it shows, how it finds a person, and byte-stable files."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kgbuild.commands.export import timeline as timeline_command
from kgbuild.errors import ExportError
from kgbuild.rdfio import parse_rdf, to_turtle
from kgbuild.timeline import render_timeline, resolve_person, timeline_rows, timeline_text
from kgbuild.vocab import KGID

from .test_export import PREFIXES, RECONCILED

# every encoding at once: month/year/day precisions, an ongoing mandate, an end without a
# start, an undated mandate, a candidacy known to the month, a person with nothing dated
EVERYTHING = RECONCILED + """
mandate:jean-martin--conseiller a kg:Mandate ; kg:holder person:jean-martin ;
    kg:post post:prefet-du-nord ; schema:endDate "2012-09"^^xsd:gYearMonth .
<https://w3id.org/kgbuild/id/candidacy/anne-dupont--lille-2020> a kg:Candidacy ;
    kg:candidate person:anne-dupont ; kg:announcementDate "2019-11"^^xsd:gYearMonth ;
    kg:election <https://w3id.org/kgbuild/id/election/lille-2020> .
<https://w3id.org/kgbuild/id/election/lille-2020> skos:prefLabel "municipales de 2020 à Lille"@fr .
person:zoe-petit a schema:Person ; skos:prefLabel "Zoé Petit"@fr .
"""
ALL_DATED = PREFIXES + """
person:a a schema:Person ; skos:prefLabel "A"@fr .
mandate:a--p a kg:Mandate ; kg:holder person:a ; kg:post post:p ;
    schema:startDate "2018-05-02"^^xsd:date ; schema:endDate "2019-03-29"^^xsd:date .
post:p skos:prefLabel "poste"@fr .
"""


@pytest.fixture(scope="module")
def seed_graph(seed_build):
    return seed_build.asserted


@pytest.mark.parametrize("name", [
    "mounir-mahjoubi", "person:mounir-mahjoubi", str(KGID["person/mounir-mahjoubi"]),
    "Mounir Mahjoubi", "MOUNIR MAHJOUBI", "mahjoubi", "Mounir Majhoubi", "  mounir   mahjoubi ",
])
def test_a_person_is_found_by_id_iri_label_alias_or_misspelling(seed_graph, name):
    assert resolve_person(seed_graph, name) == KGID["person/mounir-mahjoubi"]


def test_names_match_without_accents(seed_graph):
    assert resolve_person(seed_graph, "benoit thieulin") == KGID["person/benoit-thieulin"]
    assert resolve_person(seed_graph, "Delphine GENY-STEPHANN") == \
        KGID["person/delphine-geny-stephann"]


def test_an_unknown_person_is_refused_with_the_known_ones(seed_graph):
    with pytest.raises(ExportError) as caught:
        resolve_person(seed_graph, "Cédric O")
    assert str(caught.value) == (
        "unknown person 'Cédric O'\n  hint: known persons: Benoît Thieulin (benoit-thieulin), "
        "David Monteau (david-monteau), Delphine Gény-Stephann (delphine-geny-stephann), "
        "Emmanuel Macron (emmanuel-macron), François Hollande (francois-hollande), "
        "Kat Borlongan (kat-borlongan), Mounir Mahjoubi (mounir-mahjoubi), "
        "Sundar Pichai (sundar-pichai)")


def test_a_name_shared_by_two_persons_is_refused():
    graph = parse_rdf(PREFIXES + """
        person:a a schema:Person ; skos:prefLabel "Jean Martin"@fr .
        person:b a schema:Person ; skos:altLabel "jean martin"@fr .
    """)
    with pytest.raises(ExportError, match="'Jean Martin' names 2 persons: a, b"):
        resolve_person(graph, "Jean Martin")


def test_the_seed_rows_earliest_first_undated_mandates_kept(seed_graph):
    assert timeline_text(timeline_rows(seed_graph)) == """\
François Hollande
  candidacy: 2012 presidential election (2012)
Mounir Mahjoubi
  mandate: President of the French Digital Council (2016-02)
  mandate: Secretary of State for Digital Affairs (2017-05, 2019-03-29)
  candidacy: 2020 Paris municipal election (2019-03-06)
Kat Borlongan
  mandate: Director of the Mission French Tech (2018-05)
Benoît Thieulin
  mandate: President of the French Digital Council (dates unknown)
David Monteau
  mandate: Director of the Mission French Tech (dates unknown)
Delphine Gény-Stephann
  mandate: Secretary of State to the Minister of the Economy and Finance (dates unknown)
Emmanuel Macron
  candidacy: presidential election (dates unknown)
Sundar Pichai
  mandate: head of Google (dates unknown)
"""


def test_a_person_with_no_dated_mandate_still_appears(seed_graph):
    result = render_timeline(seed_graph, person="Sundar Pichai")
    assert result.report.counts == {"persons": 1, "mandates": 1, "candidacies": 0}
    assert [n.message for n in result.report.of("incomplete")] == [
        "no date: drawn under 'dates unknown'"]
    rows = timeline_rows(seed_graph, "sundar-pichai", lang="fr")
    assert timeline_text(rows) == "Sundar Pichai\n  mandate: dirigeant de Google (dates unknown)\n"


def test_a_person_with_nothing_is_drawn_with_a_note():
    graph = parse_rdf(EVERYTHING)
    rows = timeline_rows(graph, "Zoé Petit")
    assert [(r.label, r.lanes) for r in rows] == [("Zoé Petit", ())]
    assert render_timeline(graph, person="zoe petit").content.startswith(b"<?xml")


def test_the_svg_is_byte_stable_and_carries_no_date(seed_graph):
    first = render_timeline(seed_graph).content
    assert first == render_timeline(seed_graph).content
    assert first.startswith(b"<?xml") and b"<dc:date>" not in first
    assert b"<dc:title>kgbuild</dc:title>" in first


def test_the_svg_does_not_depend_on_the_hash_seed(tmp_path):
    import subprocess
    import sys

    (tmp_path / "kg.ttl").write_text(EVERYTHING, encoding="utf-8")
    script = ("import sys; from kgbuild.export import load_graph; "
              "from kgbuild.timeline import render_timeline; "
              "sys.stdout.buffer.write(render_timeline(load_graph(sys.argv[1])).content)")
    outputs = {subprocess.run([sys.executable, "-c", script, str(tmp_path / "kg.ttl")],
                              env={"PYTHONHASHSEED": seed}, capture_output=True,
                              check=True).stdout for seed in ("1", "2")}
    assert len(outputs) == 1


def test_the_png_is_byte_stable(seed_graph):
    first = render_timeline(seed_graph, format="png").content
    assert first.startswith(b"\x89PNG\r\n\x1a\n")
    assert first == render_timeline(seed_graph, format="png").content


def test_unknown_ends_are_hatched_and_known_ones_are_not():
    def hatched(text):  # patches filled with a hatch pattern; the legend has one
        return render_timeline(parse_rdf(text)).content.count(b"url(#h")

    assert hatched(ALL_DATED) == 1
    assert hatched(EVERYTHING) == 2       # jean-martin--conseiller: an end without a start


def test_the_picture_reports_the_undated_items():
    report = render_timeline(parse_rdf(EVERYTHING), lang="fr").report
    assert [(n.subject, n.message) for n in report.of("incomplete")] == [
        ("mandate:jean-martin--prefet-du-nord", "no date: drawn under 'dates inconnues'")]


def test_a_graph_without_mandates_or_candidacies_is_refused():
    with pytest.raises(ExportError, match="the graph has no mandate or candidacy to draw"):
        render_timeline(parse_rdf(PREFIXES + 'person:a a schema:Person .\n'))


@pytest.mark.parametrize("options, message", [
    ({"format": "pdf"}, "cannot draw a timeline as 'pdf'\n  hint: choose one of: svg, png"),
    ({"lang": "de"}, "unknown language 'de'\n  hint: choose one of: en, fr"),
])
def test_bad_library_options_are_refused(options, message):
    with pytest.raises(ExportError) as caught:
        render_timeline(parse_rdf(ALL_DATED), **options)
    assert str(caught.value) == message


# -- the command -------------------------------------------------------------------------------

@pytest.fixture
def graph_file(tmp_path):
    path = tmp_path / "kg.ttl"
    path.write_text(to_turtle(parse_rdf(EVERYTHING)), encoding="utf-8")
    return path


def invoke(*args):
    return CliRunner().invoke(timeline_command, [str(a) for a in args])


@pytest.mark.parametrize("suffix, magic", [(".svg", b"<?xml"), (".png", b"\x89PNG"),
                                           (".SVG", b"<?xml")])
def test_timeline_writes_the_picture(graph_file, tmp_path, suffix, magic):
    target = tmp_path / "pictures" / f"timeline{suffix}"
    result = invoke("--graph", graph_file, "--person", "anne dupont", "-o", target)
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(magic)
    assert result.stderr == (f"Wrote {target}\nTimeline ({suffix[1:].upper()}): persons: 1, "
                             "mandates: 2, candidacies: 1\n")


def test_timeline_refuses_another_extension(graph_file, tmp_path):
    result = invoke("--graph", graph_file, "-o", tmp_path / "timeline.pdf")
    assert result.exit_code == 2
    assert result.stderr.endswith(f"Error: Invalid value for '-o' / '--output': "
                                  f"'{tmp_path / 'timeline.pdf'}' must end in .svg or .png\n")
    assert not (tmp_path / "timeline.pdf").exists()


def test_timeline_refuses_an_unknown_person_with_the_known_ones(graph_file, tmp_path):
    result = invoke("--graph", graph_file, "--person", "Paul", "-o", tmp_path / "t.svg")
    assert result.exit_code == 2
    assert result.stderr == ("Error: unknown person 'Paul'\n  hint: known persons: Anne Dupont "
                             "(anne-dupont), Jean Martin (jean-martin), Zoé Petit (zoe-petit)\n")
    assert not (tmp_path / "t.svg").exists()


def test_timeline_without_a_graph_says_to_build(tmp_path):
    result = invoke("--graph", tmp_path / "kg.ttl", "-o", tmp_path / "t.svg")
    assert result.exit_code == 2
    assert result.stderr == (f"Error: no graph at {tmp_path / 'kg.ttl'}\n  hint: run `kgbuild "
                             "build` first, or choose a graph with --graph FILE\n")


def test_timeline_needs_an_output(graph_file):
    result = invoke("--graph", graph_file)
    assert result.exit_code == 2 and "Missing option '-o' / '--output'" in result.stderr


# -- one person of a large graph, read through Oxigraph ------------------------------------------

SEED_PERSONS = ["Mounir Mahjoubi", "benoit thieulin", "person:kat-borlongan", "sundar-pichai",
                "François Hollande", "Emmanuel Macron", "Mounir Majhoubi"]


@pytest.fixture(scope="module")
def seed_store(seed_build):
    from kgbuild.store import load_files

    return load_files([seed_build.outputs["graph"]])


@pytest.fixture(scope="module")
def kept_store(tmp_path_factory):
    """A store as `kgbuild build --store` keeps it: the entailments in a named graph."""
    from kgbuild import build

    from .conftest import SEED_DATA

    folder = tmp_path_factory.mktemp("kept")
    return build(SEED_DATA, folder / "out", backend="oxigraph", store_path=folder / "store").store


@pytest.mark.parametrize("name", SEED_PERSONS)
@pytest.mark.parametrize("store", ["seed_store", "kept_store"])
def test_a_person_read_from_a_store_is_drawn_as_from_the_whole_graph(seed_graph, request,
                                                                   store, name):
    from kgbuild.timeline import person_graph

    part = person_graph(request.getfixturevalue(store), name)
    assert len(part) < len(seed_graph) / 4
    for lang in ("en", "fr"):
        whole = render_timeline(seed_graph, person=name, lang=lang)
        drawn = render_timeline(part, person=name, lang=lang)
        assert drawn.content == whole.content
        assert drawn.report.text() == whole.report.text()


def test_a_person_the_store_does_not_know_is_refused_as_by_the_whole_graph(seed_graph,
                                                                          seed_store):
    from kgbuild.timeline import person_graph

    with pytest.raises(ExportError) as from_store:
        person_graph(seed_store, "Cédric O")
    with pytest.raises(ExportError) as from_graph:
        resolve_person(seed_graph, "Cédric O")
    assert str(from_store.value) == str(from_graph.value)


def test_timeline_of_a_person_from_a_kept_store(seed_build, kept_store, tmp_path):
    folder = tmp_path / "store"
    kept_store.backup(str(folder))  # a copy: the fixture's store stays open
    target, whole = tmp_path / "t.svg", tmp_path / "whole.svg"
    result = invoke("--store", folder, "--person", "Mounir Mahjoubi", "-o", target)
    assert result.exit_code == 0, result.output
    invoke("--graph", seed_build.outputs["graph"], "--person", "Mounir Mahjoubi", "-o", whole)
    assert target.read_bytes() == whole.read_bytes()
    assert result.stderr == (f"Wrote {target}\nTimeline (SVG): persons: 1, mandates: 2, "
                             "candidacies: 1\n")


@pytest.mark.parametrize("args", [[], ["--graph", "kg.ttl", "--person", "x"]])
def test_timeline_from_a_store_needs_a_person_and_no_graph(tmp_path, args):
    result = invoke("--store", tmp_path, *args, "-o", tmp_path / "t.svg")
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: --store needs --person, and cannot be used with "
                                  "--graph\n")


def test_an_unknown_name_among_many_persons_suggests_the_closest():
    many = PREFIXES + "".join(
        f'person:p{i} a schema:Person ; skos:prefLabel "{name}"@fr .\n'
        for i, name in enumerate(["Anne Dupont", "Jeanne Martin", "Paul Durand", "Luc Petit",
                                  "Marie Leroy", "Claire Moreau", "Jean Simon", "Louis Michel",
                                  "Julie Garcia", "Hugo David", "Emma Bertrand", "Léa Roux",
                                  "Tom Vincent"]))
    graph = parse_rdf(many)
    with pytest.raises(ExportError) as caught:
        resolve_person(graph, "Jeanne Martine")
    assert caught.value.hint == "did you mean Jeanne Martin (p1)?"
    with pytest.raises(ExportError) as caught:
        resolve_person(graph, "Xavier Zorro")
    assert caught.value.hint == ("none of the 13 persons is named so; "
                                 "`kgbuild query persons` lists them all")


@pytest.mark.parametrize("name", ["kat-borlongan", "person:kat-borlongan",
                                  "<https://w3id.org/kgbuild/id/person/kat-borlongan>"])
def test_an_id_is_looked_up_without_reading_every_name(seed_store, monkeypatch, name):
    from kgbuild import timeline

    def refuse(*args):
        raise AssertionError("every person's names were read")

    monkeypatch.setattr(timeline, "resolve_person", refuse)
    part = timeline.person_graph(seed_store, name)
    assert KGID["person/kat-borlongan"] in set(part.subjects())
