"""Saved queries (issue 3): the exact rows of every queries/*.rq on the seed graph, parameters
that are bound and never formatted, their errors, the SPARQL 1.1 result formats, and the same
rows on rdflib, Oxigraph and a SPARQL endpoint (issue 5)."""

from __future__ import annotations

import json
import re
import urllib.parse
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from kgbuild.errors import InputError, QueryError
from kgbuild.query import (QueryResult, default_graph_files, load_graph, load_queries,
                           parse_query, run_query, sparql_term, with_values)

REPO = Path(__file__).resolve().parents[1]
KGID = "https://w3id.org/kgbuild/id/"
CNNUM, GOUV = "mahjoubi-quitte-cnnum", "mahjoubi-quitte-gouvernement"
BOTH = f"{CNNUM} | {GOUV}"
CNNUM_YAML, GOUV_YAML = f"data/claims/{CNNUM}.yaml", f"data/claims/{GOUV}.yaml"
QUERIES = load_queries()


def rows_of(result: QueryResult) -> list[tuple[str, ...]]:
    """Rows as text, kgbuild's entity IRIs shortened to kgid:… so that the tables stay readable."""
    return [tuple(v.replace(KGID, "kgid:") for v in row) for row in result.text_rows()]


@pytest.fixture(scope="session")
def graph_files(seed_build) -> list[Path]:
    return [seed_build.outputs["graph"], seed_build.outputs["inferred"]]


@pytest.fixture(scope="session")
def graph(graph_files) -> Graph:
    return load_graph(graph_files)


@pytest.fixture(scope="session")
def store(graph_files):
    pyoxigraph = pytest.importorskip("pyoxigraph")
    store = pyoxigraph.Store()
    for path in graph_files:
        store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    return store


def rows(graph, name, **params) -> list[tuple[str, ...]]:
    return rows_of(run_query(name, graph, params))


# -- every saved query, its exact rows on the seed graph ---------------------------------------

def test_the_saved_queries():
    assert list(QUERIES) == [
        "budgets", "candidacies", "evidence", "gaps", "holders", "lookup", "mandates",
        "organisation-members", "persons", "programmes", "sources", "successions", "timeline"]


def test_mandates(graph):
    assert run_query("mandates", graph).vars == (
        "person", "post", "organisation", "start", "end", "predecessor", "successor", "status",
        "source")
    assert rows(graph, "mandates") == [
        ('Benoît Thieulin', 'président du Conseil national du numérique',
         'Conseil national du numérique', '', '', '', 'Mounir Mahjoubi', 'reviewed', CNNUM),
        ('David Monteau', 'directeur de la Mission French Tech', 'Mission French Tech', '', '', '',
         'Kat Borlongan', 'reviewed', GOUV),
        ('Delphine Gény-Stephann',
         "secrétaire d'État auprès du ministre de l'Économie et des Finances",
         'Gouvernement français', '', '', '', '', 'reviewed', GOUV),
        ('Kat Borlongan', 'directeur de la Mission French Tech', 'Mission French Tech', '2018-05',
         '', 'David Monteau', '', 'reviewed', GOUV),
        ('Mounir Mahjoubi', 'président du Conseil national du numérique',
         'Conseil national du numérique', '2016-02', '', 'Benoît Thieulin', '', 'reviewed', BOTH),
        ('Mounir Mahjoubi', "secrétaire d'État chargé du Numérique", 'Gouvernement français',
         '2017-05', '2019-03-29', '', '', 'reviewed', GOUV),
        ('Sundar Pichai', 'dirigeant de Google', 'Google', '', '', '', '', 'reviewed', CNNUM),
    ]


def test_programmes(graph):
    assert rows(graph, "programmes") == [
        ('Charte e-commerce', 'charter', 'Mounir Mahjoubi', '2018', '', '', GOUV),
        ('Communautés et Capitales French Tech', 'network', '', '', '', '', GOUV),
        ('Femmes@Numérique', 'initiative', '', '', '', '', GOUV),
        ('France Num', 'initiative', 'Delphine Gény-Stephann | Mounir Mahjoubi', '2018-10-15', '',
         '', GOUV),
        ('FranceConnect', 'public-service', 'Mounir Mahjoubi', '', '', '', GOUV),
        ('French Tech', 'initiative', '', '', '', '', GOUV),
        ('French Tech Seed', 'fund', '', '2018-06', '400000000', 'EUR', GOUV),
        ('French Tech Tremplin', 'initiative', '', '', '', '', GOUV),
        ('French Tech Visa', 'visa', '', '', '', '', GOUV),
        ('Pass Numérique', 'public-service', '', '', '6000000', 'EUR', GOUV),
        ('Stratégie nationale pour un numérique inclusif', 'strategy', 'Gouvernement français',
         '2018-05', '', '', GOUV),
        ('Tour des Start-up', 'tour', 'Mounir Mahjoubi', '2017-10', '', '', GOUV),
        ('fichier TES', 'platform', '', '', '', '', CNNUM),
        ('fonds de soutien à la French Tech', 'fund', '', '', '3000000', 'EUR', GOUV),
        ('phase 2 de la French Tech', 'initiative', '', '', '', '', GOUV),
    ]


def test_timeline_of_a_person_in_date_order_across_precisions(graph):
    assert rows(graph, "timeline", person="person:mounir-mahjoubi") == [
        ('2012', 'campaign role starts', 'élaborer la campagne web (François Hollande)', CNNUM,
         'kgid:campaign-role/mounir-mahjoubi--francois-hollande--presidential-election-2012'),
        ('2016-02', 'mandate starts', 'président du Conseil national du numérique', BOTH,
         'kgid:mandate/mounir-mahjoubi--president-cnnum'),
        ('2017-05', 'mandate starts', "secrétaire d'État chargé du Numérique", GOUV,
         'kgid:mandate/mounir-mahjoubi--secretaire-etat-numerique'),
        ('2017-10', 'programme launched', 'Tour des Start-up', GOUV,
         'kgid:programme/tour-des-start-up'),
        ('2018', 'programme announced', 'Charte e-commerce', GOUV,
         'kgid:programme/charte-e-commerce'),
        ('2018-05', 'appoints', 'Kat Borlongan, directeur de la Mission French Tech', GOUV,
         'kgid:mandate/kat-borlongan--directeur-mission-french-tech'),
        ('2018-05', 'programme results presented', 'Tour des Start-up', GOUV,
         'kgid:programme/tour-des-start-up'),
        ('2018-10-15', 'programme presented', 'France Num', GOUV, 'kgid:programme/france-num'),
        ('2019-03-06', 'candidacy announced', 'élections municipales de 2020 à Paris', GOUV,
         'kgid:candidacy/mounir-mahjoubi--paris-municipal-2020'),
        ('2019-03-26', 'programme signed', 'Charte e-commerce', GOUV,
         'kgid:programme/charte-e-commerce'),
        ('2019-03-27', 'mandate end decided', "secrétaire d'État chargé du Numérique", GOUV,
         'kgid:mandate/mounir-mahjoubi--secretaire-etat-numerique'),
        ('2019-03-29', 'mandate ends', "secrétaire d'État chargé du Numérique", GOUV,
         'kgid:mandate/mounir-mahjoubi--secretaire-etat-numerique'),
    ]


def test_holders_of_a_post(graph):
    assert rows(graph, "holders", post="post:president-cnnum") == [
        ('Benoît Thieulin', '', '', 'ended', '', CNNUM),
        ('Mounir Mahjoubi', '2016-02', '', 'ended', '', BOTH),
    ]


def test_successions(graph):
    assert rows(graph, "successions") == [
        ('directeur de la Mission French Tech', 'David Monteau', 'Kat Borlongan', '2018-05', GOUV),
        ('président du Conseil national du numérique', 'Benoît Thieulin', 'Mounir Mahjoubi',
         '2016-02', BOTH),
    ]


def test_evidence_of_one_fact(graph):
    assert rows(graph, "evidence", fact="mandate:mounir-mahjoubi--secretaire-etat-numerique") == [
        ('kgid:mandate/mounir-mahjoubi--secretaire-etat-numerique', 'mandate',
         'Mounir Mahjoubi a été nommé secrétaire d’Etat au Numérique en mai 2017.', GOUV,
         f"{GOUV_YAML}:7"),
        ('kgid:mandate/mounir-mahjoubi--secretaire-etat-numerique', 'mandate',
         'Candidat à la Mairie de Paris, Mounir Mahjoubi quittera ses fonctions gouvernementales ce vendredi 29 mars 2019.',
         GOUV, f"{GOUV_YAML}:15"),
        ('kgid:mandate/mounir-mahjoubi--secretaire-etat-numerique', 'mandate',
         'Trois semaines plus tard, le secrétaire d’Etat en charge du numérique quitte le gouvernement.',
         GOUV, f"{GOUV_YAML}:15"),
        ('kgid:mandate/mounir-mahjoubi--secretaire-etat-numerique', 'mandate',
         'Mounir Mahjoubi quittera ses fonctions le vendredi 29 mars.', GOUV, f"{GOUV_YAML}:15"),
        ('kgid:mandate/mounir-mahjoubi--secretaire-etat-numerique', 'mandate',
         'La décision est tombée ce mercredi 27 mars.', GOUV, f"{GOUV_YAML}:28"),
    ]


def test_evidence_of_every_fact(graph):
    assert rows(graph, "evidence") == [
        ('kgid:campaign-role/mounir-mahjoubi--emmanuel-macron--presidential-election-macron',
         'campaign-role',
         'quitte ses fonctions pour rejoindre la campagne présidentielle d’Emmanuel Macron', CNNUM,
         f"{CNNUM_YAML}:78"),
        ('kgid:campaign-role/mounir-mahjoubi--emmanuel-macron--presidential-election-macron',
         'campaign-role',
         'Mounir Mahjoubi devrait superviser la campagne numérique du candidat pour l’élection présidentielle, indique ITespresso.',
         CNNUM, f"{CNNUM_YAML}:78"),
        ('kgid:campaign-role/mounir-mahjoubi--francois-hollande--presidential-election-2012',
         'campaign-role', 'Une campagne présidentielle dont il connaît les rouages numériques.',
         CNNUM, f"{CNNUM_YAML}:91"),
        ('kgid:campaign-role/mounir-mahjoubi--francois-hollande--presidential-election-2012',
         'campaign-role', 'En 2012, il avait élaboré la campagne web de François Hollande.', CNNUM,
         f"{CNNUM_YAML}:91"),
        ('kgid:candidacy/emmanuel-macron--presidential-election-macron', 'candidacy',
         'la campagne présidentielle d’Emmanuel Macron', CNNUM, f"{CNNUM_YAML}:68"),
        ('kgid:candidacy/emmanuel-macron--presidential-election-macron', 'candidacy',
         'la campagne numérique du candidat pour l’élection présidentielle', CNNUM,
         f"{CNNUM_YAML}:68"),
        ('kgid:candidacy/francois-hollande--presidential-election-2012', 'candidacy',
         'Une campagne présidentielle dont il connaît les rouages numériques.', CNNUM,
         f"{CNNUM_YAML}:102"),
        ('kgid:candidacy/francois-hollande--presidential-election-2012', 'candidacy',
         'En 2012, il avait élaboré la campagne web de François Hollande.', CNNUM,
         f"{CNNUM_YAML}:102"),
        ('kgid:candidacy/mounir-mahjoubi--paris-municipal-2020', 'candidacy',
         'Candidat à la Mairie de Paris', GOUV, f"{GOUV_YAML}:61"),
        ('kgid:candidacy/mounir-mahjoubi--paris-municipal-2020', 'candidacy',
         "Le 6 mars 2019, Mounir Mahjoubi officialisait sa candidature à l'investiture de LREM pour les municipales de 2020 à Paris.",
         GOUV, f"{GOUV_YAML}:61"),
        ('kgid:mandate/benoit-thieulin--president-cnnum', 'mandate',
         'En février 2016, Mounir Mahjoubi avait succédé à Benoît Thieulin à la présidence du CNNuum.',
         CNNUM, f"{CNNUM_YAML}:30"),
        ('kgid:mandate/david-monteau--directeur-mission-french-tech', 'mandate',
         'Mounir Mahjoubi a nommé Kat Borlongan en mai 2018 en tant que directrice de la Mission French Tech suite au départ de David Monteau.',
         GOUV, f"{GOUV_YAML}:85"),
        ('kgid:mandate/delphine-geny-stephann--secretaire-etat-economie-finances', 'mandate',
         "Delphine Gény-Stephann, secrétaire d'État auprès du ministre de l'Économie et des Finances",
         GOUV, f"{GOUV_YAML}:96"),
        ('kgid:mandate/kat-borlongan--directeur-mission-french-tech', 'mandate',
         'Mounir Mahjoubi a nommé Kat Borlongan en mai 2018 en tant que directrice de la Mission French Tech suite au départ de David Monteau.',
         GOUV, f"{GOUV_YAML}:75"),
        ('kgid:mandate/mounir-mahjoubi--president-cnnum', 'mandate',
         'En février 2016, Mounir Mahjoubi avait succédé à Benoît Thieulin à la présidence du CNNuum.',
         CNNUM, f"{CNNUM_YAML}:7"),
        ('kgid:mandate/mounir-mahjoubi--president-cnnum', 'mandate',
         'Le président du CNNum, Mounir Majhoubi, quitte ses fonctions pour rejoindre la campagne présidentielle d’Emmanuel Macron.',
         CNNUM, f"{CNNUM_YAML}:16"),
        ('kgid:mandate/mounir-mahjoubi--president-cnnum', 'mandate',
         'Mounir Mahjoubi quitte la présidence du Conseil national du numérique', CNNUM,
         f"{CNNUM_YAML}:16"),
        ('kgid:mandate/mounir-mahjoubi--president-cnnum', 'mandate',
         'un court bilan (un an) aux commandes de l’instance consultative', CNNUM,
         f"{CNNUM_YAML}:16"),
        ('kgid:mandate/mounir-mahjoubi--president-cnnum', 'mandate',
         'assure le président démissionnaire', CNNUM, f"{CNNUM_YAML}:16"),
        ('kgid:mandate/mounir-mahjoubi--president-cnnum', 'mandate', 'Lors de son mandat écourté',
         CNNUM, f"{CNNUM_YAML}:16"),
        ('kgid:mandate/mounir-mahjoubi--president-cnnum', 'mandate',
         'Ancien entrepreneur et ex-président du Conseil national du numérique', GOUV,
         f"{GOUV_YAML}:37"),
        ('kgid:mandate/mounir-mahjoubi--secretaire-etat-numerique', 'mandate',
         'Mounir Mahjoubi a été nommé secrétaire d’Etat au Numérique en mai 2017.', GOUV,
         f"{GOUV_YAML}:7"),
        ('kgid:mandate/mounir-mahjoubi--secretaire-etat-numerique', 'mandate',
         'Candidat à la Mairie de Paris, Mounir Mahjoubi quittera ses fonctions gouvernementales ce vendredi 29 mars 2019.',
         GOUV, f"{GOUV_YAML}:15"),
        ('kgid:mandate/mounir-mahjoubi--secretaire-etat-numerique', 'mandate',
         'Trois semaines plus tard, le secrétaire d’Etat en charge du numérique quitte le gouvernement.',
         GOUV, f"{GOUV_YAML}:15"),
        ('kgid:mandate/mounir-mahjoubi--secretaire-etat-numerique', 'mandate',
         'Mounir Mahjoubi quittera ses fonctions le vendredi 29 mars.', GOUV, f"{GOUV_YAML}:15"),
        ('kgid:mandate/mounir-mahjoubi--secretaire-etat-numerique', 'mandate',
         'La décision est tombée ce mercredi 27 mars.', GOUV, f"{GOUV_YAML}:28"),
        ('kgid:mandate/sundar-pichai--dirigeant-google', 'mandate',
         'lors du passage à Paris de Sundar Pichai avec une question de fond posée au dirigeant de Google',
         CNNUM, f"{CNNUM_YAML}:112"),
        ('kgid:membership/mounir-mahjoubi--en-marche', 'membership',
         'Mounir Mahjoubi quitte la présidence du Conseil national du numérique pour rejoindre le mouvement politique En Marche d’Emmanuel Macron.',
         CNNUM, f"{CNNUM_YAML}:49"),
        ('kgid:membership/mounir-mahjoubi--en-marche', 'membership',
         'Je m’engage aujourd’hui pleinement auprès d’Emmanuel Macron.', CNNUM,
         f"{CNNUM_YAML}:49"),
        ('kgid:organisation/cnnum', 'organisation',
         'l’instance consultative chargée d’éclairer les pouvoirs publics sur les questions relatives au numérique',
         CNNUM, f"{CNNUM_YAML}:41"),
        ('kgid:organisation/en-marche', 'organisation',
         'le mouvement politique En Marche d’Emmanuel Macron', CNNUM, f"{CNNUM_YAML}:58"),
        ('kgid:organisation/en-marche', 'organisation', 'l’instigateur du mouvement En Marche',
         CNNUM, f"{CNNUM_YAML}:58"),
        ('kgid:person/mounir-mahjoubi', 'person',
         'Ancien entrepreneur et ex-président du Conseil national du numérique', GOUV,
         f"{GOUV_YAML}:46"),
        ('kgid:person/mounir-mahjoubi', 'person',
         "Fils d'immigrés marocains, avec un père peintre en bâtiment et une mère femme de ménage, Mounir Mahjoubi fait de la diversité un vrai cheval de bataille.",
         GOUV, f"{GOUV_YAML}:53"),
        ('kgid:programme/charte-e-commerce', 'programme',
         'Mounir Mahjoubi a reçu mardi 26 mars 2019 des représentants de plateformes e-commerce afin de signer une charte visant à améliorer leurs relations avec les TPE-PME.',
         GOUV, f"{GOUV_YAML}:190"),
        ('kgid:programme/charte-e-commerce', 'programme', 'Une promesse faite en 2018.', GOUV,
         f"{GOUV_YAML}:190"),
        ('kgid:programme/charte-e-commerce', 'programme',
         'La charte a été signée par Leboncoin, Rakuten, Cdiscount, eBay, Fnac Darty, La Redoute, ManoMano et Conforama.',
         GOUV, f"{GOUV_YAML}:190"),
        ('kgid:programme/charte-e-commerce', 'programme', 'Mais pas Alibaba, ni Amazon.', GOUV,
         f"{GOUV_YAML}:190"),
        ('kgid:programme/communautes-capitales-french-tech', 'programme',
         'Cela s’est notamment traduit par', GOUV, f"{GOUV_YAML}:120"),
        ('kgid:programme/communautes-capitales-french-tech', 'programme',
         'La création de Communautés et Capitales French Tech', GOUV, f"{GOUV_YAML}:120"),
        ('kgid:programme/femmes-at-numerique', 'programme',
         'Plusieurs initiatives ont été lancées dans ce sens, comme Femmes@Numérique, qui s’attaque à la sous-représentation des femmes dans la tech',
         GOUV, f"{GOUV_YAML}:216"),
        ('kgid:programme/fichier-tes', 'programme',
         'le fichier TES du ministère de l’Intérieur qui vise à intégrer la gestion des passeports biométriques et celle aux cartes d’identités',
         CNNUM, f"{CNNUM_YAML}:120"),
        ('kgid:programme/fonds-soutien-french-tech', 'programme',
         'Le lancement d’un fonds de soutien à la French Tech', GOUV, f"{GOUV_YAML}:137"),
        ('kgid:programme/fonds-soutien-french-tech', 'programme',
         'Dans la loi de finance, une ligne est donc dédiée à la French Tech.', GOUV,
         f"{GOUV_YAML}:137"),
        ('kgid:programme/fonds-soutien-french-tech', 'programme',
         'd’un montant d’un peu plus de 3 millions d’euros', GOUV, f"{GOUV_YAML}:137"),
        ('kgid:programme/france-num', 'programme',
         'Mounir Mahjoubi et Delphine Gény-Stephann, secrétaire d\'État auprès du ministre de l\'Économie et des Finances, ont lancé l’initiative "France Num".',
         GOUV, f"{GOUV_YAML}:206"),
        ('kgid:programme/france-num', 'programme',
         'Présenté le 15 octobre 2018, ce plan comprend le lancement d’une plate-forme d’accompagnement, un référencement de conseillers et des prêts bancaires sans garantie pour les entreprises.',
         GOUV, f"{GOUV_YAML}:206"),
        ('kgid:programme/franceconnect', 'programme',
         'Mounir Mahjoubi a annoncé le lancement de l’interface France Connect.', GOUV,
         f"{GOUV_YAML}:180"),
        ('kgid:programme/franceconnect', 'programme',
         'accéder à tous les services publics avec un seul et même identifiant', GOUV,
         f"{GOUV_YAML}:180"),
        ('kgid:programme/french-tech', 'programme',
         'L’occasion de lancer la phase 2 de la French Tech', GOUV, f"{GOUV_YAML}:105"),
        ('kgid:programme/french-tech', 'programme',
         'Dans la loi de finance, une ligne est donc dédiée à la French Tech.', GOUV,
         f"{GOUV_YAML}:105"),
        ('kgid:programme/french-tech-phase-2', 'programme',
         'L’occasion de lancer la phase 2 de la French Tech et de revoir le positionnement et l’organisation de la structure.',
         GOUV, f"{GOUV_YAML}:112"),
        ('kgid:programme/french-tech-seed', 'programme',
         'A cela s’ajoutent les enveloppes du fonds "French Tech Seed", doté de 400 millions et annoncé en juin 2018 pour un lancement au premier trimestre 2019.',
         GOUV, f"{GOUV_YAML}:151"),
        ('kgid:programme/french-tech-tremplin', 'programme',
         'Plusieurs initiatives ont été lancées dans ce sens', GOUV, f"{GOUV_YAML}:223"),
        ('kgid:programme/french-tech-tremplin', 'programme',
         'French Tech Tremplin, dédié à diversité sociale avec une exigence de parité femmes-hommes',
         GOUV, f"{GOUV_YAML}:223"),
        ('kgid:programme/french-tech-visa', 'programme', 'Cela s’est notamment traduit par', GOUV,
         f"{GOUV_YAML}:128"),
        ('kgid:programme/french-tech-visa', 'programme', 'La simplification du French Tech Visa',
         GOUV, f"{GOUV_YAML}:128"),
        ('kgid:programme/pass-numerique', 'programme',
         'Cela s’est matérialisé par plusieurs actions et dispositifs.', GOUV, f"{GOUV_YAML}:240"),
        ('kgid:programme/pass-numerique', 'programme',
         'On retient notamment la création du Pass Numérique, qui permet aux personnes éloignées du numérique d’accéder à des services d’accompagnement numérique.',
         GOUV, f"{GOUV_YAML}:240"),
        ('kgid:programme/pass-numerique', 'programme',
         'Une enveloppe de 6 millions d’euros est mobilisée à cette fin en 2019.', GOUV,
         f"{GOUV_YAML}:240"),
        ('kgid:programme/strategie-nationale-numerique-inclusif', 'programme',
         'le gouvernement a présenté en mai 2018 sa "Stratégie nationale pour un numérique inclusif".',
         GOUV, f"{GOUV_YAML}:232"),
        ('kgid:programme/tour-des-start-up', 'programme',
         'Fin octobre 2017, Mounir Mahjoubi s’était engagé à aller à la rencontre des start-up françaises afin de recueillir leurs besoins et doléances.',
         GOUV, f"{GOUV_YAML}:166"),
        ('kgid:programme/tour-des-start-up', 'programme',
         'Le secrétaire d’Etat en charge du Numérique a dressé le bilan de ce Tour des Start-up à l’occasion de Viva Technology en mai 2018.',
         GOUV, f"{GOUV_YAML}:166"),
        ('kgid:programme/tour-des-start-up', 'programme',
         'Et présenté 4 grandes propositions et 10 actions pour simplifier la vie des jeunes entrepreneurs.',
         GOUV, f"{GOUV_YAML}:166"),
    ]


def test_persons(graph):
    assert rows(graph, "persons") == [
        ('Benoît Thieulin', '', 'président du Conseil national du numérique', '',
         'kgid:person/benoit-thieulin'),
        ('David Monteau', '', 'directeur de la Mission French Tech', '',
         'kgid:person/david-monteau'),
        ('Delphine Gény-Stephann', '',
         "secrétaire d'État auprès du ministre de l'Économie et des Finances", '',
         'kgid:person/delphine-geny-stephann'),
        ('Emmanuel Macron', '', '', '', 'kgid:person/emmanuel-macron'),
        ('François Hollande', '', '', '', 'kgid:person/francois-hollande'),
        ('Kat Borlongan', '', 'directeur de la Mission French Tech', '',
         'kgid:person/kat-borlongan'),
        ('Mounir Mahjoubi', 'Mahjoubi',
         "président du Conseil national du numérique | secrétaire d'État chargé du Numérique", '',
         'kgid:person/mounir-mahjoubi'),
        ('Sundar Pichai', '', 'dirigeant de Google', '', 'kgid:person/sundar-pichai'),
    ]


def test_gaps(graph):
    assert rows(graph, "gaps") == [
        ('no announcement date', 'kgid:candidacy/emmanuel-macron--presidential-election-macron',
         '', ''),
        ('no announcement date', 'kgid:candidacy/francois-hollande--presidential-election-2012',
         '', ''),
        ('no end', 'kgid:mandate/benoit-thieulin--president-cnnum', '', ''),
        ('no end', 'kgid:mandate/david-monteau--directeur-mission-french-tech', '', ''),
        ('no end', 'kgid:mandate/delphine-geny-stephann--secretaire-etat-economie-finances', '',
         ''),
        ('no end', 'kgid:mandate/kat-borlongan--directeur-mission-french-tech', '', ''),
        ('no end', 'kgid:mandate/mounir-mahjoubi--president-cnnum', '', ''),
        ('no end', 'kgid:mandate/sundar-pichai--dirigeant-google', '', ''),
        ('no start',
         'kgid:campaign-role/mounir-mahjoubi--emmanuel-macron--presidential-election-macron', '',
         ''),
        ('no start', 'kgid:mandate/benoit-thieulin--president-cnnum', '', ''),
        ('no start', 'kgid:mandate/david-monteau--directeur-mission-french-tech', '', ''),
        ('no start', 'kgid:mandate/delphine-geny-stephann--secretaire-etat-economie-finances', '',
         ''),
        ('no start', 'kgid:mandate/sundar-pichai--dirigeant-google', '', ''),
        ('no start', 'kgid:membership/mounir-mahjoubi--en-marche', '', ''),
        ('no wikidata', 'kgid:organisation/alibaba', 'Alibaba', ''),
        ('no wikidata', 'kgid:organisation/amazon', 'Amazon', ''),
        ('no wikidata', 'kgid:organisation/cdiscount', 'Cdiscount', ''),
        ('no wikidata', 'kgid:organisation/cnnum', 'Conseil national du numérique', ''),
        ('no wikidata', 'kgid:organisation/conforama', 'Conforama', ''),
        ('no wikidata', 'kgid:organisation/ebay', 'eBay', ''),
        ('no wikidata', 'kgid:organisation/en-marche', 'En Marche', ''),
        ('no wikidata', 'kgid:organisation/fnac-darty', 'Fnac Darty', ''),
        ('no wikidata', 'kgid:organisation/google', 'Google', ''),
        ('no wikidata', 'kgid:organisation/gouvernement-france', 'Gouvernement français', ''),
        ('no wikidata', 'kgid:organisation/la-redoute', 'La Redoute', ''),
        ('no wikidata', 'kgid:organisation/leboncoin', 'Leboncoin', ''),
        ('no wikidata', 'kgid:organisation/lrem', 'La République en marche', ''),
        ('no wikidata', 'kgid:organisation/manomano', 'ManoMano', ''),
        ('no wikidata', 'kgid:organisation/ministere-interieur', "ministère de l'Intérieur", ''),
        ('no wikidata', 'kgid:organisation/mission-french-tech', 'Mission French Tech', ''),
        ('no wikidata', 'kgid:organisation/rakuten', 'Rakuten', ''),
        ('no wikidata', 'kgid:organisation/usine-digitale', "L'Usine Digitale", ''),
        ('no wikidata', 'kgid:organisation/ville-de-paris', 'Ville de Paris', ''),
        ('no wikidata', 'kgid:person/benoit-thieulin', 'Benoît Thieulin', ''),
        ('no wikidata', 'kgid:person/david-monteau', 'David Monteau', ''),
        ('no wikidata', 'kgid:person/delphine-geny-stephann', 'Delphine Gény-Stephann', ''),
        ('no wikidata', 'kgid:person/emmanuel-macron', 'Emmanuel Macron', ''),
        ('no wikidata', 'kgid:person/francois-hollande', 'François Hollande', ''),
        ('no wikidata', 'kgid:person/kat-borlongan', 'Kat Borlongan', ''),
        ('no wikidata', 'kgid:person/mounir-mahjoubi', 'Mounir Mahjoubi', ''),
        ('no wikidata', 'kgid:person/sundar-pichai', 'Sundar Pichai', ''),
        ('single source',
         'kgid:campaign-role/mounir-mahjoubi--emmanuel-macron--presidential-election-macron', '',
         CNNUM),
        ('single source',
         'kgid:campaign-role/mounir-mahjoubi--francois-hollande--presidential-election-2012', '',
         CNNUM),
        ('single source', 'kgid:candidacy/emmanuel-macron--presidential-election-macron', '',
         CNNUM),
        ('single source', 'kgid:candidacy/francois-hollande--presidential-election-2012', '',
         CNNUM),
        ('single source', 'kgid:candidacy/mounir-mahjoubi--paris-municipal-2020', '', GOUV),
        ('single source', 'kgid:mandate/benoit-thieulin--president-cnnum', '', CNNUM),
        ('single source', 'kgid:mandate/david-monteau--directeur-mission-french-tech', '', GOUV),
        ('single source', 'kgid:mandate/delphine-geny-stephann--secretaire-etat-economie-finances',
         '', GOUV),
        ('single source', 'kgid:mandate/kat-borlongan--directeur-mission-french-tech', '', GOUV),
        ('single source', 'kgid:mandate/mounir-mahjoubi--secretaire-etat-numerique', '', GOUV),
        ('single source', 'kgid:mandate/sundar-pichai--dirigeant-google', '', CNNUM),
        ('single source', 'kgid:membership/mounir-mahjoubi--en-marche', '', CNNUM),
        ('single source', 'kgid:organisation/cnnum', 'Conseil national du numérique', CNNUM),
        ('single source', 'kgid:organisation/en-marche', 'En Marche', CNNUM),
        ('single source', 'kgid:person/mounir-mahjoubi', 'Mounir Mahjoubi', GOUV),
        ('single source', 'kgid:programme/charte-e-commerce', 'Charte e-commerce', GOUV),
        ('single source', 'kgid:programme/communautes-capitales-french-tech',
         'Communautés et Capitales French Tech', GOUV),
        ('single source', 'kgid:programme/femmes-at-numerique', 'Femmes@Numérique', GOUV),
        ('single source', 'kgid:programme/fichier-tes', 'fichier TES', CNNUM),
        ('single source', 'kgid:programme/fonds-soutien-french-tech',
         'fonds de soutien à la French Tech', GOUV),
        ('single source', 'kgid:programme/france-num', 'France Num', GOUV),
        ('single source', 'kgid:programme/franceconnect', 'FranceConnect', GOUV),
        ('single source', 'kgid:programme/french-tech', 'French Tech', GOUV),
        ('single source', 'kgid:programme/french-tech-phase-2', 'phase 2 de la French Tech', GOUV),
        ('single source', 'kgid:programme/french-tech-seed', 'French Tech Seed', GOUV),
        ('single source', 'kgid:programme/french-tech-tremplin', 'French Tech Tremplin', GOUV),
        ('single source', 'kgid:programme/french-tech-visa', 'French Tech Visa', GOUV),
        ('single source', 'kgid:programme/pass-numerique', 'Pass Numérique', GOUV),
        ('single source', 'kgid:programme/strategie-nationale-numerique-inclusif',
         'Stratégie nationale pour un numérique inclusif', GOUV),
        ('single source', 'kgid:programme/tour-des-start-up', 'Tour des Start-up', GOUV),
        ('unknown source metadata', 'kgid:source/mahjoubi-quitte-cnnum',
         'Mounir Mahjoubi part du CNNum pour soutenir Emmanuel Macron', 'modified'),
        ('unknown source metadata', 'kgid:source/mahjoubi-quitte-cnnum',
         'Mounir Mahjoubi part du CNNum pour soutenir Emmanuel Macron', 'published'),
        ('unknown source metadata', 'kgid:source/mahjoubi-quitte-cnnum',
         'Mounir Mahjoubi part du CNNum pour soutenir Emmanuel Macron', 'publisher'),
        ('unknown source metadata', 'kgid:source/mahjoubi-quitte-cnnum',
         'Mounir Mahjoubi part du CNNum pour soutenir Emmanuel Macron', 'retrieved'),
        ('unknown source metadata', 'kgid:source/mahjoubi-quitte-cnnum',
         'Mounir Mahjoubi part du CNNum pour soutenir Emmanuel Macron', 'url'),
        ('unknown source metadata', 'kgid:source/mahjoubi-quitte-gouvernement',
         'Mounir Mahjoubi quitte le gouvernement : 7 actions à retenir pour le numérique',
         'published'),
        ('unknown source metadata', 'kgid:source/mahjoubi-quitte-gouvernement',
         'Mounir Mahjoubi quitte le gouvernement : 7 actions à retenir pour le numérique',
         'retrieved'),
        ('unknown source metadata', 'kgid:source/mahjoubi-quitte-gouvernement',
         'Mounir Mahjoubi quitte le gouvernement : 7 actions à retenir pour le numérique', 'url'),
    ]


def test_gaps_of_one_kind(graph):
    assert rows(graph, "gaps", kind="no end") == [
        ('no end', 'kgid:mandate/benoit-thieulin--president-cnnum', '', ''),
        ('no end', 'kgid:mandate/david-monteau--directeur-mission-french-tech', '', ''),
        ('no end', 'kgid:mandate/delphine-geny-stephann--secretaire-etat-economie-finances', '',
         ''),
        ('no end', 'kgid:mandate/kat-borlongan--directeur-mission-french-tech', '', ''),
        ('no end', 'kgid:mandate/mounir-mahjoubi--president-cnnum', '', ''),
        ('no end', 'kgid:mandate/sundar-pichai--dirigeant-google', '', ''),
    ]


def test_organisation_members(graph):
    assert rows(graph, "organisation-members", organisation="organisation:cnnum") == [
        ('Benoît Thieulin', 'président du Conseil national du numérique', '', '', CNNUM),
        ('Mounir Mahjoubi', 'président du Conseil national du numérique', '2016-02', '', BOTH),
    ]
    assert rows(graph, "organisation-members", organisation="En Marche") == [
        ('Mounir Mahjoubi', 'member', '', '', CNNUM),
    ]


def test_sources(graph):
    assert rows(graph, "sources") == [
        (CNNUM, 'Mounir Mahjoubi part du CNNum pour soutenir Emmanuel Macron', '', '', '', '', '',
         'modified | published | publisher | retrieved | url', '11', '22'),
        (GOUV, 'Mounir Mahjoubi quitte le gouvernement : 7 actions à retenir pour le numérique',
         "L'Usine Digitale", '', '', '2019-03-28', '', 'published | retrieved | url', '21', '42'),
    ]


def test_candidacies(graph):
    assert rows(graph, "candidacies") == [
        ('Emmanuel Macron', 'élection présidentielle', '', '', '', 'declared', CNNUM),
        ('François Hollande', 'élection présidentielle de 2012', '', '', '', '', CNNUM),
        ('Mounir Mahjoubi', 'élections municipales de 2020 à Paris', 'maire de Paris',
         'La République en marche', '2019-03-06', 'declared', GOUV),
    ]


def test_budgets(graph):
    assert rows(graph, "budgets") == [
        ('French Tech Seed', '400000000', 'exact', 'EUR', '', GOUV),
        ('Pass Numérique', '6000000', 'exact', 'EUR', '2019', GOUV),
        ('fonds de soutien à la French Tech', '3000000', 'minimum', 'EUR', '', GOUV),
    ]


def test_lookup_binds_the_name_as_a_french_literal(graph):
    assert rows(graph, "lookup", label="CNNum") == [
        ('kgid:organisation/cnnum', 'organisation', 'Conseil national du numérique', 'altLabel'),
    ]
    assert rows(graph, "lookup", label="Mounir Majhoubi") == [
        ('kgid:person/mounir-mahjoubi', 'person', 'Mounir Mahjoubi', 'hiddenLabel'),
    ]
    # the trap the `lang: fr` declaration avoids: a plain string matches no French label
    plain = parse_query(QUERIES["lookup"].text.replace("#+     lang: fr\n", ""), name="plain")
    assert plain.param("label").lang is None
    assert rows(graph, plain, label="CNNum") == []


# -- date parameters: intervals compared on ISO text ---------------------------------------------

@pytest.mark.parametrize("post, date, expected", [
    ("president-cnnum", "2015", [("Benoît Thieulin", "possible")]),
    ("president-cnnum", "2016", [("Benoît Thieulin", "possible"), ("Mounir Mahjoubi", "possible")]),
    ("president-cnnum", "2016-01", [("Benoît Thieulin", "possible")]),
    # a start in 2016-02 is not after 2016-02-10, at the start's precision; Thieulin's mandate
    # ends no later than his successor's start, 2016-02
    ("president-cnnum", "2016-02-10",
     [("Benoît Thieulin", "possible"), ("Mounir Mahjoubi", "possible")]),
    ("president-cnnum", "2016-03", [("Mounir Mahjoubi", "possible")]),
    ("secretaire-etat-numerique", "2017-04", []),
    ("secretaire-etat-numerique", "2017-05-31", [("Mounir Mahjoubi", "certain")]),
    ("secretaire-etat-numerique", "2017", [("Mounir Mahjoubi", "certain")]),
    ("secretaire-etat-numerique", "2019-03-29", [("Mounir Mahjoubi", "certain")]),
    ("secretaire-etat-numerique", "2019-03-30", []),
    ("secretaire-etat-numerique", "2019-04", []),
    ("directeur-mission-french-tech", "2018",
     [("David Monteau", "possible"), ("Kat Borlongan", "possible")]),
    ("directeur-mission-french-tech", "2018-06", [("Kat Borlongan", "possible")]),
])
def test_holders_on_a_date_a_month_or_a_year(graph, store, post, date, expected):
    for backend in (graph, store):
        result = run_query("holders", backend, {"post": post, "date": date})
        assert [(row[0], row[4]) for row in rows_of(result)] == expected


def test_a_date_parameter_binds_its_first_and_last_day():
    from kgbuild.query import bind_params

    holders = QUERIES["holders"]
    for date, first, last in [("2016", "2016-01-01", "2016-12-31"),
                              ("2016-02", "2016-02-01", "2016-02-29"),
                              ("2016-02-10", "2016-02-10", "2016-02-10")]:
        bound = bind_params(holders, {"post": "post:president-cnnum", "date": date})
        assert bound["date_earliest"] == Literal(first)
        assert bound["date_latest"] == Literal(last)
        assert "date" not in bound


# -- IRI parameters: full IRI, CURIE, id or label -------------------------------------------------

WHO = parse_query("""\
#+ params:
#+   - {name: person, type: iri, kind: person, required: true}
SELECT ?person WHERE { ?person a <https://schema.org/Person> }
""", name="who")


@pytest.mark.parametrize("person", [
    f"{KGID}person/mounir-mahjoubi", f"<{KGID}person/mounir-mahjoubi>", "person:mounir-mahjoubi",
    "mounir-mahjoubi", "Mounir Mahjoubi", "mounir mahjoubi", "Mahjoubi", "Mounir Majhoubi"])
def test_a_person_is_an_iri_a_curie_an_id_or_a_label(graph, person):
    assert rows(graph, WHO, person=person) == [("kgid:person/mounir-mahjoubi",)]


def test_a_label_matches_without_accents_or_case(graph):
    assert rows(graph, WHO, person="benoit THIEULIN") == [("kgid:person/benoit-thieulin",)]


def test_a_label_that_names_two_entities_is_refused():
    twins = Graph().parse(format="turtle", data="""
        @prefix schema: <https://schema.org/> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <https://w3id.org/kgbuild/id/person/jean-martin> a schema:Person ;
            skos:prefLabel "Jean Martin"@fr .
        <https://w3id.org/kgbuild/id/person/jean-martin-2> a schema:Person ;
            skos:prefLabel "Jean Martin"@fr .
    """)
    with pytest.raises(QueryError) as caught:
        run_query("timeline", twins, {"person": "Jean Martin"})
    assert str(caught.value) == (
        "parameter 'person': 'Jean Martin' names 2 entities: person:jean-martin, "
        "person:jean-martin-2\n  hint: give one of these ids instead")


def test_an_unknown_entity_is_refused_with_the_closest_ids(graph):
    with pytest.raises(QueryError) as caught:
        run_query("timeline", graph, {"person": "person:mounir-mahjoubbi"})
    assert str(caught.value) == (
        "parameter 'person': no person 'person:mounir-mahjoubbi' in the graph\n"
        "  hint: did you mean person:mounir-mahjoubi?")


# -- parameters are bound, never formatted ----------------------------------------------------

INJECTIONS = [
    'x" } UNION { ?s ?p ?o } #',
    "x' } UNION { ?s ?p ?o } #",
    'x"""} UNION { ?s ?p ?o } #',
    '\\" } UNION { ?s ?p ?o } #',
    "x\" .\n} UNION { ?s ?p ?o } #",
    "<http://e/x> } ; DROP ALL ; {",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_a_string_value_cannot_change_the_query(graph, store, value):
    size = len(graph)
    assert run_query("lookup", graph, {"label": value}).rows == []
    assert run_query("lookup", store, {"label": value}).rows == []
    assert run_query("lookup", None, {"label": value}, endpoint="http://endpoint.test/sparql",
                     transport=endpoint_on(store)).rows == []
    assert len(graph) == size


@pytest.mark.parametrize("value", INJECTIONS)
def test_the_values_block_holds_the_value_as_one_literal(value):
    """The VALUES text matches exactly the triple whose object is the value, nothing else."""
    data = Graph()
    data.add((URIRef("http://e/a"), URIRef("http://e/p"), Literal(value, lang="fr")))
    data.add((URIRef("http://e/b"), URIRef("http://e/p"), Literal("other", lang="fr")))
    text = with_values("SELECT ?s WHERE { ?s <http://e/p> ?label }",
                       {"label": Literal(value, lang="fr")})
    assert text.count("VALUES") == 1
    assert [row[0] for row in data.query(text)] == [URIRef("http://e/a")]


@pytest.mark.parametrize("value", ["<http://e/x> } ; DROP ALL ; {", "http://e/x> } ; {",
                                   "not an iri", "http://e/a b"])
def test_a_value_that_is_not_an_iri_is_refused(graph, value):
    with pytest.raises(QueryError, match=r"^parameter 'fact': .* is not an IRI\n  hint: give a"):
        run_query("evidence", graph, {"fact": value})
    with pytest.raises(QueryError, match="is not an IRI"):
        sparql_term(URIRef(value))


def test_an_injection_in_an_entity_parameter_finds_no_entity(graph):
    with pytest.raises(QueryError, match=r"^parameter 'post': no post '<http://e/x> \} ; DROP ALL"):
        run_query("holders", graph, {"post": "<http://e/x> } ; DROP ALL ; {"})


# -- errors: each names the value and the allowed ones ------------------------------------------

def test_an_unknown_query_lists_the_saved_ones(graph):
    with pytest.raises(QueryError) as caught:
        run_query("holder", graph)
    assert str(caught.value) == (
        "unknown query 'holder'; did you mean 'holders'?\n  hint: saved queries: "
        + ", ".join(QUERIES))
    assert caught.value.exit_code == 2


def test_a_missing_parameter_gives_an_example(graph):
    with pytest.raises(QueryError) as caught:
        run_query("holders", graph, {"date": "2018"})
    assert str(caught.value) == (
        "query 'holders' needs parameter 'post' (e.g. --param post=post:president-cnnum)\n"
        "  hint: its parameters: post=IRI, [date=DATE]")


def test_an_undeclared_parameter_is_refused_not_ignored(graph):
    with pytest.raises(QueryError) as caught:
        run_query("holders", graph, {"post": "post:president-cnnum", "dat": "2018"})
    assert str(caught.value) == ("query 'holders' has no parameter 'dat'\n"
                                 "  hint: its parameters: post=IRI, [date=DATE]")
    with pytest.raises(QueryError, match="^query 'mandates' has no parameter 'person'"):
        run_query("mandates", graph, {"person": "person:mounir-mahjoubi"})


@pytest.mark.parametrize("date, message", [
    ("2018-13", "'2018-13' has no month 13: months run from 01 to 12"),
    ("2018-02-30", "'2018-02-30' does not exist: 2018-02 has 28 days"),
    ("mai 2018", "'mai 2018' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD"),
    ("", "'' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD"),
])
def test_a_bad_date_is_refused(graph, date, message):
    with pytest.raises(QueryError) as caught:
        run_query("holders", graph, {"post": "post:president-cnnum", "date": date})
    assert str(caught.value) == (f"parameter 'date': {message}\n"
                                 "  hint: a date is YYYY, YYYY-MM or YYYY-MM-DD")


LINES_FROM = """\
#+ title: Quotes from a claim line on
#+ params:
#+   - {name: line, type: integer, required: true, example: 10}
PREFIX kg: <https://w3id.org/kgbuild/ns#>
SELECT ?quote WHERE { ?e kg:claimLine ?n ; kg:quote ?quote . FILTER(?n >= ?line) }
ORDER BY ?quote
"""


def test_an_integer_parameter(graph, store):
    query = parse_query(LINES_FROM, name="lines-from")
    assert len(run_query(query, graph, {"line": "200"}).rows) == len(
        run_query(query, store, {"line": "+200"}).rows) > 0
    for value in ["3.5", "ten", "", "1e3"]:
        with pytest.raises(QueryError) as caught:
            run_query(query, graph, {"line": value})
        assert str(caught.value) == (f"parameter 'line': '{value}' is not an integer\n"
                                     "  hint: write digits, e.g. 3")


def test_a_syntax_error_names_line_and_column(graph, store, tmp_path):
    with pytest.raises(QueryError, match=r"^SPARQL syntax error at line 2, column \d+: "):
        run_query("SELECT ?s\nWHERE { ?s ?p }", graph)
    with pytest.raises(QueryError, match="^SPARQL syntax error"):
        run_query("SELECT ?s\nWHERE { ?s ?p }", store)
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?s WHERE { ?s ?p ?o", encoding="utf-8")
    with pytest.raises(QueryError, match=rf"^{re.escape(str(bad))}: SPARQL syntax error"):
        run_query(bad, graph)


def test_only_select_queries_are_run(graph, store):
    with pytest.raises(QueryError, match="^only SELECT queries are run, not ConstructQuery$"):
        run_query("CONSTRUCT WHERE { ?s ?p ?o }", graph)
    with pytest.raises(QueryError, match="^only SELECT queries are run$"):
        run_query("ASK { ?s ?p ?o }", store)


def test_an_unknown_prefix_is_a_query_error(graph):
    with pytest.raises(QueryError, match="^cannot read the query: Unknown namespace prefix"):
        run_query("SELECT ?s WHERE { ?s nope:p ?o }", graph)


def test_a_graph_and_an_endpoint_cannot_both_be_given(graph):
    with pytest.raises(QueryError, match="^give a graph or an endpoint, not both$"):
        run_query("mandates", graph, endpoint="http://endpoint.test/sparql")


def test_the_built_graph_must_exist(tmp_path):
    with pytest.raises(InputError) as caught:
        default_graph_files(tmp_path / "build")
    assert str(caught.value) == (
        f"{tmp_path / 'build' / 'kg.ttl'}: file not found\n"
        "  hint: run `kgbuild build` first, or give the graph with --graph")


def test_the_graph_may_be_given_as_files(graph_files):
    assert rows_of(run_query("successions", graph_files))[0][:3] == (
        "directeur de la Mission French Tech", "David Monteau", "Kat Borlongan")


# -- the #+ header ----------------------------------------------------------------------------

def write_query(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["list", "show"])
def test_a_saved_query_cannot_be_named_like_a_subcommand(tmp_path, name):
    path = write_query(tmp_path / "q", name, "SELECT ?s WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError) as caught:
        load_queries(tmp_path / "q")
    assert str(caught.value) == (
        f"{path}: a saved query cannot be named '{name}'\n"
        "  hint: list and show are subcommands of `kgbuild query`; rename the file")


@pytest.mark.parametrize("header, message", [
    ("#+ title: [unclosed", r":1: malformed #\+ header: "),
    ("#+ summary: grlc's key", r": unknown header key 'summary'\n  hint: allowed: columns, "),
    ("#+ params:\n#+   - {name: s, type: uri}",
     r": parameter 's': type 'uri' is not valid\n  hint: it must be in: iri, string, date"),
    ("#+ params:\n#+   - {name: s, type: iri, lang: fr}",
     r": parameter 's': lang is a language tag, for strings"),
    ("#+ params:\n#+   - {name: s, type: iri, kind: people}",
     r": parameter 's': kind 'people' is not valid\n  hint: an iri parameter's kind is one of: "),
    ("#+ params:\n#+   - {name: x, type: iri}",
     r": parameter 'x' binds \?x, which the query does not use"),
    ("#+ params:\n#+   - {name: when, type: date}",
     r": parameter 'when' binds \?when_earliest, which the query does not use"),
    ("#+ params:\n#+   - {name: s, type: date, default: 2018-13}",
     r"^parameter 's': '2018-13' has no month 13"),
    ("#+ params:\n#+   - {name: s, typo: iri}", r": parameter 's': unknown key 'typo'"),
    ("#+ params:\n#+   - {name: s}\n#+   - {name: s}", r": a parameter is declared twice"),
])
def test_a_broken_header_names_the_file(tmp_path, header, message):
    path = write_query(tmp_path / "q", "broken", header + "\nSELECT ?s WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError, match=message if message.startswith("^")
                       else "^" + re.escape(str(path)) + message):
        load_queries(tmp_path / "q")


@pytest.mark.parametrize("header, message", [
    ("#+ - a list", r": the #\+ header must be a mapping"),
    ("#+ title: [not, text]", r": title must be text, got \['not', 'text'\]"),
    ("#+ params:\n#+   - {type: iri}", r": each params entry needs a name"),
    ("#+ params:\n#+   - {name: my-param}", r": parameter 'my-param' is not a SPARQL variable"),
    ("#+ params:\n#+   - {name: s, example: yes}", r"^True is not a parameter value$"),
    ("#+ columns: [{a: 1, b: 2}]", r": a column is a name or \{name: description\}"),
])
def test_more_broken_headers(tmp_path, header, message):
    path = write_query(tmp_path / "q", "broken", header + "\nSELECT ?s WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError, match=message if message.startswith("^")
                       else "^" + re.escape(str(path)) + message):
        load_queries(tmp_path / "q")


def test_a_query_file_must_be_utf8_and_well_named(tmp_path):
    (tmp_path / "q").mkdir()
    (tmp_path / "q" / "latin.rq").write_bytes("SELECT ?é WHERE {}".encode("latin-1"))
    with pytest.raises(QueryError, match=r"latin.rq: not UTF-8\n  hint: save it as UTF-8$"):
        load_queries(tmp_path / "q")
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "My Query.rq").write_text("SELECT ?s WHERE {}", encoding="utf-8")
    with pytest.raises(QueryError, match=r"'My Query' is not a query name"):
        load_queries(tmp_path / "r")
    with pytest.raises(QueryError, match=r"^no query folder .*nowhere\n"):
        load_queries(tmp_path / "nowhere")


def test_a_query_file_given_by_path(graph, tmp_path):
    mine = write_query(tmp_path, "mine", "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://schema.org/Person> }")
    assert rows(graph, str(mine)) == rows(graph, mine) == [("8",)]


def test_an_evaluation_error_is_a_query_error(graph):
    with pytest.raises(QueryError, match="^the query failed: .* does not have a numeric datatype"):
        run_query('SELECT (SUM(?x) AS ?s) WHERE { VALUES ?x { "a" 1 } }', graph)


def test_something_that_is_not_a_graph_is_refused():
    with pytest.raises(QueryError, match="^cannot query a dict\n  hint: give an rdflib Graph"):
        run_query("mandates", {"not": "a graph"})


def test_only_select_queries_take_values():
    with pytest.raises(QueryError, match="^only SELECT queries with a WHERE group can take"):
        with_values("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": URIRef("http://e/s")})
    # a brace in a comment, a string or an IRI is not the WHERE group's
    text = with_values('# {\nPREFIX e: <http://e/x#y> SELECT ("{" AS ?b) WHERE { ?s ?p ?o }',
                       {"s": URIRef("http://e/s")})
    assert text.endswith('WHERE {\nVALUES (?s) { (<http://e/s>) }\n ?s ?p ?o }')


def test_sparql_term_refuses_what_is_not_a_term():
    with pytest.raises(QueryError, match="^cannot write 'text' in SPARQL$"):
        sparql_term("text")


def test_an_unreachable_endpoint_is_a_query_error(monkeypatch):
    import io
    import urllib.error
    import urllib.request

    def refuse(request, timeout):
        raise urllib.error.URLError("Connection refused")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    with pytest.raises(QueryError, match="^cannot reach http://e.test/sparql: Connection refused"):
        run_query("mandates", endpoint="http://e.test/sparql")

    def fail(request, timeout):
        raise urllib.error.HTTPError(request.full_url, 400, "Bad Request", {},
                                     io.BytesIO(b"Parse error: line 3"))

    monkeypatch.setattr(urllib.request, "urlopen", fail)
    with pytest.raises(QueryError, match="^http://e.test/sparql answered 400: Parse error: line 3"):
        run_query("mandates", endpoint="http://e.test/sparql")


def test_declared_columns_must_be_the_selected_ones(graph, tmp_path):
    write_query(tmp_path / "q", "wrong", "#+ columns: [s, o]\nSELECT ?s ?p WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError) as caught:
        run_query("wrong", graph, folder=tmp_path / "q")
    assert str(caught.value) == ("query 'wrong' declares columns s, o but returns s, p\n"
                                 "  hint: fix its #+ columns header")


@pytest.mark.parametrize("name", list(QUERIES))
def test_every_saved_query_is_documented(name):
    saved = QUERIES[name]
    assert saved.title and saved.description and saved.columns
    assert saved.sparql.startswith("PREFIX")
    assert all(p.example and p.description for p in saved.params)
    assert all(c.description for c in saved.columns)
    docs = (REPO / "docs" / "queries.md").read_text(encoding="utf-8")
    assert f"### `{name}`" in docs
    for param in saved.params:
        assert f"`{param.name}`" in docs


# -- the same rows on rdflib, Oxigraph and a SPARQL endpoint --------------------------------------

def endpoint_on(store):
    """A SPARQL 1.1 protocol endpoint in a function: Oxigraph runs the POSTed query as is."""
    pyoxigraph = pytest.importorskip("pyoxigraph")

    def transport(url, body, headers):
        assert headers["Accept"] == "application/sparql-results+json"
        text = urllib.parse.parse_qs(body.decode("utf-8"))["query"][0]
        return store.query(text).serialize(format=pyoxigraph.QueryResultsFormat.JSON)

    return transport


def parameter_sets():
    for name, saved in QUERIES.items():
        required = {p.name: p.example for p in saved.params if p.required}
        yield pytest.param(name, required, id=name)
        if any(not p.required for p in saved.params):
            every = {p.name: p.example for p in saved.params}
            yield pytest.param(name, every, id=f"{name}-all-params")


@pytest.mark.parametrize("name, params", list(parameter_sets()))
def test_rdflib_oxigraph_and_an_endpoint_give_the_same_rows(graph, store, name, params):
    on_rdflib = run_query(name, graph, params)
    on_oxigraph = run_query(name, store, params)
    on_endpoint = run_query(name, endpoint="http://endpoint.test/sparql", params=params,
                            transport=endpoint_on(store))
    assert on_rdflib.vars == on_oxigraph.vars == on_endpoint.vars
    assert on_rdflib.rows == on_oxigraph.rows == on_endpoint.rows
    assert on_rdflib.rows, "each example should find rows"


@pytest.mark.parametrize("name, params", list(parameter_sets()))
def test_the_saved_queries_need_no_inferred_triples(graph, seed_build, name, params):
    """Same rows on kg.ttl alone: the queries name asserted properties, not entailed ones."""
    assert run_query(name, seed_build.asserted, params).rows == run_query(name, graph, params).rows


def test_a_store_may_hold_the_entailments_in_a_named_graph(graph, graph_files):
    """As kgbuild.store lays a built store out: the query runs on the union of the graphs."""
    pyoxigraph = pytest.importorskip("pyoxigraph")
    store = pyoxigraph.Store()
    store.load(path=str(graph_files[0]), format=pyoxigraph.RdfFormat.TURTLE)
    store.load(path=str(graph_files[1]), format=pyoxigraph.RdfFormat.TURTLE,
               to_graph=pyoxigraph.NamedNode("https://w3id.org/kgbuild/graph/inferred"))
    for name in ("mandates", "gaps"):
        assert run_query(name, store).rows == run_query(name, graph).rows


def test_oxigraph_rows_read_every_kind_of_term_as_the_store_holds_it():
    """Rows come back through Oxigraph's TSV (escapes, short numbers, blank nodes, unbound
    cells, no variable at all): the same terms as converting each solution one by one."""
    pyoxigraph = pytest.importorskip("pyoxigraph")
    from kgbuild.query import _from_oxigraph, _run_oxigraph

    xsd = str(XSD)
    objects = [
        pyoxigraph.Literal('tab\there, line\nend, "quotes", back\\slash, é'),
        pyoxigraph.Literal("x", language="fr"), pyoxigraph.Literal('"q"\t', language="en-GB"),
        pyoxigraph.Literal(""), pyoxigraph.Literal("a@fr"), pyoxigraph.Literal("<notiri>"),
        pyoxigraph.Literal("01", datatype=pyoxigraph.NamedNode(xsd + "integer")),
        pyoxigraph.Literal("1.50", datatype=pyoxigraph.NamedNode(xsd + "decimal")),
        pyoxigraph.Literal("1e3", datatype=pyoxigraph.NamedNode(xsd + "double")),
        pyoxigraph.Literal("true", datatype=pyoxigraph.NamedNode(xsd + "boolean")),
        pyoxigraph.Literal("2016-02", datatype=pyoxigraph.NamedNode(xsd + "gYearMonth")),
        pyoxigraph.Literal("v", datatype=pyoxigraph.NamedNode("http://e.test/type")),
        pyoxigraph.NamedNode("http://e.test/é?q=1#f"), pyoxigraph.BlankNode("b0"),
    ]
    store = pyoxigraph.Store()
    for i, obj in enumerate(objects):
        store.add(pyoxigraph.Quad(pyoxigraph.NamedNode(f"http://e.test/s{i}"),
                                  pyoxigraph.NamedNode("http://e.test/p"), obj))
    for text in ("SELECT ?s ?o ?unbound WHERE { ?s ?p ?o } ORDER BY ?s",
                 "SELECT ?unbound WHERE { ?s ?p ?o }", "SELECT * WHERE { }",
                 "SELECT ?o WHERE { ?s ?p ?o FILTER(false) }"):
        solutions = store.query(text)
        names = [v.value for v in solutions.variables]
        expected = [tuple(_from_oxigraph(s[n]) for n in names) for s in solutions]
        rows = _run_oxigraph(store, text, {}).rows
        assert rows == expected
        assert [[(type(t), getattr(t, "datatype", None), getattr(t, "language", None))
                 for t in row] for row in rows] == [
            [(type(t), getattr(t, "datatype", None), getattr(t, "language", None))
             for t in row] for row in expected]


def test_pyoxigraph_substitutions_bind_only_selected_variables(store):
    """Why kgbuild binds with a VALUES block on Oxigraph (SEP-0007 substitutions)."""
    pyoxigraph = pytest.importorskip("pyoxigraph")
    with pytest.raises(RuntimeError, match="does not contains variable"):
        store.query("SELECT ?s WHERE { ?s ?p ?o }",
                    substitutions={pyoxigraph.Variable("o"): pyoxigraph.Literal("x")})


def test_an_endpoint_error_is_a_query_error():
    def failing(url, body, headers):
        return b"<html>Service unavailable</html>"

    with pytest.raises(QueryError, match="^http://e.test/sparql did not answer SPARQL JSON"):
        run_query("mandates", endpoint="http://e.test/sparql", transport=failing)


# -- result formats: SPARQL 1.1 CSV, TSV and JSON; a table for people ----------------------------

SAMPLE = QueryResult(("who", "label", "date", "note", "n"), [
    (URIRef(f"{KGID}person/mounir-mahjoubi"), Literal("Mounir Mahjoubi", lang="fr"),
     Literal("2016-02", datatype=XSD.gYearMonth), Literal('dit "bonjour", puis\npart'),
     Literal(3, datatype=XSD.integer)),
    (URIRef("http://example.org/x"), None, None, Literal("a\tb"), None),
    (BNode("b0"), None, None, None, None),
])


def test_csv_follows_the_sparql_results_csv_format():
    assert SAMPLE.to_csv() == (
        "who,label,date,note,n\r\n"
        f"{KGID}person/mounir-mahjoubi,Mounir Mahjoubi,2016-02,\"dit \"\"bonjour\"\", puis\npart\",3\r\n"
        "http://example.org/x,,,a\tb,\r\n"
        "_:b0,,,,\r\n")


def test_tsv_follows_the_sparql_results_tsv_format():
    assert SAMPLE.to_tsv() == (
        "?who\t?label\t?date\t?note\t?n\n"
        f"<{KGID}person/mounir-mahjoubi>\t\"Mounir Mahjoubi\"@fr\t"
        "\"2016-02\"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>\t"
        "\"dit \\\"bonjour\\\", puis\\npart\"\t3\n"
        "<http://example.org/x>\t\t\t\"a\\tb\"\t\n"
        "_:b0\t\t\t\t\n")


def test_json_follows_the_sparql_results_json_format():
    assert json.loads(SAMPLE.to_json()) == {
        "head": {"vars": ["who", "label", "date", "note", "n"]},
        "results": {"bindings": [
            {"who": {"type": "uri", "value": f"{KGID}person/mounir-mahjoubi"},
             "label": {"type": "literal", "value": "Mounir Mahjoubi", "xml:lang": "fr"},
             "date": {"type": "literal", "value": "2016-02",
                      "datatype": "http://www.w3.org/2001/XMLSchema#gYearMonth"},
             "note": {"type": "literal", "value": 'dit "bonjour", puis\npart'},
             "n": {"type": "literal", "value": "3",
                   "datatype": "http://www.w3.org/2001/XMLSchema#integer"}},
            {"who": {"type": "uri", "value": "http://example.org/x"},
             "note": {"type": "literal", "value": "a\tb"}},
            {"who": {"type": "bnode", "value": "b0"}},
        ]}}


def test_the_table_aligns_columns_and_leaves_unbound_cells_empty():
    assert SAMPLE.to_table() == (
        "who                     label            date     note                      n\n"
        "----------------------  ---------------  -------  ------------------------  -\n"
        "person:mounir-mahjoubi  Mounir Mahjoubi  2016-02  dit \"bonjour\", puis part  3\n"
        "http://example.org/x                              a b\n"
        "_:b0\n")


def test_json_results_read_back_to_the_same_terms(graph, store):
    result = run_query("mandates", graph)
    again = run_query("mandates", endpoint="http://e.test/sparql", transport=endpoint_on(store))
    assert json.loads(again.to_json()) == json.loads(result.to_json())
