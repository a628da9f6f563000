"""Self-check of the development set (tests/devset): run with `python tests/devset/check_devset.py`.

Stand-alone on purpose (PyYAML only): it does not depend on the kgbuild loader, so the gold set can
be checked while the loader is being written. It checks what docs/model.md asks of data files:

- strict YAML: no duplicate key, no tab, no anchor/alias; free-text values are quoted;
- ids match ^[a-z0-9]+(-[a-z0-9]+)*$, file stems equal `id` / `source`, claim ids unique;
- source metadata: sha256 of the .txt, publisher in the registry (or unknown), dates well formed;
- claims: fields allowed by type, required fields present, enums, dates, ids resolved in the
  registry with the right kind, every quote verbatim in its text (and offsets when given);
- claims sharing a key (mandate, membership, candidacy, campaign role) never give two different
  values to a single-valued field; programme claims never give two values to a programme date.

Exit status 0 when everything passes; prints counts by claim type.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
STR_TAG = "tag:yaml.org,2002:str"

errors: list[str] = []


def err(where: str, msg: str) -> None:
    errors.append(f"{where}: {msg}")


# --------------------------------------------------------------------------- strict YAML
class Node:
    """A scalar with its line and whether it was quoted."""

    def __init__(self, value: str, line: int, plain: bool, tag: str):
        self.value, self.line, self.plain, self.tag = value, line, plain, tag

    def __repr__(self) -> str:  # pragma: no cover
        return repr(self.value)


def load(path: Path):
    text = path.read_text(encoding="utf-8")
    if "\t" in text:
        err(str(path), f"tab on line {text[:text.index(chr(9))].count(chr(10)) + 1}")
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            err(str(path), f"anchor/alias on line {event.start_mark.line + 1}")
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    return convert(node, path) if node is not None else None


def convert(node, path: Path):
    if isinstance(node, yaml.ScalarNode):
        plain = node.style is None
        tag = (yaml.SafeLoader.resolve(yaml.SafeLoader, yaml.ScalarNode, node.value, (True, False))
               if plain else STR_TAG)
        return Node(node.value, node.start_mark.line + 1, plain, tag)
    if isinstance(node, yaml.SequenceNode):
        return [convert(n, path) for n in node.value]
    out: dict = {}
    for k, v in node.value:
        if k.value in out:
            err(str(path), f"duplicate key '{k.value}' on line {k.start_mark.line + 1}")
        out[k.value] = convert(v, path)
    out["__line__"] = node.start_mark.line + 1
    return out


def text_of(n, where: str, field: str, *, free: bool = False) -> str | None:
    if not isinstance(n, Node):
        err(where, f"'{field}' must be a scalar")
        return None
    if free and n.plain:
        err(where, f"'{field}' is free text and must be quoted (line {n.line})")
    elif n.plain and n.tag != STR_TAG:
        err(where, f"'{field}' = {n.value!r} would be read as {n.tag.rsplit(':', 1)[-1]} "
                   f"(line {n.line}): quote it")
    return n.value


def id_of(n, where: str, field: str) -> str | None:
    v = text_of(n, where, field)
    if v is not None and not ID_RE.match(v):
        err(where, f"'{field}' = {v!r} is not a valid id")
    return v


def date_of(n, where: str, field: str, *, unknown_ok: bool = False) -> str | None:
    if not isinstance(n, Node):
        err(where, f"'{field}' must be a scalar date")
        return None
    v = n.value
    if unknown_ok and v == "unknown":
        return v
    if not DATE_RE.match(v):
        err(where, f"'{field}' = {v!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        return None
    if not n.plain:
        err(where, f"'{field}' date should be written unquoted")
    parts = [int(p) for p in v.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        err(where, f"'{field}' = {v!r} is not a real date")
    return v


def id_list(n, where: str, field: str) -> list[str]:
    if not isinstance(n, list):
        err(where, f"'{field}' must be a list of ids")
        return []
    return [x for x in (id_of(i, where, field) for i in n) if x]


# --------------------------------------------------------------------------- registry
KINDS = {
    "organisations": {"government", "ministry", "advisory-council", "party", "company",
                      "public-agency", "local-government", "media"},
    "programmes": {"fund", "public-service", "charter", "strategy", "label", "visa", "tour",
                   "network", "initiative", "platform"},
}
REG_FIELDS = {
    "persons": {"id", "label", "label_en", "aliases", "misspellings", "wikidata"},
    "organisations": {"id", "label", "label_en", "kind", "aliases", "misspellings", "wikidata"},
    "posts": {"id", "label", "label_en", "organisation", "reports_to", "aliases", "misspellings"},
    "programmes": {"id", "label", "label_en", "kind", "part_of", "aliases", "misspellings"},
    "elections": {"id", "label", "label_en", "date", "aliases", "misspellings"},
}


def check_registry(path: Path) -> dict[str, set[str]]:
    reg = load(path) or {}
    ids: dict[str, set[str]] = {k: set() for k in REG_FIELDS}
    seen: set[str] = set()
    for section, allowed in REG_FIELDS.items():
        for entry in reg.get(section, []) or []:
            where = f"{path.name}:{entry.get('__line__')}"
            unknown = set(entry) - allowed - {"__line__", "description", "description_en"}
            if unknown:
                err(where, f"unknown field(s) {sorted(unknown)}")
            eid = id_of(entry.get("id"), where, "id")
            if eid is None:
                continue
            if eid in ids[section]:
                err(where, f"duplicate {section} id {eid}")
            if eid in seen:
                err(where, f"id {eid} used in two sections (allowed, but avoided in this set)")
            ids[section].add(eid)
            seen.add(eid)
            if "label" not in entry:
                err(where, "label is required")
            for f in ("label", "label_en", "description", "description_en"):
                if f in entry:
                    text_of(entry[f], where, f, free=True)
            for f in ("aliases", "misspellings"):
                if f in entry:
                    for a in entry[f]:
                        text_of(a, where, f, free=True)
            if section in KINDS:
                kind = text_of(entry.get("kind"), where, "kind") if "kind" in entry else None
                if kind not in KINDS[section]:
                    err(where, f"kind {kind!r} not in {sorted(KINDS[section])}")
            if section == "elections" and "date" in entry:
                date_of(entry["date"], where, "date")
    for entry in reg.get("posts", []) or []:
        where = f"{path.name}:{entry.get('__line__')}"
        org = entry.get("organisation")
        if org is None or org.value not in ids["organisations"]:
            err(where, f"post {entry['id'].value}: organisation missing or unknown")
        if "reports_to" in entry and entry["reports_to"].value not in ids["posts"]:
            err(where, f"reports_to {entry['reports_to'].value} is not a post")
    for entry in reg.get("programmes", []) or []:
        if "part_of" in entry and entry["part_of"].value not in ids["programmes"]:
            err(f"{path.name}:{entry.get('__line__')}", "part_of is not a programme")
    return ids


# --------------------------------------------------------------------------- sources
def check_source(meta_path: Path, ids) -> str | None:
    meta = load(meta_path) or {}
    where = meta_path.name
    allowed = {"id", "title", "publisher", "url", "published", "modified", "retrieved",
               "language", "sha256", "__line__"}
    if set(meta) - allowed:
        err(where, f"unknown field(s) {sorted(set(meta) - allowed)}")
    if id_of(meta.get("id"), where, "id") != meta_path.stem:
        err(where, "id must equal the file stem")
    text_of(meta.get("title"), where, "title", free=True)
    pub = text_of(meta.get("publisher"), where, "publisher")
    if pub != "unknown" and pub not in ids["organisations"]:
        err(where, f"publisher {pub} not an organisation of the registry")
    url = text_of(meta.get("url"), where, "url")
    if url != "unknown" and not re.match(r"^https?://", url or ""):
        err(where, "url must be http(s) or unknown")
    for f in ("published", "modified", "retrieved"):
        if f in meta:
            date_of(meta[f], where, f, unknown_ok=True)
    if text_of(meta.get("language"), where, "language") != "fr":
        err(where, "language must be fr")
    txt = meta_path.with_suffix(".txt")
    if not txt.exists():
        err(where, "missing .txt")
        return None
    raw = txt.read_bytes()
    if hashlib.sha256(raw).hexdigest() != text_of(meta.get("sha256"), where, "sha256"):
        err(where, "sha256 does not match the .txt")
    return raw.decode("utf-8")


# --------------------------------------------------------------------------- claims
PERSON, ORG, POST, PROG, ELEC = "persons", "organisations", "posts", "programmes", "elections"
ENUMS = {
    "end_reason": {"resignation", "dismissal", "end-of-term", "government-change",
                   "appointment-elsewhere", "candidacy", "other"},
    "mandate_state": {"ongoing", "ended", "ending"},
    "candidacy_state": {"declared", "expected", "withdrawn"},
    "modality": {"asserted", "expected"},
    "bound": {"exact", "minimum", "approximate"},
}
# field -> (kind): 'id:<section>', 'ids:<section>', 'date', 'text', 'enum:<name>', 'key', 'budget'
TYPES = {
    "mandate": ({"holder", "post"}, {
        "holder": "id:persons", "post": "id:posts", "key": "key", "start": "date",
        "end": "date", "end_decided": "date", "end_reason": "enum:end_reason",
        "state": "enum:mandate_state", "predecessor": "id:persons", "successor": "id:persons",
        "appointed_by": "id:persons"}),
    "membership": ({"member", "organisation"}, {
        "member": "id:persons", "organisation": "id:organisations", "key": "key",
        "start": "date", "end": "date", "role": "text"}),
    "candidacy": ({"candidate"}, {
        "candidate": "id:persons", "election": "id:elections", "office": "id:posts",
        "investiture_of": "id:organisations", "key": "key", "announced": "date",
        "state": "enum:candidacy_state"}),
    "campaign_role": ({"person", "role"}, {
        "person": "id:persons", "role": "text", "candidate": "id:persons",
        "election": "id:elections", "organisation": "id:organisations", "key": "key",
        "start": "date", "end": "date", "modality": "enum:modality"}),
    "programme": ({"programme"}, {
        "programme": "id:programmes", "launched_by": "ids:persons+organisations",
        "announced": "date", "launched": "date", "planned_launch": "date", "presented": "date",
        "signed": "date", "results_presented": "date", "results_event": "text",
        "budget": "budget", "partners": "ids:organisations", "signatories": "ids:organisations",
        "non_signatories": "ids:organisations", "part_of": "id:programmes"}),
    "person": ({"person"}, {"person": "id:persons", "description": "text", "occupation": "text"}),
    "organisation": ({"organisation"}, {
        "organisation": "id:organisations", "founded_by": "ids:persons", "description": "text"}),
}
COMMON = {"id", "type", "quotes", "note", "confidence", "produced_by", "__line__"}


def default_key(ctype: str, c: dict) -> str | None:
    v = {k: (x.value if isinstance(x, Node) else x) for k, x in c.items()}
    if "key" in v:
        return v["key"]
    if ctype == "mandate":
        return f"{v['holder']}--{v['post']}"
    if ctype == "membership":
        return f"{v['member']}--{v['organisation']}"
    if ctype == "candidacy":
        return f"{v['candidate']}--{v.get('election') or v.get('office')}"
    if ctype == "campaign_role":
        return (f"{v['person']}--{v.get('candidate') or v.get('organisation')}--"
                f"{v.get('election') or v.get('start')}")
    return None


def check_claims(path: Path, text: str | None, ids, claim_ids: set[str], facts, counts):
    doc = load(path) or {}
    where0 = path.name
    if set(doc) - {"source", "status", "claims", "__line__"}:
        err(where0, f"unknown top-level field(s) {sorted(set(doc) - {'source', 'status', 'claims', '__line__'})}")
    if id_of(doc.get("source"), where0, "source") != path.stem:
        err(where0, "source must equal the file stem")
    if text_of(doc.get("status"), where0, "status") != "reviewed":
        err(where0, "gold claims must have status: reviewed")
    claims = doc.get("claims")
    if not isinstance(claims, list):
        err(where0, "claims must be a list (claims: [] when there are none)")
        return
    for c in claims:
        where = f"{path.name}:{c.get('__line__')}"
        cid = id_of(c.get("id"), where, "id")
        if cid in claim_ids:
            err(where, f"claim id {cid} not unique across the set")
        claim_ids.add(cid)
        ctype = text_of(c.get("type"), where, "type")
        if ctype not in TYPES:
            err(where, f"unknown type {ctype}")
            continue
        counts[ctype] += 1
        required, fields = TYPES[ctype]
        for f in required - set(c):
            err(where, f"{ctype} requires '{f}'")
        for f in set(c) - set(fields) - COMMON:
            err(where, f"field '{f}' not allowed on {ctype}")
        if "confidence" in c or "produced_by" in c:
            err(where, "confidence/produced_by are for proposed claims only")
        if "note" in c:
            text_of(c["note"], where, "note", free=True)
        for f, kind in fields.items():
            if f not in c:
                continue
            n = c[f]
            if kind == "date":
                date_of(n, where, f)
            elif kind == "text":
                text_of(n, where, f, free=True)
            elif kind == "key":
                id_of(n, where, f) if "--" not in (n.value or "") else None
            elif kind.startswith("enum:"):
                v = text_of(n, where, f)
                if v not in ENUMS[kind[5:]]:
                    err(where, f"{f} = {v!r} not in {sorted(ENUMS[kind[5:]])}")
            elif kind.startswith("id:"):
                v = id_of(n, where, f)
                if v and v not in ids[kind[3:]]:
                    err(where, f"{f} = {v} is not in registry {kind[3:]}")
            elif kind.startswith("ids:"):
                sections = kind[4:].split("+")
                for v in id_list(n, where, f):
                    if not any(v in ids[s] for s in sections):
                        err(where, f"{f}: {v} is not in registry {'/'.join(sections)}")
            elif kind == "budget":
                if not isinstance(n, dict) or "amount" not in n or "currency" not in n:
                    err(where, "budget needs amount and currency")
                    continue
                if set(n) - {"amount", "currency", "bound", "period", "__line__"}:
                    err(where, "unknown budget field")
                a = n["amount"]
                if not a.plain or a.tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") \
                        or float(a.value) <= 0:
                    err(where, "budget.amount must be an unquoted number > 0")
                if not re.match(r"^[A-Z]{3}$", n["currency"].value):
                    err(where, "budget.currency must be ISO 4217")
                if "bound" in n and n["bound"].value not in ENUMS["bound"]:
                    err(where, "budget.bound invalid")
                if "period" in n:
                    date_of(n["period"], where, "budget.period")
        quotes = c.get("quotes")
        if not isinstance(quotes, list) or not quotes:
            err(where, "quotes must be a non-empty list")
            quotes = []
        for q in quotes:
            if isinstance(q, dict):
                qt = text_of(q.get("text"), where, "quotes.text", free=True)
                if text is not None and qt is not None and "start" in q:
                    s, e = int(q["start"].value), int(q["end"].value)
                    if text[s:e] != qt:
                        err(where, f"offsets {s}-{e} do not select the quote")
            else:
                qt = text_of(q, where, "quote", free=True)
            if text is not None and qt is not None and qt not in text:
                err(where, f"quote not verbatim in the text: {qt!r}")
        if ctype == "programme" and "part_of" in c and "programme" in c:
            pass
        key = default_key(ctype, c) if ctype in ("mandate", "membership", "candidacy",
                                                  "campaign_role") else None
        if key:
            facts[(ctype, key)].append((where, c))
        if ctype == "programme" and "programme" in c:
            facts[("programme", c["programme"].value)].append((where, c))


SINGLE = {
    "mandate": ["holder", "post", "start", "end", "end_decided", "end_reason", "state",
                "predecessor", "successor", "appointed_by"],
    "membership": ["start", "end", "role"],
    "candidacy": ["election", "office", "investiture_of", "announced", "state"],
    "campaign_role": ["role", "candidate", "election", "organisation", "start", "end",
                      "modality"],
    "programme": ["announced", "launched", "planned_launch", "presented", "signed",
                  "results_presented", "results_event", "part_of"],
}


def check_contradictions(facts) -> None:
    for (ctype, key), items in facts.items():
        for field in SINGLE[ctype]:
            values = {}
            for where, c in items:
                if field in c:
                    values.setdefault(c[field].value, where)
            if len(values) > 1:
                err(f"{ctype} {key}", f"contradictory '{field}': {values}")


def main() -> int:
    ids = check_registry(HERE / "registry.yaml")
    texts: dict[str, str | None] = {}
    for meta in sorted((HERE / "sources").glob("*.yaml")):
        texts[meta.stem] = check_source(meta, ids)
    for txt in sorted((HERE / "sources").glob("*.txt")):
        if txt.stem not in texts:
            err(txt.name, "text without metadata")
    claim_ids: set[str] = set()
    facts: dict = defaultdict(list)
    counts: Counter = Counter()
    claim_files = sorted((HERE / "claims").glob("*.yaml"))
    for cf in claim_files:
        if cf.stem not in texts:
            err(cf.name, "claims file without a source")
        check_claims(cf, texts.get(cf.stem), ids, claim_ids, facts, counts)
    for sid in texts:
        if not (HERE / "claims" / f"{sid}.yaml").exists():
            err(sid, "source without a claims file")
    check_contradictions(facts)
    # every registry entity (except publishers) used by some claim or metadata?
    print(f"{len(texts)} sources, {len(claim_files)} claim files, {sum(counts.values())} claims")
    for t in TYPES:
        print(f"  {t:14s} {counts[t]}")
    if errors:
        print(f"\n{len(errors)} problem(s):")
        for e in errors:
            print("  " + e)
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
