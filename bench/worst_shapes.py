"""CPU per message of the offline reading (`OfflineBrain.read`) on the worst shapes we know.

    .venv/bin/python bench/worst_shapes.py [--chars 4000] [--repeat 5] [--only SUBSTRING]

Each shape is a 4000-character message (the longest the service reads) made of one pattern
repeated: digit groups, phone lists, street words, dates, names, extras, emails, unicode
digits. Hostile input must not freeze the event loop: every shape has to cost under 20 ms of
CPU (issue 12). Prints the median CPU time per message over `--repeat` readings, in ms, and
exits 1 when a shape is over the bound.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aida.catalog import default_catalog
from aida.domain import ConversationState, Step
from aida.nlu.brain import OfflineBrain
from aida.understanding.types import Expect, TurnContext

BOUND_MS = 20.0
NOW = dt.datetime(2026, 11, 27, 13, tzinfo=ZoneInfo("Europe/Volgograd"))

# name → (repeated piece, the question pending when it arrives)
SHAPES: dict[str, tuple[str, Expect | None]] = {
    "1 1 1 …": ("1 ", None),
    "12 12 …": ("12 ", None),
    "numbers one per line": ("\n".join(str(n) for n in range(1, 1200)) + "\n", None),
    "15-12 …": ("15-12 ", None),
    "(1) (1) …": ("(1) ", None),
    "full-width digits": ("１２ ", None),
    "arabic-indic digits": ("١٢٣ ", None),
    "1-1-1-…": ("1-", None),
    "digits without spaces": ("1", None),
    "phone list": ("8 999 123 45 67, ", None),
    "phone list, +7": ("+7 (999) 123-45-67\n", None),
    "phone list, as the phone answer": ("89991234567 ", "phone"),
    "house numbers (д 33 кв 18)": ("д 33 кв 18 ", None),
    "33/18 …": ("33/18 ", None),
    "street word (ленина)": ("ленина ", None),
    "street word, as the address answer": ("ленина ", "address"),
    "street type (улица)": ("улица ", None),
    "street and house (ул ленина 5)": ("ул ленина 5 ", None),
    "unknown street (ул пушкина 5)": ("ул пушкина 5 ", None),
    "30-летия победы": ("30-летия победы ", None),
    "city (в волжском)": ("в волжском ", None),
    "number words (двадцать два)": ("двадцать два ", None),
    "name trigger (меня зовут)": ("меня зовут ", None),
    "names (ольга)": ("Ольга ", None),
    "names, as the name answer": ("ольга петрова ", "name"),
    "extras (камеры не надо)": ("камеры не надо, ", None),
    "extras (2 камеры)": ("2 камеры и роутер ", None),
    "tariff words (премиум)": ("премиум ", None),
    "speeds (100 мбит)": ("100 мбит ", None),
    "emails": ("a@b.ru ", None),
    "at signs": ("@", None),
    "spoken emails": ("ivan собака mail точка ru ", None),
    "one long word": ("а", None),
    "questions (сколько стоит?)": ("сколько стоит? ", None),
    "a word, then blanks (masked text)": ("адрес" + " " * 3990 + "x", None),
    "8 8 8 …, as the address answer": ("8 ", "address"),
    "wants (хочу хочу …)": ("хочу ", None),
    "mixed": ("ул ленина 5 кв 3, 8 999 123 45 67, завтра в 10, Ольга, 2 камеры. ", None),
}


# Repeated dates and times (aida/nlu/datetime.py).
DATE_SHAPES: dict[str, tuple[str, Expect | None]] = {
    "dates (3 декабря)": ("3 декабря ", None),
    "dates (12.12)": ("12.12 ", None),
    "dates (завтра в 10)": ("завтра в 10 ", None),
    "dates, as the date answer": ("3 декабря в 10 ", "date"),
    "times (10:00)": ("10:00 ", None),
    "hours (в 10)": ("в 10 ", None),
    "hours (к 5)": ("к 5 ", None),
}


def message(piece: str, chars: int) -> str:
    return (piece * (chars // len(piece) + 1))[:chars]


def cpu_ms(brain: OfflineBrain, text: str, expect: Expect | None, repeat: int) -> float:
    catalog = brain.catalog
    ctx = TurnContext(
        step=Step.tariff, expect=expect, slots=ConversationState().slots, now=NOW, catalog=catalog
    )
    samples = []
    for _ in range(repeat):
        t0 = time.process_time()
        brain.read(text, ctx)
        samples.append((time.process_time() - t0) * 1000)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chars", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="only the shapes whose name contains this")
    args = parser.parse_args()

    brain = OfflineBrain(default_catalog())
    # Build the heavy objects first (pymorphy3, dateparser), as a running service has them.
    cpu_ms(brain, "Премиум, ул. Ленина 5, завтра в 10, Ольга 89991234567, o@ya.ru", None, 1)

    worst = 0.0
    print(f"CPU per message of {args.chars} characters (median of {args.repeat}), ms:")
    for name, (piece, expect) in (SHAPES | DATE_SHAPES).items():
        if args.only and args.only not in name:
            continue
        ms = cpu_ms(brain, message(piece, args.chars), expect, args.repeat)
        worst = max(worst, ms)
        flag = "" if ms < BOUND_MS else "  OVER"
        print(f"  {name:<38} {ms:10.2f}{flag}", flush=True)
    print(
        f"worst: {worst:.2f} ms (bound {BOUND_MS:.0f} ms): {'ok' if worst < BOUND_MS else 'FAIL'}"
    )
    return 0 if worst < BOUND_MS else 1


if __name__ == "__main__":
    sys.exit(main())
