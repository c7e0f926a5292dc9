"""Russian numbers in words: values, kinds and the exact span read, so that a caller can tell
a number read whole from one read only in part."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aida.nlu.numbers import find_numbers, read_number, to_digits
from aida.nlu.text import numerals


def read(text: str) -> list[tuple[int, str, str]]:
    return [(n.value, n.kind, text[n.start : n.end]) for n in find_numbers(text)]


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("два", 2, "cardinal"),
        ("двумя", 2, "cardinal"),
        ("одну", 1, "cardinal"),
        ("двадцать две", 22, "cardinal"),
        ("ста сорока", 140, "cardinal"),
        ("двухсот пятидесяти", 250, "cardinal"),
        ("тысячу двести", 1200, "cardinal"),
        ("две тысячи двадцать шесть", 2026, "cardinal"),
        ("пару", 2, "cardinal"),
        ("второго", 2, "ordinal"),
        ("третьей", 3, "ordinal"),
        ("двадцать второго", 22, "ordinal"),
        ("тридцать первого", 31, "ordinal"),
        ("тридцать первое", 31, "ordinal"),
        ("сто сорок пятый", 145, "ordinal"),
        ("шестьдесят четвертой", 64, "ordinal"),
        ("тринадцатой", 13, "ordinal"),
        ("две тысячи двадцать седьмого", 2027, "ordinal"),
        ("сороковой", 40, "ordinal"),
    ],
)
def test_whole_numbers(text, value, kind):
    assert read(text) == [(value, kind, text)]


@pytest.mark.parametrize(
    ("text", "value", "stem"),
    [
        ("тридцатилетия", 30, "тридцати"),
        ("двадцатипятилетия", 25, "двадцатипяти"),
        ("пятидесятилетия", 50, "пятидесяти"),
        ("трехкомнатная", 3, "трех"),
        ("девятиэтажка", 9, "девяти"),
        ("столетия", 100, "сто"),
    ],
)
def test_compound_adjective_stems(text, value, stem):
    assert read(text) == [(value, "prefix", stem)]


@pytest.mark.parametrize(
    "text", ["семинар", "стоимость", "столица", "одновременно", "второстепенный", "пятница"]
)
def test_words_that_only_look_like_numbers(text):
    assert find_numbers(text) == []


def test_words_join_only_where_grammar_allows():
    assert read("два три") == [(2, "cardinal", "два"), (3, "cardinal", "три")]
    assert read("двадцать двенадцать") == [
        (20, "cardinal", "двадцать"),
        (12, "cardinal", "двенадцать"),
    ]
    assert read("пятый шестой") == [(5, "ordinal", "пятый"), (6, "ordinal", "шестой")]
    assert read("пару три") == [(2, "cardinal", "пару"), (3, "cardinal", "три")]
    # a line break ends a number: one number per line stays one per line
    assert read("двадцать\nдва") == [(20, "cardinal", "двадцать"), (2, "cardinal", "два")]


def test_numbers_in_a_sentence():
    text = "двадцать второго января к девяти, дом сто сорок пять"
    assert read(text) == [
        (22, "ordinal", "двадцать второго"),
        (9, "cardinal", "девяти"),
        (145, "cardinal", "сто сорок пять"),
    ]
    assert read("тридцатилетия победы двенадцать") == [
        (30, "prefix", "тридцати"),
        (12, "cardinal", "двенадцать"),
    ]


def test_read_number_reports_the_span_it_consumed():
    text = "на двадцать вторго"  # a typo in the second word
    n = read_number(text, 2)
    assert n is not None and n.value == 20 and text[n.start : n.end] == "двадцать"
    assert n.end < len(text)  # the caller sees that part of its span was not read
    whole = read_number("двадцать второго")
    assert whole is not None and (whole.value, whole.end) == (22, len("двадцать второго"))
    assert read_number("январь") is None
    assert read_number("подвадцать", 2) is None  # not at a word start


def test_digits_keep_offsets():
    assert numerals("две камеры") == "2   камеры"
    assert numerals("второго") == "второго"  # ordinals stay words unless asked for
    assert to_digits("двадцать второго января", ordinals=True) == "22-го" + " " * 11 + " января"
    assert to_digits("на третье", ordinals=True) == "на 3-е   "
    assert to_digits("пятой", ordinals=True) == "5-й  "
    text = "тысячу двести и двадцать два, тридцатилетия"
    assert len(to_digits(text, ordinals=True)) == len(text)


@given(
    st.lists(
        st.sampled_from(["два", "двадцать", "второго", "сто", "тысяч", "пару", " ", "\n", "дом"]),
        max_size=60,
    )
)
def test_any_word_soup_keeps_length_and_spans_ordered(words):
    text = " ".join(words)
    assert len(to_digits(text, ordinals=True)) == len(text)
    spans = [(n.start, n.end) for n in find_numbers(text)]
    assert all(a < b <= c for (a, b), (c, _) in pairwise(spans))
