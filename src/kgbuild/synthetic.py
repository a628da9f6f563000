"""Synthetic data folders at any scale, in the claim format of docs/model.md.

``generate(out, mandates=10_000, seed=0)`` writes a ``data/`` folder (``registry.yaml``,
``sources/*.txt`` + ``*.yaml``, ``claims/*.yaml``) that ``kgbuild build`` reads like curated data:
the benchmark then exercises the real loader, mapping, reasoning, validation and writers.

What it holds, so that every part of the model is exercised:

* persons drawn from small pools of French first and last names: homonyms are frequent, and each
  homonym has its own id (``jean-martin``, ``jean-martin-2``) and the same label;
* organisations of every kind (communes, departments and regions, ministries, agencies, parties,
  media that publish the sources) and posts of many kinds (maire, adjoint, conseiller, député,
  président, directeur ...), some reporting to another post;
* each post held by a chain of mandates over time: successions (``predecessor``/``successor``),
  re-elections of the same person (a ``key`` per term), dates at day, month or year precision,
  the last term open (``state: ongoing``), ended terms with an ``end_reason``; a few starts are
  unknown (a warning of the shapes, by design);
* some mandates stated by two sources (claims merged on their key), party memberships,
  candidacies, campaign roles, person descriptions, and programmes with budgets, dates,
  launchers, partners and parts;
* articles that contain every quote verbatim, many claims per article.

``faults=n`` adds ``n`` known contradictions (two starts for one mandate, an end before the
start across two claims, two overlapping terms of one person in one post) so that validation
has something to report. The output depends only on the arguments (seeded, sorted).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

FIRST_NAMES = (
    "Jean Marie Pierre Michel Anne Philippe Nathalie Alain Isabelle Patrick Sylvie Nicolas "
    "Catherine Christophe Christine François Sophie Laurent Sandrine Frédéric Valérie Éric Claire "
    "Stéphane Céline David Martine Olivier Véronique Julien Hélène Thierry Caroline Pascal Julie "
    "Sébastien Aurélie Bernard Chantal Daniel Élodie Vincent Laurence Bruno Émilie Gilles Agnès "
    "Didier Brigitte Dominique Corinne Jacques Mathilde Yves Camille Gérard Françoise Thomas Léa "
    "Guillaume Manon Antoine Chloé Hervé Pauline Luc Lucie Marc Juliette Benoît Océane Fabrice "
    "Margaux Denis Inès Cédric Sarah Rémi Laure Xavier Odile Arnaud Colette Lionel Josiane"
).split()
LAST_NAMES = (
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel "
    "Lefèvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine "
    "Rousseau Vincent Muller Lefebvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier "
    "François Legrand Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu "
    "Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noël Meyer Dufour Meunier Brun "
    "Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud Martinez Gérard Roche "
    "Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud Dumas "
    "Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet Rolland Leclercq "
    "Guillaume Lecomte Lopez Jean Dupuy Guillot Hubert Berger Carpentier Sanchez Dupuis Moulin "
    "Louis Deschamps Huet Vasseur Perez Boucher Fleury Royer Klein Jacquet Adam Paris Poirier "
    "Marty Aubry Guyot Carré Charles Renault Charpentier Ménard Maillard Baron Bertin Bailly "
    "Hervé Schneider Fernandez Le_Gall Collet Léger Bouvier Julien Prévost Millet Perrot Daniel "
    "Le_Roux Cousin Germain Breton Besson Langlois Rémy Le_Goff Pelletier Lévêque Perrier Leblanc "
    "Barré Lebrun Marchal Weber Mallet Hamon Boulanger Jacob Monnier Michaud Rodriguez Guichard "
    "Gillet Étienne Grondin Poulain Tessier Chevallier Collin Chauvin Da_Silva Bouchet Gay Lemaître"
).split()
LAST_NAMES = tuple(name.replace("_", " ") for name in LAST_NAMES)
PLACE_STEMS = (
    "Beaumont Villeneuve Montfort Châteauneuf Bellevue Fontaine Rochefort Clairvaux Montagne "
    "Valence Mirande Laval Belfort Aurillac Brive Cahors Figeac Millau Rodez Albi Castres Auch "
    "Tarbes Pau Dax Mont Sarlat Périgueux Bergerac Angoulême Cognac Saintes Niort Poitiers "
    "Chinon Loches Blois Vendôme Dreux Chartres Évreux Vernon Lisieux Bayeux Vire Avranches "
    "Granville Dinan Vitré Fougères Redon Quimper Morlaix Lannion Guingamp Vannes Lorient Auray"
).split()
PLACE_SUFFIXES = ("", "-sur-Loire", "-sur-Mer", "-en-Vallée", "-les-Bains", "-le-Château",
                  "-sur-Marne", "-la-Forêt", "-du-Lac", "-sur-Garonne", "-en-Provence",
                  "-le-Vieux", "-sur-Seine", "-les-Pins", "-la-Rivière", "-d’Azur")
PLACE_PREFIXES = ("", "", "Saint-", "Sainte-", "Notre-Dame-de-", "Villers-", "Fontenay-")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")
END_REASONS = ("end-of-term", "resignation", "government-change", "appointment-elsewhere",
               "dismissal", "candidacy", "other")
PROGRAMME_KINDS = ("fund", "public-service", "charter", "strategy", "label", "visa", "tour",
                   "network", "initiative", "platform")
PROGRAMME_NOUNS = {
    "fund": "fonds", "public-service": "service", "charter": "charte", "strategy": "stratégie",
    "label": "label", "visa": "visa", "tour": "tour", "network": "réseau",
    "initiative": "plan", "platform": "plateforme",
}
THEMES = ("Numérique", "Mer", "Montagne", "Jeunesse", "Santé", "Mobilités", "Climat",
          "Industrie", "Ruralité", "Culture", "Sport", "Innovation", "Littoral", "Eau", "Forêt")
FILLER = (
    "La séance s’est tenue dans la salle du conseil.",
    "Les débats ont duré plus de trois heures.",
    "Plusieurs habitants assistaient à la réunion.",
    "Le compte rendu sera publié sur le site de la collectivité.",
    "L’opposition a demandé une suspension de séance.",
    "La presse locale était présente.",
    "Le budget primitif sera examiné le mois prochain.",
    "Une minute de silence a été observée en début de séance.",
)
# (post id stem, French label template, English label template, weight) per organisation level
COMMUNE_POSTS = (("maire", "maire de {place}", "Mayor of {place}"),
                 ("premier-adjoint", "premier adjoint au maire de {place}",
                  "First deputy mayor of {place}"),
                 ("adjoint-culture", "adjoint à la culture de {place}",
                  "Deputy mayor for culture of {place}"),
                 ("adjoint-finances", "adjoint aux finances de {place}",
                  "Deputy mayor for finance of {place}"))
DEPARTMENT_POSTS = (("president-conseil-departemental",
                     "président du conseil départemental de {place}",
                     "President of the departmental council of {place}"),
                    ("depute", "député de la circonscription de {place}",
                     "Member of Parliament for {place}"),
                    ("senateur", "sénateur de {place}", "Senator for {place}"),
                    ("prefet", "préfet de {place}", "Prefect of {place}"))
REGION_POSTS = (("president-conseil-regional", "président du conseil régional de {place}",
                 "President of the regional council of {place}"),
                ("vice-president-transports",
                 "vice-président chargé des transports de la région {place}",
                 "Vice-president for transport of the {place} region"))
MINISTRY_POSTS = (("ministre", "ministre de {theme}", "Minister of {theme}"),
                  ("secretaire-etat", "secrétaire d’État chargé de {theme}",
                   "Secretary of State for {theme}"),
                  ("directeur-cabinet", "directeur de cabinet du ministre de {theme}",
                   "Chief of staff of the Minister of {theme}"))
AGENCY_POSTS = (("directeur-general", "directeur général de {name}",
                 "Director general of {name}"),
                ("president", "président de {name}", "President of {name}"))


def slugify(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.replace("’", "-").replace("'", "-"))
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    out = []
    for char in ascii_text:
        out.append(char if char.isascii() and char.isalnum() else "-")
    return "-".join(part for part in "".join(out).split("-") if part)


def _of(text: str) -> str:
    """French "de" before ``text``, elided before a vowel: "d’adjoint", "de maire"."""
    return ("d’" if text[:1].lower() in "aeiouéèêh" else "de ") + text


def q(text: str) -> str:
    """A double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class _Entity:
    id: str
    label: str
    label_en: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class _Claim:
    id: str
    fields: list  # (name, yaml text) in order
    sentences: list  # the quotes, each a sentence of the article


@dataclass
class GeneratedData:
    """What :func:`generate` wrote: the folder and counts."""

    path: Path
    mandates: int
    claims: int
    sources: int
    persons: int
    posts: int
    organisations: int
    programmes: int
    faults: int


class _Generator:
    def __init__(self, mandates: int, seed: int, claims_per_source: int, faults: int):
        self.target = mandates
        self.random = random.Random(seed)
        self.claims_per_source = claims_per_source
        self.faults = faults
        self.persons: list[_Entity] = []
        self.person_ids: dict[str, int] = {}
        self.organisations: list[_Entity] = []
        self.posts: list[_Entity] = []
        self.programmes: list[_Entity] = []
        self.elections: list[_Entity] = []
        self.claims: list[_Claim] = []
        self.mandate_count = 0
        self.used_ids: set[str] = set()

    # -- entities ----------------------------------------------------------------------------

    def new_id(self, stem: str) -> str:
        if stem not in self.used_ids:
            self.used_ids.add(stem)
            return stem
        number = 2
        while f"{stem}-{number}" in self.used_ids:
            number += 1
        self.used_ids.add(f"{stem}-{number}")
        return f"{stem}-{number}"

    def new_person(self) -> _Entity:
        if self.persons and self.random.random() < 0.03:  # a namesake of someone known
            label = self.random.choice(self.persons).label
        else:
            first = self.random.choice(FIRST_NAMES)
            last = self.random.choice(LAST_NAMES)
            if self.random.random() < 0.05:
                first = f"{first}-{self.random.choice(FIRST_NAMES)}"
            label = f"{first} {last}"
        person = _Entity(self.new_id(slugify(label)), label, label)
        self.persons.append(person)
        return person

    def place(self) -> str:
        return (self.random.choice(PLACE_PREFIXES) + self.random.choice(PLACE_STEMS)
                + self.random.choice(PLACE_SUFFIXES))

    def organisation(self, label: str, label_en: str, kind: str) -> _Entity:
        entity = _Entity(self.new_id(slugify(label)), label, label_en, {"kind": kind})
        self.organisations.append(entity)
        return entity

    def post(self, stem: str, label: str, label_en: str, organisation: _Entity,
             reports_to: _Entity | None = None) -> _Entity:
        entity = _Entity(self.new_id(f"{stem}-{organisation.id}"[:80].rstrip("-")), label,
                         label_en, {"organisation": organisation.id})
        if reports_to is not None:
            entity.extra["reports_to"] = reports_to.id
        self.posts.append(entity)
        return entity

    def build_world(self) -> None:
        """Fixed organisations (media, parties, government ...), then posts: about one post for
        every three mandates (more are added if the chains need them)."""
        self.media = [self.organisation(name, name, "media") for name in (
            "La Gazette des Communes", "Le Courrier Régional", "L’Écho du Territoire",
            "La Dépêche Locale", "Le Journal Officiel Numérique")]
        self.parties = [self.organisation(name, name, "party") for name in (
            "Union des Territoires", "Mouvement Républicain", "Parti de l’Avenir",
            "Alliance Écologiste", "Rassemblement Citoyen")]
        self.government = self.organisation("Gouvernement", "Government", "government")
        self.advisory = self.organisation("Conseil national des territoires",
                                          "National Council of Territories", "advisory-council")
        self.companies = [self.organisation(name, name, "company") for name in (
            "Territoires Conseil", "Numérique Services", "Mobilités Partagées")]
        self.agencies: list[_Entity] = []
        self.add_posts(max(4, self.target // 3))
        # elections, for candidacies and campaign roles
        for year in (2008, 2014, 2020, 2026):
            self.elections.append(_Entity(f"municipales-{year}",
                                          f"élections municipales de {year}",
                                          f"{year} municipal elections", {"date": str(year)}))
        for year in (2012, 2017, 2022):
            self.elections.append(_Entity(f"legislatives-{year}",
                                          f"élections législatives de {year}",
                                          f"{year} legislative elections", {"date": str(year)}))

    def add_posts(self, wanted: int) -> None:
        """Organisations with their posts until there are ``wanted`` posts."""
        government = self.government
        while len(self.posts) < wanted:
            roll = self.random.random()
            if roll < 0.80:
                place = self.place()
                commune = self.organisation(f"Ville de {place}", f"City of {place}",
                                            "local-government")
                maire = None
                for stem, label, label_en in COMMUNE_POSTS:
                    post = self.post(stem, label.format(place=place),
                                     label_en.format(place=place), commune,
                                     reports_to=maire)
                    maire = maire or post
            elif roll < 0.93:
                place = self.place()
                department = self.organisation(f"Département de {place}",
                                               f"Department of {place}", "local-government")
                for stem, label, label_en in DEPARTMENT_POSTS:
                    self.post(stem, label.format(place=place), label_en.format(place=place),
                              department)
            elif roll < 0.96:
                place = self.place()
                region = self.organisation(f"Région {place}", f"{place} Region",
                                           "local-government")
                for stem, label, label_en in REGION_POSTS:
                    self.post(stem, label.format(place=place), label_en.format(place=place),
                              region)
            elif roll < 0.98:
                theme = self.random.choice(THEMES)
                ministry = self.organisation(f"Ministère de {theme}", f"Ministry of {theme}",
                                             "ministry")
                minister = None
                for stem, label, label_en in MINISTRY_POSTS:
                    post = self.post(stem, label.format(theme=theme),
                                     label_en.format(theme=theme),
                                     government if stem != "directeur-cabinet" else ministry,
                                     reports_to=minister)
                    minister = minister or post
            else:
                theme = self.random.choice(THEMES)
                name = f"Agence nationale {self.random.choice(('de la', 'pour la'))} " \
                       f"{theme} {len(self.agencies) + 1}"
                agency = self.organisation(name, f"National agency {theme} "
                                                 f"{len(self.agencies) + 1}", "public-agency")
                self.agencies.append(agency)
                for stem, label, label_en in AGENCY_POSTS:
                    self.post(stem, label.format(name=name), label_en.format(name=name),
                              agency)

    # -- claims ------------------------------------------------------------------------------

    def date_text(self, day: date) -> tuple[str, str]:
        """A date at a random precision: (YAML value, French words)."""
        roll = self.random.random()
        if roll < 0.5:
            return day.isoformat(), f"le {day.day} {MONTHS[day.month - 1]} {day.year}"
        if roll < 0.8:
            return day.isoformat()[:7], f"en {MONTHS[day.month - 1]} {day.year}"
        return str(day.year), f"en {day.year}"

    def claim_id(self, stem: str) -> str:
        return f"{stem}-{len(self.claims) + 1:07d}"

    def add_mandates(self) -> None:
        """Chains of terms on each post until the target number of mandates is reached."""
        order = list(range(len(self.posts)))
        self.random.shuffle(order)
        index = 0
        while self.mandate_count < self.target:
            if index == len(order):  # every post has its chain: found more organisations
                known = len(self.posts)
                self.add_posts(known + max(4, (self.target - self.mandate_count) // 3))
                order += range(known, len(self.posts))
            post = self.posts[order[index]]
            index += 1
            remaining = self.target - self.mandate_count
            self.add_chain(post, min(remaining, self.random.randint(1, 5)))

    def add_chain(self, post: _Entity, terms: int) -> None:
        start = date(1983, 3, 1) + timedelta(days=self.random.randint(0, 365 * 25))
        holders: list[_Entity] = []
        for term in range(terms):
            if holders and self.random.random() < 0.3:
                holders.append(holders[-1])  # re-elected
            elif self.persons and self.random.random() < 0.25:
                holders.append(self.random.choice(self.persons))  # holds another post too
            else:
                holders.append(self.new_person())
        for term, holder in enumerate(holders):
            last = term == len(holders) - 1
            length = timedelta(days=self.random.randint(365 * 3, 365 * 7))
            end = start + length
            if last and end > date(2024, 1, 1) or last and self.random.random() < 0.6:
                end = None
            self.add_mandate(post, holder, start, end, term,
                             holders[term - 1] if term else None,
                             holders[term + 1] if not last else None)
            start = end if end is not None else start

    def add_mandate(self, post: _Entity, holder: _Entity, start: date, end: date | None,
                    term: int, before: _Entity | None, after: _Entity | None) -> None:
        self.mandate_count += 1
        unknown_start = self.random.random() < 0.03
        key = f"{post.id}-{term + 1}"  # one chain of terms per post
        fields = [("type", "mandate"), ("holder", holder.id), ("post", post.id), ("key", key)]
        sentences = []
        start_value, start_words = self.date_text(start)
        if not unknown_start:
            fields.append(("start", start_value))
            verb = "a été élu" if self.random.random() < 0.7 else "a été nommé"
            sentence = f"{holder.label} {verb} {post.label} {start_words}."
        else:
            sentence = f"{holder.label} exerce la fonction de {post.label}."
        if before is not None and before is not holder:
            fields.append(("predecessor", before.id))
            sentence = sentence[:-1] + f", succédant à {before.label}."
        sentences.append(sentence)
        second_source = None
        if end is None:
            fields.append(("state", "ongoing"))
        else:
            end_value, end_words = self.date_text(end)
            reason = self.random.choice(END_REASONS)
            end_sentence = f"{holder.label} a quitté ses fonctions {_of(post.label)} {end_words}."
            end_fields = [("end", end_value), ("state", "ended"), ("end_reason", reason)]
            if after is not None and after is not holder:
                end_fields.append(("successor", after.id))
                end_sentence = end_sentence[:-1] + f" ; {after.label} lui succède."
            roll = self.random.random()
            if roll < 0.1:  # the end told by another article: merged on key
                second_source = _Claim(self.claim_id("mandat-fin"),
                                       [("type", "mandate"), ("holder", holder.id),
                                        ("post", post.id), ("key", key)] + end_fields,
                                       [end_sentence])
            elif roll < 0.6 and not unknown_start:  # one sentence gives the whole term
                fields += end_fields
                since = {4: f"à partir de {start_value[:4]}",
                         7: "à partir " + _of(start_words[3:]),
                         10: "à partir du " + start_words[3:]}[len(start_value)]
                until = {4: f"jusqu’en {end_value}", 7: "jusqu’" + end_words,
                         10: "jusqu’au " + end_words[3:]}[len(end_value)]
                sentence = f"{holder.label} a été {post.label} {since} {until}."
                if before is not None and before is not holder:
                    sentence = sentence[:-1] + f", après {before.label}."
                if after is not None and after is not holder:
                    sentence = sentence[:-1] + f" ; {after.label} lui a succédé."
                sentences[-1] = sentence
            else:
                fields += end_fields
                sentences.append(end_sentence)
        self.claims.append(_Claim(self.claim_id("mandat"), fields, sentences))
        if second_source is not None:
            self.claims.append(second_source)

    def add_other_claims(self) -> None:
        count = self.target
        joined = set()  # one membership per person and party: two would merge with two starts
        for _ in range(max(1, count // 20)):  # party memberships
            person, party = self.random.choice(self.persons), self.random.choice(self.parties)
            if (person.id, party.id) in joined:
                continue
            joined.add((person.id, party.id))
            fields = [("type", "membership"), ("member", person.id),
                      ("organisation", party.id)]
            year = self.random.randint(1990, 2022)
            sentence = f"{person.label} a adhéré à {party.label}"
            if self.random.random() < 0.7:
                fields.append(("start", str(year)))
                sentence += f" en {year}"
            fields.append(("role", q("adhérent")))
            self.claims.append(_Claim(self.claim_id("adhesion"), fields, [sentence + "."]))
        for _ in range(max(1, count // 50)):  # candidacies
            person, election = self.random.choice(self.persons), self.random.choice(
                self.elections)
            party = self.random.choice(self.parties)
            state = self.random.choice(("declared", "expected", "withdrawn"))
            words = {"declared": "est candidat aux", "expected": "devrait se présenter aux",
                     "withdrawn": "a retiré sa candidature aux"}[state]
            fields = [("type", "candidacy"), ("candidate", person.id),
                      ("election", election.id), ("investiture_of", party.id),
                      ("key", f"{person.id}-{election.id}-{len(self.claims)}"),
                      ("state", state)]
            sentence = f"{person.label} {words} {election.label}, avec l’investiture de " \
                       f"{party.label}."
            self.claims.append(_Claim(self.claim_id("candidature"), fields, [sentence]))
        for _ in range(max(1, count // 200)):  # campaign roles
            person, candidate = self.random.sample(self.persons, 2) if len(
                self.persons) > 1 else (self.persons[0], self.persons[0])
            election = self.random.choice(self.elections)
            fields = [("type", "campaign_role"), ("person", person.id),
                      ("role", q("directeur de campagne")), ("candidate", candidate.id),
                      ("election", election.id),
                      ("key", f"{person.id}-{candidate.id}-{len(self.claims)}")]
            sentence = f"{person.label} sera le directeur de campagne de {candidate.label} " \
                       f"pour les {election.label}."
            self.claims.append(_Claim(self.claim_id("campagne"), fields, [sentence]))
        for _ in range(max(1, count // 50)):  # person descriptions
            person = self.random.choice(self.persons)
            job = self.random.choice(("avocat", "enseignante", "agriculteur", "médecin",
                                      "cheffe d’entreprise", "ingénieur", "fonctionnaire"))
            fields = [("type", "person"), ("person", person.id), ("occupation", q(job))]
            self.claims.append(_Claim(self.claim_id("portrait"), fields,
                                      [f"{person.label}, {job} de profession, est connu "
                                       f"dans la région."]))
        self.add_programmes(max(2, count // 200))

    def add_programmes(self, number: int) -> None:
        for n in range(number):
            kind = self.random.choice(PROGRAMME_KINDS)
            theme = self.random.choice(THEMES)
            label = f"{PROGRAMME_NOUNS[kind]} {theme} {n + 1}"
            programme = _Entity(self.new_id(slugify(label)), label, f"{theme} {kind} {n + 1}",
                                {"kind": kind})
            if self.programmes and self.random.random() < 0.2:
                programme.extra["part_of"] = self.random.choice(self.programmes).id
            self.programmes.append(programme)
            launcher = self.random.choice(self.persons)
            day = date(2000, 1, 1) + timedelta(days=self.random.randint(0, 365 * 23))
            day_value, day_words = self.date_text(day)
            amount = self.random.randint(1, 500) * 100_000
            bound = self.random.choice(("exact", "exact", "minimum", "approximate"))
            money = {"exact": "doté de", "minimum": "doté d’au moins",
                     "approximate": "doté d’environ"}[bound]
            partners = self.random.sample(self.companies, 2)
            fields = [("type", "programme"), ("programme", programme.id),
                      ("launched_by", f"[{launcher.id}]"), ("launched", day_value),
                      ("budget", f"{{amount: {amount}, currency: EUR, bound: {bound}}}"),
                      ("partners", "[" + ", ".join(p.id for p in partners) + "]")]
            spelled = f"{amount:,}".replace(",", "\u202f")
            sentences = [f"Le {label}, {money} {spelled} euros, a été lancé {day_words} par "
                         f"{launcher.label}.",
                         f"{partners[0].label} et {partners[1].label} en sont partenaires."]
            self.claims.append(_Claim(self.claim_id("programme"), fields, sentences))

    def add_faults(self) -> None:
        """Known contradictions, each in claims of its own (the loader accepts them)."""
        mandates = [c for c in self.claims if c.fields[0] == ("type", "mandate")
                    and any(name == "start" for name, _ in c.fields)]
        picked = self.random.sample(mandates, min(self.faults, len(mandates)))
        for number, claim in enumerate(picked):
            values = dict(claim.fields)
            holder = next(p for p in self.persons if p.id == values["holder"])
            post = next(p for p in self.posts if p.id == values["post"])
            kind = number % 3
            base = [("type", "mandate"), ("holder", holder.id), ("post", post.id)]
            if kind == 0:  # two starts for one mandate
                fields = base + [("key", values["key"]), ("start", "1950")]
                sentence = f"{holder.label} avait déjà été désigné {post.label} en 1950."
            elif kind == 1:  # an end before the start, told by another claim
                fields = base + [("key", values["key"]), ("end", "1960")]
                sentence = f"{holder.label} aurait quitté ses fonctions {_of(post.label)} en 1960."
            else:  # a second, overlapping term of the same person in the same post
                fields = base + [("key", values["key"] + "-bis"), ("start", values["start"]),
                                 ("state", "ongoing")]
                sentence = f"{holder.label} occupe toujours le poste de {post.label}."
            self.claims.append(_Claim(self.claim_id("contradiction"), fields, [sentence]))

    # -- writing -----------------------------------------------------------------------------

    def write(self, out: Path) -> GeneratedData:
        (out / "sources").mkdir(parents=True, exist_ok=True)
        (out / "claims").mkdir(exist_ok=True)
        self.write_registry(out / "registry.yaml")
        claims = list(self.claims)
        self.random.shuffle(claims)
        position, number = 0, 0
        while position < len(claims):
            size = self.random.randint(max(1, self.claims_per_source // 2),
                                       self.claims_per_source * 3 // 2)
            number += 1
            self.write_source(out, f"article-{number:06d}", claims[position:position + size])
            position += size
        return GeneratedData(out, self.mandate_count, len(claims), number, len(self.persons),
                             len(self.posts), len(self.organisations), len(self.programmes),
                             self.faults)

    def write_registry(self, path: Path) -> None:
        lines = ["# Synthetic registry written by kgbuild.synthetic: not real people."]

        def section(name: str, entities: list[_Entity], keys: tuple[str, ...]) -> None:
            lines.append(f"{name}:")
            for entity in entities:
                lines.append(f"  - id: {entity.id}")
                lines.append(f"    label: {q(entity.label)}")
                if entity.label_en:
                    lines.append(f"    label_en: {q(entity.label_en)}")
                for key in keys:
                    if key in entity.extra:
                        lines.append(f"    {key}: {entity.extra[key]}")

        section("persons", self.persons, ())
        section("organisations", self.organisations, ("kind",))
        section("posts", self.posts, ("organisation", "reports_to"))
        section("programmes", self.programmes, ("kind", "part_of"))
        section("elections", self.elections, ("date",))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def write_source(self, out: Path, source_id: str, claims: list[_Claim]) -> None:
        paragraphs = []
        for claim in claims:
            sentences = list(claim.sentences)
            if self.random.random() < 0.3:
                sentences.insert(self.random.randint(0, len(sentences)),
                                 self.random.choice(FILLER))
            paragraphs.append(" ".join(sentences))
        text = "\n\n".join(paragraphs) + "\n"
        raw = text.encode("utf-8")
        (out / "sources" / f"{source_id}.txt").write_bytes(raw)
        publisher = self.random.choice(self.media)
        day = date(2005, 1, 1) + timedelta(days=self.random.randint(0, 365 * 19))
        meta = [f"id: {source_id}",
                f"title: {q('Actualité des élus locaux n° ' + source_id.rsplit('-', 1)[1])}",
                f"publisher: {publisher.id}",
                f"url: https://example.org/{publisher.id}/{source_id}",
                f"published: {day.isoformat()}", "modified: unknown", "retrieved: unknown",
                "language: fr", f'sha256: "{hashlib.sha256(raw).hexdigest()}"']
        (out / "sources" / f"{source_id}.yaml").write_text("\n".join(meta) + "\n",
                                                           encoding="utf-8")
        lines = [f"source: {source_id}", "status: reviewed", "claims:"]
        for claim in claims:
            lines.append(f"  - id: {claim.id}")
            for name, value in claim.fields:
                lines.append(f"    {name}: {value}")
            lines.append("    quotes:")
            for sentence in claim.sentences:
                lines.append(f"      - {q(sentence)}")
        (out / "claims" / f"{source_id}.yaml").write_text("\n".join(lines) + "\n",
                                                          encoding="utf-8")


def generate(out: str | Path, mandates: int = 10_000, *, seed: int = 0,
             claims_per_source: int = 40, faults: int = 0) -> GeneratedData:
    """Write a synthetic data folder with ``mandates`` mandates to ``out`` (created).

    ``out`` must not hold a data folder already (files would mix: InputError). Returns the
    counts.
    """
    from .errors import InputError

    out = Path(out)
    if (out / "registry.yaml").exists() or (out / "claims").exists():
        raise InputError("already holds a data folder", path=out,
                         hint="give a new or empty folder: generated files would mix")
    if mandates < 1:
        raise InputError(f"{mandates} mandates: give at least 1")
    generator = _Generator(mandates, seed, claims_per_source, faults)
    generator.build_world()
    generator.add_mandates()
    generator.add_other_claims()
    generator.add_faults()
    return generator.write(out)


__all__ = ["GeneratedData", "generate"]
