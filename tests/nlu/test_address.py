"""Addresses: streets matched to the coverage list however they are written; house, flat,
city; a street outside the list or without a house is reported precisely."""

from __future__ import annotations

import pytest

from aida.domain import Address
from aida.nlu.address import match_street, parse_house
from tests.nlu.conftest import codes


@pytest.mark.parametrize(
    ("text", "street", "house", "flat"),
    [
        ("пр-т Ленина 88", "проспект Ленина", "88", None),
        ("просп. Ленина, 100", "проспект Ленина", "100", None),
        ("на проспекте ленина д 88 кв 5", "проспект Ленина", "88", "5"),
        ("Мира ул 5", "улица Мира", "5", None),
        ("рабоче крестьянская 10", "Рабоче-Крестьянская улица", "10", None),
        ("на Советской 12, кв 3", "Советская улица", "12", "3"),
        ("б-р 30-летия Победы, 5", "бульвар 30-летия Победы", "5", None),
        ("7 гвардейской 3а", "улица 7-й Гвардейской", "3а", None),
        ("ул. Ерёменко, д. 50 корп 2 кв 17", "улица Еременко", "50 к2", "17"),
        ("на университетском 45", "Университетский проспект", "45", None),
        ("ангарская 15-12", "Ангарская улица", "15", "12"),
        ("ул. Богданова 3 стр 1", "улица Богданова", "3 стр1", None),
        ("рабоче-крестьянской 22 офис 305", "Рабоче-Крестьянская улица", "22", "305"),
        ("дом 15 по улице Мира", "улица Мира", "15", None),
    ],
)
def test_street_forms_map_to_the_canonical_name(read, text, street, house, flat):
    found = read(text)
    assert found.address == Address(street=street, house=house, flat=flat)
    assert not found.problems


def test_typo_in_street_is_matched_but_doubtful(read):
    found = read("ленена 88")
    assert found.address == Address(street="проспект Ленина", house="88")
    assert "address" in found.doubtful


def test_wrong_type_word_is_matched_but_doubtful(read):
    # Волгоград has only проспект Ленина: "ул ленина" is read as it, and confirmed
    found = read("ул ленина 5")
    assert found.address.street == "проспект Ленина"
    assert "address" in found.doubtful


def test_exact_match_is_not_doubtful(read):
    assert read("пр-т Ленина 88").doubtful == []


def test_city_volzhsky_in_any_case_form(read):
    assert read("в волжском на карбышева 15").address == Address(
        city="Волжский", street="улица Карбышева", house="15"
    )
    assert read("г. Волжский, ул. Мира 12").address.city == "Волжский"


def test_street_outside_the_list_is_kept_as_written_and_reported(read):
    found = read("ул пушкина д 5")
    assert found.address == Address(street="улица Пушкина", house="5")
    assert codes(found) == {"address:unknown_street"}
    adjective = read("на пушкинской улице 7")
    assert adjective.address.street == "Пушкинская улица"


def test_other_city_is_kept_and_reported(read):
    found = read("г. Саратов, ул. Московская 5")
    assert found.address == Address(city="Саратов", street="Московская улица", house="5")
    assert codes(found) == {"address:unknown_street"}


def test_without_city_a_street_of_another_city_is_read_back_there(read):
    # Карбышева is covered in Волжский only; the customer named no city: Волжский is likely,
    # but a Волгоград street we do not serve is possible, so it is read back
    found = read("карбышева 15")
    assert found.address.city == "Волжский" and found.address.street == "улица Карбышева"
    assert "address" in found.doubtful and not found.problems
    assert read("ул мира 5").address.city == "Волгоград"  # both cities have it: the default


def test_street_without_house_asks_for_the_house(read):
    found = read("ул ленина")
    assert found.address is None
    [problem] = found.problems
    assert (problem.code, problem.value, problem.options) == (
        "no_house",
        "проспект Ленина",
        ["Волгоград"],
    )


@pytest.mark.parametrize("text", ["дом 5", "Ольга Богданова", "ленина", "мира", "хочу премиум"])
def test_not_an_address(read, text):
    found = read(text)
    assert found.address is None
    assert not [p for p in found.problems if p.slot == "address"]


def test_bare_street_counts_when_the_address_was_asked(read):
    assert codes(read("ленина", expect="address")) == {"address:no_house"}
    assert read("тверская 12", expect="address").address.street == "Тверская улица"


def test_a_count_after_the_street_is_not_the_house(read):
    found = read("краснознаменская 7, 2 камеры")
    assert found.address.house == "7" and found.cctv_cameras == 2


def test_letter_after_a_space_is_not_the_conjunction(read):
    assert read("ленина 15 а, кв 4").address.house == "15а"
    found = read("ленина 15 а камеры не нужны")
    assert found.address.house == "15" and found.cctv_cameras == 0


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("15а", ("15а", None)),
        ("дом 15 кв 3", ("15", "3")),
        ("д. 7, кв. 12", ("7", "12")),
        ("5-12", ("5", "12")),
        ("15 к2", ("15 к2", None)),
        ("15/2", ("15/2", None)),
        ("дом 15 корпус 2 квартира 40", ("15 к2", "40")),
        ("кв 3", None),
        ("не знаю", None),
    ],
)
def test_parse_house(text, parsed):
    assert parse_house(text) == parsed


@pytest.mark.parametrize(
    ("written", "city", "canonical"),
    [
        ("пр. Ленина", None, "проспект Ленина"),
        ("Ленина", "Волжский", "проспект Ленина"),
        ("ул мира", None, "улица Мира"),
        ("Карбышева", "Волжский", "улица Карбышева"),
        ("Карбышева", "Волгоград", None),
        ("Пушкина", None, None),
        ("", None, None),
    ],
)
def test_match_street(catalog, written, city, canonical):
    assert match_street(written, catalog, city) == canonical


# -- issue 11: addresses as customers write them ---------------------------------------------
@pytest.mark.parametrize(
    ("text", "expect", "street", "house", "flat"),
    [
        ("тридцатилетия победы 12", "address", "бульвар 30-летия Победы", "12", None),
        ("бульвар тридцатилетия победы двенадцать", None, "бульвар 30-летия Победы", "12", None),
        ("седьмой гвардейской пять", None, "улица 7-й Гвардейской", "5", None),
        ("ленина тридцать три квартира восемнадцать", None, "проспект Ленина", "33", "18"),
        ("дом тридцать три по ленина", None, "проспект Ленина", "33", None),
    ],
)
def test_numbers_in_words_in_streets_houses_and_flats(read, text, expect, street, house, flat):
    found = read(text, expect=expect)
    assert found.address == Address(street=street, house=house, flat=flat)
    assert "address" not in found.doubtful


@pytest.mark.parametrize(
    "text", ["ленина д 33 кв 18", "ленина 33-18", "ленина 33 18", "ленина дом 33 квартира 18"]
)
def test_flats_in_every_form(read, text):
    found = read(text)
    assert found.address == Address(street="проспект Ленина", house="33", flat="18")
    assert not found.doubtful


def test_a_number_after_the_house_that_counts_something_is_not_a_flat(read):
    found = read("ленина 33 2 камеры")
    assert found.address == Address(street="проспект Ленина", house="33")
    assert found.cctv_cameras == 2


@pytest.mark.parametrize("text", ["ленина 33/18", "ленина д. 33/18"])
def test_slash_house_is_read_back(read, text):
    # 33/18 may be the corner house 33/18 or house 33, flat 18, even after «д.»
    found = read(text)
    assert found.address is not None and found.address.house == "33/18"
    assert "address" in found.doubtful


def test_house_answer_in_every_form():
    assert parse_house("33 18") == ("33", "18")
    assert parse_house("тридцать три квартира восемнадцать") == ("33", "18")


@pytest.mark.parametrize("filler", ["короче", "значит", "вот", "ну", "это", "ну это"])
def test_a_filler_word_is_never_a_street(read, filler):
    assert read(f"{filler} 5", expect="address").address is None
    found = read(f"{filler}, ленина 5", expect="address")
    assert found.address == Address(street="проспект Ленина", house="5")


def test_a_filler_word_is_never_a_city(read):
    found = read("г. Короче, ул Мира 5")
    assert found.address == Address(city="Волгоград", street="улица Мира", house="5")


def test_street_named_by_its_tail_is_read_back(read):
    for text in ("победы 12", "ул победы 12"):
        found = read(text, expect="address")
        assert found.address == Address(street="бульвар 30-летия Победы", house="12")
        assert "address" in found.doubtful


def test_street_and_city_by_preposition_without_house(read):
    found = read("по Карбышева в Волжском есть подключение?")
    assert found.address is None
    problem = next(p for p in found.problems if p.code == "no_house")
    assert (problem.value, problem.options) == ("улица Карбышева", ["Волжский"])


def test_a_city_we_do_not_serve_is_reported_at_once(read):
    found = read("здравствуйте, хочу интернет в Москве")
    assert [(p.code, p.value) for p in found.problems] == [("no_street", "Москва")]
    # one of our cities alone is remembered for the address, not refused
    assert [(p.code, p.value) for p in read("хочу интернет в Волжском").problems] == [
        ("city_only", "Волжский")]


def test_an_address_outside_coverage_in_the_first_message(read):
    found = read("здравствуйте, хочу интернет на ул. Пушкина 10")
    assert found.address == Address(street="улица Пушкина", house="10")
    assert "address:unknown_street" in codes(found)


def test_coverage_compares_names_as_people_mean_them(catalog):
    # «ё» or a double space in a value an LLM proposes does not move a covered house out
    assert catalog.is_covered(Address(city="волгоград", street="улица  Ерёменко", house="50"))
    assert not catalog.is_covered(Address(city="Волгоград", street="улица Еременко", house="500"))


@pytest.mark.parametrize(
    ("text", "city", "house", "flat"),
    [
        ("проспект Ленина 55, Волгоград, помещение 1", "Волгоград", "55", "1"),
        ("улица Мира 150, Волжский, кв 66", "Волжский", "150", "66"),
        ("Волжский, пр-т Ленина 300, бокс 10", "Волжский", "300", "10"),
    ],
)
def test_flat_after_the_city(read, text, city, house, flat):
    found = read(text)
    assert found.address is not None
    assert (found.address.city, found.address.house, found.address.flat) == (city, house, flat)


def test_a_count_after_a_street_is_not_its_house(read):
    found = read("Нам нужен интернет в офис на Краснопресненской, 3 компьютера и касса")
    assert found.address is None
    assert [(p.code, p.value) for p in found.problems] == [("no_house", "Краснопресненская улица")]


@pytest.mark.parametrize(
    "text", ["7 гвардейской, дом 14 или 16, сейчас посмотрю", "ленина 5 вроде", "мира 12, кажется"]
)
def test_a_house_the_customer_is_unsure_of_is_read_back(read, text):
    found = read(text)
    assert found.address is not None and "address" in found.doubtful


def test_a_person_after_na_is_not_a_street(read):
    found = read("оформите на Богданова")
    assert found.address is None and not found.problems


def test_house_answer_with_a_correction():
    assert parse_house("ой дом не 60 а 66, квартира 6") == ("66", "6")
    assert parse_house("квартира не 18 а 81") is None
