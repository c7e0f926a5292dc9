"""Words of the trade typed with a slip of the finger («интернкт», «подклюяить», «волжкий»,
«безлимитишк»), put right before a message is read, so every rule after sees the word meant.

Only a word the dictionary does not know, of 5+ letters, close to exactly one word of the
vocabulary (≥ 80% similar, its length within a letter) is replaced; names, streets and anything
else unknown stay as typed. The vocabulary is the trade's words, the catalog's tariff words and
the forms of its cities. Bounded: the first `READ_CHARS` characters and `MOST_FIXES` unknown
words of a message are looked at.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz, process

from aida.catalog import Catalog
from aida.nlu import morph
from aida.nlu.cache import per_catalog
from aida.nlu.text import word_list

READ_CHARS = 1000
MOST_FIXES = 40
_SIMILAR = 80
_WORD = re.compile(r"[А-Яа-яЁё]{5,}")

_TRADE = word_list(
    "интернет интернета интернету интернетом подключить подключиться подключение подключения "
    "подключите подключим подключайте провести проведите тариф тарифы тарифа тарифов роутер "
    "роутера роутером камеры камеру камера камер видеонаблюдение квартира квартиру квартиры "
    "квартире согласна согласен согласны здравствуйте пожалуйста спасибо оператор оператора "
    "менеджер менеджера человека перезвоните позвоните телефон телефона адрес постоянный "
    "статический скорость дешевле быстрее подешевле побыстрее частный офиса офисный домашний"
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
    if not best or abs(len(best[0][0]) - len(word)) > 1:
        return None
    if len(best) > 1 and best[1][1] == best[0][1] and best[1][0] != best[0][0]:
        return None  # as close to two words: neither is assumed
    return str(best[0][0])


def fix_typos(text: str, catalog: Catalog) -> str:
    """`text` with the slips in the trade's words put right (letter case of the first kept)."""
    vocabulary = _vocabulary(catalog)
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
        meant = _meant(lower, vocabulary)
        if meant is None:
            continue
        out.append(text[pos : m.start()])
        out.append(meant.capitalize() if word[0].isupper() else meant)
        pos = m.end()
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)
