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
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Token:
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


# -- number words ------------------------------------------------------------------------
# Forms customers use for counts, hours and speeds; values add up ("двести пятьдесят").
_FORMS = {
    1: "один одна одно одну одного одной одному",
    2: "два две двух двум двумя пара пару парочка парочку",
    3: "три трех трем тремя",
    4: "четыре четырех четырем",
    5: "пять пяти",
    6: "шесть шести",
    7: "семь семи",
    8: "восемь восьми",
    9: "девять девяти",
    10: "десять десяти",
    11: "одиннадцать одиннадцати",
    12: "двенадцать двенадцати",
    13: "тринадцать тринадцати",
    14: "четырнадцать четырнадцати",
    15: "пятнадцать пятнадцати",
    16: "шестнадцать шестнадцати",
    17: "семнадцать семнадцати",
    18: "восемнадцать восемнадцати",
    19: "девятнадцать девятнадцати",
    20: "двадцать двадцати",
    30: "тридцать тридцати",
    40: "сорок",
    50: "пятьдесят",
    60: "шестьдесят",
    70: "семьдесят",
    80: "восемьдесят",
    90: "девяносто",
    100: "сто",
    200: "двести",
    300: "триста",
    400: "четыреста",
    500: "пятьсот",
    600: "шестьсот",
    700: "семьсот",
    800: "восемьсот",
    900: "девятьсот",
}
_UNITS = {form: value for value, forms in _FORMS.items() for form in forms.split()}
_THOUSAND = ("тысяча", "тысячу", "тысячи", "тысяч")


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


_NUMBER_WORD = alternation([*_UNITS, *_THOUSAND])
_NUMBER_RUN = re.compile(rf"(?<![\w-])(?:{_NUMBER_WORD})(?:\s(?:{_NUMBER_WORD}))*(?![\w-])")
# A number in digits; number words are turned into digits first (`numerals`).
NUMBER = r"(?<![\w-])\d+(?!\d)"


def _number_of(phrase: str) -> int:
    """`"две"` → 2, `"двести пятьдесят"` → 250, `"тысячу двести"` → 1200."""
    total, current = 0, 0
    for word in phrase.split():
        if word in _THOUSAND:
            total += (current or 1) * 1000
            current = 0
        else:
            current += _UNITS[word]
    return total + current


def numerals(text: str) -> str:
    """Number words as digits, padded to the same length: `две камеры` → `2   камеры`.

    Offsets stay valid, and the parsers need one pattern for numbers (digits) instead of a
    hundred word forms.
    """
    return _NUMBER_RUN.sub(lambda m: str(_number_of(m.group())).ljust(len(m.group())), text)
