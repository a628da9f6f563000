"""The build on Oxigraph: the same outputs as :func:`kgbuild.pipeline.build`, at a million mandates.

``build(data, out, backend="oxigraph")`` lands here. The stages are those of the pipeline, on a
``pyoxigraph.Store`` instead of rdflib graphs:

1. load + map: the data folder, unit by unit (:mod:`kgbuild.incremental`, cached per source),
   into the store's default graph; read by a child process (:mod:`kgbuild.reader`), so that
   what reading allocates is given back before the store grows;
2. reason: the ontology compiled to rules (:mod:`kgbuild.rules`), into the named graph
   :data:`kgbuild.store.INFERRED`: what each triple entails on its own is computed by the
   processes that map the units (so it counts in the map stage), the property chains then run
   as SPARQL updates on the store;
3. validate: the shapes compiled to SPARQL queries (:mod:`kgbuild.shaclsparql`); with a cache,
   only the focus nodes near what changed since the last build (:mod:`kgbuild.revalidate`);
4. write: ``kg.ttl`` and ``kg-inferred.ttl`` in rdfio's canonical Turtle, streamed from the
   store, and the reports; all files replaced at once.

The result is a :class:`kgbuild.pipeline.BuildResult` whose ``asserted`` and ``inferred`` are
rdflib Graphs reading the store (:func:`kgbuild.store.graph_view`) and whose ``store`` is the
store itself. Report locations are the claim lines of each focus node's evidence (the memory
backend can name the line of the field). The store lives in memory, or on disk under
``store_path`` (RocksDB: what a million mandates needs to stay within 8 GiB).
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .incremental import UnitCache
from .reader import map_in_reader
from .rdfio import _fsync_dir, usual_file_mode
from .memory import give_back_freed_memory, use_few_arenas
from .rules import Expander, compile_rules, infer_store
from .revalidate import (UnitLedger, ValidationState, can_keep, validate_changes,
                         validation_basis)
from .store import (DEFAULT, INFERRED, UNION, count_triples, graph_view, holds_store,
                    write_turtle)
from .validate import load_shapes

INFERRED_HEADER = ("OWL-RL entailments about the entities of kg.ttl, not stated there "
                   "(kgbuild.rules, checked against owlrl).")


def open_store(store_path: str | Path | None = None) -> ox.Store:
    """An empty store: in memory, or on disk at ``store_path`` (emptied if it holds one; a
    folder that holds other files is refused)."""
    if store_path is None:
        return ox.Store()
    folder = Path(store_path)
    _refuse_other_files(folder)
    folder.mkdir(parents=True, exist_ok=True)
    store = _open_on_disk(folder)
    store.clear()
    return store


@contextmanager
def replaced_store(store_path: str | Path):
    """A new folder beside ``store_path`` to build a store in (``build(..., store_path=...)``).

    When the block ends without an exception, it replaces ``store_path`` (an earlier store there
    is removed); on an exception it is removed, and ``store_path`` stays as it was: a failed
    build leaves the earlier store untouched, as it leaves the earlier files. ``store_path``
    must be new, empty, or a store no other process has open.
    """
    target = Path(store_path)
    _refuse_other_files(target)
    if holds_store(target):
        _open_on_disk(target)  # refused if another process has it open (a server, a query)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".building",
                                     dir=target.parent))
    try:
        yield building
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    earlier = None
    if target.exists():
        earlier = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".earlier",
                                        dir=target.parent))
        os.replace(target, earlier / "store")
    os.replace(building, target)
    if earlier is not None:
        shutil.rmtree(earlier, ignore_errors=True)


def _refuse_other_files(folder: Path) -> None:
    if folder.is_dir() and any(folder.iterdir()) and not holds_store(folder):
        raise InputError("this folder is not empty and holds no Oxigraph store: the build "
                         "would empty it", path=str(folder),
                         hint="give a new or empty folder, or the one of an earlier "
                              "`kgbuild build --store`")


def _open_on_disk(folder: Path) -> ox.Store:
    try:
        return ox.Store(str(folder))
    except OSError as exc:
        raise InputError(f"cannot open the store: {exc}", path=str(folder),
                         hint="another process (a build, a query, a server) may have it open"
                         ) from None


@contextmanager
def _gc_paused():
    """Python's cyclic collector off: the build makes millions of small acyclic objects (YAML
    scalars, registry entries) and each full collection walks all of them again, which made
    loading 100k mandates three times slower."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build_oxigraph(data_dir: str | Path = "data", out_dir: str | Path | None = "build", *,
                   progress=None, store_path: str | Path | None = None,
                   cache_dir: str | Path | None = None):
    """Build ``data_dir`` on Oxigraph; write to ``out_dir`` (None: write nothing).

    ``cache_dir`` (default ``<out_dir>/cache``; ``False`` for none) keeps each source's mapped
    triples between builds. Raises :class:`kgbuild.errors.KgbuildError` on bad input, before
    anything is written.
    """
    use_few_arenas()
    with _gc_paused():
        return _build(data_dir, out_dir, progress, store_path, cache_dir)


def _build(data_dir, out_dir, progress, store_path, cache_dir):
    from .pipeline import HEADER, BuildResult, StageTimer

    stage = StageTimer(progress)
    say, timings = stage.say, stage.timings

    if cache_dir is None and out_dir is not None:
        cache_dir = Path(out_dir) / "cache"
    cache = UnitCache(Path(cache_dir) / "units") if cache_dir else None
    basis = validation_basis()
    previous, why = ValidationState.load(cache_dir, basis) if cache else (None, "")
    ledger = UnitLedger(previous.units if previous else None, cache, why=why) if cache else None
    store = open_store(store_path)
    say(f"Loading and mapping {data_dir} into Oxigraph"
        + (f" (cache {cache.folder})" if cache else ""))
    began = time.perf_counter()
    on_disk = store_path is not None
    rules = compile_rules()
    expander = Expander(rules)
    stats = map_in_reader(data_dir, store, cache=cache, progress=say, bulk=on_disk,
                          proposals=Path(out_dir) / "cache" if out_dir is not None else None,
                          expander=expander, inferred_graph=INFERRED, ledger=ledger)
    elapsed = time.perf_counter() - began
    give_back_freed_memory()  # what loading used and freed, back before the store grows
    timings["load"] = round(stats.seconds_loading, 3)
    timings["map"] = round(elapsed - stats.seconds_loading, 3)
    header = HEADER.format(data=Path(data_dir).name or str(data_dir))
    outputs = _Outputs(Path(out_dir)) if out_dir is not None else None
    # kg.ttl is written (Python, in a thread) while Oxigraph reasons and validates (Rust, in
    # other threads, without the GIL): on two cores the write costs little wall time.
    writer = ThreadPoolExecutor(1) if outputs is not None else None
    try:
        jobs = []
        if writer is not None:
            jobs.append(writer.submit(outputs.write, "graph", lambda f: write_turtle(
                store, f, DEFAULT, header=header, grouped=on_disk)))
        stage("reason", "Reasoning (the ontology's property chains, on the store)",
              lambda: infer_store(store, rules, progress=say, bulk=on_disk, expanded=True))
        if writer is not None:
            jobs.append(writer.submit(outputs.write, "inferred", lambda f: write_turtle(
                store, f, INFERRED, header=header + "\n" + INFERRED_HEADER, grouped=on_disk)))
        checked = stage("validate", "Validating against the SHACL shapes (SPARQL)",
                        lambda: validate_changes(store, load_shapes(), rules, previous,
                                                 stats.changes, graphs=UNION, progress=say))
        report = checked.report
        if cache is not None:
            if can_keep(checked.results):
                ValidationState(basis, stats.changes.units, checked.results).save(cache_dir)
            _prune(cache, stats.changes.units, expander.digest, say)
        summary = summarise_store(store, report)
        summary["claims"] = stats.claims
        summary["cached_units"] = stats.cached
        result = BuildResult(stats.corpus(), graph_view(store, DEFAULT),
                             graph_view(store, INFERRED), report, summary, timings=timings)
        result.store = store
        result.revalidation = checked
        if outputs is not None:
            def finish():
                for job in jobs:
                    job.result()
                _write_reports(outputs, result)
                result.outputs = outputs.commit()

            stage("write", f"Writing {out_dir}/ (begun during reasoning)", finish)
    except BaseException:
        if outputs is not None:
            if writer is not None:
                writer.shutdown(wait=True, cancel_futures=True)
            outputs.discard()
        raise
    finally:
        if writer is not None:
            writer.shutdown(wait=True)
    return result


def _prune(cache: UnitCache, units, rules: str, say) -> None:
    """Keep in the cache only what this build used: a source edited a hundred times leaves one
    file, not a hundred."""
    removed, freed = cache.prune(units, rules)
    if removed:
        say(f"Cache: removed {removed:,} files this build no longer uses ({freed / 1e6:.1f} MB)")


class _Outputs:
    """Output files written to temporary files beside their targets, then renamed all at once
    (or all removed): a failed build leaves the previous outputs untouched."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.temps: dict[str, tuple[str, Path]] = {}

    def write(self, name: str, writer) -> None:
        from .pipeline import OUTPUT_FILES

        self.out_dir.mkdir(parents=True, exist_ok=True)
        target = self.out_dir / OUTPUT_FILES[name]
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                        dir=self.out_dir)
        self.temps[name] = (temp, target)
        os.chmod(temp, usual_file_mode())
        with os.fdopen(handle, "wb") as stream:
            writer(stream)
            stream.flush()
            os.fsync(stream.fileno())

    def commit(self) -> dict[str, Path]:
        try:
            for temp, target in self.temps.values():
                os.replace(temp, target)
        finally:
            self.discard()
        _fsync_dir(self.out_dir)
        return {name: target for name, (_, target) in self.temps.items()}

    def discard(self) -> None:
        for temp, _ in self.temps.values():
            Path(temp).unlink(missing_ok=True)


def _write_reports(outputs: _Outputs, result) -> None:
    summary = {k: v for k, v in result.summary.items() if k not in ("claims", "cached_units")}
    outputs.write("report_text", lambda f: f.write(result.report.text().encode("utf-8")))
    outputs.write("report_turtle", lambda f: f.write(result.report.to_turtle().encode("utf-8")))
    outputs.write("report_json", lambda f: f.write(result.report.to_json().encode("utf-8")))
    outputs.write("summary", lambda f: f.write(
        (json.dumps(summary, indent=2, sort_keys=True) + "\n").encode("utf-8")))


def summarise_store(store: ox.Store, report) -> dict:
    """pipeline.summarise's counts, computed by Oxigraph."""
    from .pipeline import COUNTED

    values = " ".join(f"<{cls}>" for cls in COUNTED.values())
    rows = store.query(f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?c {{ {values} }} "
                       f"?s a ?c }} GROUP BY ?c", default_graph=DEFAULT)
    found = {row["c"].value: int(row["n"].value) for row in rows}
    counts = {name: found.get(str(cls), 0) for name, cls in COUNTED.items()}
    severities = [r.severity for r in report.results]
    counts.update(
        triples=count_triples(store, (DEFAULT,)), inferred_triples=count_triples(store,
                                                                                  (INFERRED,)),
        conforms=report.conforms, violations=severities.count("Violation"),
        warnings=severities.count("Warning"),
    )
    return counts


__all__ = ["build_oxigraph", "open_store", "summarise_store"]
