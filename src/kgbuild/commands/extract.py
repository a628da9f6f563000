"""``kgbuild extract`` and ``kgbuild evaluate``: propose claims from articles, and score them.

    kgbuild extract ARTICLE... [--out DIR] [--registry FILE] [--cache DIR | --no-cache]
    kgbuild evaluate [--gold DIR] [--proposed DIR | --empty-registry] [--format table|json]

Each command parses its options, makes one library call (:func:`kgbuild.extract.extract_files`,
:func:`kgbuild.evaluate.evaluate`) and prints the result. ``kgbuild.cli`` registers them:
``main.add_command(extract)`` and ``main.add_command(evaluate)``.
"""

from __future__ import annotations

from pathlib import Path

import click

from . import library_errors

DEFAULT_CACHE = Path("build/cache/extract")



@click.command("extract")
@click.argument("articles", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("data/proposed"), show_default=True,
              help="Folder for the proposed claim files (<source-id>.yaml).")
@click.option("--registry", "registry_path", type=click.Path(path_type=Path, dir_okay=False),
              default=None,
              help="Entity registry to link mentions to (default: data/registry.yaml when it "
                   "exists, else none).")
@click.option("--cache", "cache_dir", type=click.Path(path_type=Path, file_okay=False),
              default=DEFAULT_CACHE, show_default=True,
              help="Cache of results by the text's sha256 (an unchanged article is not "
                   "analysed again).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@library_errors
def extract(articles, out_dir, registry_path, cache_dir, no_cache):
    """Propose claims for French ARTICLES (source .yaml, or the .txt beside it, or a bare .txt).

    Writes one claim file per article in --out with status: proposed, each claim with its
    verbatim quotes (and character offsets), a confidence and the rule that produced it, and the
    new entities it needs under entities:. Review it, then move it to data/claims/ with status:
    reviewed and the new entities to registry.yaml (see docs/extraction.md).
    """
    from ..extract import extract_files

    if registry_path is None and Path("data/registry.yaml").exists():
        registry_path = Path("data/registry.yaml")
    results = extract_files(articles, out_dir=out_dir, registry=registry_path,
                            cache_dir=None if no_cache else cache_dir)
    for path, proposed in results:
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(proposed.counts().items()))
        cached = " (cached)" if proposed.from_cache else ""
        click.echo(f"{path}: {len(proposed.claims)} claims{cached}"
                   + (f" ({counts})" if counts else ""))


@click.command("evaluate")
@click.option("--gold", "gold_dir", type=click.Path(path_type=Path, file_okay=False),
              default=Path("tests/devset"), show_default=True,
              help="Data folder with the reviewed claims (registry.yaml, sources/, claims/).")
@click.option("--proposed", "proposed_dir", type=click.Path(path_type=Path, file_okay=False),
              default=None,
              help="Folder of proposed claim files to score (default: run the extractor on the "
                   "gold sources).")
@click.option("--empty-registry", is_flag=True,
              help="Run the extractor with an empty registry (every entity must be proposed).")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]),
              default="table", show_default=True, help="How to print the scores.")
@library_errors
def evaluate(gold_dir, proposed_dir, empty_registry, output_format):
    """Precision, recall and F1 of proposed claims against reviewed ones, per fact type.

    Matching rules (entities by normalised name, dates, partial credit): docs/extraction.md.
    """
    from .. import evaluate as library

    if proposed_dir is not None and empty_registry:
        raise click.UsageError("--empty-registry cannot be used with --proposed")
    report = library.evaluate(gold_dir, proposed_dir, empty_registry=empty_registry,
                              label=f"gold: {gold_dir}; "
                                    + (f"proposed: {proposed_dir}" if proposed_dir else
                                       "extractor with " + ("an empty registry"
                                                            if empty_registry else
                                                            "the gold registry")))
    click.echo(report.to_json() if output_format == "json" else report.table())


__all__ = ["evaluate", "extract"]
