"""kgbuild: a validated knowledge graph of public officials, built from news articles.

The pipeline verbs, each one stage (see the README's "Use as a library")::

    corpus = load_corpus("data")          # claims, sources, registry, checked
    mapped = map_corpus(corpus)           # the asserted RDF graph
    inferred = infer(mapped.graph)        # OWL-RL entailments (owlrl)
    report = validate(graph)              # SHACL report (pyshacl)
    result = build("data", "build")       # all of the above, written to build/
    rows = run_query("mandates")          # a saved SPARQL query on build/
    out = export_graph(graph, "quickstatements")
"""

from .claims import load_corpus
from .errors import KgbuildError
from .export import export as export_graph
from .mapping import map_corpus
from .pipeline import build
from .query import load_queries, run_query
from .reason import infer
from .timeline import render_timeline
from .validate import validate

__version__ = "0.1.0"

__all__ = [
    "KgbuildError",
    "build",
    "export_graph",
    "infer",
    "load_corpus",
    "load_queries",
    "map_corpus",
    "render_timeline",
    "run_query",
    "validate",
]
