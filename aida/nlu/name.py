"""The customer's name: after `меня зовут`/`это`/`я`, as the answer to "как к вам обращаться?",
or (with doubt) a first name standing on its own.

pymorphy3's `Name`/`Surn`/`Patr` tags tell names from words, in any letter case, so
`это ольга` is a name and `это дорого` is not. The name is kept in the order given
(`Петров Иван` stays surname first), put in the nominative (`запишите на Сергея Иванова` →
`Сергей Иванов`) and capitalised. Streets, tariffs and dates are masked before this runs, so
`Ленина` or `Премиум` never reach it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from pymorphy3.analyzer import Parse

from aida.nlu import morph
from aida.nlu.text import MOST_MATCHES, word_set
from aida.understanding.types import Expect

_NAME_TAGS = ("Name", "Surn", "Patr")
_RARE = 0.1  # a reading less likely than this is not what the customer meant
# After these the next word is the name whatever it looks like (unless it is plainly a verb).
_STRONG = re.compile(
    r"(?<![\w-])(?:меня\s+зовут|зовут|звать|мое\s+имя|имя(?:\s+и\s+фамилия)?|фио|"
    r"(?:запишите|запиши|записать|записывайте|записывай|пишите)(?:\s+на(?:\s+имя)?)?|"
    r"оформ\w*\s+на(?:\s+имя)?|"
    r"на\s+имя|контактное\s+лицо|"
    r"с\s+вами\s+говорит|обращайтесь\s+ко?|обращаться\s+ко?)\s*[:\-–—]?\s+"
)
# After these only a word that is a name (`это Ольга`, not `это дорого`).
_WEAK = re.compile(r"(?<![\w-])(?:я|это|вас\s+беспокоит)\s*[-–—]?\s+")
_TOKEN = re.compile(r"[а-яёa-z]+(?:-[а-яёa-z]+)?")
# Whom an order is for («оформите на сына — Дмитрий Котов»): the name comes after.
_RELATION = word_set(
    "сына сын дочь дочку дочери жену жена мужа муж маму мать матери папу отца бабушку "
    "дедушку брата сестру тещу свекровь свекра зятя невестку внука внучку племянника "
    "племянницу родственника родственницу меня себя него нее "
    "сестра брат мама папа отец бабушка дедушка внук внучка тетя дядя теща свекор"
)
_AFTER_RELATION = re.compile(r"[\s,:;—–-]*(?:(?:его|ее)\s+(?:зовут|имя)\s*[:\-–—]?\s*)?")
# Job titles and words customers put anywhere: never a name, whatever pymorphy3 guesses.
_ROLES = word_set(
    "директор директора бухгалтер бухгалтера менеджер менеджера администратор руководитель "
    "секретарь сотрудник сотрудница начальник владелец владелица хозяин хозяйка инженер "
    "юрист специалист продавец кассир охранник водитель завхоз управляющий арендатор "
    "собственник жилец"
)
_FILLERS = word_set(
    "короче значит вот ну это типа вообще блин щас сейчас слушайте смотрите так ой эээ "
    "кстати вобщем общем"
)
_NOT_A_NAME = (
    word_set(
        "аида здравствуйте здравствуй привет добрый доброе доброй день вечер утро спасибо "
        "пожалуйста да нет ок хорошо интернет тариф пакет роутер камера камеры мастер "
        "оператор менеджер клиент абонент улица дом квартира офис город телефон номер почта "
        "адрес хочу нужно надо можно подключить подключение заявка инет инета почту почты почте мейл "
        "email емейл имейл вотсап ватсап whatsapp телеграм telegram вайбер viber смс"
    )
    | _ROLES
    | _FILLERS
    | _RELATION
)
_NOT_NAME_POS = word_set(
    "VERB INFN ADVB PREP CONJ PRCL NPRO INTJ PRED NUMR COMP GRND PRTF PRTS ADJS"
)


@dataclass
class FoundName:
    name: str | None = None
    doubtful: bool = False


def _name_parse(word: str, score: float = 0.0) -> Parse | None:
    tagged = [p for p in _readings(word) if p.score >= score]
    return max(tagged, key=lambda p: p.score) if tagged else None


def _wordlike(word: str) -> bool:
    """Could be a name after `меня зовут`: not a verb, adverb, pronoun..."""
    if word in _NOT_A_NAME or len(word) < 2:
        return False
    if _name_parse(word) is not None:
        return True
    return morph.parses(word)[0].tag.POS not in _NOT_NAME_POS


def has_name_reading(word: str) -> bool:
    """A first name, surname or patronymic by the dictionary (`Надежда`, not `E-Mail`)."""
    return _name_parse(word.lower()) is not None


def _nominative_reading(word: str) -> bool:
    return any("nomn" in p.tag for p in morph.parses(word))


def _capitalise(word: str) -> str:
    return "-".join(p.capitalize() for p in word.split("-"))


@lru_cache(maxsize=20_000)
def _readings(word: str) -> tuple[Parse, ...]:
    """The name readings of a word (cached: a tag test costs more than the lookup)."""
    return tuple(p for p in morph.parses(word) if any(t in p.tag for t in _NAME_TAGS))


def _already_nominative(words: list[str]) -> bool:
    """Every word can be the nominative of one gender (`иванова анна`: yes; `сергея`: no).

    A rare nominative reading does not count: `петра` is Пётр's genitive, not Петра.
    """
    for gender in ("masc", "femn"):
        if all(
            any(
                "nomn" in p.tag
                and "sing" in p.tag
                and p.score >= _RARE
                and (p.tag.gender == gender or "ms-f" in p.tag)
                for p in _readings(w)
            )
            or not _readings(w)
            for w in words
        ):
            return True
    return False


def _nominative(words: list[str], governed: bool) -> list[str]:
    """`сергея иванова` → `сергей иванов`, `ольгу` → `ольга`; nominatives stay as written.

    `governed`: the name follows `на` (`запишите на Петра`), so it is not in the nominative
    even when a reading says it could be (`петра`).
    """
    readings = list(_readings(words[0]))
    if governed:
        readings = [p for p in readings if "nomn" not in p.tag] or readings
    elif _already_nominative(words):
        return words
    if not readings:
        return words
    first = max(readings, key=lambda p: p.score)
    case, gender = first.tag.case, first.tag.gender
    if case == "nomn":
        return words
    out = []
    for word in words:
        options = [
            p
            for p in _readings(word)
            if p.tag.case == case and (gender is None or p.tag.gender == gender or "ms-f" in p.tag)
        ]
        inflected = options[0].inflect({"nomn"}) if options else None
        out.append(inflected.word if inflected else word)
    return out


def _collect(text: str, start: int, strict_first: bool) -> tuple[list[str], int, int] | None:
    """Up to three name words from `start`: first name, surname, patronymic in any order."""
    words: list[str] = []
    end = start
    for m in _TOKEN.finditer(text, start):
        if text[end : m.start()].strip():
            break  # punctuation or a masked slot ends the name
        word = m.group()
        if not words:
            ok = _name_parse(word, 0.3) is not None if strict_first else _wordlike(word)
        else:
            ok = word not in _NOT_A_NAME and _name_parse(word) is not None
        if not ok:
            break
        words.append(word)
        end = m.end()
        if len(words) == 3:
            break
    if not words:
        return None
    return words, start, end


@dataclass(frozen=True)
class _Hit:
    words: list[str]
    start: int
    end: int
    doubtful: bool
    governed: bool = False


def find_name(text: str, original: str, expect: Expect | None = None) -> FoundName:
    """The name in `text` (folded, other slots masked); `original` for the letters as typed."""
    hits: list[_Hit] = []
    for rx, strict in ((_STRONG, False), (_WEAK, True)):
        for m in islice(rx.finditer(text), MOST_MATCHES):
            start = m.end()
            governed = bool(re.search(r"на(?:\s+имя)?\W*$", m.group()))
            whom = _TOKEN.match(text, start)
            if whom is not None and whom.group() in _RELATION:
                # «на сына — Дмитрий Котов»: the name after it is in the nominative
                start = _AFTER_RELATION.match(text, whom.end()).end()  # type: ignore[union-attr]
                governed = False
            got = _collect(text, start, strict)
            if got:
                # «меня зовут Лебедь»: a dictionary word with no name reading is read back
                odd = not any(_name_parse(w) for w in got[0]) and morph.is_known(got[0][0])
                hits.append(_Hit(*got, doubtful=odd, governed=governed))
    if not hits and expect == "name":
        # «сестра Тамара Ильинична»: who she is to the customer is not her name
        first = next((t for t in _TOKEN.finditer(text)
                      if t.group() not in _FILLERS and t.group() not in _RELATION), None)
        got = _collect(text, first.start(), False) if first else None
        if got:
            named = any(_name_parse(w) for w in got[0])
            # a dictionary word with no name reading («работа», «кошка») is not a name; an
            # unknown one (a rare name), or one that cannot stand alone as an answer (only an
            # oblique case: «толик» is «толика» in the genitive plural) is taken with doubt
            # and read back
            first_word = got[0][0]
            if named or not morph.is_known(first_word) or not _nominative_reading(first_word):
                hits.append(_Hit(*got, doubtful=not named))
    if not hits:
        hits = _untriggered(text, original)
    if not hits:
        return FoundName()
    hit = min(hits, key=lambda h: h.start)
    # the letters as typed (`Пётр` keeps its `ё`), the nominative where it was another case
    typed = [m.group() for m in _TOKEN.finditer(original[hit.start : hit.end].lower())]
    nominative = _nominative(hit.words, hit.governed)
    out = [
        t if n == w else (n if "ё" in t else n.replace("ё", "е"))
        for t, w, n in zip(typed, hit.words, nominative)
    ]
    return FoundName(" ".join(_capitalise(w) for w in out), hit.doubtful)


def _is_first_name(word: str, after: str) -> bool:
    """Most likely a first name (`ольга`, not `вера`), or one followed by a patronymic
    (`Надежда Петровна`: the patronymic settles that `надежда` is a name here)."""
    if word in _NOT_A_NAME:
        return False
    top = morph.parses(word)[0]
    if "Name" in top.tag and top.score >= 0.5 and morph.is_known(word):
        return True  # a guess for an unknown word (`тарифчик`) is not enough
    patronymic = any("Patr" in p.tag and p.score >= 0.5 for p in _readings(after))
    return patronymic and _name_parse(word) is not None


def _untriggered(text: str, original: str) -> list[_Hit]:
    """A first name on its own (`Ольга, 8 999...`): capitalised, or in a very short message."""
    tokens = list(_TOKEN.finditer(text))
    short = len(tokens) <= 3
    # capitalised words only (cheap test first); the first few, not every word of a long text
    capitalised = [i for i, m in enumerate(tokens) if short or original[m.start()].isupper()]
    for i in capitalised[:MOST_MATCHES]:
        m = tokens[i]
        after = tokens[i + 1].group() if i + 1 < len(tokens) else ""
        if not _is_first_name(m.group(), after):
            continue
        start = m.start()
        # a surname written first: "Петров Иван"
        prev = tokens[i - 1] if i else None
        if (
            prev is not None
            and not text[prev.end() : start].strip()
            and prev.group() not in _NOT_A_NAME
            and _name_parse(prev.group(), 0.3) is not None
        ):
            start = prev.start()
        got = _collect(text, start, False)
        if got:
            return [_Hit(*got, doubtful=True)]
    return []
