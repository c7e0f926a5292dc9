"""`aida extract [--now ISO] TEXT` and `aida extract --jsonl`: the slots understood in text.

Output is the contract's object (`Extraction.found()`): only the slots found. `--jsonl` reads
`{"text": ..., "now": ..., "expect": ...}` lines and answers each with one line, in order; a
line that cannot be read gets `{"error": ...}` and the rest go on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from aida.catalog import Catalog, CatalogError, load_catalog
from aida.config import Settings
from aida.nlu import extract
from aida.understanding.questions import QUESTIONS

_EXPECTS = tuple(QUESTIONS)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "extract",
        help="какие данные понятны из текста (JSON)",
        description="Печатает JSON со слотами, понятыми из TEXT (ключи — только найденные).",
    )
    p.add_argument(
        "--now", help="момент отсчёта, ISO (без зоны — в AIDA_TIMEZONE); по умолчанию сейчас"
    )
    p.add_argument("--expect", choices=_EXPECTS, help="какой вопрос только что задан (слот)")
    p.add_argument(
        "--jsonl",
        action="store_true",
        help='читать строки {"text": ..., "now": ...} со стандартного ввода',
    )
    p.add_argument("text", nargs="*", help="текст клиента")
    p.set_defaults(func=run)


def parse_now(value: str | None, tz: ZoneInfo) -> dt.datetime:
    """An ISO moment in the provider's zone: naive means local, aware is converted."""
    if value is None:
        return dt.datetime.now(tz)
    moment = dt.datetime.fromisoformat(value)
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)


def _dump(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _answer(line: str, catalog: Catalog, tz: ZoneInfo) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as e:
        return {"error": f"not JSON: {e.msg}"}
    if not isinstance(item, dict):
        return {"error": "each line must be a JSON object"}
    text, now, expect = item.get("text"), item.get("now"), item.get("expect")
    if not isinstance(text, str):
        return {"error": "`text` must be a string"}
    if now is not None and not isinstance(now, str):
        return {"error": "`now` must be an ISO date-time string"}
    if expect is not None and expect not in _EXPECTS:
        return {"error": f"`expect` must be one of: {', '.join(_EXPECTS)}"}
    try:
        moment = parse_now(now, tz)
    except ValueError:
        return {"error": f"`now` is not an ISO date-time: {now!r}"}
    return extract(text, now=moment, catalog=catalog, expect=expect).found()


def run(args: argparse.Namespace) -> int:
    try:
        settings = Settings()  # type: ignore[call-arg]  # values come from the environment
        catalog = load_catalog(settings.catalog_path)
    except (ValidationError, CatalogError) as e:
        print(f"aida extract: {e}", file=sys.stderr)
        return 2
    tz = settings.tz
    if args.jsonl:
        for line in sys.stdin:
            print(_dump(_answer(line, catalog, tz)), flush=True)
        return 0
    if not args.text:
        print("aida extract: нужен TEXT (или --jsonl)", file=sys.stderr)
        return 2
    try:
        now = parse_now(args.now, tz)
    except ValueError:
        print(f"aida extract: --now не в формате ISO: {args.now!r}", file=sys.stderr)
        return 2
    found = extract(" ".join(args.text), now=now, catalog=catalog, expect=args.expect)
    print(_dump(found.found()))
    return 0
