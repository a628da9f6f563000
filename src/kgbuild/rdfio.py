"""Reading RDF safely and writing it byte-stably.

* :func:`parse_rdf` reads Turtle or N-Triples only (RDF/XML and JSON-LD can expand entities or
  fetch remote contexts: refused unless ``allow_any_format``), with the file and line of a syntax
  error.
* :func:`to_turtle` writes a canonical Turtle text: fixed prefixes, subjects, predicates and
  objects sorted, ``rdf:type`` first, one predicate per line. Same graph, same bytes, whatever
  ``PYTHONHASHSEED`` is. Graphs with blank nodes are refused: kgbuild mints an IRI for every node.
* :func:`write_atomic` writes a file all or nothing.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.plugins.parsers.notation3 import BadSyntax

from .errors import ExportError, RdfSyntaxError
from .vocab import KGID, PREFIXES

TURTLE_FORMATS = {".ttl": "turtle", ".nt": "nt", ".n3": "n3"}
REFUSED_FORMATS = {".rdf": "xml", ".xml": "xml", ".owl": "xml", ".jsonld": "json-ld",
                   ".json": "json-ld", ".trig": "trig", ".nq": "nquads"}
ENTITY_KINDS = ("budget", "campaign-role", "candidacy", "election", "evidence", "mandate",
                "membership", "organisation", "person", "post", "programme", "source")
# prefixes used for writing: one per entity kind, so IRIs print as person:mounir-mahjoubi
WRITE_PREFIXES = dict(sorted({**{k: str(v) for k, v in PREFIXES.items()},
                              **{kind: f"{KGID}{kind}/" for kind in ENTITY_KINDS}}.items()))
_PN_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")


def parse_rdf(source, *, allow_any_format: bool = False, format: str | None = None) -> Graph:
    """Parse a path, a Turtle string or return a Graph as is."""
    if isinstance(source, Graph):
        return source
    graph = Graph()
    path = Path(source) if not _looks_like_rdf_text(source) else None
    if path is None:
        try:
            return graph.parse(data=str(source), format=format or "turtle")
        except BadSyntax as exc:
            raise RdfSyntaxError(f"malformed Turtle: {_bad_syntax_message(exc)}",
                                 path="<string>", line=exc.lines + 1) from None
    if not path.exists():
        raise RdfSyntaxError("file not found", path=str(path), hint="check the path")
    suffix = path.suffix.lower()
    chosen = format or TURTLE_FORMATS.get(suffix)
    if chosen is None:
        refused = REFUSED_FORMATS.get(suffix)
        if refused and allow_any_format:
            chosen = refused
        else:
            raise RdfSyntaxError(
                f"'{suffix or path.name}' files are not read by default",
                path=str(path),
                hint="give Turtle (.ttl) or N-Triples (.nt); RDF/XML and JSON-LD can expand "
                     "entities or fetch remote contexts, so they need --allow-any-format")
    try:
        return graph.parse(str(path), format=chosen)
    except BadSyntax as exc:
        raise RdfSyntaxError(f"malformed Turtle: {_bad_syntax_message(exc)}", path=str(path),
                             line=exc.lines + 1,
                             hint="check the statement on this line and the one before") from None
    except UnicodeDecodeError:
        raise RdfSyntaxError("not UTF-8", path=str(path), hint="save it as UTF-8") from None
    except Exception as exc:  # rdflib raises several unrelated types for bad input
        raise RdfSyntaxError(f"cannot parse as {chosen}: {exc}", path=str(path)) from None


def _looks_like_rdf_text(source) -> bool:
    if isinstance(source, Path):
        return False
    text = str(source)
    return "\n" in text or text.lstrip().startswith(("@prefix", "PREFIX", "<", "@base"))


def _bad_syntax_message(exc: BadSyntax) -> str:
    return str(exc.message) if hasattr(exc, "message") else str(exc)


def decode_utf8(raw: bytes, shown: str, error_class):
    """``raw`` as text, or ``error_class`` naming the line of the first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error_class(
            f"not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start} cannot be decoded",
            path=shown, line=raw[: exc.start].count(b"\n") + 1,
            hint="convert the file to UTF-8, e.g. iconv -f windows-1252 -t utf-8",
        ) from None


# -- writing ---------------------------------------------------------------------------------

def term_text(term) -> str:
    """A term in Turtle, with a prefixed name where one is safe."""
    if isinstance(term, BNode):
        raise ExportError("blank node in a graph to write: every node needs an IRI",
                          hint="mint an IRI for it in the mapping")
    if isinstance(term, URIRef):
        iri = str(term)
        name = prefixed_name(iri, WRITE_PREFIXES)
        return f"{name[0]}:{name[1]}" if name else "<" + _escape_iri(iri) + ">"
    if isinstance(term, Literal):
        return _literal_text(term)
    raise ExportError(f"cannot write {term!r}")  # pragma: no cover


def prefixed_name(iri: str, prefixes: dict[str, str]) -> tuple[str, str] | None:
    """``(prefix, local)`` for the longest namespace of ``prefixes`` (prefix -> namespace) that
    ``iri`` starts with and leaves a valid local name; None if there is none."""
    best = None
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and _PN_LOCAL.match(iri[len(namespace):]) and (
                best is None or len(namespace) > len(prefixes[best])):
            best = prefix
    return (best, iri[len(prefixes[best]):]) if best is not None else None


def _escape_iri(iri: str) -> str:
    bad = set('<>"{}|^`\\ ')
    if any(c in bad or ord(c) <= 0x20 for c in iri):
        raise ExportError(f"IRI {iri!r} cannot be written in Turtle",
                          hint="IRIs may not hold spaces, quotes, braces or angle brackets")
    return iri


def _literal_text(literal: Literal) -> str:
    text = str(literal)
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    body = f'"{escaped}"'
    if literal.language:
        return f"{body}@{literal.language}"
    if literal.datatype == XSD.integer and re.fullmatch(r"[+-]?\d+", text):
        return text
    if literal.datatype and literal.datatype != XSD.string:
        return f"{body}^^{term_text(literal.datatype)}"
    return body


def _sort_key(term) -> tuple:
    return (0 if isinstance(term, URIRef) else 1, term_text(term))


def to_turtle(graph: Graph, *, header: str | None = None) -> str:
    """Canonical Turtle for ``graph``: same triples, same bytes."""
    subjects: dict = {}
    for s, p, o in graph:
        subjects.setdefault(s, {}).setdefault(p, []).append(o)
    used = set()
    blocks = []
    for subject in sorted(subjects, key=_sort_key):
        predicates = subjects[subject]
        order = sorted(predicates, key=lambda p: (p != RDF.type, term_text(p)))
        lines = []
        for predicate in order:
            objects = sorted(set(predicates[predicate]), key=_sort_key)
            p_text = "a" if predicate == RDF.type else term_text(predicate)
            o_text = ",\n        ".join(term_text(o) for o in objects)
            lines.append(f"    {p_text} {o_text}")
        blocks.append(term_text(subject) + "\n" + " ;\n".join(lines) + " .\n")
    body = "\n".join(blocks)
    for prefix in WRITE_PREFIXES:
        if re.search(rf"(^|[\s,(^]){re.escape(prefix)}:", body, re.M):
            used.add(prefix)
    head = "".join(f"# {line}\n" for line in header.splitlines()) if header else ""
    prefixes = "".join(f"@prefix {p}: <{WRITE_PREFIXES[p]}> .\n" for p in sorted(used))
    return head + prefixes + ("\n" if prefixes else "") + body


def write_atomic(path: str | Path, content: str | bytes) -> None:
    """Write ``content`` to ``path`` all or nothing: temp file beside it, fsync, rename."""
    write_all_atomic({Path(path): content})


def write_all_atomic(files: dict) -> None:
    """Write several files so that either every one is replaced or none is.

    Each content goes to a temporary file in its target folder (flushed and fsynced); only when
    all are written are they renamed over their targets, and the folders fsynced.
    """
    temps: list[tuple[str, Path]] = []
    try:
        for path, content in files.items():
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            data = content.encode("utf-8") if isinstance(content, str) else content
            handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                            dir=path.parent)
            temps.append((temp, path))
            os.chmod(temp, usual_file_mode())  # mkstemp makes 0600
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
    except BaseException:
        for temp, _ in temps:
            Path(temp).unlink(missing_ok=True)
        raise
    try:
        for temp, path in temps:
            os.replace(temp, path)
    finally:
        for temp, _ in temps:
            Path(temp).unlink(missing_ok=True)
    for folder in {path.parent for _, path in temps}:
        _fsync_dir(folder)


def usual_file_mode() -> int:
    """The mode ``open()`` gives a new file (0o666 less the umask), for the temporary files that
    ``mkstemp`` makes 0600: outputs renamed from them are then readable as any other file."""
    return 0o666 & ~_umask()


def _umask() -> int:
    try:  # Linux says it without changing it: os.umask would, for a moment, for every thread
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - not every platform opens folders
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
