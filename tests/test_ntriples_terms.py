"""The mapper's two ways of making terms give the same N-Triples text: rdflib terms rendered by
``nt_term`` (any graph) and ``NTriplesTerms`` (the N-Triples sink of the Oxigraph build)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kgbuild.dates import PartialDate
from kgbuild.mapping import RdflibTerms
from kgbuild.store import NTriples, NTriplesTerms, nt_term
from kgbuild.vocab import KG, TermCache

TEXTS = ["Jean Thomas", "", 'il a dit "non"', "a\\b", "deux\nlignes\r", "tab\tici",
         "l’État", "émoji 🙂", "Q42"]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("lang", [None, "fr", "en", "fr-BE"])
def test_text(text, lang):
    assert NTriplesTerms.text(text, lang) == nt_term(RdflibTerms.text(text, lang))


@pytest.mark.parametrize("value", [0, 7, 12345678901234567890])
def test_integer(value):
    assert NTriplesTerms.integer(value) == nt_term(RdflibTerms.integer(value))


@pytest.mark.parametrize("value", ["0", "0.90", "3.5", "400000000", "1E+3", "0.000001"])
def test_decimal(value):
    assert NTriplesTerms.decimal(Decimal(value)) == nt_term(RdflibTerms.decimal(Decimal(value)))


@pytest.mark.parametrize("iso", ["2024", "0999", "2024-02", "0050-07", "2024-02-29",
                                 "0001-01-01"])
def test_date(iso):
    date = PartialDate.parse(iso)
    assert NTriplesTerms.date(date) == nt_term(RdflibTerms.date(date))


def test_iris():
    assert NTriplesTerms.entity("person", "jean-thomas") == \
        nt_term(RdflibTerms.entity("person", "jean-thomas"))
    url = "https://example.org/a?b=c&d=%20#e"
    assert NTriplesTerms.iri(url) == nt_term(RdflibTerms.iri(url))


def test_the_sink_takes_terms_and_their_text_alike():
    text, terms = NTriples(), NTriples()
    for sink, made in ((text, NTriplesTerms), (terms, RdflibTerms)):
        sink.add((made.entity("person", "x"), KG.quote, made.text('dit "oui"', "fr")))
        sink.add((made.entity("person", "x"), KG.holder, made.entity("person", "y")))
    assert text.getvalue() == terms.getvalue()


def test_term_cache():
    cache = TermCache(KG)
    assert cache.holder == KG.holder
    assert cache.holder is cache.holder  # made once
    with pytest.raises(AttributeError):
        cache._private  # noqa: B018
