"""Personal values in text: placeholders for a model, or removal for good.

Nothing raw to a model: a customer's phones, emails, names and house and flat numbers are
replaced by placeholders (`[PHONE_1]`, `[NAME_1]`, …) in everything sent to the model server,
and the placeholders in its answer are mapped back (`Masker`). When a customer declines
consent, the contacts they gave are removed from the conversation's messages (`redact`).

The model never needs the real values: what it reads is checked by the offline readers
against the customer's own message anyway. One `Masker` serves one customer message (its
reading and the wording of the reply), so a value keeps its placeholder across both calls.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from aida.domain import SlotValues

Kind = str  # PHONE, EMAIL, NAME, HOUSE, FLAT

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A run of ten or more digits with the separators people type: "+7 (999) 123-45-67".
_PHONE = re.compile(r"(?<![\w\[])\+?\d[\d \t()\-]{8,}\d(?![\w\]])")
_NUMBER = r"\d+(?:\s?(?:/|к|корп\.?|стр\.?)\s?\d+)?(?:\s?[а-яa-z](?![а-яa-z]))?"
# A house or flat number after its word: "д. 5", "дом 15а", "кв. 12", "квартира 7".
_FLAT = re.compile(rf"(?<!\w)(кв(?:\.|артир[аеуы]?)?|кв-ра)\s*№?\s*({_NUMBER})", re.IGNORECASE)
_HOUSE = re.compile(rf"(?<!\w)(д\.|дом[аеу]?|корп\.?|№)\s*({_NUMBER})", re.IGNORECASE)
# A number after a street: "ул. Мира 5", "проспект Ленина, 15к2".
_STREET_HOUSE = re.compile(
    r"(?<!\w)((?:ул\.?|улиц[аеуы]|пр\.|пр-т|просп\.?|проспект[аеу]?|пер\.?|переул[а-я]*|"
    r"бул\.?|бульвар[аеу]?|б-р|ш\.|шоссе|наб\.?|набережн[а-я]*|пл\.?|площад[ьи]|"
    rf"мкр\.?|микрорайон[аеу]?)\s+[А-ЯЁа-яё0-9-]+(?:\s+[А-ЯЁа-яё-]+)?,?\s*)({_NUMBER})(?!\w)",
    re.IGNORECASE,
)
# A name the customer introduces: "меня зовут Жанна", "я — Олег".
_INTRODUCED = re.compile(r"(?<!\w)(?:зовут|имя)\s*[:—-]?\s*([А-ЯЁ][а-яё]{1,30})")
_PLACEHOLDER = re.compile(r"\[(PHONE|EMAIL|NAME|HOUSE|FLAT)_(\d{1,3})\]")
# The longest placeholder a stream may hold back while it is incomplete.
_MAX_PLACEHOLDER = len("[EMAIL_999]")


def _digits(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return digits[1:] if len(digits) == 11 and digits[0] in "78" else digits


def _name_pattern(name: str) -> re.Pattern[str] | None:
    """Any case form of each word of a name: "Иван" also matches "Ивану", "Ивана"."""
    stems = []
    for word in re.findall(r"[А-ЯЁа-яёA-Za-z-]{2,}", name):
        stem = word[:-1] if len(word) > 3 and word[-1].lower() in "аяоеьйиы" else word
        stems.append(re.escape(stem) + r"[а-яёa-z]{0,3}")
    if not stems:
        return None
    return re.compile(rf"(?<![\w\[])(?:{'|'.join(stems)})(?!\w)", re.IGNORECASE)


class Masker:
    """The placeholders of one customer message's personal values, both ways."""

    def __init__(self, known: Iterable[SlotValues] = ()) -> None:
        self._values: dict[str, str] = {}  # placeholder → the real value
        self._keys: dict[tuple[Kind, str], str] = {}  # (kind, normalised value) → placeholder
        self._names: list[re.Pattern[str]] = []
        self._names_known: set[str] = set()
        self._houses: set[str] = set()
        for slots in known:
            self.learn(slots)

    def learn(self, slots: SlotValues) -> None:
        """Values the conversation already holds (its slots, the offline reading)."""
        if slots.name:
            self._learn_name(slots.name)
        if slots.phone:
            self._placeholder("PHONE", slots.phone)
        if slots.email:
            self._placeholder("EMAIL", slots.email)
        if slots.address is not None:
            self._houses.add(slots.address.house)
            self._placeholder("HOUSE", slots.address.house)
            if slots.address.flat:
                self._placeholder("FLAT", slots.address.flat)

    def _learn_name(self, name: str) -> None:
        pattern = _name_pattern(name)
        if pattern is not None and name not in self._names_known:
            self._names_known.add(name)
            self._names.append(pattern)
            self._placeholder("NAME", name)

    def _key(self, kind: Kind, value: str) -> str:
        if kind == "PHONE":
            return _digits(value)
        if kind in ("HOUSE", "FLAT"):
            return "".join(value.split()).casefold()
        return value.casefold()  # a name's every case form is its own placeholder

    def _placeholder(self, kind: Kind, value: str, *, seen: bool = False) -> str:
        """The value's placeholder; `seen` in a text: it maps back to the form seen last,
        so a reply shows a number as the draft wrote it, not as the slot stores it."""
        key = (kind, self._key(kind, value))
        if key not in self._keys:
            n = sum(k == kind for k, _ in self._keys) + 1
            self._keys[key] = f"[{kind}_{n}]"
            self._values[self._keys[key]] = value
        elif seen:
            self._values[self._keys[key]] = value
        return self._keys[key]

    # -- out -----------------------------------------------------------------------------
    def mask(self, text: str) -> str:
        """`text` with every personal value it shows replaced by its placeholder."""
        for introduced in _INTRODUCED.finditer(text):
            self._learn_name(introduced.group(1))
        seen = self._seen
        text = _EMAIL.sub(lambda m: seen("EMAIL", m.group()), text)
        text = _PHONE.sub(lambda m: seen("PHONE", m.group()) if len(_digits(m.group())) >= 10
                          else m.group(), text)
        text = _FLAT.sub(lambda m: f"{m.group(1)} {seen('FLAT', m.group(2))}", text)
        text = _HOUSE.sub(lambda m: f"{m.group(1)} {seen('HOUSE', m.group(2))}", text)
        text = _STREET_HOUSE.sub(lambda m: m.group(1) + seen("HOUSE", m.group(2)), text)
        for house in self._houses:
            # A known house number written bare: "Мира 15к2".
            text = re.sub(rf"(?<![\w\[/])({re.escape(house)})(?![\w\]])",
                          lambda m: seen("HOUSE", m.group(1)), text, flags=re.IGNORECASE)
        for pattern in self._names:
            text = pattern.sub(lambda m: seen("NAME", m.group()), text)
        return text

    def _seen(self, kind: Kind, value: str) -> str:
        return self._placeholder(kind, value, seen=True)

    # -- back ----------------------------------------------------------------------------
    def unmask(self, text: str) -> str:
        """The model's text with the placeholders it kept mapped back to the real values;
        one it invented (not ours) stays as it is, and the guard will not pass it."""
        return _PLACEHOLDER.sub(lambda m: self._values.get(m.group(), m.group()), text)

    def unmask_optional(self, text: str | None) -> str | None:
        return None if text is None else self.unmask(text)


class StreamUnmasker:
    """Unmasks a streamed answer: a placeholder split across pieces is held until whole."""

    def __init__(self, masker: Masker) -> None:
        self._masker = masker
        self._held = ""

    def feed(self, piece: str) -> str:
        text = self._held + piece
        start = text.rfind("[")
        if start != -1 and "]" not in text[start:] and len(text) - start < _MAX_PLACEHOLDER:
            self._held, text = text[start:], text[:start]
        else:
            self._held = ""
        return self._masker.unmask(text)

    def flush(self) -> str:
        held, self._held = self._held, ""
        return self._masker.unmask(held)


REMOVED = "[удалено]"
_CONTACT = re.compile(r"\[(?:PHONE|EMAIL|NAME)_\d+\]")


def redact(text: str, known: SlotValues) -> str:
    """`text` without the contacts it shows (`known`'s name, phone and email, and any phone
    or email at all); the rest, addresses included, stays as written."""
    masker = Masker([SlotValues(name=known.name, phone=known.phone, email=known.email)])
    return masker.unmask(_CONTACT.sub(REMOVED, masker.mask(text)))
