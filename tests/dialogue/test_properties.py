"""Properties that hold for ANY sequence of customer messages (hypothesis).

- no exception escapes and every reply is non-empty;
- the machine never stands on a step while an earlier one is incomplete, so the address is
  never asked before every extra has an answer;
- a connection lead exists only after a yes given to the summary at the confirm step, with
  every required slot, and it carries exactly the slots of the conversation;
- no lead of any kind (connection, technical check, call back) exists without the consent
  recorded before it, to the catalog's current consent text (152-FZ); after a declined
  consent the conversation holds no contacts.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aida.domain import STEP_ORDER, Address, Consent, ConversationState, Step
from aida.nlu.brain import OfflineBrain
from aida.steps import STEPS, Env, first_open
from aida.steps.extras import complete as extras_complete
from tests.dialogue.harness import NOW, Dialogue, make_engine
from tests.dialogue.scripts import PREFIX

ENGINE = make_engine()
ENV = Env(ENGINE.catalog, NOW)
ADDRESS_QUESTIONS = {"address", "house", "tech_check", "verify_address"}

UTTERANCES = [
    # tariff
    "Здравствуйте", "хочу интернет", "Тарифы для дома", "Тарифы для офиса", "для офиса",
    "Пакет Премиум", "премиум", "безлимитище", "давайте домашний", "офисный старт",
    "Пакет Офисный ОПТИМУМ", "250 мегабит", "за 1290", "лучше Безлимитище",
    # extras
    "Аренда за 200 ₽/мес", "Купить роутер", "У меня свой роутер", "Без камер", "1 камера",
    "2 камеры", "4 камеры", "три камеры", "пару камер", "Нужен постоянный IP", "Не нужен",
    "камеры не надо, а IP нужен", "без IP",
    # address
    "ул. Мира, 5, кв 12", "проспект Ленина 500", "улица Мира", "5 кв 3", "Другой адрес",
    "Оставить заявку на проверку", "Волжский, ул. Карбышева 10", "пр-т Ленина 88",
    # contacts
    "Иван", "меня зовут Ольга", "+7 999 123-45-67", "89991234567", "8 999 12",
    "+7 777 123 45 67", "ivan@mail.ru", "ivan@mail", "Без email",
    "Иван, +7 999 123-45-67", "телефон другой: 8 917 555-66-77",
    # consent
    "Согласен", "Не согласен", "согласна", "не согласен на обработку",
    # schedule
    "Завтра утром", "Завтра вечером", "Послезавтра", "в 23:00", "в понедельник к 10",
    "25 ноября 2025 в 10:00", "утром", "в 15:00", "давайте вечером",
    # confirm and answers
    "да", "Да, всё верно", "нет", "Изменить", "время", "адрес", "ой, телефон не тот",
    # repairs and questions
    "сколько стоит роутер?", "какие тарифы для офиса?", "есть ли телевидение?", "?",
    "позовите оператора", "Перезвоните мне", "передумал", "Продолжить", "начать заново",
    "спасибо", "Пропустить", "От друзей", "абырвалг", "", "   ",
    # colloquial short answers, read against the question asked
    "ага", "+", "-", "не-а", "нет спасибо", "обойдусь", "подтверждаю", "да давайте",
    "к себе домой", "в офис нам", "парочку", "одной хватит", "ничего больше не надо",
]

message = st.one_of(
    st.sampled_from(UTTERANCES),
    st.text(max_size=200),  # arbitrary unicode
    st.builds(lambda a, b: f"{a} {b}", st.sampled_from(UTTERANCES), st.sampled_from(UTTERANCES)),
)


def _steps_behind_complete(conv: ConversationState) -> bool:
    if conv.step is Step.done:
        return True
    return STEP_ORDER.index(first_open(conv, ENV)) >= STEP_ORDER.index(conv.step)


async def _walk(draw_message: st.DataObject, start: Step, length: int) -> None:
    d = Dialogue(ENGINE)
    for turn in PREFIX[start]:  # a scripted start, so random walks reach every step
        await d.say(turn.say)
    for _ in range(length):
        before = d.state
        choices = d.results[-1].suggestions if d.results else []
        pick = st.sampled_from(choices) if choices else message
        text = draw_message.draw(st.one_of(message, pick))
        if not text.strip():
            continue  # the service rejects empty messages before the engine
        leads_before = len(d.leads)
        result = await d.say(text)

        assert result.reply.strip()
        assert _steps_behind_complete(d.state), (d.state.step, d.state.slots)
        if d.state.pending in ADDRESS_QUESTIONS:
            assert extras_complete(d.state, ENV), "the address was asked before the extras"
        if "consent_declined" in result.events:
            slots = d.state.slots
            assert (slots.name, slots.phone, slots.email, d.state.consent) == (None,) * 4
        for lead in d.leads[leads_before:]:
            # No lead without consent given before it, to the current text.
            assert lead.consent_at is not None and d.state.consent is not None
            assert lead.consent_version == ENGINE.catalog.privacy.version
            assert lead.consent_at == d.state.consent.at
            if lead.kind == "callback":
                assert lead.phone
                continue
            assert before.step is Step.confirm and before.pending == "confirm", text
            assert isinstance(ENGINE.brain, OfflineBrain)
            reading = ENGINE.brain.read(text, ENGINE.context(before, NOW))
            # a yes that changes nothing (the known segment said again is no change)
            assert reading.intent.value == "yes" and not reading.slots.tells_news(
                before.slots), text
            assert first_open(before, ENV) is Step.confirm
            assert d.state.step is Step.done
            slots = before.slots
            assert (lead.tariff, lead.router, lead.cctv_cameras, lead.static_ip) == (
                slots.tariff, slots.router, slots.cctv_cameras, slots.static_ip)
            assert (lead.address, lead.name, lead.phone, lead.email, lead.date, lead.time) == (
                slots.address, slots.name, slots.phone, slots.email, slots.date, slots.time)
            assert lead.tags[0] == "AIDA"
            assert STEPS[Step.confirm].complete(before, ENV) is False


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(list(PREFIX)), st.integers(min_value=1, max_value=25))
def test_any_message_sequence_keeps_the_policy(data: st.DataObject, start: Step,
                                               length: int) -> None:
    asyncio.run(_walk(data, start, length))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=4000))
def test_any_unicode_is_survived_at_every_step(text: str) -> None:
    async def run() -> None:
        for prefix_step in (Step.tariff, Step.extras, Step.confirm):
            d = Dialogue(ENGINE)
            d.state = _state_at(prefix_step)
            if text.strip():
                result = await d.say(text)
                assert result.reply.strip()
    asyncio.run(run())


def _state_at(step: Step) -> ConversationState:
    conv = ConversationState()
    if step is Step.tariff:
        return conv
    conv.slots.segment, conv.slots.tariff, conv.slots.router = "home", "Пакет Премиум", "included"
    conv.step, conv.pending = Step.extras, "cctv"
    if step is Step.extras:
        return conv
    slots = conv.slots
    slots.cctv_cameras, slots.static_ip = 0, False
    slots.address, slots.coverage = Address(street="улица Мира", house="5"), "covered"
    slots.name, slots.phone, slots.email_declined = "Иван", "+79991234567", True
    slots.date, slots.time = NOW.date() + dt.timedelta(days=1), "18:00"
    conv.consent = Consent(at=NOW, version=ENGINE.catalog.privacy.version, method="button")
    conv.step, conv.pending = Step.confirm, "confirm"
    return conv
