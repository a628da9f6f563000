"""The French date normaliser (kgbuild.extract.frdates): precision, relative dates, roles."""

from __future__ import annotations

import pytest

from kgbuild.extract.frdates import find_dates, parse_date


@pytest.mark.parametrize("text, published, tense, expected", [
    ("le 14 septembre 2022", None, None, "2022-09-14"),
    ("le 1er octobre 2022", None, None, "2022-10-01"),
    ("en mai 2017", None, None, "2017-05"),
    ("fin février 2016", None, None, "2016-02"),  # month precision, not the last day
    ("début mars 2019", None, None, "2019-03"),
    ("au premier trimestre 2019", None, None, "2019"),  # no quarter precision: the year
    ("au second semestre 2020", None, None, "2020"),
    ("en 2016", None, None, "2016"),
    ("ce vendredi", "2021-06-11", None, "2021-06-11"),  # published on a Friday
    ("ce jeudi", "2022-11-18", None, "2022-11-17"),  # the Thursday of that week
    ("mercredi", "2018-12-14", None, "2018-12-12"),
    ("mercredi", "2018-12-14", "future", "2018-12-19"),
    ("hier", "2023-02-03", None, "2023-02-02"),
    ("en mai", "2018-12-14", "past", "2018-05"),
    ("en mai", "2018-12-14", "future", "2019-05"),
    ("en janvier", "2023-02-03", "past", "2023-01"),
    ("le 14 septembre dernier", "2023-03-07", None, "2022-09-14"),
    ("le 4 décembre", "2018-12-14", "past", "2018-12-04"),
    ("le 1er mars", "2023-02-03", "future", "2023-03-01"),
    ("à l'automne", "2023-03-07", "future", "2023"),
    ("au second semestre", "2023-02-03", "future", "2023"),
    ("la semaine dernière", "2021-09-14", None, "2021-09"),
    ("l'an dernier", "2018-12-14", None, "2017"),
    ("le 15/10/2018", None, None, "2018-10-15"),
])
def test_dates_resolve_at_the_precision_of_the_words(text, published, tense, expected):
    assert str(parse_date(text, published, tense)) == expected


@pytest.mark.parametrize("text", ["ce vendredi", "hier", "en mai", "le 4 décembre",
                                  "ce mois-ci", "la semaine dernière"])
def test_relative_dates_are_dropped_when_the_publication_date_is_unknown(text):
    assert parse_date(text, None) is None


def test_a_weekday_with_its_day_finds_its_year_among_the_years_the_text_writes():
    mention = find_dates("La décision est tombée ce mercredi 27 mars.")[0]
    assert str(mention.resolve(None, context_years=(2018, 2019))) == "2019-03-27"
    assert mention.resolve(None, context_years=(2017, 2018)) is None


def test_roles_since_until_from_and_ranges():
    roles = {m.text: m.role for m in find_dates(
        "depuis 2017, jusqu'en 2015, à compter du 30 septembre 2022, de 2009 à 2012")}
    assert roles == {"2017": "since", "2015": "until", "30 septembre 2022": "from",
                     "2009": "range-start", "2012": "range-end"}


def test_identifiers_periods_and_participles_are_not_dates():
    assert [m.text for m in find_dates(
        "Décret n° 2017-1184, NOR TECM2226514D, sur la période 2023-2027. Elle a été élue.")] \
        == []
