"""``kgbuild generate``, ``kgbuild bench`` and ``kgbuild push``: each parses its options, makes
one library call (kgbuild.synthetic, kgbuild.benchmark, kgbuild.push) and prints the result.

``kgbuild.cli`` registers them: ``main.add_command(generate)``, ``main.add_command(bench)``,
``main.add_command(push)``.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..config import DEFAULT_OUT_DIR
from . import library_errors


def _scales(ctx, param, value: str) -> tuple[int, ...]:
    try:
        scales = tuple(int(v.replace("_", "")) for v in value.split(",") if v.strip())
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a list of numbers such as 10000,100000")
    if not scales or min(scales) < 1:
        raise click.BadParameter("give at least one number of mandates, each 1 or more")
    return scales


@click.command("generate")
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
@click.option("--mandates", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="How many mandates (the other facts scale with them).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Same seed, same files, byte for byte.")
@click.option("--claims-per-source", type=click.IntRange(min=1), default=40, show_default=True,
              help="Average number of claims per article.")
@click.option("--faults", type=click.IntRange(min=0), default=0, show_default=True,
              help="Known contradictions to add (two starts, end before start, overlap).")
@library_errors
def generate(out: Path, mandates: int, seed: int, claims_per_source: int, faults: int):
    """Write a synthetic data folder to OUT: officials, posts, successions, programmes.

    The same claim format as data/ (registry.yaml, sources/, claims/), read by `kgbuild build`
    like curated data. Not real people.
    """
    from ..synthetic import generate as write

    made = write(out, mandates, seed=seed, claims_per_source=claims_per_source, faults=faults)
    click.echo(f"Wrote {out}: {made.mandates} mandates in {made.claims} claims from "
               f"{made.sources} sources; {made.persons} persons, {made.posts} posts, "
               f"{made.organisations} organisations, {made.programmes} programmes, "
               f"{made.faults} faults")


@click.command("bench")
@click.option("--scales", default="10000,100000", show_default=True, callback=_scales,
              help="Numbers of mandates, comma-separated (1000000 is the issue's target).")
@click.option("--work", "work_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("bench/work"), show_default=True,
              help="Folder for the generated data, builds and stores.")
@click.option("--baseline", type=click.IntRange(min=1), default=None,
              help="Also build this many mandates with rdflib + owlrl + pyshacl (slow).")
@click.option("--disk-from", type=click.IntRange(min=1), default=None, metavar="MANDATES",
              help="From this many mandates the store lives on disk (RocksDB). Default: when "
                   "in memory it would take more than 80% of this machine's memory (about "
                   "17 KiB a mandate: a million need 16.4 GiB).")
@click.option("--rebuild", is_flag=True,
              help="Also time, at each scale, a rebuild after one claim file edited (every "
                   "other source from the cache; two more builds a scale).")
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False),
              default=None, help="Also save the figures as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the Markdown report.")
@library_errors
def bench(scales, work_dir: Path, baseline, disk_from: int, rebuild: bool, json_path,
          quiet: bool):
    """Build synthetic data at each scale on Oxigraph and time every stage and saved query.

    Each build runs in a process of its own, one at a time, and reports its peak memory. Prints
    a Markdown report: the machine, stage times, peak memory, query times and the cost
    exponent; with --baseline, the speed-up over rdflib + owlrl + pyshacl and whether both give
    the same graphs, results and answers.
    """
    from .. import benchmark

    progress = None if quiet else (lambda message: click.echo(f"… {message}", err=True))
    report = benchmark.run_benchmark(scales, work_dir, baseline=baseline, disk_from=disk_from,
                                     rebuild=rebuild, progress=progress)
    if json_path is not None:
        benchmark.save(report, json_path)
    click.echo(benchmark.to_markdown(report), nl=False)


@click.command("push")
@click.option("--endpoint", required=True, metavar="URL",
              help="The server's Graph Store Protocol URL, e.g. http://localhost:7878/store.")
@click.option("--graph", "graph_iri", metavar="IRI", default=None,
              help="Load into this named graph (default: the default graph).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=DEFAULT_OUT_DIR, show_default=True,
              help="The build folder whose kg.ttl and kg-inferred.ttl are sent.")
@click.option("--append", is_flag=True, help="Add to the graph instead of replacing it.")
@library_errors
def push(endpoint: str, graph_iri, out_dir: Path, append: bool):
    """Load the build into a SPARQL 1.1 server (Graph Store HTTP Protocol).

    PUT kg.ttl (replacing the graph, unless --append), then POST kg-inferred.ttl, as
    text/turtle. Exit 0 when the server took both, 2 when it cannot be reached or refuses them
    (its status and message are printed).
    """
    from ..push import GRAPH_FILES
    from ..push import push as send

    result = send(endpoint, [out_dir / name for name in GRAPH_FILES], graph=graph_iri,
                  append=append)
    for sent in result.sent:
        click.echo(f"{sent.method} {sent.path} ({sent.bytes:,} bytes): HTTP {sent.status}")
    where = f"graph <{graph_iri}>" if graph_iri else "the default graph"
    click.echo(f"Pushed {result.bytes:,} bytes to {where} of {endpoint}")


__all__ = ["bench", "generate", "push"]
