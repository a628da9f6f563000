"""A picture of mandates and candidacies per person over time (matplotlib, Agg, byte-stable).

:func:`render_timeline` takes a graph and returns an :class:`~kgbuild.export.Export` whose content
is SVG or PNG bytes. The picture never suggests a date the graph does not have:

* a date known to the month or the year is drawn as a light band over that whole month or year;
* an end (or a start) the sources do not give fades out (hatched) instead of stopping;
* a mandate still ongoing when the source was written ends in an arrow;
* a mandate with no date at all sits in a separate "dates unknown" column, in a dashed box;
* a candidacy is a diamond on its day, or a capped span over its month or year.

The same graph gives the same bytes: the SVG has no date and a fixed hash salt.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import textwrap
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from .dates import PartialDate
from .errors import ExportError
from .export import (Candidacy, Export, ExportReport, Mandate, clean, label, local_id,
                     read_candidacies, read_mandates)
from .registry import normalise_name
from .rdfio import parse_rdf, term_text
from .vocab import KGID, SCHEMA

SPARQL_DIR = Path(__file__).resolve().parent / "sparql"
IMAGE_FORMATS = ("svg", "png")
LANGUAGES = ("en", "fr")
TEXT = {
    "en": {"title": "Mandates and candidacies", "unknown": "dates unknown",
           "held": "held (dates from the sources)",
           "band": "date known to the month or year: the band spans it",
           "fade": "end (or start) not given by the sources",
           "ongoing": "ongoing when the source was written",
           "undated": "no date at all (right column)",
           "day": "candidacy announced (day)",
           "span": "candidacy known to the month or year",
           "candidacy": "candidacy", "none": "no mandate or candidacy in the graph"},
    "fr": {"title": "Mandats et candidatures", "unknown": "dates inconnues",
           "held": "exercé (dates des sources)",
           "band": "date connue au mois ou à l'année : la bande la couvre",
           "fade": "fin (ou début) non donnée par les sources",
           "ongoing": "en cours à la date de la source",
           "undated": "aucune date (colonne de droite)",
           "day": "candidature annoncée (jour)",
           "span": "candidature connue au mois ou à l'année",
           "candidacy": "candidature", "none": "aucun mandat ni candidature dans le graphe"},
}
COLOURS = {"mandate": "#2f6f9f", "candidacy": "#b5473a", "text": "#222222", "grid": "#dddddd"}
LANE = 1.0          # height of one lane, in data units
BAR = 0.34          # height of a bar
FADE_STEPS = 10


@dataclass(frozen=True)
class Lane:
    """One line of the picture: a mandate or a candidacy of one person."""

    person: URIRef
    kind: str                       # mandate | candidacy
    text: str                       # the post or the election, in the chosen language
    item: Mandate | Candidacy

    @property
    def dates(self) -> tuple[PartialDate, ...]:
        if isinstance(self.item, Mandate):
            return self.item.starts + self.item.ends
        return self.item.announced or self.item.election_dates

    @property
    def dated(self) -> bool:
        return bool(self.dates)


@dataclass(frozen=True)
class PersonRow:
    person: URIRef
    label: str
    lanes: tuple[Lane, ...]


def resolve_person(graph: Graph, name: str) -> URIRef:
    """The person named by an id, an IRI, ``person:id``, or a label, alias or misspelling.

    Names match case-, accent- and apostrophe-insensitively (:func:`registry.normalise_name`).
    Raises :class:`ExportError` listing the known persons when none (or several) match.
    """
    graph = parse_rdf(graph)
    persons = sorted(set(graph.subjects(RDF.type, SCHEMA.Person)), key=str)
    wanted = name.strip()
    by_iri = [p for p in persons
              if wanted in (str(p), term_text(p), local_id(p), f"<{p}>")]
    if by_iri:
        return by_iri[0]
    key = normalise_name(wanted)
    found = [p for p in persons if key and any(
        normalise_name(str(n)) == key for predicate in (SKOS.prefLabel, SKOS.altLabel,
                                                        SKOS.hiddenLabel)
        for n in graph.objects(p, predicate))]
    if len(found) == 1:
        return found[0]
    if found:
        raise ExportError(f"'{name}' names {len(found)} persons: "
                          + ", ".join(local_id(p) for p in found),
                          hint="give the person's id instead")
    raise ExportError(f"unknown person '{name}'", hint=_known_persons(graph, persons, key))


LISTED_PERSONS = 12  # an unknown name lists the known persons up to this many, else the closest


def _known_persons(graph: Graph, persons: list, key: str) -> str:
    named = [f"{label(graph, p)} ({local_id(p)})" for p in persons]
    if len(persons) <= LISTED_PERSONS:
        return "known persons: " + (", ".join(named) or "none")
    by_name = {normalise_name(label(graph, p)): text for p, text in zip(persons, named)}
    close = difflib.get_close_matches(key, by_name, n=3, cutoff=0.6)
    if close:
        return "did you mean " + ", ".join(by_name[c] for c in close) + "?"
    return (f"none of the {len(persons):,} persons is named so; "
            "`kgbuild query persons` lists them all")


def person_graph(store, name: str) -> Graph:
    """The part of a large graph that the timeline of one person draws, read from a
    ``pyoxigraph.Store`` (built with ``--store``, or Turtle loaded by
    :func:`kgbuild.store.load_files`): the person, their mandates and candidacies, and the posts
    and elections these name (``sparql/person-timeline.rq``). ``name`` resolves as
    :func:`resolve_person` resolves it in the whole graph, with the same errors, so
    ``render_timeline(person_graph(store, name), person=name)`` draws the same picture as the
    whole graph does, without loading it into rdflib (minutes at 100,000 mandates).
    """
    from .query import load_query_file, run_query

    chosen = _person_by_id(store, name)
    if chosen is None:  # a name: matched against every person's, as in the whole graph
        persons = Graph()
        for person, predicate, label_ in run_query(
                load_query_file(SPARQL_DIR / "person-names.rq"), store).rows:
            persons.add((person, RDF.type, SCHEMA.Person))
            if predicate is not None:
                persons.add((person, predicate, label_))
        chosen = resolve_person(persons, name)
    part = Graph()
    for triple in run_query(load_query_file(SPARQL_DIR / "person-timeline.rq"), store,
                            {"person": f"<{chosen}>"}).rows:
        part.add(triple)
    return part


def _person_by_id(store, name: str) -> URIRef | None:
    """The person ``name`` is the IRI, ``person:ID`` or ID of, if the store has them: what
    :func:`resolve_person` tries first, looked up without reading every person's names."""
    import pyoxigraph as ox

    from .rdfio import WRITE_PREFIXES

    wanted = name.strip()
    prefix, _, local = wanted.partition(":")
    candidates = {wanted, wanted[1:-1] if wanted.startswith("<") else wanted,
                  f"{KGID}person/{wanted}"}
    if prefix in WRITE_PREFIXES:
        candidates.add(WRITE_PREFIXES[prefix] + local)
    found = []
    for iri in candidates:
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            continue  # not an IRI: a name
        if next(iter(store.quads_for_pattern(node, ox.NamedNode(str(RDF.type)),
                                             ox.NamedNode(str(SCHEMA.Person)))), None):
            found.append(URIRef(iri))
    return min(found, key=str) if found else None


def timeline_rows(graph: Graph, person: str | None = None, *,
                  lang: str = "en") -> list[PersonRow]:
    """The rows of the picture: persons with their mandates and candidacies, earliest first."""
    graph, _ = clean(graph)
    chosen = resolve_person(graph, person) if person is not None else None
    lanes: dict = {}
    label_lang = "fr" if lang == "fr" else "en"
    for mandate in read_mandates(graph):
        if mandate.holder is not None and mandate.post is not None:
            lanes.setdefault(mandate.holder, []).append(
                Lane(mandate.holder, "mandate", label(graph, mandate.post, label_lang), mandate))
    for candidacy in read_candidacies(graph):
        if candidacy.candidate is None:
            continue
        target = candidacy.election or candidacy.post
        text = label(graph, target, label_lang) if target is not None else local_id(candidacy.node)
        lanes.setdefault(candidacy.candidate, []).append(
            Lane(candidacy.candidate, "candidacy", text, candidacy))
    people = [chosen] if chosen is not None else list(lanes)
    rows = []
    for node in people:
        own = sorted(lanes.get(node, []), key=_lane_key)
        rows.append(PersonRow(node, label(graph, node, label_lang), tuple(own)))
    return sorted(rows, key=lambda r: (min((_lane_key(lane)[0] for lane in r.lanes),
                                           default="~"), normalise_name(r.label)))


def _lane_key(lane: Lane) -> tuple:
    dates = lane.dates
    return (min(d.iso for d in dates) if dates else "~", lane.kind, lane.text, str(lane.item.node))


def render_timeline(graph: Graph, *, person: str | None = None, format: str = "svg",
                    lang: str = "en") -> Export:
    """The timeline of ``graph`` (or of one ``person``) as SVG or PNG bytes, and its report."""
    if format not in IMAGE_FORMATS:
        raise ExportError(f"cannot draw a timeline as '{format}'",
                          hint=f"choose one of: {', '.join(IMAGE_FORMATS)}")
    if lang not in LANGUAGES:
        raise ExportError(f"unknown language '{lang}'",
                          hint=f"choose one of: {', '.join(LANGUAGES)}")
    rows = timeline_rows(graph, person, lang=lang)
    if not rows:
        raise ExportError("the graph has no mandate or candidacy to draw",
                          hint="check --graph: is it a graph built by `kgbuild build`?")
    report = ExportReport(f"Timeline ({format.upper()})")
    lanes = [lane for row in rows for lane in row.lanes]
    report.counts.update(persons=len(rows),
                         mandates=sum(lane.kind == "mandate" for lane in lanes),
                         candidacies=sum(lane.kind == "candidacy" for lane in lanes))
    for lane in lanes:
        item = lane.item
        if not lane.dated:
            report.note("incomplete", item.node,
                        f"no date: drawn under '{TEXT[lang]['unknown']}'")
        elif isinstance(item, Mandate) and (len(item.starts) > 1 or len(item.ends) > 1):
            report.note("incomplete", item.node, "contradictory dates: drawn as one band from "
                                                 "the earliest to the latest")
    return Export(_draw(rows, format, TEXT[lang]), report)


# -- drawing ---------------------------------------------------------------------------------

def _draw(rows: list[PersonRow], format: str, text: dict) -> bytes:
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    settings = {"svg.hashsalt": "kgbuild", "svg.fonttype": "path", "font.family": "DejaVu Sans",
                "font.size": 9, "axes.edgecolor": "#888888", "path.simplify": False}
    with matplotlib.rc_context(settings):
        lanes = sum(max(len(row.lanes), 1) for row in rows)
        figure = Figure(figsize=(13, 1.9 + 0.52 * lanes + 0.9), dpi=110)
        FigureCanvasAgg(figure)
        undated = any(not lane.dated for row in rows for lane in row.lanes)
        grid = figure.add_gridspec(1, 2 if undated else 1, width_ratios=(3.1, 1)[:1 + undated],
                                   wspace=0.03, left=0.16, right=0.985,
                                   top=1 - 0.55 / figure.get_figheight(),
                                   bottom=1.25 / figure.get_figheight())
        timeline = figure.add_subplot(grid[0])
        unknown = figure.add_subplot(grid[1]) if undated else None
        start, end = _date_range(rows)
        fade = max((end - start) * 0.07, 150)
        y, ticks, names, labels = 0.0, [], [], []
        for row in rows:
            top = y
            for lane in row.lanes or ():
                centre = y - 0.64 * LANE
                y -= LANE
                if not lane.dated:
                    _draw_undated(unknown, lane, centre, text)
                elif lane.kind == "mandate":
                    labels.append(_draw_mandate(timeline, lane, centre, fade, (start, end)))
                else:
                    labels.append(_draw_candidacy(timeline, lane, centre, text, (start, end)))
            if not row.lanes:
                y -= LANE
                timeline.text(start + 30, y + LANE / 2, text["none"], va="center",
                              style="italic", color="#666666")
            ticks.append((top + y) / 2)
            names.append(row.label)
            for axes in filter(None, (timeline, unknown)):
                axes.axhline(y, color=COLOURS["grid"], lw=0.8, zorder=0)
        _frame(timeline, unknown, (start, end), y, ticks, names, text)
        _keep_inside(figure, timeline, labels, end)
        _legend(figure, text, undated)
        figure.suptitle(text["title"], x=0.16, ha="left", fontsize=12, fontweight="bold")
        buffer = io.BytesIO()
        metadata = {"Date": None, "Creator": "kgbuild"} if format == "svg" else {"Software": None}
        figure.savefig(buffer, format=format, metadata=metadata)
    return buffer.getvalue()


def _num(day: dt.date) -> float:
    from matplotlib.dates import date2num

    return float(date2num(day))


def _span(date: PartialDate) -> tuple[float, float]:
    """The interval a partial date denotes, from its first day to the end of its last day."""
    return _num(date.earliest()), _num(date.latest()) + 1


def _date_range(rows: list[PersonRow]) -> tuple[float, float]:
    spans = [_span(d) for row in rows for lane in row.lanes for d in lane.dates]
    if not spans:
        today = _num(dt.date(2000, 1, 1))
        return today, today + 3650
    from matplotlib.dates import num2date

    first, last = min(s[0] for s in spans), max(s[1] for s in spans)
    return (_num(dt.date(num2date(first).year, 1, 1)) - 120,
            _num(dt.date(num2date(last + 540).year + 1, 1, 1)))


def _bar(axes, left, right, y, **style) -> None:
    from matplotlib.patches import Rectangle

    axes.add_patch(Rectangle((left, y - BAR / 2), max(right - left, 0.0), BAR, **style))


def _draw_mandate(axes, lane: Lane, y: float, fade: float, limits):
    mandate: Mandate = lane.item
    colour = COLOURS["mandate"]
    starts = [_span(d) for d in mandate.starts]
    ends = [_span(d) for d in mandate.ends]
    # what is known: the solid part runs from the last possible start to the first possible end
    solid_left = max(s[1] for s in starts) if starts else None
    solid_right = min(e[0] for e in ends) if ends else None
    if starts:
        _bar(axes, min(s[0] for s in starts), solid_left, y, color=colour, alpha=0.3, lw=0)
    if ends:
        _bar(axes, solid_right, max(e[1] for e in ends), y, color=colour, alpha=0.3, lw=0)
    if solid_left is None:          # start unknown: fade in before the first known end
        solid_left = solid_right - fade * 0.15
        _fade(axes, solid_left - fade, solid_left, y, colour, rising=True)
    if solid_right is None:
        if mandate.state == "ongoing":
            solid_right = solid_left + fade * 0.15
            tip = solid_right + fade * 0.6
            axes.annotate("", xy=(tip, y), xytext=(solid_right, y),
                          arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 2.2,
                                      "mutation_scale": 16})
        else:
            solid_right = solid_left + fade * 0.15
            _fade(axes, solid_right, solid_right + fade, y, colour, rising=False)
    if solid_right > solid_left:
        _bar(axes, solid_left, solid_right, y, color=colour, lw=0)
    left = min(s[0] for s in starts) if starts else solid_left - fade
    right = max([e[1] for e in ends] + [solid_right + (fade if mandate.state != "ongoing"
                                                       else fade * 0.6)] * (not ends))
    return _label(axes, lane.text, left, right, y, limits)


def _fade(axes, left, right, y, colour, *, rising: bool) -> None:
    step = (right - left) / FADE_STEPS
    for index in range(FADE_STEPS):
        strength = (index + 0.5) / FADE_STEPS
        alpha = 0.85 * (strength if rising else 1 - strength)
        _bar(axes, left + index * step, left + (index + 1) * step + step * 0.02, y,
             color=colour, alpha=alpha, lw=0)
    _bar(axes, left, right, y, fill=False, hatch="////", edgecolor=colour, lw=0, alpha=0.55)


def _draw_candidacy(axes, lane: Lane, y: float, text: dict, limits):
    candidacy: Candidacy = lane.item
    colour = COLOURS["candidacy"]
    dates = candidacy.announced or candidacy.election_dates
    for date in dates:
        left, right = _span(date)
        if date.precision == "day":
            axes.plot([(left + right) / 2], [y], marker="D", markersize=8, color=colour,
                      linestyle="none", zorder=3)
        else:
            axes.plot([left, right], [y, y], color=colour, lw=2.4, solid_capstyle="butt")
            for x in (left, right):
                axes.plot([x, x], [y - BAR / 2, y + BAR / 2], color=colour, lw=2)
    left = min(_span(d)[0] for d in dates)
    right = max(sum(_span(d)) / 2 if d.precision == "day" else _span(d)[1] for d in dates)
    return _label(axes, _candidacy_text(lane.text, text), left, right, y, limits,
                  colour=colour)


def _draw_undated(axes, lane: Lane, y: float, text: dict) -> None:
    colour = COLOURS[lane.kind]
    words = lane.text if lane.kind == "mandate" else _candidacy_text(lane.text, text)
    lines = textwrap.wrap(words, width=40, max_lines=2, placeholder="…")
    height = BAR if len(lines) == 1 else BAR * 1.75
    from matplotlib.patches import Rectangle

    axes.add_patch(Rectangle((0.03, y - height / 2), 0.94, height, fill=True,
                             facecolor="#eef3f7" if lane.kind == "mandate" else "#f9eeec",
                             linestyle=(0, (4, 3)), edgecolor=colour, lw=1.1))
    axes.text(0.06, y, "\n".join(lines), va="center", ha="left", fontsize=8, linespacing=1.15,
              color=COLOURS["text"] if lane.kind == "mandate" else colour)


def _candidacy_text(words: str, text: dict) -> str:
    colon = " : " if text is TEXT["fr"] else ": "
    return f"{text['candidacy']}{colon}{words}"


def _keep_inside(figure, axes, labels, end: float) -> None:
    """A label that would run past the right edge ends where its bar or marker ends."""
    renderer = figure.canvas.get_renderer()
    right = axes.get_window_extent(renderer).x1
    for artist, item_right in labels:
        if artist.get_window_extent(renderer).x1 > right:
            artist.set_horizontalalignment("right")
            artist.set_x(min(item_right, end))


def _label(axes, text: str, left: float, right: float, y: float, limits, *, colour=None):
    """The label above a bar or marker, from its left end; with the right end, for
    :func:`_keep_inside`."""
    start, end = limits
    x = max(left, start + (end - start) * 0.005)
    artist = axes.text(x, y + BAR / 2 + 0.05, text, ha="left", va="bottom", fontsize=8.5,
                       color=colour or COLOURS["text"], clip_on=False)
    return artist, right


def _frame(timeline, unknown, limits, bottom: float, ticks, names, text: dict) -> None:
    from matplotlib.dates import AutoDateLocator, DateFormatter, YearLocator

    start, end = limits
    for axes in filter(None, (timeline, unknown)):
        axes.set_ylim(bottom, 0)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
    timeline.set_xlim(start, end)
    years = (end - start) / 365.25
    timeline.xaxis.set_major_locator(YearLocator(1 if years <= 14 else 2) if years > 2
                                     else AutoDateLocator())
    timeline.xaxis.set_major_formatter(DateFormatter("%Y" if years > 2 else "%Y-%m"))
    timeline.grid(axis="x", color=COLOURS["grid"], lw=0.6, zorder=0)
    timeline.set_axisbelow(True)
    timeline.set_yticks(ticks, names, fontsize=9.5, fontweight="bold")
    timeline.tick_params(axis="y", length=0)
    if unknown is None:
        return
    unknown.set_xlim(0, 1)
    unknown.set_xticks([])
    unknown.set_yticks([])
    unknown.spines["left"].set_linestyle((0, (4, 3)))
    unknown.set_title(text["unknown"], fontsize=9.5, style="italic", color="#555555")


def _legend(figure, text: dict, undated: bool) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    mandate, candidacy = COLOURS["mandate"], COLOURS["candidacy"]
    handles = [
        Patch(color=mandate, label=text["held"]),
        Patch(color=mandate, alpha=0.3, label=text["band"]),
        Patch(facecolor=mandate, alpha=0.35, hatch="////", edgecolor=mandate, lw=0,
              label=text["fade"]),
        Line2D([], [], color=mandate, lw=2.2, marker=">", markersize=8, label=text["ongoing"]),
        Patch(facecolor="#eef3f7", edgecolor=mandate, linestyle="--", label=text["undated"]),
        Line2D([], [], color=candidacy, marker="D", linestyle="none", markersize=7,
               label=text["day"]),
        Line2D([], [], color=candidacy, lw=2.4, marker="|", markersize=10, markeredgewidth=2,
               label=text["span"]),
    ]
    if not undated:
        handles = [h for h in handles if h.get_label() != text["undated"]]
    figure.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.16, 0.01), ncol=3,
                  frameon=False, fontsize=8.5, handlelength=2.6, columnspacing=1.8)


def timeline_text(rows: list[PersonRow]) -> str:
    """A plain-text outline of the rows, for the report and for tests."""
    lines = []
    for row in rows:
        lines.append(row.label)
        for lane in row.lanes:
            dates = ", ".join(d.iso for d in lane.dates) or "dates unknown"
            lines.append(f"  {lane.kind}: {lane.text} ({dates})")
    return "\n".join(lines) + "\n"


__all__ = ["IMAGE_FORMATS", "Lane", "PersonRow", "render_timeline", "resolve_person",
           "timeline_rows", "timeline_text"]
