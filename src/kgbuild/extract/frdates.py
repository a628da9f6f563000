"""A small French date normaliser with explicit rules.

:func:`find_dates` finds the date expressions of a text (« le 14 septembre 2022 », « en mai »,
« fin février 2016 », « ce vendredi », « hier », « au premier trimestre 2019 », « de 2009 à
2012 », ...) and returns :class:`DateMention` objects that remember what the words say (year,
month, day, weekday, relative word) and their role (« depuis » → since, « jusqu'en » → until,
« à compter du » → from). :meth:`DateMention.resolve` turns one into a
:class:`~kgbuild.dates.PartialDate` against the publication date, given the tense of the verb
that governs it:

* the precision is the precision of the words: a day (« le 30 juin », « ce vendredi », « hier »),
  a month (« en mai », « fin février 2016 »), a year (« en 2016 », seasons, quarters, halves);
* a month or a day without a year is the most recent one at or before publication when the
  verb is past or present, the next one when it is future; « dernier » / « prochain » decide;
* a weekday alone (« ce vendredi », « mercredi ») is that weekday of the publication week (the
  publication day itself when it matches), else the most recent one (the next one when future);
* when the publication date is unknown, anything relative resolves to ``None`` (left out, never
  guessed) — except a weekday given with its day and month (« mercredi 27 mars »), whose year
  is taken from the years the text writes out when exactly one of them fits the weekday.

It is measured against ``dateparser`` in ``bench/bench_extract.py`` (see docs/extraction.md):
dateparser has no notion of precision, does not read « fin février 2016 » or « au premier
trimestre 2019 », and is about a hundred times slower per expression.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, replace

from ..dates import PartialDate

MONTHS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
}
WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5,
            "dimanche": 6}
SEASONS = {"printemps": 3, "ete": 6, "automne": 9, "hiver": 12}  # first month
ORDINALS = {"premier": 1, "1er": 1, "deuxieme": 2, "second": 2, "2e": 2, "2eme": 2,
            "troisieme": 3, "3e": 3, "3eme": 3, "quatrieme": 4, "4e": 4, "4eme": 4,
            "dernier": 4}
RELATIVE_DAYS = {"avant-hier": -2, "hier": -1, "aujourd'hui": 0, "demain": 1,
                 "apres-demain": 2}

TENSES = ("past", "present", "future")


def fold(text: str) -> str:
    """Lower case, no accents, straight apostrophes; the same length as ``text``."""
    if len(text) <= 40:
        return _fold_short(text)
    return _fold(text)


@functools.lru_cache(maxsize=65536)
def _fold_short(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    out = []
    for char in text:
        if char in "’‘`´":
            out.append("'")
            continue
        base = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in base if not unicodedata.combining(c)) or char
        out.append(base[0].lower() if len(base[0].lower()) == 1 else char)
    return "".join(out)


@dataclass(frozen=True)
class DateMention:
    """A date expression found in a text, before resolution."""

    start: int
    end: int
    text: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    relative: str | None = None  # day-offset:N | week:-1 | month:0|-1|1 | year:0|-1|1 | same
    direction: str | None = None  # past (« dernier ») | future (« prochain »)
    precision: str | None = None  # forced precision: "year" for seasons, quarters, halves
    role: str | None = None  # since | until | from | range-start | range-end | None
    note: str | None = None  # "season", "quarter", "half-year", "month-part"

    @property
    def absolute(self) -> bool:
        """True when the words give the year (the date needs no publication date)."""
        return self.year is not None and self.relative is None

    def resolve(self, published: PartialDate | None, tense: str | None = None, *,
                context_years: tuple[int, ...] = ()) -> PartialDate | None:
        """The date these words denote, at their precision, or None when it cannot be known."""
        direction = self.direction or ("future" if tense == "future" else "past")
        pub = _day(published)
        if self.relative:
            return self._resolve_relative(pub, published)
        if self.year is not None:
            year = self.year
        elif self.month is None and self.weekday is None and self.day is None:
            return None
        elif pub is None:
            if self.day and self.month and self.weekday is not None:
                fits = [y for y in dict.fromkeys(context_years)
                        if _weekday(y, self.month, self.day) == self.weekday]
                if len(fits) == 1:
                    return _make(fits[0], self.month, self.day, self.precision)
            return None
        elif self.month is not None:
            year = _year_for(pub, self.month, self.day, direction,
                             season=self.note in ("season", "quarter", "half-year"))
        else:  # a weekday alone
            return _weekday_date(pub, self.weekday, direction)
        if self.month is None:
            return _make(year, None, None, "year")
        return _make(year, self.month, self.day, self.precision)

    def _resolve_relative(self, pub: dt.date | None, published: PartialDate | None):
        kind, _, amount = self.relative.partition(":")
        if kind == "year" and published is not None:
            return PartialDate.parse(f"{int(published.iso[:4]) + int(amount):04d}")
        if pub is None:
            return None
        if kind == "day-offset":
            day = pub + dt.timedelta(days=int(amount))
            return PartialDate.parse(day.isoformat())
        if kind == "month":
            month = pub.month + int(amount)
            year = pub.year + (month - 1) // 12
            month = (month - 1) % 12 + 1
            return PartialDate.parse(f"{year:04d}-{month:02d}")
        if kind == "week":
            monday = pub - dt.timedelta(days=pub.weekday()) + dt.timedelta(weeks=int(amount))
            sunday = monday + dt.timedelta(days=6)
            if monday.month == sunday.month:
                return PartialDate.parse(f"{monday.year:04d}-{monday.month:02d}")
            if monday.year == sunday.year:
                return PartialDate.parse(f"{monday.year:04d}")
            return None
        return None


def _day(published: PartialDate | None) -> dt.date | None:
    if published is None or published.precision != "day":
        return None
    return dt.date.fromisoformat(published.iso)


def _weekday(year: int, month: int, day: int) -> int | None:
    try:
        return dt.date(year, month, day).weekday()
    except ValueError:
        return None


def _make(year: int, month: int | None, day: int | None, precision: str | None):
    if precision == "year" or month is None:
        return PartialDate.parse(f"{year:04d}")
    if day is None or precision == "month":
        return PartialDate.parse(f"{year:04d}-{month:02d}")
    try:
        return PartialDate.parse(f"{year:04d}-{month:02d}-{day:02d}")
    except ValueError:
        return None


def _year_for(pub: dt.date, month: int, day: int | None, direction: str, *,
              season: bool = False) -> int:
    """The year of a month (or day) written without one, seen from the publication date."""
    if season:  # a season or quarter: « à l'automne » in March is this year's
        if direction == "future":
            return pub.year if month + 2 >= pub.month else pub.year + 1
        return pub.year if month <= pub.month else pub.year - 1
    here = (month, day or (1 if direction == "future" else 31))
    now = (pub.month, pub.day) if day else (pub.month, pub.day if direction == "future" else 31)
    if direction == "future":
        if day is None:
            return pub.year if month >= pub.month else pub.year + 1
        return pub.year if here >= now else pub.year + 1
    if day is None:
        return pub.year if month <= pub.month else pub.year - 1
    return pub.year if here <= now else pub.year - 1


def _weekday_date(pub: dt.date, weekday: int, direction: str) -> PartialDate:
    delta = (pub.weekday() - weekday) % 7
    if direction == "future" and delta:
        day = pub + dt.timedelta(days=7 - delta)
    else:
        day = pub - dt.timedelta(days=delta)
    return PartialDate.parse(day.isoformat())


# -- finding ---------------------------------------------------------------------------------

_M = "|".join(MONTHS)
_W = "|".join(WEEKDAYS)
_Y = r"(?:1[89]|20)\d{2}"
_D = r"1er|[12]\d|3[01]|0?[1-9]"
_B = r"(?<![\w@/-])"  # not glued to a word, an id or a number
_E = r"(?![\w/]|-\d)"

_PATTERNS: list[tuple[str, str]] = [
    ("iso", rf"{_B}(?P<y>{_Y})-(?P<m>0[1-9]|1[0-2])-(?P<d>[0-3]\d){_E}"),
    ("numeric", rf"{_B}(?P<d>[0-3]?\d)/(?P<m>[01]?\d)/(?P<y>{_Y}){_E}"),
    ("range-month", rf"{_B}de (?P<m1>{_M}) (?:a|au mois d') ?(?P<m2>{_M})(?: (?P<y>{_Y}))?{_E}"),
    ("range-year", rf"{_B}(?:de|entre) (?P<y1>{_Y}) (?:a|et) (?P<y2>{_Y}){_E}"),
    ("day", rf"{_B}(?:(?P<w>{_W}) )?(?P<d>{_D}) (?P<m>{_M})(?: (?P<y>{_Y}))?"
            rf"(?: (?P<dir>dernier|prochain))?{_E}"),
    ("part", rf"{_B}(?P<part>fin|debut|mi-|mi |courant) ?(?P<m>{_M})(?: (?P<y>{_Y}))?{_E}"),
    ("month", rf"{_B}(?P<m>{_M})(?: (?P<y>{_Y}))?(?: (?P<dir>dernier|prochain))?{_E}"),
    ("season", rf"{_B}(?P<s>printemps|ete|automne|hiver)(?: (?:de |d'|prochain |dernier )?"
               rf"(?P<y>{_Y}))?(?: (?P<dir>prochain|dernier))?{_E}"),
    ("quarter", rf"{_B}(?P<o>premier|1er|deuxieme|2e|2eme|second|troisieme|3e|3eme|quatrieme"
                rf"|4e|4eme|dernier) (?P<q>trimestre|semestre)(?: (?:de |d')?(?P<y>{_Y}))?{_E}"),
    ("weekday", rf"{_B}(?P<w>{_W})(?: (?P<dir>dernier|prochain))?{_E}"),
    ("relday", rf"{_B}(?P<r>avant-hier|apres-demain|hier|aujourd'hui|demain){_E}"),
    ("relweek", rf"{_B}la semaine (?P<dir>derniere|passee|prochaine|precedente){_E}"),
    ("relmonth", rf"{_B}(?:le mois (?P<dir>dernier|passe|prochain)|ce mois-ci|"
                 rf"(?P<same>le meme mois)){_E}"),
    ("relyear", rf"{_B}(?:l'(?:an|annee) (?P<dir>dernier|derniere|passe|passee|prochain"
                rf"|prochaine)|(?P<this>cette annee)){_E}"),
    ("year", rf"{_B}(?P<y>{_Y}){_E}"),
]


def _group_name(kind: str) -> str:
    return kind.replace("-", "_")


_MASTER = re.compile("|".join(
    f"(?P<k_{_group_name(kind)}>{body.replace('(?P<', f'(?P<{_group_name(kind)}_')})"
    for kind, body in _PATTERNS))
_ROLE_BEFORE = [
    ("since", re.compile(r"(?:depuis|des)(?: le| l'| la| les)? ?$")),
    ("from", re.compile(r"(?:a compter du|a compter de|a partir du|a partir de|a dater du"
                        r"|avec effet au|prend effet le|prendra effet le)(?: le)? ?$")),
    ("until", re.compile(r"(?:jusqu'au|jusqu'en|jusqu'a|jusqu'a la|jusqu'a l'|d'ici|d'ici a"
                         r"|d'ici la)(?: le| la)? ?$")),
]


def find_dates(text: str) -> list[DateMention]:
    """Every date expression in ``text``, in order (see the module docstring)."""
    folded = fold(text)
    found: list[DateMention] = []
    for match in _MASTER.finditer(folded):
        kind = match.lastgroup[2:].replace("_", "-")
        prefix = _group_name(kind) + "_"
        groups = {key[len(prefix):]: value for key, value in match.groupdict().items()
                  if value is not None and key.startswith(prefix)}
        found.extend(_build(kind, groups, match, text))
    return [_with_role(m, folded) for m in found]


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    return 1 if value == "1er" else int(value)


def _direction(value: str | None) -> str | None:
    if not value:
        return None
    return "past" if value.startswith(("dern", "pass", "prec")) else "future"


def _build(kind: str, g: dict, match: re.Match, text: str) -> list[DateMention]:
    start, end = match.span()
    base = dict(start=start, end=end, text=text[start:end])
    if kind in ("iso", "numeric"):
        month, day = int(g["m"]), int(g["d"])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return []
        return [DateMention(**base, year=int(g["y"]), month=month, day=day)]
    if kind == "range-year":
        first, second = match.span("range_year_y1"), match.span("range_year_y2")
        return [DateMention(first[0], first[1], text[first[0]:first[1]], year=int(g["y1"]),
                            role="range-start"),
                DateMention(second[0], second[1], text[second[0]:second[1]], year=int(g["y2"]),
                            role="range-end")]
    if kind == "range-month":
        year = _int(g.get("y"))
        one = match.span("range_month_m1")
        two = (match.span("range_month_m2")[0], end)
        return [DateMention(one[0], one[1], text[one[0]:one[1]], year=year,
                            month=MONTHS[g["m1"]], role="range-start"),
                DateMention(two[0], two[1], text[two[0]:two[1]], year=year,
                            month=MONTHS[g["m2"]], role="range-end")]
    if kind == "day":
        weekday = WEEKDAYS.get(g.get("w", ""), None)
        return [DateMention(**base, year=_int(g.get("y")), month=MONTHS[g["m"]],
                            day=_int(g["d"]), weekday=weekday,
                            direction=_direction(g.get("dir")))]
    if kind == "part":
        return [DateMention(**base, year=_int(g.get("y")), month=MONTHS[g["m"]],
                            precision="month", note="month-part")]
    if kind == "month":
        return [DateMention(**base, year=_int(g.get("y")), month=MONTHS[g["m"]],
                            direction=_direction(g.get("dir")))]
    if kind == "season":
        before = fold(text[max(0, start - 6):start])
        if g["s"] == "ete" and not before.endswith(("l'", "cet ", "d'", "en ", "cet  ")):
            return []  # « a été » is a participle, not summer
        return [DateMention(**base, year=_int(g.get("y")), month=SEASONS[g["s"]],
                            precision="year", direction=_direction(g.get("dir")),
                            note="season")]
    if kind == "quarter":
        order = ORDINALS[g["o"]]
        if g["q"] == "semestre":
            order = min(order, 2)
            month, note = 1 + 6 * (order - 1), "half-year"
        else:
            month, note = 1 + 3 * (order - 1), "quarter"
        return [DateMention(**base, year=_int(g.get("y")), month=month, precision="year",
                            note=note)]
    if kind == "weekday":
        prefix = text[max(0, start - 4):start]
        if prefix.lower().endswith(("le ", "les ")) and not g.get("dir"):
            return []  # « le mardi » (habit), « les lundis »
        return [DateMention(**base, weekday=WEEKDAYS[g["w"]],
                            direction=_direction(g.get("dir")))]
    if kind == "relday":
        return [DateMention(**base, relative=f"day-offset:{RELATIVE_DAYS[g['r']]}")]
    if kind == "relweek":
        amount = -1 if _direction(g["dir"]) == "past" else 1
        return [DateMention(**base, relative=f"week:{amount}")]
    if kind == "relmonth":
        if g.get("same"):
            return [DateMention(**base, relative="same:month")]
        amount = 0 if not g.get("dir") else (-1 if _direction(g["dir"]) == "past" else 1)
        return [DateMention(**base, relative=f"month:{amount}")]
    if kind == "relyear":
        amount = 0 if g.get("this") else (-1 if _direction(g["dir"]) == "past" else 1)
        return [DateMention(**base, relative=f"year:{amount}")]
    if kind == "year":
        return [DateMention(**base, year=int(g["y"]))]
    raise AssertionError(kind)  # pragma: no cover


def _with_role(mention: DateMention, folded: str) -> DateMention:
    if mention.role:
        return mention
    before = folded[max(0, mention.start - 24):mention.start]
    for role, pattern in _ROLE_BEFORE:
        if pattern.search(before):
            return replace(mention, role=role)
    return mention


def resolve_same(mentions: list[DateMention], index: int, published: PartialDate | None,
                 tense: str | None = None, **kwargs) -> PartialDate | None:
    """Resolve mention ``index``; « le même mois » takes the month of the date before it."""
    mention = mentions[index]
    if mention.relative == "same:month":
        for previous in reversed(mentions[:index]):
            date = previous.resolve(published, tense, **kwargs)
            if date is not None and date.precision in ("month", "day"):
                return PartialDate.parse(date.iso[:7])
        return None
    return mention.resolve(published, tense, **kwargs)


def parse_date(text: str, published: PartialDate | str | None = None,
               tense: str | None = None) -> PartialDate | None:
    """The first date expression of ``text``, resolved (a convenience for tests and tools)."""
    if isinstance(published, str):
        published = PartialDate.parse(published)
    mentions = find_dates(text)
    if not mentions:
        return None
    return resolve_same(mentions, 0, published, tense)


__all__ = ["DateMention", "find_dates", "fold", "parse_date", "resolve_same"]
