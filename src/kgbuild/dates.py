"""Dates at their precision: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

rdflib orders a mix of xsd:date, xsd:gYearMonth and xsd:gYear wrongly, so kgbuild keeps the ISO
text and its precision, as Wikidata does. The lexical order of the ISO strings is the sort order
across precisions; :meth:`PartialDate.earliest` and :meth:`PartialDate.latest` give the interval a
partial date denotes.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from rdflib import Literal
from rdflib.namespace import XSD

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

PRECISIONS = ("year", "month", "day")
DATATYPES = {"year": XSD.gYear, "month": XSD.gYearMonth, "day": XSD.date}
WIKIDATA_PRECISION = {"year": 9, "month": 10, "day": 11}


class InvalidDate(ValueError):
    """The text is not a real date at day, month or year precision."""


@dataclass(frozen=True, order=True)
class PartialDate:
    iso: str
    precision: str

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; raise InvalidDate with the reason."""
        match = _PATTERN.match(str(text).strip())
        if not match:
            raise InvalidDate(f"'{text}' is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = match.groups()
        if month is not None and not 1 <= int(month) <= 12:
            raise InvalidDate(f"'{text}' has no month {month}: months run from 01 to 12")
        if day is not None:
            try:
                dt.date(int(year), int(month), int(day))
            except ValueError:
                last = calendar.monthrange(int(year), int(month))[1]
                raise InvalidDate(
                    f"'{text}' does not exist: {year}-{month} has {last} days"
                ) from None
        precision = "day" if day else "month" if month else "year"
        return cls(match.group(0), precision)

    @classmethod
    def from_literal(cls, literal: Literal) -> PartialDate:
        return cls.parse(str(literal))

    def literal(self) -> Literal:
        return Literal(self.iso, datatype=DATATYPES[self.precision])

    @property
    def wikidata_precision(self) -> int:
        return WIKIDATA_PRECISION[self.precision]

    def earliest(self) -> dt.date:
        parts = [int(p) for p in self.iso.split("-")] + [1, 1]
        return dt.date(parts[0], parts[1], parts[2])

    def latest(self) -> dt.date:
        parts = [int(p) for p in self.iso.split("-")]
        if self.precision == "year":
            return dt.date(parts[0], 12, 31)
        if self.precision == "month":
            return dt.date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
        return dt.date(*parts)

    def __str__(self) -> str:
        return self.iso
