"""The command line, in-process: exact messages and exit codes (0 conforms, 1 violates, 2 input)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kgbuild.cli import main

from .conftest import MINI_CLAIMS, write_mini_data


# a second start for the one mandate: the shapes' one violation
CONTRADICTION = MINI_CLAIMS + """\
  - id: vasseur-mer-other-start
    type: mandate
    holder: claire-vasseur
    post: secretaire-etat-mer
    start: 2020-06
    quotes:
      - "Claire Vasseur quitte le ministère."
"""


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
    data = write_mini_data(tmp_path, claims=CONTRADICTION)
    result = run("build", "--quiet", "--data", data, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "DOES NOT CONFORM (1 violations" in result.stdout
    assert "kgid:mandate/claire-vasseur--secretaire-etat-mer" in result.stderr
    assert "data/claims/mini.yaml:8" in result.stderr  # the first start
    assert "data/claims/mini.yaml:23" in result.stderr  # the contradicting start
    assert (tmp_path / "out" / "report.txt").exists()


def test_a_long_report_is_cut_on_the_terminal_and_whole_in_report_txt(run, tmp_path,
                                                                     monkeypatch):
    data = write_mini_data(tmp_path, claims=CONTRADICTION)
    monkeypatch.setattr("kgbuild.cli.REPORT_SHOWN", 0)
    result = run("build", "--quiet", "--data", data, "--out", tmp_path / "out")
    assert result.exit_code == 1
    out = tmp_path / "out"
    assert result.stderr == ("\nValidation: does not conform (1 violation, 0 warnings)\n\n"
                             f"… and 1 more result: all of them in {out}/report.txt "
                             "(report.json for tools)\n")
    assert "Violation: kgid:mandate/claire-vasseur--secretaire-etat-mer" in \
        (out / "report.txt").read_text()


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


def test_validate_gives_the_same_report_with_either_engine(run, tmp_path):
    data = write_mini_data(tmp_path, claims=CONTRADICTION)
    run("build", "-q", "--data", data, "--out", tmp_path / "out")
    files = [tmp_path / "out" / "kg.ttl", tmp_path / "out" / "kg-inferred.ttl"]
    by_pyshacl = run("validate", *files, "--engine", "pyshacl")
    by_sparql = run("validate", *files, "--engine", "sparql")
    assert by_pyshacl.exit_code == by_sparql.exit_code == 1
    assert by_sparql.stdout == by_pyshacl.stdout
    assert "Two different start dates" in by_sparql.stdout


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


# -- backends: auto, memory, oxigraph; a store kept on disk -------------------------------------

def test_build_chooses_the_memory_backend_for_a_small_folder_and_says_so(run, mini_data, tmp_path):
    result = run("build", "--data", mini_data, "--out", tmp_path / "out")
    assert result.exit_code == 0
    assert f"… Backend memory: {mini_data} weighs 1 kB (--backend to choose)" in result.stderr
    assert "… Reasoning (OWL-RL)" in result.stderr


def test_build_chooses_oxigraph_above_the_threshold(run, mini_data, tmp_path, monkeypatch):
    monkeypatch.setattr("kgbuild.pipeline.AUTO_OXIGRAPH_FROM_BYTES", 100)
    result = run("build", "--data", mini_data, "--out", tmp_path / "out")
    assert result.exit_code == 0
    assert "… Backend oxigraph:" in result.stderr
    assert "… Reasoning (the ontology's property chains, on the store)" in result.stderr


def test_both_backends_write_the_same_graph_from_the_command_line(run, mini_data, tmp_path):
    for backend in ("memory", "oxigraph"):
        result = run("build", "-q", "--backend", backend, "--data", mini_data,
                     "--out", tmp_path / backend)
        assert result.exit_code == 0, result.output
    def body(path):  # kg-inferred.ttl's header names the reasoner
        return [line for line in path.read_text().splitlines() if not line.startswith("#")]

    assert (tmp_path / "memory/kg.ttl").read_bytes() == (tmp_path / "oxigraph/kg.ttl").read_bytes()
    assert body(tmp_path / "memory/kg-inferred.ttl") == body(tmp_path / "oxigraph/kg-inferred.ttl")
    assert (tmp_path / "memory/summary.json").read_bytes() == \
        (tmp_path / "oxigraph/summary.json").read_bytes()


def test_the_oxigraph_build_s_outputs_get_the_usual_file_mode(run, mini_data, tmp_path):
    import os

    run("build", "-q", "--backend", "oxigraph", "--data", mini_data, "--out", tmp_path / "out")
    mask = os.umask(0)
    os.umask(mask)
    modes = {path.name: path.stat().st_mode & 0o777 for path in (tmp_path / "out").iterdir()
             if path.is_file()}
    assert len(modes) == 6 and set(modes.values()) == {0o666 & ~mask}


def test_a_rebuild_says_what_it_validates_again_and_no_cache_validates_everything(
        run, mini_data, tmp_path):
    out = tmp_path / "out"
    first = run("build", "--backend", "oxigraph", "--data", mini_data, "--out", out)
    again = run("build", "--backend", "oxigraph", "--data", mini_data, "--out", out)
    assert "… Validating every focus node: no results of an earlier build in the cache\n" in \
        first.stderr
    assert "… Validating nothing: nothing changed since the last build (0 results kept)\n" in \
        again.stderr
    files = len(list((mini_data / "claims").glob("*.yaml")))
    assert files > 0
    assert f"… Claim files: 0 from the cache, {files} mapped\n" in first.stderr
    assert f"… Claim files: {files} from the cache, 0 mapped\n" in again.stderr
    clean = run("build", "--backend", "oxigraph", "--no-cache", "--data", mini_data,
                "--out", tmp_path / "clean")
    assert clean.exit_code == 0 and "Validating every focus node: no cache" in clean.stderr
    assert not (tmp_path / "clean" / "cache" / "validation.json").exists()
    assert (tmp_path / "clean" / "report.json").read_bytes() == (out / "report.json").read_bytes()


def test_a_store_kept_by_the_build_answers_the_queries_as_the_turtle_files_do(run, mini_data,
                                                                               tmp_path):
    out, store = tmp_path / "out", tmp_path / "store"
    result = run("build", "-q", "--store", store, "--data", mini_data, "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(f"Store kept in {store}/: kgbuild query NAME --store {store}\n")
    files = ["--graph", out / "kg.ttl", "--graph", out / "kg-inferred.ttl"]
    answers = {}
    for args in (["mandates"], ["persons"], ["holders", "-p", "post=secretaire-etat-mer"]):
        from_store = run("query", *args, "--format", "csv", "--store", store)
        from_files = run("query", *args, "--format", "csv", *files)
        assert from_store.exit_code == from_files.exit_code == 0, from_store.output
        assert from_store.stdout == from_files.stdout
        answers[args[0]] = from_store.stdout.splitlines()
    assert answers["mandates"][1].startswith(
        "Claire Vasseur,secrétaire d'État chargé de la Mer,Gouvernement,2020-05,,Paul Marin,")
    assert answers["holders"] == ["person,start,end,state,match,source",
                                  "Claire Vasseur,2020-05,,,,mini"]


def test_a_second_build_into_the_same_store_replaces_its_graph(run, mini_data, tmp_path):
    store = tmp_path / "store"
    for _ in range(2):
        assert run("build", "-q", "--store", store, "--data", mini_data,
                   "--out", tmp_path / "out").exit_code == 0
    rows = run("query", "mandates", "--format", "csv", "--store", store).stdout.splitlines()
    assert len(rows) == 2  # the header and one mandate, not two copies


def test_the_store_is_not_put_in_a_folder_that_holds_other_files(run, mini_data, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me\n")
    result = run("build", "-q", "--store", mine, "--data", mini_data, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {mine}: this folder is not empty and holds no Oxigraph store: the build would "
        "empty it\n  hint: give a new or empty folder, or the one of an earlier "
        "`kgbuild build --store`\n")
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


def test_store_with_the_memory_backend_is_a_usage_error(run, mini_data, tmp_path):
    result = run("build", "--backend", "memory", "--store", tmp_path / "s", "--data", mini_data)
    assert result.exit_code == 2
    assert result.output.endswith("Error: --store needs --backend oxigraph (or auto)\n")
    assert not (tmp_path / "s").exists()


def test_querying_a_folder_without_a_store_says_how_to_make_one(run, tmp_path):
    result = run("query", "mandates", "--store", tmp_path)
    assert result.exit_code == 2
    assert result.output == (f"Error: {tmp_path}: no Oxigraph store here\n"
                             "  hint: build one with `kgbuild build --store DIR`, or query the "
                             "Turtle files with --graph\n")


@pytest.mark.parametrize("args, message", [
    (["--store", "s", "--graph", "kg.ttl"], "Error: --store cannot be used with --graph\n"),
    (["--store", "s", "--endpoint", "http://e.test/q"],
     "Error: --endpoint cannot be used with --store\n"),
])
def test_a_store_with_another_graph_is_a_usage_error(run, args, message):
    result = run("query", "mandates", *args)
    assert result.exit_code == 2
    assert result.output.endswith(message)


@pytest.mark.parametrize("name, content, message", [
    ("bad.ttl", '@prefix a: <http://a.test/> .\na:x a:y a:z .\na:x a:y "open .\n',
     ":3: malformed Turtle: Unexpected end of file (column 9)\n"
     "  hint: check the statement on this line and the one before\n"),
    ("kg.rdf", "<rdf:RDF/>\n",
     ": '.rdf' files are not read here\n  hint: give Turtle (.ttl) or N-Triples (.nt)\n"),
    ("none.ttl", None, ": file not found\n  hint: check the path\n"),
])
def test_querying_a_file_that_cannot_be_read_names_it(run, tmp_path, name, content, message):
    if content is not None:
        (tmp_path / name).write_text(content)
    result = run("query", "mandates", "--graph", tmp_path / name)
    assert result.exit_code == 2
    assert result.output == f"Error: {tmp_path / name}{message}"


def test_a_store_another_process_holds_is_an_error_that_says_so(run, mini_data, tmp_path):
    import pyoxigraph

    held = pyoxigraph.Store(str(tmp_path / "store"))  # as a server or a running build would
    result = run("build", "-q", "--store", tmp_path / "store", "--data", mini_data,
                 "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {tmp_path / 'store'}: cannot open the store: ")
    assert result.output.endswith("  hint: another process (a build, a query, a server) may "
                                  "have it open\n")
    assert not (tmp_path / "out").exists()
    del held


def test_a_failed_build_leaves_the_earlier_store_as_it_was(run, mini_data, tmp_path):
    store = tmp_path / "store"
    assert run("build", "-q", "--store", store, "--data", mini_data,
               "--out", tmp_path / "out").exit_code == 0
    before = run("query", "mandates", "--format", "csv", "--store", store).stdout
    claims = mini_data / "claims" / "mini.yaml"
    claims.write_text(claims.read_text().replace("start: 2020-05", "start: 2020-13"))
    result = run("build", "-q", "--store", store, "--data", mini_data, "--out", tmp_path / "out")
    assert result.exit_code == 2 and "2020-13" in result.output
    assert run("query", "mandates", "--format", "csv", "--store", store).stdout == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out", "store"]
