"""`aida doctor [--json]`: check the configuration and say what to fix.

Exit code 0 when nothing fails (warnings and notes allowed), 1 when something must be fixed,
2 when the settings themselves cannot be read.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from pydantic import ValidationError

from aida.config import Settings

_LABEL = {"ok": "ok", "info": "к сведению", "warn": "ВНИМАНИЕ", "fail": "ОШИБКА"}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("doctor", help="проверить настройки: база, amoCRM, модель, CORS")
    p.add_argument("--json", action="store_true", help="вывести JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        settings = Settings()  # type: ignore[call-arg]  # values come from the environment
    except ValidationError as e:
        print(
            f"ОШИБКА настройки не читаются — исправьте переменные окружения:\n{e}", file=sys.stderr
        )
        return 2
    from aida.ops.doctor import run_checks

    checks = asyncio.run(run_checks(settings))
    if args.json:
        print(json.dumps([c.model_dump() for c in checks], ensure_ascii=False, indent=2))
    else:
        width = max(len(c.name) for c in checks)
        for c in checks:
            print(f"{_LABEL[c.status]:<11} {c.name:<{width}}  {c.message}")
            if c.fix and c.status in ("warn", "fail"):
                print(f"{'':<11} {'':<{width}}  → {c.fix}")
        failed = sum(c.status == "fail" for c in checks)
        print(f"\nИсправить: {failed}." if failed else "\nГотово к работе.")
    return 1 if any(c.status == "fail" for c in checks) else 0
