"""Tariffs and the home/office segment: names, parts of names, typos, speeds and prices.

Evidence from the name (`премиум`, `безлимитеще`, `офисный старт`), the speed (`250 мегабит`)
and the price (`за 1290`) is intersected; what is still ambiguous is narrowed by the segment
the customer named (`для офиса`), and otherwise reported with the candidates. Name words are
compared whole, by lemma, by prefix or with rapidfuzz, so `оптимальный` (home) and `оптимум`
(office) never meet, while `оптим` alone is reported as ambiguous between them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice

from rapidfuzz import fuzz

from aida.catalog import Catalog, Tariff
from aida.domain import Segment
from aida.nlu import morph
from aida.nlu.cache import per_catalog
from aida.nlu.text import MOST_MATCHES, NUMBER, fold, in_sorted_spans, merged, numerals
from aida.understanding.types import Expect, Problem

# Segment phrases; the "домашний/офисный интернет" forms also keep a tariff word from being
# read as a tariff name ("хочу домашний интернет" is about the segment).
_SEGMENT_PHRASES: list[tuple[Segment, re.Pattern[str]]] = [
    (
        "home",
        re.compile(
            r"(?<![\w-])(?:для\s+дома|домой|в\s+квартиру|на\s+квартиру|для\s+квартиры|"
            r"частн\w+\s+дом\w*|в\s+(?:свой\s+)?дом(?![\w-])|для\s+семьи|для\s+себя|"
            r"физ\.?\s*лиц\w*|физлиц\w*|частн\w+\s+лиц\w*|"
            r"домашн\w*\s+(?:интернет|тариф|подключени|пользовани)\w*)"
        ),
    ),
    (
        "office",
        re.compile(
            r"(?<![\w-])(?:для\s+(?:офиса|бизнеса|компании|организации|фирмы|магазина|кафе|"
            r"салона|склада|предприятия|ип(?![\w-])|юр\w*)|в\s+офис\w*|на\s+офис\w*|"
            r"офисн\w*\s+(?:интернет|тариф|подключени)\w*|юр\.?\s*лиц\w*|юрлиц\w*|"
            r"юридическ\w+\s+лиц\w*|на\s+ип(?![\w-])|бизнес\w*|офис(?:а|е|у|ом)?(?![\w-]))"
        ),
    ),
]
_SPEED = re.compile(
    rf"(?P<n>{NUMBER})\s*(?:мбит\w*|мегабит\w*|мб/?с\w*|мб(?![\w])|mbit\w*|mbps|mb/?s|"
    r"мегов|мегабайт\w*|м/с)(?:\s*/\s*с(?:ек)?)?"
)
_GIGABIT = re.compile(r"(?<![\w-])(?:гигабит\w*|1\s*гб(?:ит)?(?:/с)?|гиг)(?![\w])")
_PRICE = re.compile(
    rf"(?:(?<![\w-])за\s+(?P<a>{NUMBER})(?:\s*(?:р|руб\w*|₽))?\.?"
    rf"|(?P<b>\d{{3,5}})\s*(?:р|руб\w*|₽)(?![\w]))"
)
# "тариф 500", "пакет на 250": a bare number next to the word tariff is a speed or a price.
_BARE = re.compile(r"(?<![\w-])(?:тариф\w*|пакет\w*)\s+(?:на\s+|за\s+)?(?P<n>\d{2,5})(?![\d\w])")
_WORD = re.compile(r"[а-яa-z]+")
# Clauses that ask rather than tell: "сколько стоит премиум?" is not a choice.
QUESTION = re.compile(
    r"(?<![\w-])(?:сколько|как(?:ой|ая|ое|ие|ую|им|ого|ов)"
    # «купим какой подешевле», «какой-нибудь»: whichever, not a question
    r"(?![\s-]+(?:подешевле|дешевле|побыстрее|получше|попроще|нибудь|угодно|там))"
    r"|зачем|почему|ли|чем\s+отлича\w*|"
    r"в\s+чем\s+разниц\w*|что\s+(?:такое|входит|лучше))(?![\w-])"
)
_REQUEST = re.compile(
    r"(?<![\w-])(?:можно|давайте|подключите|подключить|хочу|хотим|хотел\w*|оформите|"
    r"запишите|поставьте|сможете|получится|удобно)(?![\w-])"
)
_CLAUSE = re.compile(r"[^.!?;\n]+[.!?;\n]*")
_NOT_TARIFF = re.compile(r"(?<![\w-])(?:домашн|офисн|рабоч|мобильн)\w*\s+(?:телефон|номер|адрес)\w*")
# A number right after a tariff name: "премиум 250", "офисный на 100", "домашний за 1090".
_AFTER_NAME = re.compile(r"\s*(?:(?:на|за)\s*)?(?P<n>\d{2,5})(?![\d\w])")
_GENERIC_SHARE = 0.5  # a word in more than half of the names ("пакет") says nothing


_RULED_OUT = re.compile(
    r"(?<![\w-])(?:вместо|кроме|не)\s+(?:(?:пакет|тариф)\w*\s+)?[а-яa-z]+(?:\s+\d{2,5}(?!\d))?"
)
_SEGMENT_WORD = re.compile(
    r"\W*(?P<word>(?P<home>домашн\w*)|офисн\w*)(?:\s+(?:пожалуйста|конечно|наверное))?"
    # «домашний, в квартиру»: the word with where it goes is still the segment
    r"(?:\W+(?:в|для|на)\s+(?:квартир\w*|дом\w*|офис\w*|работ\w*|семь\w*))?\W*"
)


# Short answers to «для дома или для офиса?»: «дом», «к себе», «магазин», «для работы».
_SEGMENT_ANSWERS: list[tuple[Segment, re.Pattern[str]]] = [
    (
        "home",
        re.compile(
            r"(?<![\w-])(?:дом|дома|на\s+дом|к\s+себе|себе|квартир\w*|кв|комнат\w*|общаг\w*|"
            r"общежити\w*|дач\w*|семь[яеи]|для\s+(?:внук\w*|детей|сына|дочки|мамы|родителей)|"
            r"личн\w*|частн\w*)(?![\w-])"
        ),
    ),
    (
        "office",
        re.compile(
            # («работаю из дома» is home: the office words but not a work done at home)
            r"(?<![\w-])(?:работ\w*(?!\s+(?:из\s+)?дом\w*)(?!\s+удал[её]нн?о)|магазин\w*|кафе|"
            r"салон\w*|фирм\w*|организаци\w*|"
            r"компани\w*|предприяти\w*|склад\w*|клиник\w*|аптек\w*|бизнес\w*|ип|ооо|"
            r"контор\w*|точк[аиуе]|ларе?к\w*|ларьк\w*|киоск\w*|павильон\w*|пекарн\w*|"
            r"кофейн\w*|ресторан\w*|столов\w*|мастерск\w*|торгов\w*|производств\w*|цех\w*|"
            r"автосервис\w*|стоматолог\w*|парикмахерск\w*|шаурм\w*|ателье|бутик\w*)(?![\w-])"
        ),
    ),
]


def _segment_answer(text: str) -> tuple[Segment | None, list[tuple[int, int]]]:
    """The segment in a short answer to the segment question; None when both are named."""
    hits = [
        (segment, m.span())
        for segment, rx in _SEGMENT_ANSWERS
        for m in islice(rx.finditer(text), MOST_MATCHES)
    ]
    segments = {segment for segment, _ in hits}
    if len(segments) != 1:
        return None, []
    return segments.pop(), [span for _, span in hits]


def question_spans(text: str) -> list[tuple[int, int]]:
    """Sentences of `text` that ask something (their slots are questions, not answers).

    A sentence with a question word asks; one that only ends with "?" asks unless it is a
    request ("можно мастера в пятницу?", "подключите премиум?").
    """
    return [
        (m.start(), m.end())
        for m in _CLAUSE.finditer(text)
        if QUESTION.search(m.group())
        or (m.group().rstrip().endswith("?") and not _REQUEST.search(m.group()))
    ]


# Words whose evidence is remembered per catalog: the words customers use recur, and each
# costs a fuzzy comparison with every name word; the cap bounds what random words can fill.
EVIDENCE_MEMO = 20_000


@dataclass
class TariffIndex:
    tariffs: list[Tariff]
    words: dict[str, list[str]]  # folded name word → tariff names containing it
    evidence: dict[str, tuple[frozenset[str], bool]] = field(default_factory=dict)


@per_catalog
def tariff_index(catalog: Catalog) -> TariffIndex:
    counts: Counter[str] = Counter()
    for t in catalog.tariffs:
        counts.update(set(_WORD.findall(fold(t.name))))
    words: dict[str, list[str]] = {}
    for t in catalog.tariffs:
        for w in dict.fromkeys(_WORD.findall(fold(t.name))):
            if counts[w] == 1 or counts[w] <= len(catalog.tariffs) * _GENERIC_SHARE:
                words.setdefault(w, []).append(t.name)
    return TariffIndex(list(catalog.tariffs), words)


def _word_matches(token: str, word: str) -> bool:
    if token == word:
        return True
    if len(token) < 4:
        return False
    if morph.lemma(token) == morph.lemma(word):
        return True
    if len(token) >= 5 and (word.startswith(token) or (len(word) >= 5 and token.startswith(word))):
        return True
    return len(token) >= 5 and abs(len(token) - len(word)) <= 2 and fuzz.ratio(token, word) >= 82


@dataclass
class FoundTariff:
    tariff: str | None = None
    segment: Segment | None = None
    problems: list[Problem] = field(default_factory=list)
    doubtful: bool = False
    spans: list[tuple[int, int]] = field(default_factory=list)


def find_segment(text: str) -> tuple[Segment | None, list[tuple[int, int]]]:
    """The segment named in `text` (the first phrase wins) and the phrases' spans."""
    hits: list[tuple[int, int, Segment]] = []
    for segment, rx in _SEGMENT_PHRASES:
        hits += [(m.start(), m.end(), segment) for m in rx.finditer(text)]
    hits.sort()
    return (hits[0][2] if hits else None), [(a, b) for a, b, _ in hits]


def _name_evidence(
    text: str, index: TariffIndex, skip: list[tuple[int, int]]
) -> tuple[set[str] | None, bool, list[tuple[int, int]]]:
    """Tariffs the name words point to (intersected), whether by a fuzzy match, spans."""
    result: set[str] | None = None
    union: set[str] = set()
    fuzzy = False
    spans: list[tuple[int, int]] = []
    skip = merged(skip)
    for m in _WORD.finditer(text):
        if in_sorted_spans(m.start(), skip):
            continue
        token = m.group()
        hit, by_fuzz = _token_evidence(token, index)
        fuzzy = fuzzy or by_fuzz
        if not hit:
            continue
        spans.append(m.span())
        union |= hit
        result = set(hit) if result is None else result & hit
    if result is not None and not result:
        result = union  # two different tariffs named: ambiguous between them
    return result, fuzzy, spans


def _token_evidence(token: str, index: TariffIndex) -> tuple[frozenset[str], bool]:
    """The tariffs one word of the message names, and whether only by a fuzzy match."""
    known = index.evidence.get(token)
    if known is not None:
        return known
    hit: set[str] = set()
    fuzzy = False
    for word, names in index.words.items():
        if _word_matches(token, word):
            hit.update(names)
            fuzzy = fuzzy or (token != word and morph.lemma(token) != morph.lemma(word))
    found = frozenset(hit), fuzzy
    if len(index.evidence) < EVIDENCE_MEMO:
        index.evidence[token] = found
    return found


@dataclass
class _Evidence:
    """What the message says about the tariff: sets of tariff names each clue allows."""

    sets: list[set[str]] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def add(self, names: set[str], span: tuple[int, int]) -> None:
        if names:
            self.sets.append(names)
            self.spans.append(span)

    def covers(self, pos: int) -> bool:
        return in_sorted_spans(pos, merged(self.spans))


def _number_evidence(
    text: str, index: TariffIndex, questions: list[tuple[int, int]], names_end: list[int]
) -> _Evidence:
    """Speeds (`250 мегабит`), prices (`за 1290`) and numbers after a name or `тариф`."""
    ev = _Evidence()

    def having(n: int, *, speed: bool = True, price: bool = True) -> set[str]:
        return {
            t.name
            for t in index.tariffs
            if (speed and t.speed_mbps == n) or (price and t.price == n)
        }

    for end in names_end[:MOST_MATCHES]:
        if m := _AFTER_NAME.match(text, end):
            ev.add(having(int(m.group("n"))), m.span())
    for m in islice(_SPEED.finditer(text), MOST_MATCHES):
        if in_sorted_spans(m.start(), questions):
            continue
        speed = int(m.group("n"))
        if names := having(speed, price=False):
            ev.add(names, m.span())
        else:
            ev.spans.append(m.span())
            ev.problems.append(Problem(slot="tariff", code="not_in_catalog", value=str(speed)))
    for m in islice(_GIGABIT.finditer(text), MOST_MATCHES):
        if not in_sorted_spans(m.start(), questions):
            ev.spans.append(m.span())
            ev.problems.append(Problem(slot="tariff", code="not_in_catalog", value="1000"))
    for m in islice(_PRICE.finditer(text), MOST_MATCHES):
        if not in_sorted_spans(m.start(), questions):
            ev.add(having(int(m.group("a") or m.group("b")), speed=False), m.span())
    for m in islice(_BARE.finditer(text), MOST_MATCHES):
        if not in_sorted_spans(m.start(), questions) and not ev.covers(m.start("n")):
            ev.add(having(int(m.group("n"))), m.span())
    return ev


def find_tariff(text: str, catalog: Catalog, expect: Expect | None = None) -> FoundTariff:
    """The tariff (and segment) in `text` (folded, contact and address masked).

    After «для дома или для офиса?» (`expect="segment"`) a lone «домашний» or «офисный» is the
    answer (the segment), not the tariff of that name.
    """
    index = tariff_index(catalog)
    text = numerals(text)
    found = FoundTariff()
    found.segment, segment_spans = find_segment(text)
    if expect == "segment" and (alone := _SEGMENT_WORD.fullmatch(text)):
        found.segment = "home" if alone.group("home") else "office"
        found.spans = [alone.span("word")]
        return found
    if expect == "segment" and found.segment is None:
        found.segment, answer_spans = _segment_answer(text)
        segment_spans += answer_spans
    questions = question_spans(text)
    # «Премиум вместо Оптимального», «не оптимальный, а премиум»: the tariff ruled out
    ruled_out = [m.span() for m in islice(_RULED_OUT.finditer(text), MOST_MATCHES)]
    # «на домашний телефон»: the phone's kind, not the tariff
    not_tariffs = [m.span() for m in islice(_NOT_TARIFF.finditer(text), MOST_MATCHES)]
    skip = segment_spans + questions + ruled_out + not_tariffs
    by_name, found.doubtful, name_spans = _name_evidence(text, index, skip)
    ev = _number_evidence(text, index, questions, [end for _, end in name_spans])
    evidence = ([by_name] if by_name else []) + ev.sets
    found.spans = name_spans + ev.spans + segment_spans
    found.problems = ev.problems
    if not evidence:
        return found

    candidates = set.intersection(*evidence)
    if not candidates:
        # The name and the number disagree ("домашний 500"): the name is what was meant.
        candidates = evidence[0] if by_name else set.union(*evidence)
        found.doubtful = True
    if len(candidates) > 1 and found.segment:
        narrowed = {n for n in candidates if _segment_of(index, n) == found.segment}
        candidates = narrowed or candidates
    ordered = [t.name for t in index.tariffs if t.name in candidates]
    if len(ordered) == 1:
        found.tariff = ordered[0]
        found.segment = found.segment or _segment_of(index, ordered[0])
        found.problems = []  # a speed we lack, said next to a tariff we have, is not a problem
    else:
        found.problems.append(Problem(slot="tariff", code="ambiguous", options=ordered))
        segments = {_segment_of(index, n) for n in ordered}
        if found.segment is None and len(segments) == 1:
            found.segment = segments.pop()
    return found


def _segment_of(index: TariffIndex, name: str) -> Segment:
    return next(t.segment for t in index.tariffs if t.name == name)


def match_tariff(s: str, catalog: Catalog) -> str | None:
    """The canonical name of the one tariff `s` names (`премиум`, `Пакет Офисный СТАРТ`,
    `250 мегабит`, `безлимитеще`), or None when it names none or several."""
    return find_tariff(fold(s), catalog).tariff
