"""The scale benchmark: synthetic data at several sizes, built, reasoned, validated, written and
queried, with the wall time of each stage and the peak memory, as a Markdown report.

Each (scale, backend) runs in a subprocess of its own (``python -m kgbuild.benchmark worker``),
so the peak resident memory it reports (``ru_maxrss``) counts everything that process allocated,
Rust and C included, and nothing of the others. Runs are sequential: never two at once.

``kgbuild bench`` and ``bench/run.py`` call :func:`run_benchmark`; the figures of
``docs/scale.md`` come from it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .synthetic import generate

DEFAULT_SCALES = (10_000, 100_000, 1_000_000)
FAULTS_PER_MANDATES = 2_000  # known contradictions: one per 2,000 mandates


@dataclass
class Run:
    """One build of one scale with one backend, and its saved queries."""

    mandates: int
    backend: str
    timings: dict = field(default_factory=dict)  # stage -> seconds
    peak_mib: float = 0.0  # peak resident memory of the whole run (ru_maxrss bound)
    build_peak_mib: float = 0.0  # peak memory of the build: sampled PSS of its processes
    build_maxrss_mib: float = 0.0  # ru_maxrss of the build process plus its largest child
    build_seconds: float = 0.0
    queries: dict = field(default_factory=dict)  # name -> seconds (or an error text)
    answers: dict = field(default_factory=dict)  # name -> (rows, sha256 of the sorted rows)
    summary: dict = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)  # file -> sha256 of its lines but comments
    report: str | None = None  # sha256 of the sorted results (severity, focus, path, ...)
    build_cpu_seconds: float = 0.0  # CPU time of the build (user + system, all threads)
    error: str | None = None
    store: str = "memory"  # where the Oxigraph store lived: memory or disk (RocksDB)
    rebuild: dict = field(default_factory=dict)  # measure_rebuild's figures, when asked for

    @property
    def slowest_query(self) -> float:
        times = [t for t in self.queries.values() if isinstance(t, (int, float))]
        return max(times) if times else float("nan")


# -- the machine -------------------------------------------------------------------------------

def machine() -> dict:
    """CPU model, cores, memory, OS, Python and the versions of the libraries measured."""
    from importlib import metadata

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    versions = {}
    for name in ("kgbuild", "rdflib", "pyoxigraph", "owlrl", "pyshacl", "PyYAML"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    import yaml

    versions["libyaml"] = "yes" if getattr(yaml, "__with_libyaml__", False) else "no"
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": memory,
            "os": f"{platform.system()} {platform.release()}",
            "python": platform.python_version(), "versions": versions}


# -- one run (in the worker process) ----------------------------------------------------------

class _TreeMemory:
    """Samples the proportional set size (PSS) of this process and its children every
    ``interval`` seconds, or less often when a sample takes long (Linux): shared pages of
    forked readers are counted once.

    The sampling runs in a forked process of its own, not in a thread: a thread reading
    ``/proc`` every few tenths of a second took the GIL from the build's own threads and
    made the 100k build 6 to 8 s slower than the same build unobserved. The sampler's own
    memory is left out, and its CPU time is in ``cpu_seconds`` (it is a child of this
    process, so RUSAGE_CHILDREN counts it)."""

    def __init__(self, interval: float = 0.25):
        self.peak_kib = 0
        self.cpu_seconds = 0.0
        self.interval = interval
        self._process = self._connection = None

    def __enter__(self):
        import multiprocessing

        if (Path("/proc/self/smaps_rollup").exists()
                and "fork" in multiprocessing.get_all_start_methods()):
            context = multiprocessing.get_context("fork")
            self._connection, theirs = context.Pipe()
            self._process = context.Process(target=self._run, daemon=True,
                                            args=(theirs, os.getpid(), self.interval))
            self._process.start()
            theirs.close()
        return self

    def __exit__(self, *exc):
        if self._process is not None:
            self._connection.send("stop")
            peak, self.cpu_seconds = self._connection.recv()
            self.peak_kib = max(self.peak_kib, peak)
            self._process.join()
            self._connection.close()
            self._process = None

    @staticmethod
    def _pids(pid: int) -> list[int]:
        found = [pid]
        for children in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                for child in children.read_text().split():
                    found += _TreeMemory._pids(int(child))
            except OSError:
                pass
        return found

    @staticmethod
    def sample(root: int | None = None, skip: int | None = None) -> int:
        """PSS in KiB of ``root`` (default: this process) and its descendants but ``skip``."""
        total = 0
        for pid in _TreeMemory._pids(root or os.getpid()):
            if pid == skip:
                continue
            try:
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            except OSError:
                pass
        return total

    @staticmethod
    def _run(connection, root: int, interval: float) -> None:
        peak, wait = 0, interval
        while not connection.poll(wait):
            began = time.perf_counter()
            peak = max(peak, _TreeMemory.sample(root, skip=os.getpid()))
            # reading smaps_rollup walks every page of the process: at a million mandates
            # (15 GB) each sample took a third of a core at 0.25 s; keep it under a tenth
            wait = max(interval, 10 * (time.perf_counter() - began))
        connection.recv()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        connection.send((peak, usage.ru_utime + usage.ru_stime))

    @property
    def peak_mib(self) -> float:
        return round(self.peak_kib / 1024, 1)


def _cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children (the forked validations)."""
    return sum(usage.ru_utime + usage.ru_stime for usage in (
        resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))


def _peak_mib() -> float:
    """Peak resident memory of this process plus the largest of its finished children (the
    readers the build forks): an upper bound of what the run held at once."""
    usage = sum(resource.getrusage(who).ru_maxrss
                for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return round(usage / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def _digest_lines(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for line in stream:
            if not line.startswith(b"#"):
                digest.update(line)
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def _registry(data_dir: Path):
    """The registry of ``data_dir``, read once for all the queries (a minute at 1M)."""
    from .registry import load_registry

    return load_registry(Path(data_dir) / "registry.yaml")


def query_params(data_dir: Path, query) -> dict | None:
    """Values for a saved query's required parameters, taken from the data (None: cannot)."""
    values = {}
    for param in query.params:
        if not param.required:
            continue
        if param.kind or (param.type == "string" and param.lang):
            registry = _registry(Path(data_dir))
            kind = param.kind or "person"
            entities = registry.of_kind(kind) if kind in ("person", "organisation", "post",
                                                            "programme", "election") else []
            if not entities:
                return None
            chosen = entities[len(entities) // 2]
            values[param.name] = f"{kind}:{chosen.id}" if param.kind else chosen.label
        elif param.example is not None:
            values[param.name] = param.example
        else:
            return None
    return values


def run_worker(data_dir: str | Path, out_dir: str | Path, backend: str, *,
               store_path: str | Path | None = None, queries: bool = True,
               query_timeout: float | None = 120, rebuild: bool = False) -> Run:
    """Build ``data_dir`` with ``backend`` in this process, then run every saved query (and,
    with ``rebuild``, :func:`measure_rebuild` in ``<out_dir>-rebuild``)."""
    from .pipeline import build

    data_dir, out_dir = Path(data_dir), Path(out_dir)
    options = {"store_path": store_path, "cache_dir": False} if backend == "oxigraph" else {}
    began, cpu = time.perf_counter(), _cpu_seconds()

    def progress(message: str) -> None:  # stage by stage on stderr, to follow long runs
        print(f"[{time.perf_counter() - began:8.1f} s] {message}", file=sys.stderr, flush=True)

    with _TreeMemory() as memory:
        result = build(data_dir, out_dir, backend=backend, progress=progress, **options)
        memory.peak_kib = max(memory.peak_kib, memory.sample())
    run = Run(result.summary.get("mandates", 0), backend, dict(result.timings))
    run.build_seconds = round(time.perf_counter() - began, 3)
    run.build_cpu_seconds = round(_cpu_seconds() - cpu - memory.cpu_seconds, 3)
    run.build_maxrss_mib = _peak_mib()
    run.build_peak_mib = memory.peak_mib or run.build_maxrss_mib
    run.summary = {k: v for k, v in result.summary.items() if not isinstance(v, dict)}
    run.outputs = {path.name: _digest_lines(path) for path in result.outputs.values()}
    run.report = report_digest(result.report)
    if queries:
        run.queries, run.answers = _run_queries(result, data_dir, query_timeout)
    if rebuild and backend == "oxigraph":
        del result
        run.rebuild = measure_rebuild(data_dir, Path(f"{out_dir}-rebuild"),
                                      store_path=store_path, progress=progress)
    run.peak_mib = _peak_mib()
    return run


def measure_rebuild(data_dir: str | Path, work: str | Path, *,
                    store_path: str | Path | None = None, progress=None) -> dict:
    """What a user's second build costs: ``data_dir`` built with a cache (in ``work``), then
    again after one claim file (the middle one) lost its last claim. The folder built is made of
    links to ``data_dir``'s files, but for the file edited. Returns the rebuild's seconds and
    stages, and how many focus nodes it validated again."""
    import shutil

    from .pipeline import build

    data_dir, work = Path(data_dir).resolve(), Path(work)
    shutil.rmtree(work, ignore_errors=True)
    folder = work / data_dir.name  # the same name: the same provenance paths
    (folder / "claims").mkdir(parents=True)
    for name in ("registry.yaml", "sources"):
        (folder / name).symlink_to(data_dir / name)
    claim_files = sorted((data_dir / "claims").glob("*.yaml"))
    for path in claim_files:
        (folder / "claims" / path.name).symlink_to(path)
    options = dict(backend="oxigraph", store_path=store_path, progress=progress)
    build(folder, work / "out", **options)  # fills the cache
    edited = folder / "claims" / claim_files[len(claim_files) // 2].name
    text = edited.read_text(encoding="utf-8")
    edited.unlink()
    edited.write_text(text[:text.rindex("\n  - id:") + 1], encoding="utf-8")
    began = time.perf_counter()
    result = build(folder, work / "out", **options)
    checked = result.revalidation
    return {"seconds": round(time.perf_counter() - began, 3), "timings": dict(result.timings),
            "edited": f"claims/{edited.name}", "checked": checked.checked, "kept": checked.kept,
            "why": checked.why}


def report_digest(report) -> str:
    """A digest of a report's results (severity, focus, path, value, component, shape): equal
    for two validators that report the same violations."""
    from .store import to_oxigraph

    def value(term):  # by value, as Oxigraph keeps literals ("0.0" and "0" are one decimal)
        return "" if term is None else str(to_oxigraph(term)) if not hasattr(
            term, "datatype") or term.datatype is None else f"{term.datatype}|{term.toPython()}"

    rows = sorted("\t".join((r.severity, str(r.focus), str(r.path), value(r.value),
                             str(r.component), str(r.shape))) for r in report.results)
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def run_baseline(data_dir: str | Path, out_dir: str | Path, *, validate_timeout: float = 1800,
                 query_timeout: float | None = 120) -> Run:
    """The memory pipeline (rdflib, owlrl, pyshacl) stage by stage, timed, with pyshacl stopped
    after ``validate_timeout`` seconds (its SPARQL constraints grow with the square of the
    mandates): the graphs are written and queried even when validation is cut short."""
    from rdflib import Graph

    from .claims import load_corpus
    from .mapping import map_corpus
    from .pipeline import HEADER, summarise
    from .rdfio import to_turtle
    from .reason import infer, load_ontology
    from .validate import load_shapes, validate
    from .vocab import KG, RDF

    data_dir, out_dir = Path(data_dir), Path(out_dir)
    timings: dict[str, float] = {}
    began, cpu = time.perf_counter(), _cpu_seconds()
    with _TreeMemory() as memory:
        def stage(name, work):
            start = time.perf_counter()
            value = work()
            timings[name] = round(time.perf_counter() - start, 3)
            print(f"{name}: {timings[name]} s", file=sys.stderr, flush=True)
            return value

        corpus = stage("load", lambda: load_corpus(data_dir))
        mapped = stage("map", lambda: map_corpus(corpus))
        ontology = load_ontology()
        inferred = stage("reason", lambda: infer(mapped.graph, ontology))
        union = Graph()
        for graph in (mapped.graph, inferred):
            for triple in graph:
                union.add(triple)

        def check():
            report = validate(union, load_shapes(), ontology=ontology, origins=mapped.origins)
            return summarise(mapped.graph, inferred, report), report_digest(report)

        start = time.perf_counter()
        outcome = _with_timeout(check, validate_timeout)
        timings["validate"] = round(time.perf_counter() - start, 3)
        header = HEADER.format(data=data_dir.name)
        out_dir.mkdir(parents=True, exist_ok=True)
        graphs = {"kg.ttl": (mapped.graph, header), "kg-inferred.ttl": (
            inferred, header + "\nOWL-RL entailments (owlrl) about the entities of kg.ttl, not "
                              "stated there.")}

        def write():
            for name, (graph, text) in graphs.items():
                (out_dir / name).write_text(to_turtle(graph, header=text), encoding="utf-8")

        stage("write", write)
        memory.peak_kib = max(memory.peak_kib, memory.sample())
    run = Run(len(set(mapped.graph.subjects(RDF.type, KG.Mandate))), "memory", timings)
    run.build_seconds = round(time.perf_counter() - began, 3)
    run.build_cpu_seconds = round(_cpu_seconds() - cpu - memory.cpu_seconds, 3)
    run.build_maxrss_mib = _peak_mib()
    run.build_peak_mib = memory.peak_mib or run.build_maxrss_mib
    run.outputs = {name: _digest_lines(out_dir / name) for name in graphs}
    if isinstance(outcome, str):  # stopped
        run.summary = {"triples": len(mapped.graph), "inferred_triples": len(inferred),
                       "validation": f"pyshacl {outcome}"}
        run.error = f"validation {outcome} s"
    else:
        run.summary, run.report = outcome
    from .pipeline import BuildResult

    result = BuildResult(corpus, mapped.graph, inferred, None, run.summary)
    run.queries, run.answers = _run_queries(result, data_dir, query_timeout)
    run.peak_mib = _peak_mib()
    return run


def _run_queries(result, data_dir: Path, query_timeout: float | None = 120) -> tuple[dict, dict]:
    try:
        from .query import load_queries, run_query
    except ImportError:
        return {"(kgbuild.query not available)": "skipped"}, {}
    if result.store is not None:
        target = result.store
    else:
        from rdflib import Graph

        target = Graph()
        for graph in (result.asserted, result.inferred):
            for triple in graph:
                target.add(triple)
    times, answers = {}, {}
    for name, saved in load_queries().items():
        params = query_params(data_dir, saved)
        if params is None:
            times[name] = "skipped: no value for a required parameter"
            continue

        def one() -> tuple:
            # run once before the timed run: the first run in the forked child pays the
            # copy-on-write of every page it touches (sources at 100k: 0.98 s against 0.42 s
            # in a process of its own), which a user's process does not
            run_query(saved, target, params).text_rows()
            began = time.perf_counter()
            answer = run_query(saved, target, params)
            seconds = round(time.perf_counter() - began, 3)
            rows = sorted("\t".join(row) for row in answer.text_rows())
            return seconds, (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())

        # the untimed first run counts against the limit too: twice the limit for both
        outcome = _with_timeout(one, 2 * query_timeout if query_timeout else None)
        if isinstance(outcome, str) and outcome.endswith("(stopped)"):
            times[name] = f"> {query_timeout:.0f} (stopped)"  # (two runs over twice that)
        elif isinstance(outcome, str):
            times[name] = outcome
        else:
            times[name], answers[name] = outcome
    return times, answers


def _with_timeout(work, seconds: float | None):
    """``work()`` in a forked child (the store is shared copy-on-write), killed after
    ``seconds``: a slow query cannot stall the benchmark. Returns its value or a reason."""
    import pickle
    import signal

    if seconds is None or not hasattr(os, "fork"):
        try:
            return work()
        except Exception as exc:  # the benchmark reports a failing query, and goes on
            return f"error: {exc}"
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, send the value, leave without cleanup, whatever happens
        try:
            os.close(read)
            _die_first()
            try:
                value = work()
            except Exception as exc:
                value = f"error: {exc}"
            with os.fdopen(write, "wb") as stream:
                pickle.dump(value, stream)
        finally:
            os._exit(0)
    os.close(write)
    import select

    with os.fdopen(read, "rb") as stream:
        ready, _, _ = select.select([stream], [], [], seconds)
        if not ready:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return f"> {seconds:.0f} (stopped)"
        data = stream.read()
    os.waitpid(pid, 0)
    return pickle.loads(data) if data else "error: the query process died"


def _die_first() -> None:
    """Out of memory, let the system kill this process before any other: a query's copy of a
    16 GB build once made the kernel kill the build itself (1M mandates in memory)."""
    try:
        Path("/proc/self/oom_score_adj").write_text("1000")
    except OSError:  # not Linux, or not allowed: the kernel chooses as before
        pass


# -- the benchmark (in the parent process) -----------------------------------------------------

def data_for(mandates: int, work_dir: Path, *, seed: int = 0, progress=None) -> Path:
    """The synthetic data folder of a scale, generated once under ``work_dir`` (again when the
    generator's code has changed since: its figures would not be those of today's data)."""
    folder = work_dir / f"data-{mandates}-seed{seed}"
    marker = folder / ".complete"
    if _generated_by(marker) != _generator_version():
        import shutil

        if folder.exists():
            shutil.rmtree(folder)
        if progress:
            progress(f"Generating {mandates} mandates into {folder}")
        began = time.perf_counter()
        made = generate(folder, mandates, seed=seed,
                        faults=max(3, mandates // FAULTS_PER_MANDATES))
        marker.write_text(json.dumps({"seconds": round(time.perf_counter() - began, 1),
                                      "claims": made.claims, "sources": made.sources,
                                      "generator": _generator_version()}))
    return folder


def _generator_version() -> str:
    """A digest of the generator's code: the same code and arguments give the same bytes."""
    import hashlib

    from . import synthetic

    return hashlib.sha256(Path(synthetic.__file__).read_bytes()).hexdigest()[:16]


def _generated_by(marker: Path) -> str | None:
    try:
        return json.loads(marker.read_text(encoding="utf-8")).get("generator")
    except (OSError, ValueError, AttributeError):
        return None


def run_subprocess(data_dir: Path, out_dir: Path, backend: str, *,
                   store_path: Path | None = None, queries: bool = True,
                   timeout: float | None = None, validate_timeout: float = 1800,
                   query_timeout: float = 120, rebuild: bool = False) -> Run:
    """:func:`run_worker` in a fresh Python process (its own peak memory)."""
    command = [sys.executable, "-m", "kgbuild.benchmark", "worker", str(data_dir), str(out_dir),
               backend, "--validate-timeout", str(validate_timeout), "--query-timeout",
               str(query_timeout)]
    if store_path is not None:
        command += ["--store-path", str(store_path)]
    if not queries:
        command.append("--no-queries")
    if rebuild:
        command.append("--rebuild")
    log = Path(f"{out_dir}.log")  # the worker's progress and errors, kept for a failed run
    log.parent.mkdir(parents=True, exist_ok=True)
    try:
        with log.open("w", encoding="utf-8") as stderr:
            done = subprocess.run(command, stdout=subprocess.PIPE, stderr=stderr, text=True,
                                  timeout=timeout)
    except subprocess.TimeoutExpired:
        return Run(0, backend, error=f"timed out after {timeout} s (log: {log})")
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        last = (log.read_text(encoding="utf-8").strip().splitlines() or ["failed"])[-1]
        return Run(0, backend, error=f"{last} (log: {log})")
    return Run(**json.loads(lines[-1]))


# peak memory of a build in memory, per mandate: 16.4 GiB at 1,000,166 mandates, 1.86 GiB at
# 100,016 (bench/results.md)
MEMORY_PER_MANDATE = 17.2 * 1024
MEMORY_SHARE = 0.8  # a store in memory may take this share of the machine's memory


def _backend(run: Run) -> str:
    return run.backend + (", store on disk" if run.store == "disk" else "")


def store_on_disk(mandates: int, memory_gib: float | None = None) -> bool:
    """Whether a build of ``mandates`` should keep its store on disk: when in memory it would
    take more than :data:`MEMORY_SHARE` of the machine's memory (``memory_gib``, default
    /proc/meminfo's MemTotal; unknown: in memory)."""
    memory_gib = memory_gib if memory_gib is not None else machine()["memory_gib"]
    if not memory_gib:
        return False
    return mandates * MEMORY_PER_MANDATE > MEMORY_SHARE * memory_gib * 1024 ** 3


def run_benchmark(scales=DEFAULT_SCALES, work_dir: str | Path = "bench/work", *,
                  backends=("oxigraph",), baseline: int | None = None, seed: int = 0,
                  disk_from: int | None = None, timeout: float | None = None,
                  validate_timeout: float = 1800, query_timeout: float = 120,
                  rebuild: bool = False, progress=None) -> dict:
    """Run every scale with every backend (and the memory backend at ``baseline`` mandates).

    Stores from ``disk_from`` mandates on live on disk (RocksDB) instead of in memory
    (default: those that would not fit in memory, :func:`store_on_disk`). ``rebuild`` also
    measures, at each scale, a rebuild after one claim file edited (:func:`measure_rebuild`).
    Returns ``{"machine": ..., "runs": [Run, ...]}``; see :func:`to_markdown`.
    """
    say = progress or (lambda message: None)
    work_dir = Path(work_dir)
    work_dir.mkdir(parents=True, exist_ok=True)
    plan = [(n, b) for n in sorted(scales) for b in backends]
    if baseline is not None:
        plan.append((baseline, "memory"))
    runs = []
    for mandates, backend in sorted(set(plan), key=lambda item: (item[0], item[1] == "memory")):
        data_dir = data_for(mandates, work_dir, seed=seed, progress=say)
        out_dir = work_dir / f"out-{mandates}-{backend}"
        on_disk = (store_on_disk(mandates) if disk_from is None else mandates >= disk_from)
        store_path = work_dir / f"store-{mandates}" if (backend == "oxigraph"
                                                         and on_disk) else None
        say(f"Building {mandates} mandates with the {backend} backend")
        run = run_subprocess(data_dir, out_dir, backend, store_path=store_path, timeout=timeout,
                             validate_timeout=validate_timeout, query_timeout=query_timeout,
                             rebuild=rebuild)
        run.mandates = run.mandates or mandates
        run.store = "disk" if store_path is not None else "memory"
        say(f"  built in {run.build_seconds} s, peak {run.build_peak_mib} MiB"
            + (f", error {run.error}" if run.error else ""))
        runs.append(run)
        if store_path is not None:
            import shutil

            shutil.rmtree(store_path, ignore_errors=True)
    return {"machine": machine(), "runs": runs, "scales": sorted(scales)}


# -- the report --------------------------------------------------------------------------------

def slope(points: list[tuple[float, float]]) -> float | None:
    """The least-squares slope of log(y) against log(x): 1 is linear."""
    points = [(x, y) for x, y in points if x > 0 and y > 0]
    if len(points) < 2:
        return None
    xs, ys = [math.log(x) for x, _ in points], [math.log(y) for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var if var else None


def _seconds(value) -> str:
    if isinstance(value, str):
        return value
    if not isinstance(value, (int, float)):
        return "–"
    return f"{value:.2f}" if value < 10 else f"{value:.0f}"


def to_markdown(report: dict) -> str:
    """The benchmark as Markdown: machine, one row per run, saved queries, slopes, speed-up."""
    info, runs = report["machine"], [r for r in report["runs"]]
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    lines = [f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB RAM, "
             f"{info['os']}, Python {info['python']}; {versions}.", "",
             "| mandates | backend | triples (asserted + inferred) | load | map | reason | "
             "validate | write | build | peak memory | slowest query | results |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for run in runs:
        if run.error and not run.timings:
            lines.append(f"| {run.mandates:,} | {run.backend} | failed: {run.error} |"
                         + " |" * 9)
            continue
        t, s = run.timings, run.summary
        if run.error:  # pyshacl stopped: the times are lower bounds
            t = dict(t, validate=f"> {t.get('validate', 0):.0f}")
        lines.append(
            f"| {run.mandates:,} | {_backend(run)} | {s.get('triples', 0):,} + "
            f"{s.get('inferred_triples', 0):,} | {_seconds(t.get('load'))} | "
            f"{_seconds(t.get('map'))} | {_seconds(t.get('reason'))} | "
            f"{_seconds(t.get('validate'))} | {_seconds(t.get('write'))} | "
            f"{'> ' if run.error else ''}{_seconds(run.build_seconds)} s | "
            f"{run.build_peak_mib / 1024:.2f} GiB | {_seconds(run.slowest_query)} s | "
            + (f"{s.get('violations', 0)} violations, {s.get('warnings', 0)} warnings |"
               if not run.error else f"{run.error} |"))
    names = sorted({n for r in runs for n in r.queries})
    if names:
        lines += ["", "Saved queries (seconds, with the parameters the benchmark picks):", "",
                  "| query | " + " | ".join(f"{r.mandates:,} {_backend(r)}" for r in runs)
                  + " |",
                  "|---|" + "---:|" * len(runs)]
        for name in names:
            cells = []
            for run in runs:
                value = run.queries.get(name)
                cells.append(_seconds(value) if isinstance(value, (int, float))
                             else (value or "–")[:40])
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    rebuilt = [r for r in runs if r.rebuild]
    if rebuilt:
        lines += ["", "Rebuild after one claim file edited (its last claim dropped; every other "
                      "source from the cache):", "",
                  "| mandates | backend | rebuild | load | map | reason | validate | write | "
                  "focus nodes validated again | results kept |",
                  "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for run in rebuilt:
            t, again = run.rebuild["timings"], run.rebuild["checked"]
            lines.append(
                f"| {run.mandates:,} | {_backend(run)} | {_seconds(run.rebuild['seconds'])} s | "
                + " | ".join(_seconds(t.get(stage)) for stage in
                             ("load", "map", "reason", "validate", "write"))
                + f" | {'all: ' + run.rebuild['why'] if again is None else f'{again:,}'} | "
                  f"{run.rebuild['kept']:,} |")
    # the exponent over the stores in memory (one run a scale); a store on disk is another cost
    oxigraph = [r for r in runs if r.backend == "oxigraph" and not r.error and r.store == "memory"]
    build_slope = slope([(r.mandates, r.build_seconds) for r in oxigraph])
    memory_slope = slope([(r.mandates, r.build_peak_mib) for r in oxigraph])
    if build_slope is not None:
        lines += ["", f"Cost exponent (log-log slope over {len(oxigraph)} scales, oxigraph): "
                      f"build time {build_slope:.2f}, peak memory {memory_slope:.2f}."]
    for base in [r for r in runs if r.backend == "memory" and r.timings]:
        twin = next((r for r in oxigraph if r.mandates == base.mandates), None)
        if twin is None:
            continue
        same_graph = base.outputs.get("kg.ttl") == twin.outputs.get("kg.ttl")
        same_inferred = base.outputs.get("kg-inferred.ttl") == twin.outputs.get(
            "kg-inferred.ttl")
        same_answers = {n for n in base.answers if base.answers[n] == twin.answers.get(n)}
        ratio = base.build_seconds / twin.build_seconds
        report = ("pyshacl was stopped, so its report cannot be compared" if base.error else
                  "the same validation results" if base.report == twin.report else
                  "DIFFERENT validation results")
        lines += ["", f"At {base.mandates:,} mandates the oxigraph build is "
                      f"{'more than ' if base.error else ''}{ratio:.0f} times faster than "
                      f"rdflib + owlrl + pyshacl ({'> ' if base.error else ''}"
                      f"{_seconds(base.build_seconds)} s against "
                      f"{_seconds(twin.build_seconds)} s); kg.ttl "
                      f"{'identical' if same_graph else 'DIFFERS'}, kg-inferred.ttl "
                      f"{'identical' if same_inferred else 'DIFFERS'} (comments aside); "
                      f"{report}; saved queries with the same answers: {len(same_answers)} of "
                      f"{len(base.answers)} answered by both."]
    return "\n".join(lines) + "\n"


def save(report: dict, path: str | Path) -> None:
    """The report as JSON (the runs as dicts), to merge runs made at different times."""
    from dataclasses import asdict

    document = {"machine": report["machine"], "scales": report.get("scales"),
                "runs": [asdict(r) for r in report["runs"]]}
    Path(path).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def load(path: str | Path) -> dict:
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    document["runs"] = [Run(**r) for r in document["runs"]]
    return document


def _main(argv: list[str]) -> int:
    import argparse
    from dataclasses import asdict

    parser = argparse.ArgumentParser(prog="python -m kgbuild.benchmark")
    sub = parser.add_subparsers(dest="command", required=True)
    worker = sub.add_parser("worker", help="one build and its queries; JSON on stdout")
    worker.add_argument("data")
    worker.add_argument("out")
    worker.add_argument("backend", choices=("memory", "oxigraph"))
    worker.add_argument("--store-path")
    worker.add_argument("--no-queries", action="store_true")
    worker.add_argument("--rebuild", action="store_true",
                        help="then measure a rebuild after one claim file edited")
    worker.add_argument("--query-timeout", type=float, default=120)
    worker.add_argument("--validate-timeout", type=float, default=1800,
                        help="memory backend: stop pyshacl after this many seconds")
    args = parser.parse_args(argv)
    if args.backend == "memory":
        run = run_baseline(args.data, args.out, validate_timeout=args.validate_timeout,
                           query_timeout=args.query_timeout)
    else:
        run = run_worker(args.data, args.out, args.backend, store_path=args.store_path,
                         queries=not args.no_queries, query_timeout=args.query_timeout,
                         rebuild=args.rebuild)
    print(json.dumps(asdict(run)))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
