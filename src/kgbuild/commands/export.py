"""``kgbuild export ...`` and ``kgbuild timeline``: parse options, call kgbuild.export or
kgbuild.timeline once, write the result, print the report to stderr.

``kgbuild.cli`` registers them: ``main.add_command(export)`` and ``main.add_command(timeline)``.
"""

from __future__ import annotations

from pathlib import Path

import click

from . import library_errors

from .. import export as library
from ..rdfio import write_atomic

GRAPH_HELP = "The graph to export (default: build/kg.ttl, written by `kgbuild build`)."
OUTPUT_HELP = "Write to FILE (atomically) instead of stdout."



def graph_option(function):
    return click.option("--graph", "graph_path", type=click.Path(path_type=Path), default=None,
                        metavar="FILE", help=GRAPH_HELP)(function)


def output_option(function):
    return click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
                        default=None, metavar="FILE", help=OUTPUT_HELP)(function)


def emit(result: library.Export, output: Path | None) -> None:
    """The content to ``output`` (or stdout), the report to stderr."""
    content = result.content
    if output is None:
        click.echo(content.encode("utf-8") if isinstance(content, str) else content, nl=False)
    else:
        write_atomic(output, content)
        click.echo(f"Wrote {output}", err=True)
    click.echo(result.report.text(), err=True, nl=False)


@click.group("export")
def export():
    """Export the built graph: Turtle, JSON-LD, CSV tables or QuickStatements for Wikidata.

    Reads build/kg.ttl (run `kgbuild build` first) or --graph FILE. The same graph always
    gives the same bytes. What an export cannot write is reported on stderr, never dropped
    silently.
    """


@export.command("turtle")
@graph_option
@click.option("--inferred", is_flag=True,
              help="Add the OWL-RL entailments (kg-inferred.ttl beside the graph).")
@output_option
@library_errors
def export_turtle(graph_path, inferred, output):
    """The graph as one self-contained, canonical Turtle file."""
    graph = library.load_graph(graph_path, inferred=inferred)
    shown = graph_path or Path("build/kg.ttl")
    header = f"Exported by kgbuild from {shown.name}" + (
        f" and {shown.stem}-inferred{shown.suffix} (OWL-RL entailments)" if inferred else "")
    emit(library.export_turtle(graph, header=header), output)


@export.command("jsonld")
@graph_option
@output_option
@library_errors
def export_jsonld(graph_path, output):
    """The graph as JSON-LD, with a @context of kgbuild's prefixes, nodes sorted by @id."""
    emit(library.export_jsonld(library.load_graph(graph_path)), output)


@export.command("csv")
@graph_option
@click.option("--table", type=click.Choice(library.CSV_TABLES), default="mandates",
              show_default=True, help="One row per mandate, or per programme.")
@output_option
@library_errors
def export_csv(graph_path, table, output):
    """One table as CSV (RFC 4180, UTF-8, header row); lists in a cell are joined by ';'."""
    emit(library.export_csv(library.open_graph(graph_path), table), output)


@export.command("quickstatements")
@graph_option
@click.option("--format", "qs_format", type=click.Choice(library.QS_FORMATS), default="v1",
              show_default=True, help="QuickStatements V1 commands, or its CSV dialect.")
@click.option("--target", type=click.Choice(library.QS_TARGETS), default=None,
              help="How V1 forces one statement per mandate: qs2 writes 'Q1 !P39 ...' "
                   "(QuickStatements 2), qs3 writes '+Q1 P39 ...' (QuickStatements 3). "
                   "[default: qs2]")
@click.option("--create-missing", is_flag=True,
              help="Write a CREATE block for each person without a QID (default: list them "
                   "as needing reconciliation).")
@output_option
@library_errors
def export_quickstatements(graph_path, qs_format, target, create_missing, output):
    """Position held (P39) statements for Wikidata, one per mandate, with its dates
    (P580, P582), predecessor and successor (P1365, P1366) and its sources as references.

    Persons and posts need a QID (kg:wikidata, from the registry's `wikidata`). The summary
    on stderr lists what was created, skipped or left incomplete, and why.
    """
    if target is not None and qs_format == "csv":
        raise click.UsageError("--target applies to --format v1 only: the CSV dialect has no "
                               "new-statement syntax")
    result = library.export_quickstatements(
        library.open_graph(graph_path), format=qs_format, target=target or "qs2",
        create_missing=create_missing)
    emit(result, output)


@click.command("timeline")
@click.option("--person", default=None, metavar="NAME_OR_ID",
              help="Only this person: an id, an IRI, or a label, alias or misspelling "
                   "(case and accents ignored).")
@graph_option
@click.option("--store", "store_dir", type=click.Path(path_type=Path, file_okay=False),
              default=None, metavar="DIR",
              help="Read the person from the store `kgbuild build --store DIR` kept (needs "
                   "--person).")
@click.option("--lang", type=click.Choice(("en", "fr")), default="en", show_default=True,
              help="Language of the labels and the legend.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              required=True, metavar="FILE.svg|FILE.png", help="The picture to write.")
@library_errors
def timeline(person, graph_path, store_dir, lang, output):
    """Draw mandates and candidacies per person over time (SVG or PNG).

    A date known only to the month or year is drawn as a band over that month or year; an end
    the sources do not give fades out; an ongoing mandate ends in an arrow; a mandate without
    any date sits in a separate 'dates unknown' column. With --person, only what that person's
    timeline needs is read (through Oxigraph): seconds, even in a graph of 100,000 mandates.
    """
    from ..timeline import IMAGE_FORMATS, person_graph, render_timeline

    suffix = output.suffix.lower().lstrip(".")
    if suffix not in IMAGE_FORMATS:
        raise click.BadParameter(
            f"'{output}' must end in {' or '.join('.' + f for f in IMAGE_FORMATS)}",
            param_hint="'-o' / '--output'")
    if store_dir is not None and (person is None or graph_path is not None):
        raise click.UsageError("--store needs --person, and cannot be used with --graph")
    if person is None:
        graph = library.load_graph(graph_path)
    else:
        graph = person_graph(_person_store(graph_path, store_dir), person)
    emit(render_timeline(graph, person=person, format=suffix, lang=lang), output)


def _person_store(graph_path: Path | None, store_dir: Path | None):
    """The Oxigraph store a person's timeline is read from: the kept one, or kg.ttl loaded."""
    from ..store import load_files, open_built_store

    if store_dir is not None:
        return open_built_store(store_dir)
    return load_files(library.graph_files(graph_path))
