"""A consultant's advice comes from the catalog: change the data and the advice follows."""

from __future__ import annotations

import datetime as dt

from aida.catalog import default_catalog
from aida.dialogue.advice import advice, compare, earliest_visit
from aida.domain import ConversationState, Slots
from aida.steps import Env
from tests.dialogue.harness import TZ

CATALOG = default_catalog()


def _env(hour: int, minute: int = 0) -> Env:
    return Env(CATALOG, dt.datetime(2026, 12, 1, hour, minute, tzinfo=TZ))  # a Tuesday


def _conv(segment: str | None = None) -> ConversationState:
    return ConversationState(slots=Slots(segment=segment))  # type: ignore[arg-type]


def test_cheapest_and_fastest_follow_the_segment() -> None:
    home = advice(["cheapest", "fastest"], [], _conv("home"), _env(10))
    assert "«Пакет Домашний»" in home[0] and "1 090 ₽/мес" in home[0]
    assert "«Безлимитище»" in home[1]
    office = advice(["cheapest", "fastest"], [], _conv("office"), _env(10))
    assert "«Пакет Офисный СТАРТ»" in office[0] and "аренду за 200 ₽/мес" in office[0]
    assert "«Пакет Офисный ОПТИМУМ»" in office[1]


def test_a_need_gets_the_cheapest_tariff_fast_enough() -> None:
    games = advice(["need:games"], [], _conv("home"), _env(10))[0]
    assert games.startswith("Для онлайн-игр советую «Пакет Премиум»")
    basic = advice(["need:basic"], [], _conv(), _env(10))[0]
    assert "«Пакет Домашний»" in basic
    assert advice(["need:unknown"], [], _conv(), _env(10)) == []


def test_two_tariffs_compared_by_speed_price_and_router() -> None:
    text = compare([CATALOG.tariff("Пакет Премиум"), CATALOG.tariff("Безлимитище")],  # type: ignore[list-item]
                   _env(10))
    assert text is not None
    assert "«Безлимитище» в 2 раза быстрее и дороже на 200 ₽/мес" in text
    mixed = compare([CATALOG.tariff("Пакет Домашний"),  # type: ignore[list-item]
                     CATALOG.tariff("Пакет Офисный СТАРТ")], _env(10))
    assert mixed is not None and "Роутер в подарок только в тарифе «Пакет Домашний»" in mixed
    assert compare([CATALOG.tariff("Пакет Премиум")], _env(10)) is None  # type: ignore[list-item]


def test_the_earliest_visit_respects_notice_and_hours() -> None:
    assert earliest_visit(_env(10, 15)) == dt.datetime(2026, 12, 1, 12, 0, tzinfo=TZ)
    assert earliest_visit(_env(6, 0)) == dt.datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
    assert earliest_visit(_env(20, 30)) == dt.datetime(2026, 12, 2, 9, 0, tzinfo=TZ)
    text = advice(["visit_soon"], [], _conv(), _env(20, 30))[0]
    assert "завтра, 2 декабря (среда), с 09:00" in text


def test_the_visit_fee_is_said_only_when_the_catalog_knows_it() -> None:
    unknown = advice(["connection_fee"], [], _conv(), _env(10))[0]
    assert "назовёт менеджер" in unknown and "₽" not in unknown
    free = CATALOG.model_copy(update={"installation": CATALOG.installation.model_copy(
        update={"fee": 0})})
    assert "бесплатное" in advice(["connection_fee"], [], _conv(), Env(free, _env(10).now))[0]
