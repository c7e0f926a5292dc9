"""Phone numbers: found in free text, checked with phonenumbers, given as E.164.

Only Russian numbers are accepted: +7 is shared with Kazakhstan (+7 7xx), so the region is
checked, not just the country code. A run of digits that looks like a phone but is not a valid
Russian number is reported (`foreign` or `invalid`) so the customer is asked again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aida.understanding.types import Problem

# A digit run with the separators people type: "+7 (999) 123-45-67", "8 999 1234567".
_CANDIDATE = re.compile(r"(?<![\w@+/-])(?<!\d\.)\+?\s?\(?\d[\d\s()\-]{4,}\d(?![\w@]|[.,]\d)")
_GROUPS = re.compile(r"\S+")
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
        return None, Problem(slot="phone", code="invalid", value=candidate.strip())
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


def _best_part(text: str, start: int, end: int) -> FoundPhone | None:
    """The longest run of whole groups inside [start, end) that is a valid Russian number.

    "кв 3 8 999 123 45 67" gives one run; the flat number in front is not part of the phone.
    """
    groups = [(m.start() + start, m.end() + start) for m in _GROUPS.finditer(text[start:end])]
    spans = sorted(
        ((groups[i][0], groups[j][1]) for i in range(len(groups)) for j in range(i, len(groups))),
        key=lambda s: s[0] - s[1],
    )
    for a, b in spans:
        if 10 <= _digits(text[a:b]) <= 12 and (e164 := normalize_phone(text[a:b])):
            return FoundPhone(a, b, e164, None)
    return None


def find_phones(text: str) -> list[FoundPhone]:
    """Phones in `text` (folded, other slots masked), each valid or with its problem."""
    found: list[FoundPhone] = []
    for m in _CANDIDATE.finditer(text):
        start, end = m.span()
        if _NOT_A_PHONE.search(text[max(0, start - 30) : start]):
            continue
        if not _looks_like_phone(m.group()):
            continue
        best = _best_part(text, start, end)
        if best is not None:
            found.append(best)
            continue
        _, problem = _check(text[start:end])
        found.append(FoundPhone(start, end, None, problem))
    return found
