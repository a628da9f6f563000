"""``kgbuild query``: list, show and run the saved SPARQL queries of ``queries/``, or your own.

    kgbuild query list
    kgbuild query show NAME
    kgbuild query NAME [--param NAME=VALUE ...] [--graph FILE ... | --store DIR | --endpoint URL]
                       [--format FORMAT]
    kgbuild query --file my.rq [--param NAME=VALUE ...] [--graph FILE ...] [--format FORMAT]

``list`` and ``show`` are subcommands; any other word names a saved query (so no saved query may
be called ``list`` or ``show``: :func:`kgbuild.query.load_queries` refuses them). Each saved query
is a subcommand of its own, whose ``--help`` shows its parameters and columns.

``kgbuild.cli`` registers it: ``main.add_command(query)``.
"""

from __future__ import annotations

from pathlib import Path

import click

from . import library_errors

from .. import query as library
from ..errors import KgbuildError

FORMATS = ("table", "csv", "tsv", "json")



def run_options(function):
    """The options of running a query, shared by ``query NAME`` and ``query --file``."""
    options = [
        click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
                     help="A parameter the query declares; repeat for several. An IRI may be "
                          "a CURIE (person:mounir-mahjoubi), an id, or a label."),
        click.option("--graph", "graphs", multiple=True, metavar="FILE",
                     type=click.Path(path_type=Path, dir_okay=False),
                     help="Turtle file to query; repeat to merge several (default: "
                          "build/kg.ttl and build/kg-inferred.ttl, from `kgbuild build`)."),
        click.option("--store", "store_dir", metavar="DIR",
                     type=click.Path(path_type=Path, file_okay=False),
                     help="Run on the Oxigraph store that `kgbuild build --store DIR` kept "
                          "(opened read-only; nothing to parse first)."),
        click.option("--endpoint", metavar="URL",
                     help="Run on this SPARQL 1.1 endpoint instead of a local graph."),
        click.option("--format", "output_format", type=click.Choice(FORMATS), default=None,
                     help="table (default, for people), or the SPARQL 1.1 results formats "
                          "csv, tsv and json."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _parse_params(pairs) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise click.BadParameter(f"'{pair}' is not NAME=VALUE", param_hint="'--param'")
        if name.strip() in params:
            raise click.BadParameter(f"'{name.strip()}' is given twice", param_hint="'--param'")
        params[name.strip()] = value
    return params


def _run(query, folder, params, graphs, store_dir, endpoint, output_format) -> None:
    given = [name for name, value in (("--graph", graphs), ("--store", store_dir),
                                      ("--endpoint", endpoint)) if value]
    if len(given) > 1:
        raise click.UsageError(f"{given[-1]} cannot be used with {given[0]}")
    graph = list(graphs) or None
    if store_dir is not None:
        from ..store import open_built_store

        library.get_query(query, folder)  # an unknown query is said before the store opens
        graph = open_built_store(store_dir)
    elif endpoint is None:
        _say_when_loading_takes_long(graph)
    result = library.run_query(query, graph, _parse_params(params), endpoint=endpoint,
                               folder=folder)
    output_format = output_format or "table"
    text = {"table": result.to_table, "csv": result.to_csv, "tsv": result.to_tsv,
            "json": result.to_json}[output_format]()
    click.echo(text, nl=False)
    if output_format == "table":
        click.echo(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})", err=True)


LOAD_NOTICE_BYTES = 20_000_000  # above this much Turtle, say what the wait is for


def _say_when_loading_takes_long(graphs) -> None:
    """A line on stderr before a long load (240 MB of Turtle, 100,000 mandates: about 20 s)."""
    paths = [Path(p) for p in graphs] if graphs else [
        library.DEFAULT_OUT_DIR / name for name in library.GRAPH_FILES]
    size = sum(path.stat().st_size for path in paths if path.is_file())
    if size > LOAD_NOTICE_BYTES:
        click.echo(f"… Loading {size / 1e6:,.0f} MB of Turtle into Oxigraph first "
                   "(`kgbuild build --store DIR`, then `--store DIR`, skips this)", err=True)


class QueryGroup(click.Group):
    """``list`` and ``show``, and one subcommand per saved query, made on demand."""

    def list_commands(self, ctx):
        return list(self.commands) + [n for n in _saved(ctx) if n not in self.commands]

    def get_command(self, ctx, name):
        return self.commands.get(name) or _saved_query_command(name, _saved(ctx).get(name))

    def format_commands(self, ctx, formatter):
        rows = [(name, command.get_short_help_str(60)) for name, command in self.commands.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)
        saved = _saved(ctx)
        if saved:
            with formatter.section("Saved queries"):
                formatter.write_dl([(name, q.title) for name, q in saved.items()])


def _saved(ctx) -> dict:
    try:
        return library.load_queries(ctx.params.get("queries_dir"))
    except KgbuildError:
        return {}  # `kgbuild query list` reports it; help still shows


def _saved_query_command(name: str, saved: library.SavedQuery | None) -> click.Command:
    help_text = _describe(saved) if saved else "Run the saved query NAME."

    @click.command(name, help=help_text, short_help=saved.title if saved else None,
                   no_args_is_help=False)
    @run_options
    @click.pass_context
    @library_errors
    def run_saved(ctx, params, graphs, store_dir, endpoint, output_format):
        group = ctx.parent.params
        _run(name, group.get("queries_dir"), group["params"] + params,
             graphs or group["graphs"], store_dir or group["store_dir"],
             endpoint or group["endpoint"], output_format or group["output_format"])

    return run_saved


def _describe(saved: library.SavedQuery) -> str:
    """The --help text of a saved query, from its header."""
    lines = [saved.title + ".", "", saved.description, "", "\b", "Parameters:"]
    lines += [f"  {p.name}  {_param_summary(p)}" for p in saved.params] or ["  none"]
    lines += ["", "\b", "Columns: " + ", ".join(c.name for c in saved.columns)]
    return "\n".join(lines)


def _param_summary(param: library.Param) -> str:
    facts = [param.type + (f"@{param.lang}" if param.lang else "")
             + (f" ({param.kind})" if param.kind else ""),
             "required" if param.required else "optional"]
    if param.default is not None:
        facts.append(f"default {param.default}")
    text = ", ".join(facts)
    if param.description:
        text += f": {param.description}"
    if param.example is not None:
        text += f" (e.g. {param.name}={param.example})"
    return text


@click.group("query", cls=QueryGroup, invoke_without_command=True,
             subcommand_metavar="NAME|list|show [ARGS]...")
@click.option("--file", "query_file", type=click.Path(path_type=Path, dir_okay=False),
              metavar="FILE", help="Run the SPARQL SELECT query in FILE instead of a saved one "
                                   "(a #+ header may declare its parameters).")
@click.option("--queries", "queries_dir", type=click.Path(path_type=Path, file_okay=False),
              default=None, metavar="DIR",
              help="Folder of saved queries (default: kgbuild's queries/).")
@run_options
@click.pass_context
@library_errors
def query(ctx, query_file, queries_dir, params, graphs, store_dir, endpoint, output_format):
    """Run a saved SPARQL query (or --file FILE) on the built graph; print its rows.

    \b
      kgbuild query list                         the saved queries and their parameters
      kgbuild query show holders                 a query's documentation and SPARQL
      kgbuild query holders -p post=president-cnnum -p date=2017
      kgbuild query mandates --format csv        SPARQL 1.1 CSV (also tsv, json)
      kgbuild query --file my.rq                 your own query
      kgbuild query mandates --store build/store  the store of `kgbuild build --store`

    Parameters are typed and bound, never pasted into the query. Dates are YYYY, YYYY-MM or
    YYYY-MM-DD and stand for the whole year, month or day. Exit code 2 for an unknown query,
    a bad parameter, bad SPARQL or a missing build.
    """
    run_given = bool(params or graphs or store_dir or endpoint or output_format)
    if ctx.invoked_subcommand is None:
        if query_file is None:
            raise click.UsageError("give a saved query NAME, `list`, `show NAME` or --file FILE "
                                   "(`kgbuild query list` shows the names)")
        _run(query_file, queries_dir, params, graphs, store_dir, endpoint, output_format)
    elif query_file is not None:
        raise click.UsageError(f"--file cannot be used with '{ctx.invoked_subcommand}'")
    elif ctx.invoked_subcommand in ("list", "show") and run_given:
        raise click.UsageError(f"--param, --graph, --store, --endpoint and --format run a "
                               f"query; "
                               f"they cannot be used with '{ctx.invoked_subcommand}'")


@query.command("list")
@click.pass_context
@library_errors
def list_command(ctx):
    """List the saved queries: name, title and parameters ([optional])."""
    saved = library.load_queries(ctx.parent.params.get("queries_dir"))
    width = max((len(name) for name in saved), default=0)
    for name, item in saved.items():
        usage = " ".join(p.usage for p in item.params)
        click.echo(f"{name:<{width}}  {item.title}" + (f"  ({usage})" if usage else ""))


@query.command("show")
@click.argument("name")
@click.pass_context
@library_errors
def show_command(ctx, name):
    """Print a saved query's documentation, parameters, columns and SPARQL."""
    saved = library.get_query(name, ctx.parent.params.get("queries_dir"))
    lines = [f"{saved.name}: {saved.title}", ""]
    if saved.description:
        lines += [saved.description, ""]
    lines.append("Parameters:")
    lines += [f"  {p.name}  {_param_summary(p)}" for p in saved.params] or ["  none"]
    lines += ["", "Columns:"]
    width = max((len(c.name) for c in saved.columns), default=0)
    lines += [f"  {c.name:<{width}}  {c.description}".rstrip() for c in saved.columns]
    if saved.path:
        lines += ["", f"File: {saved.path}"]
    lines += ["", saved.sparql.rstrip("\n")]
    click.echo("\n".join(lines))
