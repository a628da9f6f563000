"""kgbuild: a validated knowledge graph of public officials, built from news articles."""

from .claims import load_corpus
from .errors import KgbuildError
from .mapping import map_corpus
from .pipeline import build
from .reason import infer
from .validate import validate

__version__ = "0.1.0"

__all__ = ["KgbuildError", "build", "infer", "load_corpus", "map_corpus", "validate"]
