"""Issue 4 in the build: a source without reviewed claims is extracted, its facts enter the graph
marked proposed, reviewed claims win, and an unchanged article is not analysed twice."""

from __future__ import annotations

import pytest

from kgbuild import build, run_query, validate

from .conftest import source_metadata, write_mini_data

UNREVIEWED = (
    "Paris, le 12 mars 2021.\n"
    "Julie Garnier a été nommée directrice de l'Agence nationale des ports le 1er mars 2021. "
    "Elle succède à Marc Dubreuil, qui a démissionné en janvier.\n"
)


@pytest.fixture
def unreviewed_data(tmp_path):
    data = write_mini_data(tmp_path)
    (data / "sources" / "ports.txt").write_text(UNREVIEWED, encoding="utf-8")
    (data / "sources" / "ports.yaml").write_text(
        source_metadata("ports", UNREVIEWED, published="2021-03-12"), encoding="utf-8")
    return data


def test_a_source_without_claims_is_extracted_and_its_facts_are_proposed(unreviewed_data,
                                                                         tmp_path):
    result = build(unreviewed_data, tmp_path / "out")
    assert result.conforms
    assert "extract" in result.timings
    rows = run_query("mandates", result.asserted + result.inferred).rows
    statuses = {str(row[0]): str(row[7]) for row in rows}
    assert statuses["Claire Vasseur"] == "reviewed"
    assert statuses.get("Julie Garnier") == "proposed"
    proposed = tmp_path / "out" / "cache" / "proposed" / "ports.yaml"
    assert "status: proposed" in proposed.read_text(encoding="utf-8")


def test_an_unchanged_article_is_not_analysed_again(unreviewed_data, tmp_path, monkeypatch):
    build(unreviewed_data, tmp_path / "out")
    from kgbuild.extract import nlp

    def no_nlp(*args, **kwargs):
        raise AssertionError("the NLP pipeline ran on an unchanged article")

    monkeypatch.setattr(nlp, "load_nlp", no_nlp)
    monkeypatch.setattr("kgbuild.extract.load_nlp", no_nlp)
    again = build(unreviewed_data, tmp_path / "out")
    assert again.summary["mandates"] >= 2


def test_reviewed_claims_of_a_source_mean_no_extraction(mini_data, tmp_path, monkeypatch):
    monkeypatch.setattr("kgbuild.proposals.propose_missing",
                        lambda *a, **k: pytest.fail("extraction ran"))
    assert "extract" not in build(mini_data, tmp_path / "out").timings


PROPOSED_CONTRADICTION = """\
@prefix kg: <https://w3id.org/kgbuild/ns#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/kgbuild/id/mandate/m> a kg:Mandate ;
    kg:reviewStatus kg:{status} ;
    schema:startDate "2020-05"^^xsd:gYearMonth, "2021"^^xsd:gYear .
"""


def _start_results(report):
    return [r for r in report.results if str(r.path) == "https://schema.org/startDate"
            and "MaxCount" in str(r.component)]


def test_a_contradiction_between_proposals_is_a_warning_to_review():
    report = validate(PROPOSED_CONTRADICTION.replace("{status}", "Proposed"))
    [result] = _start_results(report)
    assert result.severity == "Warning"
    assert result.message.startswith("[proposed, to review] ")


def test_a_contradiction_in_reviewed_facts_stays_a_violation():
    report = validate(PROPOSED_CONTRADICTION.replace("{status}", "Reviewed"))
    [result] = _start_results(report)
    assert result.severity == "Violation"
    assert not report.conforms
