"""Russian numbers written in words: cardinals and ordinals in any case and gender, compounds.

The text is expected folded (lower case, `ё`→`е`, see `aida.nlu.text.fold`).

API
---
`Number(value, start, end, kind)`: one number found in the text. `start:end` is the span it
consumed; `kind` is

- `"cardinal"`: «два», «двадцать две», «ста сорока», «тысячу двести»;
- `"ordinal"`: «второго», «двадцать второго», «сто сорок пятый», «тридцать первое» (only the
  last word of a compound ordinal is ordinal, as in Russian);
- `"prefix"`: the number stem of a compound adjective or noun: «тридцати» in «тридцатилетия»,
  «двадцатипяти» in «двадцатипятилетия», «трех» in «трехкомнатная». The word goes on after
  `end`; only known tails count (`лет…`, `этаж…`, `комнат…`, …), so «семинар» or «стоимость»
  are not numbers.

`find_numbers(text)` → every number in `text`, left to right. Words join into one number only
where Russian grammar lets them (`тысячи` > `сотни` > `десятки` > `единицы`, each at most
once, an ordinal only last, single spaces between): «двадцать два» is 22, «два три» is 2 and
then 3, «двадцать второго января» is the ordinal 22 (never 20 and then 2).

`read_number(text, start=0)` → the number that begins at `start` (after spaces), or None.
A caller that expects a number to fill a span compares `number.end` with the end of that span:
whatever is left over was not understood, and a partly read span is doubt, not a value.

`to_digits(text, ordinals=False)` → `text` with every cardinal written as digits, padded with
spaces to the same length (offsets stay valid): «две камеры» → «2   камеры». With
`ordinals=True` ordinals become `N-го`, `N-е` or `N-й` by their ending («двадцать второго» →
«22-го», «третье» → «3-е», «пятой» → «5-й»); prefixes stay words.

Colloquial pairs («пара», «пару», «парочку») are the cardinal 2, collective numerals («двое»,
«трое суток») their value; neither joins a compound.
Cost: one pass over the words with dictionary look-ups, linear in the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Kind = Literal["cardinal", "ordinal", "prefix"]

# Ranks of the parts of a compound: each part must be of a lower rank than the one before.
_UNIT, _TEN, _HUNDRED, _THOUSAND = 1, 2, 3, 4
_PAIR = 0  # «пару»: standalone only

_CARDINALS: dict[int, str] = {
    1: "один одна одно одни одного одной одному одним одном одну одною",
    2: "два две двух двум двумя",
    3: "три трех трем тремя",
    4: "четыре четырех четырем четырьмя",
    5: "пять пяти пятью",
    6: "шесть шести шестью",
    7: "семь семи семью",
    8: "восемь восьми восемью",
    9: "девять девяти девятью",
    10: "десять десяти десятью",
    11: "одиннадцать одиннадцати одиннадцатью",
    12: "двенадцать двенадцати двенадцатью",
    13: "тринадцать тринадцати тринадцатью",
    14: "четырнадцать четырнадцати четырнадцатью",
    15: "пятнадцать пятнадцати пятнадцатью",
    16: "шестнадцать шестнадцати шестнадцатью",
    17: "семнадцать семнадцати семнадцатью",
    18: "восемнадцать восемнадцати восемнадцатью",
    19: "девятнадцать девятнадцати девятнадцатью",
    20: "двадцать двадцати двадцатью",
    30: "тридцать тридцати тридцатью",
    40: "сорок сорока",
    50: "пятьдесят пятидесяти пятьюдесятью",
    60: "шестьдесят шестидесяти шестьюдесятью",
    70: "семьдесят семидесяти семьюдесятью",
    80: "восемьдесят восьмидесяти восемьюдесятью",
    90: "девяносто девяноста",
    100: "сто ста",
    200: "двести двухсот двумстам двумястами двухстах",
    300: "триста трехсот тремстам тремястами трехстах",
    400: "четыреста четырехсот четыремстам четырьмястами четырехстах",
    500: "пятьсот пятисот пятистам пятьюстами пятистах",
    600: "шестьсот шестисот шестистам шестьюстами шестистах",
    700: "семьсот семисот семистам семьюстами семистах",
    800: "восемьсот восьмисот восьмистам восемьюстами восьмистах",
    900: "девятьсот девятисот девятистам девятьюстами девятистах",
    1000: "тысяча тысячи тысячу тысячей тысячею тысяч тысячам тысячами тысячах "
          "тыща тыщи тыщу тыщей тыщ",  # (as said: «за тыщу двести»)
}
_PAIRS = "пара пары пару парой парочка парочки парочку парочкой"
# Collective numerals («двое суток», «трое») and pairs stand alone: they never join a compound.
_STANDALONE: dict[int, str] = {
    2: _PAIRS + " двое двоих",
    3: "трое троих",
    4: "четверо четверых",
    5: "пятеро пятерых",
    6: "шестеро шестерых",
    7: "семеро семерых",
}

# Ordinal stems and their endings: hard (первый, второй) and soft (третий).
_HARD_ENDINGS = "ый ой ая ое ые ого ому ым ом ую ых ыми ою"
_SOFT_ENDINGS = "ий ья ье ьи ьего ьей ьему ьим ьем ью ьих ьими ьею"
_ORDINAL_STEMS: dict[int, str] = {
    1: "перв",
    2: "втор",
    3: "трет",
    4: "четверт",
    5: "пят",
    6: "шест",
    7: "седьм",
    8: "восьм",
    9: "девят",
    10: "десят",
    11: "одиннадцат",
    12: "двенадцат",
    13: "тринадцат",
    14: "четырнадцат",
    15: "пятнадцат",
    16: "шестнадцат",
    17: "семнадцат",
    18: "восемнадцат",
    19: "девятнадцат",
    20: "двадцат",
    30: "тридцат",
    40: "сороков",
    50: "пятидесят",
    60: "шестидесят",
    70: "семидесят",
    80: "восьмидесят",
    90: "девяност",
    100: "сот",
    200: "двухсот",
    300: "трехсот",
    400: "четырехсот",
    500: "пятисот",
    600: "шестисот",
    700: "семисот",
    800: "восьмисот",
    900: "девятисот",
    1000: "тысячн",
}

# Stems that start compound words («тридцатилетия», «двадцатипятиэтажный»), and the tails
# that make such a word a compound of a number (so «семинар» is not 7 + «нар»).
_PREFIX_STEMS: dict[int, str] = {
    1: "одно",
    2: "двух",
    3: "трех",
    4: "четырех",
    5: "пяти",
    6: "шести",
    7: "семи",
    8: "восьми",
    9: "девяти",
    10: "десяти",
    11: "одиннадцати",
    12: "двенадцати",
    13: "тринадцати",
    14: "четырнадцати",
    15: "пятнадцати",
    16: "шестнадцати",
    17: "семнадцати",
    18: "восемнадцати",
    19: "девятнадцати",
    20: "двадцати",
    30: "тридцати",
    40: "сорока",
    50: "пятидесяти",
    60: "шестидесяти",
    70: "семидесяти",
    80: "восьмидесяти",
    90: "девяноста",
    100: "сто",
    200: "двухсот",
    300: "трехсот",
    400: "четырехсот",
    500: "пятисот",
    600: "шестисот",
    700: "семисот",
    800: "восьмисот",
    900: "девятисот",
}
_PREFIX_TAILS = (
    "лет",  # тридцатилетия, пятилетний
    "этаж",
    "комнат",
    "кратн",
    "дневн",
    "месячн",
    "недельн",
    "часов",
    "минутн",
    "метров",
    "градусн",
    "процентн",
    "камерн",
    "мегабитн",
)


def _rank(value: int) -> int:
    if value >= 1000:
        return _THOUSAND
    if value >= 100:
        return _HUNDRED
    if value >= 20:
        return _TEN
    return _UNIT  # 1–19: «двадцать два» but never «двадцать двенадцать» (tens take 1–9)


def _forms() -> dict[str, tuple[int, bool]]:
    """word → (value, is ordinal)."""
    out: dict[str, tuple[int, bool]] = {}
    for value, forms in _CARDINALS.items():
        for form in forms.split():
            out[form] = (value, False)
    for value, stem in _ORDINAL_STEMS.items():
        endings = _SOFT_ENDINGS if value == 3 else _HARD_ENDINGS
        for ending in endings.split():
            out.setdefault(stem + ending, (value, True))
    for value, forms in _STANDALONE.items():
        for form in forms.split():
            out[form] = (value, False)
    return out


_FORMS = _forms()
_PAIR_WORDS = frozenset(w for forms in _STANDALONE.values() for w in forms.split())
_WORD = re.compile(r"[а-я]+")
_PREFIX = re.compile(
    "(?:"
    + "|".join(sorted(_PREFIX_STEMS.values(), key=len, reverse=True))
    + ")+(?="
    + "|".join(_PREFIX_TAILS)
    + ")"
)
_PREFIX_VALUES = {stem: value for value, stem in _PREFIX_STEMS.items()}
_STEM = re.compile("|".join(sorted(_PREFIX_STEMS.values(), key=len, reverse=True)))
_GAP = re.compile(r"[ \t]+")  # parts of one number: on one line, separated by spaces
_SPACES = re.compile(r"\s*")
_WINDOW = 120


@dataclass(frozen=True)
class Number:
    value: int
    start: int
    end: int
    kind: Kind

    @property
    def ordinal(self) -> bool:
        return self.kind == "ordinal"


def _prefix_value(stems: str) -> int | None:
    """«двадцатипяти» → 25; None when the stems do not make one number («пятипяти»)."""
    total, last = 0, _THOUSAND + 1
    for m in _STEM.finditer(stems):
        value = _PREFIX_VALUES[m.group()]
        rank = _rank(value)
        if rank >= last or (last == _TEN and value >= 10):
            return None
        total, last = total + value, rank
    return total or None


class _Builder:
    """The number being read, word by word, following the order of a Russian compound."""

    def __init__(self, start: int, end: int, value: int, ordinal: bool, word: str) -> None:
        self.start, self.end = start, end
        self.total = 0  # thousands already closed
        self.group = value if value < 1000 else 0
        self.ordinal = ordinal
        self.standalone = word in _PAIR_WORDS
        if value >= 1000:
            self.total = 1000
        self.last = _PAIR if self.standalone else _rank(value)

    def extend(self, start: int, end: int, value: int, ordinal: bool, word: str) -> bool:
        if self.ordinal or self.standalone or word in _PAIR_WORDS:
            return False
        rank = _rank(value)
        if rank == _THOUSAND:
            if self.total or not self.group:
                return False
            self.total, self.group = self.group * 1000, 0
        elif rank >= self.last or (self.last == _TEN and value >= 10):
            return False
        else:
            self.group += value
        self.last, self.end, self.ordinal = rank, end, ordinal
        return True

    def number(self) -> Number:
        kind: Kind = "ordinal" if self.ordinal else "cardinal"
        return Number(self.total + self.group, self.start, self.end, kind)


def find_numbers(text: str) -> list[Number]:
    """Every number written in words in `text` (folded), left to right."""
    found: list[Number] = []
    current: _Builder | None = None
    for m in _WORD.finditer(text):
        word = m.group()
        hit = _FORMS.get(word)
        if hit is None:
            if current is not None:
                found.append(current.number())
                current = None
            p = _PREFIX.match(word) if len(word) > 4 else None
            if p is not None and (value := _prefix_value(p.group())) is not None:
                found.append(Number(value, m.start(), m.start() + p.end(), "prefix"))
            continue
        value, ordinal = hit
        adjacent = current is not None and _GAP.fullmatch(text, current.end, m.start())
        if current is not None and adjacent and current.extend(*m.span(), value, ordinal, word):
            continue
        if current is not None:
            found.append(current.number())
        current = _Builder(m.start(), m.end(), value, ordinal, word)
    if current is not None:
        found.append(current.number())
    return found


def read_number(text: str, start: int = 0) -> Number | None:
    """The number beginning at `start` (spaces skipped), or None when no number starts there."""
    at = _SPACES.match(text, start).end()  # type: ignore[union-attr]
    if _WORD.match(text, at) is None or (at > 0 and text[at - 1].isalpha()):
        return None
    # A number is a few words: read a bounded window (cut between words), never a long text.
    end = at + _WINDOW
    if end < len(text):
        end = max(text.rfind(" ", at, end), at)
    window = text[at:end]
    first = next(iter(find_numbers(window)), None)
    if first is None or first.start != 0:
        return None
    return Number(first.value, at + first.start, at + first.end, first.kind)


@lru_cache(maxsize=64)  # several readers convert the same text (a message's tail unmasked)
def to_digits(text: str, ordinals: bool = False) -> str:
    """Cardinals (and with `ordinals`, ordinals as `N-го`/`N-е`/`N-й`) as digits, same length."""
    out: list[str] = []
    pos = 0
    for n in find_numbers(text):
        if n.kind == "prefix" or (n.kind == "ordinal" and not ordinals):
            continue
        digits = str(n.value)
        if n.kind == "ordinal":  # the case ending kept: «десятого» → «10-го» (a date)
            digits += (
                "-го"
                if text.endswith("го", n.start, n.end)
                else ("-е" if text.endswith("е", n.start, n.end) else "-й")
            )
        width = n.end - n.start
        if len(digits) > width:  # never happens for real words; keep the words then
            continue
        out.append(text[pos : n.start])
        out.append(digits.ljust(width))
        pos = n.end
    out.append(text[pos:])
    return "".join(out)
