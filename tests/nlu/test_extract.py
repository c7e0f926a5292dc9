"""Whole messages: several slots at once, each parser seeing only its own text."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aida.catalog import default_catalog
from aida.domain import Address
from aida.nlu import extract
from aida.understanding.types import Extraction
from tests.nlu.conftest import FRIDAY


def test_a_whole_order_in_one_line(read):
    found = read(
        "безлимитище, 2 камеры, без айпи. адрес: мира 15 кв 3. ольга 89991234567, "
        "завтра после обеда"
    )
    assert found.found() == {
        "tariff": "Безлимитище",
        "cctv_cameras": 2,
        "static_ip": False,
        "address": {"city": "Волгоград", "street": "улица Мира", "house": "15", "flat": "3"},
        "name": "Ольга",
        "phone": "+79991234567",
        "date": "2026-11-28",
        "time": "14:00",
    }


def test_one_slots_text_never_feeds_another(read):
    # the tariff's number is not a house, the flat and the count are not a date
    found = read("Домашний 70 через 3 дня")
    assert (found.tariff, found.date, found.address) == (
        "Пакет Домашний",
        dt.date(2026, 11, 30),
        None,
    )
    found = read("ленина 5, кв. 12, две камеры")
    assert found.address == Address(street="проспект Ленина", house="5", flat="12")
    assert (found.cctv_cameras, found.date, found.time) == (2, None, None)
    found = read("Меня зовут Иван Петров, телефон 89991234567, подключите премиум через 3 дня")
    assert (found.name, found.phone, found.tariff, found.date) == (
        "Иван Петров",
        "+79991234567",
        "Пакет Премиум",
        dt.date(2026, 11, 30),
    )


def test_slots_spread_over_several_messages(read):
    first, second = read("хочу премиум, камеры не нужны"), read("ip тоже не нужен")
    assert (first.tariff, first.cctv_cameras, first.static_ip) == ("Пакет Премиум", 0, None)
    assert second.static_ip is False and second.tariff is None


def test_nothing_to_find(read):
    found = read("Здравствуйте! Подскажите, пожалуйста")
    assert found.found() == {} and not found.problems and not found.doubtful


# Chat-like noise: Cyrillic, digits and the punctuation addresses, dates and phones use.
_CHAT = "абвгдежзийклмнопрстуфхцчшщыэюя0123456789     .,-:/@+()?!№"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(alphabet=_CHAT, max_size=80),
    st.sampled_from([None, "cctv", "name", "time", "date", "address", "router"]),
)
def test_never_raises_and_output_is_json(text, expect):
    found = extract(text, now=FRIDAY, catalog=default_catalog(), expect=expect)
    assert isinstance(found, Extraction)
    json.dumps(found.found(), ensure_ascii=False)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_never_raises_on_any_unicode(text):
    extract(text, now=FRIDAY, catalog=default_catalog())
