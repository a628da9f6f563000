"""The data folder read and mapped in a child process, the store filled in this one.

Reading a large data folder leaves the reading process with the registry and what parsing
YAML allocated (about 370 MiB for the 100,000 entities of a 100k-mandate folder), memory that
stays allocated while the store is reasoned over and validated. :func:`map_in_reader` runs
:func:`kgbuild.incremental.map_into_store` in a forked child (which forks the readers of the
units in turn) against a stand-in store that sends every load and update through a pipe; this
process only applies them to the real store. When the child is done, it exits and returns its
memory; the sources come back with the statistics, and the registry is read again here only
if someone asks for it (``stats.registry``: :class:`RegistryOnDemand`; a registry extended by
claim files' ``entities:`` sections comes back whole).

Bad input raises the same :class:`kgbuild.errors.KgbuildError` as in-process mapping (the
exception travels pickled; if it cannot, the folder is mapped again in-process to raise it).
"""

from __future__ import annotations

import multiprocessing
import pickle
from pathlib import Path

import pyoxigraph as ox

from .incremental import MapStats, _BulkLoader, map_into_store
from .registry import Registry, load_registry
from .sources import _display


_BATCH = 16 << 20  # bytes of N-Triples per bulk load: at 100k mandates, 64 MB batches cost
# 100 MB more peak memory than 16 MB ones for the same CPU time (9.2 s either way)


class _PipeStore:
    """Stands for the store in the child: loads and updates go to the parent, in order."""

    def __init__(self, connection):
        self.connection = connection

    def _send(self, *message) -> None:
        self.connection.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))

    def load(self, data: bytes, format=None, to_graph=None, lenient: bool = True) -> None:
        self._send("load", _graph_text(to_graph), bytes(data))

    bulk_load = load  # the parent bulk-loads everything (see map_in_reader)

    def load_file(self, path, to_graph=None) -> None:
        """N-Triples kept in a file (the cache): the parent reads it, the pipe carries its name."""
        self._send("file", _graph_text(to_graph), str(path))

    def update(self, text: str) -> None:
        self._send("update", text)


def _graph_text(graph) -> str | None:
    return None if graph is None or isinstance(graph, ox.DefaultGraph) else graph.value


class _Receiver:
    """The child's messages, received by a thread of their own: the child is not held up
    while this process bulk-loads (Oxigraph leaves the GIL), nor are the readers behind it.
    Receiving in the loading thread kept both cores 30 % idle at 100k mandates."""

    def __init__(self, connection, backlog: int = 256):
        import queue
        import threading

        self._connection, self._queue = connection, queue.Queue(backlog)
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._receive, daemon=True)
        self._thread.start()

    def _receive(self) -> None:
        import queue

        while not self._closed.is_set():
            try:
                if not self._connection.poll(0.1):  # (so that close() is not kept waiting)
                    continue
                message = pickle.loads(self._connection.recv_bytes())
            except (EOFError, OSError):
                message = None
            while not self._closed.is_set():
                try:
                    self._queue.put(message, timeout=0.1)
                    break
                except queue.Full:
                    continue
            if message is None or self._closed.is_set():
                return

    def next(self) -> tuple:
        message = self._queue.get()
        if message is None:
            raise RuntimeError("the process reading the data folder died")
        return message

    def close(self) -> None:
        self._closed.set()
        self._thread.join()
        self._connection.close()


def _apply(pending: _BulkLoader, updates: list[str]) -> None:
    """The loads gathered so far, then the updates that followed them."""
    store = pending.flush()
    for text in updates:
        store.update(text)
    updates.clear()


def _graph(text: str | None):
    return ox.DefaultGraph() if text is None else ox.NamedNode(text)


class RegistryOnDemand:
    """A data folder's registry, read from ``registry.yaml`` when first used."""

    def __init__(self, data_dir: Path):
        self._data_dir = Path(data_dir)
        self._registry: Registry | None = None

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if self._registry is None:
            path = self._data_dir / "registry.yaml"
            self._registry = load_registry(path, display=_display(path, self._data_dir))
        return getattr(self._registry, name)


def _child(connection, data_dir, options: dict, progress_wanted: bool) -> None:
    store = _PipeStore(connection)
    say = (lambda message: store._send("say", message)) if progress_wanted else None
    try:
        stats = map_into_store(data_dir, store, progress=say, **options)
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        try:
            store._send("error", exc)
        except Exception:  # an exception that does not pickle: the parent maps again
            store._send("error", None)
        return
    if not stats.registry_extended:  # registry.yaml itself: read again here if asked for
        stats.registry = None
    store._send("done", stats)


def map_in_reader(data_dir: str | Path, store: ox.Store, *, progress=None,
                  **options) -> MapStats:
    """:func:`kgbuild.incremental.map_into_store` run by a forked child; same result, same
    errors. ``options`` are map_into_store's (``graph_name`` and ``inferred_graph`` as given)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return map_into_store(data_dir, store, progress=progress, **options)
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sending, data_dir, options,
                                                 progress is not None), daemon=False)
    child.start()
    sending.close()
    # batches: bulk loads for a store on disk, transactions in memory (the faster there)
    pending = _BulkLoader(store, _BATCH, bulk=bool(options.get("bulk")))
    updates: list[str] = []  # run once the loads before them are in, the child gone if it can
    messages = _Receiver(receiving)
    finished = False
    try:
        while True:
            message = messages.next()
            kind = message[0]
            if kind == "load":
                if updates:  # loads after an update: the update first, in order
                    _apply(pending, updates)
                pending.load(message[2], None, _graph(message[1]))
            elif kind == "file":
                if updates:
                    _apply(pending, updates)
                pending.load(Path(message[2]).read_bytes(), None, _graph(message[1]))
            elif kind == "update":
                updates.append(message[1])
            elif kind == "say":
                progress(message[1])
            elif kind == "error":
                finished = True
                if message[1] is None:
                    return map_into_store(data_dir, ox.Store(), **options)  # raises it here
                raise message[1]
            else:  # done
                stats, finished = message[1], True
                break
    finally:
        if not finished:  # this process failed: the child is not to wait on it
            child.terminate()
        child.join()
        messages.close()
    _apply(pending, updates)  # the child has exited: its memory is back before the last load
    if stats.registry is None:
        stats.registry = RegistryOnDemand(Path(data_dir))
    return stats


__all__ = ["RegistryOnDemand", "map_in_reader"]
