"""Benchmark of kgbuild extract (not a timed test): articles per second after the model is
loaded, and where the time goes (spaCy pipeline, mentions + resolution + dates, rules).

    /work/venv/bin/python bench/bench_extract.py [--repeat 5] [--dateparser]

It runs the extractor, without cache, over the development set and the seed articles, several
times, and prints a table. ``--dateparser`` also compares kgbuild's date normaliser with
``dateparser`` (if installed) on the date expressions of the development set's annotation rules.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def sources():
    from kgbuild.claims import load_corpus

    out = []
    for folder in (ROOT / "tests" / "devset", ROOT / "data"):
        corpus = load_corpus(folder)
        out += [(corpus.registry, s) for s in corpus.sources.values()]
    return out


def bench_extract(repeat: int) -> None:
    from kgbuild.extract import analyse
    from kgbuild.extract.nlp import load_nlp, parse

    started = time.perf_counter()
    nlp = load_nlp()
    print(f"model load: {time.perf_counter() - started:.2f} s")
    items = sources()
    words = sum(len(s.text.split()) for _, s in items)
    print(f"{len(items)} articles, {words} words\n")
    totals = {"spacy": [], "mentions": [], "rules": [], "total": []}
    for _ in range(repeat):
        t0 = time.perf_counter()
        docs = parse(nlp, [s.text for _, s in items])
        t1 = time.perf_counter()
        mentions = rules = 0.0
        for (registry, source), doc in zip(items, docs):
            result = analyse(doc, source, registry, nlp)
            mentions += result.timings["mentions"]
            rules += result.timings["rules"]
        t2 = time.perf_counter()
        totals["spacy"].append(t1 - t0)
        totals["mentions"].append(mentions)
        totals["rules"].append(rules)
        totals["total"].append(t2 - t0)
    n = len(items)
    best = {k: min(v) for k, v in totals.items()}
    print(f"{'stage':<34} {'s/run':>8} {'ms/article':>11} {'share':>6}")
    labels = {"spacy": "spaCy pipeline (nlp.pipe, by line)",
              "mentions": "mentions, resolution, dates",
              "rules": "rules and drafts",
              "total": "total"}
    for key in ("spacy", "mentions", "rules", "total"):
        print(f"{labels[key]:<34} {best[key]:>8.3f} {1000 * best[key] / n:>11.1f} "
              f"{100 * best[key] / best['total']:>5.0f}%")
    print(f"\n{n / best['total']:.1f} articles/s, {words / best['total']:.0f} words/s "
          f"(best of {repeat}; median {n / statistics.median(totals['total']):.1f} articles/s)")


DATE_CASES = [  # (text, published, tense, expected)
    ("le 14 septembre 2022", None, None, "2022-09-14"),
    ("en mai 2017", None, None, "2017-05"),
    ("fin février 2016", None, None, "2016-02"),
    ("au premier trimestre 2019", None, None, "2019"),
    ("ce vendredi", "2021-06-11", None, "2021-06-11"),
    ("ce jeudi", "2022-11-18", None, "2022-11-17"),
    ("hier", "2023-02-03", None, "2023-02-02"),
    ("en mai", "2018-12-14", "future", "2019-05"),
    ("en janvier", "2023-02-03", "past", "2023-01"),
    ("le 14 septembre dernier", "2023-03-07", None, "2022-09-14"),
    ("le 4 décembre", "2018-12-14", "past", "2018-12-04"),
    ("le 1er mars", "2023-02-03", "future", "2023-03-01"),
    ("à l'automne", "2023-03-07", "future", "2023"),
    ("la semaine dernière", "2021-09-14", None, "2021-09"),
]


def bench_dates() -> None:
    from kgbuild.extract.frdates import parse_date

    started = time.perf_counter()
    ours = [str(parse_date(t, p, tense)) == e for t, p, tense, e in DATE_CASES for _ in range(20)]
    ours_time = (time.perf_counter() - started) / len(ours)
    print(f"\nfrdates:    {sum(ours) // 20}/{len(DATE_CASES)} right, "
          f"{1e6 * ours_time:.0f} µs per expression")
    try:
        import datetime as dt

        import dateparser
    except ImportError:
        print("dateparser: not installed")
        return
    right = 0
    started = time.perf_counter()
    for text, published, tense, expected in DATE_CASES:
        base = dt.datetime.fromisoformat(published) if published else dt.datetime(2000, 1, 1)
        settings = {"RELATIVE_BASE": base,
                    "PREFER_DATES_FROM": "future" if tense == "future" else "past"}
        value = dateparser.parse(text, languages=["fr"], settings=settings)
        got = value.date().isoformat() if value else None
        # dateparser has no precision: count it right when the day it gives starts with the
        # expected ISO text (a month or year is then read as that month or year)
        right += bool(got and got.startswith(expected))
    took = (time.perf_counter() - started) / len(DATE_CASES)
    print(f"dateparser: {right}/{len(DATE_CASES)} right (ignoring precision), "
          f"{1e6 * took:.0f} µs per expression")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dateparser", action="store_true")
    args = parser.parse_args()
    bench_extract(args.repeat)
    if args.dateparser:
        bench_dates()


if __name__ == "__main__":
    main()
