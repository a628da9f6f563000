"""Exports of the built graph: Turtle, JSON-LD, CSV tables and QuickStatements for Wikidata.

Every export is a function that takes an rdflib :class:`~rdflib.Graph` and returns an
:class:`Export`: the text, and an :class:`ExportReport` of what was created, skipped or left
incomplete, and why. Nothing is dropped silently. The same graph always gives the same bytes.

* :func:`export_turtle`, :func:`export_jsonld`: the whole graph, canonical and sorted.
* :func:`export_csv`: one row per mandate or per programme (RFC 4180, UTF-8, header row).
* :func:`export_quickstatements`: position held (P39) statements with their qualifiers and
  references, as QuickStatements V1 commands or its CSV dialect (see docs/exports.md).
* :func:`load_graph` reads ``build/kg.ttl`` (and ``build/kg-inferred.ttl`` when asked) into an
  rdflib graph, :func:`open_graph` into an Oxigraph store (faster, for the exports of values);
  every export filters owlrl's junk (literal subjects, ``x owl:sameAs x``, ``rdf:type owl:Thing``).

Dates are read as :class:`~kgbuild.dates.PartialDate` (ISO text and precision), never as rdflib
values: rdflib orders a mix of xsd:date, xsd:gYearMonth and xsd:gYear wrongly.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS

from .config import DEFAULT_OUT_DIR
from .dates import InvalidDate, PartialDate
from .errors import ExportError
from .rdfio import WRITE_PREFIXES, parse_rdf, term_text, to_turtle
from .vocab import KG, KGID, SCHEMA

FORMATS = ("turtle", "jsonld", "csv", "quickstatements")
CSV_TABLES = ("mandates", "programmes")
QS_FORMATS = ("v1", "csv")
QS_TARGETS = ("qs2", "qs3")
_JUNK_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}


# -- results ---------------------------------------------------------------------------------

@dataclass(frozen=True, order=True)
class Note:
    """One thing the export did not do as the graph might suggest, and why."""

    kind: str      # created | skipped | reconcile | incomplete | filtered
    subject: str   # the entity concerned, as a prefixed name (person:kat-borlongan)
    message: str


NOTE_HEADINGS = {
    "created": "Items to create (CREATE blocks)",
    "reconcile": "Needs reconciliation (no kg:wikidata QID)",
    "skipped": "Skipped",
    "incomplete": "Incomplete",
    "filtered": "Filtered out",
}


@dataclass
class ExportReport:
    """What an export wrote, created, skipped or left incomplete."""

    format: str
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    # the notes already taken, for a test in constant time: a list searched for each note made
    # exporting 10k mandates take minutes (one note per mandate, each compared with all others)
    _taken: set[Note] = field(default_factory=set, init=False, repr=False, compare=False)

    def note(self, kind: str, subject, message: str) -> None:
        subject = term_text(subject) if isinstance(subject, (URIRef, Literal)) else subject
        item = Note(kind, subject, message)
        if item not in self._taken:
            self._taken.add(item)
            self.notes.append(item)

    def of(self, kind: str) -> list[Note]:
        return sorted(n for n in self.notes if n.kind == kind)

    def text(self) -> str:
        """A summary for people: the counts, then each kind of note under a heading."""
        counts = ", ".join(f"{name}: {value}" for name, value in self.counts.items())
        lines = [f"{self.format}: {counts}" if counts else self.format]
        for kind, heading in NOTE_HEADINGS.items():
            notes = self.of(kind)
            if notes:
                lines.append(f"{heading}:")
                lines.extend(f"  {n.subject}: {n.message}" if n.subject else f"  {n.message}"
                             for n in notes)
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Export:
    """The exported text (or bytes, for images) and its report."""

    content: str | bytes
    report: ExportReport


# -- reading the graph -----------------------------------------------------------------------

def load_graph(path: str | Path | None = None, *, inferred: bool = False) -> Graph:
    """The built graph: ``build/kg.ttl`` or ``path``, plus its OWL-RL entailments if ``inferred``.

    The entailments are read from the ``-inferred`` sibling of the file (``kg-inferred.ttl``
    beside ``kg.ttl``). A missing file is an :class:`ExportError` that says to build first.
    """
    from .store import read_files  # Oxigraph's parser: rdflib's took minutes at 100k mandates

    return read_files(graph_files(path, inferred=inferred))


def open_graph(path: str | Path | None = None, *, inferred: bool = False) -> Graph:
    """The graph :func:`load_graph` reads, in an Oxigraph store seen through rdflib's API: for
    the exports that read values (CSV, QuickStatements). At 10,000 mandates the QuickStatements
    command takes 4.6 s and 0.25 GB this way, 19 s and 0.74 GB from an rdflib graph. Oxigraph keeps
    values, not lexical forms: ``"01"^^xsd:integer`` reads back as ``"1"`` (a built graph's
    literals are canonical already).
    """
    from .store import graph_view, load_files

    return graph_view(load_files(graph_files(path, inferred=inferred)))


def graph_files(path: str | Path | None = None, *, inferred: bool = False) -> list[Path]:
    """The files :func:`load_graph` reads, which must exist (else an :class:`ExportError` that
    says to build first)."""
    asserted = Path(path) if path is not None else DEFAULT_OUT_DIR / "kg.ttl"
    files = [asserted]
    if inferred:
        files.append(asserted.with_name(f"{asserted.stem}-inferred{asserted.suffix}"))
    for file in files:
        if not file.is_file():
            raise ExportError(f"no graph at {file}",
                              hint="run `kgbuild build` first, or choose a graph with --graph FILE")
    return files


def clean(graph: Graph | str | Path) -> tuple[Graph, int]:
    """``graph`` without owlrl's junk triples, and how many were dropped: ``graph`` itself when
    it has none (a built graph has none: copying 3 million triples took minutes), else a copy.

    ``graph`` may also be a path or a Turtle string, as for every export function.
    """
    graph = parse_rdf(graph)
    junk = _junk(graph)
    if not junk:
        return graph, 0
    kept = Graph()
    for triple in graph:
        if triple not in junk:
            kept.add(triple)
    return kept, len(junk)


def _junk(graph: Graph) -> set:
    """The literal subjects, ``x owl:sameAs x`` and ``rdf:type owl:Thing`` (and the like) that
    owlrl writes, found by pattern (and, in an rdflib graph, a pass over its subjects)."""
    found = {t for t in graph.triples((None, OWL.sameAs, None)) if t[0] == t[2]}
    for kind in _JUNK_TYPES:
        found.update(graph.triples((None, RDF.type, kind)))
    if not _in_oxigraph(graph):  # Oxigraph refuses literal subjects: an rdflib graph may hold some
        for subject in {s for s in graph.subjects() if isinstance(s, Literal)}:
            found.update(graph.triples((subject, None, None)))
    return found


def _in_oxigraph(graph: Graph) -> bool:
    from .store import OxigraphStore

    return isinstance(graph.store, OxigraphStore)


def _cleaned(graph: Graph, report: ExportReport) -> Graph:
    kept, dropped = clean(graph)
    if dropped:
        report.note("filtered", "", f"{dropped} junk triples (literal subjects, x owl:sameAs x, "
                                    "rdf:type owl:Thing or rdfs:Resource)")
    return kept


def local_id(node) -> str:
    """``kgid:person/mounir-mahjoubi`` → ``mounir-mahjoubi``; other IRIs stay whole."""
    text = str(node)
    if text.startswith(str(KGID)) and "/" in text[len(str(KGID)):]:
        return text[len(str(KGID)):].split("/", 1)[1]
    return text


def label(graph: Graph, node, lang: str = "fr") -> str:
    """The skos:prefLabel of ``node`` in ``lang``, else in any language, else its id."""
    return _label_of(node, graph.objects(node, SKOS.prefLabel), lang)


def _label_of(node, literals, lang: str = "fr") -> str:
    labels = sorted(literals, key=lambda lit: (lit.language or "", lit))
    for literal in labels:
        if literal.language == lang:
            return str(literal)
    return str(labels[0]) if labels else local_id(node)


class _Names:
    """The labels and QIDs an export writes, read from the graph in one pass each: a post, an
    organisation or a person is named by every one of its mandates (an organisation by
    thousands), and reading one node's label walks that node's triples."""

    def __init__(self, graph: Graph):
        self._labels = _by_subject(graph, SKOS.prefLabel)
        self._qids = _by_subject(graph, KG.wikidata)

    def label(self, node) -> str:
        return _label_of(node, self._labels.get(node, ()))

    def qid(self, node) -> str | None:
        return _qid_of(node, self._qids.get(node, ()))


def _dates(graph: Graph, node, predicate) -> tuple[PartialDate, ...]:
    return _parsed_dates(node, predicate, graph.objects(node, predicate))


def _parsed_dates(node, predicate, literals) -> tuple[PartialDate, ...]:
    found = []
    for literal in literals:
        try:
            found.append(PartialDate.from_literal(literal))
        except InvalidDate as error:
            raise ExportError(f"{term_text(node)} {term_text(predicate)}: {error}",
                              hint="fix the date in the claim file and rebuild") from None
    return tuple(sorted(set(found)))


def _sorted_nodes(nodes) -> tuple:
    return tuple(sorted(set(nodes), key=str))


@dataclass(frozen=True)
class Mandate:
    """A mandate as the exports and the timeline read it: dates at their precision."""

    node: URIRef
    holder: URIRef | None
    post: URIRef | None
    starts: tuple[PartialDate, ...]
    ends: tuple[PartialDate, ...]
    state: str | None
    end_reason: str | None
    end_decided: tuple[PartialDate, ...]
    predecessors: tuple
    successors: tuple
    appointed_by: tuple
    sources: tuple
    review_status: str | None

    @property
    def start(self) -> PartialDate | None:
        return self.starts[0] if len(self.starts) == 1 else None

    @property
    def end(self) -> PartialDate | None:
        return self.ends[0] if len(self.ends) == 1 else None

    @property
    def sort_key(self) -> tuple:
        first = self.starts[0].iso if self.starts else self.ends[0].iso if self.ends else "~"
        return (str(self.holder), first, str(self.post), str(self.node))


@dataclass(frozen=True)
class Candidacy:
    node: URIRef
    candidate: URIRef | None
    election: URIRef | None
    post: URIRef | None
    announced: tuple[PartialDate, ...]
    election_dates: tuple[PartialDate, ...]
    state: str | None


def _name(graph: Graph, node, predicate) -> str | None:
    value = graph.value(node, predicate)
    return _kebab(value) if value is not None else None


def _kebab(term) -> str:
    """``kg:EndOfTerm`` → ``end-of-term``; the end reasons use the claim files' words."""
    local = str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    special = {"CandidacyEnd": "candidacy", "OtherEnd": "other", "VisaScheme": "visa",
               "MediaOrganisation": "media", "PoliticalParty": "party"}
    return special.get(local) or re.sub(r"(?<!^)(?=[A-Z])", "-", local).lower()


def read_mandates(graph: Graph) -> list[Mandate]:
    """Every ``kg:Mandate`` of ``graph``, sorted by holder, start date (ISO order), post.

    Each property is read for all mandates at once, a pattern per property: looking up twelve
    properties of each mandate in turn took 18 s at 100,000 mandates. Where the graph gives a
    mandate two holders (the shapes report it), the first in IRI order is read.
    """
    values = {predicate: _by_subject(graph, predicate) for predicate in _MANDATE_PROPERTIES}

    def one(node, predicate):
        found = values[predicate].get(node)
        return min(found, key=str) if found else None

    def name(node, predicate):
        found = one(node, predicate)
        return _kebab(found) if found is not None else None

    def dates(node, predicate):
        return _parsed_dates(node, predicate, values[predicate].get(node, ()))

    def nodes(node, predicate):
        return _sorted_nodes(values[predicate].get(node, ()))

    mandates = []
    for node in set(graph.subjects(RDF.type, KG.Mandate)):
        mandates.append(Mandate(
            node=node, holder=one(node, KG.holder), post=one(node, KG.post),
            starts=dates(node, SCHEMA.startDate), ends=dates(node, SCHEMA.endDate),
            state=name(node, KG.mandateState), end_reason=name(node, KG.endReason),
            end_decided=dates(node, KG.endDecisionDate),
            predecessors=nodes(node, KG.predecessor), successors=nodes(node, KG.successor),
            appointed_by=nodes(node, KG.appointedBy), sources=nodes(node, PROV.wasDerivedFrom),
            review_status=name(node, KG.reviewStatus)))
    return sorted(mandates, key=lambda m: m.sort_key)


_MANDATE_PROPERTIES = (KG.holder, KG.post, SCHEMA.startDate, SCHEMA.endDate, KG.mandateState,
                       KG.endReason, KG.endDecisionDate, KG.predecessor, KG.successor,
                       KG.appointedBy, PROV.wasDerivedFrom, KG.reviewStatus)


def _by_subject(graph: Graph, predicate) -> dict:
    """Subject -> its objects for ``predicate``, from one pattern over the graph."""
    found: dict = {}
    for subject, value in graph.subject_objects(predicate):
        found.setdefault(subject, []).append(value)
    return found


def read_candidacies(graph: Graph) -> list[Candidacy]:
    """Every ``kg:Candidacy``, with its announcement date and its election's date."""
    found = []
    for node in set(graph.subjects(RDF.type, KG.Candidacy)):
        election = graph.value(node, KG.election)
        found.append(Candidacy(
            node=node, candidate=graph.value(node, KG.candidate), election=election,
            post=graph.value(node, KG.soughtPost),
            announced=_dates(graph, node, KG.announcementDate),
            election_dates=_dates(graph, election, SCHEMA.startDate) if election else (),
            state=_name(graph, node, KG.candidacyState)))
    return sorted(found, key=lambda c: (str(c.candidate), str(c.node)))


# -- Turtle and JSON-LD ----------------------------------------------------------------------

def export_turtle(graph: Graph, *, header: str | None = None) -> Export:
    """The graph as one canonical Turtle file (:func:`kgbuild.rdfio.to_turtle`)."""
    report = ExportReport("Turtle")
    kept = _cleaned(graph, report)
    report.counts["triples"] = len(kept)
    return Export(to_turtle(kept, header=header), report)


def export_jsonld(graph: Graph) -> Export:
    """The graph as JSON-LD: a @context of kgbuild's prefixes, nodes sorted by @id."""
    report = ExportReport("JSON-LD")
    kept = _cleaned(graph, report)
    report.counts["triples"] = len(kept)
    report.counts["nodes"] = len(set(kept.subjects()))
    context = dict(WRITE_PREFIXES)
    document = json.loads(kept.serialize(format="json-ld", context=context, auto_compact=True))
    nodes = document.get("@graph", [] if "@id" not in document else [document])
    nodes = [_sorted_node(node) for node in nodes if node.keys() - {"@context"}]
    document = {"@context": context, "@graph": sorted(nodes, key=lambda n: n.get("@id", ""))}
    return Export(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                  report)


def _sorted_node(node: dict) -> dict:
    node = {key: value for key, value in node.items() if key != "@context"}
    for key, value in node.items():
        if isinstance(value, list):
            node[key] = sorted(value, key=lambda v: json.dumps(v, sort_keys=True,
                                                               ensure_ascii=False))
    return node


# -- CSV tables ------------------------------------------------------------------------------

MANDATE_COLUMNS = (
    "mandate", "holder", "holder_label", "post", "post_label", "organisation",
    "organisation_label", "start", "start_precision", "end", "end_precision", "state",
    "end_reason", "end_decided", "predecessor", "successor", "appointed_by", "review_status",
    "sources")
PROGRAMME_DATES = (("announced", KG.announcementDate), ("launched", KG.launchDate),
                   ("planned_launch", KG.plannedLaunchDate), ("presented", KG.presentationDate),
                   ("signed", KG.signatureDate), ("results_presented", KG.resultsDate))
PROGRAMME_COLUMNS = (
    "programme", "label", "kind", "part_of", "launched_by", *(n for n, _ in PROGRAMME_DATES),
    "results_event", "partners", "signatories", "non_signatories", "budget_amount",
    "budget_bound", "budget_currency", "budget_period", "review_status", "sources")
_BOUNDS = ((SCHEMA.value, "exact"), (SCHEMA.minValue, "minimum"),
           (KG.approximateValue, "approximate"))


def export_csv(graph: Graph, table: str = "mandates") -> Export:
    """One table as RFC 4180 CSV: header row, one row per mandate or programme, CRLF, UTF-8.

    Ids are the entities' local ids (``mounir-mahjoubi``); several values in one cell are
    joined with ``;``. A date is its ISO text, whose length is its precision.
    """
    if table not in CSV_TABLES:
        raise ExportError(f"unknown table '{table}'",
                          hint=f"choose one of: {', '.join(CSV_TABLES)}")
    report = ExportReport(f"CSV ({table})")
    kept = _cleaned(graph, report)
    columns, rows = (MANDATE_COLUMNS, _mandate_rows(kept, report)) if table == "mandates" \
        else (PROGRAMME_COLUMNS, _programme_rows(kept))
    report.counts["rows"] = len(rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([row.get(column, "") for column in columns] for row in rows)
    return Export(buffer.getvalue(), report)


def _ids(nodes) -> str:
    return ";".join(sorted(local_id(n) for n in nodes))


def _isos(dates) -> str:
    return ";".join(d.iso for d in dates)


def _mandate_rows(graph: Graph, report: ExportReport) -> list[dict]:
    rows, names, organisations = [], _Names(graph), {}
    for m in read_mandates(graph):
        if m.post is not None and m.post not in organisations:
            organisations[m.post] = graph.value(m.post, ORG.postIn)
        organisation = organisations[m.post] if m.post is not None else None
        for name, dates in (("start", m.starts), ("end", m.ends)):
            if len(dates) > 1:
                report.note("incomplete", m.node, f"{len(dates)} different {name} dates: "
                            f"{_isos(dates)} (all written, the claims contradict each other)")
        rows.append({
            "mandate": local_id(m.node), "holder": _ids([m.holder] if m.holder else []),
            "holder_label": names.label(m.holder) if m.holder else "",
            "post": _ids([m.post] if m.post else []),
            "post_label": names.label(m.post) if m.post else "",
            "organisation": _ids([organisation] if organisation else []),
            "organisation_label": names.label(organisation) if organisation else "",
            "start": _isos(m.starts), "start_precision": ";".join(d.precision for d in m.starts),
            "end": _isos(m.ends), "end_precision": ";".join(d.precision for d in m.ends),
            "state": m.state or "", "end_reason": m.end_reason or "",
            "end_decided": _isos(m.end_decided), "predecessor": _ids(m.predecessors),
            "successor": _ids(m.successors), "appointed_by": _ids(m.appointed_by),
            "review_status": m.review_status or "", "sources": _ids(m.sources)})
    return rows


def _programme_rows(graph: Graph) -> list[dict]:
    rows = []
    for node in sorted(set(graph.subjects(RDF.type, KG.Programme)), key=str):
        kinds = sorted(_kebab(c) for c in graph.objects(node, RDF.type) if c != KG.Programme)
        row = {"programme": local_id(node), "label": label(graph, node), "kind": ";".join(kinds),
               "part_of": _ids(graph.objects(node, DCTERMS.isPartOf)),
               "launched_by": _ids(graph.objects(node, KG.launchedBy)),
               "results_event": ";".join(sorted(map(str, graph.objects(node, KG.resultsEvent)))),
               "partners": _ids(graph.objects(node, KG.partner)),
               "signatories": _ids(graph.objects(node, KG.signatory)),
               "non_signatories": _ids(graph.objects(node, KG.nonSignatory)),
               "review_status": ";".join(sorted(_kebab(s) for s in
                                                graph.objects(node, KG.reviewStatus))),
               "sources": _ids(graph.objects(node, PROV.wasDerivedFrom))}
        for name, predicate in PROGRAMME_DATES:
            row[name] = _isos(_dates(graph, node, predicate))
        budgets = []
        for budget in sorted(graph.objects(node, KG.budget), key=str):
            for predicate, bound in _BOUNDS:
                for amount in sorted(graph.objects(budget, predicate), key=str):
                    budgets.append((str(amount), bound,
                                    str(graph.value(budget, SCHEMA.currency) or ""),
                                    _isos(_dates(graph, budget, KG.budgetPeriod))))
        for index, name in enumerate(("budget_amount", "budget_bound", "budget_currency",
                                      "budget_period")):
            row[name] = ";".join(b[index] for b in budgets)
        rows.append(row)
    return rows


# -- QuickStatements -------------------------------------------------------------------------

_QID = re.compile(r"^Q[1-9]\d*$")
_V1_BREAKERS = {"\t": "a tab", "\n": "a line break", "\r": "a carriage return",
                "|": "a '|' (read as a column separator)", '"': "a double quote",
                "\\": "a backslash (read as an escape by QuickStatements 3)"}
DESCRIPTION_MAX = 250


@dataclass(frozen=True)
class _Value:
    kind: str          # item | string | mono | time
    text: str
    lang: str = ""
    where: str = ""    # entity and field, for error messages


@dataclass
class _Statement:
    prop: str
    value: _Value
    qualifiers: list[tuple[str, _Value]] = field(default_factory=list)
    references: list[list[tuple[str, _Value]]] = field(default_factory=list)


@dataclass
class _Block:
    """The commands about one item (a person or a post): its QID or a CREATE with terms, then
    statements."""

    person: URIRef
    qid: str | None
    terms: list[tuple[str, _Value]] = field(default_factory=list)
    statements: list[_Statement] = field(default_factory=list)


def export_quickstatements(graph: Graph, *, format: str = "v1", target: str = "qs2",
                           create_missing: bool = False) -> Export:
    """Position held (P39) statements for Wikidata, one per mandate, referenced by its sources.

    ``format`` is ``v1`` (tab-separated commands) or ``csv`` (QuickStatements' CSV dialect).
    ``target`` chooses how V1 forces a new statement: ``qs2`` writes ``Q1 !P39 ...``
    (QuickStatements 2), ``qs3`` writes ``+Q1 P39 ...`` (QuickStatements 3). A person without
    a QID is reported as needing reconciliation, or, with ``create_missing``, gets a CREATE
    block. A post without a QID cannot be a P39 value: its mandates are reported and skipped.
    Raises :class:`ExportError` for a value that would break a line.
    """
    if format not in QS_FORMATS:
        raise ExportError(f"unknown QuickStatements format '{format}'",
                          hint=f"choose one of: {', '.join(QS_FORMATS)}")
    if target not in QS_TARGETS:
        raise ExportError(f"unknown QuickStatements target '{target}'",
                          hint=f"choose one of: {', '.join(QS_TARGETS)}")
    report = ExportReport(f"QuickStatements {format.upper()}"
                          + (f" ({target})" if format == "v1" else ""))
    kept = _cleaned(graph, report)
    blocks = _qs_blocks(kept, report, create_missing=create_missing, csv_dialect=format == "csv")
    report.counts["statements"] = sum(len(b.statements) for b in blocks)
    report.counts["items to create"] = sum(1 for b in blocks if b.qid is None)
    text = _render_v1(blocks, target) if format == "v1" else _render_qs_csv(blocks, report)
    return Export(text, report)


def _qid_of(node, literals) -> str | None:
    values = sorted(str(v) for v in literals)
    for value in values:
        if not _QID.match(value):
            raise ExportError(f"{term_text(node)} kg:wikidata '{value}' is not a Wikidata QID",
                              hint="write Q followed by digits in the registry, e.g. Q42")
    if len(values) > 1:
        raise ExportError(f"{term_text(node)} has {len(values)} QIDs: {', '.join(values)}",
                          hint="keep the one QID the entity has on Wikidata")
    return values[0] if values else None


def _qs_time(date: PartialDate) -> str:
    parts = date.iso.split("-") + ["00", "00"]
    return f"+{parts[0]}-{parts[1]}-{parts[2]}T00:00:00Z/{date.wikidata_precision}"


HUMAN, POSITION = "Q5", "Q4164871"  # Wikidata classes: human; position (a post)


def _qs_blocks(graph: Graph, report: ExportReport, *, create_missing: bool,
               csv_dialect: bool) -> list[_Block]:
    by_person: dict = {}
    for mandate in read_mandates(graph):
        if mandate.holder is not None:
            by_person.setdefault(mandate.holder, []).append(mandate)
    names = _Names(graph)
    references = _References(graph, report, names)
    blocks = []
    for person in sorted(by_person, key=str):
        mandates = by_person[person]
        posts = [m.post for m in mandates]
        written = []
        for mandate in mandates:
            if csv_dialect and posts.count(mandate.post) > 1:
                report.note("skipped", mandate.node, "P39 not written: the CSV dialect cannot "
                            f"keep apart the {posts.count(mandate.post)} mandates on "
                            f"{term_text(mandate.post)} (no new-statement syntax); "
                            "use --format v1")
                continue
            statement = _p39(names, mandate, report, references)
            if statement is not None:
                written.append((mandate, statement))
        qid = names.qid(person)
        if qid is None and not create_missing:
            report.note("reconcile", person, f"'{names.label(person)}' has no QID")
            for mandate, _ in written:
                report.note("skipped", mandate.node, f"P39 not written: holder "
                            f"{term_text(person)} has no QID (reconcile it, or use "
                            "--create-missing)")
            continue
        if qid is not None and not written:
            continue
        block = _Block(person, qid, statements=[statement for _, statement in written])
        if qid is None:
            block.terms = _terms(graph, person, report)
            _add_instance_of(block, HUMAN, mandates, references, csv_dialect)
            report.note("created", person, f"'{names.label(person)}': "
                        + ", ".join(code for code, _ in block.terms) + ", P31 Q5")
        blocks.append(block)
    if create_missing:
        blocks += _post_blocks(graph, names, by_person, references, report, csv_dialect)
    return blocks


def _add_instance_of(block: _Block, cls: str, mandates, references, csv_dialect: bool) -> None:
    """P31 on a created item: a referenced statement in V1; a plain column in the CSV dialect,
    whose rows cannot carry a second statement's references."""
    if csv_dialect:
        block.terms.append(("P31", _Value("item", cls)))
    else:
        block.statements.insert(0, _instance_of(cls, mandates, references))


def _instance_of(cls: str, mandates, references) -> _Statement:
    """``P31 cls``, referenced by the sources of the mandates that name the item."""
    sources = sorted({source for m in mandates for source in m.sources}, key=str)
    groups = [group for source in sources if (group := references.of(source))]
    return _Statement("P31", _Value("item", cls), references=groups)


def _post_blocks(graph: Graph, names: _Names, by_person: dict, references,
                 report: ExportReport, csv_dialect: bool):
    """CREATE blocks for the posts without a QID: labels, descriptions, P31 position.

    QuickStatements V1 cannot point a P39 at an item created in the same batch (only LAST, the
    item being written, can be named), so their P39 statements wait for a second export, once
    the new QIDs are in the registry.
    """
    by_post: dict = {}
    for mandates in by_person.values():
        for mandate in mandates:
            if mandate.post is not None and names.qid(mandate.post) is None:
                by_post.setdefault(mandate.post, []).append(mandate)
    blocks = []
    for post in sorted(by_post, key=str):
        block = _Block(post, None, terms=_terms(graph, post, report))
        _add_instance_of(block, POSITION, by_post[post], references, csv_dialect)
        report.note("created", post, f"'{names.label(post)}': "
                    + ", ".join(code for code, _ in block.terms) + ", P31 Q4164871; its P39 "
                    "statements need a second export once its new QID is in the registry")
        blocks.append(block)
    return blocks


def _p39(names: _Names, mandate: Mandate, report: ExportReport,
         references: _References) -> _Statement | None:
    groups = [group for source in mandate.sources if (group := references.of(source))]
    post = mandate.post
    if post is None:
        report.note("skipped", mandate.node, "P39 not written: the mandate has no post")
        return None
    post_qid = names.qid(post)
    if post_qid is None:
        report.note("reconcile", post, f"'{names.label(post)}' has no QID: P39 needs an item")
        report.note("skipped", mandate.node,
                    f"P39 not written: post {term_text(post)} has no QID (needs reconciliation)")
        return None
    for name, dates in (("start", mandate.starts), ("end", mandate.ends)):
        if len(dates) > 1:
            report.note("skipped", mandate.node, f"P39 not written: {len(dates)} different "
                        f"{name} dates ({_isos(dates)}); the claims contradict each other")
            return None
    statement = _Statement("P39", _Value("item", post_qid))
    if mandate.start:
        statement.qualifiers.append(("P580", _Value("time", _qs_time(mandate.start))))
    if mandate.end:
        statement.qualifiers.append(("P582", _Value("time", _qs_time(mandate.end))))
    for prop, name, persons in (("P1365", "replaces", mandate.predecessors),
                                ("P1366", "replaced by", mandate.successors)):
        for person in persons:
            qid = names.qid(person)
            if qid:
                statement.qualifiers.append((prop, _Value("item", qid)))
            else:
                report.note("incomplete", mandate.node, f"qualifier {prop} ({name}) left out: "
                            f"{term_text(person)} has no QID")
    statement.references = groups
    if not statement.references:
        report.note("incomplete", mandate.node, "P39 has no reference: no source with a URL "
                                                "or a title")
    return statement


class _References:
    """Reference groups per source (S854 URL, S1476 title, S577 published, S813 retrieved,
    S123 publisher), built once per source; what a source lacks is reported once."""

    def __init__(self, graph: Graph, report: ExportReport, names: _Names):
        self.graph, self.report, self.names, self.cache = graph, report, names, {}

    def of(self, source) -> list[tuple[str, _Value]]:
        if source not in self.cache:
            self.cache[source] = self._build(source)
        return self.cache[source]

    def _build(self, source) -> list[tuple[str, _Value]]:
        graph, where = self.graph, term_text(source)
        group, missing = [], []
        url = graph.value(source, SCHEMA.url)
        if url is not None:
            group.append(("S854", _Value("string", str(url), where=f"{where} schema:url")))
        else:
            missing.append("URL (S854)")
        titles = sorted(graph.objects(source, DCTERMS.title))
        if titles:
            lang = titles[0].language or str(graph.value(source, DCTERMS.language) or "")
            if not lang:
                raise ExportError(f"{where} dcterms:title has no language",
                                  hint="give the source a language (language: fr)")
            group.append(("S1476", _Value("mono", str(titles[0]), lang=lang,
                                          where=f"{where} dcterms:title")))
        else:
            missing.append("title (S1476)")
        for code, predicate, name in (("S577", DCTERMS.issued, "publication date"),
                                      ("S813", KG.retrieved, "retrieval date")):
            dates = _dates(graph, source, predicate)
            if len(dates) == 1:
                group.append((code, _Value("time", _qs_time(dates[0]))))
            else:
                missing.append(f"{name} ({code})")
        publisher = graph.value(source, DCTERMS.publisher)
        publisher_qid = self.names.qid(publisher) if publisher is not None else None
        if publisher_qid:
            group.append(("S123", _Value("item", publisher_qid)))
        else:
            missing.append("publisher (S123)" if publisher is None
                           else f"publisher QID (S123: {term_text(publisher)} has none)")
        if missing:
            self.report.note("incomplete", source, "reference without " + ", ".join(missing))
        return group


def _terms(graph: Graph, person, report: ExportReport) -> list[tuple[str, _Value]]:
    """Labels, descriptions and aliases for a CREATE block."""
    where = term_text(person)
    terms = []
    for lang in ("fr", "en"):
        labels = [lit for lit in graph.objects(person, SKOS.prefLabel) if lit.language == lang]
        if labels:
            terms.append((f"L{lang}", _Value("string", str(sorted(labels)[0]),
                                             where=f"{where} skos:prefLabel@{lang}")))
        else:
            report.note("incomplete", person, f"no {lang} label (L{lang})")
    for lang in ("fr", "en"):
        texts = sorted(lit for lit in graph.objects(person, SCHEMA.description)
                       if lit.language == lang)
        if len(texts) == 1 and len(texts[0]) <= DESCRIPTION_MAX:
            terms.append((f"D{lang}", _Value("string", str(texts[0]),
                                             where=f"{where} schema:description@{lang}")))
        else:
            why = "none in the graph" if not texts else f"{len(texts)} in the graph" \
                if len(texts) > 1 else f"longer than {DESCRIPTION_MAX} characters"
            report.note("incomplete", person, f"no {lang} description (D{lang}): {why}")
    for alias in sorted(lit for lit in graph.objects(person, SKOS.altLabel)
                        if lit.language == "fr"):
        terms.append(("Afr", _Value("string", str(alias), where=f"{where} skos:altLabel@fr")))
    return terms


def _check(value: _Value, breakers: dict) -> None:
    for char, name in breakers.items():
        if char in value.text:
            raise ExportError(
                f"{value.where}: {value.text!r} holds {name}, which would break a "
                "QuickStatements line",
                hint="QuickStatements has no escape for it: correct the text in the registry "
                     "or the source metadata" + (", or use --format csv" if char in '|"\\'
                                                else ""))
    if any(ord(c) < 0x20 for c in value.text):
        raise ExportError(f"{value.where}: {value.text!r} holds a control character",
                          hint="remove it from the registry or the source metadata")


def _v1_value(value: _Value) -> str:
    if value.kind in ("item", "time"):
        return value.text
    _check(value, _V1_BREAKERS)
    quoted = f'"{value.text}"'
    return f"{value.lang}:{quoted}" if value.kind == "mono" else quoted


def _render_v1(blocks: list[_Block], target: str) -> str:
    lines = []
    for block in blocks:
        item = block.qid or "LAST"
        if block.qid is None:
            lines.append("CREATE")
        for code, value in block.terms:
            lines.append(f"LAST\t{code}\t{_v1_value(value)}")
        for statement in block.statements:
            new = statement.prop == "P39"  # one statement per mandate, never merged
            first = f"+{item}" if target == "qs3" and new else item
            prop = f"!{statement.prop}" if target == "qs2" and new else statement.prop
            cols = [first, prop, _v1_value(statement.value)]
            for prop_q, value in statement.qualifiers:
                cols += [prop_q, _v1_value(value)]
            for number, group in enumerate(statement.references):
                for index, (code, value) in enumerate(group):
                    cols += [f"!{code}" if number and not index else code, _v1_value(value)]
            lines.append("\t".join(cols))
    return "".join(line + "\n" for line in lines)


def _csv_value(value: _Value) -> str:
    _check(value, {"\t": "a tab", "\n": "a line break", "\r": "a carriage return"})
    if value.kind in ("item", "time"):
        return value.text
    return f'{value.lang}:"{value.text}"' if value.kind == "mono" else f'"{value.text}"'


def _render_qs_csv(blocks: list[_Block], report: ExportReport) -> str:
    """QuickStatements CSV: ``qid`` first (empty: create the item), ``qalNNN`` qualifiers,
    ``SNNN`` opening a reference and ``sNNN`` continuing it. Rows are (column, value) pairs
    in one canonical order; the header repeats a column as often as a row needs it."""
    references = [g for b in blocks for s in b.statements for g in s.references]
    opener = next((code for code in ("S854", "S1476")
                   if references and all(any(c == code for c, _ in g) for g in references)),
                  None)
    rows: list[list[tuple[str, str]]] = []
    for block in blocks:
        first = True
        for statement in block.statements:
            groups = statement.references or [[]]
            for number, group in enumerate(groups):
                row = [("qid", block.qid or ("" if first else "LAST"))]
                if first and block.qid is None:
                    row += [(code, value.text if value.kind == "item" else _csv_label(value))
                            for code, value in block.terms]
                row.append((statement.prop, _csv_value(statement.value)))
                if number == 0:
                    row += [(f"qal{p[1:]}", _csv_value(v)) for p, v in statement.qualifiers]
                row += _csv_reference(group, opener, report, block)
                rows.append(row)
                first = False
    order = ["qid", "Lfr", "Len", "Dfr", "Den", "Afr", "P31", "P39", "qal580", "qal582",
             "qal1365", "qal1366"]
    if opener:
        order.append(opener)
    order += [f"s{c[1:]}" for c in ("S854", "S1476", "S577", "S813", "S123") if c != opener]
    header = [(name, n) for name in order
              for n in range(max((sum(1 for c, _ in r if c == name) for r in rows), default=0))]
    if not rows:
        header = [("qid", 0), ("P39", 0)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([name for name, _ in header])
    for row in rows:
        values = {}
        for name, value in row:
            values.setdefault(name, []).append(value)
        writer.writerow([values.get(name, [])[n] if n < len(values.get(name, [])) else ""
                         for name, n in header])
    return buffer.getvalue()


def _csv_label(value: _Value) -> str:
    _check(value, {"\t": "a tab", "\n": "a line break", "\r": "a carriage return"})
    return value.text


def _csv_reference(group, opener, report: ExportReport, block: _Block) -> list[tuple[str, str]]:
    if not group:
        return []
    codes = [code for code, _ in group]
    if opener is None or opener not in codes:
        report.note("incomplete", block.person, "a reference left out of the CSV: it has "
                    "neither a URL nor a title shared by all references (use --format v1)")
        return []
    ordered = sorted(group, key=lambda cv: cv[0] != opener)
    return [(code if code == opener else f"s{code[1:]}", _csv_value(value))
            for code, value in ordered]


# -- one entry point -------------------------------------------------------------------------

def export(graph: Graph, format: str, **options) -> Export:
    """Export ``graph`` as ``format`` (turtle, jsonld, csv, quickstatements) with its options."""
    functions = {"turtle": export_turtle, "jsonld": export_jsonld, "csv": export_csv,
                 "quickstatements": export_quickstatements}
    if format not in functions:
        raise ExportError(f"unknown export format '{format}'",
                          hint=f"choose one of: {', '.join(FORMATS)}")
    return functions[format](graph, **options)
