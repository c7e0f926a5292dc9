"""How the offline assistant understands customers: scripted customers (tests/conversations/)
answer whatever it asks, and every conversation is scored against what the customer meant.

    .venv/bin/python bench/conversations.py [--holdout] [--worst N] [--only ID,...] [FILE...]

Prints the share of dialogues finished with every slot right, silent wrong values (a request
holding a value the customer did not mean), re-asks per dialogue, dialogues stuck (the same
question a third time despite two answers), and the worst dialogues in full. Exits 1 when a
target is missed (≥ 95% right, no silent wrong value, none stuck).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aida.catalog import default_catalog
from aida.dialogue.engine import Engine
from aida.nlu.brain import OfflineBrain
from tests.conversations.customer import TZ, converse_all, corpus_files, load

TARGET_RIGHT = 0.95


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--holdout", action="store_true", help="the holdout nobody tuned on")
    ap.add_argument("--worst", type=int, default=5, help="how many worst dialogues to print")
    ap.add_argument("--only", default="", help="comma-separated dialogue ids")
    args = ap.parse_args()

    scripts = load(args.files or corpus_files(holdout=args.holdout))
    if args.only:
        wanted = set(args.only.split(","))
        scripts = [s for s in scripts if s.id in wanted]
    catalog = default_catalog()
    brain = OfflineBrain(catalog)
    brain.warm_up(dt.datetime.now(TZ))
    engine = Engine(catalog, brain, TZ)
    started = time.perf_counter()
    summary = asyncio.run(converse_all(engine, scripts))
    took = time.perf_counter() - started

    for run in summary.worst(args.worst):
        print(run.show(), end="\n\n")
    turns = sum(len(r.transcript) // 2 for r in summary.runs)
    print(summary.figures())
    print(f"{turns} turns in {took:.1f} s")
    n = max(1, len(summary.runs))
    ok = summary.right / n >= TARGET_RIGHT and not summary.silent_wrong and not summary.stuck
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
