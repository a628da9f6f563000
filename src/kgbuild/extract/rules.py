"""The rules: French constructions that state a mandate, a departure, a candidacy, a campaign
role, a membership or a programme, read from the mentions (:mod:`.mentions`) and the dependency
parse of each sentence.

No rule names a person, a date or anything else of a particular article: what a rule knows
comes from French grammar (verbs, prepositions, tenses) and from the registry. Each rule is a
method ``rule_<name>``; the claim it feeds records ``produced_by: rule:<name>``. See
docs/extraction.md for the list, with an example sentence for each.
"""

from __future__ import annotations

import re

from ..dates import PartialDate
from .drafts import DraftSet
from .frdates import fold
from .mentions import Analysis, Mention

NEGATIONS = frozenset(("pas", "jamais", "plus", "guère", "point"))
SPECULATION = frozenset(("favori", "favorite", "pressenti", "pressentie", "rumeur", "envisage",
                         "envisagerait", "pourrait", "devrait", "serait", "briguerait",
                         "hypothese", "eventuel", "eventuelle", "si"))
LAUNCH = {"lancer": "launched", "ouvrir": "launched", "creer": "launched",
          "inaugurer": "launched", "deployer": "launched", "presenter": "presented",
          "devoiler": "presented", "annoncer": "announced", "signer": "signed",
          "parapher": "signed", "lancement": "launched", "creation": "launched",
          "ouverture": "launched"}
FUTURE_WORDS = frozenset(("prevu", "prevue", "attendu", "attendue", "futur", "future", "devra",
                          "doit", "doivent"))
BUDGET_CUES = frozenset(("dote", "dotee", "dotes", "dotees", "enveloppe", "budget", "montant",
                         "finance", "financee", "mobilise", "disposera", "dispose", "beneficie",
                         "credits", "abonde", "abondee"))
PARTNER_CUES = (("opere", "par"), ("operee", "par"), ("pilote", "par"), ("pilotee", "par"),
                ("en", "lien", "avec"), ("en", "partenariat", "avec"), ("confie", "a"),
                ("confiee", "a"), ("copilote", "par"), ("gere", "par"), ("geree", "par"))
END_REASONS = {  # cue (folded) -> (reason, priority)
    "retraite": ("other", 2), "demission": ("resignation", 1),
    "demissionne": ("resignation", 1), "demissionnaire": ("resignation", 1),
    "sa demande": ("resignation", 1), "autres fonctions": ("appointment-elsewhere", 3),
    "pour rejoindre": ("appointment-elsewhere", 3), "parti presider": ("appointment-elsewhere", 3),
    "candidat": ("candidacy", 4), "candidature": ("candidacy", 4), "campagne": ("candidacy", 4),
    "se lancer en politique": ("candidacy", 4), "brigue": ("candidacy", 4),
    "investiture": ("candidacy", 4),
}
ELECTION_WORDS = {"municipales": "municipales", "municipale": "municipales",
                  "legislative": "legislative", "legislatives": "legislative",
                  "presidentielle": "presidentielle", "regionales": "regionales",
                  "departementales": "departementales", "europeennes": "europeennes",
                  "senatoriales": "senatoriales"}
OFFICE_ELECTION = {"maire": "municipales", "depute": "legislative",
                   "conseiller regional": "regionales", "senateur": "senatoriales",
                   "conseiller departemental": "departementales",
                   "conseiller municipal": "municipales"}
CAMPAIGN_ROLES = (("directeur de campagne", "directrice de campagne"),
                  ("directeur de la campagne", "directrice de la campagne"),
                  ("porte-parole de la campagne", "porte-parole de la campagne"),
                  ("porte-parole", "porte-parole"),
                  ("president du comite de soutien", "présidente du comité de soutien"),
                  ("mandataire financier", "mandataire financière"),
                  ("suppleant", "suppléante"))
ROLE_LABELS = {"directeur de campagne": "directeur de campagne",
               "directeur de la campagne": "directeur de campagne",
               "porte-parole de la campagne": "porte-parole de la campagne",
               "porte-parole": "porte-parole",
               "president du comite de soutien": "président du comité de soutien",
               "mandataire financier": "mandataire financier", "suppleant": "suppléant"}
CONFIDENCE = {"apposition": 0.8, "nomination": 0.85, "head-of": 0.7, "succession": 0.75,
              "departure": 0.75, "take-office": 0.8, "tenure": 0.7, "description": 0.55,
              "candidacy": 0.7, "campaign-role": 0.65, "membership": 0.65,
              "decree-members": 0.7, "programme": 0.6, "programme-launch": 0.75,
              "budget": 0.75, "partners": 0.65, "signatories": 0.75, "results": 0.6}


class Extraction:
    """Runs every rule over an :class:`Analysis` and keeps the drafts they produce."""

    def __init__(self, analysis: Analysis):
        self.a = analysis
        self.doc = analysis.doc
        self.r = analysis.resolver
        self.drafts = DraftSet()
        self.latest: dict[str, object] = {}  # person -> the draft of their newest mandate
        self.post_person: dict[int, str] = {}  # id(post mention) -> the person it describes
        self.candidacies: dict[str, object] = {}
        self.last_candidate: str | None = None
        self.containers: list[tuple[int, str]] = []  # (sentence, programme) that « comprend »
        self.focus: str | None = None  # the person the text is about (last personal subject)
        self.last_nominee: tuple[str, int] | None = None
        self.last_election: str | None = None

    # -- running ------------------------------------------------------------------------------
    def run(self) -> DraftSet:
        rules = [self.rule_apposition, self.rule_description, self.rule_nomination,
                 self.rule_head_of, self.rule_succession, self.rule_take_office,
                 self.rule_departure, self.rule_candidacy, self.rule_campaign_role,
                 self.rule_membership, self.rule_programme]
        for n in range(len(self.a.sents)):
            for rule in rules:
                rule(n)
            self._update_focus(n)
        self.rule_decree_members()
        self.finish()
        return self.drafts

    # -- helpers ------------------------------------------------------------------------------
    def sent(self, n):
        return self.a.sents[n]

    def words(self, n) -> list[str]:
        sent = self.sent(n)
        return self.a.folded[sent.start:sent.end]

    def has(self, n: int, phrase: str) -> bool:
        return f" {phrase} " in " " + " ".join(self.words(n)) + " "

    def tense(self, token) -> str:
        if "Part" in token.morph.get("VerbForm") and token.dep_ in ("advcl", "acl") and \
                not any(c.dep_.startswith("aux") for c in token.children) and \
                "Past" in token.morph.get("Tense"):
            return "past"  # « Annoncé en septembre par ..., le fonds ... »
        tokens = [token] + [c for c in token.children if c.dep_.startswith("aux")]
        if token.dep_.startswith("aux") or token.dep_ == "cop":
            tokens.append(token.head)
        for t in tokens:
            if "Fut" in t.morph.get("Tense"):
                return "future"
            if "Cnd" in t.morph.get("Mood"):
                return "conditional"
        near = [c for c in token.children if c.dep_ in ("aux", "aux:tense", "aux:pass", "cop",
                                                        "xcomp")]
        if token.dep_ in ("xcomp",) or token.head.lemma_ == "devoir":
            near.append(token.head)
        if any(fold(t.text) in FUTURE_WORDS or t.lemma_ == "devoir" for t in near):
            return "future"
        if any("Imp" in t.morph.get("Tense") for t in tokens):
            return "past"
        auxes = [t for t in tokens[1:] if t.dep_.startswith("aux")]
        if auxes and "Past" in token.morph.get("Tense"):
            if any(a.dep_ == "aux:tense" for a in auxes):
                return "past"
            return "past" if token.lemma_ not in ("prevoir",) else "future"
        if "Past" in token.morph.get("Tense") and "Part" in token.morph.get("VerbForm"):
            return "past"
        return "present"

    def negated(self, token) -> bool:
        return any(fold(c.text) in NEGATIONS or c.dep_ == "advmod:neg" for c in token.children)

    def speculative(self, n: int) -> bool:
        return any(w in SPECULATION for w in self.words(n))

    def gov(self, token):
        seen = 0
        while token.pos_ not in ("VERB",) and token.dep_ != "ROOT" and seen < 12:
            token = token.head
            seen += 1
        return token

    def dates_for(self, trigger, n: int, roles=None, *, fallback=True):
        """The sentence's dates governed by the same verb as ``trigger``."""
        target = self.gov(trigger)
        out = []
        for index, (mention, root, sent) in enumerate(self.a.dates):
            if sent != n or (roles is not None and mention.role not in roles):
                continue
            if self.gov(self.doc[root]) == target:
                out.append((index, mention))
        if not out and fallback:
            for index, (mention, root, sent) in enumerate(self.a.dates):
                if sent != n or root <= trigger.i or root - trigger.i > 8 or \
                        (roles is not None and mention.role not in roles):
                    continue
                between = self.doc[trigger.i + 1:root]
                if not any(t.pos_ == "VERB" and fold(t.lemma_) not in ("compter", "partir",
                                                                     "dater")
                           for t in between):
                    out.append((index, mention))
                    break
        return out

    def resolve_date(self, index: int, tense: str | None) -> PartialDate | None:
        mention = self.a.dates[index][0]
        published = self.a.published
        if mention.relative == "same:month":
            n = self.a.dates[index][2]
            for previous, _root, sent in reversed(self.a.dates[:index]):
                if sent != n:
                    continue
                date = previous.resolve(published, tense, context_years=self.a.context_years)
                if date is not None and date.precision in ("month", "day"):
                    return PartialDate.parse(date.iso[:7])
            return None
        return mention.resolve(published, None if tense == "present" else tense,
                               context_years=self.a.context_years)

    def date_span(self, index: int) -> tuple[int, int]:
        mention = self.a.dates[index][0]
        return mention.start, mention.end

    def mention_of(self, token) -> Mention | None:
        return self.a.mention_at(token.i)

    def person_for(self, token, *, depth: int = 0) -> str | None:
        """The person a token stands for: a name, a pronoun, « qui », a title, a description."""
        if token is None or depth > 4:
            return None
        mention = self.mention_of(token)
        if mention is not None:
            if mention.kind == "person":
                return mention.id
            if mention.kind == "post":
                linked = self.post_person.get(id(mention))
                if linked:
                    return linked
                return self.antecedent(mention.i, feminine="feminine" in mention.flags)
            return None
        folded = fold(token.text)
        if folded == "qui" or token.dep_ in ("nsubj", "nsubj:pass") and folded in ("lequel",
                                                                                 "laquelle"):
            verb = token.head
            return self.person_for(verb.head, depth=depth + 1)
        if token.pos_ == "PRON" and folded in ("il", "elle", "lui", "celui-ci", "celle-ci",
                                               "l'", "le", "la", "se", "s'"):
            gender = "f" if folded in ("elle", "celle-ci", "la") else \
                "m" if folded in ("il", "celui-ci", "le") else None
            return self.antecedent(token.i, gender=gender)
        if token.pos_ == "NOUN" and any(fold(c.text) in ("cet", "cette", "l'", "le", "la")
                                        for c in token.children) and folded in (
                "ingenieur", "interesse", "interessee", "fonctionnaire", "elu", "elue",
                "candidat", "candidate", "ancien", "ancienne", "ministre", "haut"):
            return self.antecedent(token.i)
        for child in token.children:  # « M. X » parsed with the name below the title
            if child.dep_ in ("flat:name", "appos", "nmod") and self.mention_of(child) and \
                    self.mention_of(child).kind == "person":
                return self.mention_of(child).id
        return None

    def _update_focus(self, n: int) -> None:
        for token in self.sent(n):
            if token.dep_ in ("nsubj", "nsubj:pass") and token.head.dep_ == "ROOT":
                person = self.person_for(token)
                if person:
                    self.focus = person
                    return

    def antecedent(self, i: int, *, gender: str | None = None, feminine: bool = False
                   ) -> str | None:
        if feminine:
            gender = "f"
        focus = self.focus
        if focus and self.a.sent_of[i] > 0 and not (gender and self.a.gender.get(focus) not in
                                                     (None, gender)):
            # the focus wins over a person named since only when that one is not a subject
            last = self._last_person_before(i)
            if last is None or last == focus or not self._was_subject(last, i) and \
                    not (gender and self.a.gender.get(last) == gender and
                         self.a.gender.get(focus) != gender):
                return focus
        char = self.doc[i].idx
        sent = self.a.sent_of[i]
        for m in reversed(self.a.mentions):
            if m.kind != "person" or m.start >= char or not m.id:
                continue
            if sent - m.sent > 3:
                return None
            known = self.a.gender.get(m.id)
            if gender and known and known != gender:
                continue
            return m.id
        return None

    def _last_person_before(self, i: int) -> str | None:
        char = self.doc[i].idx
        for m in reversed(self.a.mentions):
            if m.kind == "person" and m.start < char and m.id:
                return m.id
        return None

    def _was_subject(self, person: str, i: int) -> bool:
        char = self.doc[i].idx
        for m in reversed(self.a.mentions):
            if m.kind == "person" and m.id == person and m.start < char:
                root = self.doc[m.i:m.j].root
                return root.dep_ in ("nsubj", "nsubj:pass")
        return False

    def subject(self, verb):
        """The token of the subject of ``verb`` (through auxiliaries, participles, conjuncts)."""
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubj:pass", "expl:subj"):
                if child.dep_ == "expl:subj" or fold(child.text) == "il" and \
                        any(c.dep_ == "nsubj:pass" for c in verb.children):
                    continue
                return child
        if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head != verb:
            return self.subject(verb.head)
        if verb.dep_ in ("acl", "acl:relcl", "appos", "amod"):
            return verb.head
        return None

    def holder_of(self, verb, n: int) -> str | None:
        token = self.subject(verb)
        person = self.person_for(token) if token is not None else None
        if person is None and verb.dep_ in ("advcl", "acl", "ROOT", "obl:mod", "amod") and \
                verb.i == self.sent(n).start:
            root = self.sent(n).root
            token = self.subject(root) if root != verb else None
            person = self.person_for(token) if token is not None else None
            if person is None:
                person = self.antecedent(verb.i, feminine=fold(verb.text).endswith("ee"))
        return person

    def mandate(self, holder: str, post: str, rule: str, spans, *, new: bool = False,
                former: bool = False):
        draft = self.drafts.get("mandate", holder, post)
        draft.set("holder", holder)
        draft.set("post", post)
        for start, end in spans:
            draft.evidence(start, end, f"rule:{rule}", CONFIDENCE.get(rule, 0.6))
        if not spans:
            draft.evidence(0, 0, f"rule:{rule}", CONFIDENCE.get(rule, 0.6))
        if new or (holder not in self.latest and not former):
            self.latest[holder] = draft
        return draft

    def span(self, *items) -> tuple[int, int]:
        starts, ends = [], []
        for item in items:
            if item is None:
                continue
            if isinstance(item, tuple):
                starts.append(item[0])
                ends.append(item[1])
            elif hasattr(item, "start_char"):
                starts.append(item.start_char)
                ends.append(item.end_char)
            elif hasattr(item, "idx"):
                starts.append(item.idx)
                ends.append(item.idx + len(item))
            else:
                starts.append(item.start)
                ends.append(item.end)
        return (min(starts), max(ends)) if starts else (0, 0)

    def org_after(self, i: int, n: int, limit: int = 8) -> Mention | None:
        for m in self.a.in_sentence(n, "organisation"):
            if i < m.i <= i + limit and m.id:
                return m
        return None

    def post_label_for(self, head_word: str, org_mention: Mention) -> str:
        text = self.a.text
        before = text[max(0, org_mention.start - 8):org_mention.start]
        article = re.search(r"(du |de la |de l['’]|des |de |d['’])$", before)
        prefix = article.group(1) if article else "de "
        label = f"{head_word} {prefix}{org_mention.text}"
        return re.sub(r"\s*\([^)]*\)$", "", label)

    _FEMININE_ORGS = frozenset("agence caisse direction delegation federation union commission "
                               "autorite fondation association mission cour haute assemblee "
                               "alliance prefecture inspection banque".split())
    _PRESIDED = frozenset("office conseil caisse comite commission federation union institut "
                          "parti mouvement alliance association fondation autorite "
                          "haut-conseil observatoire".split())

    def _de(self, label: str) -> str:
        first = fold(label.split(" ")[0])
        if first[:1] in "aeiouyh":
            return "de l'" + label
        return ("de la " if first in self._FEMININE_ORGS else "du ") + label

    def org_post(self, org_mention: Mention, verb: str) -> str | None:
        org = org_mention.id
        post = self.r.top_post(org, verb)
        if post is not None:
            return post
        for entity in self.r.new.values():  # a head of this organisation proposed already
            if entity.kind == "post" and entity.attrs.get("organisation") == org:
                key = self.r.post_key(entity.label)
                if key is not None and key.head in ("president", "directeur general",
                                                    "directeur", "delegue"):
                    return entity.id
        entity = self.r.entity(org)
        if entity is None:
            return None
        first = fold(entity.label.split(" ")[0])
        if verb == "preside" or first in self._PRESIDED or \
                self.r.attr(org, "kind") in ("advisory-council", "party", "company"):
            head = "président"
        elif first == "delegation":
            head = "délégué"
        elif first == "direction":
            head = "directeur"
        else:
            head = "directeur général"
        if "anaphor" not in org_mention.flags and "abbreviated" not in org_mention.flags:
            label = self.post_label_for(head, org_mention)
        else:
            label = f"{head} {self._de(entity.label)}"
        return self.r.new_post(label, org)

    def end_reason(self, n: int, draft, extra_sentences=()) -> None:
        for m in [n, *extra_sentences]:
            text = " " + " ".join(self.words(m)) + " "
            for cue, (reason, priority) in END_REASONS.items():
                if f" {cue} " in text or (cue.endswith(("e", "n")) and f" {cue}" in text and
                                          len(cue) > 8):
                    draft.set("end_reason", reason, priority)

    def set_state(self, draft, state: str, priority: int) -> None:
        draft.set("state", state, priority)

    # -- rule: apposition ---------------------------------------------------------------------
    def rule_apposition(self, n: int) -> None:
        """« X, secrétaire d'État ... » / « le sénateur du Finistère X » / « Ex-directrice de
        ..., X » / « Sous-préfète de Narbonne de 2009 à 2012, ... elle »."""
        doc = self.doc
        sent = self.sent(n)
        for post in self.a.in_sentence(n, "post"):
            if not post.id or "office" in post.flags:
                continue
            person = None
            coordinated = None
            k = post.j
            while k < sent.end and (doc[k].text in (",",) or self.a.folded[k] in (
                    "sortant", "sortante", "actuel", "actuelle")) and k - post.j < 3:
                k += 1
            after = self.a.mention_at(k)
            if after is not None and after.kind == "person":
                person = after
            if person is None:
                b = post.i - 1
                while b >= sent.start and self.a.folded[b] in (
                        "le", "la", "l'", "un", "une", "ancien", "ancienne", "ex", "-", "ici",
                        "jusqu'", "jusqu'ici", "aujourd'hui", "actuel", "actuelle", "son", "sa"):
                    b -= 1
                if b >= sent.start and doc[b].text == ",":
                    before = self.a.mention_at(b - 1)
                    if before is not None and before.kind == "person":
                        person = before
                elif b > sent.start and self.a.folded[b] in ("et", "puis"):
                    # « X, ex-députée de A et ancienne maire de B »: the coordinated post
                    # belongs to the holder of the post before « et »
                    before = self.a.mention_at(b - 1)
                    if before is not None and before.kind == "post" and \
                            self.post_person.get(id(before)):
                        coordinated = self.post_person[id(before)]
            if person is None and post.j < len(doc):
                nxt = self.a.mention_at(post.j)
                if nxt is not None and nxt.kind == "person":
                    person = nxt
            initial = False
            if person is None and coordinated:
                holder = coordinated
            elif person is None:
                initial = self._initial_apposition(post, n)
                if not initial:
                    continue
                holder = self._main_subject_person(n, post)
                if holder is None:
                    continue
            else:
                holder = person.id
            if not holder:
                continue
            self.post_person[id(post)] = holder
            if "feminine" in post.flags:
                self.a.gender.setdefault(holder, "f")
            spans = [self.span(post, person) if person else self.span(post)]
            draft = self.mandate(holder, post.id, "apposition", [],
                                 former=bool({"former", "ending"} & post.flags))
            self._apply_flags(draft, post)
            self._apply_following_dates(draft, post, n, spans)
            for s in spans:
                draft.evidence(s[0], s[1], "rule:apposition", CONFIDENCE["apposition"])

    def _initial_apposition(self, post: Mention, n: int) -> bool:
        sent = self.sent(n)
        for k in range(sent.start, post.i):
            word = self.a.folded[k]
            m = self.a.mention_at(k)
            if m is not None and m.kind == "post":
                continue
            if word in ("puis", ",", "et", "ex", "ancien", "ancienne", "-", "jusqu'", "ici",
                        "jusqu'ici") or any(d[1] == k for d in self.a.dates) or \
                    self.doc[k].pos_ in ("ADP", "NUM", "PUNCT"):
                continue
            if any(d[0].start <= self.doc[k].idx < d[0].end for d in self.a.dates):
                continue
            return False
        # the apposition ends with a comma before the subject
        k = post.j
        while k < sent.end and k - post.j < 8:
            if self.doc[k].text == ",":
                return True
            k += 1
        return False

    def _main_subject_person(self, n: int, post: Mention) -> str | None:
        sent = self.sent(n)
        for k in range(post.j, sent.end):
            m = self.a.mention_at(k)
            if m is not None and m.kind == "person":
                return m.id
            token = self.doc[k]
            if token.dep_ in ("nsubj", "nsubj:pass") and k > post.j:
                return self.person_for(token)
        return None

    def _apply_flags(self, draft, post: Mention) -> None:
        if "former" in post.flags:
            self.set_state(draft, "ended", 2)
        if "ending" in post.flags:
            self.set_state(draft, "ending", 2)
            draft.set("end_reason", "appointment-elsewhere", 1)

    def _apply_following_dates(self, draft, post: Mention, n: int, spans) -> None:
        """« de 2009 à 2012 », « depuis 2014 » right after the title (or its holder)."""
        sent = self.sent(n)
        limit = post.j + 8
        for index, (mention, root, s) in enumerate(self.a.dates):
            if s != n or not (post.j <= root <= limit) or root >= sent.end:
                continue
            between = self.doc[post.j:root]
            if any(t.pos_ == "VERB" or t.text in (";", ".") for t in between):
                continue
            if any(t.text == "," for t in between) and mention.role not in ("since",):
                continue
            date = self.resolve_date(index, "past")
            if date is None:
                continue
            if mention.role in ("since", "range-start"):
                draft.set("start", date, 2)
                spans.append(self.span(post, self.date_span(index)))
            elif mention.role == "range-end":
                draft.set("end", date, 2)
                self.set_state(draft, "ended", 2)
                spans.append(self.span(post, self.date_span(index)))

    # -- rule: description (a title as the subject, no name) ----------------------------------
    def rule_description(self, n: int) -> None:
        """« L'ancienne préfète de l'Aude succède à ... »: the title describes the person in
        focus (the last one named), when no name stands beside it."""
        for post in self.a.in_sentence(n, "post"):
            if not post.id or id(post) in self.post_person or "bare" in post.flags or \
                    "office" in post.flags:
                continue
            root = self.doc[post.i:post.j].root
            if root.dep_ not in ("nsubj", "nsubj:pass"):
                continue
            holder = self.antecedent(post.i, feminine="feminine" in post.flags)
            if holder is None:
                continue
            self.post_person[id(post)] = holder
            draft = self.mandate(holder, post.id, "description", [self.span(post)],
                                 former=bool({"former", "ending"} & post.flags))
            self._apply_flags(draft, post)

    # -- rule: nomination ---------------------------------------------------------------------
    def rule_nomination(self, n: int) -> None:
        """« X est nommé directeur général de ... à compter du ... », « a nommé X ... »,
        « Élue conseillère régionale en 2010 », « reconduit dans ses fonctions de ... »."""
        sent = self.sent(n)
        for token in sent:
            lemma = fold(token.lemma_)
            word = fold(token.text)
            if lemma not in ("nommer", "designer", "elire", "reconduire", "promouvoir") and \
                    not word.startswith(("nomme", "elu", "reconduit", "designe")):
                continue
            if token.pos_ not in ("VERB", "ADJ", "NOUN") and not word.startswith(("nomme",
                                                                                   "elu")):
                continue
            if self.negated(token) or "Inf" in token.morph.get("VerbForm"):
                continue
            active = any(c.dep_ == "obj" for c in token.children) and \
                any(c.dep_ == "nsubj" for c in token.children)
            appointer = None
            if active:
                holder_tok = next(c for c in token.children if c.dep_ == "obj")
                holder = self.person_for(holder_tok)
                subj = next(c for c in token.children if c.dep_ == "nsubj")
                appointer = self.person_for(subj)
                if appointer is None:
                    m = self.mention_of(subj)
                    appointer = m.id if m is not None and m.kind == "organisation" else None
            else:
                holder = self.holder_of(token, n)
                if holder is None:
                    before = [m for m in self.a.in_sentence(n, "person") if m.j <= token.i]
                    holder = before[-1].id if before else None
            if holder is None:
                continue
            if word.endswith("ee") or word.endswith("elue"):
                self.a.gender.setdefault(holder, "f")
            posts = [m for m in self.a.in_sentence(n, "post") if m.i > token.i and m.id and
                     not ({"former", "ending", "office"} & m.flags) and
                     self.post_person.get(id(m), holder) == holder]
            if not posts:
                posts = [m for m in self.a.in_sentence(n, "post") if m.j <= token.i and m.id
                         and self.post_person.get(id(m)) == holder and
                         not ({"former", "ending"} & m.flags)]
                posts = posts[-1:]
            if not posts:
                continue
            post = posts[0]
            self.post_person[id(post)] = holder
            self.last_nominee = (holder, n)
            draft = self.mandate(holder, post.id, "nomination",
                                 [self.span(token, post)], new=True)
            if appointer and appointer != holder:
                draft.set("appointed_by", appointer)
                draft.evidence(*self.span(self.subject(token) or token, token), "rule:nomination",
                               CONFIDENCE["nomination"])
            if lemma == "reconduire" or word.startswith("reconduit"):
                continue
            tense = self.tense(token)
            for index, mention in self.dates_for(token, n):
                date = self.resolve_date(index, tense)
                if date is None:
                    continue
                if mention.role == "from":
                    draft.set("start", date, 4)
                elif mention.role in (None, "since"):
                    draft.set("start", date, 2)
                elif mention.role == "until":
                    draft.set("end", date, 2)
                draft.evidence(*self.span(token, post, self.date_span(index)),
                               "rule:nomination", CONFIDENCE["nomination"])
            # « à compter du ... » later in the same sentence; « jusqu'en 2015 »
            for index, (mention, root, s) in enumerate(self.a.dates):
                if s == n and mention.role == "until" and root > post.i:
                    date = self.resolve_date(index, "past")
                    published = self.a.published
                    if date is not None:
                        draft.set("end", date, 1)
                        if published is None or date.latest() < published.earliest():
                            self.set_state(draft, "ended", 1)
                        draft.evidence(*self.span(token, self.date_span(index)),
                                       "rule:nomination", CONFIDENCE["nomination"])
                if s == n and mention.role == "from" and root > post.i:
                    date = self.resolve_date(index, tense)
                    if date is not None:
                        draft.set("start", date, 4)
                        draft.evidence(*self.span(token, self.date_span(index)),
                                       "rule:nomination", CONFIDENCE["nomination"])

    # -- rule: head of an organisation --------------------------------------------------------
    def rule_head_of(self, n: int) -> None:
        """« prend la tête de ORG », « prendre la présidence de ORG », « dirige la structure
        depuis ... », « ORG, dirigée par X », « l'ancienne patronne de ORG »."""
        doc = self.doc
        for token in self.sent(n):
            lemma = fold(token.lemma_)
            word = fold(token.text)
            org = None
            verb = token
            kind = "lead"
            if lemma == "prendre":
                obj = [c for c in token.children if c.dep_ == "obj" and fold(c.lemma_) in (
                    "tete", "presidence", "direction")]
                if not obj:
                    continue
                kind = "preside" if fold(obj[0].lemma_) == "presidence" else "lead"
                org = self.org_after(obj[0].i, n)
            elif lemma in ("diriger", "presider") and token.pos_ == "VERB" and any(
                    c.dep_ == "obl:agent" for c in token.children):
                kind = "preside" if lemma == "presider" else "lead"
                org = next((m for m in self.a.in_sentence(n, "organisation")
                            if m.j <= token.i and token.i - m.j <= 3 and m.id), None)
                if org is None:
                    continue
            elif lemma in ("diriger", "presider") and token.pos_ == "VERB":
                kind = "preside" if lemma == "presider" else "lead"
                org = self.org_after(token.i, n, limit=6)
                if org is None or org.i > token.i + 4:
                    clitic = [c for c in token.children if fold(c.text) in ("l'", "la", "le")
                              and c.pos_ == "PRON"]
                    if clitic:
                        org = self.a.before(token.i, "organisation",
                                            skip=lambda m: "in-post" in m.flags)
                if org is not None and fold(doc[org.i].text) in ("conseil",) and \
                        "anaphor" not in org.flags and org.id is None:
                    org = None
            elif word in ("patron", "patronne", "tete") and token.pos_ == "NOUN":
                if word == "tete" and not (token.i > 1 and self.a.folded[token.i - 1] == "la" and
                                           self.a.folded[token.i - 2] == "a"):
                    continue
                org = self.org_after(token.i, n, limit=3)
            else:
                continue
            if org is None or not org.id:
                continue
            post = self.org_post(org, kind)
            if post is None:
                continue
            passive = "Part" in token.morph.get("VerbForm") and any(
                c.dep_ == "obl:agent" for c in token.children)
            if passive:
                agent = next(c for c in token.children if c.dep_ == "obl:agent")
                holder = self.person_for(agent)
            elif word in ("patron", "patronne"):
                holder = self.antecedent(token.i, feminine=word == "patronne")
            else:
                holder = self.holder_of(token, n)
                if holder is None:
                    before = [m for m in self.a.in_sentence(n, "person") if m.j <= token.i]
                    holder = before[-1].id if before else None
            if holder is None:
                continue
            draft = self.mandate(holder, post, "head-of", [self.span(token, org)],
                                 new=lemma == "prendre")
            if word in ("patron", "patronne"):
                b = token.i - 1
                if b >= 0 and self.a.folded[b] in ("ancien", "ancienne", "ex"):
                    self.set_state(draft, "ended", 2)
                    draft.evidence(*self.span(doc[b], org), "rule:head-of",
                                   CONFIDENCE["head-of"])
                continue
            tense = self.tense(verb)
            for index, mention in self.dates_for(verb, n, fallback=False):
                date = self.resolve_date(index, tense)
                if date is None:
                    continue
                if mention.role in ("since",) or (mention.role is None and lemma == "prendre"):
                    draft.set("start", date, 2)
                elif mention.role in ("until",):
                    draft.set("end", date, 2)
                    if tense != "future":
                        self.set_state(draft, "ended", 2)
                else:
                    continue
                draft.evidence(*self.span(token, org, self.date_span(index)), "rule:head-of",
                               CONFIDENCE["head-of"])
                draft.evidence(*self.span(self.subject(token) or token, token), "rule:head-of",
                               CONFIDENCE["head-of"])

    # -- rule: succession ---------------------------------------------------------------------
    def rule_succession(self, n: int) -> None:
        """« succède à Y », « remplace Y », « en remplacement de Y », « suite au départ de Y »,
        « l'a dirigée jusqu'à l'arrivée de Y »."""
        if self.speculative(n):
            return
        doc = self.doc
        for token in self.sent(n):
            lemma = fold(token.lemma_)
            word = fold(token.text)
            successor = predecessor = None
            other = None
            if lemma in ("succeder", "remplacer") and token.pos_ == "VERB" and \
                    "Inf" not in token.morph.get("VerbForm"):
                for m in self.a.in_sentence(n, "person"):
                    if m.i > token.i and m.i - token.i <= 3:
                        other = m
                        break
                if other is None:
                    continue
                successor = self.holder_of(token, n)
                predecessor = other.id
            elif word in ("remplacement", "depart") and token.i + 2 < len(doc):
                if word == "depart" and not (token.i > 0 and self.a.folded[token.i - 1] in (
                        "au", "du") and self.a.folded[max(0, token.i - 2)] in ("suite", "apres")):
                    continue
                other = next((m for m in self.a.in_sentence(n, "person")
                              if token.i < m.i <= token.i + 3), None)
                if other is None:
                    continue
                predecessor = other.id
                nominees = [d for d in self._sentence_mandates(n) if d.fields["holder"] !=
                            predecessor]
                successor = nominees[-1].fields["holder"] if nominees else \
                    self.holder_of(self.gov(token), n)
            elif word == "arrivee" and any(w.startswith("jusqu") for w in
                                           self.a.folded[max(0, token.i - 3):token.i]):
                other = next((m for m in self.a.in_sentence(n, "person")
                              if token.i < m.i <= token.i + 3), None)
                if other is None:
                    continue
                successor = other.id
                predecessor = self.holder_of(self.gov(token), n)
            else:
                continue
            if not successor or not predecessor or successor == predecessor:
                continue
            post = self._succession_post(token, n, successor, predecessor)
            if post is None:
                continue
            future = self.tense(token) == "future"
            span = self.span(token, other)
            new = self.mandate(successor, post, "succession", [span])
            new.set("predecessor", predecessor)
            old = self.mandate(predecessor, post, "succession", [span])
            old.set("successor", successor)
            self.set_state(old, "ending" if future else "ended", 1)
            if self.latest.get(successor) is None:
                self.latest[successor] = new
            if word in ("succede", "succedait", "succeda") or lemma == "succeder":
                for index, mention in self.dates_for(token, n, fallback=False):
                    date = self.resolve_date(index, "past")
                    if date is not None and mention.role is None:
                        new.set("start", date, 1)
                        new.evidence(*self.span(self.date_span(index), token), "rule:succession",
                                     CONFIDENCE["succession"])
            if word == "arrivee":
                for index, (mention, root, s) in enumerate(self.a.dates):
                    if s == n and other.j <= root <= other.j + 4:
                        date = self.resolve_date(index, "past")
                        if date is not None:
                            old.set("end", date, 1)
                            new.set("start", date, 1)
                            old.evidence(*self.span(token, self.date_span(index)),
                                         "rule:succession", CONFIDENCE["succession"])
                            new.evidence(*self.span(token, self.date_span(index)),
                                         "rule:succession", CONFIDENCE["succession"])
            # « Y, appelée à d'autres fonctions » / « Y, parti présider une fondation »
            tail = " ".join(self.a.folded[other.j:min(len(doc), other.j + 8)])
            if "autres fonctions" in tail or "parti presider" in tail or \
                    "partie presider" in tail or "pour rejoindre" in tail:
                old.set("end_reason", "appointment-elsewhere", 3)
                end = min(len(doc), other.j + 8)
                stop = next((k for k in range(other.j + 1, end) if doc[k].is_punct), end)
                old.evidence(*self.span(token, (doc[stop - 1].idx, doc[stop - 1].idx +
                                                len(doc[stop - 1]))), "rule:succession",
                             CONFIDENCE["succession"])

    def _sentence_mandates(self, n: int):
        sent = self.sent(n)
        out = []
        for draft in self.drafts.of_type("mandate"):
            if any(sent.start_char <= s < sent.end_char for s, _ in draft.spans):
                out.append(draft)
        return out

    def _succession_post(self, token, n, successor, predecessor) -> str | None:
        # « à la présidence de ORG », « à la tête de ORG »
        for k in range(token.i, min(self.sent(n).end, token.i + 12)):
            if self.a.folded[k] in ("presidence", "tete", "direction"):
                org = self.org_after(k, n, limit=4)
                if org is not None and org.id:
                    return self.org_post(org, "preside" if self.a.folded[k] == "presidence"
                                         else "lead")
        for holder in (successor, predecessor):
            draft = self.latest.get(holder)
            if draft is not None:
                return draft.fields["post"]
        return None

    # -- rule: taking office ------------------------------------------------------------------
    def rule_take_office(self, n: int) -> None:
        """« X prendra ses fonctions le 1er mars », « ... prendra les siennes le 1er mars »."""
        for token in self.sent(n):
            if fold(token.lemma_) not in ("prendre", "entrer"):
                continue
            objs = [c for c in token.children if fold(c.text) in (
                "fonctions", "siennes", "poste", "fonction")]
            if not objs and not any(fold(c.text) == "fonctions" for c in token.subtree):
                continue
            person = self.holder_of(token, n)
            subj = self.subject(token)
            if self.last_nominee and n - self.last_nominee[1] <= 1 and subj is not None and \
                    subj.pos_ == "PRON":
                person = self.last_nominee[0]  # « Il prendra ses fonctions le ... »
            draft = self.latest.get(person) if person else None
            if draft is None:
                continue
            tense = self.tense(token)
            for index, mention in self.dates_for(token, n):
                date = self.resolve_date(index, tense)
                if date is not None:
                    draft.set("start", date, 5)
                    draft.evidence(*self.span(self.subject(token) or token,
                                              self.date_span(index)), "rule:take-office",
                                   CONFIDENCE["take-office"])

    # -- rule: departure ----------------------------------------------------------------------
    def rule_departure(self, n: int) -> None:
        """« quitte / quittera ses fonctions le ... », « quitte la présidence de ORG »,
        « a annoncé sa démission », « avait démissionné de son siège de députée en mai »,
        « il est mis fin, à sa demande, aux fonctions de ... exercées par X à compter du ... »,
        « après la démission de la députée X »."""
        doc = self.doc
        for token in self.sent(n):
            lemma = fold(token.lemma_)
            word = fold(token.text)
            if lemma in ("quitter", "demissionner", "cesser") and token.pos_ in ("VERB",):
                verb = token
            elif word in ("demission",) and token.pos_ == "NOUN":
                verb = token
            elif word == "fin" and token.head is not None and fold(token.head.lemma_) == \
                    "mettre":
                verb = token.head
            else:
                continue
            if self.negated(verb) or "Inf" in verb.morph.get("VerbForm") and \
                    fold(verb.head.lemma_) not in ("devoir", "aller"):
                continue
            person, draft = self._departure_target(token, verb, n)
            if draft is None:
                continue
            if draft.type == "membership":
                continue
            tense = self.tense(verb if word != "demission" else self.gov(token))
            span = self.span(self.subject(verb) or token, token) if word != "demission" \
                else self.span(token)
            draft.evidence(*span, "rule:departure", CONFIDENCE["departure"])
            end = None
            for index, mention in self.dates_for(token if word != "fin" else verb, n):
                date = self.resolve_date(index, tense)
                if date is None:
                    continue
                if word == "demission" and fold(self.gov(token).lemma_) in ("annoncer",
                                                                            "presenter",
                                                                            "remettre"):
                    draft.set("end_decided", date, 2)
                elif mention.role in (None, "from"):
                    draft.set("end", date, 3 if mention.role == "from" else 2)
                    end = date
                else:
                    continue
                draft.evidence(*self.span(token, self.date_span(index)), "rule:departure",
                               CONFIDENCE["departure"])
            if word == "fin":
                for index, (mention, root, s) in enumerate(self.a.dates):
                    if s != n:
                        continue
                    date = self.resolve_date(index, tense)
                    if date is None:
                        continue
                    if mention.role == "from":
                        draft.set("end", date, 3)
                        end = date
                        draft.evidence(*self.span(token, self.date_span(index)),
                                       "rule:departure", CONFIDENCE["departure"])
                    elif mention.role is None and root < token.i:
                        draft.set("end_decided", date, 2)
            # a decision date: « une nomination actée mercredi », « annoncé ... »
            for index, (mention, root, s) in enumerate(self.a.dates):
                if s != n or mention.role is not None:
                    continue
                gov = self.gov(doc[root])
                if fold(gov.lemma_) in ("acter", "decider", "officialiser") and gov != verb:
                    date = self.resolve_date(index, "past")
                    if date is not None:
                        draft.set("end_decided", date, 2)
                        draft.evidence(*self.span(gov, self.date_span(index)),
                                       "rule:departure", CONFIDENCE["departure"])
            published = self.a.published
            if tense == "future" or (end is not None and published is not None and
                                     end.earliest() > published.latest()):
                self.set_state(draft, "ending", 3)
            elif tense == "past" or word == "demission" and self.tense(self.gov(token)) == \
                    "past":
                self.set_state(draft, "ended", 2)
            else:
                self.set_state(draft, "ended", 1)
            self.end_reason(n, draft, extra_sentences=(0,) if self._about(0, person) else ())
            if word == "demission" or lemma == "demissionner":
                draft.set("end_reason", "resignation", 1)
            self._next_post(verb, n, person, draft)

    def _about(self, n: int, person: str | None) -> bool:
        return any(m.id == person for m in self.a.in_sentence(n, "person"))

    def _departure_target(self, token, verb, n: int):
        word = fold(token.text)
        person = None
        if word == "demission":
            owner = [c for c in token.children if c.dep_ in ("nmod",)]
            for c in owner:
                person = self.person_for(c)
                if person:
                    break
            if person is None and not any(fold(c.text) in ("sa", "son") for c in
                                          token.children):
                return None, None
            if person is None:
                person = self.holder_of(self.gov(token), n)
        elif word == "fin":
            par = [m for m in self.a.in_sentence(n, "person") if m.i > token.i]
            person = par[0].id if par else None
        else:
            person = self.holder_of(verb, n)
        if person is None:
            return None, None
        # what is left: a post, an organisation, « ses fonctions », « le gouvernement »
        window = range(token.i + 1, min(self.sent(n).end, token.i + 12))
        for k in window:
            m = self.a.mention_at(k)
            if m is None:
                continue
            if m.kind == "post" and m.id:
                self.post_person.setdefault(id(m), person)
                return person, self.mandate(person, m.id, "departure", [self.span(token, m)])
            if m.kind == "organisation" and m.id:
                prev = self.a.folded[max(0, m.i - 2):m.i]
                if any(w in ("presidence", "tete", "direction") for w in prev):
                    post = self.org_post(m, "preside" if "presidence" in prev else "lead")
                    if post:
                        return person, self.mandate(person, post, "departure",
                                                    [self.span(token, m)])
                if self.r.attr(m.id, "kind") == "party" and word != "demission":
                    draft = self.drafts.get("membership", person, m.id)
                    draft.set("member", person)
                    draft.set("organisation", m.id)
                    date = self._clause_date(verb, n)
                    if date is not None:
                        draft.set("end", date[0], 2)
                        draft.evidence(*self.span(self.date_span(date[1])), "rule:membership",
                                       CONFIDENCE["membership"])
                    draft.evidence(*self.span(self.subject(verb) or token, m),
                                   "rule:membership", CONFIDENCE["membership"])
                    return person, draft
                for draft in reversed(self.drafts.of_type("mandate")):
                    if draft.fields["holder"] == person and \
                            self.r.attr(draft.fields["post"], "organisation") == m.id:
                        return person, draft
                break
            if m.kind == "person":
                break
        government = any(self.a.folded[k] in ("gouvernement", "gouvernementales")
                         for k in window)
        candidates = [d for d in self.drafts.of_type("mandate")
                      if d.fields["holder"] == person]
        if government:
            gov_posts = [d for d in candidates if self._is_government(d.fields["post"])]
            if gov_posts:
                return person, gov_posts[-1]
        latest = self.latest.get(person)
        if latest is not None:
            return person, latest
        live = [d for d in candidates if d.fields.get("state") != "ended"]
        return person, (live[-1] if live else None)

    def _is_government(self, post: str) -> bool:
        org = self.r.attr(post, "organisation")
        if org and self.r.attr(org, "kind") in ("government", "ministry"):
            key = self.r.post_key(self.r.label(post))
            return key is not None and key.head in ("ministre", "ministre delegue",
                                                    "secretaire d'etat", "premier ministre",
                                                    "ministre d'etat")
        return False

    def _clause_date(self, verb, n: int):
        token = verb
        for _ in range(4):
            found = self.dates_for(token, n, roles=(None, "from"), fallback=False)
            if found:
                index, mention = found[0]
                date = self.resolve_date(index, self.tense(token))
                if date is not None:
                    return date, index
            if token.head == token:
                break
            token = token.head
        return None

    def _next_post(self, verb, n: int, person: str | None, draft) -> None:
        """« quittera ses fonctions en mai pour rejoindre ORG comme conseiller maître »."""
        if person is None:
            return
        words = self.a.folded
        sent = self.sent(n)
        for k in range(verb.i, sent.end):
            if words[k] in ("comme", "tant") and k > verb.i:
                m = next((x for x in self.a.in_sentence(n, "post") if k < x.i <= k + 3), None)
                if m is None or not m.id or m.id == draft.fields.get("post"):
                    continue
                new = self.mandate(person, m.id, "departure", [self.span(self.doc[k], m)],
                                   new=False)
                if "end" in draft.fields:
                    new.set("start", draft.fields["end"], 1)
                    new.evidence(*self.span(verb, m), "rule:departure", CONFIDENCE["departure"])
                draft.set("end_reason", "appointment-elsewhere", 3)
                return

    # -- rule: candidacy ----------------------------------------------------------------------
    def rule_candidacy(self, n: int) -> None:
        """« a officialisé sa candidature à la mairie de X », « brigue l'investiture de ORG
        pour l'élection ... », « Candidat à la mairie de X, Y », « Y comme candidat du parti à
        ... »."""
        doc = self.doc
        words = self.words(n)
        if not any(w.startswith(("candidat", "brigu")) for w in words):
            return
        sent = self.sent(n)
        for token in sent:
            word = fold(token.text)
            candidate = None
            announce = None
            if word == "candidature":
                gov = self.gov(token)
                if self.negated(gov) or "Cnd" in gov.morph.get("Mood") or \
                        fold(gov.lemma_) in ("retirer",):
                    continue
                candidate = self.holder_of(gov, n)
                announce = gov if fold(gov.lemma_) in ("officialiser", "annoncer", "declarer",
                                                       "deposer", "presenter", "lancer",
                                                       "confirmer") else None
            elif fold(token.lemma_) == "briguer" or word.startswith("brigu"):
                if self.negated(token) or "Cnd" in token.morph.get("Mood") or \
                        "Inf" in token.morph.get("VerbForm") or self.speculative(n):
                    continue
                candidate = self.holder_of(token, n)
            elif word in ("candidat", "candidate"):
                if token.i == sent.start or (token.i > sent.start and self.a.folded[
                        token.i - 1] in ("comme",)):
                    if token.i == sent.start:
                        after = next((m for m in self.a.in_sentence(n, "person")
                                      if m.i > token.i), None)
                        candidate = after.id if after else None
                    else:
                        before = [m for m in self.a.in_sentence(n, "person") if m.j <= token.i]
                        candidate = before[-1].id if before else None
                else:
                    continue
            else:
                continue
            if not candidate:
                continue
            draft = self.candidacies.get(candidate)
            if draft is None:
                draft = self.drafts.get("candidacy", candidate)
                draft.set("candidate", candidate)
                self.candidacies[candidate] = draft
            self.last_candidate = candidate
            end = next((t.i for t in doc[token.i:sent.end] if t.text in (";",)), sent.end)
            clause = doc[token.i:end]
            self._candidacy_details(draft, token, clause, n)
            draft.evidence(*self.span(self.subject(self.gov(token)) or token,
                                      self._clause_end(token, n)), "rule:candidacy",
                           CONFIDENCE["candidacy"])
            draft.set("state", "declared", 1)
            if announce is not None:
                for index, mention in self.dates_for(announce, n, fallback=False):
                    date = self.resolve_date(index, "past")
                    if date is not None:
                        draft.set("announced", date, 2)

    def _clause_end(self, token, n: int):
        sent = self.sent(n)
        k = token.i
        while k < sent.end - 1 and self.doc[k + 1].text not in (",", ";", ".", ":") and \
                k - token.i < 20:
            k += 1
        return self.doc[k]

    def _candidacy_details(self, draft, token, clause, n: int) -> None:
        words = [fold(t.text) for t in clause]
        office = None
        for m in self.a.in_sentence(n, "post"):
            if m.i >= token.i and m.id and (m.i < clause.end) and id(m) not in self.post_person:
                office = m
                break
        if office is not None:
            draft.set("office", office.id)
        # investiture of a party
        for k, word in enumerate(words):
            if word == "investiture":
                org = self.org_after(clause.start + k, n, limit=3)
                if org is not None and org.id:
                    draft.set("investiture_of", org.id)
        for k, word in enumerate(words):
            if word in ("candidat", "candidate") and k + 1 < len(words) and words[k + 1] in (
                    "du", "de", "d'"):
                org = self.org_after(clause.start + k, n, limit=3)
                if org is not None and org.id:
                    draft.set("investiture_of", org.id)
                elif k + 2 < len(words) and words[k + 2] == "parti":
                    party = self._last_party(clause.start + k)
                    if party:
                        draft.set("investiture_of", party)
        kind = next((ELECTION_WORDS[w] for w in words if w in ELECTION_WORDS), None)
        if kind is None:
            title = self.words(0)
            kind = next((ELECTION_WORDS[w] for w in title if w in ELECTION_WORDS), None)
        office_key = self.r.post_key(self.r.label(office.id)) if office is not None else None
        if kind is None and office_key is not None:
            kind = OFFICE_ELECTION.get(office_key.head)
        place = set(words) | set(self.words(0) if kind else ())
        if office_key is not None:
            place |= {w for w in office_key.words if not w.startswith("@")}
        election = self.r.election(place, kind) if kind else None
        if election is None and office is None:
            election = self.last_election
        if election:
            self.last_election = election
            draft.set("election", election)
            if "office" not in draft.fields:
                office_id = self._office_for_election(election, kind)
                if office_id:
                    draft.set("office", office_id)

    def _office_for_election(self, election: str, kind: str | None) -> str | None:
        from .resolve import fold_words

        label_words = set(fold_words(self.r.label(election)))
        if kind is None:
            kind = next((ELECTION_WORDS[w] for w in label_words if w in ELECTION_WORDS), None)
        heads = [h for h, k in OFFICE_ELECTION.items() if k == kind]
        best = None
        for post in self.r.registry.of_kind("post"):
            key = self.r.post_key(post.label)
            if key is None or key.head not in heads or not key.words:
                continue
            if key.words <= label_words:
                if best is not None:
                    return None
                best = post.id
        return best

    def _last_party(self, i: int) -> str | None:
        for m in reversed(self.a.mentions):
            if m.kind == "organisation" and m.i < i and m.id and \
                    self.r.attr(m.id, "kind") == "party":
                return m.id
        return None

    # -- rule: campaign roles -----------------------------------------------------------------
    def rule_campaign_role(self, n: int) -> None:
        """« Sa campagne sera dirigée par X », « Le porte-parole de la campagne, X », « X
        présidera le comité de soutien du candidat », « X sera la suppléante du candidat Y »."""
        words = self.words(n)
        text = " " + " ".join(words) + " "
        if not any(c in text for c in (" campagne ", " comite de soutien ", " suppleant",
                                       " porte-parole ")):
            return
        sent = self.sent(n)
        for token in sent:
            word = fold(token.text)
            lemma = fold(token.lemma_)
            person = role = None
            anchor = token
            if lemma == "diriger" and "Part" in token.morph.get("VerbForm"):
                subj = self.subject(token)
                if subj is None or fold(subj.text) != "campagne":
                    continue
                agent = next((c for c in token.children if c.dep_ == "obl:agent"), None)
                person = self.person_for(agent) if agent is not None else None
                role = "directeur de campagne"
                anchor = subj
            elif lemma == "presider" and "comite de soutien" in text:
                person = self.holder_of(token, n)
                role = "president du comite de soutien"
            elif word in ("suppleant", "suppleante") or word == "porte-parole" or \
                    (word in ("directeur", "directrice") and self.a.folded[token.i + 1:token.i + 3]
                     in (["de", "campagne"], ["de", "la"])):
                role = {"suppleante": "suppleant"}.get(word, word)
                if word in ("directeur", "directrice"):
                    role = "directeur de campagne"
                after = next((m for m in self.a.in_sentence(n, "person")
                              if token.i < m.i <= token.i + 6), None)
                before = [m for m in self.a.in_sentence(n, "person") if m.j <= token.i]
                cop = token.head if token.dep_ in ("ROOT",) else None
                subj = self.subject(token) if cop is None else self.subject(token)
                person = self.person_for(subj) if subj is not None else None
                if person is None and after is not None and word == "porte-parole":
                    person = after.id
                if person is None and before and before[-1].j >= token.i - 3:
                    person = before[-1].id
            else:
                continue
            if not person or not role:
                continue
            candidate = self._campaign_candidate(token, n, person)
            if candidate is None or candidate == person:
                continue
            feminine = self.a.gender.get(person) == "f" or word.endswith("e") and \
                word in ("suppleante", "directrice")
            label = ROLE_LABELS.get(role, role)
            if feminine:
                label = dict((ROLE_LABELS[m], f) for m, f in CAMPAIGN_ROLES).get(label, label)
            draft = self.drafts.get("campaign_role", person, candidate)
            draft.set("person", person)
            draft.set("role", label)
            draft.set("candidate", candidate)
            candidacy = self.candidacies.get(candidate)
            if candidacy is not None and candidacy.fields.get("election"):
                draft.set("election", candidacy.fields["election"])
            verb = token if token.pos_ == "VERB" else token.head
            if self.tense(verb) in ("future", "conditional"):
                draft.set("modality", "expected")
            draft.evidence(*self.span(anchor, self._clause_end(token, n)),
                           "rule:campaign-role", CONFIDENCE["campaign-role"])

    def _campaign_candidate(self, token, n: int, person: str) -> str | None:
        words = self.a.folded
        sent = self.sent(n)
        for k in range(token.i, min(sent.end, token.i + 10)):
            if words[k] in ("candidat", "candidate"):
                after = next((m for m in self.a.in_sentence(n, "person")
                              if k < m.i <= k + 6 and m.id != person), None)
                if after is not None:
                    return after.id
                return self.last_candidate
        if any(w in ("sa", "son") for w in words[max(sent.start, token.i - 3):token.i + 1]):
            return self.last_candidate
        return self.last_candidate if self.last_candidate != person else None

    # -- rule: membership ---------------------------------------------------------------------
    def rule_membership(self, n: int) -> None:
        """« siège depuis 2019 au conseil d'administration de ORG », « militante de PARTI
        depuis 2008 », « rejoindre le mouvement ORG », « membre depuis 2011 »."""
        for token in self.sent(n):
            lemma = fold(token.lemma_)
            word = fold(token.text)
            org = role = person = None
            since = None
            if lemma == "sieger" or word in ("siege", "siegeait") and token.pos_ in ("VERB",
                                                                                   "NOUN"):
                org = self.org_after(token.i, n, limit=12)
                if org is None or not org.id:
                    continue
                between = " ".join(self.a.folded[token.i:org.i])
                if "conseil d'administration" in between:
                    role = "membre du conseil d'administration"
                elif "conseil de surveillance" in between:
                    role = "membre du conseil de surveillance"
                else:
                    continue
                person = self.holder_of(token, n)
            elif word in ("militant", "militante", "adherent", "adherente"):
                org = self.org_after(token.i, n, limit=3)
                if org is None or not org.id:
                    continue
                person = self._nearby_person(token, n)
            elif lemma in ("rejoindre", "adherer") and token.pos_ == "VERB":
                org = self.org_after(token.i, n, limit=6)
                if org is None or not org.id or self.r.attr(org.id, "kind") != "party":
                    continue
                person = self.holder_of(token, n)
                date = self._clause_date(token, n)
                if date is not None and self.tense(self.gov(token)) != "future":
                    since = date
            elif word == "membre" and self.has(n, "depuis"):
                party = [m for m in self.a.in_sentence(n, "organisation")
                         if m.j <= token.i and m.id]
                if not party:
                    continue
                org = party[-1]
                person = self.holder_of(self.gov(token), n) or self.antecedent(token.i)
                existing = self.drafts.find("membership", person, org.id)
                if existing is None:
                    continue
            else:
                continue
            if not person or org is None:
                continue
            draft = self.drafts.get("membership", person, org.id)
            draft.set("member", person)
            draft.set("organisation", org.id)
            if role:
                draft.set("role", role)
            draft.evidence(*self.span(token, org), "rule:membership", CONFIDENCE["membership"])
            if since is not None:
                draft.set("start", since[0], 2)
            for index, (mention, root, s) in enumerate(self.a.dates):
                if s == n and mention.role == "since" and abs(root - token.i) <= 10:
                    date = self.resolve_date(index, "past")
                    if date is not None:
                        draft.set("start", date, 2)
                        draft.evidence(*self.span(token, self.date_span(index)),
                                       "rule:membership", CONFIDENCE["membership"])

    def _nearby_person(self, token, n: int) -> str | None:
        before = [m for m in self.a.in_sentence(n, "person") if m.j <= token.i]
        after = [m for m in self.a.in_sentence(n, "person") if m.i > token.i]
        if before and token.i - before[-1].j <= 3:
            return before[-1].id
        if token.i == self.sent(n).start and after:
            return after[0].id
        return self.holder_of(self.gov(token), n) or self.antecedent(token.i)

    def rule_decree_members(self) -> None:
        """« Sont nommés membres de ORG ... : 1° En qualité de X : M. Y, ...; ... »."""
        for n in range(len(self.a.sents)):
            words = self.words(n)
            if "membres" not in words or not any(w.startswith("nomme") for w in words):
                continue
            org = next((m for m in self.a.in_sentence(n, "organisation") if m.id), None)
            if org is None:
                continue
            effect = self._decree_effect()
            role = None
            header = self.sent(n)
            for m in range(n, min(len(self.a.sents), n + 12)):
                sent = self.sent(m)
                text = sent.text.strip()
                if m > n and re.match(r"^(Article|Art\.)\s", text):
                    break
                qual = re.search(r"[Ee]n qualité de ([^:]+?)\s*:", text)
                if qual:
                    role = _singular(qual.group(1).strip())
                for person in self.a.in_sentence(m, "person"):
                    if m == n and person.i < org.i:
                        continue
                    draft = self.drafts.get("membership", person.id, org.id)
                    draft.set("member", person.id)
                    draft.set("organisation", org.id)
                    if role:
                        draft.set("role", role)
                    line_end = self.a.text.find("\n", person.start)
                    line_end = len(self.a.text) if line_end < 0 else line_end
                    line = self.a.text[person.start:line_end].rstrip(" ;.,")
                    draft.evidence(header.start_char, self._sentence_end_before(header, ":"),
                                   "rule:decree-members", CONFIDENCE["decree-members"])
                    draft.evidence(person.start, person.start + len(line),
                                   "rule:decree-members", CONFIDENCE["decree-members"])
                    if effect is not None:
                        draft.set("start", effect[0], 2)
                        draft.evidence(*effect[1], "rule:decree-members",
                                       CONFIDENCE["decree-members"])
                    # the person's post in apposition is still a mandate (rule: apposition)
            return

    def _sentence_end_before(self, sent, char: str) -> int:
        text = self.a.text[sent.start_char:sent.end_char]
        cut = text.find(char)
        end = sent.start_char + (cut if cut >= 0 else len(text.rstrip()))
        return end

    def _decree_effect(self):
        for index, (mention, root, s) in enumerate(self.a.dates):
            words = self.words(s)
            if "effet" in words and mention.role in ("from", None):
                date = self.resolve_date(index, "future")
                if date is not None:
                    sent = self.sent(s)
                    return date, (sent.start_char, mention.end)
        return None

    # -- rule: programmes ---------------------------------------------------------------------
    def rule_programme(self, n: int) -> None:
        """Programmes named in the sentence, with what the sentence says of them: launch,
        presentation, announcement, signature (verbs), budget (« doté de », « enveloppe de »),
        partners (« opéré par », « en lien avec », « en partenariat avec », « piloté par »),
        signatories (« signée par », « paraphée par »; « a refusé de signer », « Mais pas »)."""
        progs = [m for m in self.a.in_sentence(n, "programme") if m.id]
        named = [m for m in progs if "anaphor" not in m.flags]
        for m in named:
            draft = self._programme(m.id)
            draft.evidence(*self.span(m), "rule:programme", CONFIDENCE["programme"])
            self._part_of(m, draft, n)
        if "comprend" in self.words(n) or "comprenant" in self.words(n):
            target = progs[0] if progs else None
            if target is not None:
                self.containers.append((n, target.id))
        self._launch_verbs(n, progs)
        self._budgets(n, progs)
        self._partners(n, progs)
        self._signatories(n, progs)
        self._results(n, progs)

    def _programme(self, programme: str):
        draft = self.drafts.get("programme", programme)
        draft.set("programme", programme)
        return draft

    def _part_of(self, m: Mention, draft, n: int) -> None:
        parent = self.r.attr(m.id, "part_of")
        mentioned = {x.id for x in self.a.mentions if x.kind == "programme"}
        if parent and parent in mentioned:
            draft.set("part_of", parent)
            return
        if parent:
            return
        if "component" in m.flags or any(s < n <= s + 6 for s, _ in self.containers):
            container = None
            for s, prog in reversed(self.containers):
                if s < n <= s + 6 and prog != m.id:
                    container = prog
                    break
            if container is None:
                for x in reversed(self.a.mentions):
                    if x.kind == "programme" and x.id and x.id != m.id and x.start < m.start \
                            and "component" not in x.flags and self.r.attr(x.id, "kind") in (
                            "fund", "strategy", "initiative"):
                        container = x.id
                        break
            if container and container != m.id:
                draft.set("part_of", container)

    def _target_programmes(self, token, progs, n):
        """The programmes a launch verb (or noun) is about."""
        if not progs:
            return []
        subtree = {t.i for t in token.subtree}
        in_obj = [m for m in progs if any(k in subtree for k in range(m.i, m.j)) and m.i > 0]
        if "Part" in token.morph.get("VerbForm") and token.dep_ in ("acl", "advcl", "amod",
                                                                    "ROOT", "conj"):
            head = token.head
            for m in progs:
                if m.i <= head.i < m.j:
                    return [m]
            subj = self.sent(n).root
            for c in subj.children:
                if c.dep_ in ("nsubj", "nsubj:pass"):
                    for m in progs:
                        if m.i <= c.i < m.j:
                            return [m]
        if in_obj:
            return in_obj
        after = [m for m in progs if m.i > token.i]
        if after:
            return after[:1]
        before = [m for m in progs if m.j <= token.i]
        return before[-1:]

    def _launch_verbs(self, n: int, progs) -> None:
        for token in self.sent(n):
            lemma = fold(token.lemma_)
            word = fold(token.text)
            key = LAUNCH.get(lemma) or LAUNCH.get(word)
            if key is None or token.pos_ not in ("VERB", "NOUN", "ADJ"):
                continue
            if self.negated(token):
                continue
            targets = self._target_programmes(token, progs, n)
            if not targets and token.pos_ == "NOUN" and word == "lancement":
                last = self.a.before(token.i, "programme")
                if last is not None and n - last.sent <= 1:
                    targets = [last]
            if not targets:
                continue
            tense = self.tense(token if token.pos_ == "VERB" else self.gov(token))
            if token.pos_ == "NOUN":
                gov = self.gov(token)
                if token.i > 1 and self.a.folded[token.i - 2] == "pour":
                    tense = "future"  # « annoncé en juin pour un lancement au ... »
                elif fold(gov.lemma_) in ("prevoir", "attendre") or tense == "future" or \
                        any(fold(c.text) in ("prevu", "attendu") for c in gov.subtree):
                    tense = "future"
                elif fold(gov.lemma_) == "annoncer":
                    key = "announced" if word != "lancement" else None
                    if key is None:
                        key = "launched"
                        tense = "announce"
            field = key
            if key == "launched" and tense in ("future", "conditional"):
                field = "planned_launch"
            elif key == "launched" and tense == "announce":
                field = None
            elif key in ("presented", "announced", "signed") and tense in ("future",
                                                                           "conditional"):
                field = None
            agent = self._launcher(token, n)
            for m in targets:
                draft = self._programme(m.id)
                draft.evidence(*self.span(token, m), "rule:programme-launch",
                               CONFIDENCE["programme-launch"])
                agents = [x for x in agent if x != m.id]
                if agents and field != "planned_launch" and key not in ("signed",):
                    draft.set("launched_by", agents)
                    if self._agent_mention is not None:
                        draft.evidence(*self.span(self._agent_mention, token),
                                       "rule:programme-launch", CONFIDENCE["programme-launch"])
                if field is None:
                    continue
                if m.i > 0 and self.a.folded[m.i - 1] == "puis":
                    continue
                for index, mention in self.dates_for(token, n):
                    if mention.role in ("until", "range-end"):
                        continue
                    date = self.resolve_date(index, "future" if field == "planned_launch"
                                             else "past")
                    if date is None:
                        continue
                    published = self.a.published
                    chosen = field
                    if field == "launched" and published is not None and \
                            date.earliest() > published.latest():
                        chosen = "planned_launch"  # « ouvert à compter du 2 mars » in February
                    if date is not None:
                        draft.set(chosen, date, 2)
                        draft.evidence(*self.span(token, self.date_span(index)),
                                       "rule:programme-launch", CONFIDENCE["programme-launch"])
        # a programme in the subtree of a future verb with a date: « Il sera suivi à l'automne
        # d'un second appel X », « X, qui fédérera à partir de septembre 2020 ... »
        for token in self.sent(n):
            if token.pos_ != "VERB" or self.tense(token) != "future" or \
                    fold(token.lemma_) in LAUNCH:
                continue
            subtree = {t.i for t in token.subtree}
            for m in progs:
                if "anaphor" in m.flags:
                    continue
                if not (m.i in subtree or token.head.i in range(m.i, m.j) or
                        token.dep_ == "acl:relcl" and m.j <= token.i and token.i - m.j <= 3):
                    continue
                draft = self._programme(m.id)
                if any(f in draft.fields for f in ("launched", "planned_launch", "presented")):
                    continue
                for index, mention in self.dates_for(token, n):
                    if mention.role not in ("since", "from", None):
                        continue
                    date = self.resolve_date(index, "future")
                    if date is not None:
                        draft.set("planned_launch", date, 1)
                        draft.evidence(*self.span(m, self.date_span(index)),
                                       "rule:programme-launch", CONFIDENCE["programme-launch"])
                        break

    _agent_mention = None

    def _launcher(self, token, n: int) -> list[str]:
        """Who launches: the subject (and its conjuncts), or the agent « par X »."""
        self._agent_mention = None
        candidates, direct = [], []
        if token.pos_ in ("VERB", "ADJ"):
            for c in token.children:
                if c.dep_ in ("nsubj", "obl:agent"):
                    candidates.append(c)
                    candidates += [x for x in c.children if x.dep_ == "conj"]
            if token.dep_ == "conj" and not candidates:
                for c in token.head.children:
                    if c.dep_ in ("nsubj", "obl:agent"):
                        candidates.append(c)
            if token.dep_ in ("acl", "acl:relcl") and not candidates:
                direct.append(token.head)  # « l'agence lance ... » parsed as a modifier
        agents = []
        for c in candidates + direct:
            m = self.mention_of(c)
            if m is None and c not in direct:
                for child in c.subtree:
                    m = self.mention_of(child)
                    if m is not None and m.kind in ("person", "organisation", "post"):
                        break
                    m = None
            agent = None
            if m is not None and m.kind == "organisation" and m.id:
                agent = m.id
            elif m is not None and m.kind == "post":
                agent = self.post_person.get(id(m))
                if agent is None:
                    after = self.a.mention_at(m.j + 1) or self.a.mention_at(m.j)
                    if after is not None and after.kind == "person":
                        agent, m = after.id, after
            elif m is None or m.kind == "person":
                agent = self.person_for(c)
            if agent and agent not in agents:
                agents.append(agent)
                self._agent_mention = self._agent_mention or m or c
        return agents

    def _budgets(self, n: int, progs) -> None:
        for amount in self.a.amounts:
            if amount.sent != n:
                continue
            before = self.a.folded[max(self.sent(n).start, amount.i - 6):amount.i]
            if not any(w in BUDGET_CUES for w in before):
                continue
            target = None
            if progs:
                target = min(progs, key=lambda m: (min(abs(m.i - amount.i), abs(m.j - amount.i)),
                                                   m.i > amount.i))
            else:
                last = self.a.before(amount.i, "programme")
                if last is not None and n - last.sent <= 1:
                    target = last
            if target is None:
                continue
            budget = {"amount": amount.value, "currency": amount.currency}
            if amount.bound != "exact":
                budget["bound"] = amount.bound
            for index, (mention, root, s) in enumerate(self.a.dates):
                if s == n and 0 < mention.start - amount.end <= 4 and mention.year and \
                        mention.month is None and mention.role is None:
                    budget["period"] = PartialDate.parse(f"{mention.year:04d}")
            draft = self._programme(target.id)
            draft.set("budget", budget, 1 if "anaphor" in target.flags else 2)
            start = self.doc[max(self.sent(n).start, amount.i - 6)]
            cue = next((self.doc[k] for k in range(start.i, amount.i)
                        if self.a.folded[k] in BUDGET_CUES), start)
            draft.evidence(*self.span(cue, amount), "rule:budget", CONFIDENCE["budget"])

    def _partners(self, n: int, progs) -> None:
        words = self.words(n)
        sent = self.sent(n)
        joined = " ".join(words)
        cues = [c for c in PARTNER_CUES if " ".join(c) in joined]
        operator = "operateur" in words
        if not cues and not operator:
            return
        target = next((m for m in progs), None) or self.a.before(sent.start, "programme")
        if target is None or not target.id:
            return
        draft = self._programme(target.id)
        orgs = []
        if operator:
            k = words.index("operateur")
            orgs += [m for m in self.a.in_sentence(n, "organisation")
                     if m.id and m.j <= sent.start + k]
        for cue in cues:
            for k in range(len(words) - len(cue) + 1):
                if tuple(words[k:k + len(cue)]) == cue:
                    for m in self.a.in_sentence(n, "organisation"):
                        if m.id and sent.start + k < m.i <= sent.start + k + len(cue) + 3:
                            orgs.append(m)
        for m in orgs:
            if m.id in draft.fields.get("launched_by", []) or \
                    self.r.kind_of(m.id) != "organisation":
                continue
            draft.set("partners", [m.id])
            draft.evidence(*self.span(m), "rule:partners", CONFIDENCE["partners"])
            draft.evidence(*self.span(target if target.sent == n else m, m), "rule:partners",
                           CONFIDENCE["partners"])

    def _signatories(self, n: int, progs) -> None:
        doc = self.doc
        sent = self.sent(n)
        words = self.words(n)
        signed = any(w.startswith(("signe", "paraphe")) for w in words)
        refused = "refuse" in words and "signer" in words
        negative = words[:2] == ["mais", "pas"] or (words and words[0] == "pas")
        if not (signed or refused or negative):
            return
        target = next((m for m in progs), None)
        if target is None:
            target = self._last_charter(sent.start)
        if target is None:
            return
        draft = self._programme(target.id)
        if refused:
            subj = [m for m in self.a.in_sentence(n, "organisation") if m.id]
            for m in subj[:1]:
                draft.set("non_signatories", [m.id])
                draft.evidence(*self.span(m, next(t for t in sent if fold(t.text) == "signer")),
                               "rule:signatories", CONFIDENCE["signatories"])
            return
        if negative:
            orgs = self._listed_orgs(sent.start, sent.end)
            if orgs and "signatories" in draft.fields:
                draft.set("non_signatories", [m for m, _ in orgs])
                draft.evidence(*self.span(sent), "rule:signatories", CONFIDENCE["signatories"])
            return
        par = next((t for t in sent if fold(t.text) == "par" and t.i > sent.start and
                    any(fold(x.text).startswith(("signe", "paraphe"))
                        for x in doc[max(sent.start, t.i - 5):t.i])), None)
        if par is None:
            return
        orgs = self._listed_orgs(par.i + 1, sent.end)
        if orgs:
            draft.set("signatories", [m for m, _ in orgs])
            signed_token = next(x for x in doc[max(sent.start, par.i - 5):par.i]
                                if fold(x.text).startswith(("signe", "paraphe")))
            draft.evidence(*self.span(signed_token, (orgs[-1][1][0], orgs[-1][1][1])),
                           "rule:signatories", CONFIDENCE["signatories"])

    def _listed_orgs(self, i: int, j: int):
        """Organisations listed from token i: registry/known names, or capitalised names."""
        doc = self.doc
        out = []
        k = i
        while k < j:
            m = self.a.mention_at(k)
            if m is not None and m.kind == "organisation" and m.id:
                out.append((m.id, (m.start, m.end)))
                k = m.j
                continue
            token = doc[k]
            if token.text[:1].isupper() and token.pos_ in ("PROPN", "NOUN", "X", "ADJ") and \
                    fold(token.text) not in ("mais", "pas", "ni", "et"):
                e = k + 1
                while e < j and doc[e].text[:1].isupper() and not doc[e].is_punct:
                    e += 1
                name = doc[k:e].text
                if m is None:
                    org = self.r.organisation(name, create=True)
                    if self.r.kind_of(org) == "organisation":
                        out.append((org, (doc[k].idx, doc[e - 1].idx + len(doc[e - 1]))))
                k = e
                continue
            if token.pos_ in ("VERB", "AUX") or fold(token.text) in ("pour", "afin", "qui"):
                break
            k += 1
        return out

    def _last_charter(self, i: int):
        for m in reversed(self.a.mentions):
            if m.kind == "programme" and m.i < i and m.id and \
                    self.r.attr(m.id, "kind") == "charter":
                return m
        return None

    def _results(self, n: int, progs) -> None:
        """« en a présenté les conclusions le 4 décembre à Lyon, lors des Rencontres ... »,
        « a dressé le bilan de ce Tour ... à l'occasion de Viva Technology en mai 2018 »."""
        for token in self.sent(n):
            if fold(token.lemma_) not in ("presenter", "dresser") or \
                    self.tense(token) != "past":
                continue
            obj = [c for c in token.children if fold(c.lemma_) in ("conclusion", "bilan",
                                                                  "resultat")]
            if not obj:
                continue
            target = next((m for m in progs if m.i > token.i), None) or \
                self.a.before(token.i, "programme")
            if target is None or not target.id:
                continue
            draft = self._programme(target.id)
            for index, mention in self.dates_for(token, n):
                date = self.resolve_date(index, "past")
                if date is not None:
                    draft.set("results_presented", date, 2)
            text = self.sent(n).text
            event = re.search(r"(?:lors d(?:es?|u)|à l['’]occasion d(?:es?|u|e la|e l['’]))"
                              r"\s+([^,.;]+)", text)
            if event:
                value = re.sub(r"\s+(?:en|le)\s+\S+(?:\s+\d{4})?$", "", event.group(1)).strip()
                draft.set("results_event", value)
            draft.evidence(*self.span(self.sent(n)), "rule:results", CONFIDENCE["results"])
            if "presented" in draft.fields and draft.fields.get("presented") == \
                    draft.fields.get("results_presented"):
                draft.unset("presented")

    # -- finishing ----------------------------------------------------------------------------
    def finish(self) -> None:
        for draft in list(self.drafts.drafts.values()):
            if draft.type == "mandate":
                start, end = draft.fields.get("start"), draft.fields.get("end")
                if start and end and end.latest() < start.earliest():
                    draft.unset("end")
                if draft.fields.get("state") == "ongoing":
                    draft.unset("state")
                if draft.fields.get("end_reason") and draft.fields.get("state") not in (
                        "ended", "ending"):
                    draft.unset("end_reason")
            if draft.type == "candidacy" and not (draft.fields.get("election") or
                                                  draft.fields.get("office")):
                self.drafts.remove(draft)
            if draft.type == "membership" and not draft.fields.get("organisation"):
                self.drafts.remove(draft)


def _singular(text: str) -> str:
    words = text.split()
    out, in_head = [], True
    for word in words:
        if word.lower() in ("de", "des", "du", "d'", "d’"):
            in_head = False
        if in_head and word.endswith("s") and len(word) > 3:
            word = word[:-1]
        out.append(word)
    return " ".join(out)


__all__ = ["Extraction"]
