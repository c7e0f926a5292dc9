"""Extras: the router option, the number of CCTV cameras, the static IP.

Customers answer several at once and with negation: "камеры не надо, а IP нужен", "роутер
у нас свой", "пару камер", "без IP". Each object word (роутер, камеры, IP) takes the
predicates nearest to it in its sentence, those of its own clause (between commas) first:
`не нужны`, `без`, `куплю`, `свой`, a count. When a predicate sits exactly between two
objects, the one it agrees with (`нужен`/`нужны`) or the one before it gets it. Sentences
that ask (`сколько стоит камера?`) are not answers.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import islice

from aida.catalog import Catalog
from aida.domain import RouterOption
from aida.nlu.tariff import question_spans
from aida.nlu.text import (
    MOST_MATCHES,
    NUMBER,
    Token,
    any_of,
    in_sorted_spans,
    numerals,
    tokens,
)
from aida.understanding.types import Expect, Problem

_OBJECTS: dict[str, re.Pattern[str]] = {
    "router": re.compile(
        r"(?<![\w-])(?:wi-?fi\s+)?(?:роут\w*|раут\w*|ротер\w*|роутор\w*|маршрутизатор\w*|"
        r"router\w*|вай-?фай\w*|wi-?fi)"
    ),
    "cctv": re.compile(
        r"(?<![\w-])(?:видео\s*наблюдени\w*|видеонаблюдени\w*|видеокамер\w*|кам\w?[еркы]р\w*|"
        r"наблюдени\w*|видео(?![\w-])|cctv)"
    ),
    "ip": re.compile(
        r"(?<![\w-])(?:(?:статическ|статичн|постоянн|бел|выделенн|фиксированн|внешн|публичн)"
        r"\w*\s+(?:ip|айпи|ай[\s-]?пи|ип)(?:[\s-]*адрес\w*)?"
        r"|(?:статическ|статичн|бел|выделенн|фиксированн|внешн|публичн)\w*\s+адрес\w*"
        r"|ip(?:[\s-]*адрес\w*)?|айпи\w*|ай[\s-]пи\w*|ипишник\w*|статик(?:а|у|ой|и)?(?![\w-]))"
        r"(?![a-z])"
    ),
}
_NEG = re.compile(
    r"(?<![\w-])(?:не\s+(?:очень\s+)?(?:нужн\w*|надо|требу\w*|хочу|хотим|будем|буду|"
    r"интересу\w*|ставьте|ставить|подключайте|подключать|устанавливайте|стоит|"
    r"обязательно|планиру\w*|нуж\w*)|ненужн\w*|ненадо|нет|не|отказ\w*|откаж\w*|обойд\w*|"
    r"лишн\w*|убер\w*|убра\w*|убира\w*|отмени\w*|вычеркн\w*)(?![\w-])"
)
# "не хочу покупать", "не буду брать в аренду": the option after it is ruled out.
_OPTION_NEGATED = re.compile(
    r"(?<![\w-])не\s+(?:(?:хочу|хотим|буду|будем|надо|нужно|стоит|планирую|собираюсь)\s+)?"
    r"(?:брать\s+|взять\s+)?(?:в\s+|на\s+)?$"
)
# «аренду уберите», «покупку не надо»: the option before it is ruled out.
_OPTION_REMOVED = re.compile(r"\w*[\s,]+(?P<verb>убер\w*|убра\w*|отмени\w*|не\s+над\w*|"
                             r"не\s+нуж\w*)(?![\w-])")
_WITHOUT = re.compile(r"(?<![\w-])(?:без|ни)(?![\w-])")
# «без него»; not «без него никак» (it is needed)
_IT_AFTER = re.compile(r"\s+(?:него|нее|неё|них|этого|этой|этих)(?![\w-])"
                       r"(?![\s,]+(?:никак|нельзя|не\s+обой\w*|не\s+мо\w+|не\s+получится))")
_POS = re.compile(
    r"(?<![\w-])(?:нужн\w*|нуж[еа]н|надо|хочу|хотим|хотел\w*|давайте|добав\w*|подключ\w*|"
    r"постав\w*|установ\w*|требуется|возьм\w*|бер[уе]м?|интересу\w*|плюс|да)(?![\w-])"
)
_OPTIONS: list[tuple[RouterOption, re.Pattern[str]]] = [
    ("rent", re.compile(r"(?<![\w-])(?:аренд\w*|напрокат|прокат\w*)")),
    # «уже купили», «купил сам»: bought before, so the customer's own
    (
        "own",
        re.compile(r"(?<![\w-])(?:(?:уже\s+)?(?:купил\w*|приобрел\w*|покупал\w*)|брали)(?![\w-])"),
    ),
    (
        "buy",
        re.compile(
            r"(?<![\w-])(?:куп(?!ил)\w*|покуп(?!ал)\w*|приобр(?!ел)\w*|выкуп\w*|"
            r"в\s+собственность)"
        ),
    ),
    (
        "own",
        re.compile(
            r"(?<![\w-])(?:сво[йеяиюм]\w*|собственн\w*|имеется|имеются|"
            # «если есть» asks whether the shop has it: not the customer's own
            r"(?<!если\s)(?:уже\s+)?есть(?!\s+ли)(?![\w-]))"
        ),
    ),
    ("included", re.compile(r"(?<![\w-])(?:подар\w*)")),
]
# Whatever a message says of the extras it says of an object or an option: none, nothing to read.
_ANY_OBJECT_OR_OPTION = any_of([*_OBJECTS.values(), *(rx for _, rx in _OPTIONS)])
# «камер» as typed on a phone too: «камкру», «камееры» (as the object pattern reads them).
_CAMERA = r"(?:видео)?кам\w?[еркы]р"
_COUNT_BEFORE = re.compile(
    rf"(?:на\s+)?(?P<n>{NUMBER})(?:-?(?:х|ух|ти|ми|е))?\s*(?:шт\w*\.?\s*)?{_CAMERA}"
)
_COUNT_AFTER = re.compile(
    rf"(?:{_CAMERA}\w*|(?:видео)?наблюдени\w*)\s*(?:[:\-–,]\s*)?(?:(?:да|нужн\w*|надо)[\s,]+)?"
    rf"(?:на\s+)?(?P<n>{NUMBER})(?![\w-])(?:\s*шт\w*\.?)?"
)
# «камеры я всё-таки хочу, две штуки»: a count in pieces, anywhere in the cameras' sentence.
_PIECES = re.compile(rf"(?<![\w-])(?P<n>{NUMBER})\s*(?:шт\.?|штук\w*|штуч\w*)(?![\w-])")
_SINGULAR = re.compile(r"(?:видео)?камер(?:а|у|ой)$")
# The answer to "сколько камер?": «2», «парочку», «одной хватит», «четыре штуки», «давайте три».
_BARE_COUNT = re.compile(
    r"^\W*(?:(?:давайте|нужно|нужны|нужна|хочу|хотим|на|ну|наверное|думаю|пожалуй|пусть|"
    r"поставьте|ставьте|мне|нам|тогда|да)[\s,]+)*"
    rf"(?P<n>{NUMBER})"
    rf"(?:[\s,]*(?:шт\w*|штук\w*|{_CAMERA}\w*|хватит|достаточно|будет|нужно|надо|давайте|"
    r"пожалуйста|наверное|пока))*(?:[\s,]+(?:на|в|у|для|над|возле|около)\s+[^\d?]*)?"
    r"(?:,[^\d?]*)?\W*$"  # «4, двор смотреть»: why, after a comma
)
_ANY_COUNT = re.compile(rf"(?<![\w-])(?P<n>{NUMBER})(?![\w-])(?![.,:/]\d)")
# «статический ip тоже»: the object takes what was said about the one before it.
_TOO = re.compile(r"[\s,]*(?:тоже|также)(?![\w-])")
_LINK = re.compile(r"[\s,]*(?:(?:и|или|да\s+и|а\s+также|плюс)[\s,]*)?")
_BREAK_WORDS = frozenset({"а", "но", "зато", "однако"})
_SENTENCE_END = re.compile(r"[.;!?\n]")
# Predicate forms and the objects they agree with (to settle a tie between two objects).
_AGREES = {"нужен": ("router", "ip"), "нужна": ("cctv",), "нужны": ("cctv",), "нужно": ("cctv",)}


@dataclass
class _Object:
    kind: str
    first: int  # token indexes
    last: int
    surface: str
    sentence: int
    start: int  # characters
    end: int
    # (distance, positive, predicate word): the nearest predicate decides
    polarity: list[tuple[int, bool, str]] = field(default_factory=list)
    count: int | None = None


@dataclass
class FoundExtras:
    router: RouterOption | None = None
    cctv_cameras: int | None = None
    static_ip: bool | None = None
    problems: list[Problem] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks: list[Token] = tokens(text)
        self.starts = [t.start for t in self.toks]
        self.sentence_of: list[int] = []
        self.clause_of: list[int] = []  # commas split a sentence into clauses
        sentence = clause = 0
        for i, t in enumerate(self.toks):
            gap = text[self.toks[i - 1].end : t.start] if i else ""
            if i and (_SENTENCE_END.search(gap) or t.text in _BREAK_WORDS):
                sentence += 1
            if i and ("," in gap or _SENTENCE_END.search(gap) or t.text in _BREAK_WORDS):
                clause += 1
            self.sentence_of.append(sentence)
            self.clause_of.append(clause)

    def tok(self, pos: int) -> int:
        return max(0, bisect_right(self.starts, pos) - 1)

    def span(self, m: re.Match[str]) -> tuple[int, int]:
        return self.tok(m.start()), self.tok(max(m.start(), m.end() - 1))


def _distance(obj: _Object, first: int, last: int) -> int:
    if last < obj.first:
        return obj.first - last
    if first > obj.last:
        return first - obj.last
    return 0


def _nearest(r: _Reader, objs: list[_Object], first: int, last: int, word: str) -> _Object | None:
    """The object a predicate at tokens [first, last] belongs to: same clause, then nearest."""
    if not objs:
        return None

    def far(o: _Object) -> tuple[int, int]:
        return abs(r.clause_of[o.first] - r.clause_of[first]), _distance(o, first, last)

    best = min(far(o) for o in objs)
    tied = [o for o in objs if far(o) == best]
    agreeing = [o for o in tied if o.kind in _AGREES.get(word, ())]
    return (agreeing or tied)[0]


class _Extras:
    """One message being read for extras: its objects, then what is said about each."""

    def __init__(self, text: str, catalog: Catalog) -> None:
        self.text = text  # number words as digits (`numerals`)
        self.r = _Reader(self.text)
        self.questions = question_spans(self.text)
        self.catalog = catalog
        self.found = FoundExtras()
        self.objs: list[_Object] = []
        self.options: list[tuple[int, RouterOption]] = []
        self.option_negations: set[int] = set()  # where a "не" negates an option

    def _live(self, m: re.Match[str]) -> bool:
        """Not inside a question; a match that counts is masked for the later parsers."""
        if in_sorted_spans(m.start(), self.questions):
            return False
        self.found.spans.append(m.span())
        return True

    def _same_sentence(self, token: int) -> list[_Object]:
        return [o for o in self.objs if o.sentence == self.r.sentence_of[token]]

    def read_objects(self) -> None:
        for kind, rx in _OBJECTS.items():
            for m in rx.finditer(self.text):
                if len(self.objs) >= MOST_MATCHES:
                    break
                if not self._live(m):
                    continue
                first, last = self.r.span(m)
                # "видеонаблюдение на 2 камеры" is one object
                near = next(
                    (o for o in self.objs if o.kind == kind and 0 <= first - o.last <= 3), None
                )
                if near is not None:
                    near.last, near.end = last, m.end()
                else:
                    self.objs.append(
                        _Object(
                            kind,
                            first,
                            last,
                            m.group(),
                            self.r.sentence_of[first],
                            m.start(),
                            m.end(),
                        )
                    )
        self.objs.sort(key=lambda o: o.first)

    def read_options(self, expect: Expect | None) -> None:
        routers = any(o.kind == "router" for o in self.objs)
        for option, rx in _OPTIONS:
            for m in islice(rx.finditer(self.text), MOST_MATCHES):
                offset = max(0, m.start() - 40)
                negated = _OPTION_NEGATED.search(self.text[offset : m.start()])
                if negated:  # "не хочу покупать": this option is ruled out
                    self.option_negations.add(offset + negated.start())
                    continue
                if (removed := _OPTION_REMOVED.match(self.text, m.end())) is not None:
                    # «аренду уберите»: ruled out too, and the «уберите» is about the option
                    self.option_negations.add(removed.start("verb"))
                    continue
                # "камеры уже есть" is about the cameras: an option goes to its nearest object
                first, last = self.r.span(m)
                target = _nearest(self.r, self._same_sentence(first), first, last, "")
                ours = target.kind == "router" if target else routers or expect == "router"
                if ours and self._live(m):
                    self.options.append((m.start(), option))
        self.options.sort()

    def read_predicates(self) -> None:
        negations = list(islice(_NEG.finditer(self.text), MOST_MATCHES))
        positives = [
            m
            for m in islice(_POS.finditer(self.text), MOST_MATCHES)
            if not any(n.start() <= m.start() < n.end() for n in negations)
        ]
        for m, positive in [(m, False) for m in negations] + [(m, True) for m in positives]:
            if m.start() in self.option_negations:
                continue  # the "не" of "не хочу покупать" is about the option
            first, last = self.r.span(m)
            word = m.group().split()[-1]
            target = _nearest(self.r, self._same_sentence(first), first, last, word)
            if target is not None and self._live(m):
                target.polarity.append((_distance(target, first, last), positive, m.group()))
        for m in islice(_WITHOUT.finditer(self.text), MOST_MATCHES):  # "без камер": the next object
            first, _ = self.r.span(m)
            if _IT_AFTER.match(self.text, m.end()):
                # «IP давайте лучше без него»: the object before, in the same sentence
                target = next((o for o in reversed(self._same_sentence(first))
                               if o.last < first), None)
            else:
                target = next((o for o in self.objs if 0 < o.first - first <= 3), None)
            if target is not None and self._live(m):
                target.polarity.append((0, False, m.group()))

    def read_counts(self, expect: Expect | None) -> None:
        for rx in (_COUNT_BEFORE, _COUNT_AFTER):
            for m in islice(rx.finditer(self.text), MOST_MATCHES):
                first, last = self.r.span(m)
                target = next(
                    (o for o in self.objs if o.kind == "cctv" and _distance(o, first, last) == 0),
                    None,
                )
                if target is not None and target.count is None and self._live(m):
                    target.count = int(m.group("n"))
                    target.polarity.append((1, True, "count"))  # "две камеры" is a yes
        cameras = [o for o in self.objs if o.kind == "cctv"]
        for m in islice(_PIECES.finditer(self.text) if cameras else (), MOST_MATCHES):
            first, _ = self.r.span(m)
            there = [o for o in cameras if o.sentence == self.r.sentence_of[first]]
            if len(there) == 1 and there[0].count is None and self._live(m):
                there[0].count = int(m.group("n"))
                there[0].polarity.append((1, True, "count"))
        uncounted = [o for o in cameras if o.count is None]
        if expect == "cctv" and len(uncounted) == 1 and len(cameras) == 1:
            # «камеры на все четыре угла дома, значит четыре»: to «сколько камер?» the one
            # number said (however often) is the count
            said = {int(m.group("n")) for m in islice(_ANY_COUNT.finditer(self.text),
                                                     MOST_MATCHES)}
            if len(said) == 1:
                uncounted[0].count = said.pop()
                uncounted[0].polarity.append((1, True, "count"))
        if expect == "cctv" and not any(o.kind == "cctv" for o in self.objs):
            # «2», «парочку»; or after a question of one's own: «а сколько 4 камеры? давайте 4»
            start = self.text.rfind("?") + 1
            if bare := _BARE_COUNT.match(self.text[start:]):
                self.found.spans.append((start + bare.start("n"), start + bare.end("n")))
                _set_cameras(self.found, int(bare.group("n")), self.catalog)


def find_extras(text: str, catalog: Catalog, expect: Expect | None = None) -> FoundExtras:
    """Router, cameras and static IP in `text` (folded, earlier slots masked)."""
    text = numerals(text)
    if expect != "cctv" and not _ANY_OBJECT_OR_OPTION.search(text):
        return FoundExtras()
    reading = _Extras(text, catalog)
    reading.read_objects()
    reading.read_options(expect)
    reading.read_predicates()
    reading.read_counts(expect)
    _inherit(reading.text, reading.objs)
    _too(reading.text, reading.objs)
    _decide(reading.found, reading.objs, reading.options, catalog)
    if expect == "router" and reading.found.router is None and reading.options:
        reading.found.router = reading.options[-1][1]
    return reading.found


def _inherit(text: str, objs: list[_Object]) -> None:
    """ "камеры и IP не нужны": an object with no predicate of its own shares its neighbour's."""
    for _ in range(len(objs)):
        changed = False
        for a, b in itertools.pairwise(objs):
            if a.sentence != b.sentence or not _LINK.fullmatch(text[a.end : b.start]):
                continue
            if not a.polarity and b.polarity:
                a.polarity = [min(b.polarity)]
                changed = True
            elif not b.polarity and a.polarity:
                b.polarity = [min(a.polarity)]
                changed = True
        if not changed:
            return


def _too(text: str, objs: list[_Object]) -> None:
    """«видеонаблюдение не надо и статический ip тоже»: an object followed by «тоже» with
    nothing said of its own gets what the object before it got (in the same sentence)."""
    for before, obj in itertools.pairwise(objs):
        if (
            not obj.polarity
            and before.polarity
            and before.sentence == obj.sentence
            and _TOO.match(text, obj.end)
        ):
            obj.polarity = [min(before.polarity)]


def _positive(obj: _Object, ignore: tuple[str, ...] = ()) -> bool | None:
    relevant = [p for p in obj.polarity if p[2] not in ignore]
    if not relevant:
        return None
    return min(relevant)[1]  # the nearest predicate decides


def _set_cameras(found: FoundExtras, n: int, catalog: Catalog) -> None:
    if n in catalog.camera_choices():
        found.cctv_cameras = n
    else:
        found.problems.append(Problem(slot="cctv_cameras", code="not_in_catalog", value=str(n)))


def _decide(
    found: FoundExtras,
    objs: list[_Object],
    options: list[tuple[int, RouterOption]],
    catalog: Catalog,
) -> None:
    for obj in objs:
        positive = _positive(obj)
        if obj.kind == "ip":
            found.static_ip = positive is not False
        elif obj.kind == "cctv":
            if positive is False:
                found.cctv_cameras = 0
            elif obj.count is not None:
                _set_cameras(found, obj.count, catalog)
            elif _SINGULAR.search(obj.surface):
                found.cctv_cameras = 1
        elif obj.kind == "router":
            if options:
                found.router = options[-1][1]  # the last stated option is the decision
            elif _positive(obj, ignore=("нет",)) is False:
                found.router = "own"  # "роутер не нужен": the customer has one
