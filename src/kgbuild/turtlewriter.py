"""Canonical Turtle for one graph of a ``pyoxigraph.Store``: the bytes rdfio.to_turtle writes.

:func:`write_turtle` reads the graph once as N-Triples (``Store.dump``: the text is made in
Rust), a batch of lines at a time, and turns each subject's lines into its Turtle block: object
texts are cached by their N-Triples form, the prefixes the body uses are noted when a term's
text is made, and a block is filled from a template cached by the subject's predicates. An
on-disk store gives each subject's lines one after the other (its index order): each block is
made as its lines end. An in-memory store gives them in the order they were added: the lines
are sorted first (in part files past ``_SORT_BYTES``). The blocks stay in memory while they are
few (``_IN_MEMORY`` bytes), else go to a scratch file; the subjects' texts are then sorted and
the blocks written in that order, after the header and the prefix lines. So memory holds a
batch of lines (or the lines to sort), bounded caches, one sort key per subject and at most
``_IN_MEMORY`` bytes of blocks: for 31M triples on disk, well under a GiB.

Why the texts equal rdfio's (:func:`kgbuild.rdfio.term_text`): IRIs go through the same function
(with a fast path for ``kgid:{kind}/{slug}``, as :mod:`kgbuild.store` had); a literal whose
N-Triples form holds no escape, tab or line break is its own Turtle text (rdfio escapes only
``\\``, ``"``, newline, carriage return and tab), others are unescaped to their value and
escaped as rdfio escapes; integers are written bare when canonical. UTF-8 bytes sort as their
code points, so sorting encoded texts gives rdfio's order.
"""

from __future__ import annotations

import io
import mmap
import re
import tempfile
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache
from itertools import accumulate, chain, groupby, islice
from operator import eq, itemgetter, ne

import pyoxigraph as ox
from rdflib import BNode, URIRef
from rdflib.namespace import RDF, XSD

from .rdfio import ENTITY_KINDS, WRITE_PREFIXES, term_text
from .vocab import KGID

_PN_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_KGID = str(KGID)
_KINDS = frozenset(ENTITY_KINDS)
_INTEGER = re.compile(r"[+-]?\d+")
_RDF_TYPE = str(RDF.type)
_XSD_INTEGER = str(XSD.integer)
_XSD_STRING = str(XSD.string)

# rdfio.to_turtle declares a prefix when the body matches this (before the prefix: a line start,
# a space, a comma, "(" or "^"); the writer finds the same set term by term.
_PREFIX_USE = re.compile(r"(?:^|[\s,(^])(" + "|".join(
    re.escape(p) for p in sorted(WRITE_PREFIXES, key=len, reverse=True)) + "):", re.M)
_NOT_A_NAME = frozenset('"<+-0123456789')

# bytes forms, for the fast paths
_KGID_NT = b"<" + _KGID.encode()
_KINDS_B = frozenset(kind.encode() for kind in ENTITY_KINDS)
# <kgid:{kind}/{slug}> with a slug that _PN_LOCAL accepts: written {kind}:{slug}
_KGID_ENTITY = (re.escape(_KGID_NT) + b"(" + b"|".join(re.escape(k) for k in sorted(_KINDS_B))
                + rb")/([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)>")
_KGID_ENTITY_MATCH = re.compile(_KGID_ENTITY).fullmatch
# objects made in bytes: kgid:{kind}/{slug}; a literal with no backslash, tab or line break (its
# value is its N-Triples text), maybe with a language or a datatype (group 2)
_KGID_OBJECT = re.compile(_KGID_ENTITY + rb" \.").fullmatch
_LITERAL_FAST = re.compile(rb'("[^"\\\t\r\n]*")(?:@[A-Za-z0-9-]+|\^\^<([^>]*)>)? \.').fullmatch
_INTEGER_TAIL = b"^^xsd:integer"  # (a marker: canonical integers are written bare)
_LITERAL_FIRST = frozenset(b'"+-0123456789')  # the first byte of a literal's text (ASCII ones)
_OBJECT_SEP = b",\n        "
_ASCII_INTEGER = re.compile(rb"[+-]?[0-9]+")
_PLAN_LIMIT = 1 << 12  # predicate orders kept
_CACHE_LIMIT = 1 << 18  # term texts kept (by N-Triples form) before the cache is emptied
_BATCH = 1 << 20  # bytes of N-Triples gathered before they are read
_IN_MEMORY = 1 << 26  # bytes of blocks kept in memory (past them, all go to a scratch file)
_SORT_BYTES = 1 << 26  # bytes of N-Triples lines kept in memory to sort (else in part files)
_PARTS = 64  # part files, past _SORT_BYTES
_ROUTE_BYTES = 1 << 24  # bytes of lines kept before they go to the part files (once there)


@lru_cache(maxsize=200_000)
def _iri_text(iri: str) -> str:
    if iri.startswith(_KGID):  # kgid:{kind}/{slug} -> {kind}:{slug}, as rdfio.term_text writes
        kind, _, slug = iri[len(_KGID):].partition("/")
        if kind in _KINDS and _PN_LOCAL.match(slug):
            return f"{kind}:{slug}"
    return term_text(URIRef(iri))


def _iri_info(iri: str) -> tuple[str, tuple[str, ...]]:
    """An IRI's Turtle text and the prefixes that text makes rdfio declare."""
    text = _iri_text(iri)
    if text[0] not in _NOT_A_NAME:
        return text, (text.partition(":")[0],)
    return text, tuple(_PREFIX_USE.findall(text))


_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'",
          "\\": "\\"}
_NT_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)


def _nt_unescape_one(match) -> str:
    code = match.group(1) or match.group(2)
    return chr(int(code, 16)) if code else _ECHAR.get(match.group(3), match.group(0))


def _literal_text(nt: str) -> str:
    """rdfio's Turtle text of the literal written ``nt`` in N-Triples."""
    end = nt.rindex('"')
    value = nt[1:end]
    if "\\" in value:
        value = _NT_ESCAPE.sub(_nt_unescape_one, value)
    suffix = nt[end + 1:]
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    if suffix[:1] == "@":
        return f'"{escaped}"{suffix}'
    if suffix[:3] == "^^<":
        datatype = suffix[3:-1]
        if datatype == _XSD_INTEGER and _INTEGER.fullmatch(value):
            return value
        if datatype != _XSD_STRING:
            return f'"{escaped}"^^{_iri_text(datatype)}'
    return f'"{escaped}"'


def _blank_node(nt: bytes):
    term_text(BNode(nt[2:].decode()))  # rdfio refuses blank nodes: raise its error


class _Body:
    """Reads the N-Triples of one graph (``write``: Oxigraph's dump calls it) and makes one
    Turtle block per subject, without its first line (the subject's text): ``keys[i]`` is block
    i's subject text and ``blocks[i]`` the rest of it or, when the blocks outgrew memory
    (``blocks`` None), ``scratch[offsets[i]:offsets[i + 1]]``.

    Two ways to read, chosen on the first batch of lines:

    * when each subject's lines come together (an on-disk store's index order, a store loaded
      from a sorted file), a subject's block is made as soon as the next subject begins, so
      memory holds one subject's lines ("stream"; a subject met again later is read again from
      the store, see :func:`_rebuilt_block`);
    * otherwise (an in-memory store gives its triples in the order they were added) the lines
      are kept, then sorted, which brings each subject's lines together, and read as above
      ("sort"); past ``_SORT_BYTES`` of them, they go to ``_PARTS`` temporary files by their
      subject's hash, each file then sorted and read on its own.

    A block is made from a plan cached by the subject's predicates in the order they came
    (subjects of one kind repeat a few such shapes): a ``%`` template holding the predicate
    texts in rdfio's order, and which objects fill it.
    """

    def __init__(self, scratch, mode: str | None = None):
        self.scratch = scratch
        self.used: set[str] = set()
        self.keys: list[bytes] = []
        self.blocks: list | None = []  # all the blocks, while they are few (else None)
        self._block_bytes = 0
        self.offsets = array("q", [0])
        self.triples = 0
        self.mode = mode  # "stream" or "sort" (None: chosen on the first batch)
        self._pending: list[bytes] = []  # blocks made, not kept yet
        self._received: list[bytes] = []  # N-Triples text not read yet
        self._received_size = 0
        self._subject = None  # the subject of the lines being read
        self._predicates: list[bytes] = []  # its lines' predicates
        self._texts: list[bytes] = []  # its lines' objects, as Turtle texts
        self._kept: list[bytes] = []  # the lines to sort
        self._kept_bytes = 0
        self._parts: list | None = None  # the lines to sort, by subject hash: temporary files
        self._objects: dict = {}  # N-Triples form (with the " ." after it) -> Turtle text
        self._predicate_texts: dict = {}  # N-Triples form -> ((not rdf:type, text), line start)
        self._datatypes: dict = {}  # datatype IRI -> Turtle text after the lexical form
        self._plans: dict = {}  # the predicates of a subject, one per line -> (template, ...)
        self._kinds: set[bytes] = set()  # the kinds of the kgid:{kind}/{slug} objects

    # -- reading N-Triples ------------------------------------------------------------------
    def write(self, data) -> int:
        self._received.append(bytes(data))
        self._received_size += len(data)
        if self._received_size >= _BATCH:
            self._read(final=False)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        """The end of the N-Triples: make the last blocks."""
        self._read(final=True)

    def _read(self, final: bool) -> None:
        """Read the lines received whole (all of them when ``final``)."""
        lines = b"".join(self._received).split(b"\n")
        tail = lines.pop()  # b"" after a whole line
        if final and tail:
            lines.append(tail)
            tail = b""
        self._received = [tail] if tail else []
        self._received_size = len(tail)
        if self.mode is None and lines:
            self.mode = "stream" if _grouped(lines) else "sort"
        if self.mode == "sort":
            self._keep(lines)
        elif lines:
            self.triples += len(lines)
            self._feed(lines)
        if final:
            self._end()

    def _feed(self, lines: list) -> None:
        """Read N-Triples lines, each subject's together; when the subject changes, make the
        last subject's block.

        (This loop runs once per triple and its subject branch once per subject: they make the
        blocks themselves, as calls cost; subject texts are made for the whole batch after it.)
        """
        subject = self._subject
        predicates = self._predicates
        texts = self._texts
        add_predicate = predicates.append
        add_text = texts.append
        objects = self._objects
        if len(objects) > _CACHE_LIMIT:  # (a batch adds at most a batch of texts)
            objects.clear()
        lookup = objects.get
        miss = self._object
        entity = _KGID_OBJECT
        add_kind = self._kinds.add
        plan_of = self._plans.get
        block = self._pending.append
        keys = self.keys
        key = keys.append
        first_key = len(keys)
        for line in lines:
            s, p, rest = line.split(b" ", 2)
            if s != subject:
                if subject is not None:  # the block of the subject whose lines have ended
                    shape = tuple(predicates)
                    plan = plan_of(shape)
                    if plan is None:
                        plan = self._plan(shape)
                    template, pick, several = plan
                    for objects_of in several:  # predicates with several objects: joined texts
                        add_text(_join(objects_of(texts)))
                    block(template % pick(texts))
                    key(subject)  # its N-Triples form until the batch ends
                    predicates.clear()
                    texts.clear()
                subject = s
            add_predicate(p)
            text = lookup(rest)
            if text is None:  # not met yet (or forgotten): kgid:{kind}/{slug} is made here
                match = entity(rest)
                if match is None:
                    text = miss(rest)
                else:
                    kind, slug = match.groups()
                    text = objects[rest] = kind + b":" + slug
                    add_kind(kind)
            add_text(text)
        self._subject = subject
        self._predicates = predicates
        self._texts = texts
        if len(keys) > first_key:
            keys[first_key:] = self._subject_texts(keys[first_key:])
            self._spill()

    def _keep(self, lines: list) -> None:
        """Keep lines to sort: in memory, or past ``_SORT_BYTES``, in the part files."""
        self._kept += lines
        self._kept_bytes += sum(map(len, lines))
        if self._kept_bytes <= (_SORT_BYTES if self._parts is None else _ROUTE_BYTES):
            return
        if self._parts is None:
            self._parts = [tempfile.TemporaryFile() for _ in range(_PARTS)]
        self._route()

    def _route(self) -> None:
        """Write the kept lines to the part files (a subject's lines all go to one part)."""
        routed = [[] for _ in range(_PARTS)]
        for line in self._kept:
            routed[hash(line[:line.find(b" ")]) % _PARTS].append(line)
        for part, lines in zip(self._parts, routed):
            if lines:
                lines.append(b"")
                part.write(b"\n".join(lines))
        self._kept = []
        self._kept_bytes = 0

    def _end(self) -> None:
        """Make the blocks not made yet: the kept lines' (sorted), the last subject's."""
        if self._parts is None:
            self._sort_and_feed(self._kept)
        else:
            self._route()
            for part in self._parts:
                part.seek(0)
                lines = part.read().split(b"\n")
                part.close()
                lines.pop()
                self._sort_and_feed(lines)
            self._parts = None
        self._kept = []
        self._kept_bytes = 0
        if self._subject is not None:
            first_key = len(self.keys)
            self._block(self._subject, self._predicates, self._texts)
            self._subject = None
            self._predicates.clear()
            self._texts.clear()
            self.keys[first_key:] = self._subject_texts(self.keys[first_key:])
            self._spill()

    def _sort_and_feed(self, lines: list) -> None:
        lines.sort()  # (the lines of a subject begin alike: sorted, they come together)
        self.triples += len(lines)
        for start in range(0, len(lines), 1 << 16):
            self._feed(lines[start:start + (1 << 16)])

    def _block(self, subject: bytes, predicates: list, texts: list) -> None:
        """Make a subject's block (as the loop of :meth:`_feed` does)."""
        shape = tuple(predicates)
        plan = self._plans.get(shape)
        if plan is None:
            plan = self._plan(shape)
        template, pick, several = plan
        for objects_of in several:
            texts.append(_join(objects_of(texts)))
        self._pending.append(template % pick(texts))
        self.keys.append(subject)

    def _spill(self) -> None:
        """Keep the blocks made in memory, or, past ``_IN_MEMORY`` bytes of them, in scratch."""
        pending = self._pending
        if self.blocks is not None:
            self._block_bytes += sum(map(len, pending))
            self.blocks += pending
            pending.clear()
            if self._block_bytes <= _IN_MEMORY:
                return
            pending = self.blocks  # too many: all go to scratch, and the next ones
            self.blocks = None
        offsets = self.offsets
        offsets.extend(islice(accumulate(map(len, pending), initial=offsets[-1]), 1, None))
        for start in range(0, len(pending), 8192):
            self.scratch.write(b"".join(pending[start:start + 8192]))
        pending.clear()

    # -- term texts -------------------------------------------------------------------------
    def _subject_texts(self, subjects: list) -> list:
        """The Turtle texts of subjects in N-Triples (the kinds of kgid:{kind}/{slug} subjects
        are added to ``used`` at the end, see :func:`_sorted_subjects`)."""
        known = self._objects.get  # a subject met as an object: "<iri> ." -> its text
        entity = _KGID_ENTITY_MATCH
        slow = self._subject_text
        return [known(subject + b" .")
                or (match[1] + b":" + match[2] if (match := entity(subject)) else slow(subject))
                for subject in subjects]

    def _subject_text(self, s: bytes) -> bytes:
        if s[:1] != b"<" or s[:2] == b"<<":
            if s[:2] == b"_:":
                _blank_node(s)
            raise TypeError(f"cannot write the subject {s.decode()!r} in Turtle")
        text, prefixes = _iri_info(s[1:-1].decode())
        self.used.update(prefixes)
        return text.encode()

    def _object(self, rest: bytes) -> bytes:
        """The Turtle text of an object written ``rest`` (``<o> .``) in N-Triples, other than
        kgid:{kind}/{slug} (see :meth:`_feed`), cached."""
        match = _LITERAL_FAST(rest)
        if match is None:  # an IRI, a literal with an escape or a tab...: the general way
            text = self._object_slow(rest[:-2].rstrip(b" "))
        else:
            quoted, datatype = match.groups()
            if datatype is None:  # a string, maybe with a language: as in N-Triples
                text = rest[:-2]
            else:
                tail = self._datatypes.get(datatype)
                if tail is None:
                    tail = self._datatype(datatype)
                if tail is not _INTEGER_TAIL:
                    text = quoted + tail
                elif _ASCII_INTEGER.fullmatch(quoted, 1, len(quoted) - 1):
                    text = quoted[1:-1]
                else:  # (digits of another script, or not an integer)
                    text = self._object_slow(rest[:-2])
            if b":" in quoted:  # as rdfio finds them: in the text, with str's \s (not bytes')
                self.used.update(_PREFIX_USE.findall(quoted.decode()))
        self._objects[rest] = text
        return text

    def _datatype(self, iri: bytes) -> bytes:
        """The Turtle text after the lexical form of a literal of datatype ``iri``."""
        text = iri.decode()
        if text == _XSD_INTEGER:
            tail = _INTEGER_TAIL
        elif text == _XSD_STRING:
            tail = b""
        else:
            text, prefixes = _iri_info(text)
            self.used.update(prefixes)
            tail = b"^^" + text.encode()
        self._datatypes[iri] = tail
        return tail

    def _object_slow(self, nt: bytes) -> bytes:
        first = nt[:1]
        if first == b"<" and nt[:2] != b"<<":
            text, prefixes = _iri_info(nt[1:-1].decode())
            self.used.update(prefixes)
            return text.encode()
        if first == b'"':
            text = _literal_text(nt.decode())
            if ":" in text:
                self.used.update(_PREFIX_USE.findall(text))
            return text.encode()
        if first == b"_":
            _blank_node(nt)
        raise TypeError(f"cannot write the object {nt.decode()!r} in Turtle")

    def _predicate(self, p: bytes) -> tuple:
        info = self._predicate_texts.get(p)
        if info is None:
            if p[:1] != b"<" or p[:2] == b"<<":
                if p[:2] == b"_:":
                    _blank_node(p)
                raise TypeError(f"cannot write the predicate {p.decode()!r} in Turtle")
            iri = p[1:-1].decode()
            if iri == _RDF_TYPE:
                info = ((False, "a"), b"    a ")
            else:
                text, prefixes = _iri_info(iri)
                self.used.update(prefixes)
                info = ((True, text), b"    " + text.encode() + b" ")
            self._predicate_texts[p] = info
        return info

    # -- blocks -----------------------------------------------------------------------------
    def _plan(self, shape: tuple) -> tuple:
        """(template, pick, several) for a subject whose lines have the predicates ``shape``.

        The template has a ``%s`` per predicate, in rdfio's order (``a`` first, then by text).
        The subject's texts are its objects', line by line, then the joined texts of the
        predicates with several objects (``several`` takes, for each, their texts); ``pick``
        takes from them the texts the template needs.
        """
        lines: dict = {}
        for number, p in enumerate(shape):
            lines.setdefault(p, []).append(number)
        order = sorted(lines, key=lambda p: self._predicate(p)[0])
        template = b"\n" + b" ;\n".join(
            self._predicate(p)[1].replace(b"%", b"%%") + b"%s" for p in order) + b" .\n\n"
        multiple = [p for p in order if len(lines[p]) > 1]
        several = [itemgetter(*lines[p]) for p in multiple]
        extra = {p: len(shape) + number for number, p in enumerate(multiple)}
        slots = [extra[p] if p in extra else lines[p][0] for p in order]
        pick = itemgetter(*slots)
        if len(slots) == 1:  # itemgetter gives the text itself, not in a tuple
            pick = _in_tuple(pick)
        if len(self._plans) >= _PLAN_LIMIT:
            self._plans.clear()
        plan = self._plans[shape] = (template, pick, several)
        return plan


def _in_tuple(pick):
    return lambda texts: (pick(texts),)


def _object_key(text: bytes) -> tuple:
    """rdfio's order of objects: IRIs (``<...>`` or ``prefix:local``) first, then literals
    (quoted, or a bare integer, which holds no colon), each by text."""
    return (text[:1] != b"<" and (text[:1] == b'"' or b":" not in text), text)


def _join(texts: tuple) -> bytes:
    """The objects of one predicate, sorted as rdfio sorts them: IRIs first, each by text.

    Sorted as bytes, literals that begin with an ASCII character (a quote, a sign or a digit)
    come before every IRI (``<`` or a prefix name, which begin with ``<`` or a letter) and the
    others (integers in other scripts' digits) after them: only the first needs a second sort.
    """
    if len(texts) == 2:
        first, second = texts
        if second < first:
            first, second = second, first
        elif first == second:
            return first
        if first[0] not in _LITERAL_FIRST:
            return first + _OBJECT_SEP + second
    ordered = sorted(set(texts))
    if len(ordered) == 1:
        return ordered[0]
    if ordered[0][0] in _LITERAL_FIRST:
        ordered.sort(key=_object_key)
    return _OBJECT_SEP.join(ordered)


def _grouped(lines: list) -> bool:
    """Whether each subject's lines come together in ``lines`` (no subject comes back)."""
    subjects = [line[:line.find(b" ")] for line in lines]
    runs = sum(map(ne, subjects, islice(subjects, 1, None))) + 1 if subjects else 0
    return runs == len(set(subjects))


def _graph_body(store: ox.Store, graph_name, scratch, grouped: bool | None = None) -> _Body:
    body = _Body(scratch, None if grouped is None else "stream" if grouped else "sort")
    store.dump(body, ox.RdfFormat.N_TRIPLES, from_graph=graph_name)
    body.close()
    return body


def _sorted_subjects(body: _Body) -> tuple[list, list]:
    """(block numbers, subject texts) in rdfio's subject order; adds to ``body.used`` the kinds
    of the kgid:{kind}/{slug} terms (texts ``{kind}:...``: they are found in the sorted list)."""
    keys = body.keys
    order = sorted(range(len(keys)), key=keys.__getitem__)
    subjects = list(map(keys.__getitem__, order))
    for kind in _KINDS_B:
        start = kind + b":"
        found = bisect_left(subjects, start)
        if kind in body._kinds or (found < len(subjects) and subjects[found].startswith(start)):
            body.used.add(kind.decode())
    return order, subjects


def _ordered_pieces(store: ox.Store, graph_name, body: _Body, view, order: list,
                    subjects: list) -> Iterator[bytes]:
    """The body of the Turtle text in pieces: the blocks of ``body`` in rdfio's subject order
    (read back from ``view``, the scratch file), each followed by a blank line."""
    if body.blocks is not None:
        rests = map(body.blocks.__getitem__, order)
    else:
        offsets = body.offsets
        rests = map(view.__getitem__, map(slice, map(offsets.__getitem__, order),
                                          map(offsets.__getitem__, map((1).__add__, order))))
    if not any(map(eq, subjects, islice(subjects, 1, None))):  # each subject in one run
        return chain.from_iterable(zip(subjects, rests))
    return _merged_pieces(store, graph_name, subjects, rests)


def _merged_pieces(store: ox.Store, graph_name, subjects: list, rests) -> Iterator[bytes]:
    """:func:`_ordered_pieces` when some subject's lines came in several runs."""
    for subject, runs in groupby(zip(subjects, rests), itemgetter(0)):
        runs = list(runs)
        if len(runs) == 1:
            yield subject
            yield runs[0][1]
        else:  # read its triples again, together
            yield _rebuilt_block(store, graph_name, subject)


def _view(scratch):
    """The bytes of ``scratch`` (mapped in memory when it is a file)."""
    scratch.flush()
    try:
        return mmap.mmap(scratch.fileno(), 0, access=mmap.ACCESS_READ)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        scratch.seek(0)
        return scratch.read()


def _rebuilt_block(store: ox.Store, graph_name, subject_text: bytes) -> bytes:
    text = subject_text.decode()
    if text.startswith("<"):
        iri = text[1:-1]
    else:
        prefix, _, local = text.partition(":")
        iri = WRITE_PREFIXES[prefix] + local
    lines = [f"{quad.subject} {quad.predicate} {quad.object} .".encode()
             for quad in store.quads_for_pattern(ox.NamedNode(iri), None, None, graph_name)]
    one = _Body(io.BytesIO(), mode="stream")
    one._feed(lines)
    one._end()
    return one.keys[0] + b"".join(one.blocks)


def turtle_blocks(store: ox.Store, graph_name=ox.DefaultGraph(), used: set | None = None
                  ) -> Iterator[str]:
    """The subject blocks of :func:`kgbuild.rdfio.to_turtle` for one graph of ``store``, in order;
    the prefixes they use are added to ``used`` (all of them before the first block)."""
    with tempfile.TemporaryFile() as scratch:
        body = _graph_body(store, graph_name, scratch)
        order, subjects = _sorted_subjects(body)
        if used is not None:
            used.update(body.used)
        if not subjects:
            return
        view = _view(scratch) if body.blocks is None else None
        try:
            block = b""
            for piece in _ordered_pieces(store, graph_name, body, view, order, subjects):
                block += piece
                if block.endswith(b" .\n\n"):  # (only a block ends so: the subject is first)
                    yield block[:-1].decode("utf-8")
                    block = b""
        finally:
            if isinstance(view, mmap.mmap):
                view.close()


def write_turtle(store: ox.Store, stream, graph_name=ox.DefaultGraph(), *,
                 header: str | None = None, scratch=None, grouped: bool | None = None) -> int:
    """Write :func:`kgbuild.rdfio.to_turtle`'s bytes for ``graph_name`` to binary ``stream``.

    ``grouped``: whether ``store`` gives each subject's triples together (a store on disk, in
    index order: True) or in the order they were added (a store in memory: False); None
    judges from the first lines. An in-memory store built unit by unit looks grouped at
    first, and a subject met again later is read again from the store: at 100k mandates
    that made writing the inferred graph 16 s of CPU instead of 6.

    The prefix lines name only the prefixes the body uses, so the body is made first: in
    memory, or past ``_IN_MEMORY`` bytes in ``scratch`` (a binary temporary file, created when
    not given). Returns the triple count.
    """
    own = scratch is None
    scratch = tempfile.TemporaryFile() if own else scratch
    try:
        body = _graph_body(store, graph_name, scratch, grouped)
        order, subjects = _sorted_subjects(body)
        head = "".join(f"# {line}\n" for line in header.splitlines()) if header else ""
        prefixes = "".join(f"@prefix {p}: <{WRITE_PREFIXES[p]}> .\n" for p in sorted(body.used))
        stream.write((head + prefixes + ("\n" if prefixes else "")).encode("utf-8"))
        if not subjects:
            return body.triples
        view = _view(scratch) if body.blocks is None else None
        try:
            pieces = _ordered_pieces(store, graph_name, body, view, order, subjects)
            text = b""  # written when the next is read: the last loses its blank line
            while chunk := list(islice(pieces, 8192)):
                stream.write(text)
                text = b"".join(chunk)
            stream.write(memoryview(text)[:-1])
        finally:
            if isinstance(view, mmap.mmap):
                view.close()
        return body.triples
    finally:
        if own:
            scratch.close()
