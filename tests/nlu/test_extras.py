"""Extras: router option, number of cameras, static IP — with negation and number words."""

from __future__ import annotations

import pytest

from tests.nlu.conftest import codes


def test_negation_is_scoped_to_its_object(read):
    found = read("камеры не надо, а IP нужен")
    assert (found.cctv_cameras, found.static_ip) == (0, True)
    found = read("ip нужен камеры не нужны")
    assert (found.cctv_cameras, found.static_ip) == (0, True)


def test_negation_shared_by_a_list(read):
    found = read("роутер, камеры и ip не нужны")
    assert (found.router, found.cctv_cameras, found.static_ip) == ("own", 0, False)
    found = read("без камер и без ip")
    assert (found.cctv_cameras, found.static_ip) == (0, False)


@pytest.mark.parametrize(
    ("text", "cameras"),
    [
        ("пару камер", 2),
        ("две камеры", 2),
        ("четыре камеры", 4),
        ("одну камеру", 1),
        ("видеонаблюдение на 4 камеры", 4),
        ("4-х камер хватит", 4),
        ("камеры 2 шт", 2),
        ("нужна камера", 1),
        ("камеры не нужны", 0),
        ("давайте без видеонаблюдения", 0),
    ],
)
def test_camera_counts(read, text, cameras):
    assert read(text).cctv_cameras == cameras


def test_camera_count_outside_the_packages(read, catalog):
    found = read("три камеры")
    assert found.cctv_cameras is None
    [problem] = found.problems
    assert (problem.code, problem.value) == ("not_in_catalog", "3")
    assert 3 not in catalog.camera_choices()


def test_cameras_wanted_without_a_count_are_not_guessed(read):
    assert read("камеры нужны").cctv_cameras is None


@pytest.mark.parametrize(
    ("text", "router"),
    [
        ("роутер у нас свой", "own"),
        ("купим роутер", "buy"),
        ("возьму роутер в аренду", "rent"),
        ("роутер не нужен", "own"),
        ("роутер не нужен, свой", "own"),
        ("роутер есть", "own"),
        ("не хочу покупать роутер, возьму в аренду", "rent"),
        ("роутер в подарок", "included"),
    ],
)
def test_router_options(read, text, router):
    assert read(text).router == router


def test_having_no_router_is_not_having_ones_own(read):
    assert read("у меня нет роутера").router is None
    assert read("роутера нет").router is None


def test_option_words_belong_to_their_object(read):
    # "уже есть" is about the cameras here, not the router
    assert read("роутер нужен, камеры уже есть").router is None


@pytest.mark.parametrize(
    ("text", "ip"),
    [
        ("нужен постоянный IP", True),
        ("белый айпи", True),
        ("статический ip тоже добавьте", True),
        ("без ip", False),
        ("айпи не нужен", False),
        ("ай пи адрес нужен постоянный", True),
    ],
)
def test_static_ip(read, text, ip):
    assert read(text).static_ip is ip


def test_a_permanent_address_is_not_an_ip(read):
    assert read("постоянный адрес регистрации").static_ip is None


def test_questions_are_not_answers(read):
    assert read("сколько стоит камера?").cctv_cameras is None
    assert read("что такое статический ip?").static_ip is None
    assert read("а роутер в подарок?").router is None


def test_bare_answers_in_context(read):
    assert read("2", expect="cctv").cctv_cameras == 2
    assert read("две", expect="cctv").cctv_cameras == 2
    assert codes(read("3", expect="cctv")) == {"cctv_cameras:not_in_catalog"}
    assert read("в аренду", expect="router").router == "rent"
    assert read("у меня свой", expect="router").router == "own"


def test_bare_numbers_without_context_are_nothing(read):
    found = read("2")
    assert found.found() == {} and not found.problems


# -- issue 11: negation across a list, counts as people say them -------------------------------
@pytest.mark.parametrize(
    ("text", "cameras", "static_ip"),
    [
        ("видеонаблюдение не надо и статический ip тоже", 0, False),
        ("без камер, ip не нужен", 0, False),
        ("камеры две, айпи не надо", 2, False),
        ("камеры не надо и ip тоже не надо", 0, False),
        ("камеры не надо, а ip нужен", 0, True),
    ],
)
def test_negation_across_a_list(read, text, cameras, static_ip):
    found = read(text)
    assert (found.cctv_cameras, found.static_ip) == (cameras, static_ip)


def test_too_after_the_router_repeats_the_no(read):
    found = read("камеры не нужны, роутер тоже")
    assert (found.cctv_cameras, found.router) == (0, "own")


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("парочку", 2),
        ("одной хватит", 1),
        ("одной камеры хватит", 1),
        ("четыре штуки", 4),
        ("давайте две", 2),
        ("две хватит", 2),
    ],
)
def test_colloquial_camera_counts_answer_the_question(read, text, count):
    assert read(text, expect="cctv").cctv_cameras == count


def test_pair_of_cameras_without_the_question(read):
    assert read("пару камер").cctv_cameras == 2


def test_a_router_bought_before_is_the_customers_own(read):
    assert read("свой роутер, уже купили", expect="router").router == "own"
    assert read("роутер купили сами", expect="router").router == "own"
    assert read("роутер купим", expect="router").router == "buy"


def test_a_count_with_where_the_camera_goes(read):
    assert read("одну, на входе", expect="cctv").cctv_cameras == 1


def test_a_typo_in_cameras(read):
    assert read("камкры не надо").cctv_cameras == 0


def test_buying_a_router_if_the_shop_has_one_is_buying(read):
    assert read("Купить. Xiaomi, если есть", expect="router").router == "buy"
    assert read("у меня свой есть", expect="router").router == "own"
