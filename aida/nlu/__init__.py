"""Offline Russian understanding: slots from free text, with problems and doubts reported.

`extract(text, now=..., catalog=..., expect=...)` is the entry point; the per-slot helpers
(`aida.nlu.phone.normalize_phone`, `aida.nlu.address.match_street`, ...) also check values an
LLM proposes. Heavy objects (pymorphy3's analyzer) are built on first use, not on import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aida.nlu.extractor import extract

__all__ = ["extract"]


def __getattr__(name: str) -> Any:
    # Lazy, so importing one helper (aida.nlu.phone, to check a value an LLM proposed) does
    # not load the whole extractor.
    if name == "extract":
        from aida.nlu.extractor import extract

        return extract
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
