"""`kgbuild push` against a real Oxigraph server (the `oxigraph` package's `oxigraph serve`)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgbuild.commands.scale import push as push_command
from kgbuild.push import PushError, graph_url, push, sparql_select

GRAPH = "https://w3id.org/kgbuild/graph/test"


def _oxigraph() -> str | None:
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(request, tmp_path_factory) -> str:
    """An in-memory Oxigraph server on a free loopback port, stopped when the module ends."""
    binary = _oxigraph()
    if binary is None:
        pytest.fail("the oxigraph server is not installed: pip install -e '.[test]' brings it")
    port = _free_port()
    log = open(tmp_path_factory.mktemp("oxigraph") / "server.log", "wb")
    process = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}"],
                               stdout=log, stderr=subprocess.STDOUT)

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()

    request.addfinalizer(stop)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"oxigraph serve exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    pytest.fail("oxigraph serve did not start in 20 s")


def _count(server: str, graph: str | None = None) -> int:
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    rows = sparql_select(f"{server}/query", f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
    return int(rows[0]["n"])


def test_push_loads_both_files_into_the_default_graph(server, seed_build):
    files = [seed_build.outputs["graph"], seed_build.outputs["inferred"]]
    result = push(f"{server}/store", files)
    assert [s.method for s in result.sent] == ["PUT", "POST"]
    summary = seed_build.summary
    assert _count(server) == summary["triples"] + summary["inferred_triples"]


def test_put_replaces_and_append_adds_in_a_named_graph(server, seed_build, tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text("<https://w3id.org/kgbuild/id/person/x> a <https://schema.org/Person> .\n")
    push(f"{server}/store", [extra], graph=GRAPH)
    assert _count(server, GRAPH) == 1
    push(f"{server}/store", [seed_build.outputs["graph"]], graph=GRAPH)
    assert _count(server, GRAPH) == seed_build.summary["triples"]
    push(f"{server}/store", [extra], graph=GRAPH, append=True)
    assert _count(server, GRAPH) == seed_build.summary["triples"] + 1


def test_saved_queries_run_on_the_server(server, seed_build):
    from kgbuild.query import run_query

    push(f"{server}/store", [seed_build.outputs["graph"], seed_build.outputs["inferred"]])
    remote = run_query("mandates", endpoint=f"{server}/query")
    local = run_query("mandates", seed_build.asserted + seed_build.inferred)
    assert remote.text_rows() == local.text_rows()


def test_the_cli_prints_what_it_sent(server, seed_build):
    out = seed_build.outputs["graph"].parent
    result = CliRunner().invoke(push_command, ["--endpoint", f"{server}/store", "--out",
                                               str(out), "--graph", GRAPH])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith(f"PUT {out / 'kg.ttl'} (")
    assert result.output.splitlines()[-1].startswith("Pushed ")


def test_the_server_s_refusal_is_shown_with_its_status(server, tmp_path):
    bad = tmp_path / "kg.ttl"
    bad.write_text("this is not turtle .\n")
    (tmp_path / "kg-inferred.ttl").write_text("")
    result = CliRunner().invoke(push_command, ["--endpoint", f"{server}/store", "--out",
                                               str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: PUT {server}/store?default answered HTTP 400: ")


def test_connection_refused_is_exit_2_with_a_hint(seed_build):
    port = _free_port()  # nothing listens there
    out = seed_build.outputs["graph"].parent
    result = CliRunner().invoke(push_command, ["--endpoint", f"http://127.0.0.1:{port}/store",
                                               "--out", str(out)])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: cannot reach http://127.0.0.1:{port}/store?default: connection refused\n"
        "  hint: is the server running, and is this its address and port?\n")


def test_a_missing_build_is_refused_before_sending(tmp_path):
    with pytest.raises(PushError, match="kg.ttl: file not found"):
        push("http://127.0.0.1:9/store", [tmp_path / "kg.ttl"])


@pytest.mark.parametrize("endpoint, graph, url", [
    ("http://h/store", None, "http://h/store?default"),
    ("http://h/store", "https://e.org/g#1", "http://h/store?graph=https%3A%2F%2Fe.org%2Fg%231"),
    ("http://h/repositories/kg/rdf-graphs/service?x=1", "urn:g",
     "http://h/repositories/kg/rdf-graphs/service?x=1&graph=urn%3Ag"),
])
def test_graph_urls(endpoint, graph, url):
    assert graph_url(endpoint, graph) == url


@pytest.mark.parametrize("endpoint, graph", [("localhost:7878", None),
                                             ("http://h/store", "not an iri")])
def test_bad_urls_are_refused(endpoint, graph):
    with pytest.raises(PushError):
        graph_url(endpoint, graph)
