"""pymorphy3, built once per process and only when first needed; word parses are cached."""

from __future__ import annotations

from functools import lru_cache

import pymorphy3
from pymorphy3.analyzer import Parse


@lru_cache(maxsize=1)
def analyzer() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=50_000)
def parses(word: str) -> tuple[Parse, ...]:
    return tuple(analyzer().parse(word))


@lru_cache(maxsize=50_000)
def lemma(word: str) -> str:
    """The dictionary form, `ё` folded: `советской` → `советский`, `ленина` → `ленин`."""
    if word.isdigit():
        return word
    return parses(word)[0].normal_form.replace("ё", "е")


@lru_cache(maxsize=50_000)
def is_known(word: str) -> bool:
    return bool(analyzer().word_is_known(word))
