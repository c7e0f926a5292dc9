"""Slips of the finger in the trade's words are put right before a message is read; names,
streets and other unknown words stay as typed."""

from __future__ import annotations

import pytest

from aida.catalog import default_catalog
from aida.nlu.typos import MOST_FIXES, fix_typos

CATALOG = default_catalog()


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("можно подклюяить интернкт?", "можно подключить интернет?"),
        ("безлимитишк", "безлимитище"),
        ("волжкий ленина 201 кв 88", "волжский ленина 201 кв 88"),
        ("Здравствуйие", "Здравствуйте"),
        ("камкры не нужны", "камеры не нужны"),
    ],
)
def test_the_word_meant(typed: str, meant: str) -> None:
    assert fix_typos(typed, CATALOG) == meant


@pytest.mark.parametrize("typed", ["Оксана", "Вайнона Райдер", "Землячкм 33", "подркга",
                                   "ivan@mail.ru", "ваще норм", "", "телевизор смарт"])
def test_what_is_not_a_slip_stays(typed: str) -> None:
    assert fix_typos(typed, CATALOG) == typed


def test_a_long_message_is_looked_at_only_in_part() -> None:
    junk = " ".join(["интернкт"] * (MOST_FIXES + 10))
    fixed = fix_typos(junk, CATALOG)
    assert fixed.count("интернет") == MOST_FIXES and fixed.endswith("интернкт")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("internet nuzhen", "интернет нужен"),
        ("doma", "дома"),
        ("statichesky ip ne nado", "статический ip не надо"),  # a trade word spelt loosely, «ip» as is
        ("zavtra v 10", "завтра в 10"),
        ("da", "да"),
        ("ghbdtn", "привет"),  # the English layout
        ("нe нужен", "не нужен"),  # a Latin «e» inside a Russian word
        ("длядома", "для дома"),
        ("Anna", "Анна"),
        ("zdravstvuite, hochu internet domoi", "здравствуйте, хочу интернет домой"),  # i is й
        ("v ponedelnik v 15:00", "в понедельник в 15:00"),  # the soft sign left out
        ("кваритра 41", "квартира 41"),  # two letters swapped
    ],
)
def test_russian_in_latin_letters_and_glued_words(typed: str, meant: str) -> None:
    assert fix_typos(typed, CATALOG) == meant


@pytest.mark.parametrize("typed", ["ok", "ip", "tp-link", "xiaomi", "https://smit34.ru",
                                   "Премиум, wi-fi роутер свой"])
def test_latin_that_is_not_russian_stays(typed: str) -> None:
    assert fix_typos(typed, CATALOG) == typed
