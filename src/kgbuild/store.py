"""An Oxigraph store behind the pipeline, for graphs rdflib's memory store cannot hold.

rdflib stays the API: :func:`graph_view` gives an ``rdflib.Graph`` whose triples live in a
``pyoxigraph.Store`` (``triples``, ``value``, ``in``, ``len`` and string SPARQL queries all run
on Oxigraph), and the mapping writes into the store through :class:`StoreWriter`, an object with
the ``add`` method :func:`kgbuild.mapping.map_corpus` needs. The layout of a built store:

* the asserted triples (``kg.ttl``) in the default graph;
* the entailments (``kg-inferred.ttl``) in the named graph :data:`INFERRED`.

Query the union with ``store.query(text, use_default_graph_as_union=True)`` (or
``default_graph=[DefaultGraph(), INFERRED]``), as the shapes and the saved queries expect.

Two traps this module avoids: ``len()`` counts with one ``COUNT(*)`` per graph in Oxigraph
(oxrdflib's ``len`` goes through a query that held every triple and used more than 12 GiB at 1M
mandates); and Oxigraph stores typed literals by value, so ``"0.90"^^xsd:decimal`` comes back
as ``"0.9"`` (the same value: the graphs are equal, their bytes may differ there).
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.query import Result
from rdflib.store import Store

from .vocab import KGID, bind_prefixes

INFERRED = ox.NamedNode("https://w3id.org/kgbuild/graph/inferred")
DEFAULT = ox.DefaultGraph()
UNION = (DEFAULT, INFERRED)
_XSD_STRING = str(XSD.string)
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_NT_ESCAPE = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_NT_SPECIAL = re.compile(r'[\\"\n\r]')


# -- terms -------------------------------------------------------------------------------------

def to_oxigraph(term):
    """An rdflib term as a pyoxigraph term (None stays None: a wildcard)."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def from_oxigraph(term):
    """A pyoxigraph term as an rdflib term (plain literals stay untyped, as rdflib reads them)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == _XSD_STRING else datatype)
    raise TypeError(f"cannot convert {term!r}")


def nt_term(term) -> str:
    """An rdflib term in N-Triples syntax (IRIs as given: the mapping minted them)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = _nt_escape(str(term))
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    if isinstance(term, BNode):
        return f"_:{term}"
    raise TypeError(f"not an RDF term: {term!r}")


_KGID_TEXT = str(KGID)
_XSD_INTEGER_TEXT = f"^^<{XSD.integer}>"
_XSD_DECIMAL_TEXT = f"^^<{XSD.decimal}>"


class NTriplesTerms:
    """The terms of :class:`kgbuild.mapping.RdflibTerms` as their :func:`nt_term` text, made
    without rdflib objects (for the mapper writing into :class:`NTriples`)."""

    @staticmethod
    def entity(kind: str, slug: str) -> str:
        return f"<{_KGID_TEXT}{kind}/{slug}>"

    @staticmethod
    def iri(text: str) -> str:
        return f"<{text}>"

    @staticmethod
    def text(value: str, lang: str | None = None) -> str:
        text = _nt_escape(value)
        return f'"{text}"@{lang}' if lang else f'"{text}"'

    @staticmethod
    def integer(value: int) -> str:
        return f'"{value}"{_XSD_INTEGER_TEXT}'

    @staticmethod
    def decimal(value) -> str:
        return f'"{value:f}"{_XSD_DECIMAL_TEXT}'  # rdflib's lexical form of a Decimal

    @staticmethod
    @lru_cache(maxsize=1 << 16)
    def date(value) -> str:
        return nt_term(value.literal())  # few distinct dates: rdflib's text, once each


def _nt_escape(text: str) -> str:
    """A literal's text escaped for N-Triples (most need nothing: a search is faster)."""
    return text.translate(_NT_ESCAPE) if _NT_SPECIAL.search(text) else text


# -- writing into a store ----------------------------------------------------------------------

class NTriples:
    """A graph-like sink that collects triples as N-Triples text (for caches and bulk loads).

    Terms are rdflib terms, or N-Triples text already (plain ``str``, as
    :class:`NTriplesTerms` makes them).
    """

    def __init__(self):
        self.lines: list[str] = []
        self._iris: dict = {}

    def _text(self, term) -> str:
        if type(term) is str:  # N-Triples text already
            return term
        if isinstance(term, URIRef):  # predicates, classes and shared entities recur: cache
            text = self._iris.get(term)
            if text is None:
                if len(self._iris) > 500_000:
                    self._iris.clear()
                text = self._iris[term] = f"<{term}>"
            return text
        return nt_term(term)

    def add(self, triple) -> None:
        s, p, o = triple  # (the checks inline save a call per term that is text already)
        p = self._iris.get(p) or self._text(p)  # a vocabulary term, in the cache but once
        s = s if type(s) is str else self._text(s)
        o = o if type(o) is str else self._text(o)
        self.lines.append(f"{s} {p} {o} .\n")

    def __len__(self) -> int:
        return len(self.lines)

    def getvalue(self) -> bytes:
        return "".join(self.lines).encode("utf-8")


def load_ntriples(store: ox.Store, data: bytes, graph_name=DEFAULT) -> None:
    """Load N-Triples bytes kgbuild wrote (IRIs already checked: lenient parsing)."""
    if data:
        store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph_name, lenient=True)


class StoreWriter(NTriples):
    """The graph :func:`kgbuild.mapping.map_corpus` writes into, backed by an Oxigraph store.

    Triples are buffered as N-Triples lines and loaded ``batch`` lines at a time (one parse in
    Rust instead of a Python object per term). Reads (``in``, ``subjects``, ``remove``) flush
    first, so the writer behaves like a graph.
    """

    def __init__(self, store: ox.Store, graph_name=DEFAULT, *, batch: int = 200_000):
        super().__init__()
        self.store, self.graph_name, self.batch = store, graph_name, batch
        self.added = 0

    def add(self, triple) -> None:
        super().add(triple)
        if len(self.lines) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            load_ntriples(self.store, self.getvalue(), self.graph_name)
            self.added += len(self.lines)
            self.lines = []

    def __contains__(self, triple) -> bool:
        self.flush()
        s, p, o = (to_oxigraph(t) for t in triple)
        return next(iter(self.store.quads_for_pattern(s, p, o, self.graph_name)), None) \
            is not None

    def subjects(self, predicate=None, obj=None):
        self.flush()
        seen = set()
        for quad in self.store.quads_for_pattern(None, to_oxigraph(predicate),
                                                 to_oxigraph(obj), self.graph_name):
            subject = from_oxigraph(quad.subject)
            if subject not in seen:
                seen.add(subject)
                yield subject

    def remove(self, triple) -> None:
        self.flush()
        s, p, o = (to_oxigraph(t) for t in triple)
        for quad in list(self.store.quads_for_pattern(s, p, o, self.graph_name)):
            self.store.remove(quad)


# -- reading a store as an rdflib Graph --------------------------------------------------------

def _subject(quad):
    return from_oxigraph(quad.subject)


def _predicate(quad):
    return from_oxigraph(quad.predicate)


class OxigraphStore(Store):
    """An rdflib store over graphs of a pyoxigraph Store (one graph, or a union of graphs).

    Pattern reads and string SPARQL queries run on Oxigraph; SPARQL with ``initBindings`` falls
    back to rdflib's engine over :meth:`triples`.
    """

    context_aware = False
    graph_aware = False

    def __init__(self, store: ox.Store, graphs=(DEFAULT,)):
        super().__init__()
        self.store = store
        self.graphs = tuple(graphs)
        self._namespaces: dict[str, URIRef] = {}
        self._length: int | None = None

    def add(self, triple, context=None, quoted=False) -> None:
        s, p, o = (to_oxigraph(t) for t in triple)
        self.store.add(ox.Quad(s, p, o, self.graphs[0]))
        self._length = None

    def remove(self, triple, context=None) -> None:
        s, p, o = (to_oxigraph(t) for t in triple)
        for graph_name in self.graphs:
            for quad in list(self.store.quads_for_pattern(s, p, o, graph_name)):
                self.store.remove(quad)
        self._length = None

    def triples(self, pattern, context=None):
        s, p, o = (to_oxigraph(t) if t is not None else None for t in pattern)
        # the subject and predicate asked for are those found (IRIs, blank nodes): not made
        # again for each triple. (A literal object may be found in another lexical form.)
        subject = (lambda quad: pattern[0]) if s is not None else _subject
        predicate = (lambda quad: pattern[1]) if p is not None else _predicate
        seen = set() if len(self.graphs) > 1 else None
        for graph_name in self.graphs:
            for quad in self.store.quads_for_pattern(s, p, o, graph_name):
                triple = (subject(quad), predicate(quad), from_oxigraph(quad.object))
                if seen is not None:
                    if triple in seen:
                        continue
                    seen.add(triple)
                yield triple, iter(())

    def __len__(self, context=None) -> int:
        if self._length is None:
            self._length = count_triples(self.store, self.graphs)
        return self._length

    def contexts(self, triple=None):
        return iter(())

    def bind(self, prefix, namespace, override=True) -> None:
        if override or prefix not in self._namespaces:
            self._namespaces[prefix] = URIRef(namespace)

    def namespace(self, prefix):
        return self._namespaces.get(prefix)

    def prefix(self, namespace):
        return next((p for p, n in self._namespaces.items() if n == URIRef(namespace)), None)

    def namespaces(self):
        return iter(list(self._namespaces.items()))

    def query(self, query, initNs, initBindings, queryGraph, **kwargs):  # noqa: N803
        if not isinstance(query, str) or initBindings:
            raise NotImplementedError  # rdflib's engine then runs over triples()
        prefixes = {str(k): str(v) for k, v in (initNs or {}).items()}
        answer = self.store.query(query, prefixes=prefixes, default_graph=list(self.graphs))
        if isinstance(answer, ox.QuerySolutions):
            names = [v.value for v in answer.variables]
            result = Result("SELECT")
            result.vars = [Variable(n) for n in names]
            result.bindings = [{Variable(n): from_oxigraph(row[n]) for n in names
                                if row[n] is not None} for row in answer]
            return result
        if isinstance(answer, ox.QueryBoolean):
            result = Result("ASK")
            result.askAnswer = bool(answer)
            return result
        result = Result("CONSTRUCT")
        graph = Graph()
        for triple in answer:
            graph.add((from_oxigraph(triple.subject), from_oxigraph(triple.predicate),
                       from_oxigraph(triple.object)))
        result.graph = graph
        return result


def graph_view(store: ox.Store, graphs=(DEFAULT,)) -> Graph:
    """An rdflib Graph reading (and writing) ``graphs`` of ``store``; see :class:`OxigraphStore`."""
    graphs = (graphs,) if not isinstance(graphs, (tuple, list)) else graphs
    return bind_prefixes(Graph(store=OxigraphStore(store, graphs)))


def count_triples(store: ox.Store, graphs=(DEFAULT,)) -> int:
    """The number of distinct triples in the union of ``graphs`` (one COUNT in Oxigraph)."""
    graphs = list(graphs) if isinstance(graphs, (tuple, list)) else [graphs]
    distinct = "DISTINCT " if len(graphs) > 1 else ""
    rows = store.query(f"SELECT (COUNT({distinct}*) AS ?n) WHERE {{ ?s ?p ?o }}",
                       default_graph=graphs)
    return int(next(iter(rows))["n"].value)


def load_graph(graph: Graph, store: ox.Store | None = None, graph_name=DEFAULT) -> ox.Store:
    """Copy an rdflib graph into (a new) Oxigraph store, through N-Triples."""
    store = store if store is not None else ox.Store()
    writer = StoreWriter(store, graph_name)
    for triple in graph:
        writer.add(triple)
    writer.flush()
    return store


_FILE_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES,
                 ".n3": ox.RdfFormat.N3}


def load_files(paths, store: ox.Store | None = None) -> ox.Store:
    """The triples of Turtle (``.ttl``, ``.n3``) or N-Triples (``.nt``) files, all in the default
    graph of (a new, in-memory) store.

    Parsed by Oxigraph: the 4.9 million triples of a 100,000-mandate build load in 12.6 s and
    1.5 GB, where rdflib takes minutes. (Loaded in a transaction: ``bulk_load``, made for stores
    on disk, took 16.1 s and 1.8 GB into memory.) Raises
    :class:`kgbuild.errors.RdfSyntaxError` naming the file and line of a missing, refused or
    malformed file (the other formats are refused as :func:`kgbuild.rdfio.parse_rdf` refuses
    them).
    """
    from pathlib import Path

    store = store if store is not None else ox.Store()
    for path in map(Path, paths):
        rdf_format = _file_format(path)
        try:
            store.load(path=str(path), format=rdf_format)
        except SyntaxError as exc:
            raise _syntax_error(path, rdf_format, exc) from None
    return store


def _file_format(path):
    """The Oxigraph format of a file kgbuild reads, or the error saying why it does not."""
    from .errors import RdfSyntaxError

    if not path.is_file():
        raise RdfSyntaxError("file not found", path=str(path), hint="check the path")
    rdf_format = _FILE_FORMATS.get(path.suffix.lower())
    if rdf_format is None:
        raise RdfSyntaxError(f"'{path.suffix or path.name}' files are not read here",
                             path=str(path), hint="give Turtle (.ttl) or N-Triples (.nt)")
    return rdf_format


def _syntax_error(path, rdf_format, exc: SyntaxError):
    from .errors import RdfSyntaxError

    return RdfSyntaxError(f"malformed {rdf_format.name}: {_parser_message(exc)}",
                          path=str(path), line=exc.lineno,
                          hint="check the statement on this line and the one before")


def read_files(paths) -> Graph:
    """The triples of Turtle or N-Triples files in a new rdflib Graph, parsed by Oxigraph (the
    lexical forms kept: no store in between). rdflib's own parser took 194 s for the 3.1
    million triples of a 100,000-mandate kg.ttl. Errors as :func:`load_files` gives them."""
    from pathlib import Path

    graph = Graph()
    add = graph.add
    for path in map(Path, paths):
        rdf_format = _file_format(path)
        try:
            for triple in ox.parse(path=str(path), format=rdf_format):
                add((from_oxigraph(triple.subject), from_oxigraph(triple.predicate),
                     from_oxigraph(triple.object)))
        except SyntaxError as exc:
            raise _syntax_error(path, rdf_format, exc) from None
    return graph


def holds_store(folder) -> bool:
    """Whether ``folder`` holds an Oxigraph (RocksDB) store: RocksDB's ``CURRENT`` file."""
    from pathlib import Path

    return (Path(folder) / "CURRENT").is_file()


def open_built_store(path) -> ox.Store:
    """The on-disk store ``kgbuild build --store DIR`` kept, opened read-only (queries start at
    once: nothing is parsed). Raises :class:`kgbuild.errors.InputError` if ``path`` holds none."""
    from pathlib import Path

    from .errors import InputError

    folder = Path(path)
    if not holds_store(folder):
        raise InputError("no Oxigraph store here", path=str(folder),
                         hint="build one with `kgbuild build --store DIR`, or query the Turtle "
                              "files with --graph")
    try:
        return ox.Store.read_only(str(folder))
    except OSError as exc:
        raise InputError(f"cannot open the store: {exc}", path=str(folder)) from None


def _parser_message(exc: SyntaxError) -> str:
    """Oxigraph's message without its position (the error names the line), column kept."""
    message = str(exc.msg)
    where, colon, what = message.partition(": ")
    if colon and where.startswith("Parser error"):
        column = f" (column {exc.offset})" if exc.offset else ""
        return what + column
    return message


def read_graph(store: ox.Store, graphs=(DEFAULT,)) -> Graph:
    """The triples of ``graphs`` of ``store`` in a new in-memory rdflib Graph."""
    graphs = (graphs,) if not isinstance(graphs, (tuple, list)) else graphs
    graph = bind_prefixes(Graph())
    for graph_name in graphs:
        for quad in store.quads_for_pattern(None, None, None, graph_name):
            graph.add((from_oxigraph(quad.subject), from_oxigraph(quad.predicate),
                       from_oxigraph(quad.object)))
    return graph


# -- canonical Turtle, straight from the store -------------------------------------------------

# In its own module: one pass over Store.dump's N-Triples, blocks made from cached texts and
# templates, then sorted (a fraction of the CPU of a quads_for_pattern per subject).
from .turtlewriter import turtle_blocks, write_turtle  # noqa: E402


def to_turtle(store: ox.Store, graph_name=DEFAULT, *, header: str | None = None) -> str:
    """:func:`write_turtle` into a string (for tests and small graphs)."""
    import io

    buffer = io.BytesIO()
    write_turtle(store, buffer, graph_name, header=header)
    return buffer.getvalue().decode("utf-8")


__all__ = ["DEFAULT", "INFERRED", "UNION", "NTriples", "NTriplesTerms", "OxigraphStore",
           "StoreWriter",
           "count_triples", "load_ntriples",
           "from_oxigraph", "graph_view", "holds_store", "load_files", "load_graph",
           "open_built_store", "read_files", "read_graph", "to_oxigraph",
           "to_turtle", "turtle_blocks", "write_turtle"]
