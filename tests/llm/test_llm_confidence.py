"""When the rules' reading spares the model call, and when the model is asked."""

from __future__ import annotations

import pytest

from aida.catalog import Catalog
from aida.domain import Step
from aida.llm.openai.confidence import confident
from aida.nlu.brain import OfflineBrain
from aida.understanding.types import Expect

from .conftest import context

S = Step
CASES: list[tuple[Step, Expect | None, str, bool]] = [
    # The expected answer, found by the rules: no call.
    (S.tariff, "segment", "Тарифы для дома", True),
    (S.tariff, "tariff", "Пакет Премиум", True),
    (S.extras, "cctv", "парочку камер на вход и во двор", True),
    (S.address, "address", "ул. Мира, 5, кв 12", True),
    (S.contacts, "name", "Иван, +7 999 123-45-67", True),
    (S.schedule, "date", "Завтра вечером", True),
    # A verdict is an answer too: the step asks back precisely.
    (S.schedule, "date", "приезжайте первого июня, после обеда", True),
    # Clear commands and questions with a known topic.
    (S.contacts, "phone", "позовите оператора", True),
    (S.extras, "cctv", "Сколько стоит роутер?", True),
    # A bare yes or no to a yes/no question; a short greeting.
    (S.confirm, "confirm", "Да, всё верно", True),
    (S.extras, "static_ip", "Не нужен", True),
    (S.tariff, "segment", "Здравствуйте", True),
    # The rest goes to the model.
    (S.tariff, "tariff", "беру премиальный", False),  # not understood
    (S.tariff, "tariff", "давайте самый быстрый", False),  # a "yes" where no yes was asked
    (S.address, "address", "живу на Ленина 15/3", False),  # house 15/3 or flat 3? doubt
    (S.contacts, "name", "меня Ольгой зовут", False),  # a doubtful name
    (S.schedule, "date", "в среду или в четверг после обеда", False),  # two days: doubt
    (S.tariff, "segment", "а можно узнать, что у вас вообще есть?", False),  # no topic
    (S.contacts, "name", "+7 999 123-45-67", False),  # out of order: is the name in it?
    (S.confirm, "confirm", "да, всё правильно, всё устраивает, оформляйте заявку поскорее", False),
]


@pytest.mark.parametrize(("step", "expect", "message", "expected"), CASES)
async def test_confidence_of_the_rules(
    catalog: Catalog, step: Step, expect: Expect | None, message: str, expected: bool
) -> None:
    ctx = context(catalog, step, expect)
    u = await OfflineBrain(catalog).understand(message, ctx)
    assert confident(u, message, ctx) is expected
