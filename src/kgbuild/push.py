"""Load a build into any SPARQL 1.1 server through the Graph Store HTTP Protocol.

``push(endpoint)`` sends ``build/kg.ttl`` with ``PUT`` (it replaces the graph) and then
``build/kg-inferred.ttl`` with ``POST`` (it adds to it), as ``text/turtle``, to
``ENDPOINT?graph=IRI`` (a named graph) or ``ENDPOINT?default`` (the default graph). Files are
streamed, not read into memory. Only the standard library is used (``urllib``).

``ENDPOINT`` is the server's Graph Store Protocol URL (docs/scale.md lists them: Oxigraph
``/store``, Fuseki ``/<dataset>/data``, GraphDB ``/repositories/<id>/rdf-graphs/service``,
Virtuoso ``/sparql-graph-crud``). A failure raises :class:`PushError` with what the server said
(exit code 2 in the CLI); the transport is replaceable (``transport=``) for tests.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .config import DEFAULT_OUT_DIR
from .errors import KgbuildError

GRAPH_FILES = ("kg.ttl", "kg-inferred.ttl")


class PushError(KgbuildError):
    """The server could not be reached, or it refused the data (its status and message)."""


@dataclass
class Sent:
    """One request of a push: the method, the URL, the file and the server's status."""

    method: str
    url: str
    path: Path
    bytes: int
    status: int


@dataclass
class PushResult:
    endpoint: str
    graph: str | None
    sent: list[Sent] = field(default_factory=list)

    @property
    def bytes(self) -> int:
        return sum(s.bytes for s in self.sent)


# (method, url, body stream, length, headers, timeout) -> (status, body)
Transport = Callable[[str, str, object, int, dict, float], tuple[int, bytes]]


def graph_url(endpoint: str, graph: str | None) -> str:
    """``endpoint?graph=IRI`` (percent-encoded) or ``endpoint?default``."""
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PushError(f"'{endpoint}' is not an http(s) URL",
                        hint="give the server's Graph Store Protocol URL, e.g. "
                             "http://localhost:7878/store")
    if graph is not None:
        target = urllib.parse.urlsplit(graph)
        if not target.scheme or any(c in graph for c in ' <>"{}|\\^`'):
            raise PushError(f"'{graph}' is not an absolute IRI",
                            hint="name the graph with an IRI such as "
                                 "https://w3id.org/kgbuild/graph/main")
    extra = f"graph={urllib.parse.quote(graph, safe='')}" if graph is not None else "default"
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query,
                                    parts.fragment))


def push(endpoint: str, files: Iterable[str | Path] | None = None, *, graph: str | None = None,
         append: bool = False, transport: Transport | None = None,
         timeout: float = 600) -> PushResult:
    """Send ``files`` (default: ``build/kg.ttl`` and ``build/kg-inferred.ttl``) to the graph.

    The first file replaces the graph (``PUT``) unless ``append``; the others are added
    (``POST``). Raises :class:`PushError` before sending anything if a file is missing.
    """
    paths = [Path(p) for p in (files if files is not None else
                               [Path(DEFAULT_OUT_DIR) / name for name in GRAPH_FILES])]
    for path in paths:
        if not path.is_file():
            raise PushError(f"{path}: file not found",
                            hint="run `kgbuild build` first, or name the Turtle files to push")
    url = graph_url(endpoint, graph)
    send = transport or _urllib_transport
    result = PushResult(endpoint, graph)
    for number, path in enumerate(paths):
        method = "POST" if append or number > 0 else "PUT"
        size = path.stat().st_size
        headers = {"Content-Type": "text/turtle; charset=utf-8", "Content-Length": str(size)}
        with open(path, "rb") as body:
            status, answer = send(method, url, body, size, headers, timeout)
        if not 200 <= status < 300:
            message = answer.decode("utf-8", "replace").strip()[:500] or "(no message)"
            raise PushError(f"{method} {url} answered HTTP {status}: {message}",
                            hint=_hint(status))
        result.sent.append(Sent(method, url, path, size, status))
    return result


def _hint(status: int) -> str:
    if status in (401, 403):
        return "the server wants credentials or refuses writes: check its access settings"
    if status == 404:
        return "check the URL: it must be the server's Graph Store Protocol endpoint " \
               "(docs/scale.md lists them for Oxigraph, Fuseki, GraphDB, Virtuoso)"
    if status == 413:
        return "the server limits request sizes: raise its limit"
    if status == 415:
        return "the server does not take text/turtle at this URL"
    return "see the server's message above"


def _urllib_transport(method: str, url: str, body, length: int, headers: dict,
                      timeout: float) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except urllib.error.URLError as exc:
        reason = exc.reason
        raise PushError(f"cannot reach {url}: {_reason(reason)}",
                        hint="is the server running, and is this its address and port?"
                        ) from None
    except (ConnectionError, TimeoutError, OSError) as exc:
        raise PushError(f"cannot reach {url}: {_reason(exc)}",
                        hint="is the server running, and is this its address and port?"
                        ) from None


def _reason(reason) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return str(reason)


def sparql_select(endpoint: str, query: str, *, timeout: float = 60) -> list[dict]:
    """Rows of a SELECT on a SPARQL 1.1 query endpoint, as ``{variable: value text}``.

    For checks and tests; ``kgbuild query NAME --endpoint URL`` is the full client.
    """
    import json

    body = urllib.parse.urlencode({"query": query}).encode("utf-8")
    request = urllib.request.Request(endpoint, data=body, method="POST", headers={
        "Accept": "application/sparql-results+json",
        "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            document = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        raise PushError(f"{endpoint} answered HTTP {exc.code}: "
                        f"{exc.read().decode('utf-8', 'replace')[:500]}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise PushError(f"cannot reach {endpoint}: {_reason(getattr(exc, 'reason', exc))}"
                        ) from None
    return [{name: cell["value"] for name, cell in row.items()}
            for row in document["results"]["bindings"]]


__all__ = ["PushError", "PushResult", "graph_url", "push", "sparql_select"]
