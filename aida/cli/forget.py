"""`aida forget --phone P | --email E | --session ID`: erase a person's data (152-FZ)."""

from __future__ import annotations

import argparse
import asyncio
import sys

from aida.config import Settings
from aida.ops.erasure import BadTarget, erasure_target, forget, report_lines
from aida.store import open_store
from aida.store.erasure import ErasureReport, ErasureTarget


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "forget",
        help="удалить персональные данные человека (запрос субъекта, 152-ФЗ)",
        description="Удаляет разговоры и сообщения человека, обезличивает его заявки и "
        "очищает задания доставки в CRM. Телефон — в любой записи, email — в любом регистре.",
    )
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--phone", metavar="P", help="номер телефона в любой записи")
    who.add_argument("--email", metavar="E", help="адрес почты")
    who.add_argument("--session", metavar="ID", help="номер сессии чата")
    p.set_defaults(func=run)


async def _forget(target: ErasureTarget) -> ErasureReport:
    store = open_store(Settings().database_url)
    await store.open()
    try:
        return await forget(store, target)
    finally:
        await store.close()


def run(args: argparse.Namespace) -> int:
    try:
        target = erasure_target(phone=args.phone, email=args.email, session_id=args.session)
    except BadTarget as e:
        print(e, file=sys.stderr)
        return 2
    for line in report_lines(asyncio.run(_forget(target))):
        print(line)
    return 0
