"""Writing proposed claims as a claim file (docs/model.md) that kgbuild's strict loader reads.

Every free-text value is double-quoted (JSON escaping is valid YAML), ids that YAML 1.1 would
read as something else (``no``, ``2020``) are quoted too, dates are written bare, amounts as
plain numbers. The output is deterministic: same claims, same bytes.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

from ..dates import PartialDate

_PLAIN_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_YAML_WORDS = frozenset("y yes n no true false on off null".split())
ENTITY_FIELDS = ("id", "label", "aliases", "misspellings", "kind", "organisation", "reports_to",
                 "part_of", "date", "description")


def scalar(value) -> str:
    if isinstance(value, PartialDate):
        return value.iso
    if isinstance(value, bool):  # pragma: no cover - no boolean field exists
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def ident(value: str) -> str:
    if _PLAIN_ID.match(value) and value not in _YAML_WORDS:
        return value
    return json.dumps(value)


def write_claim_file(source_id: str, claims: list[dict], entities: dict[str, list[dict]],
                     *, header: str | None = None) -> str:
    lines = []
    if header:
        lines += [f"# {line}" for line in header.splitlines()]
    lines.append(f"source: {ident(source_id)}")
    lines.append("status: proposed")
    if entities:
        lines.append("entities:")
        for section, entries in entities.items():
            lines.append(f"  {section}:")
            for entry in entries:
                first = True
                for name in ENTITY_FIELDS:
                    if name not in entry:
                        continue
                    value = entry[name]
                    prefix = "    - " if first else "      "
                    first = False
                    if isinstance(value, list):
                        items = ", ".join(scalar(v) for v in value)
                        lines.append(f"{prefix}{name}: [{items}]")
                    elif name in ("id", "kind", "organisation", "reports_to", "part_of"):
                        lines.append(f"{prefix}{name}: {ident(value)}")
                    else:
                        lines.append(f"{prefix}{name}: {scalar(value)}")
    if not claims:
        lines.append("claims: []")
        return "\n".join(lines) + "\n"
    lines.append("claims:")
    for claim in claims:
        lines.append(f"  - id: {ident(claim['id'])}")
        lines.append(f"    type: {claim['type']}")
        for name, value in claim["fields"].items():
            lines.extend(_field(name, value))
        lines.append("    quotes:")
        for text, start, end in claim["quotes"]:
            lines.append(f"      - text: {scalar(text)}")
            lines.append(f"        start: {start}")
            lines.append(f"        end: {end}")
        lines.append(f"    confidence: {claim['confidence']}")
        lines.append(f"    produced_by: {scalar(claim['produced_by'])}")
    return "\n".join(lines) + "\n"


_TEXT_FIELDS = frozenset(("role", "results_event", "description", "occupation", "note"))


def _field(name: str, value) -> list[str]:
    if isinstance(value, dict):  # budget
        out = [f"    {name}:"]
        for key in ("amount", "currency", "bound", "period"):
            if key in value:
                text = scalar(value[key]) if key in ("amount", "period") else value[key]
                out.append(f"      {key}: {text}")
        return out
    if isinstance(value, list):
        return [f"    {name}: [{', '.join(ident(v) for v in value)}]"]
    if isinstance(value, PartialDate):
        return [f"    {name}: {value.iso}"]
    if name in _TEXT_FIELDS:
        return [f"    {name}: {scalar(value)}"]
    return [f"    {name}: {ident(str(value))}"]


__all__ = ["write_claim_file"]
