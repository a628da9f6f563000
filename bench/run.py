"""Run the scale benchmark of issue 5 and save its figures (bench/results.json, bench/results.md).

    /work/venv/bin/python bench/run.py                      # 10k and 100k mandates on Oxigraph
    /work/venv/bin/python bench/run.py --scales 1000000     # add the million (minutes)
    /work/venv/bin/python bench/run.py --baseline 10000     # and rdflib + owlrl + pyshacl at 10k

Runs merge into bench/results.json (a later run of a scale, backend and store replaces the earlier
one), so the long runs can be made one at a time. `kgbuild bench` runs the same code.
Each build runs in a process of its own; never start two benchmarks at once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from kgbuild import benchmark  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="10000,100000",
                        help="numbers of mandates, comma-separated (empty: none)")
    parser.add_argument("--baseline", type=int, default=None,
                        help="also build this scale with rdflib + owlrl + pyshacl")
    parser.add_argument("--work", type=Path, default=HERE / "work")
    parser.add_argument("--results", type=Path, default=HERE / "results.json")
    parser.add_argument("--disk-from", type=int, default=None,
                        help="from this many mandates, the store lives on disk (RocksDB); "
                             "default: when it would not fit in memory, as `kgbuild bench`")
    parser.add_argument("--validate-timeout", type=float, default=1800,
                        help="baseline: stop pyshacl after this many seconds")
    parser.add_argument("--query-timeout", type=float, default=120)
    parser.add_argument("--rebuild", action="store_true",
                        help="also time a rebuild after one claim file edited, at each scale")
    args = parser.parse_args(argv)
    scales = [int(v) for v in args.scales.split(",") if v.strip()]
    report = benchmark.run_benchmark(scales, args.work, baseline=args.baseline,
                                     disk_from=args.disk_from,
                                     validate_timeout=args.validate_timeout,
                                     query_timeout=args.query_timeout,
                                     rebuild=args.rebuild,
                                     progress=lambda message: print(f"… {message}", flush=True))
    if args.results.exists():
        previous = benchmark.load(args.results)
        fresh = {(r.mandates, r.backend, r.store) for r in report["runs"]}
        kept = [r for r in previous["runs"] if (r.mandates, r.backend, r.store) not in fresh]
        report["runs"] = sorted(kept + report["runs"],
                                key=lambda r: (r.mandates, r.backend == "memory", r.store))
    benchmark.save(report, args.results)
    text = benchmark.to_markdown(report)
    args.results.with_suffix(".md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
