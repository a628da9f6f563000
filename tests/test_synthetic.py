"""The synthetic data generator: deterministic, realistic, and read by the real loader."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest
import yaml
from rdflib.namespace import RDF

from kgbuild import load_corpus, map_corpus
from kgbuild import yamlio
from kgbuild.errors import InputError
from kgbuild.synthetic import generate
from kgbuild.vocab import KG, SCHEMA


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic") / "data"
    generate(folder, 120, seed=3, claims_per_source=12, faults=6)
    return folder


@pytest.fixture(scope="module")
def corpus(synthetic):
    return load_corpus(synthetic)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_same_seed_same_bytes_other_seed_other_data(tmp_path, synthetic):
    generate(tmp_path / "again", 120, seed=3, claims_per_source=12, faults=6)
    generate(tmp_path / "other", 120, seed=4, claims_per_source=12, faults=6)
    assert _files(tmp_path / "again") == _files(synthetic)
    assert _files(tmp_path / "other") != _files(synthetic)


def test_it_refuses_a_folder_that_holds_data(synthetic):
    with pytest.raises(InputError, match="already holds a data folder"):
        generate(synthetic, 10)


def test_the_real_loader_reads_it_with_many_claims_per_source(corpus):
    assert len(corpus.sources) >= 5
    per_file = [len(f.claims) for f in corpus.claim_files]
    assert max(per_file) > 5
    assert {c.type for c in corpus.claims} == {"mandate", "membership", "candidacy",
                                               "campaign_role", "person", "programme"}


def test_the_mandates_are_the_number_asked_plus_the_overlapping_faults(corpus):
    graph = map_corpus(corpus, track_origins=False).graph
    mandates = set(graph.subjects(RDF.type, KG.Mandate))
    assert len(mandates) == 120 + 2  # faults 2 and 5 of 6 are a second, overlapping term


def test_it_has_homonyms_successions_open_terms_and_every_date_precision(corpus):
    labels = collections.Counter(e.label for e in corpus.registry.of_kind("person"))
    assert max(labels.values()) >= 2  # two persons, one name
    mandates = [c for c in corpus.claims if c.type == "mandate"]
    assert any(c.get("predecessor") for c in mandates)
    assert any(c.get("successor") for c in mandates)
    assert any(c.get("state") == "ongoing" and not c.get("end") for c in mandates)
    assert any(not c.get("start") for c in mandates)  # unknown starts: warnings by design
    precisions = {c.get("start").precision for c in mandates if c.get("start")}
    assert precisions == {"year", "month", "day"}
    keys = collections.Counter(c.get("key") for c in mandates)
    assert max(keys.values()) >= 2  # a mandate told by two claims, merged on its key


def test_programmes_have_budgets_launchers_and_partners(corpus):
    programmes = [c for c in corpus.claims if c.type == "programme"]
    assert programmes
    assert all(c.get("budget") and c.get("launched_by") and c.get("partners")
               for c in programmes)
    graph = map_corpus(corpus, track_origins=False).graph
    assert set(graph.subjects(RDF.type, SCHEMA.MonetaryAmount))


def test_every_quote_is_in_its_source_at_its_offsets(corpus):
    for claim in corpus.claims:
        text = corpus.sources[claim.source].text
        for quote in claim.quotes:
            assert text[quote.start:quote.end] == quote.text


def _tree(node):
    if isinstance(node, yamlio.Mapping):
        return ("map", node.line, tuple((k, node.key_lines[k], _tree(v)) for k, v in node.items()))
    if isinstance(node, yamlio.Sequence):
        return ("seq", node.line, tuple(_tree(v) for v in node))
    if node is None:
        return None
    return ("scalar", str(node), node.line, node.plain, node.resolved)


def _composed(text: str, display: str = "<string>"):
    """The reader as it was: PyYAML's composer, then the node tree converted (the reference)."""
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise yamlio.YamlError("anchors and aliases (&name, *name) are not allowed",
                                       path=display, line=event.start_mark.line + 1)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise yamlio.YamlError(f"malformed YAML: {exc.problem or exc.context}", path=display,
                               line=mark.line + 1 if mark else None) from None

    def convert(node):
        line = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            plain = node.style is None
            resolved = yaml.SafeLoader.resolve(yaml.SafeLoader, yaml.ScalarNode, node.value,
                                               (True, False)) if plain else yamlio._TAG_STR
            return yamlio.Scalar(node.value, line, plain, resolved)
        if isinstance(node, yaml.SequenceNode):
            seq = yamlio.Sequence(convert(item) for item in node.value)
            seq.line = line
            return seq
        mapping = yamlio.Mapping()
        mapping.line, mapping.key_lines = line, {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yamlio.YamlError("a mapping key must be plain text", path=display,
                                       line=key_node.start_mark.line + 1)
            if key_node.value in mapping:
                raise yamlio.YamlError(f"duplicate key '{key_node.value}'", path=display,
                                       line=key_node.start_mark.line + 1)
            mapping.key_lines[key_node.value] = key_node.start_mark.line + 1
            mapping[key_node.value] = convert(value_node)
        return mapping

    return None if node is None else convert(node)


def _outcome(parse, text):
    try:
        return _tree(parse(text))
    except yamlio.YamlError as exc:
        return ("error", exc.message.split(" (")[0].split(":")[0], exc.line)


def test_the_event_reader_reads_synthetic_data_as_the_composer_did(synthetic):
    paths = [synthetic / "registry.yaml", *sorted((synthetic / "claims").glob("*.yaml"))[:3]]
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert _tree(yamlio.parse_yaml(text)) == _tree(_composed(text))


@pytest.mark.parametrize("text", [
    "", "# nothing\n", "---\n", "a: 1\nb: [x, 'y', \"z\"]\nc: {d: NO, e: ~}\n",
    "- 2019-03-29\n- 012\n- 1:20\n- |\n  block\n  text\n- >\n  folded\n",
    "a: 1\na: 2\n", "a:\n  b: 1\n  b: 2\nc: [\n", "a: &x 1\nb: *x\n", "a: [1, &y 2]\n",
    "? [a, b]\n: c\n", "? {a: 1}\n: c\nd: 1\nd: 2\n", "a: 1\n---\nb: 2\n",
    "a: 1\n\tb: 2\n", "a: 'unclosed\n", "a: b: c\n", "- a\nb: 1\n", "a: !!str 012\n",
])
def test_the_event_reader_gives_the_composer_s_values_and_errors(text):
    assert _outcome(yamlio.parse_yaml, text) == _outcome(_composed, text)


# -- the command and the benchmark ---------------------------------------------------------------

def test_generate_command_writes_a_folder_and_refuses_a_used_one(tmp_path):
    from click.testing import CliRunner

    from kgbuild.commands.scale import generate as command

    result = CliRunner().invoke(command, [str(tmp_path / "d"), "--mandates", "25", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Wrote {tmp_path / 'd'}: 25 mandates in ")
    again = CliRunner().invoke(command, [str(tmp_path / "d"), "--mandates", "25"])
    assert again.exit_code == 2
    assert again.output == (f"Error: {tmp_path / 'd'}: already holds a data folder\n"
                            "  hint: give a new or empty folder: generated files would mix\n")


def test_a_benchmark_run_times_every_stage_and_query(tmp_path):
    from kgbuild import benchmark

    generate(tmp_path / "data", 40, seed=5, faults=3)
    run = benchmark.run_worker(tmp_path / "data", tmp_path / "out", "oxigraph",
                               query_timeout=None)
    assert set(run.timings) == {"load", "map", "reason", "validate", "write"}
    assert run.summary["mandates"] == 41 and run.summary["violations"] >= 2
    assert run.build_peak_mib > 0 and run.queries
    assert all(isinstance(t, float) or t.startswith("skipped") for t in run.queries.values())
    report = {"machine": benchmark.machine(), "runs": [run], "scales": [40]}
    text = benchmark.to_markdown(report)
    assert "| 41 | oxigraph |" in text and "Machine: " in text


def test_a_benchmark_rebuild_validates_again_only_near_the_claim_dropped(tmp_path):
    from kgbuild import benchmark

    generate(tmp_path / "data", 400, seed=5, claims_per_source=20, faults=3)
    before = sorted(p.read_bytes() for p in (tmp_path / "data" / "claims").glob("*.yaml"))
    run = benchmark.run_worker(tmp_path / "data", tmp_path / "out", "oxigraph", queries=False,
                               rebuild=True)
    assert 0 < run.rebuild["checked"] < 100 and run.rebuild["kept"] > 0
    assert set(run.rebuild["timings"]) == {"load", "map", "reason", "validate", "write"}
    assert sorted(p.read_bytes() for p in (tmp_path / "data" / "claims").glob("*.yaml")) == before
    text = benchmark.to_markdown({"machine": benchmark.machine(), "runs": [run], "scales": [400]})
    assert f"| {run.mandates:,} | oxigraph | {benchmark._seconds(run.rebuild['seconds'])} s |" in text


@pytest.mark.skipif(not Path("/proc/self/oom_score_adj").exists(),
                    reason="Linux only: /proc/self/oom_score_adj")
def test_a_query_process_is_the_first_the_system_kills_out_of_memory():
    from kgbuild import benchmark

    def score() -> str:
        return Path("/proc/self/oom_score_adj").read_text().strip()

    assert benchmark._with_timeout(score, 30) == "1000"
    assert score() != "1000"  # this process is left as it was


def test_the_cost_exponent_is_the_log_log_slope():
    from kgbuild.benchmark import slope

    assert slope([(10, 1.0), (100, 10.0), (1000, 100.0)]) == pytest.approx(1.0)
    assert slope([(10, 1.0), (100, 100.0)]) == pytest.approx(2.0)
    assert slope([(10, 1.0)]) is None


@pytest.mark.parametrize("mandates, memory_gib, on_disk", [
    (1_000_000, 24, False),   # 16.4 GiB: fits in 80 % of 24 GiB
    (1_000_000, 16, True),
    (100_000, 4, False),
    (100_000, 2, True),
    (10**9, None, False),     # memory unknown: in memory, as before
])
def test_the_benchmark_keeps_a_store_on_disk_when_it_would_not_fit_in_memory(
        monkeypatch, mandates, memory_gib, on_disk):
    from kgbuild import benchmark

    monkeypatch.setattr(benchmark, "machine", lambda: {"memory_gib": memory_gib})
    assert benchmark.store_on_disk(mandates) is on_disk


def test_a_run_on_disk_says_so_in_the_report():
    from kgbuild import benchmark

    runs = [benchmark.Run(1000, "oxigraph", timings={"load": 1.0}, store=store)
            for store in ("memory", "disk")]
    text = benchmark.to_markdown({"machine": benchmark.machine(), "runs": runs, "scales": [1000]})
    assert "| 1,000 | oxigraph | " in text and "| 1,000 | oxigraph, store on disk | " in text


def test_without_faults_the_generated_data_conforms(tmp_path):
    """No violation but the planted ones: a person drawn twice for one party made a membership
    with two start dates (2 violations in 2,000 mandates, seed 0)."""
    from kgbuild import build

    generate(tmp_path / "data", 2000, seed=0)
    result = build(tmp_path / "data", None, backend="oxigraph", cache_dir=False)
    assert result.summary["mandates"] == 2000
    assert result.summary["violations"] == 0 and result.conforms


def test_benchmark_data_is_generated_again_when_the_generator_changed(tmp_path, monkeypatch):
    from kgbuild import benchmark

    folder = benchmark.data_for(30, tmp_path)
    first = (folder / ".complete").read_text()
    assert benchmark.data_for(30, tmp_path) == folder
    assert (folder / ".complete").read_text() == first  # reused: same generator
    monkeypatch.setattr(benchmark, "_generator_version", lambda: "another")
    (folder / "claims" / "stale.yaml").write_text("left by an older generator\n")
    benchmark.data_for(30, tmp_path)
    assert '"generator": "another"' in (folder / ".complete").read_text()
    assert not (folder / "claims" / "stale.yaml").exists()
