"""Namespaces used by kgbuild and the one function that binds their prefixes."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

KG = Namespace("https://w3id.org/kgbuild/ns#")
KGID = Namespace("https://w3id.org/kgbuild/id/")
SCHEMA = Namespace("https://schema.org/")

PREFIXES: dict[str, Namespace] = {
    "dcterms": DCTERMS,
    "kg": KG,
    "kgid": KGID,
    "org": ORG,
    "owl": OWL,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "schema": SCHEMA,
    "sh": SH,
    "skos": SKOS,
    "xsd": XSD,
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind kgbuild's prefixes on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def entity(kind: str, slug: str):
    """The IRI of an entity: ``kgid:{kind}/{slug}``."""
    return KGID[f"{kind}/{slug}"]


class TermCache:
    """The terms of a namespace, each made once: ``TermCache(KG).holder == KG.holder``.

    rdflib's namespaces build a new URIRef at every ``KG.holder`` (about a microsecond); code
    that names a few terms millions of times (the mapping) reads them from a cache instead.
    """

    def __init__(self, namespace):
        self._namespace = namespace

    def __getattr__(self, name: str):
        if name.startswith("_"):  # not a term (and no recursion before __init__ ran)
            raise AttributeError(name)
        term = getattr(self._namespace, name)
        setattr(self, name, term)  # the next read is a plain attribute
        return term


__all__ = [
    "DCTERMS", "KG", "KGID", "ORG", "OWL", "PREFIXES", "PROV", "RDF", "RDFS", "SCHEMA", "SH",
    "SKOS", "TermCache", "XSD", "bind_prefixes", "entity",
]
