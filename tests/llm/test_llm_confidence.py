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
    (S.schedule, "date", "давайте на следующей неделе в среду часика в три", True),
    # A verdict is an answer too: the step asks back precisely.
    (S.schedule, "date", "приезжайте первого июня, после обеда", True),
    # Clear commands and questions with a known topic.
    (S.contacts, "phone", "позовите оператора", True),
    (S.extras, "cctv", "Сколько стоит роутер?", True),
    # A bare yes or no to a yes/no question; a short greeting.
    (S.confirm, "confirm", "Да, всё верно", True),
    (S.extras, "static_ip", "Не нужен", True),
    (S.tariff, "segment", "Здравствуйте", True),
    # Answers in the question's answer space need no model (issue 11): a yes to a check, a
    # button or free words to the referrer question, colloquial yes/no, short answers.
    (S.schedule, "verify_date", "да", True),
    (S.address, "verify_address", "ага", True),
    (S.done, "referrer", "От друзей или знакомых", True),
    (S.done, "referrer", "Пропустить", True),
    (S.done, "referrer", "сосед посоветовал", True),
    (S.extras, "static_ip", "не-а", True),
    (S.confirm, "confirm", "+", True),
    (S.tariff, "segment", "к себе домой", True),
    (S.extras, "cctv", "одной хватит", True),
    # A yes or no inside an answer in the space does not make it doubtful (found by
    # `bench/conversations.py --llm`): a longer «no» to the free-text referrer question, a
    # button's words after a «нет» to the coverage offer.
    (S.done, "referrer", "неа не помню", True),
    (S.done, "referrer", "нет, никто не советовал, сам нашёл в интернете", True),
    (S.address, "tech_check", "другого адреса нет, давайте пусть мастер посмотрит, проверку", True),
    # The rest goes to the model.
    (S.tariff, "tariff", "беру премиальный", False),  # not understood
    (S.tariff, "tariff", "давайте самый быстрый", True),  # a tariff picked by its rank
    (S.address, "address", "живу на Ленина пятнадцать, квартира 3", True),  # numbers in words
    (S.address, "address", "ленина, дом где магазин магнит, квартира 3", False),  # no house
    (S.contacts, "name", "меня зовут Лебедь", False),  # a doubtful name
    (S.contacts, "name", "меня Ольгой зовут", True),  # «меня» is no name; «Ольгой» is Ольга
    (S.schedule, "date", "давайте на следующей неделе в среду часика в три", True),
    (S.schedule, "date", "давайте когда-нибудь на той неделе ближе к вечеру", False),  # no day
    (S.schedule, "date", "давайте после праздников часика в три", False),  # doubt: which day?
    (S.tariff, "segment", "а можно узнать, что у вас вообще есть?", False),  # no topic
    (S.contacts, "name", "+7 999 123-45-67", False),  # out of order: is the name in it?
    (S.confirm, "confirm", "да, всё правильно, всё устраивает, оформляйте заявку поскорее", False),
    # a long yes or no that says so first, a consent refusal at length, no email in words
    (S.extras, "static_ip", "Да, нужен, хочу к камерам снаружи подключаться", True),
    (S.contacts, "consent", "Нет. Я не согласна передавать данные в чат", True),
    (S.contacts, "email", "у меня нет электронной почты это у внука только", True),
]


@pytest.mark.parametrize(("step", "expect", "message", "expected"), CASES)
async def test_confidence_of_the_rules(
    catalog: Catalog, step: Step, expect: Expect | None, message: str, expected: bool
) -> None:
    ctx = context(catalog, step, expect)
    u = await OfflineBrain(catalog).understand(message, ctx)
    assert confident(u, message, ctx) is expected
