"""Benchmark of the offline understanding (`aida.nlu.extract`) on the labelled corpus.

    .venv/bin/python bench/nlu.py [--corpus tests/nlu/corpus.jsonl] [--quiet]

Prints accuracy per slot kind (all lines, then the dev and holdout parts separately), every
miss, the median and p99 extraction time per message, and the cost of the understanding
stack in a fresh interpreter: import time and resident memory, then the same after the first
extraction (which builds pymorphy3's analyzer and dateparser's Russian tables). Exits 1 when a
target is not met.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aida.catalog import default_catalog  # noqa: E402
from aida.nlu.evaluate import KINDS, Case, Report, load_corpus, run  # noqa: E402
from aida.nlu.extractor import extract  # noqa: E402

TZ = ZoneInfo("Europe/Volgograd")  # the corpus's `now` values are local times there
TARGET_ACCURACY = 0.97
EXACT_KINDS = ("phone", "email")  # these must be 100%
TARGET_P99_MS = 5.0
TARGET_IMPORT_S = 0.5
TARGET_RSS_MB = 80.0

# Measured in a fresh interpreter: `import aida.nlu` (then the first extraction).
_PROBE = r"""
import json, resource, time
t0 = time.perf_counter()
import aida.nlu
from aida.nlu import extract
t1 = time.perf_counter()
rss_import = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
import datetime as dt
from zoneinfo import ZoneInfo
from aida.catalog import default_catalog
now = dt.datetime(2026, 11, 27, 13, tzinfo=ZoneInfo("Europe/Volgograd"))
extract("Премиум, ул. Ленина 5, завтра в 10, Ольга 89991234567", now=now,
        catalog=default_catalog())
t2 = time.perf_counter()
rss_first = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"import_s": t1 - t0, "import_mb": rss_import,
                  "first_s": t2 - t0, "first_mb": rss_first}))
"""


def fresh_process(runs: int = 5) -> dict[str, float]:
    """Medians over `runs` fresh interpreters (peak RSS of the whole process, in MB)."""
    samples = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _PROBE], cwd=ROOT, capture_output=True, text=True, check=True
        )
        samples.append(json.loads(out.stdout))
    return {k: statistics.median(s[k] for s in samples) for k in samples[0]}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def table(title: str, report: Report) -> None:
    print(f"\n{title}")
    for kind in KINDS:
        s = report.scores[kind]
        if s.total:
            print(f"  {kind:<13} {s.accuracy:7.1%}  {s.right:>4}/{s.total}")


def verdict(ok: bool) -> str:
    return "ok" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests/nlu/corpus.jsonl")
    parser.add_argument("--quiet", action="store_true", help="do not list the misses")
    args = parser.parse_args()

    catalog = default_catalog()
    cases = load_corpus(args.corpus)
    # Build the heavy objects before timing, as a running service has them.
    warm_now = dt.datetime(2026, 11, 27, 13, tzinfo=TZ)
    extract("3 декабря в 10, ул. Мира 5, Ольга", now=warm_now, catalog=catalog)
    extract("через 2 дня", now=warm_now, catalog=catalog)

    report = run(cases, catalog, TZ)
    parts: dict[str, list[Case]] = {"dev": [], "holdout": []}
    for case in cases:
        parts[case.split].append(case)
    print(f"corpus: {args.corpus.relative_to(ROOT) if args.corpus.is_relative_to(ROOT) else args.corpus}"
          f" — {len(cases)} lines ({len(parts['dev'])} dev, {len(parts['holdout'])} holdout)")
    table("accuracy per slot kind, all lines", report)
    for name, subset in parts.items():
        if subset:
            table(f"{name} part ({len(subset)} lines)", run(subset, catalog, TZ))

    if not args.quiet and report.misses:
        print(f"\nmisses ({len(report.misses)}):")
        for m in report.misses:
            ctx = f" [expect={m.expect}]" if m.expect else ""
            print(f"  {m.kind}: {m.text!r}{ctx}\n      want {m.want!r}\n      got  {m.got!r}")

    ms = [s * 1000 for s in report.seconds]
    p50, p99 = statistics.median(ms), percentile(ms, 0.99)
    print(f"\nextraction time per message: median {p50:.2f} ms, p99 {p99:.2f} ms, "
          f"max {max(ms):.2f} ms")
    cost = fresh_process()
    print(f"fresh interpreter: import aida.nlu {cost['import_s']:.3f} s, "
          f"{cost['import_mb']:.1f} MB RSS; after the first extraction "
          f"{cost['first_s']:.3f} s, {cost['first_mb']:.1f} MB RSS")

    failures = []
    for kind in KINDS:
        s = report.scores[kind]
        need = 1.0 if kind in EXACT_KINDS else TARGET_ACCURACY
        if s.total and s.accuracy < need:
            failures.append(f"{kind} {s.accuracy:.1%} < {need:.0%}")
    checks = [
        (f"p99 {p99:.2f} ms < {TARGET_P99_MS} ms", p99 < TARGET_P99_MS),
        (f"import {cost['import_s']:.3f} s < {TARGET_IMPORT_S} s",
         cost["import_s"] < TARGET_IMPORT_S),
        (f"import RSS {cost['import_mb']:.1f} MB < {TARGET_RSS_MB} MB",
         cost["import_mb"] < TARGET_RSS_MB),
        (f"RSS after first extraction {cost['first_mb']:.1f} MB < {TARGET_RSS_MB} MB",
         cost["first_mb"] < TARGET_RSS_MB),
    ]
    print("\ntargets:")
    print(f"  per-kind accuracy ≥97% (phone, email 100%): "
          f"{verdict(not failures)}{'' if not failures else ' — ' + '; '.join(failures)}")
    for label, ok in checks:
        print(f"  {label}: {verdict(ok)}")
    return 0 if not failures and all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
