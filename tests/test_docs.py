"""The documentation stays honest: it names every command, claim type and field that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kgbuild.claims import CLAIM_TYPES
from kgbuild.cli import main

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
MODEL = (REPO / "docs" / "model.md").read_text(encoding="utf-8")


def all_commands(group, prefix="kgbuild"):
    for name, command in sorted(group.commands.items()):
        yield f"{prefix} {name}"
        if hasattr(command, "commands"):
            yield from all_commands(command, f"{prefix} {name}")


@pytest.mark.parametrize("command", list(all_commands(main)))
def test_the_readme_documents_every_command(command):
    assert f"`{command}" in README, f"README.md does not document `{command}`"


def test_the_readme_has_exactly_two_setup_commands_first():
    setup = README.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line for line in setup.splitlines() if line and not line.startswith("#")]
    assert len(commands) == 2
    assert commands[0].endswith("kgbuild build")
    assert "pytest" in commands[1]


def test_the_ci_script_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install --quiet -e ".[test' in ci and "python -m pytest" in ci


@pytest.mark.parametrize("claim_type", sorted(CLAIM_TYPES))
def test_the_model_documents_every_claim_type_and_field(claim_type):
    row = next((line for line in MODEL.splitlines() if line.startswith(f"| `{claim_type}` |")),
               None)
    assert row, f"docs/model.md has no row for claim type {claim_type}"
    documented = set(re.findall(r"`([a-z_]+)\*?`", row.split("|")[2]))
    assert set(CLAIM_TYPES[claim_type]) <= documented, \
        f"undocumented fields: {set(CLAIM_TYPES[claim_type]) - documented}"


def test_the_exit_codes_table_matches_the_cli():
    from kgbuild.cli import EXIT_INPUT, EXIT_NOT_CONFORMANT, EXIT_OK

    for code in (EXIT_OK, EXIT_NOT_CONFORMANT, EXIT_INPUT):
        assert f"| {code} |" in README


def test_the_readme_shows_what_the_first_command_prints(tmp_path, monkeypatch):
    """The README's copy of `kgbuild build`'s output, line for line (timings aside)."""
    from click.testing import CliRunner

    shown = README.split("The first command prints:", 1)[1].split("```", 2)[1].strip("\n")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").symlink_to(REPO / "data")
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    printed = result.stderr + result.stdout

    def timings_masked(text):
        return re.sub(r"\d+\.\d s", "N s", text).strip("\n").splitlines()

    assert timings_masked(shown) == timings_masked(printed)
