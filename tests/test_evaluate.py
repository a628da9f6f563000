"""kgbuild.evaluate: the matching rules and the arithmetic, on small hand-made sets."""

from __future__ import annotations

import json

import pytest

from kgbuild.evaluate import EntityMatcher, Score, Side, evaluate, facts, score_source
from kgbuild.registry import Registry

from .conftest import write_mini_data

GOLD_REGISTRY = Registry({}, "gold")


def side(**sections) -> Side:
    return Side.from_registry(Registry({}, "x"), sections)


GOLD = side(
    persons=[{"id": "claire-vasseur", "label": "Claire Vasseur"},
             {"id": "paul-marin", "label": "Paul Marin"}],
    organisations=[{"id": "gouv", "label": "Gouvernement"}],
    posts=[{"id": "se-mer", "label": "secrétaire d'État chargé de la Mer",
            "organisation": "gouv"}],
    programmes=[{"id": "ocean", "label": "fonds Océan Avenir"}],
)
PROPOSED = side(
    persons=[{"id": "claire-vasseur-2", "label": "Claire Vasseur"},
             {"id": "p-marin", "label": "M. Paul Marin"}],
    organisations=[{"id": "gouvernement", "label": "Gouvernement"}],
    posts=[{"id": "secretaire-etat-mer", "label": "secrétaire d'État chargée de la Mer",
            "organisation": "gouvernement"}],
    programmes=[{"id": "p-ocean", "label": "Océan Avenir"}],
)


def mandate(holder, post, **fields):
    return {"type": "mandate", "fields": {"holder": holder, "post": post, **fields}}


def test_entities_match_by_normalised_name_and_post_title():
    m = EntityMatcher(GOLD, PROPOSED)
    assert m.same("claire-vasseur-2", "claire-vasseur")
    assert m.same("p-marin", "paul-marin")  # civility dropped
    assert m.same("secretaire-etat-mer", "se-mer")  # gender folded
    assert m.same("p-ocean", "ocean")  # « fonds » dropped
    assert not m.same("p-marin", "claire-vasseur")


def test_strict_partial_and_identity_scores():
    gold = facts([mandate("claire-vasseur", "se-mer", start="2020-05"),
                  mandate("paul-marin", "se-mer", end="2020-05")], GOLD.kinds)
    proposed = facts([mandate("claire-vasseur-2", "secretaire-etat-mer", start="2020-05"),
                      mandate("p-marin", "secretaire-etat-mer", end="2020"),
                      mandate("p-marin", "secretaire-etat-mer-2")], PROPOSED.kinds)
    scores = score_source(proposed, gold, EntityMatcher(GOLD, PROPOSED))
    mandates = scores["mandates"]
    assert (mandates.gold, mandates.proposed, mandates.matched) == (2, 3, 2)
    # the second proposal has the right key but an end at year precision: half a date
    assert mandates.strict == 1
    assert mandates.partial == pytest.approx(1 + (1 + 1 + 0.5) / 3)
    d = mandates.as_dict()
    assert d["precision"] == 0.333 and d["recall"] == 0.5 and d["f1"] == 0.4
    assert d["f1_identity"] == 0.8
    assert scores["persons"].as_dict()["f1"] == 1.0


def test_programmes_compare_launcher_dates_and_budget():
    gold = facts([{"type": "programme", "fields": {
        "programme": "ocean", "launched_by": ["claire-vasseur"], "launched": "2021-06-03",
        "budget": {"amount": "250000000", "currency": "EUR", "bound": "exact"}}}], GOLD.kinds)
    right = facts([{"type": "programme", "fields": {
        "programme": "p-ocean", "launched_by": ["claire-vasseur-2"], "launched": "2021-06-03",
        "budget": {"amount": "250000000", "currency": "EUR", "bound": "exact"}}}],
        PROPOSED.kinds)
    wrong_budget = facts([{"type": "programme", "fields": {
        "programme": "p-ocean", "launched_by": ["claire-vasseur-2"], "launched": "2021-06-03",
        "budget": {"amount": "25000000", "currency": "EUR", "bound": "exact"}}}],
        PROPOSED.kinds)
    m = EntityMatcher(GOLD, PROPOSED)
    assert score_source(right, gold, m)["programmes"].strict == 1
    score = score_source(wrong_budget, gold, m)["programmes"]
    assert score.strict == 0 and score.partial == pytest.approx(3 / 4)


def test_prf_edge_cases():
    assert Score.prf(0, 0, 0) == (1.0, 1.0, 1.0)
    assert Score.prf(0, 3, 0) == (0.0, 1.0, 0.0)


def test_evaluate_a_folder_of_proposed_files(tmp_path):
    data = write_mini_data(tmp_path)
    proposed = tmp_path / "proposed"
    proposed.mkdir()
    (proposed / "mini.yaml").write_text("""\
source: mini
status: proposed
entities:
  persons:
    - id: claire-vasseur-x
      label: "Claire Vaseur"
claims:
  - id: p1
    type: mandate
    holder: claire-vasseur-x
    post: secretaire-etat-mer
    start: 2020-05
    quotes: ["Claire Vasseur succède à Paul Marin"]
    confidence: 0.8
    produced_by: "rule:succession"
""", encoding="utf-8")
    # « Claire Vaseur » is a misspelling the gold registry lists: the same person
    report = evaluate(data, proposed)
    assert report.scores["mandates"].as_dict()["f1"] == 1.0
    assert report.scores["programmes"].as_dict()["recall"] == 0.0
    assert json.loads(report.to_json())["scores"]["mandates"]["gold"] == 1
    assert "mandates" in report.table()
