"""Phones: every Russian format to E.164; foreign and impossible numbers are reported."""

from __future__ import annotations

import pytest

from aida.nlu.phone import normalize_phone, phone_problem
from tests.nlu.conftest import codes

E164 = "+79991234567"


@pytest.mark.parametrize(
    "written",
    [
        "+7 (999) 123-45-67",
        "89991234567",
        "8 999 123 45 67",
        "8-999-123-45-67",
        "79991234567",
        "7 999 123 45 67",
        "+7-999-1234567",
        "8 999 1234567",
        "9991234567",
        "(999) 123-45-67",
        "+79991234567",
        "8(999)123-45-67",
    ],
)
def test_every_russian_format_becomes_e164(read, written):
    assert read(f"мой телефон {written}, спасибо").phone == E164
    assert normalize_phone(written) == E164


def test_landline_and_toll_free_numbers_are_phones(read):
    assert read("8 (8442) 12-34-56").phone == "+78442123456"
    assert read("8 800 555 35 35").phone == "+78005553535"


def test_kazakh_number_with_plus_seven_is_foreign(read):
    found = read("+7 (777) 123-45-67")
    assert found.phone is None
    assert codes(found) == {"phone:foreign"}
    assert phone_problem("+7 777 123 45 67").code == "foreign"


@pytest.mark.parametrize("written", ["+380 44 123 4567", "+375 29 123-45-67", "+44 20 7946 0958"])
def test_other_countries_are_foreign(read, written):
    assert codes(read(written)) == {"phone:foreign"}
    assert normalize_phone(written) is None


@pytest.mark.parametrize(
    "written", ["123-45-67", "8 912 345 67 8", "+7 (999) 123-45-678", "+7 999 123 45 6"]
)
def test_impossible_numbers_are_invalid(read, written):
    found = read(written)
    assert found.phone is None
    assert codes(found) == {"phone:invalid"}
    assert phone_problem(written).code == "invalid"


def test_a_valid_number_has_no_problem():
    assert phone_problem("8 999 123 45 67") is None


@pytest.mark.parametrize(
    "text",
    [
        "номер заказа 1234567890",
        "договор № 4951234567",
        "ИНН 344212345678",
        "лицевой счет 3000123456",
    ],
)
def test_order_and_account_numbers_are_not_phones(read, text):
    found = read(text)
    assert found.phone is None and not found.problems


def test_a_flat_number_before_the_phone_is_not_part_of_it(read):
    found = read("кв 3 8 999 123 45 67")
    assert found.phone == E164


def test_phone_is_never_read_as_a_date(read):
    # dateparser alone reads a 10-digit run as a Unix timestamp (year 2286)
    found = read("9991234567")
    assert found.phone == E164 and found.date is None


def test_digits_inside_an_email_are_not_a_phone(read):
    found = read("ivan89991234567@mail.ru")
    assert found.phone is None and found.email == "ivan89991234567@mail.ru"


def test_first_of_two_numbers_is_taken(read):
    assert read("Перезвоните на +7 (999) 123-45-67 или 89161234567").phone == E164


def test_helpers_never_raise_on_garbage():
    for junk in ["", "   ", "телефон", "+", "8" * 40, "☎️"]:
        assert normalize_phone(junk) is None
        assert phone_problem(junk) is not None


def test_a_phone_dictated_in_words(read):
    text = "восемь девятьсот двадцать семь пятьсот пять десять двадцать"
    assert read(text, expect="phone").phone == "+79275051020"


def test_a_dictated_phone_with_a_digit_too_many_is_not_cut_to_fit(read):
    found = read("восемь девятьсот восемь три семь семь пять пять ноль ноль один", expect="phone")
    assert found.phone is None and codes(found) == {"phone:invalid"}
    assert found.name is None
