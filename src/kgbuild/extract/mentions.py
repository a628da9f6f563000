"""Mentions: where a document names a person, an organisation, a post, a programme, a date or
an amount, each linked (by :mod:`.resolve`) to a registry entity or a proposed new one.

* persons: the registry's names (a spaCy ``PhraseMatcher`` on accent- and case-folded tokens),
  decree names « M. Marchal (Étienne) », and the ``PER`` entities of the model;
* organisations: the registry's names, « Nom de l'organisme (SIGLE) » (the start of the name is
  found by the initials of the words, so « Union des ports de plaisance de l'Atlantique (UPPA) »
  is one name), and ``ORG`` entities that start with an institution noun (Agence, Office, ...);
  anaphors « l'agence », « la structure », « l'instance » point to the last organisation;
* posts: a closed list of public-office titles (:data:`.resolve.TITLES`) followed by their
  complement (« de ... », « chargé de ... », « auprès de ... »), with the words before them that
  change their meaning: « ancien », « ex- » (former), « jusqu'ici » (ending), « son/sa »;
* programmes: the registry's names, a programme noun followed by a name (« le fonds Océan
  Avenir », « un appel à projets « Ports décarbonés » », « la plateforme numérique
  DécarboDiag »), and anaphors (« ce fonds », « le plan »);
* dates (:mod:`.frdates`) and amounts (« doté de près de 40 millions d'euros », « 1,2
  milliard »).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .frdates import DateMention, find_dates, fold
from .resolve import (TITLE_FIRST_WORDS, Resolver, elide, fold_words, masculine,
                      split_title)

ORG_HEADS = frozenset(
    "agence office caisse institut etablissement direction delegation conseil haut-conseil "
    "commission comite autorite federation union alliance mouvement parti association "
    "fondation ministere secretariat mission observatoire centre cour tribunal banque "
    "assemblee senat prefecture sous-prefecture region departement commune ville metropole "
    "communaute syndicat confederation groupe societe entreprise universite ecole "
    "inspection service chambre".split())
ORG_ANAPHORS = frozenset("agence office instance structure etablissement delegation caisse "
                         "institut organisme fondation federation ministere parti".split())
PROGRAMME_NOUNS = {  # folded noun -> programme kind words it may refer back to
    "fonds": "fund", "plan": "strategy", "programme": None, "label": "label",
    "charte": "charter", "reseau": "network", "plateforme": "platform", "strategie": "strategy",
    "dispositif": None, "initiative": "initiative", "pass": "public-service",
    "guichet": "public-service", "tour": "tour", "fichier": "platform", "interface": "platform",
    "volet": None, "appel": "initiative", "service": "public-service", "pacte": "charter",
    "defi": "initiative", "portail": "platform", "visa": "visa", "prix": None,
}
_FUNCTION = frozenset("de du des d' la le les l' a au aux et pour en sur par".split())
_PERSON_STOP = frozenset("le la les un une ce cette son sa".split())
_QUOTES = {"«": "»", '"': '"', "“": "”"}


@dataclass(eq=False)
class Mention:
    kind: str  # person | organisation | post | programme | election
    start: int
    end: int
    text: str
    id: str | None
    i: int  # first token
    j: int  # token after the last
    sent: int
    flags: set = field(default_factory=set)  # former, ending, possessive, bare, anaphor, ...
    data: dict = field(default_factory=dict)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<{self.kind} {self.id} {self.text!r} {sorted(self.flags)}>"


@dataclass
class Amount:
    start: int
    end: int
    text: str
    value: Decimal
    currency: str
    bound: str
    i: int
    sent: int


_AMOUNT = re.compile(
    r"(?P<bound>pres de |pres d'|environ |quelque |plus de |au moins |un peu plus de "
    r"|jusqu'a |autour de |moins de |un peu moins de )?"
    r"(?P<num>\d{1,3}(?:[ \u00a0\u202f.]\d{3})+|\d+(?:,\d+)?)\s?"
    r"(?P<unit>milliards?|millions?|mds?|md|m|k|mille)?\s?"
    r"(?P<cur>d'euros|euros?|eur|€|de dollars|dollars|\$)?(?![\w])")
_BOUNDS = {"pres de ": "approximate", "pres d'": "approximate", "environ ": "approximate",
           "quelque ": "approximate", "autour de ": "approximate", "plus de ": "minimum",
           "au moins ": "minimum", "un peu plus de ": "minimum"}
_UNITS = {"milliard": 10 ** 9, "milliards": 10 ** 9, "md": 10 ** 9, "mds": 10 ** 9,
          "million": 10 ** 6, "millions": 10 ** 6, "m": 10 ** 6, "k": 10 ** 3, "mille": 10 ** 3}


def find_amounts(text: str) -> list[tuple[int, int, Decimal, str, str]]:
    """(start, end, value, currency, bound) of every sum of money in ``text``."""
    folded = fold(text)
    found = []
    for match in _AMOUNT.finditer(folded):
        unit, cur = match.group("unit"), match.group("cur")
        if not cur and unit not in ("milliard", "milliards", "million", "millions"):
            continue
        if not cur:  # « doté de 400 millions » : euros when the text speaks of euros nearby
            window = folded[max(0, match.start() - 300):match.end() + 300]
            if "euro" not in window and "€" not in window:
                continue
        number = match.group("num").replace(",", ".")
        number = re.sub(r"[ \u00a0\u202f]", "", number)
        if number.count(".") > 1 or (unit is None and "." in number and
                                     len(number.split(".")[-1]) == 3):
            number = number.replace(".", "")
        try:
            value = Decimal(number) * _UNITS.get(unit or "", 1)
        except ArithmeticError:  # pragma: no cover
            continue
        if value <= 0:
            continue
        currency = "USD" if cur and ("dollar" in cur or "$" in cur) else "EUR"
        bound = _BOUNDS.get(match.group("bound") or "", "exact")
        start = match.start("num") if not match.group("bound") else match.start()
        found.append((start, match.end(), value.normalize(), currency, bound))
    return found


class Analysis:
    """One analysed document: the spaCy doc, its sentences and every mention in it."""

    def __init__(self, doc, source, resolver: Resolver, matcher):
        self.doc = doc
        self.text = doc.text
        self.source = source
        self.published = source.published
        self.resolver = resolver
        self.sents = sentences(doc)
        self.sent_of = [0] * len(doc)
        for n, sent in enumerate(self.sents):
            for token in sent:
                self.sent_of[token.i] = n
        self.folded = [fold(t.text) for t in doc]
        self.mentions: list[Mention] = []
        self.dates: list[tuple[DateMention, int, int]] = []  # (mention, root token, sent)
        self.amounts: list[Amount] = []
        self.gender: dict[str, str] = dict(resolver.index.gender)
        self.context_years: tuple[int, ...] = ()
        self._taken = [None] * len(doc)
        self._find_registry(matcher)
        self._find_decree_names()
        self._find_abbreviated_orgs()
        self._find_persons()
        self._find_orgs()
        self._find_programmes()
        self._find_posts()
        self._find_dates()
        self._find_amounts()
        self.mentions.sort(key=lambda m: (m.start, -m.end))
        self._by_sentence = None

    # -- helpers ------------------------------------------------------------------------------
    def add(self, kind, i, j, entity_id, flags=(), **data) -> Mention | None:
        if i >= j or any(self._taken[k] is not None for k in range(i, j)):
            return None
        span = self.doc[i:j]
        mention = Mention(kind, span.start_char, span.end_char, span.text, entity_id, i, j,
                          self.sent_of[i], set(flags), dict(data))
        for k in range(i, j):
            self._taken[k] = mention
        self.mentions.append(mention)
        self._by_sentence = None
        return mention

    def mention_at(self, i: int) -> Mention | None:
        return self._taken[i] if 0 <= i < len(self._taken) else None

    _by_sentence = None

    def in_sentence(self, n: int, kind: str | None = None) -> list[Mention]:
        if self._by_sentence is None:
            index: dict[int, list[Mention]] = {}
            for m in sorted(self.mentions, key=lambda m: (m.start, -m.end)):
                index.setdefault(m.sent, []).append(m)
            self._by_sentence = index
        found = self._by_sentence.get(n, [])
        return found if kind is None else [m for m in found if m.kind == kind]

    def before(self, i: int, kind: str, *, skip=lambda m: False) -> Mention | None:
        best = None
        for m in self.mentions:
            if m.kind == kind and m.j <= i and m.id and not skip(m):
                if best is None or m.start > best.start:
                    best = m
        return best

    # -- registry names -----------------------------------------------------------------------
    def _find_registry(self, matcher) -> None:
        import spacy.util

        for token, folded in zip(self.doc, self.folded):
            token.norm_ = folded
        spans = []
        for match_id, start, end in matcher(self.doc):
            label = self.doc.vocab.strings[match_id]
            kind, _, entity_id = label.partition(":")
            span = self.doc[start:end]
            span.label_ = label
            spans.append(span)
        for span in spacy.util.filter_spans(spans):
            kind, _, entity_id = span.label_.partition(":")
            if kind == "post":
                continue  # posts are read by the title scanner, which knows their complement
            self.add(kind, span.start, span.end, entity_id, {"registry"})

    # -- persons ------------------------------------------------------------------------------
    _DECREE = re.compile(r"\b(?:M\.|Mme|Mlle) ([A-ZÉÈÊÀÂÎÔÛÇ][\w’'-]+(?: [A-ZÉÈ][\w’'-]+)*)"
                         r" \(([A-ZÉÈÊÀÂÎÔÛÇ][\w-]+(?:[ -][A-ZÉÈ][\w-]+)*)\)")

    def _find_decree_names(self) -> None:
        for match in self._DECREE.finditer(self.text):
            span = self.doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is None:
                continue
            name = f"{match.group(2)} {match.group(1)}"
            person = self.resolver.person(name)
            civility = self.doc[span.start]
            self._note_gender(person, civility.text)
            self.add("person", span.start, span.end, person, {"decree"})

    def _find_persons(self) -> None:
        for ent in self.doc.ents:
            if ent.label_ != "PER":
                continue
            i, j = ent.start, ent.end
            while i < j and (self.doc[i].is_space or self.doc[i].is_punct):
                i += 1
            civility = None
            if i < j and fold(self.doc[i].text).rstrip(".") in ("m", "mme", "mlle"):
                civility = self.doc[i].text
                i += 1
            while j > i and (self.doc[j - 1].is_space or self.doc[j - 1].is_punct or
                             "\n" in self.doc[j - 1].text):
                j -= 1
            for k in range(i, j):  # a line break ends a name
                if "\n" in self.doc[k].text_with_ws:
                    j = k + 1
                    break
            if i >= j or any(self._taken[k] is not None for k in range(i, j)):
                continue
            words = [t for t in self.doc[i:j] if not t.is_punct]
            if not words or not all(t.text[:1].isupper() for t in words):
                continue
            if fold(words[0].text) in _PERSON_STOP or self.folded[i] in ORG_HEADS:
                continue
            if split_title([masculine(w) for w in fold_words(self.doc[i:j].text)])[0]:
                continue
            name = self.doc[i:j].text
            person = self.resolver.person(name, create=len(words) >= 2)
            if person is None:
                continue
            if civility is None and i > 0 and fold(self.doc[i - 1].text).rstrip(".") in (
                    "m", "mme", "mlle"):
                civility = self.doc[i - 1].text
            self._note_gender(person, civility)
            self.add("person", i, j, person)
        # registry persons found by name get their civility too
        for m in self.mentions:
            if m.kind == "person" and m.i > 0:
                self._note_gender(m.id, self.doc[m.i - 1].text)

    def _note_gender(self, person: str | None, civility: str | None) -> None:
        if not person or not civility:
            return
        folded = fold(civility).rstrip(".")
        if folded in ("mme", "mlle", "madame"):
            self.gender.setdefault(person, "f")
        elif folded in ("m", "monsieur"):
            self.gender.setdefault(person, "m")

    # -- organisations ------------------------------------------------------------------------
    def _find_abbreviated_orgs(self) -> None:
        doc = self.doc
        for k, token in enumerate(doc):
            if token.text != "(" or k + 2 >= len(doc) or doc[k + 2].text != ")":
                continue
            abbr = doc[k + 1].text
            if not (2 <= len(abbr) <= 12 and abbr[0].isupper() and
                    sum(c.isupper() for c in abbr) >= 2):
                continue
            start = self._name_start(k, abbr)
            if start is None:
                continue
            name = doc[start:k].text
            if self.folded[start] in PROGRAMME_NOUNS:
                continue
            existing = self.mention_at(start)
            if existing is not None:
                if existing.kind == "organisation" and existing.j == k:
                    self._extend(existing, k + 3)
                continue
            org = self.resolver.organisation(name, abbreviation=abbr)
            mention = self.add("organisation", start, k + 3, org, {"abbreviated"})
            if mention is not None:
                self.resolver.add_name(org, abbr)

    def _name_start(self, k: int, abbr: str) -> int | None:
        """The first token of the name before « (SIGLE) », chosen by the sigle's initials."""
        doc = self.doc
        letters = fold(abbr).replace("-", "").replace("&", "")
        best = None
        i = k - 1
        while i >= 0 and k - i <= 14:
            token = doc[i]
            if token.is_punct or token.is_space or token.pos_ in ("VERB", "AUX", "PRON"):
                break
            if token.text[:1].isupper():
                words = [fold(t.text) for t in doc[i:k] if not t.is_punct]
                initials = "".join(w[0] for w in words
                                   if w not in ("de", "du", "des", "d'", "la", "le", "les", "l'",
                                                "et", "a", "au", "aux", "en"))
                every = "".join(w[0] for w in words if w not in ("l'", "d'"))
                if initials and initials[0] == letters[0] and (
                        _subsequence(letters, initials) or _subsequence(letters, every)):
                    best = i
            i -= 1
        if best is None and k - 1 >= 0 and doc[k - 1].text[:1].isupper():
            j = k - 1
            while j - 1 >= 0 and doc[j - 1].text[:1].isupper() and not doc[j - 1].is_punct:
                j -= 1
            if self.folded[j] in ORG_HEADS:
                best = j
        return best

    def _extend(self, mention: Mention, j: int) -> None:
        for k in range(mention.j, j):
            inner = self._taken[k]
            if inner is not None and inner is not mention and inner in self.mentions:
                self.mentions.remove(inner)
                self._by_sentence = None
            self._taken[k] = mention
        mention.j = j
        mention.end = self.doc[j - 1].idx + len(self.doc[j - 1])
        mention.text = self.text[mention.start:mention.end]

    def _find_orgs(self) -> None:
        for ent in self.doc.ents:
            if ent.label_ not in ("ORG", "MISC", "LOC"):
                continue
            i, j = ent.start, ent.end
            while j > i and (self.doc[j - 1].is_space or self.doc[j - 1].is_punct):
                j -= 1
            if i >= j or self.folded[i] not in ORG_HEADS or j - i < 2:
                continue
            if any(self._taken[k] is not None for k in range(i, j)):
                continue
            if not self.doc[i].text[:1].isupper():
                continue
            org = self.resolver.organisation(self.doc[i:j].text)
            self.add("organisation", i, j, org, {"ner"})
        # anaphors: « l'agence », « la structure », « l'instance », « l'établissement public »
        for token in self.doc:
            folded = self.folded[token.i]
            if folded in ORG_ANAPHORS and token.text.islower() and token.i > 0 and \
                    self.folded[token.i - 1] in ("l'", "la", "le", "cette", "cet"):
                if self._taken[token.i] is not None:
                    continue
                j = token.i + 1
                if j < len(self.doc) and self.folded[j] == "public":
                    j += 1
                if j < len(self.doc) and self.folded[j] in ("de", "d'", "du", "des"):
                    continue  # « le conseil d'administration de ... » is not an anaphor
                target = self._org_antecedent(token.i, folded)
                if target is None:
                    continue
                self.add("organisation", token.i, j, target.id, {"anaphor"})

    def _org_antecedent(self, i: int, noun: str) -> Mention | None:
        candidates = [m for m in self.mentions if m.kind == "organisation" and m.id and
                      m.j <= i and "anaphor" not in m.flags and "in-post" not in m.flags and
                      not set(self.folded[max(0, m.i - 2):m.i]) & {
                          "rue", "place", "quai", "avenue", "boulevard"}]
        if not candidates:
            return None
        candidates.sort(key=lambda m: m.start)
        for m in reversed(candidates):
            label = self.resolver.label(m.id)
            if fold_words(label)[:1] == [noun]:
                return m
        return candidates[-1]

    # -- programmes ---------------------------------------------------------------------------
    def _find_programmes(self) -> None:
        doc = self.doc
        for token in doc:
            noun = self.folded[token.i]
            if noun not in PROGRAMME_NOUNS or self._taken[token.i] is not None:
                continue
            if token.pos_ not in ("NOUN", "PROPN"):
                continue
            i = token.i
            j = i + 1
            kind_words = [token.text]
            if noun == "appel" and j + 1 < len(doc) and self.folded[j] == "a" and \
                    self.folded[j + 1] == "projets":
                kind_words = ["appel à projets"]
                j += 2
            # optional adjectives: « la plateforme numérique DécarboDiag »
            while j < len(doc) and doc[j].pos_ == "ADJ" and doc[j].text.islower() and \
                    j - i < 4 and not doc[j].is_punct:
                j += 1
            # « le réseau des Maisons du littoral »
            if j + 1 < len(doc) and self.folded[j] in ("des", "du") and \
                    doc[j + 1].text[:1].isupper():
                j += 1
            name = self._programme_name(j)
            if name is None and noun in ("charte", "pacte") and j < len(doc) and \
                    self.folded[j] in ("pour", "de", "du", "des", "sur", "en"):
                name = self._lowercase_name(j)  # « la charte pour un littoral accessible »
            if name is None and token.text[:1].isupper() and i > 0 and \
                    self.folded[i - 1] in ("le", "la", "l'", "du", "au", "un", "une", "de"):
                name = self._programme_name(i, started=True)
                if name is not None:
                    kind_words = []
            if name is None:
                if doc[i].text.islower() and i > 0 and self.folded[i - 1] in (
                        "ce", "cet", "cette", "le", "la", "l'", "du", "au", "sa", "son") and \
                        noun not in ("appel", "prix"):
                    self._programme_anaphor(i)
                continue
            a, b, quoted = name
            label_name = self.text[doc[a].idx:doc[b - 1].idx + len(doc[b - 1])]
            if quoted:
                label_name = label_name.strip("«»\"“” \u00a0")
            start = i if kind_words else a
            if any(self._taken[k] is not None for k in range(start, b)):
                existing = self.mention_at(a)
                if existing is not None and existing.kind == "programme":
                    self._extend_left(existing, start)
                continue
            kind_word = kind_words[0].lower() if kind_words else None
            prog = self.resolver.programme(label_name, kind_word=kind_word)
            flags = {"component"} if noun in ("volet", "appel") else set()
            self.add("programme", start, b, prog, flags, kind_noun=noun)
        for m in self.mentions:  # registry programmes: remember the noun before them
            if m.kind == "programme" and "registry" in m.flags and m.i > 0:
                m.data.setdefault("kind_noun", self.folded[m.i - 1]
                                  if self.folded[m.i - 1] in PROGRAMME_NOUNS else
                                  self.folded[m.i])
                if self.folded[m.i - 1] in ("volet", "appel") or \
                        (m.i > 2 and self.folded[m.i - 1] == "projets"):
                    m.flags.add("component")

    def _extend_left(self, mention: Mention, i: int) -> None:
        if i >= mention.i or any(self._taken[k] is not None for k in range(i, mention.i)):
            return
        for k in range(i, mention.i):
            self._taken[k] = mention
        mention.i = i
        mention.start = self.doc[i].idx
        mention.text = self.text[mention.start:mention.end]

    def _programme_name(self, j: int, started: bool = False):
        """(first, end, quoted) of a programme name starting at token ``j``, or None."""
        doc = self.doc
        if j >= len(doc):
            return None
        if doc[j].text in _QUOTES:
            close = _QUOTES[doc[j].text]
            for k in range(j + 1, min(len(doc), j + 16)):
                if doc[k].text == close:
                    if k > j + 1 and (doc[j + 1].text[:1].isupper() or
                                      doc[j + 1].text[:1].isdigit()):
                        return (j, k + 1, True)
                    return None
            return None
        first = doc[j]
        if not started and not (first.text[:1].isupper() and first.pos_ in ("PROPN", "NOUN",
                                                                              "ADJ", "X")):
            return None
        if first.text.isupper() and len(first.text) <= 5 and not started:
            return None  # « le fonds ANCL » is not a name
        k = j + 1
        end = k
        while k < len(doc) and k - j < 9:
            token = doc[k]
            folded = self.folded[k]
            if token.is_punct and token.text not in ("-", "@") or token.is_space or \
                    "\n" in doc[k - 1].whitespace_:
                break
            if token.pos_ in ("VERB", "AUX", "PRON", "SCONJ", "NUM") or folded in (
                    "pour", "qui", "dont", "en", "avec", "sur", "par", "dans", "lors"):
                break
            if token.pos_ in ("ADP", "DET") or folded in _FUNCTION:
                k += 1
                continue
            k += 1
            end = k
        return (j, end, False)

    def _lowercase_name(self, j: int):
        doc = self.doc
        k, end = j, j
        while k < len(doc) and k - j < 8:
            token = doc[k]
            if token.is_punct or token.is_space or token.pos_ in ("VERB", "AUX", "PRON",
                                                                  "SCONJ"):
                break
            k += 1
            if self.folded[k - 1] not in _FUNCTION and token.pos_ not in ("DET", "ADP"):
                end = k
        return (j, end, False) if end > j + 1 else None

    def _programme_anaphor(self, i: int) -> None:
        noun = self.folded[i]
        wanted = PROGRAMME_NOUNS.get(noun)
        target = None
        for m in reversed(self.mentions):
            if m.kind != "programme" or m.j > i or not m.id or "anaphor" in m.flags:
                continue
            kind = self.resolver.attr(m.id, "kind")
            if wanted is None or kind == wanted or m.data.get("kind_noun") == noun:
                if target is None or m.start > target.start:
                    target = m
        if target is None:  # no programme of that kind: the one just named, if any
            recent = [m for m in self.mentions if m.kind == "programme" and m.id and m.j <= i
                      and "anaphor" not in m.flags and self.sent_of[i] - m.sent <= 2]
            target = max(recent, key=lambda m: m.start) if recent else None
        if target is None:
            return
        self.add("programme", i, i + 1, target.id, {"anaphor"}, kind_noun=noun)

    # -- posts --------------------------------------------------------------------------------
    def _find_posts(self) -> None:
        doc = self.doc
        k = 0
        while k < len(doc):
            found = self._title_at(k)
            if found is None:
                k += 1
                continue
            i, j_title, flags = found
            j = self._complement_end(j_title, i)
            text = doc[i:j].text
            if any(self._taken[x] is not None and self._taken[x].kind in ("person",)
                   for x in range(i, j)):
                k += 1
                continue
            after = [self.folded[x] for x in range(j_title, min(j, j_title + 2))]
            if after[:1] in (["d'un"], ["d'une"]) or after[:2] in (["d'", "un"], ["d'", "une"],
                                                                  ["de", "plusieurs"]):
                k = j
                continue  # « directeur d'une entreprise »: not a public office
            if {"campagne", "soutien"} & {self.folded[x] for x in range(j_title, j)}:
                k = j
                continue  # campaign roles are not posts (rule: campaign-role)
            self._mark_orgs_in_post(i, j)
            feminine = any(self.folded[x] != masculine(self.folded[x])
                           for x in range(i, j_title))
            flags |= {"feminine"} if feminine else set()
            bare = j == j_title
            if bare:
                flags.add("bare")
            if "office" in flags:  # « la mairie de X » names the post « maire de X »
                text = "maire " + doc[j_title:j].text
            post = self._resolve_post(text, flags, i)
            mention = self._take_post(i, j, post, flags, title_end=j_title)
            if mention is not None:
                mention.data["title_text"] = text
            k = j

    def _title_at(self, k: int):
        doc = self.doc
        token = doc[k]
        if self.folded[k] == "mairie" and k + 1 < len(doc) and self.folded[k + 1] in ("de", "d'"):
            return k, k + 1, {"office"}
        if self._taken[k] is not None and self._taken[k].kind != "organisation":
            return None
        if token.pos_ == "VERB" and "Inf" in token.morph.get("VerbForm"):
            return None
        flags = set()
        words = []
        first = self.folded[k]
        if token.is_punct or token.is_space or not fold_words(first):
            return None
        if masculine(first[3:] if first.startswith("ex-") else first) not in TITLE_FIRST_WORDS:
            return None
        if first.startswith("ex-"):
            flags.add("former")
            first = first[3:]
        words.append(first)
        words += [self.folded[x] for x in range(k + 1, min(len(doc), k + 6))]
        words = [w2 for w in words for w2 in fold_words(w)]
        head, rest = split_title(words)
        if head is None or not words or masculine(words[0]) in ("le", "la", "les", "l'", "un",
                                                                "une", "son", "sa", "ses",
                                                                "ancien", "futur", "nouveau",
                                                                "actuel"):
            return None
        n_words = len(head.replace("'", "' ").split())
        # map folded words back to tokens
        j, consumed = k, 0
        while j < len(doc) and consumed < n_words:
            consumed += len(fold_words(self.folded[j] if j != k else first)) or 1
            j += 1
        # words before the title
        b = k - 1
        while b >= 0 and self.folded[b] in ("le", "la", "l'", "les", "un", "une", "son", "sa",
                                            "ses", "leur", "premier", "premiere", "nouveau",
                                            "nouvelle", "actuel", "actuelle", "futur", "future",
                                            "ancien", "ancienne", "ex", "-", "ici",
                                            "jusqu'", "jusqu'ici"):
            word = self.folded[b]
            if word in ("ancien", "ancienne", "ex"):
                flags.add("former")
            elif word in ("ici", "jusqu'ici"):
                flags.add("ending")
            elif word in ("son", "sa", "ses", "leur"):
                flags.add("possessive")
            elif word in ("futur", "future", "nouveau", "nouvelle"):
                flags.add("future")
            b -= 1
        if head == "conseiller" and j < len(doc) and self.folded[j] in ("le", "la", "les",
                                                                        "l'"):
            return None  # « conseiller le gouvernement »: the verb
        if j < len(doc) and self.folded[j] in ("sortant", "sortante"):
            flags.add("outgoing")
        return k, j, flags

    _STOP_COMPLEMENT = frozenset(
        "depuis jusqu' jusqu'au jusqu'en pour lors avec comme qui que dont ou puis entre sortant "
        "sortante "
        "selon apres avant pendant durant sous si mais car donc".split())

    def _complement_end(self, j: int, i: int | None = None) -> int:
        doc = self.doc
        end = j
        k = j
        while k < len(doc) and k - j < 16:
            token = doc[k]
            folded = self.folded[k]
            taken = self._taken[k]
            if taken is not None and taken.kind == "person":
                break
            if "\n" in doc[k - 1].whitespace_ or token.is_space:
                break
            if token.text == "(":
                if k + 2 < len(doc) and doc[k + 2].text == ")":
                    k += 3
                    end = k
                    continue
                break
            if token.text == "," and k + 1 < len(doc) and self.folded[k + 1] in (
                    "charge", "chargee", "charges"):
                k += 1
                continue
            if token.is_punct and token.text not in ("-",):
                break
            if folded in self._STOP_COMPLEMENT or token.pos_ in ("VERB", "AUX", "PRON",
                                                                 "SCONJ", "NUM", "ADV") and \
                    folded not in ("charge", "chargee", "aupres", "delegue", "deleguee"):
                break
            if folded == "en" and not (k + 1 < len(doc) and self.folded[k + 1] == "charge"):
                break
            if folded in ("le", "la", "l'") and k + 1 < len(doc) and \
                    doc[k + 1].like_num:
                break
            if folded == "et":
                nxt = self.folded[k + 1] if k + 1 < len(doc) else ""
                after = doc[k + 2] if k + 2 < len(doc) else None
                if not (nxt in ("des", "de", "du", "la", "l'") and after is not None and
                        after.text[:1].isupper()):
                    break
            if folded in _FUNCTION or folded in ("aupres", "d'un", "d'une") or \
                    token.pos_ in ("DET", "CCONJ") or \
                    token.pos_ == "ADP" and len(folded) <= 4:
                k += 1
                continue
            if token.pos_ in ("PROPN",) and token.text[:1].isupper() and \
                    k > j and self.folded[k - 1] not in _FUNCTION and \
                    not doc[k - 1].text.endswith("-") and \
                    taken is None and folded not in ("etat",):
                break  # « le sénateur du Finistère Paul-Henri Kerjean »
            if token.pos_ != "ADJ" and token.text.islower() and k > j and \
                    folded not in _FUNCTION and folded not in ("charge", "chargee", "aupres") \
                    and doc[k - 1].pos_ in ("NOUN", "PROPN") and \
                    self.folded[k - 1] not in _FUNCTION and k - 1 >= j:
                break  # « la secrétaire d'État chargée de la Mer multiplie ... »
            k += 1
            end = k
        return self._syntactic_end(j if i is None else i, j, end)

    # dependencies that open a clause or an adjunct, never part of a post's name
    _KEEP_WORDS = frozenset("charge chargee charges aupres delegue deleguee".split())
    _CUT_DEPS = frozenset("acl acl:relcl advcl obl:agent obl:mod advmod parataxis".split())

    def _syntactic_end(self, i: int, j: int, end: int) -> int:
        """Trim a complement ``doc[j:end]`` by syntax: it stops at the first phrase that the
        parser attaches outside the title and its complement (« ... (AREO) par un arrêté »,
        where « arrêté » depends on « nommée ») or that opens a clause or an adjunct (relative
        clause, agent, temporal modifier). The first phrase after the title is kept even when
        the parser hangs it on the verb (« nommée directrice de l'Office ... », « de l'Office »
        as ``obl:arg`` of « nommée »), a frequent misattachment."""
        doc = self.doc
        if end <= j:
            return end
        inside = set(range(i, end))  # the title and its complement
        first_phrase_end = None
        for x in range(j, end):
            token = doc[x]
            if token.is_punct:
                continue
            anchor = token.head if token.dep_ in ("case", "det", "fixed", "flat:name") \
                else token
            if anchor.i not in inside or self.folded[anchor.i] in self._KEEP_WORDS or \
                    any(self.folded[h.i] in self._KEEP_WORDS for h in anchor.ancestors
                        if h.i in inside and h.i >= j):
                continue
            if first_phrase_end is None:
                first_phrase_end = anchor.right_edge.i + 1 if anchor.head.i not in inside \
                    else x + 1  # the first complement is kept
                continue
            if x < first_phrase_end:
                continue
            if token.text[:1].isupper() and x - 1 >= j and doc[x - 1].text[:1].isupper() \
                    and not doc[x - 1].is_punct:
                continue  # a name goes on (« la Mission French Tech »), whatever the parse
            if anchor.head.i not in inside or anchor.dep_ in self._CUT_DEPS:
                cut = min(x, anchor.left_edge.i)
                cut = max(cut, j)
                while cut > j and doc[cut - 1].is_punct and doc[cut - 1].text != ")":
                    cut -= 1
                return cut
        return end

    def _mark_orgs_in_post(self, i: int, j: int) -> None:
        for x in range(i, j):
            m = self._taken[x]
            if m is not None and m.kind == "organisation":
                m.flags.add("in-post")

    def _take_post(self, i: int, j: int, post: str | None, flags: set, title_end: int):
        inner = {self._taken[x] for x in range(i, j) if self._taken[x] is not None}
        for m in inner:  # an organisation inside a post title stays known to the post
            m.flags.add("in-post")
        for x in range(i, j):
            self._taken[x] = None
        orgs = [m.id for m in inner if m.kind == "organisation" and m.id]
        return self.add("post", i, j, post, flags, orgs=orgs, title_end=title_end)

    def _resolve_post(self, text: str, flags: set, i: int) -> str | None:
        resolver = self.resolver
        if "bare" in flags:
            if "possessive" in flags:
                org = self.before(i, "organisation", skip=lambda m: "in-post" in m.flags)
                if org is not None:
                    return resolver.post(text, org=org.id)
            key = resolver.post_key(text)
            completed = self._complete_bare(key, i)
            if completed is not None:
                return completed
            # the same title earlier in the document
            for m in reversed(self.mentions):
                if m.kind == "post" and m.id and m.start < self.doc[i].idx and key is not None:
                    other = resolver.post_key(m.text)
                    if other is not None and other.head == key.head:
                        return m.id
            return None
        key = resolver.post_key(text)
        if key is not None and not key.words:  # « conseillère municipale d'opposition »
            return self._resolve_post(text, flags | {"bare"}, i)
        post = resolver.post(text)
        if post is None:
            post = self._new_post(text)
        return post

    _MUNICIPAL = ("maire", "adjoint au maire", "premier adjoint au maire", "conseiller municipal")

    def _complete_bare(self, key, i: int) -> str | None:
        """A bare title completed by its context: « la députée X » in a sentence about « la 1re
        circonscription du Morbihan »; « conseillère municipale » in an article about « la
        mairie de Saint-Nazaire » (the place of the last municipal title)."""
        from .resolve import PostKey, fold_words

        if key is None:
            return None
        sent = self.sents[self.sent_of[i]]
        words = self.folded[sent.start:sent.end]
        if key.head in ("depute", "senateur") and "circonscription" in words:
            k = words.index("circonscription")
            phrase = [w for x in words[max(0, k - 1):k + 4] for w in fold_words(x)]
            content = frozenset(w for w in phrase if w not in ("de", "du", "la", "l'", "d'",
                                                              "des", "le") and w.isalnum()
                                or w == "1re")
            return self._best_post(PostKey(key.head, content))
        if key.head in self._MUNICIPAL:
            for m in reversed(self.mentions):
                if m.kind != "post" or not m.id or m.start >= self.doc[i].idx:
                    continue
                other = self.resolver.post_key(m.data.get("title_text", m.text))
                if other is not None and other.head in self._MUNICIPAL and other.words:
                    return self._best_post(PostKey(key.head, other.words))
        return None

    def _best_post(self, key) -> str | None:
        best, best_score = None, 0.0
        for post_id, keys in self.resolver._all_post_keys():
            for candidate in keys:
                if key.matches(candidate):
                    score = key.overlap(candidate)
                    if score > best_score:
                        best, best_score = post_id, score
        return best

    def _new_post(self, text: str) -> str | None:
        from .resolve import clean_label, masculine_label

        resolver = self.resolver
        key = resolver.post_key(text)
        if key is None or not key.words:
            return None
        text = clean_label(text)
        label = masculine_label(text[:1].lower() + text[1:] if not text[:2].isupper()
                                else text)
        label = re.sub(r"\s*\([^)]*\)$", "", label)
        org = self._organisation_for(key, text)
        if org is None:
            return None
        return resolver.new_post(label, org)

    def _organisation_for(self, key, text: str) -> str | None:
        resolver = self.resolver
        orgs = [w[1:] for w in key.words if w.startswith("@")]
        if orgs:
            return orgs[0]
        place = _complement(text)
        table = {
            "maire": ("Commune de {}", "local-government"),
            "adjoint au maire": ("Commune de {}", "local-government"),
            "premier adjoint au maire": ("Commune de {}", "local-government"),
            "conseiller municipal": ("Commune de {}", "local-government"),
            "conseiller regional": ("Conseil régional {}", "local-government"),
            "conseiller departemental": ("Conseil départemental {}", "local-government"),
            "prefet": ("Préfecture {}", "public-agency"),
            "sous-prefet": ("Sous-préfecture {}", "public-agency"),
        }
        if key.head in ("depute",):
            return resolver.organisation("Assemblée nationale", create=True)
        if key.head in ("senateur",):
            return resolver.organisation("Sénat", create=True)
        if key.head in ("ministre", "ministre delegue", "secretaire d'etat", "premier ministre",
                        "ministre d'etat"):
            for org in resolver.registry.of_kind("organisation"):
                if org.attrs.get("kind") == "government":
                    return org.id
            return resolver.organisation("Gouvernement français", create=True)
        if key.head in table and place:
            pattern, _kind = table[key.head]
            if key.head in ("maire", "adjoint au maire", "premier adjoint au maire",
                            "conseiller municipal"):
                place_name = re.sub(r"^(de |d['’]|du |de la )", "", place)
                return resolver.organisation(elide("Commune de", place_name), create=True)
            return resolver.organisation(pattern.format(place), create=True)
        if place:
            return resolver.organisation(re.sub(r"^(de |d['’]|du |de la |des |à |au |aux )",
                                                "", place), create=True)
        return None

    # -- dates and amounts --------------------------------------------------------------------
    def _find_dates(self) -> None:
        mentions = find_dates(self.text)
        years = tuple(m.year for m in mentions if m.year)
        self.context_years = years
        for mention in mentions:
            span = self.doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None:
                continue
            self.dates.append((mention, span.root.i, self.sent_of[span.start]))

    def _find_amounts(self) -> None:
        for start, end, value, currency, bound in find_amounts(self.text):
            span = self.doc.char_span(start, end, alignment_mode="expand")
            if span is None:
                continue
            self.amounts.append(Amount(start, end, self.text[start:end], value, currency,
                                       bound, span.start, self.sent_of[span.start]))


_FINAL = frozenset(".!?…;")


def sentences(doc) -> list:
    """The parser's sentences, re-joined where it cut without a final mark or a line break."""
    out = []
    start = 0
    for sent in doc.sents:
        if sent.start == 0:
            continue
        prev = doc[sent.start - 1]
        text = prev.text
        closing = text in ("»", '"', "”", ")") and sent.start >= 2 and \
            doc[sent.start - 2].text in _FINAL
        if text in _FINAL or closing or "\n" in prev.text_with_ws or prev.is_space:
            out.append(doc[start:sent.start])
            start = sent.start
    out.append(doc[start:len(doc)])
    return [s for s in out if len(s)]


def _subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(c in it for c in needle)


def _complement(text: str) -> str:
    words = text.split(" ")
    head, rest = split_title([w2 for w in words for w2 in fold_words(w)])
    if head is None:
        return ""
    n = len(fold_words(text)) - len(rest)
    # the surface words after the title
    count, out = 0, []
    for word in words:
        if count >= n:
            out.append(word)
        count += len(fold_words(word))
    return " ".join(out).strip()


__all__ = ["Amount", "Analysis", "Mention", "find_amounts"]
