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
    # `extract` is looked up on first use rather than imported above: the aida.llm package
    # imports the offline brain, which imports `extract` from here, possibly while this
    # package is still being imported (by the last line below).
    if name == "extract":
        from aida.nlu.extractor import extract

        return extract
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Every submodule needs aida.llm.types; loading the aida.llm package here, once `extract` can
# be resolved, lets the import complete whichever of the two packages is imported first.
import aida.llm.types  # noqa: F401
