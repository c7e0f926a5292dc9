"""Phone numbers: found in free text, checked with phonenumbers, given as E.164.

Only Russian numbers are accepted: +7 is shared with Kazakhstan (+7 7xx), so the region is
checked, not just the country code. A run of digits that looks like a phone but is not a valid
Russian number is reported (`foreign` or `invalid`) so the customer is asked again.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from aida.nlu.numbers import to_digits
from aida.understanding.types import Expect, Problem

# A digit run with the separators people type: "+7 (999) 123-45-67", "8 999 1234567".
_CANDIDATE = re.compile(r"(?<![\w@+/-])(?<!\d\.)\+?\s?\(?\d[\d\s()\-]{4,}\d(?![\w@]|[.,]\d)")
_GROUPS = re.compile(r"\S+")
_MOST_SHOWN = 40  # characters of a rejected number kept in its problem
_ZERO = re.compile(r"(?<![\w-])(?:ноль|нуль)(?![\w-])")
_SPOKEN_DIGIT = re.compile(
    r"(?<![\w-])(?:ноль|нуль|один|два|три|четыре|пять|шесть|семь|восемь|девять)"
)
# A local number without the area code: "123-45-67".
_LOCAL = re.compile(r"^\d{3}-\d{2}-\d{2}$")
# Numbers that are not phones: contracts, orders, accounts, documents.
_NOT_A_PHONE = re.compile(
    r"(?:\b(?:заказ\w*|договор\w*|сч[её]т\w*|л/с|лицев\w*|инн|огрн\w*|кпп|паспорт\w*|"
    r"снилс|заявк\w*|id|бик|карт\w*)|№)\W{0,3}(?:\w+\W{1,3})?$"
)


@dataclass(frozen=True)
class FoundPhone:
    start: int
    end: int
    e164: str | None
    problem: Problem | None


def _check(candidate: str) -> tuple[str | None, Problem | None]:
    """(E.164, None) for a valid Russian number, else (None, why)."""
    # Imported here: most messages hold no phone, and its metadata is slow to import.
    import phonenumbers

    try:
        number = phonenumbers.parse(candidate, "RU")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        return None, Problem(slot="phone", code="invalid", value=candidate.strip()[:_MOST_SHOWN])
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if phonenumbers.region_code_for_number(number) != "RU":
        return None, Problem(slot="phone", code="foreign", value=e164)
    return e164, None


def normalize_phone(s: str) -> str | None:
    """A valid Russian number in any format → E.164 (`+79991234567`); anything else → None."""
    e164, _ = _check(s)
    return e164


def phone_problem(s: str) -> Problem | None:
    """Why `s` is not accepted as a phone: `foreign` (valid, not Russian) or `invalid`.

    None when `s` is a valid Russian number. Together with `normalize_phone` this lets a
    caller tell the customer precisely what is wrong.
    """
    _, problem = _check(s)
    return problem


def _digits(s: str) -> int:
    return sum(c.isdigit() for c in s)


def _looks_like_phone(run: str) -> bool:
    """Ten digits or more, a `+`, `123-45-67`, or a mobile cut short (`89991234`)."""
    return (
        _digits(run) >= 10
        or run.startswith("+")
        or bool(_LOCAL.match(run))
        or (_digits(run) >= 8 and run.lstrip("(")[0] in "789")
    )


# A Russian number is 10 digits (its national part starts with 3, 4, 8 or 9), or 11 with
# a leading 7 or 8: a cheap test before phonenumbers, which costs ~20 µs a call.
_RUSSIAN_DIGITS = re.compile(r"[78]?[3489]\d{9}")
# Digit groups a phone is written in at most ("+7 ( 999 ) 123 - 45 - 67").
_MOST_GROUPS = 12
# phonenumbers calls per message: a pasted list of hundreds of numbers is not checked one by
# one; the rest is still masked, so its digits never become houses or dates.
_MOST_CHECKS = 16


class _Budget:
    def __init__(self) -> None:
        self.left = _MOST_CHECKS

    def spend(self) -> bool:
        self.left -= 1
        return self.left >= 0


def _best_part(text: str, start: int, end: int, budget: _Budget) -> FoundPhone | None:
    """The longest run of whole groups inside [start, end) that is a valid Russian number.

    "кв 3 8 999 123 45 67" gives one run; the flat number in front is not part of the phone.
    Only runs of 10 or 11 digits are tried (at most two per group), so the work is linear.
    """
    groups = [m.span() for m in _GROUPS.finditer(text, start, end)]
    digits = ["".join(c for c in text[a:b] if c.isdigit()) for a, b in groups]
    all_digits = "".join(digits)
    before = list(accumulate((len(d) for d in digits), initial=0))  # digits before group i
    spans: list[tuple[int, int, str]] = []
    for i, (a, _) in enumerate(groups):
        if not digits[i]:
            continue
        for size in (10, 11):
            # the first group that brings the run to `size` digits, if any
            j = bisect_left(before, before[i] + size) - 1
            if j < len(groups) and before[j + 1] == before[i] + size and j - i < _MOST_GROUPS:
                run = all_digits[before[i] : before[j + 1]]
                if _RUSSIAN_DIGITS.fullmatch(run):
                    spans.append((a, groups[j][1], run))
    spans.sort(key=lambda s: (s[0] - s[1], s[0]))
    for a, b, run in spans:
        if not budget.spend():
            return None
        if e164 := _russian(("+" if text[a] == "+" else "") + run):
            return FoundPhone(a, b, e164, None)
    return None


@lru_cache(maxsize=4096)
def _russian(digits: str) -> str | None:
    return normalize_phone(digits)


def find_phones(text: str, expect: Expect | None = None) -> list[FoundPhone]:
    """Phones in `text` (folded, other slots masked), each valid or with its problem.

    The answer to "ваш телефон?" may be dictated in words («восемь девятьсот …»); then every
    word must be part of the number: a digit too many is not silently dropped.
    """
    found: list[FoundPhone] = []
    budget = _Budget()
    spoken = expect == "phone" and bool(_SPOKEN_DIGIT.search(text))
    words = text
    if spoken:
        text = to_digits(_ZERO.sub(lambda m: "0".ljust(len(m.group())), text))
    for m in _CANDIDATE.finditer(text):
        start, end = m.span()
        while spoken and end < len(words) and words[end].isalpha():
            end += 1  # «один» became «1   »: the span covers the whole word
        if _NOT_A_PHONE.search(text[max(0, start - 30) : start]):
            continue
        if not _looks_like_phone(m.group()):
            continue
        best = None if spoken else _best_part(text, start, end, budget)
        if best is not None:
            found.append(best)
            continue
        candidate = " ".join(text[start:end].split())
        e164, problem = _check(candidate) if budget.spend() else (None, None)
        found.append(FoundPhone(start, end, e164 if spoken else None, problem))
    return found
