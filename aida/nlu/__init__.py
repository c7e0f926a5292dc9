"""Offline Russian understanding: slots from free text, with problems and doubts reported.

`extract(text, now=..., catalog=..., expect=...)` is the entry point; the per-slot helpers
(`aida.nlu.phone.normalize_phone`, `aida.nlu.address.match_street`, ...) also check values an
LLM proposes. Heavy objects (pymorphy3, dateparser) are built on first use, not on import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aida.nlu.extractor import extract

__all__ = ["extract"]


def __getattr__(name: str) -> Any:
    # Lazy, so importing a helper module (aida.nlu.phone) does not load the whole extractor.
    if name == "extract":
        from aida.nlu.extractor import extract

        return extract
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# aida.llm's package __init__ imports the offline brain, which imports this package: load it
# here, after `extract` can be resolved, so whichever package is imported first, the import
# completes (the submodules below need aida.llm.types).
import aida.llm.types  # noqa: F401
