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
