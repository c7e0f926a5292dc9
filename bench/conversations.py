"""How the offline assistant understands customers: scripted customers (tests/conversations/)
answer whatever it asks, and every conversation is scored against what the customer meant.

    .venv/bin/python bench/conversations.py [--holdout] [--worst N] [--only ID,...] [FILE...]
    .venv/bin/python bench/conversations.py --llm [--wording spare|off|both] [--each]

Prints the share of dialogues finished with every slot right, silent wrong values (a request
holding a value the customer did not mean), re-asks per dialogue, dialogues stuck (the same
question a third time despite two answers), and the worst dialogues in full. Exits 1 when a
target is missed (≥ 95% right, no silent wrong value, none stuck).

`--llm` runs the same dialogues with the LLM brain against the stand-in model server (see
bench/llm_dialogues.py: it adds nothing, so this measures the cost and that nothing gets
worse) and prints model calls per message, tokens per onboarding, messages sent to the model
needlessly, and the figures next to the offline run's; it exits 1 when the LLM run is worse
than the offline one on any dialogue or a message cost more than one call.
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
from bench.llm_dialogues import NOTE, measure, report
from tests.conversations.customer import TZ, Script, Summary, converse_all, corpus_files, load

TARGET_RIGHT = 0.95


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--holdout", action="store_true", help="the holdout nobody tuned on")
    ap.add_argument("--worst", type=int, default=5, help="how many worst dialogues to print")
    ap.add_argument("--only", default="", help="comma-separated dialogue ids (each shown in full)")
    ap.add_argument("--llm", action="store_true", help="the LLM brain on the stand-in server")
    ap.add_argument("--wording", choices=["spare", "off", "both"], default="both",
                    help="--llm: whether the model words replies (default: both runs)")
    ap.add_argument("--each", action="store_true",
                    help="--llm: calls and tokens of every dialogue that reached a request")
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
    if args.llm:
        return _llm(scripts, summary, args.wording, args.each)

    # Dialogues asked for by id are shown in full, right or not.
    shown = summary.runs if args.only else summary.worst(args.worst)
    for run in shown:
        print(run.show(), end="\n\n")
    turns = sum(len(r.transcript) // 2 for r in summary.runs)
    print(summary.figures())
    print(f"{turns} turns in {took:.1f} s")
    n = max(1, len(summary.runs))
    ok = summary.right / n >= TARGET_RIGHT and not summary.silent_wrong and not summary.stuck
    return 0 if ok else 1


def _llm(scripts: list[Script], offline: Summary, wording: str, each: bool) -> int:
    print(NOTE)
    ok = True
    for mode in ("spare", "off") if wording == "both" else (wording,):
        measured = asyncio.run(measure(default_catalog(), scripts, mode))  # type: ignore[arg-type]
        print(report(measured, offline, each))
        was = {r.script.id: r.right for r in offline.runs}
        ok &= not any(was[r.script.id] and not r.right for r in measured.summary.runs)
        ok &= all(c.spent.calls <= 1 for c in measured.costs)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
