"""The SHACL shapes of ontology/shapes.ttl, shape by shape, on tiny inline graphs.

Every case is a few Turtle lines added to a small valid graph (``BASE``) and the exact list of
(severity, shape, constraint component) it must produce. ``CASES`` is one table, so the coverage
tests at the bottom can check that every shape of shapes.ttl has a case that conforms and a case
that violates it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH

from kgbuild.errors import ShapesError
from kgbuild.validate import KGSH, SHAPES_FILE, check_shapes, load_shapes, validate

PREFIXES = """\
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix kg: <https://w3id.org/kgbuild/ns#> .
@prefix kgid: <https://w3id.org/kgbuild/id/> .
@prefix person: <https://w3id.org/kgbuild/id/person/> .
@prefix organisation: <https://w3id.org/kgbuild/id/organisation/> .
@prefix post: <https://w3id.org/kgbuild/id/post/> .
@prefix source: <https://w3id.org/kgbuild/id/source/> .
@prefix evidence: <https://w3id.org/kgbuild/id/evidence/> .
@prefix mandate: <https://w3id.org/kgbuild/id/mandate/> .
@prefix membership: <https://w3id.org/kgbuild/id/membership/> .
@prefix candidacy: <https://w3id.org/kgbuild/id/candidacy/> .
@prefix campaign-role: <https://w3id.org/kgbuild/id/campaign-role/> .
@prefix programme: <https://w3id.org/kgbuild/id/programme/> .
@prefix budget: <https://w3id.org/kgbuild/id/budget/> .
@prefix election: <https://w3id.org/kgbuild/id/election/> .
@prefix thing: <https://w3id.org/kgbuild/id/thing/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
SHA = "a" * 64
# A valid little world every case adds to: it produces no result at all.
BASE = PREFIXES + f"""
person:p a schema:Person ; skos:prefLabel "Claire Vasseur"@fr .
person:q a schema:Person ; skos:prefLabel "Paul Marin"@fr .
organisation:o a org:Organization ; skos:prefLabel "Gouvernement"@fr .
organisation:o2 a org:Organization ; skos:prefLabel "Assemblée nationale"@fr .
post:p a org:Post ; skos:prefLabel "secrétaire d'État"@fr ; org:postIn organisation:o .
post:p2 a org:Post ; skos:prefLabel "député"@fr ; org:postIn organisation:o2 .
source:s a kg:Source ; kg:sha256 "{SHA}" .
source:s2 a kg:Source ; kg:sha256 "{SHA}" .
evidence:e a kg:Evidence ; kg:quote "Claire Vasseur est nommée."@fr ;
    prov:wasQuotedFrom source:s ; kg:startOffset 0 ; kg:endOffset 26 ;
    kg:claimId "e" ; kg:claimFile "claims/s.yaml" ; kg:claimLine 5 ; kg:reviewStatus kg:Reviewed .
"""


def Y(text):  # noqa: N802 - date literal helpers read like the datatypes
    return f'"{text}"^^xsd:gYear'


def M(text):  # noqa: N802
    return f'"{text}"^^xsd:gYearMonth'


def D(text):  # noqa: N802
    return f'"{text}"^^xsd:date'


FACT = {"kg:evidence": "evidence:e", "kg:reviewStatus": "kg:Reviewed"}
MANDATE = {"a": "kg:Mandate", "kg:holder": "person:p", "kg:post": "post:p",
           "schema:startDate": M("2017-05"), **FACT}
MEMBERSHIP = {"a": "org:Membership", "org:member": "person:p",
              "org:organization": "organisation:o", **FACT}
CANDIDACY = {"a": "kg:Candidacy", "kg:candidate": "person:p",
             "kg:candidacyState": "kg:Declared", **FACT}
CAMPAIGN_ROLE = {"a": "kg:CampaignRole", "kg:campaigner": "person:q",
                 "kg:campaignFor": "person:p", "kg:modality": "kg:Asserted", **FACT}
PROGRAMME = {"a": "kg:Programme", "skos:prefLabel": '"French Tech Seed"@fr',
             "kg:evidence": "evidence:e", "kg:reviewStatus": "kg:Reviewed"}
EVIDENCE = {"a": "kg:Evidence", "kg:quote": '"Le fonds est lancé."@fr',
            "prov:wasQuotedFrom": "source:s", "kg:startOffset": "10", "kg:endOffset": "29",
            "kg:claimFile": '"claims/s.yaml"', "kg:claimLine": "12",
            "kg:reviewStatus": "kg:Proposed", "kg:confidence": "0.8"}
AMOUNT = {"a": "schema:MonetaryAmount", "schema:currency": '"EUR"', "schema:value": "250000000.0"}
PERSON = {"a": "schema:Person", "skos:prefLabel": '"Paul Durand"@fr'}
SOURCE = {"a": "kg:Source", "kg:sha256": f'"{SHA}"'}


def node(iri: str, template: dict, drop: tuple = (), **changes) -> str:
    """Turtle for one node: ``template`` with keys dropped and predicates changed or added.

    Keyword names are predicates with ``__`` for ``:`` (``kg__holder``); a list value gives
    several objects.
    """
    props = {key: value for key, value in template.items() if key not in drop}
    props.update({key.replace("__", ":"): value for key, value in changes.items()})
    parts = []
    for predicate, value in props.items():
        values = value if isinstance(value, list) else [value]
        parts.append(f"{predicate} {', '.join(values)}")
    return f"{iri} " + " ;\n    ".join(parts) + " .\n"


def mandate(iri="mandate:m", drop=(), **changes):
    return node(iri, MANDATE, drop, **changes)


@dataclass(frozen=True)
class Case:
    id: str
    turtle: str  # added to BASE
    expected: tuple  # (severity, shape local name, component local name), in any order

    @property
    def data(self) -> str:
        return BASE + self.turtle


def case(id, turtle, *expected):
    return pytest.param(Case(id, turtle, tuple(expected)), id=id)


def V(shape, component):  # noqa: N802
    return ("Violation", shape, component + "ConstraintComponent")


def W(shape, component):  # noqa: N802
    return ("Warning", shape, component + "ConstraintComponent")


# -- the table -----------------------------------------------------------------------------------

MANDATE_CASES = [
    case("mandate-ok", mandate()),
    case("mandate-complete-ok", mandate(schema__endDate=D("2019-03-29"),
                                        kg__endDecisionDate=D("2019-03-27"),
                                        kg__mandateState="kg:Ended",
                                        kg__endReason="kg:Resignation")),
    case("mandate-holder-missing", mandate(drop=("kg:holder",)), V("Mandate-holder", "MinCount")),
    case("mandate-two-holders", mandate(kg__holder=["person:p", "person:q"]),
         V("Mandate-holder", "MaxCount")),
    case("mandate-holder-not-person", mandate(kg__holder="organisation:o"),
         V("Mandate-holder", "Class")),
    case("mandate-post-missing", mandate(drop=("kg:post",)), V("Mandate-post", "MinCount")),
    case("mandate-two-posts", mandate(kg__post=["post:p", "post:p2"]),
         V("Mandate-post", "MaxCount")),
    case("mandate-post-not-post", mandate(kg__post="organisation:o"),
         V("Mandate-post", "Class")),
    case("mandate-start-unknown", mandate(drop=("schema:startDate",)),
         W("Mandate-startKnown", "MinCount")),
    case("mandate-two-starts", mandate(schema__startDate=[M("2017-05"), D("2017-06-01")]),
         V("Period-startDate", "MaxCount")),
    case("mandate-two-ends", mandate(schema__endDate=[D("2019-03-29"), D("2019-03-31")]),
         V("Period-endDate", "MaxCount")),
    case("mandate-two-end-decisions",
         mandate(kg__endDecisionDate=[D("2019-03-27"), D("2019-03-28")]),
         V("Mandate-endDecisionDate", "MaxCount")),
    case("mandate-state-unknown-term", mandate(kg__mandateState="kg:Reviewed"),
         V("Mandate-mandateState", "In")),
    case("mandate-two-states", mandate(kg__mandateState=["kg:Ongoing", "kg:Ending"]),
         V("Mandate-mandateState", "MaxCount")),
    case("mandate-end-reason-unknown-term", mandate(kg__endReason="kg:Ongoing"),
         V("Mandate-endReason", "In")),
    case("mandate-ended-without-end", mandate(kg__mandateState="kg:Ended"),
         W("EndedMandateEnd", "SPARQL")),
    case("mandate-ending-without-end-ok", mandate(kg__mandateState="kg:Ending")),
]

# (start, end, violates): the end may not be before the start, at any mix of precisions.
END_START = [
    (M("2019-03"), D("2019-03-15"), False),
    (Y("2019"), D("2018-12-31"), True),
    (Y("2019"), M("2019-01"), False),
    (Y("2019"), Y("2019"), False),
    (D("2019-03-15"), M("2019-03"), False),
    (D("2019-03-15"), M("2019-02"), True),
    (D("2019-03-15"), D("2019-03-15"), False),
    (D("2019-03-15"), D("2019-03-14"), True),
    (M("2016-02"), Y("2016"), False),
    (Y("2017"), Y("2016"), True),
    (M("2017-05"), D("2019-03-29"), False),
    (D("2017-05-17"), M("2017-04"), True),
]
END_START_CASES = [
    case(f"end-{'before' if bad else 'not-before'}-start-{i}",
         mandate(schema__startDate=start, schema__endDate=end),
         *([V("EndNotBeforeStart", "SPARQL")] if bad else []))
    for i, (start, end, bad) in enumerate(END_START)
] + [
    case("membership-end-before-start",
         node("membership:x", MEMBERSHIP, schema__startDate=Y("2019"),
              schema__endDate=Y("2018")),
         V("EndNotBeforeStart", "SPARQL")),
]


def two_mandates(first: dict, second: dict, *, post2="post:p", drop2=()) -> str:
    """Two mandates of person:p: m1 on post:p, m2 on ``post2``."""
    return (mandate("mandate:m1", **first)
            + mandate("mandate:m2", drop2, kg__post=post2, **second))


OVERLAP = [V("MandateOverlap", "SPARQL")] * 2  # reported on both mandates
OVERLAP_CASES = [
    case("overlap-disjoint",
         two_mandates({"schema__startDate": M("2017-05"), "schema__endDate": D("2019-03-29")},
                      {"schema__startDate": Y("2020")})),
    case("overlap-closed",
         two_mandates({"schema__startDate": Y("2017"), "schema__endDate": Y("2019")},
                      {"schema__startDate": Y("2018"), "schema__endDate": Y("2020")}),
         *OVERLAP),
    case("overlap-same-day-handover",
         two_mandates({"schema__startDate": Y("2017"), "schema__endDate": D("2019-03-29")},
                      {"schema__startDate": D("2019-03-29")})),
    case("overlap-not-definite-month-vs-day",
         two_mandates({"schema__startDate": Y("2017"), "schema__endDate": M("2019-03")},
                      {"schema__startDate": D("2019-03-15"), "schema__endDate": Y("2020")})),
    case("overlap-ongoing-open-end",
         two_mandates({"schema__startDate": Y("2017"), "kg__mandateState": "kg:Ongoing"},
                      {"schema__startDate": Y("2018"), "schema__endDate": Y("2019")}),
         *OVERLAP),
    case("overlap-both-ongoing",
         two_mandates({"schema__startDate": Y("2017"), "kg__mandateState": "kg:Ongoing"},
                      {"schema__startDate": Y("2020"), "kg__mandateState": "kg:Ongoing"}),
         *OVERLAP),
    case("overlap-unknown-end-is-not-open",
         two_mandates({"schema__startDate": Y("2017")},
                      {"schema__startDate": Y("2020"), "kg__mandateState": "kg:Ongoing"})),
    case("overlap-start-unknown",
         two_mandates({"schema__startDate": Y("2017"), "kg__mandateState": "kg:Ongoing"},
                      {"kg__mandateState": "kg:Ongoing"}, drop2=("schema:startDate",)),
         W("Mandate-startKnown", "MinCount")),
    case("overlap-other-post",
         two_mandates({"schema__startDate": Y("2017"), "kg__mandateState": "kg:Ongoing"},
                      {"schema__startDate": Y("2018"), "kg__mandateState": "kg:Ongoing"},
                      post2="post:p2")),
]

OTHER_CASES = [
    # posts
    case("post-without-organisation",
         'post:x a org:Post ; skos:prefLabel "conseiller"@fr .\n',
         V("Post-postIn", "MinCount")),
    case("post-in-two-organisations",
         'post:x a org:Post ; skos:prefLabel "conseiller"@fr ;\n'
         '    org:postIn organisation:o , organisation:o2 .\n',
         V("Post-postIn", "MaxCount")),
    case("post-in-a-person",
         'post:x a org:Post ; skos:prefLabel "conseiller"@fr ; org:postIn person:p .\n',
         V("Post-postIn", "Class")),
    # memberships
    case("membership-ok", node("membership:x", MEMBERSHIP, schema__startDate=Y("2016"),
                               kg__roleDescription='"membre"@fr')),
    case("membership-member-missing", node("membership:x", MEMBERSHIP, ("org:member",)),
         V("Membership-member", "MinCount")),
    case("membership-member-not-person",
         node("membership:x", MEMBERSHIP, org__member="organisation:o2"),
         V("Membership-member", "Class")),
    case("membership-organisation-missing",
         node("membership:x", MEMBERSHIP, ("org:organization",)),
         V("MembershipOrganization", "SPARQL")),
    case("membership-two-organisations",
         node("membership:x", MEMBERSHIP,
              org__organization=["organisation:o", "organisation:o2"]),
         V("Membership-organization", "MaxCount")),
    case("membership-organisation-not-organisation",
         node("membership:x", MEMBERSHIP, org__organization="post:p"),
         V("Membership-organization", "Class")),
    case("membership-two-starts",
         node("membership:x", MEMBERSHIP, schema__startDate=[Y("2016"), Y("2017")]),
         V("Period-startDate", "MaxCount")),
    # a campaign role is a membership after reasoning, and need not name an organisation
    case("campaign-role-as-membership-ok",
         node("campaign-role:x", CAMPAIGN_ROLE, a=["kg:CampaignRole", "org:Membership"],
              org__member="person:q", kg__roleDescription='"porte-parole"@fr')),
    # candidacies and campaign roles
    case("candidacy-ok", node("candidacy:x", CANDIDACY,
                              kg__announcementDate=D("2019-03-24"))),
    case("candidacy-candidate-missing", node("candidacy:x", CANDIDACY, ("kg:candidate",)),
         V("Candidacy-candidate", "MinCount")),
    case("candidacy-candidate-not-person",
         node("candidacy:x", CANDIDACY, kg__candidate="post:p"),
         V("Candidacy-candidate", "Class")),
    case("candidacy-state-unknown-term",
         node("candidacy:x", CANDIDACY, kg__candidacyState="kg:Ongoing"),
         V("Candidacy-candidacyState", "In")),
    case("campaign-role-ok", node("campaign-role:x", CAMPAIGN_ROLE,
                                  schema__startDate=M("2019-09"))),
    case("campaign-role-campaigner-missing",
         node("campaign-role:x", CAMPAIGN_ROLE, ("kg:campaigner",)),
         V("CampaignRole-campaigner", "MinCount")),
    case("campaign-role-two-campaigners",
         node("campaign-role:x", CAMPAIGN_ROLE,
              kg__campaigner=["person:p", "person:q"]),
         V("CampaignRole-campaigner", "MaxCount")),
    case("campaign-role-modality-unknown-term",
         node("campaign-role:x", CAMPAIGN_ROLE, kg__modality="kg:Declared"),
         V("CampaignRole-modality", "In")),
    # evidence and review status on facts
    case("fact-without-evidence", mandate(drop=("kg:evidence",)),
         V("Fact-evidence", "MinCount")),
    case("fact-evidence-not-evidence", mandate(kg__evidence="source:s"),
         V("Fact-evidence", "Class")),
    case("candidacy-without-evidence", node("candidacy:x", CANDIDACY, ("kg:evidence",)),
         V("Fact-evidence", "MinCount")),
    case("fact-without-review-status", mandate(drop=("kg:reviewStatus",)),
         V("Fact-reviewStatus", "MinCount")),
    case("review-status-unknown-term", mandate(kg__reviewStatus="kg:Ended"),
         V("ReviewStatus-value", "In")),
    case("review-status-two-values", mandate(kg__reviewStatus=["kg:Reviewed", "kg:Proposed"]),
         V("ReviewStatus-value", "MaxCount")),
    case("programme-ok", node("programme:x", PROGRAMME, a=["kg:Programme", "kg:Fund"],
                              kg__launchDate=D("2019-01-15"))),
    case("programme-reference-data-only",
         node("programme:x", PROGRAMME, ("kg:evidence", "kg:reviewStatus")),
         V("Programme-evidence", "MinCount")),
    case("programme-evidence-not-evidence",
         node("programme:x", PROGRAMME, kg__evidence="person:p"),
         V("Programme-evidence", "Class")),
    # evidence
    case("evidence-ok", node("evidence:x", EVIDENCE)),
    case("evidence-quote-missing", node("evidence:x", EVIDENCE, ("kg:quote",)),
         V("Evidence-quote", "MinCount")),
    case("evidence-two-quotes", node("evidence:x", EVIDENCE,
                                     kg__quote=['"un"@fr', '"deux"@fr']),
         V("Evidence-quote", "MaxCount")),
    case("evidence-quote-empty", node("evidence:x", EVIDENCE, kg__quote='""@fr'),
         V("Evidence-quote", "Pattern")),
    case("evidence-quote-blank", node("evidence:x", EVIDENCE, kg__quote='"  \\n "'),
         V("Evidence-quote", "Pattern")),
    case("evidence-quote-iri", node("evidence:x", EVIDENCE, kg__quote="source:s"),
         V("Evidence-quote", "NodeKind")),
    case("evidence-source-missing", node("evidence:x", EVIDENCE, ("prov:wasQuotedFrom",)),
         V("Evidence-source", "MinCount")),
    case("evidence-two-sources", node("evidence:x", EVIDENCE,
                                      prov__wasQuotedFrom=["source:s", "source:s2"]),
         V("Evidence-source", "MaxCount")),
    case("evidence-source-not-source",
         node("evidence:x", EVIDENCE, prov__wasQuotedFrom="person:p"),
         V("Evidence-source", "Class")),
    case("evidence-offsets-absent-ok",
         node("evidence:x", EVIDENCE, ("kg:startOffset", "kg:endOffset"))),
    case("evidence-start-negative", node("evidence:x", EVIDENCE, kg__startOffset="-1"),
         V("Evidence-startOffset", "MinInclusive")),
    case("evidence-start-not-integer", node("evidence:x", EVIDENCE, kg__startOffset="10.5"),
         V("Evidence-startOffset", "Datatype")),
    case("evidence-start-after-end", node("evidence:x", EVIDENCE, kg__startOffset="30"),
         V("Evidence-startOffset", "LessThan")),
    case("evidence-start-equals-end", node("evidence:x", EVIDENCE, kg__startOffset="29"),
         V("Evidence-startOffset", "LessThan")),
    case("evidence-two-starts", node("evidence:x", EVIDENCE, kg__startOffset=["1", "2"]),
         V("Evidence-startOffset", "MaxCount")),
    case("evidence-end-negative",
         node("evidence:x", EVIDENCE, kg__startOffset="-3", kg__endOffset="-1"),
         V("Evidence-startOffset", "MinInclusive"), V("Evidence-endOffset", "MinInclusive")),
    case("evidence-end-not-integer", node("evidence:x", EVIDENCE, kg__endOffset="29.0"),
         V("Evidence-endOffset", "Datatype")),
    case("evidence-two-ends", node("evidence:x", EVIDENCE, kg__endOffset=["29", "30"]),
         V("Evidence-endOffset", "MaxCount")),
    case("evidence-claim-line-zero", node("evidence:x", EVIDENCE, kg__claimLine="0"),
         V("Evidence-claimLine", "MinInclusive")),
    case("evidence-claim-line-text", node("evidence:x", EVIDENCE, kg__claimLine='"12"'),
         V("Evidence-claimLine", "Datatype"), V("Evidence-claimLine", "MinInclusive")),
    case("evidence-confidence-above-one", node("evidence:x", EVIDENCE,
                                               kg__confidence="1.5"),
         V("Evidence-confidence", "MaxInclusive")),
    case("evidence-confidence-double",
         node("evidence:x", EVIDENCE, kg__confidence='"0.5"^^xsd:double'),
         V("Evidence-confidence", "Datatype")),
    # sources
    case("source-ok", node("source:x", SOURCE, dcterms__issued=D("2019-03-28"),
                           dcterms__modified=D("2019-03-28"), kg__retrieved=M("2024-01"))),
    case("source-sha256-missing", node("source:x", SOURCE, ("kg:sha256",)),
         V("Source-sha256", "MinCount")),
    case("source-sha256-upper-case", node("source:x", SOURCE,
                                          kg__sha256=f'"{SHA.upper()}"'),
         V("Source-sha256", "Pattern")),
    case("source-two-sha256", node("source:x", SOURCE,
                                   kg__sha256=[f'"{SHA}"', f'"{"b" * 64}"']),
         V("Source-sha256", "MaxCount")),
    # budgets
    case("budget-ok",
         node("programme:x", PROGRAMME, kg__budget="budget:b")
         + node("budget:b", AMOUNT, kg__budgetPeriod=Y("2019"))),
    case("budget-minimum-ok",
         node("budget:b", AMOUNT, ("schema:value",), schema__minValue="1000.0")),
    case("budget-approximate-ok",
         node("budget:b", AMOUNT, ("schema:value",), kg__approximateValue="1000.0")),
    case("budget-not-an-amount",
         node("programme:x", PROGRAMME, kg__budget="budget:b")
         + 'budget:b schema:value 10.0 .\n',
         V("Budget-budget", "Class")),
    case("budget-currency-missing", node("budget:b", AMOUNT, ("schema:currency",)),
         V("MonetaryAmount-currency", "MinCount")),
    case("budget-currency-lower-case", node("budget:b", AMOUNT, schema__currency='"eur"'),
         V("MonetaryAmount-currency", "Pattern")),
    case("budget-currency-word", node("budget:b", AMOUNT, schema__currency='"euros"'),
         V("MonetaryAmount-currency", "Pattern")),
    case("budget-currency-tagged", node("budget:b", AMOUNT, schema__currency='"EUR"@fr'),
         V("MonetaryAmount-currency", "Datatype")),
    case("budget-two-currencies",
         node("budget:b", AMOUNT, schema__currency=['"EUR"', '"USD"']),
         V("MonetaryAmount-currency", "MaxCount")),
    case("budget-no-amount", node("budget:b", AMOUNT, ("schema:value",)),
         V("MonetaryAmount", "Xone")),
    case("budget-exact-and-minimum", node("budget:b", AMOUNT, schema__minValue="10.0"),
         V("MonetaryAmount", "Xone")),
    case("budget-zero", node("budget:b", AMOUNT, schema__value="0.0"),
         V("MonetaryAmount-value", "MinExclusive")),
    case("budget-integer", node("budget:b", AMOUNT, schema__value="250000000"),
         V("MonetaryAmount-value", "Datatype")),
    case("budget-two-values", node("budget:b", AMOUNT, schema__value=["1.0", "2.0"]),
         V("MonetaryAmount-value", "MaxCount")),
    case("budget-minimum-negative",
         node("budget:b", AMOUNT, ("schema:value",), schema__minValue="-5.0"),
         V("MonetaryAmount-minValue", "MinExclusive")),
    case("budget-two-minimums",
         node("budget:b", AMOUNT, ("schema:value",), schema__minValue=["1.0", "2.0"]),
         V("MonetaryAmount-minValue", "MaxCount")),
    case("budget-approximate-double",
         node("budget:b", AMOUNT, ("schema:value",),
              kg__approximateValue='"1e6"^^xsd:double'),
         V("MonetaryAmount-approximateValue", "Datatype")),
    case("budget-approximate-zero",
         node("budget:b", AMOUNT, ("schema:value",), kg__approximateValue="0.0"),
         V("MonetaryAmount-approximateValue", "MinExclusive")),
    # labels
    case("labels-ok",
         node("person:x", PERSON, skos__prefLabel=['"Paul Durand"@fr', '"Paul Durand"@en'])
         + 'election:x a kg:Election ; skos:prefLabel "municipales 2020"@fr ;\n'
           f'    schema:startDate {Y("2020")} .\n'),
    case("label-french-variant-ok", node("person:x", PERSON,
                                         skos__prefLabel='"Paul Durand"@fr-CA')),
    case("label-missing", node("person:x", PERSON, ("skos:prefLabel",)),
         V("Labelled-prefLabelFr", "QualifiedMinCount")),
    case("label-english-only", node("person:x", PERSON, skos__prefLabel='"Paul"@en'),
         V("Labelled-prefLabelFr", "QualifiedMinCount")),
    case("label-untagged", node("person:x", PERSON, skos__prefLabel='"Paul Durand"'),
         V("Labelled-prefLabelFr", "QualifiedMinCount"), V("Labelled-prefLabel", "Datatype")),
    case("label-two-french",
         node("person:x", PERSON, skos__prefLabel=['"Paul Durand"@fr', '"P. Durand"@fr']),
         V("Labelled-prefLabel", "UniqueLang")),
    case("organisation-label-missing",
         'organisation:x a org:Organization , kg:Ministry .\n',
         V("Labelled-prefLabelFr", "QualifiedMinCount")),
    case("programme-label-missing", node("programme:x", PROGRAMME, ("skos:prefLabel",)),
         V("Labelled-prefLabelFr", "QualifiedMinCount")),
]

DATE_PROPERTIES = [
    "schema:startDate", "schema:endDate", "kg:endDecisionDate", "kg:announcementDate",
    "kg:launchDate", "kg:plannedLaunchDate", "kg:presentationDate", "kg:signatureDate",
    "kg:resultsDate", "kg:budgetPeriod", "dcterms:issued", "dcterms:modified", "kg:retrieved",
]
GOOD_DATES = [Y("2019"), M("2019-03"), D("2019-03-29"), D("2020-02-29")]
# (rdflib normalises "2019-03-29Z"^^xsd:date to "2019-03-29" when it reads it: no case for it.)
BAD_DATES = {
    "month-13": M("2019-13"),
    "month-in-words": M("March 2019"),
    "february-30": D("2019-02-30"),
    "february-29-not-leap": D("2019-02-29"),
    "day-32": D("2019-01-32"),
    "short-year": Y("19"),
    "year-with-month": Y("2019-03"),
    "plain-string": '"2019-03-29"',
    "datetime": '"2019-03-29T10:00:00"^^xsd:dateTime',
    "month-one-digit": M("2019-3"),
}


def _local(curie: str) -> str:
    return curie.split(":", 1)[1]


DATE_CASES = [
    case(f"date-{_local(p)}-ok", f"thing:x {p} {', '.join(GOOD_DATES)} .\n")
    for p in DATE_PROPERTIES
] + [
    case(f"date-{_local(p)}-bad", f"thing:x {p} {M('2019-13')} .\n",
         V(f"Dated-{_local(p)}", "Node"))
    for p in DATE_PROPERTIES
] + [
    case(f"date-start-{name}", f"thing:x schema:startDate {value} .\n",
         V("Dated-startDate", "Node"))
    for name, value in BAD_DATES.items()
]

CASES = MANDATE_CASES + END_START_CASES + OVERLAP_CASES + OTHER_CASES + DATE_CASES


# -- running the cases ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


def outcome(report) -> list[tuple[str, str, str]]:
    def local(term):
        return str(term).split("#", 1)[-1]

    return sorted((r.severity, local(r.shape), local(r.component)) for r in report.results)


def test_base_graph_is_valid(shapes):
    report = validate(BASE, shapes)
    assert report.results == ()
    assert report.conforms


@pytest.mark.parametrize("case", CASES)
def test_shape_case(case: Case, shapes):
    report = validate(case.data, shapes)
    assert outcome(report) == sorted(case.expected)
    assert report.conforms == all(severity != "Violation" for severity, _, _ in case.expected)


def test_every_shape_has_a_message(shapes):
    for shape in _constraint_shapes(shapes):
        owner = shapes.value(shape, SH.sparql) or shape
        languages = {m.language for m in shapes.objects(owner, SH.message)}
        assert {"en", "fr"} <= languages, shape


def test_ill_typed_date_is_reported_with_its_value(shapes):
    report = validate(BASE + f"thing:x schema:startDate {D('2019-02-30')} .\n", shapes)
    (result,) = report.results
    assert str(result.value) == "2019-02-30"
    assert result.path == URIRef("https://schema.org/startDate")
    assert "YYYY-MM-DD" in result.message


def test_end_before_start_message_names_both_dates(shapes):
    report = validate(BASE + mandate(schema__startDate=Y("2019"),
                                     schema__endDate=D("2018-12-31")), shapes)
    (result,) = report.results
    assert result.message == "Ends (2018-12-31) before it starts (2019)."
    assert result.path == URIRef("https://schema.org/endDate")


def test_overlap_names_the_other_mandate(shapes):
    data = BASE + two_mandates(
        {"schema__startDate": Y("2017"), "schema__endDate": Y("2019")},
        {"schema__startDate": Y("2018"), "schema__endDate": Y("2020")})
    report = validate(data, shapes)
    pairs = {(str(r.focus).rsplit("/", 1)[-1], str(r.value).rsplit("/", 1)[-1])
             for r in report.results}
    assert pairs == {("m1", "m2"), ("m2", "m1")}
    assert all(r.message.startswith("Overlaps another mandate") for r in report.results)


# -- coverage: every shape is exercised ----------------------------------------------------------

TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
# Parameters that are not constraints: a node shape with only these checks nothing itself.
NOT_CONSTRAINTS = {RDF.type, SH.property, SH.message, SH.severity, SH.name, SH.description,
                   SH.deactivated, RDFS.label, RDFS.comment, *TARGETS}


def _targeted_shapes(shapes: Graph) -> set:
    return {s for p in TARGETS for s in shapes.subjects(p, None)}


def _constraint_shapes(shapes: Graph) -> set:
    """The shapes that report results: targeted node shapes with constraints of their own, and
    the property shapes of targeted node shapes."""
    found = set()
    for shape in _targeted_shapes(shapes):
        if any(p not in NOT_CONSTRAINTS for p in shapes.predicates(shape, None)):
            found.add(shape)
        found.update(shapes.objects(shape, SH.property))
    return found


def _focus_nodes(shapes: Graph, shape, data: Graph) -> set:
    """The focus nodes of a node shape in ``data`` (SHACL targets, rdfs:subClassOf in data)."""
    nodes = set()
    for cls in shapes.objects(shape, SH.targetClass):
        for subclass in data.transitive_subjects(RDFS.subClassOf, cls):
            nodes.update(data.subjects(RDF.type, subclass))
    for predicate in shapes.objects(shape, SH.targetSubjectsOf):
        nodes.update(data.subjects(predicate, None))
    for predicate in shapes.objects(shape, SH.targetObjectsOf):
        nodes.update(data.objects(None, predicate))
    nodes.update(shapes.objects(shape, SH.targetNode))
    return nodes


def _parents(shapes: Graph, shape) -> set:
    return set(shapes.subjects(SH.property, shape)) | {shape}


def _applies(shapes: Graph, shape, data: Graph) -> bool:
    return any(_focus_nodes(shapes, parent, data) for parent in _parents(shapes, shape)
               if parent in _targeted_shapes(shapes))


@pytest.fixture(scope="module")
def case_graphs() -> list[tuple[Case, Graph]]:
    return [(param.values[0], Graph().parse(data=param.values[0].data, format="turtle"))
            for param in CASES]


def test_every_targeted_shape_has_focus_nodes_in_some_case(shapes, case_graphs):
    idle = [shape for shape in _targeted_shapes(shapes)
            if not any(_focus_nodes(shapes, shape, graph) for _, graph in case_graphs)]
    assert idle == []


def test_every_shape_has_a_violating_and_a_conforming_case(shapes, case_graphs):
    missing = []
    for shape in sorted(_constraint_shapes(shapes)):
        name = str(shape).split("#", 1)[1]
        reported = [case for case, _ in case_graphs
                    if any(shape_name == name for _, shape_name, _ in case.expected)]
        conforming = [case for case, graph in case_graphs
                      if _applies(shapes, shape, graph)
                      and all(shape_name != name for _, shape_name, _ in case.expected)]
        if not reported:
            missing.append(f"{name}: no violating case")
        if not conforming:
            missing.append(f"{name}: no conforming case")
    assert missing == []


def test_case_ids_are_unique():
    ids = [param.values[0].id for param in CASES]
    assert len(ids) == len(set(ids))


# -- the shapes graph itself ---------------------------------------------------------------------

def test_shapes_use_only_kgsh_iris(shapes):
    """No blank-node shapes: every shape can be named in a report, a test or the docs."""
    for kind in (SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint):
        for shape in shapes.subjects(RDF.type, kind):
            assert isinstance(shape, URIRef) and str(shape).startswith(str(KGSH)), shape
    for parameter in (SH.property, SH.node, SH.qualifiedValueShape, SH.sparql):
        for value in shapes.objects(None, parameter):
            assert isinstance(value, URIRef), (parameter, value)


def test_shipped_shapes_match_the_ontology(shapes):
    ontology_file = SHAPES_FILE.parent / "kgbuild.ttl"
    check_shapes(shapes, Graph().parse(ontology_file))
    load_shapes(ontology=ontology_file)


MIN_SHAPES = PREFIXES + """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix kgsh: <https://w3id.org/kgbuild/shapes#> .
@prefix ex: <http://example.org/> .
kgsh:X a sh:NodeShape ; sh:targetClass {target} ; sh:property kgsh:X-p .
kgsh:X-p a sh:PropertyShape ; sh:path kg:holder ; {constraint} .
"""


def test_check_shapes_refuses_a_misspelt_shacl_term():
    text = MIN_SHAPES.format(target="kg:Mandate", constraint="sh:minCont 1")
    with pytest.raises(ShapesError) as caught:
        load_shapes(text)
    assert "sh:minCont is not a SHACL term (did you mean sh:minCount?)" in str(caught.value)


def test_validate_refuses_a_misspelt_shacl_term():
    text = MIN_SHAPES.format(target="kg:Mandate", constraint="sh:minCont 1")
    with pytest.raises(ShapesError):
        validate(BASE, text)


def test_check_shapes_refuses_a_target_class_the_ontology_does_not_declare():
    shapes = Graph().parse(data=MIN_SHAPES.format(target="kg:Mandat", constraint="sh:minCount 1"),
                           format="turtle")
    ontology = Graph().parse(data=PREFIXES + """
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        kg:Mandate a owl:Class .
        """, format="turtle")
    with pytest.raises(ShapesError) as caught:
        check_shapes(shapes, ontology)
    assert "sh:targetClass kg:Mandat of shape kgsh:X is not declared" in str(caught.value)
    check_shapes(Graph().parse(data=MIN_SHAPES.format(target="kg:Mandate",
                                                      constraint="sh:minCount 1"),
                               format="turtle"), ontology)


def test_check_shapes_refuses_an_undeclared_sh_class():
    shapes = Graph().parse(data=MIN_SHAPES.format(target="kg:Mandate",
                                                  constraint="sh:class schema:Persn"),
                           format="turtle")
    ontology = Graph().parse(data=PREFIXES + """
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        kg:Mandate a owl:Class . schema:Person a owl:Class .
        """, format="turtle")
    with pytest.raises(ShapesError, match="sh:class schema:Persn"):
        check_shapes(shapes, ontology)


def test_check_shapes_without_ontology_accepts_only_the_model_namespaces():
    ok = MIN_SHAPES.format(target="org:Post", constraint="sh:minCount 1")
    check_shapes(Graph().parse(data=ok, format="turtle"))
    bad = MIN_SHAPES.format(target="<http://schema.org/Person>", constraint="sh:minCount 1")
    with pytest.raises(ShapesError, match="not in a namespace of docs/model.md"):
        check_shapes(Graph().parse(data=bad, format="turtle"))
