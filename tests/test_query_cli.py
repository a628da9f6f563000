"""``kgbuild query`` in-process: list, show, run a saved or ad-hoc query; exact messages, exit 2."""

from __future__ import annotations

import json
import shutil

import click
import pytest
from click.testing import CliRunner

from kgbuild.commands.query import query

SAVED = ["budgets", "candidacies", "evidence", "gaps", "holders", "lookup", "mandates",
         "organisation-members", "persons", "programmes", "sources", "successions", "timeline"]


@pytest.fixture(scope="module")
def cli():
    """A throwaway `kgbuild` group holding only the query command, as cli.py registers it."""

    @click.group()
    def kgbuild():
        pass

    kgbuild.add_command(query)
    return kgbuild


@pytest.fixture
def run(cli):
    def invoke(*args):
        return CliRunner().invoke(cli, ["query", *map(str, args)], catch_exceptions=False)

    return invoke


@pytest.fixture
def graph_args(seed_build):
    return ["--graph", seed_build.outputs["graph"], "--graph", seed_build.outputs["inferred"]]


def test_list_shows_each_query_with_its_title_and_parameters(run):
    result = run("list")
    assert result.exit_code == 0
    assert result.output == (
        "budgets               Budgets\n"
        "candidacies           Candidacies\n"
        "evidence              Evidence  ([fact=IRI])\n"
        "gaps                  What the graph does not know yet  ([kind=STRING])\n"
        "holders               Who held a post  (post=IRI [date=DATE])\n"
        "lookup                Find an entity by name  (label=STRING)\n"
        "mandates              Mandates\n"
        "organisation-members  Members of an organisation  (organisation=IRI)\n"
        "persons               Persons\n"
        "programmes            Programmes\n"
        "sources               Sources\n"
        "successions           Successions\n"
        "timeline              Timeline of a person  (person=IRI)\n")


def test_show_prints_the_documentation_and_the_sparql(run):
    result = run("show", "holders")
    assert result.exit_code == 0
    assert result.output.startswith("holders: Who held a post\n\nThe holders of a post, or, ")
    assert ("Parameters:\n"
            "  post  iri (post), required: the post, as post:ID, ID, a full IRI or a label "
            "(e.g. post=post:president-cnnum)\n"
            "  date  date, optional: YYYY, YYYY-MM or YYYY-MM-DD; binds ?date_earliest and "
            "?date_latest (e.g. date=2017)\n\n"
            "Columns:\n"
            "  person  the holder\n") in result.output
    assert "File: " in result.output and "queries/holders.rq\n\nPREFIX kg:" in result.output
    assert result.output.rstrip().endswith('COALESCE(STR(?person), "") MIN(STR(?mandate))')
    assert "#+" not in result.output


def test_the_help_lists_the_subcommands_and_the_saved_queries(run):
    result = run("--help")
    assert result.exit_code == 0
    assert "Usage: kgbuild query [OPTIONS] NAME|list|show [ARGS]..." in result.output
    commands = result.output.split("Saved queries:\n", 1)[1]
    assert [line.split()[0] for line in commands.splitlines() if line.strip()] == SAVED


def test_a_saved_query_has_help_built_from_its_header(run):
    result = run("timeline", "--help")
    assert result.exit_code == 0
    assert "Usage: kgbuild query timeline [OPTIONS]" in result.output
    assert "person  iri (person), required: the person, as person:ID, ID" in result.output
    assert "Columns: date, event, about, source, fact" in result.output


def test_a_query_prints_an_aligned_table_and_counts_rows_on_stderr(run, graph_args):
    result = run("successions", *graph_args)
    assert result.exit_code == 0
    assert result.stdout == (
        "post                                        predecessor      successor        "
        "handover  source\n"
        "------------------------------------------  ---------------  ---------------  "
        "--------  ----------------------------------------------------\n"
        "directeur de la Mission French Tech         David Monteau    Kat Borlongan    "
        "2018-05   mahjoubi-quitte-gouvernement\n"
        "président du Conseil national du numérique  Benoît Thieulin  Mounir Mahjoubi  "
        "2016-02   mahjoubi-quitte-cnnum | mahjoubi-quitte-gouvernement\n")
    assert result.stderr == "(2 rows)\n"


def test_csv_with_parameters(run, graph_args):
    result = run("holders", "--param", "post=president-cnnum", "-p", "date=2016-02",
                 "--format", "csv", *graph_args)
    assert result.exit_code == 0
    # click's Result.stdout turns CRLF into LF: read the bytes
    assert result.stdout_bytes.decode("utf-8") == (
        "person,start,end,state,match,source\r\n"
        "Benoît Thieulin,,,ended,possible,mahjoubi-quitte-cnnum\r\n"
        "Mounir Mahjoubi,2016-02,,ended,possible,"
        "mahjoubi-quitte-cnnum | mahjoubi-quitte-gouvernement\r\n")
    assert result.stderr == ""


def test_tsv_and_json(run, graph_args):
    tsv = run("lookup", "-p", "label=CNNum", "--format", "tsv", *graph_args)
    assert tsv.stdout == (
        "?id\t?kind\t?name\t?matched\n"
        "<https://w3id.org/kgbuild/id/organisation/cnnum>\t\"organisation\"\t"
        "\"Conseil national du numérique\"@fr\t\"altLabel\"\n")
    document = json.loads(run("lookup", "-p", "label=CNNum", "--format", "json",
                              *graph_args).stdout)
    assert document["head"]["vars"] == ["id", "kind", "name", "matched"]
    assert document["results"]["bindings"][0]["name"] == {
        "type": "literal", "value": "Conseil national du numérique", "xml:lang": "fr"}


def test_options_before_the_name_apply_too(run, graph_args):
    result = run("--format", "csv", "-p", "label=LREM", *graph_args, "lookup")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1] == (
        "https://w3id.org/kgbuild/id/organisation/lrem,organisation,La République en marche,"
        "altLabel")


def test_an_ad_hoc_query_file_with_its_own_parameters(run, graph_args, tmp_path):
    mine = tmp_path / "mine.rq"
    mine.write_text("#+ params:\n#+   - {name: who, type: iri, kind: person}\n"
                    "PREFIX kg: <https://w3id.org/kgbuild/ns#>\n"
                    "SELECT (COUNT(?m) AS ?mandates) WHERE { ?m kg:holder ?who }\n",
                    encoding="utf-8")
    result = run("--file", mine, "-p", "who=Mounir Mahjoubi", "--format", "csv", *graph_args)
    assert result.exit_code == 0
    assert result.stdout_bytes == b"mandates\r\n2\r\n"


def test_the_default_graph_is_the_build_folder(run, seed_build, tmp_path, monkeypatch):
    (tmp_path / "build").mkdir()
    for name in ("graph", "inferred"):
        shutil.copy(seed_build.outputs[name], tmp_path / "build")
    monkeypatch.chdir(tmp_path)
    result = run("persons", "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout_bytes.count(b"\r\n") == 9


def test_without_a_build_it_says_to_run_kgbuild_build(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("mandates")
    assert result.exit_code == 2
    assert result.output == ("Error: build/kg.ttl: file not found\n"
                             "  hint: run `kgbuild build` first, or give the graph with --graph\n")


def test_an_endpoint_runs_the_query_over_http(run, monkeypatch, seed_build):
    pyoxigraph = pytest.importorskip("pyoxigraph")
    store = pyoxigraph.Store()
    store.load(path=str(seed_build.outputs["graph"]), format=pyoxigraph.RdfFormat.TURTLE)
    seen = []

    def post(url, body, headers):
        import urllib.parse

        seen.append(url)
        text = urllib.parse.parse_qs(body.decode("utf-8"))["query"][0]
        return store.query(text).serialize(format=pyoxigraph.QueryResultsFormat.JSON)

    monkeypatch.setattr("kgbuild.query._http_post", post)
    result = run("lookup", "-p", "label=LREM", "--endpoint", "http://sparql.test/q",
                 "--format", "csv")
    assert result.exit_code == 0, result.output
    assert seen == ["http://sparql.test/q"]
    assert "La République en marche" in result.stdout


# -- errors: exit code 2 and a message naming what is wrong and what is available ---------------

@pytest.mark.parametrize("args, message", [
    (["holder"], "Error: unknown query 'holder'; did you mean 'holders'?\n"
                 f"  hint: saved queries: {', '.join(SAVED)}\n"),
    (["holders"], "Error: query 'holders' needs parameter 'post' "
                  "(e.g. --param post=post:president-cnnum)\n"
                  "  hint: its parameters: post=IRI, [date=DATE]\n"),
    (["holders", "-p", "post=president-cnnum", "-p", "dat=2018"],
     "Error: query 'holders' has no parameter 'dat'\n"
     "  hint: its parameters: post=IRI, [date=DATE]\n"),
    (["holders", "-p", "post=president-cnnum", "-p", "date=2018-13"],
     "Error: parameter 'date': '2018-13' has no month 13: months run from 01 to 12\n"
     "  hint: a date is YYYY, YYYY-MM or YYYY-MM-DD\n"),
    (["evidence", "-p", "fact=<http://e/x> } ; DROP ALL ; {"],
     "Error: parameter 'fact': '<http://e/x> } ; DROP ALL ; {' is not an IRI\n"),
    (["timeline", "-p", "person=Mounir Mahjoubbi"],
     "Error: parameter 'person': no person 'Mounir Mahjoubbi' in the graph\n"
     "  hint: did you mean person:mounir-mahjoubi?\n"),
    (["show", "nope"], "Error: unknown query 'nope'\n"
                       f"  hint: saved queries: {', '.join(SAVED)}\n"),
])
def test_errors_exit_2_with_a_message(run, graph_args, args, message):
    result = run(*args, *(graph_args if args[0] != "show" else []))
    assert result.exit_code == 2
    assert result.output.startswith(message)


@pytest.mark.parametrize("args, message", [
    ([], "Error: give a saved query NAME, `list`, `show NAME` or --file FILE "
         "(`kgbuild query list` shows the names)\n"),
    (["holders", "-p", "post"], "Error: Invalid value for '--param': 'post' is not NAME=VALUE\n"),
    (["holders", "-p", "post=a", "-p", "post=b"],
     "Error: Invalid value for '--param': 'post' is given twice\n"),
    (["--file", "x.rq", "mandates"], "Error: --file cannot be used with 'mandates'\n"),
    (["--format", "csv", "list"], "Error: --param, --graph, --store, --endpoint and --format run a "
                                  "query; they cannot be used with 'list'\n"),
    (["mandates", "--graph", "kg.ttl", "--endpoint", "http://e.test/sparql"],
     "Error: --endpoint cannot be used with --graph\n"),
    (["mandates", "--format", "xml"], "Error: Invalid value for '--format': 'xml' is not one of "
                                      "'table', 'csv', 'tsv', 'json'.\n"),
])
def test_usage_errors_exit_2(run, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert result.output.endswith(message)


def test_a_syntax_error_in_an_ad_hoc_query_names_the_file(run, graph_args, tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?s\nWHERE { ?s ?p }\n", encoding="utf-8")
    result = run("--file", bad, *graph_args)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {bad}: SPARQL syntax error at line 2, column ")
    assert result.output.endswith("  hint: check the query near that position\n")


def test_a_missing_ad_hoc_file(run, tmp_path):
    result = run("--file", tmp_path / "none.rq")
    assert result.exit_code == 2
    assert result.output == f"Error: {tmp_path / 'none.rq'}: file not found\n"


def test_a_query_folder_with_a_reserved_name_is_refused(run, tmp_path):
    (tmp_path / "list.rq").write_text("SELECT ?s WHERE { ?s ?p ?o }", encoding="utf-8")
    result = run("--queries", tmp_path, "list")
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {tmp_path / 'list.rq'}: a saved query cannot be named 'list'\n"
        "  hint: list and show are subcommands of `kgbuild query`; rename the file\n")


def test_a_long_load_is_said_before_it_starts(run, graph_args, monkeypatch):
    monkeypatch.setattr("kgbuild.commands.query.LOAD_NOTICE_BYTES", 1000)
    result = run("lookup", "-p", "label=CNNum", "--format", "csv", *graph_args)
    assert result.exit_code == 0
    assert result.stderr.startswith("… Loading 0 MB of Turtle into Oxigraph first "
                                    "(`kgbuild build --store DIR`, then `--store DIR`, skips "
                                    "this)\n")
    monkeypatch.undo()  # the seed graph is small: nothing to say
    assert "… Loading" not in run("lookup", "-p", "label=CNNum", *graph_args).stderr
