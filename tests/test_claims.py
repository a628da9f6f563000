"""The claim loader refuses bad input with the file, the line, what is wrong and how to fix it."""

from __future__ import annotations

import pytest

from kgbuild.claims import load_corpus
from kgbuild.errors import ClaimError, QuoteNotFoundError, SourceError, YamlError

from .conftest import MINI_CLAIMS, MINI_REGISTRY, MINI_TEXT, source_metadata, write_mini_data


def load_with_claims(tmp_path, claims: str, registry: str = MINI_REGISTRY):
    return load_corpus(write_mini_data(tmp_path, claims=claims, registry=registry))


def test_the_mini_corpus_loads_with_offsets_computed(mini_data):
    corpus = load_corpus(mini_data)
    claim = corpus.claims[0]
    quote = claim.quotes[0]
    assert MINI_TEXT[quote.start:quote.end] == quote.text
    assert claim.location == "data/claims/mini.yaml:4"


def test_malformed_yaml_names_the_line(tmp_path):
    claims = MINI_CLAIMS.replace("    start: 2020-05\n", "    start: [2020-05\n")
    with pytest.raises(YamlError) as caught:
        load_with_claims(tmp_path, claims)
    assert str(caught.value).startswith("data/claims/mini.yaml:9: malformed YAML")


def test_duplicate_keys_are_refused(tmp_path):
    claims = MINI_CLAIMS.replace("    start: 2020-05\n", "    start: 2020-05\n    start: 2021-01\n")
    with pytest.raises(YamlError) as caught:
        load_with_claims(tmp_path, claims)
    assert "data/claims/mini.yaml:9: duplicate key 'start' (first on line 8)" in str(caught.value)


@pytest.mark.parametrize("value, becomes", [("NO", "a boolean"), ("yes", "a boolean"),
                                            ("012", "an integer"), ("1:20", "an integer"),
                                            ("~", None)])
def test_ambiguous_unquoted_scalars_are_refused_where_text_is_wanted(tmp_path, value, becomes):
    registry = MINI_REGISTRY.replace("label: Paul Marin", f"label: {value}")
    if becomes is None:  # an empty (null) label is a missing label
        with pytest.raises(ClaimError, match="has no 'label'"):
            load_with_claims(tmp_path, MINI_CLAIMS, registry)
        return
    with pytest.raises(ClaimError) as caught:
        load_with_claims(tmp_path, MINI_CLAIMS, registry)
    assert str(caught.value).startswith(
        f"data/registry.yaml:6: unquoted '{value}' in 'label' would be read by YAML as {becomes}")
    assert f'quote it: label: "{value}"' in str(caught.value)


def test_quoted_ambiguous_scalars_are_fine(tmp_path):
    registry = MINI_REGISTRY.replace("label: Paul Marin", 'label: "NO"')
    corpus = load_with_claims(tmp_path, MINI_CLAIMS, registry)
    assert corpus.registry.get("paul-marin").label == "NO"


def test_a_quote_not_in_the_source_shows_the_closest_passage(tmp_path):
    claims = MINI_CLAIMS.replace("a été lancé le 3 juin 2021.", "a été lancé le 4 juin 2021.")
    with pytest.raises(QuoteNotFoundError) as caught:
        load_with_claims(tmp_path, claims)
    message = str(caught.value)
    assert message.startswith("data/claims/mini.yaml:18: quote not found verbatim in "
                              "data/sources/mini.txt")
    assert "closest passage: \"Le fonds Océan Avenir, doté de 250 millions d'euros, a été lancé " \
           "le 3 juin 2021.\"" in message


def test_typographic_apostrophes_matter(tmp_path):
    claims = MINI_CLAIMS.replace("secrétaire d’État", "secrétaire d'État")
    with pytest.raises(QuoteNotFoundError, match="apostrophes"):
        load_with_claims(tmp_path, claims)


def test_an_unknown_entity_is_named_with_suggestions(tmp_path):
    claims = MINI_CLAIMS.replace("holder: claire-vasseur", "holder: claire-vaseur")
    with pytest.raises(ClaimError) as caught:
        load_with_claims(tmp_path, claims)
    assert str(caught.value) == (
        "data/claims/mini.yaml:6: unknown person 'claire-vaseur' in 'holder'\n"
        "  hint: did you mean: claire-vasseur? add it to data/registry.yaml or fix the id")


def test_a_reference_of_the_wrong_kind_is_refused(tmp_path):
    claims = MINI_CLAIMS.replace("post: secretaire-etat-mer", "post: gouvernement")
    with pytest.raises(ClaimError, match="'gouvernement' in 'post' is a organisation, not a post"):
        load_with_claims(tmp_path, claims)


def test_an_impossible_date_is_refused(tmp_path):
    claims = MINI_CLAIMS.replace("launched: 2021-06-03", "launched: 2019-02-30")
    with pytest.raises(ClaimError) as caught:
        load_with_claims(tmp_path, claims)
    assert str(caught.value).startswith(
        "data/claims/mini.yaml:15: impossible date in 'launched': '2019-02-30' does not exist: "
        "2019-02 has 28 days")


@pytest.mark.parametrize("bad", ["2019-13", "March 2019", "19-03-2019", "2019-3"])
def test_dates_must_be_iso_at_day_month_or_year_precision(tmp_path, bad):
    claims = MINI_CLAIMS.replace("start: 2020-05", f'start: "{bad}"')
    with pytest.raises(ClaimError, match="impossible date in 'start'"):
        load_with_claims(tmp_path, claims)


def test_an_end_before_the_start_is_refused_across_precisions(tmp_path):
    claims = MINI_CLAIMS.replace("start: 2020-05", "start: 2020-05\n    end: 2020-04-30")
    with pytest.raises(ClaimError) as caught:
        load_with_claims(tmp_path, claims)
    assert str(caught.value).startswith("data/claims/mini.yaml:9: end 2020-04-30 is before "
                                        "start 2020-05")


def test_an_end_in_the_start_month_is_fine(tmp_path):
    claims = MINI_CLAIMS.replace("start: 2020-05", "start: 2020-05\n    end: 2020-05-01")
    assert load_with_claims(tmp_path, claims).claims[0].get("end").iso == "2020-05-01"


def test_duplicate_claim_ids_are_refused(tmp_path):
    claims = MINI_CLAIMS.replace("id: ocean-avenir", "id: vasseur-mer")
    with pytest.raises(ClaimError) as caught:
        load_with_claims(tmp_path, claims)
    assert str(caught.value).startswith("data/claims/mini.yaml:12: duplicate claim id "
                                        "'vasseur-mer' (first on line 4)")


def test_duplicate_claim_ids_across_files_are_refused(tmp_path):
    data = write_mini_data(tmp_path)
    other = "Une autre source.\n"
    (data / "sources" / "other.txt").write_text(other, encoding="utf-8")
    (data / "sources" / "other.yaml").write_text(source_metadata("other", other))
    (data / "claims" / "other.yaml").write_text(
        "source: other\nstatus: reviewed\nclaims:\n  - id: vasseur-mer\n    type: person\n"
        "    person: paul-marin\n    quotes: [\"Une autre source.\"]\n")
    with pytest.raises(ClaimError, match=r"data/claims/other.yaml:4: duplicate claim id "
                                         r"'vasseur-mer' \(first at data/claims/mini.yaml:4\)"):
        load_corpus(data)


def test_duplicate_registry_ids_are_refused(tmp_path):
    registry = MINI_REGISTRY.replace("  - id: paul-marin", "  - id: claire-vasseur")
    with pytest.raises(ClaimError, match=r"data/registry.yaml:5: duplicate id 'claire-vasseur' "
                                         r"\(first defined on line 2\)"):
        load_with_claims(tmp_path, MINI_CLAIMS, registry)


def test_a_source_that_is_not_utf8_is_refused(tmp_path):
    data = write_mini_data(tmp_path)
    latin1 = MINI_TEXT.encode("latin-1", errors="replace")
    (data / "sources" / "mini.txt").write_bytes(latin1)
    (data / "sources" / "mini.yaml").write_text(source_metadata("mini", latin1))
    with pytest.raises(SourceError) as caught:
        load_corpus(data)
    assert str(caught.value).startswith("data/sources/mini.txt:1: not UTF-8: byte 0x")
    assert "iconv" in str(caught.value)


def test_a_changed_source_text_is_detected_by_its_sha256(tmp_path):
    data = write_mini_data(tmp_path)
    (data / "sources" / "mini.txt").write_text(MINI_TEXT + "Ajout.\n", encoding="utf-8")
    with pytest.raises(ClaimError, match="data/sources/mini.yaml:7: sha256 .* does not match"):
        load_corpus(data)


def test_a_missing_source_text_is_named(tmp_path):
    data = write_mini_data(tmp_path)
    (data / "sources" / "mini.txt").unlink()
    with pytest.raises(SourceError, match="data/sources/mini.txt: source text not found"):
        load_corpus(data)


def test_a_missing_registry_is_named(tmp_path):
    data = write_mini_data(tmp_path)
    (data / "registry.yaml").unlink()
    with pytest.raises(YamlError, match="data/registry.yaml: file not found"):
        load_corpus(data)


def test_a_missing_data_folder_is_named(tmp_path):
    with pytest.raises(ClaimError, match="data folder not found"):
        load_corpus(tmp_path / "nowhere")


def test_unknown_fields_list_the_allowed_ones(tmp_path):
    claims = MINI_CLAIMS.replace("start: 2020-05", "begin: 2020-05")
    with pytest.raises(ClaimError) as caught:
        load_with_claims(tmp_path, claims)
    assert "data/claims/mini.yaml:8: unknown field 'begin' in a claim" in str(caught.value)
    assert "allowed fields: appointed_by, confidence, end," in str(caught.value)


def test_offsets_when_given_must_hold_the_quote(tmp_path):
    claims = MINI_CLAIMS.replace(
        "      - \"Le fonds Océan Avenir, doté de 250 millions d'euros, a été lancé le 3 juin 2021.\"",
        "      - text: \"Le fonds Océan Avenir\"\n        start: 3\n        end: 24")
    with pytest.raises(ClaimError, match="offsets 3..24 do not hold the quote") as caught:
        load_with_claims(tmp_path, claims)
    start = MINI_TEXT.index("Le fonds")
    assert f"the quote is at start: {start}, end: {start + 21}" in str(caught.value)


def test_proposed_fields_are_refused_in_reviewed_files(tmp_path):
    claims = MINI_CLAIMS.replace("    start: 2020-05\n", "    start: 2020-05\n    confidence: 0.5\n")
    with pytest.raises(ClaimError, match="'confidence' is for proposed claims only"):
        load_with_claims(tmp_path, claims)


def test_anchors_and_aliases_are_refused(tmp_path):
    claims = MINI_CLAIMS.replace("holder: claire-vasseur", "holder: &h claire-vasseur")
    with pytest.raises(YamlError, match="anchors and aliases"):
        load_with_claims(tmp_path, claims)


def test_budget_amounts_must_be_positive_with_a_currency(tmp_path):
    claims = MINI_CLAIMS.replace("{amount: 250000000, currency: EUR}", "{amount: 0, currency: EUR}")
    with pytest.raises(ClaimError, match="a budget amount must be positive"):
        load_with_claims(tmp_path, claims)
    claims = MINI_CLAIMS.replace("currency: EUR", "currency: euros")
    with pytest.raises(ClaimError, match="'euros' is not an ISO 4217 currency code"):
        load_with_claims(tmp_path, claims)


def test_a_claim_file_that_is_not_utf8_is_refused_with_its_line(tmp_path):
    data = write_mini_data(tmp_path)
    path = data / "claims" / "mini.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    with pytest.raises(YamlError, match=r"data/claims/mini.yaml:11: not UTF-8: byte 0xe9"):
        load_corpus(data)


def test_a_large_registry_read_in_another_process_is_the_same_registry():
    from kgbuild.registry import load_registry, load_registry_compact

    from .conftest import SEED_DATA

    path = SEED_DATA / "registry.yaml"
    assert load_registry_compact(path, threshold=0) == load_registry(path)


def test_a_large_registry_s_error_comes_back_with_its_line(tmp_path):
    from kgbuild.registry import load_registry_compact

    path = tmp_path / "registry.yaml"
    path.write_text(MINI_REGISTRY + "  - id: paul-marin\n    label: Paul Marin\n")
    with pytest.raises(ClaimError, match="programme entry has no 'kind'") as raised:
        load_registry_compact(path, threshold=0)
    assert raised.value.line and raised.value.path == str(path)


@pytest.fixture(scope="module")
def large_registry(tmp_path_factory):
    """A synthetic registry in kgbuild's layout, read whole as the reference."""
    from kgbuild.registry import load_registry
    from kgbuild.synthetic import generate

    data = tmp_path_factory.mktemp("large") / "data"
    generate(data, 600, seed=3)
    path = data / "registry.yaml"
    return path, path.read_text(encoding="utf-8"), load_registry(path)


def _never_read_whole(monkeypatch) -> None:
    """The pieces must be enough: reading the file whole (the fallback) fails the test."""
    import kgbuild.registry as registry

    monkeypatch.setattr(registry, "load_registry",
                        lambda *args, **kwargs: pytest.fail("the registry was read whole"))


def _same_registry(found, expected) -> None:
    assert list(found.entities.items()) == list(expected.entities.items())  # same order too
    assert [e.line for e in found.entities.values()] == [e.line for e in expected.entities.values()]


@pytest.mark.parametrize("parts", [2, 3, 4])
def test_a_large_registry_read_in_pieces_side_by_side_is_the_same_registry(large_registry,
                                                                           parts, monkeypatch):
    from kgbuild.registry import _pieces, load_registry_compact

    path, text, expected = large_registry
    assert len(_pieces(text, parts)) == parts  # it was cut
    _never_read_whole(monkeypatch)
    _same_registry(load_registry_compact(path, threshold=0, parts=parts), expected)


def test_sections_in_another_order_keep_the_whole_file_s_order(large_registry, tmp_path,
                                                               monkeypatch):
    from kgbuild.registry import _pieces, load_registry, load_registry_compact

    _, text, _ = large_registry
    head, persons = text.split("persons:\n", 1)
    persons, rest = persons.split("\norganisations:\n", 1)
    reordered = head + "organisations:\n" + rest + "persons:\n" + persons + "\n"
    path = tmp_path / "registry.yaml"
    path.write_text(reordered, encoding="utf-8")
    assert len(_pieces(reordered, 3)) == 3
    expected = load_registry(path)
    _never_read_whole(monkeypatch)
    _same_registry(load_registry_compact(path, threshold=0, parts=3), expected)


def _broken_near_the_end(text: str) -> list[tuple[str, str]]:
    """Registries broken in their last piece, or across pieces, with the error to expect."""
    lines = text.splitlines(keepends=True)
    last = max(i for i, line in enumerate(lines) if line.startswith("  - id:"))
    first_id = next(line for line in lines if line.startswith("  - id:"))
    return [
        ("".join(lines[:last + 1] + ["    labell: x\n"] + lines[last + 1:]), "labell"),
        ("".join(lines[:last] + [first_id] + lines[last + 1:]), "duplicate id"),
        ("".join(lines[:last + 1] + ["    label: [unclosed\n"] + lines[last + 1:]),
         "malformed YAML"),
        ("".join(lines[:last + 1] + ["    aliases: &a [x]\n"] + lines[last + 1:]), "anchors"),
    ]


@pytest.mark.parametrize("case", range(4))
def test_an_error_in_any_piece_is_the_whole_file_s_error(large_registry, tmp_path, case):
    from kgbuild.errors import KgbuildError
    from kgbuild.registry import load_registry, load_registry_compact

    _, text, _ = large_registry
    broken, expected = _broken_near_the_end(text)[case]
    path = tmp_path / "registry.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(KgbuildError, match=expected) as whole:
        load_registry(path)
    with pytest.raises(KgbuildError, match=expected) as pieces:
        load_registry_compact(path, threshold=0, parts=3)
    assert (str(pieces.value), pieces.value.line) == (str(whole.value), whole.value.line)


@pytest.mark.parametrize("layout", ["indented by four", "windows line ends", "sections twice",
                                    "an empty section", "an entry without id first"])
def test_another_layout_is_read_whole_with_the_same_result(large_registry, tmp_path, layout):
    from kgbuild.errors import KgbuildError
    from kgbuild.registry import _pieces, load_registry, load_registry_compact

    _, text, _ = large_registry
    changed = {
        "indented by four": text.replace("\n  ", "\n    "),
        "windows line ends": text.replace("\n", "\r\n"),
        "sections twice": text + "persons:\n  - id: encore-une\n    label: Encore Une\n",
        "an empty section": text.replace("\nposts:\n", "\nelections:\nposts:\n", 1),
        "an entry without id first": text.replace("persons:\n  - id: ", "persons:\n  - id2: ", 1),
    }[layout]
    assert _pieces(changed, 3) is None or layout == "an entry without id first"
    path = tmp_path / "registry.yaml"
    path.write_text(changed, encoding="utf-8", newline="")
    try:
        expected = load_registry(path)
    except KgbuildError as error:
        with pytest.raises(type(error)) as raised:
            load_registry_compact(path, threshold=0, parts=3)
        assert (str(raised.value), raised.value.line) == (str(error), error.line)
    else:
        _same_registry(load_registry_compact(path, threshold=0, parts=3), expected)
