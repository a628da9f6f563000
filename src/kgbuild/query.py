"""Saved SPARQL queries: ``queries/*.rq`` with a ``#+`` header, run with bound parameters.

A saved query is a SPARQL SELECT file whose first lines are a YAML header, each line prefixed
with ``#+`` (grlc's convention, so the file stays valid SPARQL)::

    #+ title: Who held a post
    #+ params:
    #+   - {name: post, type: iri, kind: post, required: true, example: post:president-cnnum}
    #+   - {name: date, type: date, example: "2018"}
    #+ columns: [person, start, end, match, source]
    PREFIX kg: <https://w3id.org/kgbuild/ns#>
    SELECT ?person ?start ?end ?match ?source WHERE { ... }

Parameters are plain SPARQL variables named in the header (datasette's declared parameters).
Their values are typed and *bound*, never formatted into the query text:

* on an rdflib ``Graph`` with ``initBindings``;
* on a ``pyoxigraph.Store`` or a remote SPARQL endpoint, as a ``VALUES`` block placed first in
  the query's WHERE group. Its terms are serialised from validated RDF terms by
  :func:`sparql_term` (IRIs checked against the IRIREF production, literals escaped), so a value
  cannot close the block: it is a binding by value, not user text pasted into query syntax.
  (pyoxigraph's own ``substitutions`` only binds variables of the SELECT list.)

A ``date`` parameter ``NAME`` is an interval: ``2018``, ``2018-05`` and ``2018-05-15`` bind
``?NAME_earliest`` and ``?NAME_latest`` to the ISO days that bound it (``"2018-01-01"``,
``"2018-12-31"``). Queries compare dates on their lexical ISO form, which sorts correctly across
year, month and day precision; rdflib's value comparison of mixed xsd:gYear / xsd:gYearMonth /
xsd:date does not. See docs/queries.md.
"""

from __future__ import annotations

import csv
import difflib
import gc
import io
import json
import re
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD

from .config import DEFAULT_OUT_DIR, QUERIES_DIR
from .dates import InvalidDate, PartialDate
from .errors import InputError, QueryError
from .rdfio import WRITE_PREFIXES, parse_rdf, term_text
from .vocab import KG, KGID, ORG, SCHEMA, SKOS

TYPES = ("iri", "string", "date", "integer")
RESERVED_NAMES = ("list", "show")  # subcommands of `kgbuild query`
KIND_CLASSES = {  # an iri parameter's `kind`: bare ids and labels resolve among these entities
    "person": SCHEMA.Person, "organisation": ORG.Organization, "post": ORG.Post,
    "programme": KG.Programme, "election": KG.Election, "source": KG.Source,
    "mandate": KG.Mandate, "membership": ORG.Membership, "candidacy": KG.Candidacy,
    "campaign-role": KG.CampaignRole,
}
GRAPH_FILES = ("kg.ttl", "kg-inferred.ttl")
_HEADER_KEYS = {"title", "description", "params", "columns"}
_PARAM_KEYS = {"name", "type", "description", "required", "default", "example", "lang", "kind"}
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LANG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:[^<>"{}|^`\\\x00-\x20]*$')  # absolute, IRIREF chars
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_XSD_STRING = str(XSD.string)
# SPARQL tokens that may hold a "{" we must not take for the WHERE group's brace
_TOKEN = re.compile(r'''
    \#[^\n]*                                      # comment
  | """(?:[^"\\]|\\.|"(?!""))*"""  | \'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
  | "(?:[^"\\\n\r]|\\.)*"          | '(?:[^'\\\n\r]|\\.)*'
  | <[^<>"{}|^`\\\x00-\x20]*>                    # IRI
  | [?$][A-Za-z0-9_]+                            # variable
  | [A-Za-z_][A-Za-z0-9_.-]*:?                    # keyword or prefixed name
  | \{
''', re.X)


@dataclass(frozen=True)
class Param:
    """A declared parameter: its SPARQL variable, type and, for text, how to type the value."""

    name: str
    type: str
    required: bool = False
    description: str = ""
    default: str | None = None
    example: str | None = None
    lang: str | None = None  # string: the language tag the value gets ("fr" to match labels)
    kind: str | None = None  # iri: entity kind, so `mounir-mahjoubi` or a label resolves

    @property
    def variables(self) -> tuple[str, ...]:
        """The SPARQL variables a value of this parameter binds."""
        if self.type == "date":
            return (f"{self.name}_earliest", f"{self.name}_latest")
        return (self.name,)

    @property
    def usage(self) -> str:
        text = f"{self.name}={self.type.upper()}"
        return text if self.required else f"[{text}]"


@dataclass(frozen=True)
class Column:
    name: str
    description: str = ""
    separator: str | None = None  # a list cell joined with this; kgbuild sorts its items


@dataclass(frozen=True)
class SavedQuery:
    """A query file: its header (title, description, params, columns) and its SPARQL text."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    columns: tuple[Column, ...]
    text: str
    path: Path | None = None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    @property
    def sparql(self) -> str:
        """The query without its ``#+`` header."""
        lines = self.text.splitlines(keepends=True)
        while lines and lines[0].startswith("#+"):
            lines.pop(0)
        return "".join(lines).lstrip("\n")


# -- loading -----------------------------------------------------------------------------------

def load_queries(folder: str | Path | None = None) -> dict[str, SavedQuery]:
    """Every ``*.rq`` of ``folder`` (default: kgbuild's ``queries/``), by name, sorted."""
    folder = Path(folder) if folder is not None else QUERIES_DIR
    if not folder.is_dir():
        raise QueryError(f"no query folder {folder}", hint="give a folder of .rq files")
    queries = {}
    for path in sorted(folder.glob("*.rq")):
        if not _NAME.match(path.stem):
            raise QueryError(f"{path}: '{path.stem}' is not a query name",
                             hint="name query files with lower case letters, digits and hyphens")
        if path.stem in RESERVED_NAMES:
            raise QueryError(f"{path}: a saved query cannot be named '{path.stem}'",
                             hint=f"{' and '.join(RESERVED_NAMES)} are subcommands of "
                                  "`kgbuild query`; rename the file")
        queries[path.stem] = load_query_file(path)
    return queries


def load_query_file(path: str | Path) -> SavedQuery:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QueryError(f"{path}: file not found") from None
    except UnicodeDecodeError:
        raise QueryError(f"{path}: not UTF-8", hint="save it as UTF-8") from None
    return parse_query(text, name=path.stem, path=path)


def parse_query(text: str, *, name: str = "adhoc", path: Path | None = None) -> SavedQuery:
    """Read the ``#+`` YAML header of a query text; a text without one declares nothing."""
    where = str(path) if path else f"query {name}"
    header_lines = []
    for line in text.splitlines():
        if not line.startswith("#+"):
            break
        header_lines.append(line[3:] if line.startswith("#+ ") else line[2:])
    try:
        header = yaml.safe_load("\n".join(header_lines)) if header_lines else {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise QueryError(f"{where}{':' + str(line + 1) if line is not None else ''}: "
                         f"malformed #+ header: {getattr(exc, 'problem', exc)}") from None
    header = header or {}
    if not isinstance(header, dict):
        raise QueryError(f"{where}: the #+ header must be a mapping (title:, params:, columns:)")
    unknown = sorted(set(header) - _HEADER_KEYS)
    if unknown:
        raise QueryError(f"{where}: unknown header key {unknown[0]!r}",
                         hint=f"allowed: {', '.join(sorted(_HEADER_KEYS))}")
    params = tuple(_param(entry, where) for entry in header.get("params") or [])
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise QueryError(f"{where}: a parameter is declared twice")
    for param in params:
        for variable in param.variables:
            if not re.search(rf"[?$]{variable}\b", text):
                raise QueryError(f"{where}: parameter '{param.name}' binds ?{variable}, which "
                                 "the query does not use")
    return SavedQuery(name, _text(header.get("title") or name, where, "title"),
                      _text(header.get("description") or "", where, "description").strip(),
                      params, tuple(_column(c, where) for c in header.get("columns") or []),
                      text, path)


def _text(value, where: str, key: str) -> str:
    if not isinstance(value, str):
        raise QueryError(f"{where}: {key} must be text, got {value!r}")
    return value


def _scalar(value) -> str | None:
    """YAML turns 2018 into an int and 2018-05-15 into a date: give their text back."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise QueryError(f"{value!r} is not a parameter value")
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _param(entry, where: str) -> Param:
    if not isinstance(entry, dict) or "name" not in entry:
        raise QueryError(f"{where}: each params entry needs a name, got {entry!r}")
    name = str(entry["name"])
    unknown = sorted(set(entry) - _PARAM_KEYS)
    if unknown:
        raise QueryError(f"{where}: parameter '{name}': unknown key {unknown[0]!r}",
                         hint=f"allowed: {', '.join(sorted(_PARAM_KEYS))}")
    if not _VARIABLE.match(name):
        raise QueryError(f"{where}: parameter '{name}' is not a SPARQL variable name")
    kind, lang, type_ = entry.get("kind"), entry.get("lang"), entry.get("type", "string")
    if type_ not in TYPES:
        raise QueryError(f"{where}: parameter '{name}': type {type_!r} is not valid",
                         hint=f"it must be in: {', '.join(TYPES)}")
    if lang is not None and (type_ != "string" or not _LANG.match(str(lang))):
        raise QueryError(f"{where}: parameter '{name}': lang is a language tag, for strings")
    if kind is not None and (type_ != "iri" or kind not in KIND_CLASSES):
        raise QueryError(f"{where}: parameter '{name}': kind {kind!r} is not valid",
                         hint=f"an iri parameter's kind is one of: {', '.join(KIND_CLASSES)}")
    param = Param(name, type_, bool(entry.get("required", False)),
                  str(entry.get("description") or ""), _scalar(entry.get("default")),
                  _scalar(entry.get("example")), lang, kind)
    if param.default is not None and param.type != "iri":
        _bind_value(param, param.default)  # a broken default is the file's error, not the user's
    return param


def _column(entry, where: str) -> Column:
    if isinstance(entry, str):
        return Column(entry)
    if isinstance(entry, dict) and len(entry) == 1:
        (name, value), = entry.items()
        if isinstance(value, dict):
            return Column(str(name), str(value.get("description", "")), value.get("separator"))
        return Column(str(name), str(value or ""))
    raise QueryError(f"{where}: a column is a name or {{name: description}}, got {entry!r}")


def get_query(query: SavedQuery | str | Path, folder: str | Path | None = None) -> SavedQuery:
    """A saved query by name, a ``.rq`` file, or SPARQL text (it has a brace) made ad hoc."""
    if isinstance(query, SavedQuery):
        return query
    if isinstance(query, Path) or query.endswith(".rq"):
        return load_query_file(query)
    if "{" in query:
        return parse_query(query)
    saved = load_queries(folder)
    if query not in saved:
        close = difflib.get_close_matches(query, saved, n=1)
        raise QueryError(f"unknown query '{query}'" + (f"; did you mean '{close[0]}'?" if close
                                                       else ""),
                         hint=f"saved queries: {', '.join(saved) or '(none)'}")
    return saved[query]


# -- parameters --------------------------------------------------------------------------------

Lookup = Callable[[str, Mapping[str, object]], "QueryResult"]


def bind_params(query: SavedQuery, values: Mapping[str, str] | None,
                lookup: Lookup | None = None) -> dict[str, object]:
    """Check and type the user's text values: SPARQL variable name -> RDF term.

    ``lookup(sparql, bindings)`` runs a query on the same graph; it resolves ``kind`` parameters
    given as a bare id or a label, and checks the entity exists. Without it (checking values
    before a graph is loaded), a label is bound to None.
    """
    values = dict(values or {})
    declared = ", ".join(p.usage for p in query.params) or "none"
    for name in values:
        if query.param(name) is None:
            raise QueryError(f"query '{query.name}' has no parameter '{name}'",
                             hint=f"its parameters: {declared}")
    bindings: dict[str, object] = {}
    for param in query.params:
        text = values.get(param.name, param.default)
        if text is None:
            if param.required:
                example = f" (e.g. --param {param.name}={param.example})" if param.example else ""
                raise QueryError(f"query '{query.name}' needs parameter '{param.name}'{example}",
                                 hint=f"its parameters: {declared}")
            continue
        bound = _bind_value(param, str(text))
        if param.kind and lookup is not None:  # without a graph, a label waits to be resolved
            bound = {param.name: _resolve_entity(param, str(text), bound[param.name], lookup)}
        bindings.update(bound)
    return bindings


def _bind_value(param: Param, text: str) -> dict[str, object]:
    def bad(reason: str, hint: str):
        return QueryError(f"parameter '{param.name}': {reason}", hint=hint)

    if param.type == "integer":
        if not _INTEGER.match(text.strip()):
            raise bad(f"'{text}' is not an integer", "write digits, e.g. 3")
        return {param.name: Literal(int(text), datatype=XSD.integer)}
    if param.type == "date":
        try:
            date = PartialDate.parse(text)
        except InvalidDate as exc:
            raise bad(str(exc), "a date is YYYY, YYYY-MM or YYYY-MM-DD") from None
        low, high = param.variables
        return {low: Literal(date.earliest().isoformat()),
                high: Literal(date.latest().isoformat())}
    if param.type == "string":
        return {param.name: Literal(text, lang=param.lang)}
    return {param.name: _iri(param, text)}


def _iri(param: Param, text: str):
    value = text.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    prefix, _, local = value.partition(":")
    if prefix in WRITE_PREFIXES and not local.startswith("//"):
        value = WRITE_PREFIXES[prefix] + local
    elif param.kind and _NAME.match(value):
        value = f"{KGID}{param.kind}/{value}"
    if _IRI.match(value):
        return URIRef(value)
    if param.kind:
        return None  # perhaps a label: resolved against the graph
    raise QueryError(f"parameter '{param.name}': '{text}' is not an IRI",
                     hint="give a full IRI (https://…) or a CURIE such as "
                          f"person:mounir-mahjoubi; prefixes: {', '.join(WRITE_PREFIXES)}")


_ENTITY = "SELECT ?entity WHERE { ?entity a ?class }"
_ENTITIES = f"""SELECT ?entity ?label WHERE {{
  ?entity a ?class .
  OPTIONAL {{ ?entity <{SKOS.prefLabel}>|<{SKOS.altLabel}>|<{SKOS.hiddenLabel}> ?label }}
}}"""


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def _resolve_entity(param: Param, text: str, iri, lookup: Lookup):
    """The entity of ``param.kind`` that ``text`` names: an IRI, a CURIE, an id or a label."""
    # an id of the graph is checked alone: listing every person of a big graph takes seconds
    if iri is not None and lookup(_ENTITY, {"class": KIND_CLASSES[param.kind],
                                             "entity": iri}).rows:
        return iri
    found = lookup(_ENTITIES, {"class": KIND_CLASSES[param.kind]})
    labels: dict = {}
    for entity, label in found.rows:
        labels.setdefault(entity, set())
        if label is not None:
            labels[entity].add(str(label))
    if iri is not None and iri in labels:
        return iri
    matches = sorted({e for e, names in labels.items() if _fold(text) in map(_fold, names)})
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise QueryError(f"parameter '{param.name}': '{text}' names {len(matches)} entities: "
                         + ", ".join(term_text(m) for m in matches),
                         hint="give one of these ids instead")
    names = {term_text(e): e for e in labels} | {n: e for e, ns in labels.items() for n in ns}
    close = difflib.get_close_matches(term_text(iri) if iri is not None else text, names, n=3)
    known = sorted(term_text(e) for e in labels)
    suggested = list(dict.fromkeys(term_text(names[c]) for c in close))
    hint = ("did you mean " + ", ".join(suggested) + "?" if close
            else f"{param.kind} ids in the graph: " + (", ".join(known[:8]) or "none")
            + (f" and {len(known) - 8} more" if len(known) > 8 else ""))
    raise QueryError(f"parameter '{param.name}': no {param.kind} '{text}' in the graph",
                     hint=hint)


# -- running -----------------------------------------------------------------------------------

Transport = Callable[[str, bytes, dict], bytes]


@dataclass
class QueryResult:
    """The answer of a SELECT query: variable names and rows of RDF terms (None: unbound)."""

    vars: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)

    def text_rows(self) -> list[tuple[str, ...]]:
        """Rows as text: the IRI or lexical form, '' where unbound."""
        return [tuple("" if t is None else str(t) for t in row) for row in self.rows]

    def to_csv(self) -> str:
        """SPARQL 1.1 Query Results CSV: names, then plain values; CRLF line ends."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.vars)
        for row in self.rows:
            writer.writerow([_csv_value(term) for term in row])
        return out.getvalue()

    def to_tsv(self) -> str:
        """SPARQL 1.1 Query Results TSV: ?names, then terms in SPARQL/Turtle syntax."""
        lines = ["\t".join(f"?{v}" for v in self.vars)]
        lines += ["\t".join("" if t is None else sparql_term(t, short=True) for t in row)
                  for row in self.rows]
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """SPARQL 1.1 Query Results JSON (head.vars, results.bindings)."""
        bindings = [{var: _json_term(term) for var, term in zip(self.vars, row)
                     if term is not None} for row in self.rows]
        document = {"head": {"vars": list(self.vars)}, "results": {"bindings": bindings}}
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"

    def to_table(self) -> str:
        """Aligned columns for people: CURIEs for kgbuild IRIs, empty where unbound."""
        cells = [list(self.vars)] + [[_table_value(t) for t in row] for row in self.rows]
        widths = [max(len(r[i]) for r in cells) for i in range(len(self.vars))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines) + "\n"


def run_query(query: SavedQuery | str | Path, graph=None, params: Mapping[str, str] | None = None,
              *, endpoint: str | None = None, transport: Transport | None = None,
              folder: str | Path | None = None) -> QueryResult:
    """Run a saved query (name, file or SavedQuery) or SPARQL text, with bound parameters.

    ``graph`` is an rdflib ``Graph``, a ``pyoxigraph.Store``, or Turtle files to load (default:
    ``build/kg.ttl`` and ``build/kg-inferred.ttl``); or give ``endpoint``, the URL of a SPARQL
    1.1 endpoint (``transport(url, body, headers) -> bytes`` replaces the HTTP POST). Raises
    :class:`QueryError` for an unknown query, a bad parameter or bad SPARQL.
    """
    saved = get_query(query, folder)
    if graph is not None and endpoint is not None:
        raise QueryError("give a graph or an endpoint, not both")
    bind_params(saved, params)  # refuse bad parameters before loading anything
    if endpoint is None and not isinstance(graph, Graph) and not _is_store(graph):
        if graph is not None and not isinstance(graph, (str, Path, list, tuple)):
            raise QueryError(f"cannot query a {type(graph).__name__}",
                             hint="give an rdflib Graph, a pyoxigraph Store, Turtle files or "
                                  "an endpoint URL")
        paths = default_graph_files() if graph is None else (
            [graph] if isinstance(graph, (str, Path)) else list(graph))
        from .store import load_files

        graph = load_files(paths)  # Oxigraph parses and queries in seconds what rdflib takes minutes to

    def execute(text: str, bindings: Mapping[str, object], where: str = "") -> QueryResult:
        if endpoint is not None:
            return _run_endpoint(endpoint, text, bindings, transport or _http_post)
        if isinstance(graph, Graph):
            return _run_rdflib(graph, text, bindings, where)
        return _run_oxigraph(graph, text, bindings, where)

    bindings = bind_params(saved, params, execute)
    result = execute(saved.text, bindings, f"{saved.path}: " if saved.path else "")
    declared = tuple(c.name for c in saved.columns)
    if declared and declared != result.vars:
        raise QueryError(f"query '{saved.name}' declares columns {', '.join(declared)} but "
                         f"returns {', '.join(result.vars)}", hint="fix its #+ columns header")
    return _sort_lists(saved, result)


def _is_store(graph) -> bool:
    return type(graph).__module__.startswith("pyoxigraph")


def _sort_lists(saved: SavedQuery, result: QueryResult) -> QueryResult:
    """GROUP_CONCAT's order is not defined by SPARQL: sort the items of list columns."""
    lists = {i: c.separator for i, c in enumerate(saved.columns) if c.separator}
    if not lists or not result.rows:
        return result
    with _no_gc():
        columns = list(zip(*result.rows))
        for i, sep in lists.items():
            done: dict = {}  # a list repeats over rows (the sources of a person's mandates)
            for term in set(columns[i]):
                if isinstance(term, Literal) and sep in str(term):
                    done[term] = Literal(sep.join(sorted(str(term).split(sep))))
            if done:
                columns[i] = [done.get(term, term) for term in columns[i]]
        return QueryResult(result.vars, list(zip(*columns)))


@contextmanager
def _no_gc():
    """Garbage collection paused: making many terms and rows makes no cycles, and collections
    over a growing heap would cost more than making them."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _syntax_error(exc: Exception, where: str) -> QueryError:
    at = f" at line {exc.lineno}, column {exc.col}" if hasattr(exc, "lineno") else ""
    return QueryError(f"{where}SPARQL syntax error{at}: {getattr(exc, 'msg', exc)}",
                      hint="check the query near that position")


def _oxigraph_syntax_error(text: str, exc: SyntaxError, where: str) -> QueryError:
    """The error rdflib's parser gives (it names the line and column of the user's own text and
    what it expected there), or Oxigraph's where rdflib reads the query."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepareQuery(text)
    except ParseException as rdflib_exc:
        return _syntax_error(rdflib_exc, where)
    except Exception:  # noqa: S110 - rdflib cannot translate it: Oxigraph's message it is
        pass
    return QueryError(f"{where}SPARQL syntax error: {exc}",
                      hint="check the query near that position")


def _run_rdflib(graph: Graph, text: str, bindings: Mapping[str, object],
                where: str = "") -> QueryResult:
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepared = prepareQuery(text)
    except ParseException as exc:
        raise _syntax_error(exc, where) from None
    except Exception as exc:  # rdflib raises several types for queries it cannot translate
        raise QueryError(f"{where}cannot read the query: {exc}") from None
    if prepared.algebra.name != "SelectQuery":
        raise QueryError(f"only SELECT queries are run, not {prepared.algebra.name}")
    try:
        result = graph.query(prepared, initBindings={Variable(k): v for k, v in bindings.items()})
        names = tuple(str(v) for v in result.vars)
        return QueryResult(names, [tuple(row) for row in result])
    except Exception as exc:
        raise QueryError(f"{where}the query failed: {exc}") from None


def _run_oxigraph(store, text: str, bindings: Mapping[str, object],
                  where: str = "") -> QueryResult:
    import pyoxigraph

    if not isinstance(store, pyoxigraph.Store):
        raise QueryError(f"cannot query a {type(store).__name__}",
                         hint="give an rdflib Graph, a pyoxigraph Store, Turtle files or an "
                              "endpoint URL")
    try:
        # the union: kgbuild.store keeps the entailments in a named graph
        solutions = store.query(with_values(text, bindings), use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise _oxigraph_syntax_error(text, exc, where) from None
    if not isinstance(solutions, pyoxigraph.QuerySolutions):
        raise QueryError("only SELECT queries are run")
    names = tuple(v.value for v in solutions.variables)
    return QueryResult(names, _oxigraph_rows(solutions, len(names)))


def _oxigraph_rows(solutions, width: int) -> list[tuple]:
    """The solutions as rows of rdflib terms, each distinct term converted once.

    Making Python objects for every cell costs more than running a query that lists every
    mandate, so Oxigraph writes the solutions as SPARQL TSV (in Rust), the rows are split on
    tabs and line ends (TSV escapes them inside literals), and each distinct cell becomes an
    rdflib term once: a listing repeats its labels, posts and dates over and over.
    """
    import pyoxigraph

    text = solutions.serialize(format=pyoxigraph.QueryResultsFormat.TSV).decode("utf-8")
    body = text.partition("\n")[2]  # after the header line; each row ends with a line end
    if not width:
        return [()] * body.count("\n")
    cells = body.replace("\n", "\t").split("\t")
    cells.pop()  # after the last line end
    with _no_gc():
        get = _tsv_terms(set(cells)).__getitem__
        return list(zip(*[map(get, cells)] * width))  # consecutive cells, width by width


def _tsv_terms(cells: set[str]) -> dict:
    """TSV cells -> rdflib terms ('' is unbound). IRIs and literals without escapes are read
    here; the rest (escapes, bare numbers and booleans, blank nodes) by Oxigraph's parser."""
    import pyoxigraph

    terms: dict = {"": None}
    others = []
    for cell in cells - {""}:
        term = _tsv_term(cell)
        if term is None:
            others.append(cell)
        else:
            terms[cell] = term
    if others:
        tsv = pyoxigraph.QueryResultsFormat.TSV
        document = ("?term\n" + "\n".join(others) + "\n").encode("utf-8")
        parsed = pyoxigraph.parse_query_results(document, format=tsv)
        terms.update(zip(others, (_from_oxigraph(solution[0]) for solution in parsed)))
    return terms


def _tsv_term(cell: str):
    """An IRI or a literal written without escapes (SPARQL TSV), or None."""
    if "\\" in cell:
        return None
    if cell[0] == "<" and cell[-1] == ">" and not cell.startswith("<<"):
        return URIRef(cell[1:-1])
    if cell[0] == '"':
        end = cell.rindex('"')
        value, suffix = cell[1:end], cell[end + 1:]
        # a string's value is its text: normalising it would change nothing
        if not suffix:
            return Literal(value, normalize=False)
        if suffix[0] == "@" and "--" not in suffix:  # not a base direction (RDF 1.2)
            return Literal(value, lang=suffix[1:], normalize=False)
        if suffix.startswith("^^<") and suffix[-1] == ">":
            datatype = suffix[3:-1]
            return Literal(value, datatype=None if datatype == _XSD_STRING else datatype)
    return None


def _from_oxigraph(term):
    import pyoxigraph

    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    if isinstance(term, pyoxigraph.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == _XSD_STRING else datatype)


def _http_post(url: str, body: bytes, headers: dict) -> bytes:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:300]
        raise QueryError(f"{url} answered {exc.code}: {detail}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise QueryError(f"cannot reach {url}: {getattr(exc, 'reason', exc)}") from None


def _run_endpoint(url: str, text: str, bindings: Mapping[str, object],
                  transport: Transport) -> QueryResult:
    """SPARQL 1.1 protocol: POST the query (form-encoded), read application/sparql-results+json."""
    body = urllib.parse.urlencode({"query": with_values(text, bindings)}).encode("utf-8")
    headers = {"Accept": "application/sparql-results+json",
               "Content-Type": "application/x-www-form-urlencoded"}
    answer = transport(url, body, headers)
    try:
        document = json.loads(answer)
        names = tuple(document["head"]["vars"])
        return QueryResult(names, [tuple(_from_json(b.get(n)) for n in names)
                                   for b in document["results"]["bindings"]])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise QueryError(f"{url} did not answer SPARQL JSON results ({exc})") from None


def _from_json(term: dict | None):
    if term is None:
        return None
    if term["type"] == "uri":
        return URIRef(term["value"])
    if term["type"] == "bnode":
        return BNode(term["value"])
    datatype = term.get("datatype")
    return Literal(term["value"], lang=term.get("xml:lang"),
                   datatype=None if datatype == str(XSD.string) else datatype)


# -- bindings as a VALUES block (pyoxigraph, endpoints) ----------------------------------------

def with_values(text: str, bindings: Mapping[str, object]) -> str:
    """``text`` with ``VALUES (?a ?b) { (t1 t2) }`` first in its WHERE group.

    First in the group, the block joins every pattern and is seen by the group's FILTERs, as
    rdflib's initBindings are. Terms come from :func:`sparql_term`, never from raw text.
    """
    if not bindings:
        return text
    names = sorted(bindings)
    block = ("VALUES (" + " ".join(f"?{n}" for n in names) + ") { ("
             + " ".join(sparql_term(bindings[n]) for n in names) + ") }\n")
    position, form = 0, None
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            position += 1
            continue
        token = match.group(0)
        if form is None and token.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            form = token.upper()
        if token == "{":
            if form != "SELECT":
                break
            return text[:match.end()] + "\n" + block + text[match.end():]
        position = match.end()
    raise QueryError("only SELECT queries with a WHERE group can take parameters")


def sparql_term(term, *, short: bool = False) -> str:
    """A term in SPARQL/Turtle syntax with full IRIs; refuses what could break out of it."""
    if isinstance(term, URIRef):
        if not _IRI.match(str(term)):
            raise QueryError(f"'{term}' is not an IRI")
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if not isinstance(term, Literal):
        raise QueryError(f"cannot write {term!r} in SPARQL")
    text = str(term)
    if short and term.datatype == XSD.integer and _INTEGER.match(text):
        return text
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    if term.language:  # rdflib checks language tags when it makes the Literal
        return f'"{escaped}"@{term.language}'
    if term.datatype and term.datatype != XSD.string:
        return f'"{escaped}"^^{sparql_term(URIRef(term.datatype))}'
    return f'"{escaped}"'


def _csv_value(term) -> str:
    if term is None:
        return ""
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _json_term(term) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    value = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        value["datatype"] = str(term.datatype)
    return value


def _table_value(term) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = term_text(term) if _IRI.match(str(term)) else str(term)
        return text[1:-1] if text.startswith("<") else text
    return " ".join(str(term).split()) if isinstance(term, Literal) else f"_:{term}"


# -- graphs ------------------------------------------------------------------------------------

def default_graph_files(out_dir: str | Path = DEFAULT_OUT_DIR) -> list[Path]:
    """The built graph: ``kg.ttl`` and ``kg-inferred.ttl`` of ``out_dir``, which must exist."""
    paths = [Path(out_dir) / name for name in GRAPH_FILES]
    for path in paths:
        if not path.exists():
            raise InputError("file not found", path=path,
                             hint="run `kgbuild build` first, or give the graph with --graph")
    return paths


def load_graph(paths: Iterable[str | Path]) -> Graph:
    """One rdflib Graph holding the triples of every Turtle or N-Triples file."""
    graph = Graph()
    for path in paths:
        graph += parse_rdf(Path(path))
    return graph
