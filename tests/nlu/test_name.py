"""Names: after trigger phrases or when asked, in any letter case, nominative, as given."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("меня зовут Ольга", "Ольга"),
        ("меня зовут ольга", "Ольга"),
        ("это ольга", "Ольга"),
        ("я Иван", "Иван"),
        ("Здравствуйте, это Ольга, хочу подключить интернет", "Ольга"),
        ("меня зовут Айгуль", "Айгуль"),
        ("Добрый день! Меня зовут Татьяна Николаевна", "Татьяна Николаевна"),
        ("фио Смирнова Елена Петровна", "Смирнова Елена Петровна"),
        ("меня зовут Пётр", "Пётр"),
    ],
)
def test_triggered_names(read, text, name):
    found = read(text)
    assert found.name == name and "name" not in found.doubtful


def test_surname_first_keeps_the_order(read):
    assert read("Петров Иван", expect="name").name == "Петров Иван"
    assert read("иванова анна", expect="name").name == "Иванова Анна"


def test_names_are_put_in_the_nominative(read):
    assert read("запишите на Сергея Иванова").name == "Сергей Иванов"
    assert read("оформите на имя Ковалевой Марии").name == "Ковалева Мария"
    assert read("звоните Марине 89991234567").name == "Марина"


def test_bare_answer_to_the_name_question(read):
    assert read("ольга", expect="name").name == "Ольга"
    assert read("Вера", expect="name").name == "Вера"
    assert read("да", expect="name").name is None


def test_name_without_a_trigger_is_doubtful(read):
    found = read("Андрей, 8 999 123 45 67")
    assert found.name == "Андрей" and "name" in found.doubtful


@pytest.mark.parametrize(
    "text",
    [
        "Здравствуйте",
        "это дорого",
        "я из волжского",
        "я на связи",
        "ленина",
        "хочу премиум",
        "спасибо",
        "добрый вечер",
    ],
)
def test_not_names(read, text):
    assert read(text).name is None


def test_street_name_is_not_a_person(read):
    found = read("Ольга, ленина 88")
    assert found.name == "Ольга" and found.address.street == "проспект Ленина"


# -- issue 11: names as customers give them ---------------------------------------------------
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("оформите на сына — Дмитрий Котов", "Дмитрий Котов"),
        ("оформите на сына, его зовут Дмитрий Котов", "Дмитрий Котов"),
        ("оформите на жену, Анна Котова", "Анна Котова"),
        ("запишите на меня, Ольга", "Ольга"),
        ("я Галина Петровна", "Галина Петровна"),
        ("записывайте: Котов Дмитрий", "Котов Дмитрий"),
        ("записывайте Котов Дмитрий", "Котов Дмитрий"),
    ],
)
def test_name_after_whom_it_is_for_and_dictated(read, text, name):
    found = read(text)
    assert found.name == name
    assert "name" not in found.doubtful


def test_whom_it_is_for_alone_is_not_a_name(read):
    assert read("оформите на сына").name is None


@pytest.mark.parametrize(
    "word", ["директор", "бухгалтер", "менеджер", "короче", "вот", "мастер", "интернет"]
)
def test_job_titles_and_common_words_are_never_names(read, word):
    assert read(word, expect="name").name is None
    assert read(f"меня зовут {word}").name is None


def test_a_common_word_as_the_name_answer_is_not_a_name_and_after_a_trigger_is_read_back(read):
    assert read("работа", expect="name").name is None
    found = read("меня зовут Лебедь")
    assert found.name == "Лебедь" and "name" in found.doubtful


def test_a_filler_before_the_name_answer_is_skipped(read):
    assert read("ну Ольга", expect="name").name == "Ольга"
    assert read("короче, Ольга Петрова", expect="name").name == "Ольга Петрова"


def test_a_name_from_an_unusual_position_is_read_back(read):
    found = read("менеджер Ольга")
    assert found.name == "Ольга"
    assert "name" in found.doubtful


def test_an_order_verb_without_na_does_not_introduce_a_name(read):
    assert read("мама сказала оформить инет, самый быстрый").name is None
