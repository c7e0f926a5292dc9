"""`aida chat [--session ID]`: talk to the assistant in a terminal, or script it through a pipe.

On a terminal it is a prompt; with standard input from a pipe it reads one customer message
per line and prints each reply with its suggestions, so a whole conversation can be replayed:
`printf 'Здравствуйте\nПремиум\n' | aida chat`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid

from aida.catalog import CatalogError
from aida.config import Settings
from aida.service.factory import build_turn_service
from aida.service.turns import TurnOutcome, TurnRefused
from aida.store import open_store

MAX_MESSAGE = 4000  # the HTTP contract's limit, kept the same here


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("chat", help="поговорить с ассистентом в терминале")
    p.add_argument("--session", help="продолжить разговор с этим id (по умолчанию — новый)")
    p.set_defaults(func=run)


def _print_outcome(out: TurnOutcome) -> None:
    print(f"Аида: {out.reply}")
    if out.suggestions:
        print("  Варианты: " + " | ".join(out.suggestions))
    print(flush=True)


async def _chat(session_id: str, interactive: bool) -> int:
    settings = Settings()
    store = open_store(settings.database_url)
    await store.open()
    try:
        service = build_turn_service(settings, store)
        if interactive:
            print("Аида на связи. Напишите сообщение; выход — Ctrl+D.\n")
        while True:
            try:
                line = input("Вы: ") if interactive else sys.stdin.readline()
            except EOFError:
                break
            if not interactive and line == "":
                break
            text = line.strip()
            if not text:
                continue
            if not interactive:
                print(f"Вы: {text}")
            if len(text) > MAX_MESSAGE:
                print(f"Аида: Сообщение слишком длинное — не больше {MAX_MESSAGE} символов.\n")
                continue
            try:
                _print_outcome(await service.handle(session_id, text))
            except TurnRefused as e:  # the session is full: say so, as the service would
                print(f"Аида: {e.message}\n")
    finally:
        await store.close()
    print(f"(сессия {session_id}; продолжить: aida chat --session {session_id})", file=sys.stderr)
    return 0


def run(args: argparse.Namespace) -> int:
    session_id = args.session or f"cli-{uuid.uuid4().hex[:12]}"
    try:
        return asyncio.run(_chat(session_id, sys.stdin.isatty()))
    except CatalogError as e:
        print(f"aida: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
