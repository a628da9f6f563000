"""Draft claims: what the rules find, merged by key, before they are written out.

Rules add evidence to a draft keyed like the claim it becomes (a mandate by holder and post, a
programme by programme, ...). A field set twice keeps the value of higher priority (an explicit
« à compter du » start beats a decree date; « quittera » (ending) beats a present-tense
« quitte »); at equal priority the first value stays. Quotes are character spans of the source;
overlapping spans are merged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FIELD_ORDER = {
    "mandate": ("holder", "post", "start", "end", "end_decided", "end_reason", "state",
                "predecessor", "successor", "appointed_by"),
    "membership": ("member", "organisation", "start", "end", "role"),
    "candidacy": ("candidate", "election", "office", "investiture_of", "announced", "state"),
    "campaign_role": ("person", "role", "candidate", "election", "organisation", "start",
                      "end", "modality"),
    "programme": ("programme", "launched_by", "announced", "launched", "planned_launch",
                  "presented", "signed", "results_presented", "results_event", "budget",
                  "partners", "signatories", "non_signatories", "part_of"),
    "person": ("person", "description", "occupation"),
    "organisation": ("organisation", "founded_by", "description"),
}
LIST_FIELDS = ("launched_by", "partners", "signatories", "non_signatories", "founded_by")


@dataclass
class Draft:
    type: str
    key: tuple
    fields: dict = field(default_factory=dict)
    priority: dict = field(default_factory=dict)
    spans: list = field(default_factory=list)
    rules: list = field(default_factory=list)
    confidence: float = 0.0
    order: int = 0

    def set(self, name: str, value, priority: int = 1) -> None:
        if value is None or value == [] or value == ():
            return
        if name in LIST_FIELDS:
            values = self.fields.setdefault(name, [])
            for item in value if isinstance(value, (list, tuple)) else [value]:
                if item not in values:
                    values.append(item)
            return
        if name not in self.fields or priority > self.priority.get(name, 0):
            self.fields[name] = value
            self.priority[name] = priority

    def unset(self, name: str) -> None:
        self.fields.pop(name, None)
        self.priority.pop(name, None)

    def evidence(self, start: int, end: int, rule: str, confidence: float) -> None:
        if end > start:
            self.spans.append((start, end))
        if rule not in self.rules:
            self.rules.append(rule)
        self.confidence = max(self.confidence, confidence)

    def quotes(self, text: str) -> list[tuple[int, int]]:
        merged: list[list[int]] = []
        for start, end in sorted(self.spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        out = []
        for start, end in merged:
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                out.append((start, end))
        return out


class DraftSet:
    def __init__(self):
        self.drafts: dict[tuple, Draft] = {}

    def get(self, type_: str, *key) -> Draft:
        full = (type_, *key)
        draft = self.drafts.get(full)
        if draft is None:
            draft = Draft(type_, full, order=len(self.drafts))
            self.drafts[full] = draft
        return draft

    def find(self, type_: str, *key) -> Draft | None:
        return self.drafts.get((type_, *key))

    def of_type(self, type_: str) -> list[Draft]:
        return [d for d in self.drafts.values() if d.type == type_]

    def remove(self, draft: Draft) -> None:
        self.drafts.pop(draft.key, None)
