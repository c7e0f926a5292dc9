"""`aida graph`: the conversation machine as a Mermaid state diagram."""

from __future__ import annotations

import argparse

from aida.fsm import mermaid


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("graph", help="схема шагов разговора (Mermaid)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print(mermaid())
    return 0
