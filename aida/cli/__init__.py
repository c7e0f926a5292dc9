"""The `aida` command: one module per subcommand, each with `register(subparsers)`.

Only the chosen subcommand's module is imported, so `aida graph` or `aida --help` does not
pay for the HTTP server, the CRM client and the understanding stack.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

# Subcommand → one line for `aida --help`; the module aida.cli.<name> defines the rest.
COMMANDS: dict[str, str] = {
    "serve": "запустить HTTP-сервис (виджет, /chat, /health)",
    "chat": "поговорить с ассистентом в терминале",
    "extract": "показать, какие данные понятны из фразы (JSON)",
    "leads": "заявки и статус доставки в CRM",
    "forget": "удалить персональные данные человека (152-ФЗ)",
    "graph": "схема шагов разговора (Mermaid)",
    "crm": "amoCRM: проверка настройки",
    "doctor": "проверить настройки: база, amoCRM, модель, CORS",
}


def build_parser(argv: list[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aida", description="AIDA — ИИ-ассистент продаж интернет-провайдера"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = next((a for a in argv if a in COMMANDS), None)
    for name, summary in COMMANDS.items():
        if name == chosen:
            importlib.import_module(f"aida.cli.{name}").register(sub)
        else:
            sub.add_parser(name, help=summary)
    return parser


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    # Russian text on any terminal or pipe, whatever the locale says.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure:
            reconfigure(encoding="utf-8", errors="replace")
    args = build_parser(argv).parse_args(argv)
    try:
        code = args.func(args)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`aida leads | head`): not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    sys.exit(code or 0)
