"""Erasure (`aida forget`) and lead retention, on every backend."""

from __future__ import annotations

import datetime as dt

from aida.domain import Address, ChatMessage, ConversationState, Lead, Slots, Step
from aida.store import Store, StoredReply
from aida.store.erasure import ErasureTarget

T0 = dt.datetime(2025, 3, 1, 10, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(minutes=5)
PHONE = "+79991234567"


def _lead(session_id: str, *, phone: str | None = PHONE, email: str | None = None) -> Lead:
    return Lead(
        session_id=session_id,
        created_at=T0,
        tariff="Пакет Премиум",
        name="Иван",
        phone=phone,
        email=email,
        address=Address(street="улица Мира", house="5", flat="12"),
        transcript=[ChatMessage(role="user", text="Иван, +7 999 123-45-67")],
    )


async def _turn(
    store: Store,
    session_id: str,
    text: str,
    *,
    slots: Slots | None = None,
    lead: Lead | None = None,
    enqueue: bool = False,
) -> None:
    async with store.turn(session_id) as tx:
        await tx.save_turn(
            state=ConversationState(step=Step.contacts, slots=slots or Slots()),
            user_text=text,
            reply=StoredReply(reply="Спасибо!", step=Step.contacts),
            now=T0,
            lead=lead,
            enqueue_lead=enqueue,
        )


async def test_a_phone_in_any_written_form_erases_every_session_and_the_lead(
    store: Store,
) -> None:
    # The number as the customer typed it, in three sessions and three forms.
    await _turn(store, "typed", "мой номер 8 (999) 123-45-67")
    await _turn(store, "slots", "да", slots=Slots(phone=PHONE, name="Иван"))
    lead = _lead("with-lead")
    await _turn(store, "with-lead", "Иван 9991234567", lead=lead, enqueue=True)
    await _turn(store, "other", "мой номер +7 912 000-00-00")

    report = await store.forget(ErasureTarget(phone=PHONE), T0)

    assert (report.sessions, report.messages, report.leads, report.outbox_jobs) == (3, 6, 1, 1)
    for session_id in ("typed", "slots", "with-lead"):
        assert await store.history(session_id) == (None, [])
    assert (await store.history("other"))[0] is Step.contacts
    record = await store.lead(lead.id)
    assert record is not None
    kept = record.lead
    assert (kept.name, kept.phone, kept.email, kept.address, kept.transcript) == (
        None, None, None, None, []
    )
    assert kept.tariff == "Пакет Премиум" and kept.erased_at == T0
    # Nothing of the person goes to the CRM any more.
    assert await store.claim_jobs(T0, 10, LEASE) == []
    assert record.delivery == "local"
    assert await store.leads(session_id="with-lead") != []


async def test_an_email_matches_in_any_case(store: Store) -> None:
    await _turn(store, "a", "пишите на Ivan.Petrov@Mail.ru")
    lead = _lead("b", phone=None, email="ivan.petrov@mail.ru")
    await _turn(store, "b", "да", slots=Slots(email="ivan.petrov@mail.ru"), lead=lead)
    await _turn(store, "c", "пишите на maria@mail.ru")

    report = await store.forget(ErasureTarget(email="IVAN.PETROV@mail.RU"), T0)

    assert (report.sessions, report.leads) == (2, 1)
    assert await store.history("a") == (None, [])
    assert (await store.history("c"))[0] is Step.contacts


async def test_a_session_id_erases_that_session_and_its_leads_only(store: Store) -> None:
    lead = _lead("s1")
    await _turn(store, "s1", "Иван", lead=lead)
    await _turn(store, "s2", "привет")

    report = await store.forget(ErasureTarget(session_id="s1"), T0)

    assert (report.sessions, report.messages, report.leads) == (1, 2, 1)
    assert (await store.history("s2"))[0] is Step.contacts
    record = await store.lead(lead.id)
    assert record is not None and record.lead.phone is None


async def test_an_unknown_person_erases_nothing(store: Store) -> None:
    await _turn(store, "s1", "мой номер 8 999 123 45 67")
    report = await store.forget(ErasureTarget(phone="+79120000000"), T0)
    assert (report.sessions, report.messages, report.leads, report.outbox_jobs) == (0, 0, 0, 0)


async def test_retention_erases_delivered_leads_only_after_their_time(store: Store) -> None:
    delivered_old, delivered_new, local = _lead("a"), _lead("b"), _lead("c")
    await _turn(store, "a", "x", lead=delivered_old, enqueue=True)
    await _turn(store, "b", "x", lead=delivered_new, enqueue=True)
    await _turn(store, "c", "x", lead=local)  # no CRM: the only copy, kept
    jobs = {j.lead.id: j for j in await store.claim_jobs(T0, 10, LEASE)}
    await store.job_done(jobs[delivered_old.id].id, T0)
    await store.job_done(jobs[delivered_new.id].id, T0 + dt.timedelta(days=40))

    cutoff = T0 + dt.timedelta(days=30)
    assert await store.erase_delivered_leads(cutoff, cutoff) == 1
    assert await store.erase_delivered_leads(cutoff, cutoff) == 0  # once is enough

    phones = {}
    for lead in (delivered_old, delivered_new, local):
        record = await store.lead(lead.id)
        assert record is not None
        phones[lead.id] = record.lead.phone
    assert phones == {delivered_old.id: None, delivered_new.id: PHONE, local.id: PHONE}


async def test_one_upkeep_round_applies_both_retention_periods(store: Store) -> None:
    from aida.http.upkeep import upkeep_round

    lead = _lead("old")
    await _turn(store, "old", "Иван 89991234567", lead=lead, enqueue=True)
    [job] = await store.claim_jobs(T0, 10, LEASE)
    await store.job_done(job.id, T0)

    later = T0 + dt.timedelta(days=100)
    deleted, erased = await upkeep_round(store, later, dt.timedelta(days=30), dt.timedelta(days=90))

    assert (deleted, erased) == (1, 1)
    assert await store.history("old") == (None, [])
    record = await store.lead(lead.id)
    assert record is not None and record.lead.phone is None and record.lead.transcript == []
