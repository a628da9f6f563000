"""Claims to RDF: one small function per claim kind, provenance and evidence on every fact.

``map_corpus(corpus)`` returns the asserted graph and, for the validation report, where each
(node, property) came from (claim file and line). No blank node is ever created: every node has a
readable IRI (see docs/model.md).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns

from . import vocab
from .claims import Claim, Corpus
from .dates import PartialDate
from .registry import Entity
from .sources import Source
from .vocab import TermCache, bind_prefixes, entity

# The vocabulary, each term made once (see TermCache): ``KG.holder`` is an attribute read.
DCTERMS, ORG, PROV, RDF, SKOS, XSD = (
    TermCache(n) for n in (ns.DCTERMS, ns.ORG, ns.PROV, ns.RDF, ns.SKOS, ns.XSD))
KG, SCHEMA = TermCache(vocab.KG), TermCache(vocab.SCHEMA)

ORGANISATION_CLASSES = {
    "government": KG.Government, "ministry": KG.Ministry,
    "advisory-council": KG.AdvisoryCouncil, "party": KG.PoliticalParty,
    "company": KG.Company, "public-agency": KG.PublicAgency,
    "local-government": KG.LocalGovernment, "media": KG.MediaOrganisation,
}
PROGRAMME_CLASSES = {
    "fund": KG.Fund, "public-service": KG.PublicService, "charter": KG.Charter,
    "strategy": KG.Strategy, "label": KG.Label, "visa": KG.VisaScheme, "tour": KG.Tour,
    "network": KG.Network, "initiative": KG.Initiative, "platform": KG.Platform,
}
PRECISIONS = {"day": KG.DayPrecision, "month": KG.MonthPrecision, "year": KG.YearPrecision}
END_REASONS = {
    "resignation": KG.Resignation, "dismissal": KG.Dismissal, "end-of-term": KG.EndOfTerm,
    "government-change": KG.GovernmentChange, "appointment-elsewhere": KG.AppointmentElsewhere,
    "candidacy": KG.CandidacyEnd, "other": KG.OtherEnd,
}
MANDATE_STATES = {"ongoing": KG.Ongoing, "ended": KG.Ended, "ending": KG.Ending}
CANDIDACY_STATES = {"declared": KG.Declared, "expected": KG.Expected, "withdrawn": KG.Withdrawn}
MODALITIES = {"asserted": KG.Asserted, "expected": KG.Expected}
REVIEW = {"reviewed": KG.Reviewed, "proposed": KG.Proposed}
PROGRAMME_DATES = {
    "announced": KG.announcementDate, "launched": KG.launchDate,
    "planned_launch": KG.plannedLaunchDate, "presented": KG.presentationDate,
    "signed": KG.signatureDate, "results_presented": KG.resultsDate,
}
SOURCE_PROPERTIES = {
    "title": DCTERMS.title, "publisher": DCTERMS.publisher, "url": SCHEMA.url,
    "published": DCTERMS.issued, "modified": DCTERMS.modified, "retrieved": KG.retrieved,
}


@dataclass
class MappingResult:
    graph: Graph
    origins: dict = field(default_factory=lambda: defaultdict(list))


class RdflibTerms:
    """How the mapper makes entity IRIs and literals: as rdflib terms, for any rdflib Graph.

    :class:`kgbuild.store.NTriplesTerms` makes the same terms as N-Triples text, for the
    :class:`kgbuild.store.NTriples` sink (no rdflib object per term).
    """

    @staticmethod
    def entity(kind: str, slug: str) -> URIRef:
        return entity(kind, slug)

    @staticmethod
    def iri(text: str) -> URIRef:
        return URIRef(text)

    @staticmethod
    def text(value: str, lang: str | None = None) -> Literal:
        return Literal(value, lang=lang)

    @staticmethod
    def integer(value: int) -> Literal:
        return Literal(value, datatype=XSD.integer)

    @staticmethod
    def decimal(value: Decimal) -> Literal:
        return Literal(value, datatype=XSD.decimal)

    @staticmethod
    def date(value: PartialDate) -> Literal:
        return value.literal()


class _Mapper:
    """Adds the triples of entities, sources and claims to ``graph``; ``terms`` makes their
    nodes and literals (:class:`RdflibTerms`, or :class:`kgbuild.store.NTriplesTerms` for an
    :class:`kgbuild.store.NTriples` sink when origins are not tracked: they key on terms)."""

    def __init__(self, corpus: Corpus, graph: Graph | None = None, *, track_origins=True,
                 terms=RdflibTerms):
        self.corpus = corpus
        self.graph = graph if graph is not None else bind_prefixes(Graph())
        self.origins: dict = defaultdict(list)
        self.track_origins = track_origins
        self.terms = terms
        self.claim: Claim | None = None

    # -- small helpers ---------------------------------------------------------------------

    def add(self, subject, predicate, obj, *, field_name: str | None = None) -> None:
        self.graph.add((subject, predicate, obj))
        if self.track_origins and self.claim is not None:
            where = self.claim.location_of(field_name) if field_name else self.claim.location
            if where not in self.origins[(subject, predicate)]:
                self.origins[(subject, predicate)].append(where)

    def add_date(self, subject, predicate, date: PartialDate | None, field_name: str,
                 precision_predicate=None) -> None:
        if date is None:
            return
        self.add(subject, predicate, self.terms.date(date), field_name=field_name)
        if precision_predicate is not None:
            self.add(subject, precision_predicate, PRECISIONS[date.precision],
                     field_name=field_name)

    def ref(self, entity_id: str) -> URIRef:
        return self.terms.entity(self.corpus.registry.get(entity_id).kind, entity_id)

    def add_refs(self, subject, predicate, claim: Claim, name: str) -> None:
        value = claim.get(name)
        if value is None:
            return
        for entity_id in (value if isinstance(value, tuple) else (value,)):
            self.add(subject, predicate, self.ref(entity_id), field_name=name)

    def french(self, text: str) -> Literal:
        return self.terms.text(text, "fr")

    # -- registry and sources ----------------------------------------------------------------

    def map_entity(self, item: Entity) -> None:
        node = self.terms.entity(item.kind, item.id)
        classes = {
            "person": [SCHEMA.Person],
            "organisation": [ORG.Organization, ORGANISATION_CLASSES.get(item.attrs.get("kind"))],
            "post": [ORG.Post],
            "programme": [KG.Programme, PROGRAMME_CLASSES.get(item.attrs.get("kind"))],
            "election": [KG.Election],
        }[item.kind]
        for cls in classes:
            if cls is not None:
                self.add(node, RDF.type, cls)
        self.add(node, SKOS.prefLabel, self.french(item.label))
        if item.label_en:
            self.add(node, SKOS.prefLabel, self.terms.text(item.label_en, "en"))
        for alias in item.aliases:
            self.add(node, SKOS.altLabel, self.french(alias))
        for misspelling in item.misspellings:
            self.add(node, SKOS.hiddenLabel, self.french(misspelling))
        if item.description:
            self.add(node, SCHEMA.description, self.french(item.description))
        if item.description_en:
            self.add(node, SCHEMA.description, self.terms.text(item.description_en, "en"))
        if item.wikidata:
            self.add(node, KG.wikidata, self.terms.text(item.wikidata))
        attrs = item.attrs
        if attrs.get("organisation"):
            self.add(node, ORG.postIn, self.terms.entity("organisation", attrs["organisation"]))
        if attrs.get("reports_to"):
            self.add(node, ORG.reportsTo, self.terms.entity("post", attrs["reports_to"]))
        if attrs.get("part_of"):
            self.add(node, DCTERMS.isPartOf, self.terms.entity("programme", attrs["part_of"]))
        if attrs.get("date"):
            self.add_date(node, SCHEMA.startDate, attrs["date"], "date")

    def map_source(self, source: Source) -> None:
        node = self.terms.entity("source", source.id)
        self.add(node, RDF.type, KG.Source)
        if source.title:
            self.add(node, DCTERMS.title, self.terms.text(source.title, source.language))
        if source.publisher:
            publisher = self.terms.entity("organisation", source.publisher)
            self.add(node, DCTERMS.publisher, publisher)
        if source.url:
            self.add(node, SCHEMA.url, self.terms.iri(source.url))
        for name in ("published", "modified", "retrieved"):
            self.add_date(node, SOURCE_PROPERTIES[name], getattr(source, name), name)
        self.add(node, DCTERMS.language, self.terms.text(source.language))
        self.add(node, KG.sha256, self.terms.text(source.sha256))
        for name in source.unknown:
            self.add(node, KG.unknownProperty, SOURCE_PROPERTIES[name])

    # -- claims ------------------------------------------------------------------------------

    def map_claim(self, claim: Claim) -> None:
        self.claim = claim
        terms = self.terms
        node = getattr(self, f"map_{claim.type}")(claim)
        source = terms.entity("source", claim.source)
        self.add(node, PROV.wasDerivedFrom, source)
        self.add(node, KG.reviewStatus, REVIEW[claim.status])
        many = len(claim.quotes) > 1
        for number, quote in enumerate(claim.quotes, start=1):
            evidence = terms.entity("evidence", f"{claim.id}-{number}" if many else claim.id)
            self.add(node, KG.evidence, evidence)
            self.add(evidence, RDF.type, KG.Evidence)
            language = self.corpus.sources[claim.source].language
            self.add(evidence, KG.quote, terms.text(quote.text, language))
            self.add(evidence, KG.startOffset, terms.integer(quote.start))
            self.add(evidence, KG.endOffset, terms.integer(quote.end))
            self.add(evidence, PROV.wasQuotedFrom, source)
            self.add(evidence, KG.claimId, terms.text(claim.id))
            self.add(evidence, KG.claimFile, terms.text(claim.file))
            self.add(evidence, KG.claimLine, terms.integer(claim.line))
            self.add(evidence, KG.reviewStatus, REVIEW[claim.status])
            if claim.confidence is not None:
                self.add(evidence, KG.confidence, terms.decimal(claim.confidence))
            if claim.produced_by:
                self.add(evidence, KG.producedBy, terms.text(claim.produced_by))
        self.claim = None

    def map_mandate(self, claim: Claim) -> URIRef:
        key = claim.get("key") or f"{claim.get('holder')}--{claim.get('post')}"
        node = self.terms.entity("mandate", key)
        self.add(node, RDF.type, KG.Mandate)
        self.add_refs(node, KG.holder, claim, "holder")
        self.add_refs(node, KG.post, claim, "post")
        self.add_date(node, SCHEMA.startDate, claim.get("start"), "start", KG.startPrecision)
        self.add_date(node, SCHEMA.endDate, claim.get("end"), "end", KG.endPrecision)
        self.add_date(node, KG.endDecisionDate, claim.get("end_decided"), "end_decided")
        if claim.get("end_reason"):
            self.add(node, KG.endReason, END_REASONS[claim.get("end_reason")],
                     field_name="end_reason")
        if claim.get("state"):
            self.add(node, KG.mandateState, MANDATE_STATES[claim.get("state")],
                     field_name="state")
        self.add_refs(node, KG.predecessor, claim, "predecessor")
        self.add_refs(node, KG.successor, claim, "successor")
        self.add_refs(node, KG.appointedBy, claim, "appointed_by")
        return node

    def map_membership(self, claim: Claim) -> URIRef:
        key = claim.get("key") or f"{claim.get('member')}--{claim.get('organisation')}"
        node = self.terms.entity("membership", key)
        self.add(node, RDF.type, ORG.Membership)
        self.add_refs(node, ORG.member, claim, "member")
        self.add_refs(node, ORG.organization, claim, "organisation")
        self.add_date(node, SCHEMA.startDate, claim.get("start"), "start", KG.startPrecision)
        self.add_date(node, SCHEMA.endDate, claim.get("end"), "end", KG.endPrecision)
        if claim.get("role"):
            self.add(node, KG.roleDescription, self.french(claim.get("role")), field_name="role")
        return node

    def map_candidacy(self, claim: Claim) -> URIRef:
        target = claim.get("election") or claim.get("office") or claim.get("investiture_of")
        key = claim.get("key") or f"{claim.get('candidate')}--{target or 'undated'}"
        node = self.terms.entity("candidacy", key)
        self.add(node, RDF.type, KG.Candidacy)
        self.add_refs(node, KG.candidate, claim, "candidate")
        self.add_refs(node, KG.election, claim, "election")
        self.add_refs(node, KG.soughtPost, claim, "office")
        self.add_refs(node, KG.investitureOf, claim, "investiture_of")
        self.add_date(node, KG.announcementDate, claim.get("announced"), "announced")
        if claim.get("state"):
            self.add(node, KG.candidacyState, CANDIDACY_STATES[claim.get("state")],
                     field_name="state")
        return node

    def map_campaign_role(self, claim: Claim) -> URIRef:
        whom = claim.get("candidate") or claim.get("organisation") or "campaign"
        when = claim.get("election") or (claim.get("start").iso if claim.get("start") else None)
        key = claim.get("key") or "--".join(p for p in (claim.get("person"), whom, when) if p)
        node = self.terms.entity("campaign-role", key)
        self.add(node, RDF.type, KG.CampaignRole)
        self.add_refs(node, KG.campaigner, claim, "person")
        self.add_refs(node, KG.campaignFor, claim, "candidate")
        self.add_refs(node, KG.election, claim, "election")
        self.add_refs(node, ORG.organization, claim, "organisation")
        self.add(node, KG.roleDescription, self.french(claim.get("role")), field_name="role")
        self.add_date(node, SCHEMA.startDate, claim.get("start"), "start", KG.startPrecision)
        self.add_date(node, SCHEMA.endDate, claim.get("end"), "end", KG.endPrecision)
        self.add(node, KG.modality, MODALITIES[claim.get("modality") or "asserted"],
                 field_name="modality")
        return node

    def map_programme(self, claim: Claim) -> URIRef:
        node = self.ref(claim.get("programme"))
        self.add_refs(node, KG.launchedBy, claim, "launched_by")
        for name, predicate in PROGRAMME_DATES.items():
            self.add_date(node, predicate, claim.get(name), name)
        if claim.get("results_event"):
            self.add(node, KG.resultsEvent, self.french(claim.get("results_event")),
                     field_name="results_event")
        self.add_refs(node, KG.partner, claim, "partners")
        self.add_refs(node, KG.signatory, claim, "signatories")
        self.add_refs(node, KG.nonSignatory, claim, "non_signatories")
        self.add_refs(node, DCTERMS.isPartOf, claim, "part_of")
        budget = claim.get("budget")
        if budget is not None:
            amount = self.terms.entity("budget", claim.id)
            self.add(node, KG.budget, amount, field_name="budget")
            self.add(amount, RDF.type, SCHEMA.MonetaryAmount, field_name="budget")
            value_property = {"exact": SCHEMA.value, "minimum": SCHEMA.minValue,
                              "approximate": KG.approximateValue}[budget.bound]
            self.add(amount, value_property, self.terms.decimal(budget.amount),
                     field_name="budget")
            self.add(amount, SCHEMA.currency, self.terms.text(budget.currency), field_name="budget")
            self.add_date(amount, KG.budgetPeriod, budget.period, "budget")
            self.add(amount, PROV.wasDerivedFrom, self.terms.entity("source", claim.source))
        return node

    def map_person(self, claim: Claim) -> URIRef:
        node = self.ref(claim.get("person"))
        if claim.get("description"):
            self.add(node, SCHEMA.description, self.french(claim.get("description")),
                     field_name="description")
        if claim.get("occupation"):
            self.add(node, KG.occupation, self.french(claim.get("occupation")),
                     field_name="occupation")
        return node

    def map_organisation(self, claim: Claim) -> URIRef:
        node = self.ref(claim.get("organisation"))
        self.add_refs(node, SCHEMA.founder, claim, "founded_by")
        if claim.get("description"):
            self.add(node, SCHEMA.description, self.french(claim.get("description")),
                     field_name="description")
        return node


def map_corpus(corpus: Corpus, graph: Graph | None = None, *,
               track_origins: bool = True) -> MappingResult:
    """Map a checked corpus to its asserted RDF graph.

    ``graph`` may be any rdflib Graph (an in-memory one by default, or one backed by another
    store); ``track_origins=False`` skips the (node, property) → claim line index that the
    validation report uses, which large builds may not want to hold in memory.
    """
    mapper = _Mapper(corpus, graph, track_origins=track_origins)
    for item in sorted(corpus.registry.entities.values(), key=lambda e: (e.kind, e.id)):
        mapper.map_entity(item)
    for source in corpus.sources.values():
        mapper.map_source(source)
    for claim in sorted(corpus.claims, key=lambda c: c.id):
        mapper.map_claim(claim)
    _resolve_review_status(mapper.graph)
    return MappingResult(mapper.graph, mapper.origins)


def _resolve_review_status(graph: Graph) -> None:
    """A fact reviewed in any claim is reviewed: drop its 'proposed' status."""
    for node in set(graph.subjects(KG.reviewStatus, KG.Reviewed)):
        if (node, RDF.type, KG.Evidence) not in graph:
            graph.remove((node, KG.reviewStatus, KG.Proposed))
