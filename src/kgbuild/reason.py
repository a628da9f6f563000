"""OWL-RL reasoning with owlrl, on a copy: returns only the useful new triples.

owlrl adds, besides the entailments of the ontology, triples with literal subjects, ``x owl:sameAs
x`` for every resource, ``rdf:type owl:Thing`` and the axioms of RDF and OWL themselves. The
closure kept here is what the ontology entails about the graph's own entities (``kgid:``).
"""

from __future__ import annotations

from pathlib import Path

import owlrl
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .config import ONTOLOGY_FILE
from .vocab import KGID, bind_prefixes

_JUNK_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, OWL.Class}


def load_ontology(path: str | Path | None = None) -> Graph:
    from .rdfio import parse_rdf

    return parse_rdf(Path(path or ONTOLOGY_FILE))


def infer(asserted: Graph, ontology: Graph | None = None) -> Graph:
    """The triples OWL-RL entails about the entities of ``asserted`` that it does not state.

    ``asserted`` is not modified.
    """
    ontology = ontology if ontology is not None else load_ontology()
    work = Graph()
    for triple in asserted:
        work.add(triple)
    for triple in ontology:
        work.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False,
                           datatype_axioms=False).expand(work)
    inferred = bind_prefixes(Graph())
    for triple in work:
        if triple not in asserted and is_useful(triple):
            inferred.add(triple)
    return inferred


def is_useful(triple) -> bool:
    """An inferred triple about one of the graph's own entities, and not owlrl's noise."""
    subject, predicate, obj = triple
    if isinstance(subject, Literal) or not isinstance(subject, URIRef):
        return False
    if not str(subject).startswith(str(KGID)):
        return False
    if predicate == OWL.sameAs and subject == obj:
        return False
    if predicate == RDF.type and obj in _JUNK_TYPES:
        return False
    return isinstance(obj, (URIRef, Literal))
