"""Entity resolution: link a mention to a registry entity, or propose a new one.

* **Names** are compared by :func:`kgbuild.registry.normalise_name` (case, accents, apostrophes,
  spaces), over every name an entity goes by (label, English label, aliases, misspellings);
  civilities (M., Mme) and inverted decree names (« Marchal (Étienne) ») are undone first.
* **Misspelt persons** (« Majhoubi » for « Mahjoubi », « Dufresnoi ») are matched by
  Damerau-Levenshtein distance on the surname: at most 1 edit (2 for surnames of 10 letters or
  more), the first name, when written, must be the same, and the match must be unique — two
  registry persons within reach means no link rather than a false merge.
* **Post titles** are compared as a :class:`PostKey`: the title (a closed list of French
  public-office titles, gender folded: directrice → directeur, préfète → préfet) and the set of
  content words of its complement, with organisation names replaced by their ids and the
  connectors (« chargé de », « en charge de », « au », « à la », « auprès de », articles) dropped.
  Two keys match when the titles are equal and one word set contains the other, so
  « secrétaire d'État au Numérique » = « secrétaire d'État chargé du numérique » and
  « secrétaire d'État chargée de la Mer » = « secrétaire d'État auprès du ministre de la
  Transition écologique, chargé de la Mer », but not « ... de l'Économie et des Finances ».
* A mention that matches nothing becomes a **new entity** with a slug id that never collides
  with a registry id (suffixed -2, -3, ... when needed), its French label and a guessed kind.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz.distance import DamerauLevenshtein

from ..registry import Entity, Registry, normalise_name

CIVILITIES = ("m", "mme", "mlle", "monsieur", "madame", "mr", "me", "dr", "pr")
_INVERTED = re.compile(r"^\s*(?:(?:M\.|Mme|Mlle)\s+)?([^()]+?)\s*\(([^()]+)\)\s*$")

# Titles of public offices, in folded masculine form, longest first when matched.
TITLES = [
    "premier ministre", "ministre delegue", "ministre d'etat", "ministre",
    "secretaire d'etat", "secretaire general adjoint", "secretaire general",
    "secretaire national", "haut-commissaire", "haut commissaire",
    "vice-president", "president du directoire", "president du conseil de surveillance",
    "president-directeur general", "president directeur general", "president",
    "directeur general adjoint", "directeur general delegue", "directeur general",
    "directeur adjoint de cabinet", "directeur de cabinet", "directeur adjoint",
    "directeur financier", "directeur des systemes d'information", "directeur", "sous-directeur",
    "delegue interministeriel", "delegue general", "delegue", "premier adjoint au maire",
    "adjoint au maire", "maire", "depute europeen", "depute", "senateur", "sous-prefet", "prefet",
    "conseiller regional", "conseiller departemental", "conseiller municipal",
    "conseiller communautaire", "conseiller maitre", "conseiller d'etat", "conseiller",
    "chef de cabinet", "chef du service", "chef de service", "chef de la mission",
    "ambassadeur", "commissaire", "gouverneur", "rapporteur general", "inspecteur general",
    "dirigeant", "administrateur general", "procureur", "mediateur", "defenseur des droits",
]
_TITLE_TOKENS = sorted((tuple(t.replace("'", "' ").split()) for t in TITLES),
                       key=len, reverse=True)
TITLE_FIRST_WORDS = frozenset(t[0] for t in _TITLE_TOKENS)

_FEMININE = {
    "directrice": "directeur", "generale": "general", "adjointe": "adjoint",
    "presidente": "president", "vice-presidente": "vice-president", "prefete": "prefet",
    "sous-prefete": "sous-prefet", "conseillere": "conseiller", "deleguee": "delegue",
    "deputee": "depute", "senatrice": "senateur", "cheffe": "chef", "chargee": "charge",
    "regionale": "regional", "departementale": "departemental", "municipale": "municipal",
    "communautaire": "communautaire", "financiere": "financier", "nationale": "national",
    "interministerielle": "interministeriel", "administratrice": "administrateur",
    "ambassadrice": "ambassadeur", "gouverneure": "gouverneur", "inspectrice": "inspecteur",
    "rapporteure": "rapporteur", "dirigeante": "dirigeant", "mediatrice": "mediateur",
    "europeenne": "europeen", "ancienne": "ancien", "premiere": "premier", "nommee": "nomme",
    "procureure": "procureur", "patronne": "patron", "suppleante": "suppleant",
    "deleguees": "delegues", "commissaire": "commissaire", "defenseure": "defenseur",
    "presidente-directrice": "president-directeur", "haute-commissaire": "haut-commissaire",
}
# Feminine surface forms of title words, for writing labels in the masculine (registry style).
FEMININE_SURFACE = {
    "directrice": "directeur", "générale": "général", "adjointe": "adjoint",
    "présidente": "président", "vice-présidente": "vice-président", "préfète": "préfet",
    "sous-préfète": "sous-préfet", "conseillère": "conseiller", "déléguée": "délégué",
    "députée": "député", "sénatrice": "sénateur", "cheffe": "chef", "chargée": "chargé",
    "régionale": "régional", "départementale": "départemental", "municipale": "municipal",
    "financière": "financier", "interministérielle": "interministériel",
    "administratrice": "administrateur", "ambassadrice": "ambassadeur",
    "inspectrice": "inspecteur", "rapporteure": "rapporteur", "dirigeante": "dirigeant",
    "médiatrice": "médiateur", "européenne": "européen", "secrétaire": "secrétaire",
    "nationale": "national", "première": "premier", "procureure": "procureur",
    "haute-commissaire": "haut-commissaire",
}
_CONNECTORS = frozenset(
    "de du des d' la le les l' au aux a en charge charges aupres et pour sur dans un une son sa "
    "ses leur chez par opposition majorite sortant".split())
_LEADING = frozenset("le la les l' un une son sa ses leur ancien ex ex- futur nouveau actuel "
                     "jusqu'ici aujourd'hui".split())


def fold_words(text: str) -> list[str]:
    """Folded tokens of a title: lower case, no accents, elisions split (« d'etat » → d' etat)."""
    return list(_fold_words(text))


@functools.lru_cache(maxsize=65536)
def _fold_words(text: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"(\b[dljnsc]|qu)'", r"\1' ", text)
    return tuple(re.sub(r"[^\w@'\- ]+", " ", text).split())


def masculine(word: str) -> str:
    return _FEMININE.get(word, word)


@dataclass(frozen=True)
class PostKey:
    """A post title reduced for matching: the title and the content words of its complement."""

    head: str
    words: frozenset

    def matches(self, other: PostKey) -> bool:
        if self.head != other.head:
            return False
        if not self.words or not other.words:
            return False
        return self.words <= other.words or other.words <= self.words

    def overlap(self, other: PostKey) -> float:
        union = self.words | other.words
        return len(self.words & other.words) / len(union) if union else 1.0


def split_title(words: list[str]) -> tuple[str | None, list[str]]:
    """(title, rest) when the folded words start with a known title, else (None, words)."""
    words = [masculine(w) for w in words]
    if words and words[0].startswith("ex-") and len(words[0]) > 3:
        words = [masculine(words[0][3:]), *words[1:]]
    while words and words[0] in _LEADING:
        words = words[1:]
    for title in _TITLE_TOKENS:
        if tuple(words[:len(title)]) == title:
            return " ".join(title).replace("' ", "'"), words[len(title):]
    return None, words


def post_key(text: str, org_names: OrgNameIndex | None = None) -> PostKey | None:
    """The :class:`PostKey` of a post title, or None when it does not start with a title."""
    words = fold_words(text)
    if org_names is not None:
        words = org_names.replace(words)
    head, rest = split_title(words)
    if head is None:
        return None
    content = frozenset(w for w in rest if w not in _CONNECTORS and len(w) > 1 or
                        w.startswith("@"))
    return PostKey(head, content)


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("@", " at "))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return re.sub(r"-+", "-", slug) or "entity"


_SLUG_STOP = frozenset("de du des d la le les l au aux a en et un une pour sur par".split())
MAX_ID_WORDS = 6
MAX_ID_CHARS = 48


def short_slug(text: str) -> str:
    """A short, readable id for a proposed post, organisation or programme: the slug without
    articles and prepositions, at most :data:`MAX_ID_WORDS` words and :data:`MAX_ID_CHARS`
    characters (cut at a word boundary). « directeur général de l'Agence régionale de l'eau
    du Sud-Ouest » → ``directeur-general-agence-regionale-eau-sud``."""
    words = [w for w in slugify(text).split("-") if w not in _SLUG_STOP] or \
        slugify(text).split("-")
    out: list[str] = []
    for word in words[:MAX_ID_WORDS]:
        if out and len("-".join(out + [word])) > MAX_ID_CHARS:
            break
        out.append(word)
    return "-".join(out)[:MAX_ID_CHARS].strip("-") or "entity"


def clean_label(label: str) -> str:
    """A proposed entity's label without what belongs to the sentence rather than to the name:
    a parenthesised abbreviation or remark (an alias, not part of the label), a leading
    « ex- » / « ancien(ne) », trailing punctuation and connectors."""
    label = re.sub(r"\s*\([^()]*\)", "", label)
    label = re.sub(r"^(?:ex-|ex\s+|ancienne\s+|ancien\s+)", "", label.strip(), flags=re.I)
    label = re.sub(r"[\s,;:.!?«»\"'’\-–—]+$", "", label)
    label = re.sub(r"\s+(?:et|ou|de|du|des|d'|d’|la|le|les|l'|l’|à|au|aux|en|par)$", "",
                   label, flags=re.I)
    return re.sub(r"\s{2,}", " ", label).strip()


def elide(pattern_prefix: str, name: str) -> str:
    """« Commune de » + « Angers » → « Commune d'Angers » (elision before a vowel or h)."""
    if pattern_prefix.endswith(" de") and re.match(r"[aeiouyhàâéèêîôûAEIOUYHÀÂÉÈÊÎÔÛ]", name):
        return pattern_prefix[:-3] + " d'" + name
    return f"{pattern_prefix} {name}"


def strip_civility(name: str) -> str:
    name = " ".join(name.split())
    inverted = _INVERTED.match(name)
    if inverted:
        surname, first = inverted.groups()
        name = f"{first.strip()} {surname.strip()}"
    parts = name.split(" ")
    while parts and parts[0].rstrip(".").lower() in CIVILITIES and len(parts) > 1:
        parts = parts[1:]
    return " ".join(parts)


class OrgNameIndex:
    """Replaces organisation names inside folded word lists by ``@id`` tokens."""

    def __init__(self, names: dict[tuple[str, ...], str]):
        self.names = names
        self.lengths = sorted({len(k) for k in names}, reverse=True)

    def replace(self, words: list[str]) -> list[str]:
        out, i = [], 0
        while i < len(words):
            for size in self.lengths:
                key = tuple(words[i:i + size])
                if len(key) == size and key in self.names:
                    out.append("@" + self.names[key])
                    i += size
                    break
            else:
                out.append(words[i])
                i += 1
        return out


@dataclass
class NewEntity:
    kind: str
    id: str
    label: str
    aliases: list[str] = field(default_factory=list)
    misspellings: list[str] = field(default_factory=list)
    attrs: dict = field(default_factory=dict)
    used: bool = False

    def names(self) -> list[str]:
        return [self.label, *self.aliases, *self.misspellings]

    def to_dict(self) -> dict:
        entry = {"id": self.id, "label": self.label}
        if self.aliases:
            entry["aliases"] = list(dict.fromkeys(self.aliases))
        if self.misspellings:
            entry["misspellings"] = list(dict.fromkeys(self.misspellings))
        entry.update({k: v for k, v in self.attrs.items() if v is not None})
        return entry


ORG_KINDS = [  # (first words of the name, folded) -> organisation kind
    (("ministere", "secretariat"), "ministry"),
    (("gouvernement",), "government"),
    (("assemblee", "senat", "parlement"), "government"),
    (("parti", "mouvement", "alliance", "union pour", "rassemblement", "les republicains",
      "la republique en marche", "front", "europe ecologie"), "party"),
    (("conseil regional", "conseil departemental", "conseil municipal", "commune", "ville",
      "mairie", "region", "departement", "metropole", "communaute", "federation des communes",
      "association des maires"), "local-government"),
    (("conseil", "haut conseil", "comite", "commission", "observatoire"), "advisory-council"),
    (("agence", "office", "caisse", "institut", "etablissement", "direction", "delegation",
      "mission", "autorite", "centre national", "prefecture", "sous-prefecture", "cour",
      "banque publique", "inspection", "service"), "public-agency"),
    (("journal", "quotidien", "hebdomadaire", "magazine", "radio", "tele", "lettre",
      "mensuel", "revue"), "media"),
]
PROGRAMME_KINDS = [
    (("fonds",), "fund"), (("plan", "strategie", "feuille de route"), "strategy"),
    (("label",), "label"), (("charte", "pacte", "accord", "convention"), "charter"),
    (("reseau", "communautes"), "network"), (("plateforme", "interface", "portail",
                                              "application", "site", "fichier"), "platform"),
    (("tour",), "tour"), (("visa",), "visa"),
    (("pass", "guichet", "service", "cheque", "dispositif"), "public-service"),
]


def guess_kind(name: str, table, default: str) -> str:
    folded = " ".join(fold_words(name))
    folded = re.sub(r"^(l'|la|le|les) ", "", folded)
    for prefixes, kind in table:
        if folded.startswith(prefixes):
            return kind
    return default


class RegistryIndex:
    """Name indexes over a registry, built once and shared by every document."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self.by_name: dict[str, dict[str, set[str]]] = {}
        self.surnames: dict[str, set[str]] = {}
        self.person_names: list[tuple[str, str, str]] = []  # (first, surname, id), folded
        self.gender: dict[str, str] = {}  # from civilities in the registry's names
        org_names: dict[tuple[str, ...], str] = {}
        for entity in registry.entities.values():
            index = self.by_name.setdefault(entity.kind, {})
            for name in self.names_of(entity):
                index.setdefault(normalise_name(name), set()).add(entity.id)
            if entity.kind == "person":
                for name in entity.names:
                    self._add_person_name(strip_civility(name), entity.id)
                    first = name.split(" ")[0].rstrip(".").lower()
                    if first in ("mme", "madame", "mlle"):
                        self.gender[entity.id] = "f"
                    elif first in ("m", "monsieur"):
                        self.gender[entity.id] = "m"
            if entity.kind == "organisation":
                for name in entity.names:
                    words = _strip_article(fold_words(name))
                    if words:
                        org_names[tuple(words)] = entity.id
        self.orgs = OrgNameIndex(org_names)
        self.post_keys: dict[str, list[PostKey]] = {}
        for post in registry.of_kind("post"):
            keys = [post_key(name, self.orgs) for name in post.names]
            self.post_keys[post.id] = [k for k in keys if k is not None]

    @staticmethod
    def names_of(entity: Entity) -> list[str]:
        names = list(entity.names)
        if entity.kind == "person":
            names += [strip_civility(n) for n in entity.names]
        if entity.kind == "programme":
            for name in entity.names:
                head, _, rest = name.partition(" ")
                distinctive = len(rest.split()) >= 2 or any(
                    c.isupper() or c.isdigit() or c == "@" for c in rest[1:])
                if rest and guess_kind(head, PROGRAMME_KINDS, "") and rest[:1].isupper() and \
                        distinctive:  # « Océan Avenir » alone, but not « Numérique » alone
                    names.append(rest)
        return names

    def _add_person_name(self, name: str, entity_id: str) -> None:
        parts = normalise_name(name).split()
        if len(parts) == 1:
            self.surnames.setdefault(parts[0], set()).add(entity_id)
        elif parts:
            self.person_names.append((parts[0], " ".join(parts[1:]), entity_id))


def _strip_article(words: list[str]) -> list[str]:
    while words and words[0] in ("l'", "la", "le", "les"):
        words = words[1:]
    return words


_CACHE: dict[int, tuple[Registry, RegistryIndex]] = {}


def registry_index(registry: Registry) -> RegistryIndex:
    cached = _CACHE.get(id(registry))
    if cached is None or cached[0] is not registry:
        cached = (registry, RegistryIndex(registry))
        _CACHE.clear()
        _CACHE[id(registry)] = cached
    return cached[1]


class Resolver:
    """Resolution for one document: the registry's indexes plus the entities it proposes."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self.index = registry_index(registry)
        self.new: dict[str, NewEntity] = {}
        self.new_names: dict[str, dict[str, str]] = {}  # kind -> normalised name -> id
        self.new_persons: list[tuple[str, str, str]] = []
        self.new_surnames: dict[str, set[str]] = {}
        self.orgs = OrgNameIndex(dict(self.index.orgs.names))

    # -- generic ------------------------------------------------------------------------------
    def entity(self, entity_id: str):
        return self.registry.get(entity_id) or self.new.get(entity_id)

    def kind_of(self, entity_id: str) -> str | None:
        entity = self.entity(entity_id)
        return entity.kind if entity else None

    def label(self, entity_id: str) -> str:
        entity = self.entity(entity_id)
        return entity.label if entity else entity_id

    def attr(self, entity_id: str, name: str):
        entity = self.entity(entity_id)
        if entity is None:
            return None
        return entity.attrs.get(name)

    def lookup(self, kind: str, name: str) -> str | None:
        key = normalise_name(name)
        if not key:
            return None
        found = self.index.by_name.get(kind, {}).get(key)
        if found and len(found) == 1:
            return next(iter(found))
        return self.new_names.get(kind, {}).get(key)

    def propose(self, entity_kind: str, label: str, /, **attrs) -> str:
        base = slugify(label) if entity_kind in ("person", "election") else short_slug(label)
        candidate, n = base, 1
        while candidate in self.registry.entities or candidate in self.new:
            n += 1
            candidate = f"{base}-{n}"
        entity = NewEntity(entity_kind, candidate, label, attrs=dict(attrs))
        self.new[candidate] = entity
        if entity_kind == "organisation":
            self._index_org(label, candidate)
        self.new_names.setdefault(entity_kind, {})[normalise_name(label)] = candidate
        return candidate

    def add_name(self, entity_id: str, name: str, *, misspelt: bool = False) -> None:
        entity = self.new.get(entity_id)
        if entity is None or normalise_name(name) in map(normalise_name, entity.names()):
            return
        (entity.misspellings if misspelt else entity.aliases).append(name)
        self.new_names.setdefault(entity.kind, {})[normalise_name(name)] = entity_id
        if entity.kind == "organisation":
            self._index_org(name, entity_id)

    def _index_org(self, name: str, entity_id: str) -> None:
        words = _strip_article(fold_words(name))
        if words:
            self.orgs.names[tuple(words)] = entity_id
            self.orgs.lengths = sorted({len(k) for k in self.orgs.names}, reverse=True)

    def mark_used(self, entity_id: str | None) -> None:
        entity = self.new.get(entity_id) if entity_id else None
        if entity is not None and not entity.used:
            entity.used = True
            for key in ("organisation", "part_of"):
                self.mark_used(entity.attrs.get(key))

    def proposed_entities(self) -> dict[str, list[dict]]:
        sections = {"person": "persons", "organisation": "organisations", "post": "posts",
                    "programme": "programmes", "election": "elections"}
        out: dict[str, list[dict]] = {}
        for entity in self.new.values():
            if entity.used:
                out.setdefault(sections[entity.kind], []).append(entity.to_dict())
        return {section: out[section] for section in sections.values() if section in out}

    # -- persons ------------------------------------------------------------------------------
    def person(self, name: str, *, create: bool = True) -> str | None:
        """The person called ``name`` (registry first, then this document), or a new one."""
        clean = strip_civility(name)
        found = self.lookup("person", clean) or self.lookup("person", name)
        if found:
            return found
        parts = normalise_name(clean).split()
        if not parts:
            return None
        if len(parts) == 1:
            ids = set(self.index.surnames.get(parts[0], ())) | self.new_surnames.get(parts[0],
                                                                                    set())
            if len(ids) == 1:
                return next(iter(ids))
            fuzzy = self._fuzzy_surname(parts[0])
            if fuzzy:
                self.add_name(fuzzy, clean, misspelt=True)
            return fuzzy
        fuzzy = self._fuzzy_person(parts[0], " ".join(parts[1:]))
        if fuzzy:
            self.add_name(fuzzy, clean, misspelt=True)
            return fuzzy
        if not create:
            return None
        new_id = self.propose("person", clean)
        self.new_persons.append((parts[0], " ".join(parts[1:]), new_id))
        self.new_surnames.setdefault(" ".join(parts[1:]), set()).add(new_id)
        return new_id

    @staticmethod
    def _close(a: str, b: str) -> bool:
        if a == b:
            return True
        limit = 2 if max(len(a), len(b)) >= 10 else 1
        return min(len(a), len(b)) >= 5 and DamerauLevenshtein.distance(a, b) <= limit

    def _fuzzy_person(self, first: str, surname: str) -> str | None:
        hits = {pid for f, s, pid in self.index.person_names + self.new_persons
                if f == first and self._close(s, surname)}
        return next(iter(hits)) if len(hits) == 1 else None

    def _fuzzy_surname(self, surname: str) -> str | None:
        hits = {pid for _, s, pid in self.index.person_names + self.new_persons
                if self._close(s, surname)}
        hits |= {pid for s, ids in self.index.surnames.items() if self._close(s, surname)
                 for pid in ids}
        return next(iter(hits)) if len(hits) == 1 else None

    # -- organisations ------------------------------------------------------------------------
    def organisation(self, name: str, *, create: bool = True, abbreviation: str | None = None
                     ) -> str | None:
        tail = re.match(r"^(.*\S)\s*\(([^()]{2,12})\)\s*$", name)
        if tail and abbreviation is None:
            name, abbreviation = tail.group(1), tail.group(2)
        words = _strip_article(fold_words(name))
        candidates = [name, " ".join(words)]
        if abbreviation:
            candidates.append(abbreviation)
        for candidate in candidates:
            found = self.lookup("organisation", candidate)
            if found:
                return found
        if not create or not words:
            return None
        label = re.sub(r"\s*\([^)]*\)\s*$", "", _strip_surface_article(name))
        label = re.sub(r"^ministre ", "ministère ", label, flags=re.I)
        label = label[:1].upper() + label[1:]
        new_id = self.propose("organisation", label,
                              kind=guess_kind(label, ORG_KINDS, "company"))
        if abbreviation:
            self.add_name(new_id, abbreviation)
        return new_id

    # -- programmes ---------------------------------------------------------------------------
    def programme(self, name: str, *, kind_word: str | None = None, create: bool = True
                  ) -> str | None:
        names = [name]
        if kind_word:
            names.insert(0, f"{kind_word} {name}")
        for candidate in names:
            found = self.lookup("programme", candidate)
            if found:
                return found
        if not create:
            return None
        label = f"{kind_word} {name}" if kind_word else name
        new_id = self.propose("programme", label,
                              kind=guess_kind(kind_word or name, PROGRAMME_KINDS, "initiative"))
        if kind_word:
            self.add_name(new_id, name)
        return new_id

    # -- posts --------------------------------------------------------------------------------
    def post_key(self, text: str) -> PostKey | None:
        return post_key(text, self.orgs)

    def post(self, text: str, *, org: str | None = None) -> str | None:
        """The registry (or proposed) post titled ``text``; ``org`` helps a bare title."""
        key = self.post_key(text)
        if key is None:
            return None
        if org and not key.words:
            key = PostKey(key.head, frozenset({"@" + org}))
        best, best_score, tie = None, -1.0, False
        for post_id, keys in self._all_post_keys():
            for candidate in keys:
                if key.matches(candidate) or (org and candidate.head.startswith(key.head) and
                                              self.attr(post_id, "organisation") == org and
                                              key.words <= {"@" + org}):
                    score = key.overlap(candidate) + (candidate.head == key.head)
                    if score > best_score:
                        best, best_score, tie = post_id, score, False
                    elif score == best_score and post_id != best:
                        tie = True
        return None if tie else best

    def _all_post_keys(self):
        yield from self.index.post_keys.items()
        for entity in self.new.values():
            if entity.kind == "post":
                yield entity.id, [k for k in (self.post_key(n) for n in entity.names()) if k]

    def top_post(self, org: str, verb: str) -> str | None:
        """The post at the head of ``org``: « prend la tête de », « préside », « dirigée par »."""
        order = (["president", "president du directoire", "president-directeur general"]
                 if verb == "preside" else
                 ["directeur general", "directeur", "president", "president du directoire",
                  "delegue interministeriel", "delegue general", "delegue", "maire", "chef"])
        ranked = []
        for post_id, keys in self._all_post_keys():
            if self.attr(post_id, "organisation") != org or self.attr(post_id, "reports_to"):
                continue
            for key in keys:
                if key.head in order:
                    ranked.append((order.index(key.head), post_id))
        ranked.sort()
        if ranked and (len(ranked) == 1 or ranked[0][0] < ranked[1][0]
                       or ranked[0][1] == ranked[1][1]):
            return ranked[0][1]
        return None

    def new_post(self, label: str, organisation: str) -> str:
        label = clean_label(label)
        found = self.lookup("post", label)
        if found:
            return found
        return self.propose("post", label, organisation=organisation)

    # -- elections ----------------------------------------------------------------------------
    def election(self, words: set[str], kind_word: str | None) -> str | None:
        """The registry election whose label holds the kind word and the most place words."""
        best, best_score = None, 0
        for election in self.registry.of_kind("election"):
            label_words = set(fold_words(" ".join(election.names)))
            label_words = {w.rstrip("s") for w in label_words}
            if kind_word and kind_word.rstrip("s") not in label_words:
                continue
            score = len({w.rstrip("s") for w in words} & label_words)
            if score > best_score:
                best, best_score = election.id, score
        return best


def _strip_surface_article(name: str) -> str:
    return re.sub(r"^(?:l['’]|la |le |les |du |des |de la |de l['’]|d['’]|de )", "",
                  name.strip(), flags=re.I)


def masculine_label(text: str) -> str:
    """A post title in the masculine, as the registry writes it: only the title words change."""
    words = text.split(" ")
    out, in_title = [], True
    for word in words:
        low = word.lower()
        if in_title and low in FEMININE_SURFACE:
            out.append(FEMININE_SURFACE[low] if word.islower() else
                       FEMININE_SURFACE[low].capitalize())
            continue
        if low in ("de", "du", "des", "d'", "d’", "au", "aux", "à", "auprès") or \
                low.startswith(("d'", "d’", "l'", "l’")):
            in_title = low in ("chargée", "chargé")
        if low == "chargée":
            out.append("chargé")
            continue
        out.append(word)
    return " ".join(out)


__all__ = ["PostKey", "Resolver", "RegistryIndex", "clean_label", "fold_words",
           "masculine_label", "post_key", "short_slug", "slugify", "strip_civility"]
