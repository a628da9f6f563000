"""Shared fixtures: a tiny data folder written inline, and a copy of the seed data."""

from __future__ import annotations

import hashlib
import shutil
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEED_DATA = REPO / "data"

MINI_TEXT = (
    "Claire Vasseur quitte le ministère.\n"
    "Nommée secrétaire d’État chargée de la Mer en mai 2020, Claire Vasseur succède à "
    "Paul Marin.\n"
    "Le fonds Océan Avenir, doté de 250 millions d'euros, a été lancé le 3 juin 2021.\n"
)
MINI_REGISTRY = """\
persons:
  - id: claire-vasseur
    label: Claire Vasseur
    misspellings: [Claire Vaseur]
  - id: paul-marin
    label: Paul Marin
organisations:
  - id: gouvernement
    label: Gouvernement
    kind: government
posts:
  - id: secretaire-etat-mer
    label: secrétaire d'État chargé de la Mer
    organisation: gouvernement
programmes:
  - id: fonds-ocean-avenir
    label: fonds Océan Avenir
    kind: fund
"""
MINI_CLAIMS = """\
source: mini
status: reviewed
claims:
  - id: vasseur-mer
    type: mandate
    holder: claire-vasseur
    post: secretaire-etat-mer
    start: 2020-05
    predecessor: paul-marin
    quotes:
      - "Nommée secrétaire d’État chargée de la Mer en mai 2020, Claire Vasseur succède à Paul Marin."
  - id: ocean-avenir
    type: programme
    programme: fonds-ocean-avenir
    launched: 2021-06-03
    budget: {amount: 250000000, currency: EUR}
    quotes:
      - "Le fonds Océan Avenir, doté de 250 millions d'euros, a été lancé le 3 juin 2021."
"""


def source_metadata(source_id: str, text: str | bytes, **fields) -> str:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    values = {"id": source_id, "title": "unknown", "publisher": "unknown", "url": "unknown",
              "published": "unknown", "language": "fr",
              "sha256": hashlib.sha256(raw).hexdigest(), **fields}
    return "".join(f"{key}: {value}\n" for key, value in values.items())


def write_mini_data(root: Path, *, text: str = MINI_TEXT, registry: str = MINI_REGISTRY,
                    claims: str = MINI_CLAIMS) -> Path:
    """A data folder with one source, two claims: small enough to read in a test."""
    data = root / "data"
    (data / "sources").mkdir(parents=True, exist_ok=True)
    (data / "claims").mkdir(exist_ok=True)
    (data / "registry.yaml").write_text(textwrap.dedent(registry), encoding="utf-8")
    (data / "sources" / "mini.txt").write_text(text, encoding="utf-8")
    (data / "sources" / "mini.yaml").write_text(source_metadata("mini", text), encoding="utf-8")
    (data / "claims" / "mini.yaml").write_text(textwrap.dedent(claims), encoding="utf-8")
    return data


@pytest.fixture
def mini_data(tmp_path) -> Path:
    return write_mini_data(tmp_path)


@pytest.fixture
def seed_data(tmp_path) -> Path:
    """A private copy of the repository's data folder, safe to break."""
    target = tmp_path / "data"
    shutil.copytree(SEED_DATA, target)
    return target


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory):
    """The seed data built once for the whole session (read-only for tests)."""
    from kgbuild import build

    out = tmp_path_factory.mktemp("seed-build")
    return build(SEED_DATA, out)
