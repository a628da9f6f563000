"""The command line, in-process: exact messages and exit codes (0 conforms, 1 violates, 2 input)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kgbuild.cli import main

from .conftest import MINI_CLAIMS, write_mini_data


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


def test_build_prints_a_summary_and_exits_0_when_the_graph_conforms(run, mini_data, tmp_path):
    result = run("build", "--quiet", "--data", mini_data, "--out", tmp_path / "out")
    assert result.exit_code == 0
    out = tmp_path / "out"
    assert result.stdout.splitlines()[0] == f"Built {out}/kg.ttl"
    assert "  persons          2" in result.stdout
    assert "  mandates         1" in result.stdout
    assert "  programmes       1" in result.stdout
    assert "  sources          1" in result.stdout
    assert "  shapes           conforms (0 violations, 0 warnings)" in result.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["conforms"] is True and summary["mandates"] == 1


def test_build_reports_progress_on_stderr(run, mini_data, tmp_path):
    result = run("build", "--data", mini_data, "--out", tmp_path / "out")
    assert "… Reasoning (OWL-RL)" in result.stderr
    assert "… Validating against the SHACL shapes" in result.stderr


def test_build_exits_1_and_names_the_claim_when_the_data_violates_the_shapes(run, tmp_path):
    contradiction = MINI_CLAIMS + """\
  - id: vasseur-mer-other-start
    type: mandate
    holder: claire-vasseur
    post: secretaire-etat-mer
    start: 2020-06
    quotes:
      - "Claire Vasseur quitte le ministère."
"""
    data = write_mini_data(tmp_path, claims=contradiction)
    result = run("build", "--quiet", "--data", data, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "DOES NOT CONFORM (1 violations" in result.stdout
    assert "kgid:mandate/claire-vasseur--secretaire-etat-mer" in result.stderr
    assert "data/claims/mini.yaml:8" in result.stderr  # the first start
    assert "data/claims/mini.yaml:23" in result.stderr  # the contradicting start
    assert (tmp_path / "out" / "report.txt").exists()


def test_build_exits_2_with_file_line_and_hint_on_bad_input(run, tmp_path):
    data = write_mini_data(tmp_path, claims=MINI_CLAIMS.replace("2021-06-03", "2019-02-30"))
    result = run("build", "--quiet", "--data", data, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: data/claims/mini.yaml:15: impossible date in 'launched': '2019-02-30' does not "
        "exist: 2019-02 has 28 days\n"
        "  hint: write YYYY, YYYY-MM or YYYY-MM-DD; leave the field out when the source does not "
        "give the date\n")
    assert not (tmp_path / "out").exists()


def test_build_exits_2_on_a_missing_data_folder(run, tmp_path):
    result = run("build", "--quiet", "--data", tmp_path / "nowhere", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {tmp_path / 'nowhere'}: data folder not found")


def test_an_unknown_option_is_a_usage_error(run):
    result = run("build", "--colour")
    assert result.exit_code == 2
    assert "No such option '--colour'" in result.stderr


def test_validate_exits_0_on_the_built_graph(run, mini_data, tmp_path):
    run("build", "--quiet", "--data", mini_data, "--out", tmp_path / "out")
    result = run("validate", tmp_path / "out" / "kg.ttl", tmp_path / "out" / "kg-inferred.ttl")
    assert result.exit_code == 0
    assert result.stdout.startswith("Validation: conforms")


def test_validate_exits_1_on_a_violating_file_with_the_format_asked(run, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("""\
@prefix kg: <https://w3id.org/kgbuild/ns#> .
<https://w3id.org/kgbuild/id/mandate/x> a kg:Mandate .
""", encoding="utf-8")
    result = run("validate", "--format", "json", bad)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    assert any(r["severity"] == "Violation" for r in report["results"])


def test_validate_exits_2_on_malformed_turtle_with_its_line(run, tmp_path):
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix kg: <https://w3id.org/kgbuild/ns#> .\n\n<a> kg:b \"unclosed .\n",
                   encoding="utf-8")
    result = run("validate", bad)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {bad}:3: malformed Turtle")


def test_validate_refuses_rdf_xml_unless_asked(run, tmp_path):
    rdfxml = tmp_path / "data.rdf"
    rdfxml.write_text('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
                      '22-rdf-syntax-ns#"/>', encoding="utf-8")
    result = run("validate", rdfxml)
    assert result.exit_code == 2
    assert "'.rdf' files are not read by default" in result.stderr
    assert "--allow-any-format" in result.stderr
    assert run("validate", "--allow-any-format", rdfxml).exit_code == 0


def test_validate_exits_2_on_a_missing_file(run, tmp_path):
    result = run("validate", tmp_path / "missing.ttl")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {tmp_path / 'missing.ttl'}: file not found\n  hint: check the path\n"


def test_python_dash_m_works():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "kgbuild", "--help"], capture_output=True,
                            text=True, check=True)
    assert result.stdout.startswith("Usage: kgbuild")


def test_every_command_has_help(run):
    for name, command in main.commands.items():
        assert command.help, f"command {name} has no help"
        assert run(name, "--help").exit_code == 0
