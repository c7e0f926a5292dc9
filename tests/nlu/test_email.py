"""Emails: found in free text, validated offline, reported when malformed."""

from __future__ import annotations

import pytest

from aida.nlu.email import normalize_email
from tests.nlu.conftest import codes


@pytest.mark.parametrize(
    ("text", "email"),
    [
        ("ivan@mail.ru", "ivan@mail.ru"),
        ("пишите на Ivan.Petrov@Mail.RU, спасибо", "Ivan.Petrov@mail.ru"),
        ("email: test.user+tag@gmail.com", "test.user+tag@gmail.com"),
        ("почта: petrov@inbox.ru.", "petrov@inbox.ru"),
        ("(olga@ya.ru)", "olga@ya.ru"),
        ("иван@почта.рф", "иван@почта.рф"),
        ("ivan собака mail точка ru", "ivan@mail.ru"),
    ],
)
def test_found_in_text_and_normalised(read, text, email):
    assert read(text).email == email


@pytest.mark.parametrize("text", ["ivan@mail", "ivan@@mail.ru", "ivan@gmail,com", "a@company"])
def test_malformed_address_is_reported_not_dropped(read, text):
    found = read(text)
    assert found.email is None
    assert codes(found) == {"email:invalid"}


def test_a_telegram_handle_is_not_an_email(read):
    found = read("мой тг @ivan_tg")
    assert found.email is None and not found.problems


def test_email_and_phone_in_one_line(read):
    found = read("olga@ya.ru, 89991234567")
    assert (found.email, found.phone) == ("olga@ya.ru", "+79991234567")


def test_normalize_email_helper():
    assert normalize_email(" Ivan@Mail.RU ") == "Ivan@mail.ru"
    for bad in ["", "ivan", "ivan@", "@mail.ru", "ivan@mail", "iv an@mail.ru"]:
        assert normalize_email(bad) is None


def test_spoken_email_with_a_dot_in_the_local_part(read):
    assert read("ivan точка petrov собака mail точка ru").email == "ivan.petrov@mail.ru"
