"""Text plumbing shared by the extractors: case folding, tokens, masking, number words.

Every extractor works on the same folded copy of the message and blanks out what it has
understood, so one slot's text never reaches another slot's parser. Folding and masking keep
the length of the text, so an offset means the same character in the original and the copy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from aida.nlu.numbers import to_digits

_TOKEN = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case, `ё`→`е`, same length as `text` (offsets stay valid)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters (e.g. `İ`) lower to two characters
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered.replace("ё", "е")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def word_set(words: str) -> frozenset[str]:
    """A set of words written as one space-separated string (long word lists stay readable)."""
    return frozenset(words.split())


def word_list(words: str) -> list[str]:
    return words.split()


class Scratch:
    """The message being read: the original, and a folded copy where found spans are blanked."""

    def __init__(self, original: str) -> None:
        self.original = original
        self.text = fold(original)

    def mask(self, start: int, end: int) -> None:
        self.text = self.text[:start] + " " * (end - start) + self.text[end:]


def alternation(words: Iterable[str]) -> str:
    """A regex matching any of `words`, as a prefix tree: compiles several times faster than
    a flat `a|b|c` list of a hundred words (this matters for the import time)."""
    tree: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:  # type: ignore[type-arg]
        branches = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = "(?:" + "|".join(branches) + ")"
        return body + "?" if "" in node else body

    return emit(tree)


# A number in digits; number words are turned into digits first (`numerals`).
NUMBER = r"(?<![\w-])\d+(?!\d)"


def numerals(text: str) -> str:
    """Number words as digits, padded to the same length: `две камеры` → `2   камеры`.

    Offsets stay valid, and the parsers need one pattern for numbers (digits) instead of a
    hundred word forms. Compounds follow Russian grammar (`aida.nlu.numbers`): «двести
    пятьдесят» is 250, «два три» is 2 and 3.
    """
    return to_digits(text)
