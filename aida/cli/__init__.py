"""The `aida` command: one module per subcommand, each with `register(subparsers)`."""

from __future__ import annotations

import argparse
import importlib
import sys

# Subcommand modules under aida.cli; each defines register(subparsers) and sets `func`.
COMMANDS: tuple[str, ...] = ("chat", "extract", "leads", "graph", "serve")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aida", description="AIDA — ИИ-ассистент продаж интернет-провайдера"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"aida.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> None:
    # Russian text on any terminal or pipe, whatever the locale says.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure:
            reconfigure(encoding="utf-8", errors="replace")
    args = build_parser().parse_args(argv)
    code = args.func(args)
    sys.exit(code or 0)
