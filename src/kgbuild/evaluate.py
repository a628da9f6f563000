"""Compare proposed claims with reviewed (gold) ones: precision, recall and F1 per fact type.

Facts are compared source by source. The matching rules (also in docs/extraction.md):

* **Entities** are matched across the two sides by name, not by id (a proposed new entity has
  its own id): two persons, organisations, programmes or elections are the same when they share
  a name after :func:`kgbuild.registry.normalise_name` (label, aliases, misspellings; a person's
  civility and a programme's leading noun — « fonds », « plan » — are dropped too); two posts
  are the same when their titles match as in entity resolution (same title, gender folded, one
  complement's content words contain the other's, organisation names compared as entities).
* **persons** / **organisations**: the set of persons (organisations) that the claims of a source
  refer to, in any field.
* **mandates**: one fact per (holder, post) and source, with its ``start`` and ``end`` (claims of
  one source sharing a key are merged first).
* **programmes**: one fact per programme and source, with ``launched_by`` (a set), its dates
  (announced, launched, planned_launch, presented, signed, results_presented) and ``budget``
  (amount and bound).
* **memberships** (member + organisation; start, end), **candidacies** (candidate; election,
  office), **campaign roles** (person + candidate).

A proposed fact and a gold fact *correspond* when their identifying entities match (holder and
post, programme, ...). Three scores are given for each type:

* ``strict``: a correspondence counts 1 when every compared field is equal (a missing field
  equals a missing field), else 0 — this is the headline F1;
* ``partial``: a correspondence counts the share of its parts that agree (the identity being one
  part); a date at a coarser precision that contains the other (2016 vs 2016-02) counts half;
* ``identity``: a correspondence counts 1 whatever its fields.

Precision = credit / proposed facts, recall = credit / gold facts, F1 their harmonic mean; each is
summed over all sources (micro-average).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .claims import CLAIM_TYPES, load_corpus
from .registry import Registry, normalise_name
from .yamlio import Mapping, Sequence, load_yaml

FACT_TYPES = ("persons", "organisations", "mandates", "programmes", "memberships",
              "candidacies", "campaign_roles")
PROGRAMME_DATES = ("announced", "launched", "planned_launch", "presented", "signed",
                   "results_presented")
_PROGRAMME_NOUNS = ("fonds", "plan", "programme", "label", "charte", "reseau", "plateforme",
                    "strategie", "appel a projets", "volet", "dispositif", "initiative",
                    "interface", "fichier", "tour", "pass", "guichet", "service")


@dataclass
class Score:
    gold: int = 0
    proposed: int = 0
    matched: int = 0
    strict: float = 0.0
    partial: float = 0.0

    @staticmethod
    def prf(credit: float, proposed: int, gold: int) -> tuple[float, float, float]:
        precision = credit / proposed if proposed else 1.0  # nothing proposed: nothing wrong
        recall = credit / gold if gold else 1.0  # nothing to find: nothing missed
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    def as_dict(self) -> dict:
        p, r, f = self.prf(self.strict, self.proposed, self.gold)
        _, _, fp = self.prf(self.partial, self.proposed, self.gold)
        _, _, fi = self.prf(self.matched, self.proposed, self.gold)
        return {"gold": self.gold, "proposed": self.proposed, "matched": self.matched,
                "precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
                "f1_partial": round(fp, 3), "f1_identity": round(fi, 3)}


@dataclass
class EvaluationReport:
    scores: dict[str, Score]
    per_source: dict[str, dict[str, Score]] = field(default_factory=dict)
    label: str = ""

    def f1(self, fact_type: str) -> float:
        return self.scores[fact_type].as_dict()["f1"]

    def as_dict(self) -> dict:
        return {"label": self.label,
                "scores": {k: v.as_dict() for k, v in self.scores.items()},
                "per_source": {s: {k: v.as_dict() for k, v in scores.items()}
                               for s, scores in sorted(self.per_source.items())}}

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False)

    def table(self) -> str:
        head = (f"{'facts':<15} {'gold':>5} {'prop':>5} {'match':>5} {'P':>6} {'R':>6} "
                f"{'F1':>6} {'F1~':>6} {'F1id':>6}")
        lines = [self.label] if self.label else []
        lines += [head, "-" * len(head)]
        for name in FACT_TYPES:
            d = self.scores[name].as_dict()
            lines.append(f"{name:<15} {d['gold']:>5} {d['proposed']:>5} {d['matched']:>5} "
                         f"{d['precision']:>6.3f} {d['recall']:>6.3f} {d['f1']:>6.3f} "
                         f"{d['f1_partial']:>6.3f} {d['f1_identity']:>6.3f}")
        lines.append("F1: strict (every field equal); F1~: partial credit; F1id: entities only")
        return "\n".join(lines)


# -- entities on each side ---------------------------------------------------------------------

@dataclass
class Side:
    """The entities one side's claims refer to: kind and names by id."""

    kinds: dict[str, str]
    names: dict[str, set[str]]
    labels: dict[str, str]
    post_orgs: dict[str, str | None]
    raw: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def from_registry(cls, registry: Registry, extra: dict[str, list[dict]] | None = None):
        side = cls({}, {}, {}, {}, {})
        for entity in registry.entities.values():
            side.add(entity.kind, entity.id, entity.label, entity.names,
                     entity.attrs.get("organisation"))
        sections = {"persons": "person", "organisations": "organisation", "posts": "post",
                    "programmes": "programme", "elections": "election"}
        for section, entries in (extra or {}).items():
            for entry in entries:
                names = [entry["label"], *entry.get("aliases", ()), *entry.get("misspellings",
                                                                                ())]
                side.add(sections[section], entry["id"], entry["label"], names,
                         entry.get("organisation"))
        return side

    def add(self, kind, entity_id, label, names, organisation=None):
        self.kinds[entity_id] = kind
        self.labels[entity_id] = label
        self.post_orgs[entity_id] = organisation
        self.raw[entity_id] = list(names)
        self.names[entity_id] = {n for n in (_name_forms(kind, name) for name in names)
                                 for n in n}


def _name_forms(kind: str, name: str) -> set[str]:
    from .extract.resolve import strip_civility

    forms = {normalise_name(name)}
    if kind == "person":
        forms.add(normalise_name(strip_civility(name)))
    if kind in ("programme", "organisation"):
        folded = normalise_name(name)
        for noun in _PROGRAMME_NOUNS:
            if folded.startswith(noun + " "):
                forms.add(folded[len(noun) + 1:])
        for article in ("l'", "la ", "le ", "les "):
            if folded.startswith(article):
                forms.add(folded[len(article):])
    return {f for f in forms if f}


class EntityMatcher:
    """Which proposed entity ids stand for which gold entity ids."""

    def __init__(self, gold: Side, proposed: Side):
        from .extract.resolve import OrgNameIndex, fold_words, post_key

        self.gold, self.proposed = gold, proposed
        self.cache: dict[tuple[str, str], bool] = {}
        by_name: dict[tuple[str, str], set[str]] = defaultdict(set)
        for gid, kind in gold.kinds.items():
            for name in gold.names[gid]:
                by_name[(kind, name)].add(gid)
        self.by_name = by_name
        org_names: dict[tuple[str, ...], str] = {}
        for side in (gold, proposed):
            for eid, kind in side.kinds.items():
                if kind != "organisation":
                    continue
                target = self.gold_org(eid) if side is proposed else eid
                for name in side.raw[eid]:
                    words = tuple(w for w in fold_words(name))
                    while words and words[0] in ("l'", "la", "le", "les"):
                        words = words[1:]
                    if words:
                        org_names.setdefault(words, target or f"p:{eid}")
        index = OrgNameIndex(org_names)
        self.gold_posts = {gid: [k for k in (post_key(n, index) for n in gold.raw[gid]) if k]
                           for gid, kind in gold.kinds.items() if kind == "post"}
        self.proposed_posts = {pid: [k for k in (post_key(n, index)
                                                 for n in proposed.raw[pid]) if k]
                               for pid, kind in proposed.kinds.items() if kind == "post"}

    def gold_org(self, pid: str) -> str | None:
        for name in self.proposed.names.get(pid, ()):
            ids = self.by_name.get(("organisation", name))
            if ids:
                return sorted(ids)[0]
        return None

    def same(self, pid: str | None, gid: str | None) -> bool:
        if pid is None or gid is None:
            return pid is None and gid is None
        key = (pid, gid)
        if key not in self.cache:
            self.cache[key] = self._same(pid, gid)
        return self.cache[key]

    def _same(self, pid: str, gid: str) -> bool:
        kind = self.proposed.kinds.get(pid)
        if kind is None or kind != self.gold.kinds.get(gid):
            return False
        if kind == "post":
            return any(p.matches(g) or (p == g) for p in self.proposed_posts.get(pid, ())
                       for g in self.gold_posts.get(gid, ()))
        return bool(self.proposed.names[pid] & self.gold.names[gid])

    def same_set(self, pids, gids) -> bool:
        pids, gids = list(pids or ()), list(gids or ())
        if len(pids) != len(gids):
            return False
        used = set()
        for p in pids:
            hit = next((g for g in gids if g not in used and self.same(p, g)), None)
            if hit is None:
                return False
            used.add(hit)
        return True


# -- facts ---------------------------------------------------------------------------------------

def claim_dicts_from_corpus(claims) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for claim in claims:
        out[claim.source].append({"type": claim.type, "fields": _plain(claim.values)})
    return out


def _plain(values: dict) -> dict:
    out = {}
    for name, value in values.items():
        if hasattr(value, "amount"):
            out[name] = {"amount": str(value.amount.normalize()), "currency": value.currency,
                         "bound": value.bound}
        elif isinstance(value, tuple):
            out[name] = list(value)
        elif hasattr(value, "iso"):
            out[name] = value.iso
        else:
            out[name] = value
    return out


def _plain_proposed(claim: dict) -> dict:
    fields = {}
    for name, value in claim["fields"].items():
        if isinstance(value, dict):
            from decimal import Decimal

            fields[name] = {"amount": str(Decimal(str(value["amount"])).normalize()),
                            "currency": str(value.get("currency", "EUR")),
                            "bound": str(value.get("bound", "exact"))}
        elif isinstance(value, list):
            fields[name] = [str(v) for v in value]
        elif hasattr(value, "iso"):
            fields[name] = value.iso
        else:
            fields[name] = str(value)
    return {"type": claim["type"], "fields": fields}


def facts(claims: list[dict], kinds: dict[str, str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {name: [] for name in FACT_TYPES}
    persons, orgs = [], []
    for claim in claims:
        specs = CLAIM_TYPES[claim["type"]]
        for name, spec in specs.items():
            if spec.kind not in ("ref", "refs"):
                continue
            value = claim["fields"].get(name)
            for ref in (value if isinstance(value, list) else [value] if value else []):
                if kinds.get(ref) == "person" and ref not in persons:
                    persons.append(ref)
                if kinds.get(ref) == "organisation" and ref not in orgs:
                    orgs.append(ref)
    out["persons"] = [{"id": p} for p in persons]
    out["organisations"] = [{"id": o} for o in orgs]
    merged: dict[tuple, dict] = {}
    keys = {"mandate": ("mandates", ("holder", "post"), ("start", "end")),
            "membership": ("memberships", ("member", "organisation"), ("start", "end")),
            "candidacy": ("candidacies", ("candidate",), ("election", "office")),
            "campaign_role": ("campaign_roles", ("person", "candidate"), ()),
            "programme": ("programmes", ("programme",), ("launched_by", *PROGRAMME_DATES,
                                                         "budget"))}
    for claim in claims:
        if claim["type"] not in keys:
            continue
        fact_type, ident, compared = keys[claim["type"]]
        key = (fact_type, *(claim["fields"].get(k) for k in ident))
        fact = merged.get(key)
        if fact is None:
            fact = {"_type": fact_type, **{k: claim["fields"].get(k) for k in ident}}
            merged[key] = fact
            out[fact_type].append(fact)
        for name in compared:
            value = claim["fields"].get(name)
            if value is not None and fact.get(name) is None:
                fact[name] = value
    return out


def _date_credit(p, g) -> float:
    if p == g:
        return 1.0
    if p and g and (p.startswith(g) or g.startswith(p)):
        return 0.5
    return 0.0


def compare_fact(fact_type: str, p: dict, g: dict, m: EntityMatcher) -> tuple[bool, float]:
    """(identity matches, share of parts that agree) for one proposed and one gold fact."""
    if fact_type in ("persons", "organisations"):
        ok = m.same(p["id"], g["id"])
        return ok, 1.0 if ok else 0.0
    if fact_type == "mandates":
        if not (m.same(p["holder"], g["holder"]) and m.same(p["post"], g["post"])):
            return False, 0.0
        parts = [1.0, _date_credit(p.get("start"), g.get("start")),
                 _date_credit(p.get("end"), g.get("end"))]
    elif fact_type == "memberships":
        if not (m.same(p["member"], g["member"]) and
                m.same(p["organisation"], g["organisation"])):
            return False, 0.0
        parts = [1.0, _date_credit(p.get("start"), g.get("start")),
                 _date_credit(p.get("end"), g.get("end"))]
    elif fact_type == "candidacies":
        if not m.same(p["candidate"], g["candidate"]):
            return False, 0.0
        parts = [1.0, float(m.same(p.get("election"), g.get("election"))),
                 float(m.same(p.get("office"), g.get("office")))]
    elif fact_type == "campaign_roles":
        if not (m.same(p["person"], g["person"]) and m.same(p.get("candidate"),
                                                            g.get("candidate"))):
            return False, 0.0
        parts = [1.0]
    elif fact_type == "programmes":
        if not m.same(p["programme"], g["programme"]):
            return False, 0.0
        dates = [_date_credit(p.get(k), g.get(k)) for k in PROGRAMME_DATES
                 if p.get(k) or g.get(k)]
        budget_p, budget_g = p.get("budget"), g.get("budget")
        budget = 1.0 if budget_p == budget_g or (
            budget_p and budget_g and budget_p["amount"] == budget_g["amount"] and
            budget_p.get("bound", "exact") == budget_g.get("bound", "exact")) else 0.0
        parts = [1.0, float(m.same_set(p.get("launched_by"), g.get("launched_by"))),
                 sum(dates) / len(dates) if dates else 1.0, budget]
        if dates and sum(dates) != len(dates):
            parts[2] = min(parts[2], 0.99)
    else:  # pragma: no cover
        raise ValueError(fact_type)
    return True, sum(parts) / len(parts)


def score_source(proposed: dict[str, list[dict]], gold: dict[str, list[dict]],
                 matcher: EntityMatcher) -> dict[str, Score]:
    scores = {}
    for fact_type in FACT_TYPES:
        ps, gs = list(proposed[fact_type]), list(gold[fact_type])
        score = Score(gold=len(gs), proposed=len(ps))
        free = list(range(len(ps)))
        for g in gs:
            best, best_credit = None, -1.0
            for k in free:
                ok, credit = compare_fact(fact_type, ps[k], g, matcher)
                if ok and credit > best_credit:
                    best, best_credit = k, credit
            if best is None:
                continue
            free.remove(best)
            score.matched += 1
            score.partial += best_credit
            score.strict += 1.0 if best_credit >= 1.0 else 0.0
        scores[fact_type] = score
    return scores


# -- entry points --------------------------------------------------------------------------------

def evaluate(gold_dir: str | Path, proposed: str | Path | dict | None = None, *,
             registry: Registry | None = None, empty_registry: bool = False,
             cache_dir: str | Path | None = None, label: str = "") -> EvaluationReport:
    """Score proposed claims against the reviewed claims of the data folder ``gold_dir``.

    ``proposed`` is a folder of proposed claim files (named ``<source-id>.yaml``), a dict
    ``{source_id: ProposedClaims}``, or None to run the extractor on the gold sources, with the
    gold registry (default), ``registry``, or an empty one (``empty_registry=True``).
    """
    corpus = load_corpus(gold_dir)
    used = Registry({}, "<empty>") if empty_registry else (registry or corpus.registry)
    if proposed is None:
        from .extract import extract_sources

        sources = [corpus.sources[s] for s in sorted(corpus.sources)
                   if any(f.source == s for f in corpus.claim_files)]
        results = extract_sources(sources, used, cache_dir=cache_dir)
        proposed = {r.source_id: r for r in results}
    gold_side = Side.from_registry(corpus.registry)
    gold_claims = claim_dicts_from_corpus(corpus.claims)
    proposed_sets = _proposed_sets(proposed)
    totals = {name: Score() for name in FACT_TYPES}
    per_source = {}
    for claim_file in corpus.claim_files:
        source = claim_file.source
        claims, entities = proposed_sets.get(source, ([], {}))
        side = Side.from_registry(used, entities)
        matcher = EntityMatcher(gold_side, side)
        gold_facts = facts(gold_claims.get(source, []), gold_side.kinds)
        proposed_facts = facts(claims, side.kinds)
        scores = score_source(proposed_facts, gold_facts, matcher)
        per_source[source] = scores
        for name, score in scores.items():
            total = totals[name]
            total.gold += score.gold
            total.proposed += score.proposed
            total.matched += score.matched
            total.strict += score.strict
            total.partial += score.partial
    return EvaluationReport(totals, per_source, label)


def _proposed_sets(proposed) -> dict[str, tuple[list[dict], dict]]:
    out = {}
    if isinstance(proposed, dict):
        for source, result in proposed.items():
            out[source] = ([_plain_proposed(c) for c in result.claims], result.entities)
        return out
    folder = Path(proposed)
    for path in sorted(folder.glob("*.yaml")):
        document = load_yaml(path)
        if not isinstance(document, Mapping):
            continue
        claims = []
        for item in document.get("claims") or Sequence():
            fields = {k: _from_yaml(v) for k, v in item.items()
                      if k not in ("id", "type", "quotes", "confidence", "produced_by", "note")}
            claims.append({"type": str(item["type"]), "fields": fields})
        entities = {}
        for section, entries in (document.get("entities") or {}).items():
            entities[section] = [{k: _from_yaml(v) for k, v in e.items()} for e in entries]
        out[str(document.get("source", path.stem))] = (
            [_plain_proposed(c) for c in claims], entities)
    return out


def _from_yaml(value):
    if isinstance(value, Mapping):
        return {k: _from_yaml(v) for k, v in value.items()}
    if isinstance(value, Sequence):
        return [_from_yaml(v) for v in value]
    return str(value)


__all__ = ["EvaluationReport", "Score", "evaluate", "facts", "score_source"]
