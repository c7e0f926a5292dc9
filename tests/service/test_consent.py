"""Consent to personal-data processing (152-FZ) at every way a lead comes to exist, through
the real engine and a real store (both backends): confirm, call back, technical check. No
lead exists and nothing is queued for the CRM without recorded consent; a declined consent
removes the contacts from the conversation and from the stored messages."""

from __future__ import annotations

import datetime as dt

from aida.service import TurnService
from aida.store import Store
from tests.dialogue.harness import NOW, make_engine
from tests.dialogue.scripts import TO_ADDRESS, TO_EXTRAS

LEASE = dt.timedelta(minutes=5)
ENGINE = make_engine()


def _service(store: Store) -> TurnService:
    return TurnService(ENGINE, store, enqueue_leads=True, clock=lambda: NOW)


async def _say(service: TurnService, session_id: str, *texts: str) -> None:
    for text in texts:
        await service.handle(session_id, text)


async def test_declined_consent_leaves_no_lead_and_no_contacts_anywhere(store: Store) -> None:
    service = _service(store)
    await _say(service, "s1", *(t.say for t in TO_ADDRESS))
    await _say(service, "s1", "ул. Мира, 5, кв 12, я Иван, +7 999 123-45-67, ivan@mail.ru")
    outcome = await service.handle("s1", "Не согласен")

    assert "support@smit34.ru" in outcome.reply and "Согласен" not in outcome.suggestions
    _, messages = await store.history("s1")
    stored = " ".join(m.text for m in messages)
    for raw in ("Иван", "+7 999 123-45-67", "ivan@mail.ru"):
        assert raw not in stored
    assert "ул. Мира, 5, кв 12" in stored  # only the contacts go
    async with store.turn("s1") as tx:
        assert tx.state is not None
        slots = tx.state.slots
        assert (slots.name, slots.phone, slots.email, tx.state.consent) == (None,) * 4
        assert all("Иван" not in m.text for m in tx.state.history)
    # Whatever the customer says next, nothing is confirmed without consent.
    await _say(service, "s1", "Иван, +7 999 123-45-67", "без email", "завтра вечером", "да")
    assert await store.leads() == []
    assert await store.claim_jobs(NOW, 10, LEASE) == []


async def test_a_call_back_waits_for_consent(store: Store) -> None:
    service = _service(store)
    await _say(service, "s1", *(t.say for t in TO_EXTRAS), "позовите оператора")
    asked = await service.handle("s1", "89995554433")
    assert "согласны на обработку персональных данных" in asked.reply
    assert await store.leads() == []

    named = await service.handle("s1", "Согласен")
    assert "Как к вам обращаться" in named.reply
    assert await store.leads() == []
    done = await service.handle("s1", "Иван")
    assert "перезвонит" in done.reply
    [record] = await store.leads()
    assert record.lead.kind == "callback" and record.lead.phone == "+79995554433"
    assert record.lead.name == "Иван"
    assert record.lead.consent_at == NOW and record.lead.consent_method == "button"
    assert record.lead.consent_version == ENGINE.catalog.privacy.version
    assert len(await store.claim_jobs(NOW, 10, LEASE)) == 1


async def test_a_technical_check_request_carries_the_consent_given_before_it(
    store: Store,
) -> None:
    service = _service(store)
    await _say(service, "s1", *(t.say for t in TO_ADDRESS), "проспект Ленина 500, кв 7",
               "Оставить заявку на проверку")
    assert await store.leads() == []
    await _say(service, "s1", "да", "Пётр, 89990001122", "нет", "завтра в 12:00", "да")
    [record] = await store.leads()
    assert record.lead.kind == "tech_check"
    assert (record.lead.consent_at, record.lead.consent_method) == (NOW, "typed")
