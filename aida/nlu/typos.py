"""Words typed as they were not meant, put right before a message is read, so every rule after
sees the word meant: a slip of the finger in the trade's words («интернкт», «подклюяить»,
«волжкий», «безлимитишк»), Russian in Latin letters («doma», «internet nuzhen») or on the
English layout («ghbdtn»), a preposition glued to its word («длядома»).

Only a word the dictionary does not know, of 5+ letters, close to exactly one word of the
vocabulary (≥ 80% similar, its length within a letter) is replaced; names, streets and anything
else unknown stay as typed. The vocabulary is the trade's words, the catalog's tariff words and
the forms of its cities. Bounded: the first `READ_CHARS` characters and `MOST_FIXES` unknown
words of a message are looked at.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from aida.catalog import Catalog
from aida.nlu import morph
from aida.nlu.cache import per_catalog
from aida.nlu.text import word_list

READ_CHARS = 1000
_LATIN = re.compile(r"(?<![\w@.\-/])[A-Za-z]+(?![\w@\-/]|\.\w)")
# Short Latin words read as Russian only in a message written in Latin letters («ne nado»),
# and never these: they are what they are in Russian texts too.
_SHORT = 2
_LATIN_AS_IS = frozenset({"ip", "tv", "ok", "no", "pc", "id", "wi", "fi", "hd", "tp"})
# Russian typed in Latin letters, longest spellings first.
_TRANSLIT = (("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ch", "ч"), ("sh", "ш"),
             ("ts", "ц"), ("yu", "ю"), ("ju", "ю"), ("ya", "я"), ("ja", "я"), ("yo", "ё"),
             ("jo", "ё"), ("iy", "ий"), ("yy", "ый"), ("a", "а"), ("b", "б"), ("v", "в"),
             ("w", "в"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("j", "й"),
             ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"),
             ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("h", "х"), ("c", "ц"), ("y", "ы"),
             ("x", "кс"), ("q", "к"))
_AFTER_VOWEL = re.compile(r"(?<=[аеёиоуыэюя])[иы]")
_LAYOUT = str.maketrans("qwertyuiop[]asdfghjkl;'zxcvbnm,.`",
                        "йцукенгшщзхъфывапролджэячсмитьбюё")
# (after a one-letter preposition the rest is longer: «смарт» is not «с март»)
_GLUED = re.compile(r"^(для|без|на|по|до|из|от|за|под|[вск](?=[а-яё]{5}))([а-яё]{3,})$")
MOST_FIXES = 40
_SIMILAR = 81  # (a five-letter word with one letter changed is 80: «смарт» is not «старт»)
_SWAP_SHORTEST = 6
_LATIN_FUZZY = 6  # (shorter Latin words are read only when they spell a word exactly)
_WORD = re.compile(r"[А-Яа-яЁё]{5,}")

_TRADE = word_list(
    "интернет интернета интернету интернетом подключить подключиться подключение подключения "
    "подключите подключим подключайте провести проведите тариф тарифы тарифа тарифов роутер "
    "роутера роутером камеры камеру камера камер видеонаблюдение квартира квартиру квартиры "
    "квартире согласна согласен согласны здравствуйте пожалуйста спасибо оператор оператора "
    "менеджер менеджера человека перезвоните позвоните телефон телефона адрес постоянный "
    "статический скорость дешевле быстрее подешевле побыстрее частный офиса офисный домашний "
    "понедельник вторник среду четверг пятницу субботу воскресенье января февраля декабря"
)


@per_catalog
def _vocabulary(catalog: Catalog) -> tuple[str, ...]:
    words = set(_TRADE)
    for tariff in catalog.tariffs:
        words.update(w for w in word_list(tariff.name.lower()) if len(w) >= 5)
    for city in catalog.coverage.cities():
        parse = morph.parses(city.lower())[0]
        words.update(form.word for form in parse.lexeme if len(form.word) >= 5)
    return tuple(sorted(words))


@lru_cache(maxsize=8192)
def _meant(word: str, vocabulary: tuple[str, ...]) -> str | None:
    if morph.is_known(word):
        return None
    best = process.extract(word, vocabulary, scorer=fuzz.ratio, score_cutoff=_SIMILAR, limit=2)
    if not best and len(word) >= _SWAP_SHORTEST:
        # «кваритра»: two letters swapped, one slip though the ratio counts two
        best = [(w, 1.0, 0) for w in vocabulary if OSA.distance(word, w, score_cutoff=1) <= 1][:2]
    if not best or abs(len(best[0][0]) - len(word)) > 1:
        return None
    if len(best) > 1 and best[1][1] == best[0][1] and best[1][0] != best[0][0]:
        return None  # as close to two words: neither is assumed
    return str(best[0][0])


def _known(word: str, vocabulary: tuple[str, ...]) -> bool:
    return word in vocabulary or morph.is_known(word)


@lru_cache(maxsize=4096)
def _cyrillic(word: str, vocabulary: tuple[str, ...]) -> str | None:
    """A Latin word that is a Russian word in Latin letters or on the English layout."""
    lower = word.lower()
    spelled = lower
    for latin, cyr in _TRANSLIT:
        spelled = spelled.replace(latin, cyr)
    # «domoi», «zdravstvuite», «pozhaluysta»: an i or y after a vowel is often a й
    forms = (spelled, _AFTER_VOWEL.sub("й", spelled))
    for form in forms:
        if _known(form, vocabulary):
            return form
    # «ponedelnik»: a soft sign left out is a slip of the trade's words too
    if len(spelled) >= _LATIN_FUZZY and (meant := _meant(spelled, vocabulary)) is not None:
        return meant
    keyed = lower.translate(_LAYOUT)
    return keyed if keyed.isalpha() and _known(keyed, vocabulary) else None


@lru_cache(maxsize=4096)
def _unglued(word: str) -> str | None:
    """«длядома» → «для дома», when the rest is a word and the whole is not."""
    m = _GLUED.match(word)
    if m is None or morph.is_known(word) or not morph.is_known(m.group(2)):
        return None
    return f"{m.group(1)} {m.group(2)}"


def _from_latin(text: str, vocabulary: tuple[str, ...]) -> str:
    words = list(islice(_LATIN.finditer(text[:READ_CHARS]), MOST_FIXES))
    if not words:
        return text
    found = {m.start(): _cyrillic(m.group(), vocabulary) for m in words
             if len(m.group()) > _SHORT}
    alone = len(words) == 1 and text.strip(" !.?,") == words[0].group()  # «da», «ne»
    if not any(found.values()) and not alone:
        return text
    for m in words:  # «ne nado»: the short words too, now that the message is in Latin letters
        if len(m.group()) <= _SHORT and m.group().lower() not in _LATIN_AS_IS:
            found[m.start()] = _cyrillic(m.group(), vocabulary)
    out, pos = [], 0
    for m in words:
        cyr = found.get(m.start())
        if cyr is not None:
            out += [text[pos : m.start()], cyr.capitalize() if m.group()[0].isupper() else cyr]
            pos = m.end()
    return "".join(out) + text[pos:]


# Latin letters that look like Cyrillic ones, inside a Cyrillic word («нe нужен»).
_HOMOGLYPHS = str.maketrans("aeopcxykmtbhAEOPCXYKMTBH", "аеорсхукмтвнАЕОРСХУКМТВН")
_MIXED = re.compile(r"\b(?=\w*[а-яёА-ЯЁ])(?=\w*[A-Za-z])\w+\b")


def fix_typos(text: str, catalog: Catalog) -> str:
    """`text` with the words put right (letter case of the first kept)."""
    vocabulary = _vocabulary(catalog)
    head = text[:READ_CHARS]
    if _MIXED.search(head):
        text = _MIXED.sub(lambda m: m.group().translate(_HOMOGLYPHS), head) + text[READ_CHARS:]
    text = _from_latin(text, vocabulary)
    head = text[:READ_CHARS]
    out: list[str] = []
    pos = fixes = 0
    for m in _WORD.finditer(head):
        word = m.group()
        lower = word.lower().replace("ё", "е")
        if lower in vocabulary:
            continue
        fixes += 1
        if fixes > MOST_FIXES:
            break
        meant = _meant(lower, vocabulary) or _unglued(lower)  # a trade word first: «сгласна»
        if meant is None:
            continue
        out.append(text[pos : m.start()])
        out.append(meant.capitalize() if word[0].isupper() else meant)
        pos = m.end()
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)
