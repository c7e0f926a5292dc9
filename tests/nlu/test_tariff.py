"""Tariffs: names, parts, typos, speeds and prices to the catalog's name; home vs office."""

from __future__ import annotations

import pytest

from aida.nlu.tariff import match_tariff
from tests.nlu.conftest import codes


@pytest.mark.parametrize(
    ("text", "tariff"),
    [
        ("хочу премиум", "Пакет Премиум"),
        ("безлимитеще", "Безлимитище"),
        ("мне бы безлимит", "Безлимитище"),
        ("примиум на 250", "Пакет Премиум"),
        ("250 мегабит", "Пакет Премиум"),
        ("двести пятьдесят мегабит", "Пакет Премиум"),
        ("тариф за 1290", "Пакет Оптимальный"),
        ("домашний за 1090", "Пакет Домашний"),
        ("офисный на 100", "Пакет Офисный СТАРТ"),
        ("Пакет Офисный СТАНДАРТ", "Пакет Офисный СТАНДАРТ"),
    ],
)
def test_names_typos_speeds_and_prices(read, text, tariff):
    assert read(text).tariff == tariff


def test_optimalny_and_optimum_are_never_confused(read):
    assert read("оптимальный").tariff == "Пакет Оптимальный"
    assert read("оптимум").tariff == "Пакет Офисный ОПТИМУМ"
    assert read("офисный оптимум").tariff == "Пакет Офисный ОПТИМУМ"
    found = read("хочу оптим")
    assert found.tariff is None
    [problem] = found.problems
    assert problem.code == "ambiguous"
    assert problem.options == ["Пакет Оптимальный", "Пакет Офисный ОПТИМУМ"]


def test_shared_speed_is_settled_by_the_segment(read):
    assert codes(read("500 мегабит")) == {"tariff:ambiguous"}
    assert read("500 мегабит для дома").tariff == "Безлимитище"
    assert read("500 мегабит в офис").tariff == "Пакет Офисный ОПТИМУМ"


def test_tariff_implies_its_segment(read):
    assert read("стандарт").segment == "office"
    assert read("премиум").segment == "home"


@pytest.mark.parametrize(
    ("text", "segment"),
    [
        ("интернет для офиса", "office"),
        ("юрлицо", "office"),
        ("для бизнеса", "office"),
        ("домашний интернет", "home"),
        ("интернет в квартиру", "home"),
        ("для дома", "home"),
    ],
)
def test_segment_words(read, text, segment):
    found = read(text)
    assert found.segment == segment and found.tariff is None


def test_family_word_alone_is_ambiguous_within_its_segment(read):
    found = read("что-нибудь офисное")
    assert found.segment == "office"
    assert found.problems[0].options == [
        "Пакет Офисный СТАРТ",
        "Пакет Офисный СТАНДАРТ",
        "Пакет Офисный ОПТИМУМ",
    ]


def test_speed_not_in_the_catalog(read):
    found = read("300 мегабит")
    assert found.tariff is None and codes(found) == {"tariff:not_in_catalog"}
    assert codes(read("хочу гигабит")) == {"tariff:not_in_catalog"}


def test_a_question_about_a_tariff_does_not_choose_it(read):
    assert read("сколько стоит премиум?").tariff is None
    assert read("чем отличается оптимальный от премиума?").tariff is None


def test_typo_is_doubtful_exact_name_is_not(read):
    assert "tariff" in read("безлимитеще").doubtful
    assert "tariff" not in read("безлимитище").doubtful


def test_match_tariff_helper(catalog):
    assert match_tariff("Премиум 250", catalog) == "Пакет Премиум"
    assert match_tariff("пакет офисный старт", catalog) == "Пакет Офисный СТАРТ"
    assert match_tariff("100 мбит", catalog) is None  # two tariffs
    assert match_tariff("гигабит", catalog) is None
    assert match_tariff("", catalog) is None


def test_the_tariff_ruled_out_is_not_chosen(read):
    assert read("а давайте всё-таки Премиум вместо Оптимального").tariff == "Пакет Премиум"
    assert read("не оптимальный, а премиум").tariff == "Пакет Премиум"


def test_home_or_office_answered_with_the_adjective_is_the_segment(read):
    found = read("домашний", expect="segment")
    assert (found.segment, found.tariff) == ("home", None)
    assert read("офисный", expect="segment").segment == "office"
    assert read("домашний", expect="tariff").tariff == "Пакет Домашний"


@pytest.mark.parametrize(
    ("text", "segment"),
    [
        ("дом", "home"),
        ("на дом", "home"),
        ("к себе домой", "home"),
        ("для внука", "home"),
        ("в офис нам", "office"),
        ("для работы", "office"),
        ("магазин", "office"),
        ("работаю из дома", "home"),  # work done at home: the internet goes home
    ],
)
def test_short_answers_to_the_segment_question(read, text, segment):
    assert read(text, expect="segment").segment == segment


def test_the_segment_word_with_where_it_goes_is_no_tariff(read):
    found = read("Домашний, в квартиру", expect="segment")
    assert found.segment == "home" and found.tariff is None
