"""The ``kgbuild`` command line: parses arguments, calls the library, prints, sets exit codes.

Exit codes: 0 the graph conforms to the shapes; 1 it violates them; 2 bad input or usage.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import pipeline
from .config import DEFAULT_DATA_DIR, DEFAULT_OUT_DIR
from .commands import library_errors

EXIT_OK, EXIT_NOT_CONFORMANT, EXIT_INPUT = 0, 1, 2


REPORT_SHOWN = 20  # results of a failed build printed on the terminal; report.txt has them all


def progress_printer(quiet: bool):
    if quiet:
        return None
    return lambda message: click.echo(f"… {message}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kgbuild")
def main():
    """kgbuild: a validated knowledge graph of public officials, built from news articles.

    Every fact comes from a source with the verbatim quote that supports it.

    \b
    Exit codes: 0 ok (the graph conforms), 1 the graph violates the shapes,
                2 bad input or usage (the message names the file and line).
    """


@main.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA_DIR,
              show_default=True, help="Folder with registry.yaml, sources/ and claims/.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT_DIR,
              show_default=True, help="Folder for kg.ttl, kg-inferred.ttl and the reports.")
@click.option("--backend", type=click.Choice(["auto", *pipeline.BACKENDS]), default="auto",
              show_default=True,
              help="memory: rdflib, owlrl and pyshacl (the reference); oxigraph: the same "
                   "outputs from an Oxigraph store, for thousands of sources; auto: oxigraph "
                   f"when registry.yaml and the claim files weigh more than "
                   f"{pipeline.AUTO_OXIGRAPH_FROM_BYTES // 1000} kB.")
@click.option("--store", "store_path", type=click.Path(path_type=Path, file_okay=False),
              default=None, metavar="DIR",
              help="Build the Oxigraph store on disk in DIR and keep it, for `kgbuild query "
                   "--store DIR` (no parsing before each query). Slower (100,000 mandates: "
                   "125 s against 54 s) but lighter (a million: 7.7 GiB against 16.4). "
                   "Implies --backend oxigraph.")
@click.option("--no-cache", is_flag=True,
              help="Oxigraph: map and validate every source again, without reading or writing "
                   "OUT/cache (the triples of each source and the last validation results).")
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary.")
@library_errors
def build(data_dir: Path, out_dir: Path, backend: str, store_path: Path | None, no_cache: bool,
          quiet: bool):
    """Build the graph from the claim files, reason, validate and write the outputs.

    Checks that every quote occurs verbatim in its source, maps the claims to RDF with their
    provenance, writes the asserted graph (kg.ttl), its OWL-RL entailments (kg-inferred.ttl) and
    the SHACL report (report.txt, report.ttl, report.json). Outputs are replaced all at once: a
    failed build leaves the previous ones untouched. Both backends write the same files.

    On Oxigraph, OUT/cache keeps what each source was mapped to and the validation results: a
    rebuild neither maps nor validates again what did not change (the report is the same).
    The cache keeps only what the last build used.
    """
    if store_path is not None:
        if backend == "memory":
            raise click.UsageError("--store needs --backend oxigraph (or auto)")
        backend = "oxigraph"
    chosen = pipeline.choose_backend(data_dir, backend)
    options = {"cache_dir": False} if no_cache and chosen == "oxigraph" else {}
    say = progress_printer(quiet)
    if say and backend == "auto":
        say(f"Backend {chosen}: {data_dir} weighs "
            f"{pipeline.data_weight(data_dir) / 1000:,.0f} kB (--backend to choose)")
    if store_path is None:
        sys.exit(_build_and_report(data_dir, out_dir, say, chosen, options, None))
    import gc

    from .scalebuild import replaced_store

    with replaced_store(store_path) as building:  # the earlier store stays if the build fails
        code = _build_and_report(data_dir, out_dir, say, chosen,
                                 {**options, "store_path": building}, store_path)
        gc.collect()  # the result's rdflib graphs hold cycles: this closes the store
    sys.exit(code)


def _build_and_report(data_dir, out_dir, say, backend, options, store_path) -> int:
    """Build, print what was built; the exit code. The store on disk is closed on return."""
    result = pipeline.build(data_dir, out_dir, progress=say, backend=backend, **options)
    if say:
        click.echo("… Done in " + ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds
                                            in result.timings.items()), err=True)
    for path in result.corpus.ignored_proposals:
        click.echo(f"Note: {path} ignored: its source has reviewed claims", err=True)
    click.echo(format_summary(result.summary, out_dir))
    if store_path is not None:
        click.echo(f"Store kept in {store_path}/: kgbuild query NAME --store {store_path}")
    if not result.conforms:
        click.echo("", err=True)
        text = result.report.text(limit=REPORT_SHOWN).rstrip("\n")
        if len(result.report.results) > REPORT_SHOWN and out_dir is not None:
            text += f": all of them in {out_dir}/report.txt (report.json for tools)"
        click.echo(text, err=True)
    return EXIT_OK if result.conforms else EXIT_NOT_CONFORMANT


def format_summary(summary: dict, out_dir: Path) -> str:
    rows = [
        ("persons", summary["persons"]), ("organisations", summary["organisations"]),
        ("posts", summary["posts"]), ("mandates", summary["mandates"]),
        ("candidacies", summary["candidacies"]), ("campaign roles", summary["campaign_roles"]),
        ("programmes", summary["programmes"]), ("sources", summary["sources"]),
        ("evidence quotes", summary["evidence"]),
        ("triples", f"{summary['triples']} asserted, {summary['inferred_triples']} inferred"),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [f"  {name:<{width}}  {value}" for name, value in rows]
    verdict = "conforms" if summary["conforms"] else "DOES NOT CONFORM"
    lines.append(f"  {'shapes':<{width}}  {verdict} ({summary['violations']} violations, "
                 f"{summary['warnings']} warnings)")
    return f"Built {out_dir}/kg.ttl\n" + "\n".join(lines)


@main.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "turtle", "json"]),
              default="text", show_default=True, help="How to print the report.")
@click.option("--shapes", type=click.Path(path_type=Path), default=None,
              help="Shapes file (default: kgbuild's ontology/shapes.ttl).")
@click.option("--allow-any-format", is_flag=True,
              help="Also read RDF/XML and JSON-LD (off by default: they can expand entities "
                   "or fetch remote contexts).")
@click.option("--engine", type=click.Choice(["auto", "pyshacl", "sparql"]), default="auto",
              show_default=True,
              help="pyshacl: the reference; sparql: the shapes compiled to SPARQL on "
                   "Oxigraph, the same results in half a minute at 100,000 mandates (Turtle "
                   "and N-Triples only); auto: sparql above 2 MB of such files.")
@library_errors
def validate_command(files, output_format, shapes, allow_any_format, engine):
    """Validate Turtle FILES (merged) against the shapes. Exit 0 conforms, 1 not, 2 bad input."""
    from .validate import validate_files

    report = validate_files(files, shapes=shapes, allow_any_format=allow_any_format,
                            engine=engine)
    printers = {"text": report.text, "turtle": report.to_turtle, "json": report.to_json}
    click.echo(printers[output_format]().rstrip("\n"))
    sys.exit(EXIT_OK if report.conforms else EXIT_NOT_CONFORMANT)


def _register_commands() -> None:
    from .commands.export import export, timeline
    from .commands.extract import evaluate, extract
    from .commands.query import query
    from .commands.scale import bench, generate, push

    for command in (query, export, timeline, extract, evaluate, generate, bench, push):
        main.add_command(command)


_register_commands()
