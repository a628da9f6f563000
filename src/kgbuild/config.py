"""Where kgbuild finds its ontology, shapes and saved queries, and its default folders.

In a source checkout (or an editable install) they are the repository's ``ontology/`` and
``queries/``; an installed wheel carries copies inside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parents[1]


def _resource_dir(name: str) -> Path:
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _CHECKOUT / name


ONTOLOGY_DIR = _resource_dir("ontology")
ONTOLOGY_FILE = ONTOLOGY_DIR / "kgbuild.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
QUERIES_DIR = _resource_dir("queries")

DEFAULT_DATA_DIR = Path("data")
DEFAULT_OUT_DIR = Path("build")
