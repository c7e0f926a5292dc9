"""Addresses: city, street matched to the coverage list's canonical names, house and flat.

Customers write streets every way (`пр-т Ленина 88`, `ленина 88`, `на проспекте Ленина д 88`,
`Мира ул 5`, `рабоче крестьянская 10`, `на Советской 12`), so a street is recognised by the
dictionary forms (pymorphy3 lemmas) of its name words, in either order, with or without its
type word, and with rapidfuzz for typos; a typo or a type word that does not fit makes the
match doubtful (read back to the customer). A street outside the list is still returned, as
written, with an `unknown_street` problem, so the step can say it is outside coverage.

A street is only taken as an address when something says it is one: a house number after it,
a type word next to it, a phrase like `адрес`/`живу на`, or the question just asked; a
surname like `Богданова` alone is not an address.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice, pairwise, permutations
from typing import NamedTuple

from pymorphy3.analyzer import Parse
from rapidfuzz import fuzz, process

from aida.catalog import Catalog
from aida.domain import Address
from aida.nlu import morph
from aida.nlu.cache import per_catalog
from aida.nlu.numbers import find_numbers
from aida.nlu.text import MOST_MATCHES, alternation, fold, word_set
from aida.understanding.types import Expect, Problem

# Words people put anywhere in a sentence: never a city, a street or part of one.
FILLERS = word_set(
    "короче значит вот ну это типа вообще блин щас сейчас слушайте смотрите так да ой эээ "
    "ээ мм ммм кстати вобщем общем пожалуйста спасибо"
)
# Street type words: canonical form → what customers write (abbreviations and case forms).
_TYPE_FORMS: dict[str, str] = {
    "улица": "ул улица улице улицу улицы улицей улиц",
    "проспект": "пр-кт пр-т пркт просп пр проспект проспекте проспекту проспекта",
    "бульвар": "б-р бул бульв бульвар бульваре бульвару бульвара",
    "переулок": "пер переулок переулке переулку переулка",
    "шоссе": "ш шоссе",
    "площадь": "пл площадь площади",
    "проезд": "пр-д проезд проезде проезда",
    "набережная": "наб набережная набережной",
    "микрорайон": "мкр-н мкрн мкр микрорайон микрорайоне",
    "тупик": "туп тупик тупике",
}
_TYPE_OF = {form: kind for kind, forms in _TYPE_FORMS.items() for form in forms.split()}
_TYPE_GENDER = {
    "улица": "femn",
    "площадь": "femn",
    "набережная": "femn",
    "шоссе": "neut",
}
_TYPE_RE = re.compile(r"(?<![\w-])(?P<t>" + alternation(_TYPE_OF) + r")(?![\w-])\.?")
# Words of a street name: letters, or an ordinal like `7-й`/`30-летия` split at the hyphen.
_NAME_WORD = re.compile(r"\d+(?:-?[а-я]{1,3})?(?![\w])|[а-яa-z]+")
_ORDINAL = re.compile(r"(\d+)-?[а-я]{0,3}$")

# A house after the street: `88`, `д. 88`, `15а`, `15-а`, `15 к2`, `15/2`, `5-12` (flat 12),
# `д 7 кв 12`, `офис 305`. A number followed by a unit is a count, not a house.
_UNIT_AFTER = (
    r"(?!\s*(?:камер|видеокамер|шт|руб|р\b|₽|мб|мбит|мегабит|гб|числ|час|ч\b|мин|дн|недел|"
    r"месяц|январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр|"
    r"этаж|подъезд|человек|комнат|ip|айпи|компьютер|комп\b|ноутбук|устройств|телефон|"
    r"сотрудник|работник|касс|точ|лет|год|раз))"
)
_FLAT_WORD = (r"(?:квартира|кварт|кв|офис|оф|помещение|пом|бокс|кабинет|каб|комната|ком|"
              r"павильон|пав|студия|секция|kv)")
_HOUSE_BODY = (
    r"(?P<num>\d{1,4})(?![\d])(?![:.]\d)" + _UNIT_AFTER + r"(?:(?P<lit>[а-ик-яa-z])(?![а-яa-z\d])"
    r"|-(?P<lit2>[а-ик-я])(?![а-я\d])"
    r"|\s(?P<lit3>[а-я])(?=\s*(?:$|[,.;!?)]|кв|к\b|корп)))?"
    r"(?:\s*/\s*(?P<slash>\d{1,3}))?"
    r"(?:[\s,]*(?P<bkind>корпус|корп|к|строение|стр)\.?\s*(?P<bld>\d{1,3}))?"
    # the flat after a flat word, «-», a blank, or (the postal «Землячки, 33, 18») a comma
    # when the number ends the address
    r"(?:(?:[\s,]*" + _FLAT_WORD + r"\.?\s*(?:№\s*)?|\s*-\s*|[ \t]+"
    r"|\s*,\s*(?=\d{1,4}\s*(?:$|[,.;!?)])))"
    r"(?P<flat>\d{1,4})(?!\d)(?![:.,]\d)" + _UNIT_AFTER + ")?"
)
_HOUSE_MARK = r"(?P<mark>(?:д|дом)\.?\s*(?:№|номер)?\s*)"
# («на краснопресненской живу дом 18»: a verb of living between the street and its house)
_HOUSE_AFTER = re.compile(r"[\s,.:]*(?:(?:живу|живем|живём|проживаю|проживаем|находимся|"
                          r"находится)[\s,]+(?=д))?" + _HOUSE_MARK + "?" + _HOUSE_BODY)
# "дом 15 по улице Мира": the house said before the street.
_HOUSE_BEFORE = re.compile(
    r"(?<![\w-])(?:д|дом)\.?\s*(?:№|номер)?\s*" + _HOUSE_BODY + r"[\s,]*(?:по|на)?\s*$"
)
# How far back a house said before its street ("дом 15 по улице") or a word may reach.
_MOST_HOUSE = 60
_MOST_WORD = 40
_HOUSE_ANYWHERE = re.compile(r"(?<![\w-])" + _HOUSE_MARK + "?" + _HOUSE_BODY)

# «Ленина 55, Волгоград, помещение 1»: the flat after the city.
_FLAT_LATER = re.compile(
    r"[\s,]*(?:(?:г\.?\s*)?[а-я-]+[\s,]+)?" + _FLAT_WORD + r"\.?\s*(?:№\s*)?(?P<flat>\d{1,4})(?!\d)"
)
# «дом 14 или 16, сейчас посмотрю»: the customer is not sure of the house.
_HEDGE = re.compile(
    r"^[\s,]*(?:или|либо)\s+\d|(?<![\w-])(?:вроде|кажется|наверно\w*|примерно|не\s+помню|"
    r"не\s+уверен\w*|посмотрю|уточню|не\s+точно)(?![\w-])"
)
_HEDGE_REACH = 40
# "ленина, дом не помню": the street is named as an address, the house is missing.
_HOUSE_WORD = re.compile(r"[\s,]*(?:дом|номер\s+дома|д\.)(?![\w-])")
# «по Карбышева», «Карбышева в Волжском»: a street of the list is an address by these too.
_ALONG = re.compile(r"(?<![\w-])(?:по|на)\s+$")
# «оформите на Богданова»: after these, «на» introduces a person, not a street.
_FOR_PERSON = re.compile(r"(?<![\w-])(?:оформ\w*|запиш\w*|записыва\w*|имя)\s+на\s+$")
_CITY_AFTER = re.compile(r"[\s,]*(?:в|во)\s+(?:г\.?\s*|городе\s+)?(?P<w>[а-я][а-я-]+)")
# Phrases that announce an address, so a street with no type word still counts.
_TRIGGER = re.compile(
    r"(?<![\w-])(?:адрес\w*|живу|живем|проживаю|прописан\w*|подключ\w*|находимся|находится|"
    r"расположен\w*)\s*[:\-]?\s*(?:на|по|в)?\s*$"
)
_NAME_THEN_HOUSE = r"(?P<name>[а-я][а-я-]+(?:\s+[а-я][а-я-]+)?)(?=[\s,]+(?:д\.?\s*|дом\s*)?\d)"
_ANNOUNCED = re.compile(
    r"(?<![\w-])(?:адрес\w*|живу|живем|проживаю|находимся|находится)\s*(?:[:\-]\s*)?(?:(?:на|по|в)\s+)?"
    + _NAME_THEN_HOUSE
)
# The answer to "какой адрес?" may be just "Тверская 12", or "Волжский, Энгельса 20".
_ANSWERED = re.compile(
    r"^\W*(?:(?:" + alternation(FILLERS) + r")(?![\w-])\W*)*(?:[а-я-]+\s?,\s?)?"
    r"(?:(?:на|по)\s+)?" + _NAME_THEN_HOUSE
)
# (No two quantifiers in a row over the same characters in these patterns: `\s*[:]?\s*` over
# a long run of blanks, which masking leaves, backtracks quadratically.)
# After a city's stem: the region or district named after it («Волгоградская обл.»).
_REGION = re.compile(r"[а-я]*\s*(?:обл\w*|р-н|район\w*|кра[йя]\w*)(?![а-я])")
_CITY_MARK = re.compile(r"(?<![\w-])(?:г|гор|город|городе)\.?\s+(?P<w>[а-я][а-я-]+)")
_CITY_PREP = re.compile(r"(?<![\w-])(?:в|из|во)\s+(?P<w>[а-я][а-я-]+)")
# Not street names even when followed by a number.
_NOT_NAME = (
    word_set(
        "д дом кв квартира корп корпус стр офис оф на по в и а у с к от до за из для но или "
        "тариф пакет камера камеры камер роутер ip айпи тел телефон номер мой моя"
    )
    | FILLERS
)


@dataclass(frozen=True)
class Street:
    city: str
    name: str  # canonical, as in the coverage list
    kind: str  # canonical type word, "" when the name has none
    core: str  # the name without its type word, folded


@dataclass
class StreetIndex:
    streets: list[Street]
    by_key: dict[tuple[str, ...], list[Street]]
    # The ends of longer names (`победы` of `30-летия победы`): a street named by them alone
    # is only partly read, so it is taken with doubt.
    by_tail: dict[tuple[str, ...], list[Street]]
    cores: list[str]
    core_keys: list[str]
    cities: dict[str, str]  # folded stem → canonical city
    max_words: int
    # First letters of the name words: a word starting otherwise is not looked up (cheap
    # filter before the dictionary lookup, which costs far more).
    prefixes: frozenset[str]
    city_words: re.Pattern[str]  # words starting like one of our cities


def _word_key(word: str) -> str:
    m = _ORDINAL.match(word)
    return m.group(1) if m and word[0].isdigit() else morph.lemma(word)


def _split_canonical(name: str) -> tuple[str, str]:
    words = fold(name).split()
    kinds = [w for w in words if w in _TYPE_FORMS]
    core = " ".join(w for w in words if w not in _TYPE_FORMS)
    return (kinds[0] if kinds else ""), core


def _city_stem(city: str) -> str:
    folded = fold(city)
    return folded[:-2] if len(folded) > 6 else folded


@per_catalog
def street_index(catalog: Catalog) -> StreetIndex:
    """The coverage list's streets, keyed by the lemmas of their name words."""
    streets: list[Street] = []
    keys: list[tuple[str, ...]] = []
    by_key: dict[tuple[str, ...], list[Street]] = {}
    for row in catalog.coverage.rows:
        kind, core = _split_canonical(row.street)
        street = Street(row.city, row.street, kind, core)
        if street in streets:
            continue
        streets.append(street)
        key = tuple(_word_key(w) for w in _NAME_WORD.findall(core))
        keys.append(key)
        for variant in set(permutations(key)):
            by_key.setdefault(variant, []).append(street)
    by_tail: dict[tuple[str, ...], list[Street]] = {}
    for street, key in zip(streets, keys, strict=True):
        for n in range(1, len(key)):
            tail = key[n:]
            if tail not in by_key and not all(w.isdigit() for w in tail):
                by_tail.setdefault(tail, []).append(street)
    cities = {_city_stem(c): c for c in [catalog.default_city, *catalog.coverage.cities()]}
    return StreetIndex(
        streets=streets,
        by_key=by_key,
        by_tail=by_tail,
        cores=[s.core for s in streets],
        core_keys=[" ".join(_word_key(w) for w in _NAME_WORD.findall(s.core)) for s in streets],
        cities=cities,
        max_words=max((len(k) for k in by_key), default=1),
        prefixes=frozenset(_prefix(w) for s in streets for w in _NAME_WORD.findall(s.core)),
        city_words=re.compile(r"(?<![\w-])(?:" + alternation(cities) + r")[а-яa-z-]*"),
    )


def _prefix(word: str) -> str:
    m = _ORDINAL.match(word)
    return m.group(1) if m and word[0].isdigit() else word[:3]


# -- pieces ------------------------------------------------------------------------------
class _Word(NamedTuple):  # a tuple: thousands are made per long message, and cheaply
    text: str
    start: int
    end: int


@dataclass
class _Mention:
    start: int  # span of the street (with its type word) in the text
    end: int
    candidates: list[Street]
    written_kind: str
    written_name: str
    fuzzy: bool
    house: str | None = None
    flat: str | None = None
    house_end: int | None = None
    # `33/18`: a house 33/18 or house 33, flat 18? Or «14 или 16»: unsure of the house.
    unclear_house: bool = False


@dataclass
class FoundAddress:
    address: Address | None
    problems: list[Problem] = field(default_factory=list)
    doubtful: bool = False
    spans: list[tuple[int, int]] = field(default_factory=list)


def _house_from(m: re.Match[str]) -> tuple[str, str | None]:
    house = m.group("num")
    letter = m.group("lit") or m.group("lit2") or m.group("lit3")
    if letter:
        house += letter
    if m.group("slash"):
        house += "/" + m.group("slash")
    if m.group("bld"):
        house += (" стр" if m.group("bkind").startswith("стр") else " к") + m.group("bld")
    return house, m.group("flat")


_NOT_THE_HOUSE = re.compile(
    r"(?:(?<![\w-])(?:кв|квартира|офис|оф|подъезд|этаж)\.?|(?<![\w-])не)\s*(?:дом\s*)?$"
)


# «квартира не 18, а 81»: both numbers are flats.
_FLAT_CORRECTION = re.compile(
    r"(?<![\w-])" + _FLAT_WORD + r"\.?\s*не\s+\d{1,4}[\s,]*(?:а|на)\s+\d{1,4}"
)


def parse_house(s: str) -> tuple[str, str | None] | None:
    """House and flat from an answer to "какой дом?": `15а`, `дом 15 кв 3`, `5-12`, `15 к2`.

    Returns (house, flat or None), or None when no house number is there (`кв 3` alone).
    """
    text = _FLAT_CORRECTION.sub(lambda m: " " * len(m.group()), _with_digits(fold(s)))
    for m in islice(_HOUSE_ANYWHERE.finditer(text), MOST_MATCHES):
        before = text[max(0, m.start() - _MOST_WORD) : m.start()]
        # a number right after a flat word is the flat, not the house; «не 60, а 66»: not 60
        if _NOT_THE_HOUSE.search(before):
            continue
        return _house_from(m)
    return None


def _with_digits(text: str) -> str:
    """Numbers in words as digits, the text keeping its length (offsets stay valid):
    «дом тридцать три» → «дом 33», «седьмой гвардейской» → «7-й гвардейской»,
    «тридцатилетия победы» → «30-летия победы» (the number set against its word's tail)."""
    out: list[str] = []
    pos = 0
    for n in find_numbers(text):
        width = n.end - n.start
        if n.kind == "prefix":
            digits = f"{n.value}-".rjust(width)
        else:
            digits = (f"{n.value}-й" if n.ordinal else str(n.value)).ljust(width)
        if len(digits) > width:
            continue
        out += [text[pos : n.start], digits]
        pos = n.end
    out.append(text[pos:])
    return "".join(out)


def _words(text: str, pos: int = 0, most: int | None = None) -> list[_Word]:
    found = islice(_NAME_WORD.finditer(text, pos), most)
    return [_Word(m.group(), m.start(), m.end()) for m in found]


def _gap(text: str, a: int, b: int, allowed: str = " ,.-") -> bool:
    """Only separators between a and b."""
    return all(c in allowed for c in text[a:b])


class _Types(list[re.Match[str]]):
    """The street type words of a message (the first `MOST_MATCHES`), with the lookups the
    reader makes for every word done in constant or logarithmic time."""

    def __init__(self, text: str) -> None:
        super().__init__(islice(_TYPE_RE.finditer(text), MOST_MATCHES))
        self.covered = {i for t in self for i in range(t.start(), t.end())}
        self.ends = [t.end() for t in self]


def _type_before(text: str, types: _Types, start: int) -> re.Match[str] | None:
    """The type word right before `start` (only separators between)."""
    i = bisect_right(types.ends, start) - 1
    t = types[i] if i >= 0 else None
    return t if t is not None and _gap(text, t.end(), start) else None


def _type_after(text: str, types: _Types, end: int) -> re.Match[str] | None:
    t = next((t for t in types if t.start() >= end), None)  # at most MOST_MATCHES
    return t if t is not None and _gap(text, end, t.start()) else None


def _in_types(types: _Types, w: _Word) -> bool:
    return w.start in types.covered


def _fuzzy(index: StreetIndex, surface: str, key: str) -> list[Street]:
    if len(surface.replace(" ", "")) < 5:
        return []
    by_surface = process.extractOne(surface, index.cores, scorer=fuzz.ratio, score_cutoff=82)
    by_key = process.extractOne(key, index.core_keys, scorer=fuzz.ratio, score_cutoff=85)
    best = max((m for m in (by_surface, by_key) if m), key=lambda m: m[1], default=None)
    if best is None:
        return []
    core = index.streets[best[2]].core
    return [s for s in index.streets if s.core == core]


def _windows(
    words: list[_Word], i: int, text: str, types: _Types, most: int
) -> Iterator[tuple[int, list[_Word]]]:
    """Candidate street names starting at word i: 1..most plain words, longest first, each
    with the index of its last word."""
    for n in range(min(most, len(words) - i), 0, -1):
        window = words[i : i + n]
        if any(_in_types(types, w) or w.text in _NOT_NAME for w in window):
            continue
        if not all(_gap(text, a.end, b.start, " -") for a, b in pairwise(window)):
            continue
        if window[-1].text.isdigit():  # "ленина 5": the number is the house
            continue
        yield i + n - 1, window


class _StreetReader:
    """Finds the coverage streets named in a text, in time linear in its words: what each
    word needs (a type word before it, a house after it) is worked out once, and the fuzzy
    lookups, the costly part, are limited to `MOST_MATCHES` per message."""

    def __init__(self, text: str, types: _Types, index: StreetIndex) -> None:
        self.text, self.types, self.index = text, types, index
        self.words = _words(text)
        # A house right after the word, or after a type word that follows it («Университетсктй
        # проспект 88»: the name misspelt, the type after it).
        self.house_after = [bool(_HOUSE_AFTER.match(text, w.end)) or self._typed_house(w.end)
                            for w in self.words]
        self.fuzzy_left = MOST_MATCHES

    def _typed_house(self, end: int) -> bool:
        t = _type_after(self.text, self.types, end)
        return t is not None and bool(_HOUSE_AFTER.match(self.text, t.end()))

    def mention_at(self, i: int) -> _Mention | None:
        """The coverage street named from word i: by the lemmas of its words, else (next to
        a type word or a house number only, so ordinary words are not bent into streets)
        fuzzily."""
        text, words, index = self.text, self.words, self.index
        most = index.max_words
        if _prefix(words[i].text) in index.prefixes:
            for _, window in _windows(words, i, text, self.types, most):
                if any(_prefix(w.text) not in index.prefixes for w in window):
                    continue
                key = tuple(_word_key(w.text) for w in window)
                if key in index.by_key:
                    start, end = window[0].start, window[-1].end
                    return _Mention(start, end, index.by_key[key], "", text[start:end], False)
            for _, window in _windows(words, i, text, self.types, most):
                key = tuple(_word_key(w.text) for w in window)
                if key in index.by_tail and self._hinted(i, i + len(window) - 1):
                    start, end = window[0].start, window[-1].end
                    return _Mention(start, end, index.by_tail[key], "", text[start:end], True)
        if words[i].text[0].isdigit() and _prefix(words[i].text) not in index.prefixes:
            return None  # no street of the list starts with this number
        typed = _type_before(text, self.types, words[i].start) is not None
        if not typed and not any(self.house_after[i : i + most]):
            return None
        if words[i].text in FILLERS:
            return None
        for last, window in _windows(words, i, text, self.types, most):
            if not (typed or self.house_after[last]) or self.fuzzy_left <= 0:
                continue
            start, end = window[0].start, window[-1].end
            self.fuzzy_left -= 1
            lemmas = " ".join(_word_key(w.text) for w in window)
            candidates = _fuzzy(index, text[start:end], lemmas)
            if candidates:
                return _Mention(start, end, candidates, "", text[start:end], True)
        return None

    def _hinted(self, first: int, last: int) -> bool:
        """A type word before word `first` or a house after word `last`."""
        typed = _type_before(self.text, self.types, self.words[first].start) is not None
        return typed or self.house_after[last]

    def mentions(self) -> list[_Mention]:
        """Coverage streets named in the text, longest name first, without overlaps."""
        found: list[_Mention] = []
        starts = [w.start for w in self.words]
        i = 0
        while i < len(self.words) and len(found) < MOST_MATCHES:
            hit = self.mention_at(i)
            if hit is None:
                i += 1
                continue
            found.append(hit)
            i = bisect_left(starts, hit.end)
        return found


def _next_to(text: str, t: re.Match[str], m: _Mention) -> bool:
    """The type word belongs to mention m: right before or right after it."""
    if m.start <= t.start() < m.end:
        return True
    if t.end() <= m.start:
        return _gap(text, t.end(), m.start)
    return m.end <= t.start() and _gap(text, m.end, t.start())


def _unknown_mentions(text: str, types: _Types, taken: list[_Mention]) -> list[_Mention]:
    """`ул. Пушкина 5`: a type word and a name that is not in the coverage list."""
    out: list[_Mention] = []
    for t in types:
        if any(_next_to(text, t, m) for m in taken):
            continue
        after = _words(text, t.end(), 3)
        name: list[_Word] = []
        for w in after:
            if w.text in _NOT_NAME or (w.text[0].isdigit() and not _ORDINAL.match(w.text)):
                break
            if name and not _gap(text, name[-1].end, w.start, " -"):
                break
            name.append(w)
            if _HOUSE_AFTER.match(text, w.end):
                break
        letters = [w for w in name if not w.text[0].isdigit()]
        kind = _TYPE_OF[t.group("t")]
        if letters:
            end = name[-1].end
            written = text[name[0].start : end]
            out.append(_Mention(t.start(), end, [], kind, written, False))
            continue
        # "на Пушкинской улице 7": an adjective name before its type word
        reach = max(0, t.start() - _MOST_WORD)  # the word right before, not the whole text
        before = _words(text[reach : t.start()])
        prev = (
            _Word(before[-1].text, before[-1].start + reach, before[-1].end + reach)
            if before
            else None
        )
        if (
            prev is not None
            and prev.text not in _NOT_NAME
            and _gap(text, prev.end, t.start())
            and _adjective(prev.text) is not None
        ):
            out.append(_Mention(prev.start, t.end(), [], kind, prev.text, False))
    return out


def _announced_mentions(text: str, taken: list[_Mention], expect: Expect | None) -> list[_Mention]:
    """`адрес: Тверская 7`, `живу на Садовой 3`: no type word, but announced as an address."""
    out: list[_Mention] = []
    found = list(islice(_ANNOUNCED.finditer(text), MOST_MATCHES))
    if expect == "address":
        found += list(_ANSWERED.finditer(text))
    for m in found:
        if any(t.start <= m.start("name") < t.end for t in taken):
            continue
        words = m.group("name").split()
        if any(w in _NOT_NAME or w in _TYPE_OF for w in words):
            continue
        out.append(_Mention(m.start("name"), m.end("name"), [], "", m.group("name"), True))
    return out


def _city_mentions(text: str, index: StreetIndex) -> list[tuple[int, int, str]]:
    """Cities named in the text: coverage cities in any case form, `г. X`, `в <city>`."""
    found: list[tuple[int, int, str]] = []
    for m in islice(index.city_words.finditer(text), MOST_MATCHES):
        if _REGION.match(text, m.end()):
            continue  # «Волгоградская обл.» is the region, not the city
        if city := _our_city(m.group(), index):
            found.append((m.start(), m.end(), city))
    for rx in (_CITY_MARK, _CITY_PREP):
        for m in islice(rx.finditer(text), MOST_MATCHES):
            word = m.group("w")
            if word in FILLERS or any(a <= m.start("w") < b for a, b, _ in found):
                continue
            geox = [p for p in morph.parses(word) if "Geox" in p.tag and p.score >= 0.25]
            if rx is _CITY_PREP and not geox:
                continue
            city = geox[0].normal_form if geox else word
            found.append((m.start(), m.end(), "-".join(p.capitalize() for p in city.split("-"))))
    return sorted(found)


def _title(words: str) -> str:
    return " ".join(
        "-".join(p if p[:1].isdigit() else p.capitalize() for p in w.split("-"))
        for w in words.split()
    )


def _adjective(word: str) -> Parse | None:
    """A likely adjective reading (`тверская`, `садовой`), not a rare one (`ленина`)."""
    return next((p for p in morph.parses(word) if "ADJF" in p.tag and p.score >= 0.3), None)


def _written_street(kind: str, name: str) -> str:
    """A street outside the list, normalised: `на пушкинской улице` → `Пушкинская улица`."""
    kind = kind or "улица"
    words = name.split()
    last = words[-1] if words else ""
    adjective = _adjective(last) if last else None
    if adjective is not None and len(words) == 1:
        gender = _TYPE_GENDER.get(kind, "masc")
        form = adjective.inflect({"nomn", "sing", gender})
        word = form.word if form else last
        return f"{_title(word)} {kind}"
    return f"{kind} {_title(name)}"


def _pick(candidates: list[Street], city: str, kind: str) -> tuple[Street | None, bool]:
    """The street in `city` (else anywhere: the list's spelling), and whether that is doubtful."""
    key = fold(city)
    here = [s for s in candidates if fold(s.city) == key]
    pool = here or candidates
    fitting = [s for s in pool if not kind or s.kind == kind]
    chosen = (fitting or pool)[0] if pool else None
    doubtful = not here or (bool(kind) and not fitting)
    return chosen, doubtful


def _complete(m: _Mention, text: str, types: _Types) -> None:
    """Attach to a mention its type word (before or after it) and its house and flat."""
    if m.candidates:
        if (before := _type_before(text, types, m.start)) is not None:
            m.written_kind, m.start = _TYPE_OF[before.group("t")], before.start()
        elif (after := _type_after(text, types, m.end)) is not None:
            m.written_kind, m.end = _TYPE_OF[after.group("t")], after.end()
    if house := _HOUSE_AFTER.match(text, m.end):
        m.house, m.flat = _house_from(house)
        m.house_end = house.end()
        if m.flat is None and (later := _FLAT_LATER.match(text, house.end())):
            m.flat, m.house_end = later.group("flat"), later.end()
        hedged = _HEDGE.search(text[house.end() : house.end() + _HEDGE_REACH])
        # «д. 7/18» is as often house 7, flat 18 as the corner house 7/18: always read back
        m.unclear_house = bool(house.group("slash")) or hedged is not None
    elif house := _HOUSE_BEFORE.search(text, max(0, m.start - _MOST_HOUSE), m.start):
        m.house, m.flat = _house_from(house)
        m.start = house.start()


def _is_address(m: _Mention, text: str, expect: Expect | None, index: StreetIndex) -> bool:
    """Something says this street is an address, even without a house number: a type word,
    the question, `адрес`/`живу на`, `дом` after it, or (for a street of the list) `по`
    before it or one of our cities after it («по Карбышева в Волжском»)."""
    known = bool(m.candidates) and not m.fuzzy
    return bool(
        m.written_kind
        or expect == "address"
        or _TRIGGER.search(text[max(0, m.start - 30) : m.start])
        or _HOUSE_WORD.match(text, m.end)
        or (
            known
            and _ALONG.search(text, max(0, m.start - 8), m.start)
            and not _FOR_PERSON.search(text, max(0, m.start - 20), m.start)
        )
        or (known and (city := _CITY_AFTER.match(text, m.end)) and _our_city(city["w"], index))
    )


def _our_city(word: str, index: StreetIndex) -> str | None:
    return next((city for stem, city in index.cities.items() if word.startswith(stem)), None)


def _street_name(m: _Mention, city: str, index: StreetIndex) -> tuple[str, list[Problem], bool]:
    """The street's name, problems (`unknown_street`) and whether the match is doubtful."""
    if not m.candidates:
        name = _written_street(m.written_kind, m.written_name)
        return name, [Problem(slot="address", code="unknown_street", value=name)], m.fuzzy
    street, unsure = _pick(m.candidates, city, m.written_kind)
    assert street is not None  # candidates is not empty
    name, doubtful = street.name, m.fuzzy or unsure
    if fold(city) not in {fold(c) for c in index.cities.values()}:
        # a city outside the list: its street as written, not our city's spelling
        name, doubtful = _written_street(m.written_kind, m.written_name), m.fuzzy
    problems = []
    if fold(street.city) != fold(city):
        problems.append(Problem(slot="address", code="unknown_street", value=name))
    return name, problems, doubtful


def find_address(text: str, catalog: Catalog, expect: Expect | None = None,
                 city: str | None = None) -> FoundAddress:
    """The first address in `text` (folded, phones and emails masked); `city` is the one
    named earlier in the conversation, for an address written without a city.

    A street with no house gives no address but a `no_house` problem whose `value` is the
    street and `options` its city, so the step can ask for the house and combine the answer
    (`parse_house`) with them.
    """
    index = street_index(catalog)
    text = _with_digits(text)
    types = _Types(text)
    known = _StreetReader(text, types, index).mentions()
    typed = known + _unknown_mentions(text, types, known)
    mentions = sorted(typed + _announced_mentions(text, typed, expect), key=lambda m: m.start)
    for m in mentions:
        _complete(m, text, types)
    chosen = next((m for m in mentions if m.house), None) or next(
        (m for m in mentions if _is_address(m, text, expect, index)), None
    )
    cities = _city_mentions(text, index)
    if chosen is None:
        return _city_alone(cities, index)

    city_hit = next(iter(cities), None)
    served_in = {s.city for s in chosen.candidates}
    # A city named earlier in the conversation is the address's city when the street is
    # there (or is not in our list at all); when it is not, the address is read back.
    earlier = city if city and (not served_in or fold(city) in map(fold, served_in)) else None
    other_than_said = city_hit is None and city is not None and earlier is None
    city = city_hit[2] if city_hit else earlier or catalog.default_city
    # No city named: a street only another of our cities has is read back in that city
    # («Карбышева» is Волжский's — unless it is a street of the default city we do not serve);
    # a street several have («Ленина») is in the default city.
    elsewhere = (city_hit is None and earlier is None and len(served_in) == 1
                 and fold(city) not in map(fold, served_in))
    if elsewhere:
        city = next(iter(served_in))
    spans = [(chosen.start, chosen.house_end or chosen.end)]
    if city_hit:
        spans.append((city_hit[0], city_hit[1]))
    name, problems, doubtful = _street_name(chosen, city, index)
    doubtful = doubtful or chosen.unclear_house or elsewhere or other_than_said
    if chosen.house is None:
        problems.insert(0, Problem(slot="address", code="no_house", value=name, options=[city]))
        return FoundAddress(None, problems, doubtful, spans)
    address = Address(city=city, street=name, house=chosen.house, flat=chosen.flat)
    return FoundAddress(address, problems, doubtful, spans)


def _city_alone(cities: list[tuple[int, int, str]], index: StreetIndex) -> FoundAddress:
    """«Хочу интернет в Москве»: a city we do not serve, named without a street, is reported
    (`no_street`, the city in `options`) so the customer hears at once that it is outside
    coverage; one of our cities alone (`city_only`) is remembered for the address."""
    ours = {fold(c) for c in index.cities.values()}
    for start, end, city in cities:
        code = "city_only" if fold(city) in ours else "no_street"
        problem = Problem(slot="address", code=code, value=city, options=[city])
        return FoundAddress(None, [problem], False, [(start, end)])
    return FoundAddress(None)


def match_street(s: str, catalog: Catalog, city: str | None = None) -> str | None:
    """The coverage list's canonical name for a street written any way, or None.

    `city` limits the match to that city's streets (default: any city in the list).
    """
    index = street_index(catalog)
    text = _with_digits(fold(s))
    types = _Types(text)
    mentions = _StreetReader(text, types, index).mentions()
    if not mentions:
        words = [w for w in _words(text) if not _in_types(types, w)]
        if not words:
            return None
        surface = text[words[0].start : words[-1].end]
        key = " ".join(_word_key(w.text) for w in words)
        candidates = _fuzzy(index, surface, key)
    else:
        candidates = mentions[0].candidates
    if city is not None:
        candidates = [c for c in candidates if fold(c.city) == fold(city)]
    kind = _TYPE_OF[types[0].group("t")] if types else ""
    street, _ = _pick(candidates, city or catalog.default_city, kind)
    return street.name if street else None
