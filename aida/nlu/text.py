"""Text plumbing shared by the extractors: case folding, tokens, masking, number words.

Every extractor works on the same folded copy of the message and blanks out what it has
understood, so one slot's text never reaches another slot's parser. Folding and masking keep
the length of the text, so an offset means the same character in the original and the copy.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from typing import NamedTuple

from aida.nlu.numbers import to_digits

_TOKEN = re.compile(r"[^\W_]+")
# Matches of one kind a reader considers in a message (type words, street mentions, objects):
# a chat message has a handful; a pasted text with thousands must not cost thousands squared.
MOST_MATCHES = 32


# Every Unicode decimal digit that is not ASCII (full-width `１`, Arabic-Indic `١`...): folded
# to its ASCII digit, so the readers' `\d` means 0-9 and `int()` and phonenumbers see what the
# customer meant.
_OTHER_DIGIT = re.compile(r"(?![0-9])\d")


def fold(text: str) -> str:
    """Lower case, `ё`→`е`, ASCII digits; same length as `text` (offsets stay valid)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few letters (e.g. `İ`) lower to two characters
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    lowered = lowered.replace("ё", "е")
    if lowered.isascii():
        return lowered
    return _OTHER_DIGIT.sub(lambda m: str(unicodedata.digit(m.group())), lowered)


class Token(NamedTuple):  # a tuple: thousands are made per long message, and cheaply
    text: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def in_sorted_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    """`pos` lies in one of `spans` (sorted, not overlapping), in logarithmic time."""
    i = bisect_right(spans, (pos, math.inf)) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """`spans` sorted, overlapping ones joined: ready for `in_sorted_spans`."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


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

    def mask(self, spans: Iterable[tuple[int, int]]) -> None:
        """Blank `spans` out, all in one pass (one copy of the text, however many spans)."""
        chars = list(self.text)
        for start, end in spans:
            chars[start:end] = " " * (end - start)
        self.text = "".join(chars)


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
_SCOPED_FLAGS = (("i", re.IGNORECASE), ("m", re.MULTILINE), ("s", re.DOTALL), ("x", re.VERBOSE))


def any_of(patterns: Iterable[re.Pattern[str]]) -> re.Pattern[str]:
    """One pattern matching wherever any of `patterns` could (their groups unnamed): a reader
    with a family of patterns scans a message once to learn that none of them can match, and
    skips the family, instead of paying for every pattern on every short message."""
    parts = []
    for rx in patterns:
        flags = "".join(letter for letter, bit in _SCOPED_FLAGS if rx.flags & bit)
        body = _NAMED_GROUP.sub("(?:", rx.pattern)
        # (a verbose pattern may end in a comment: the closing bracket goes on a new line)
        parts.append(f"(?{flags}:{body}\n)" if "x" in flags else f"(?{flags}:{body})")
    return re.compile("|".join(parts))


_DIGIT = re.compile(r"\d")


class Family:
    """The patterns one reader scans, split into those that cannot match without a digit and
    the rest; `may_match` is false only where none of them can match, and costs one scan of
    the rest for a text without digits (most chat messages), instead of one per pattern."""

    def __init__(self, *, digits: Iterable[re.Pattern[str]] = (),
                 words: Iterable[re.Pattern[str]] = ()) -> None:
        self.digits, self.words = list(digits), list(words)
        self._digits = any_of(self.digits) if self.digits else None
        self._words = any_of(self.words) if self.words else None

    @property
    def patterns(self) -> list[re.Pattern[str]]:
        return self.digits + self.words

    def may_match(self, text: str) -> bool:
        if self._words is not None and self._words.search(text):
            return True
        return (self._digits is not None and _DIGIT.search(text) is not None
                and self._digits.search(text) is not None)


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
