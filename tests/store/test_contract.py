"""The storage contract: every backend must pass every test here."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from aida.domain import Attribution, ChatMessage, ConversationState, Lead, Step
from aida.store import Store, StoredReply, TokenPair, open_store

T0 = dt.datetime(2025, 3, 1, 10, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(minutes=5)


def _state(step: Step = Step.tariff, counter: int = 0) -> ConversationState:
    return ConversationState(
        step=step,
        misunderstood=counter,
        history=[ChatMessage(role="user", text="привет")],
    )


def _lead(session_id: str = "s1", attribution: Attribution | None = None) -> Lead:
    return Lead(
        session_id=session_id,
        created_at=T0,
        tariff="Премиум",
        name="Иван",
        phone="+79991234567",
        attribution=attribution or Attribution(),
    )


async def _turn(
    store: Store,
    session_id: str,
    text: str = "привет",
    *,
    step: Step = Step.tariff,
    message_id: str | None = None,
    touch: Attribution | None = None,
    lead: Lead | None = None,
    enqueue: bool = False,
    referrer: tuple[str, str] | None = None,
    now: dt.datetime = T0,
) -> None:
    async with store.turn(session_id) as tx:
        await tx.save_turn(
            state=_state(step),
            user_text=text,
            reply=StoredReply(reply=f"ответ на {text}", suggestions=["Да", "Нет"], step=step),
            now=now,
            message_id=message_id,
            touch=touch,
            lead=lead,
            enqueue_lead=enqueue,
            referrer=referrer,
        )


# -- sessions and messages ---------------------------------------------------------------------


async def test_a_saved_turn_is_loaded_back_with_its_history(store: Store) -> None:
    async with store.turn("s1") as tx:
        assert tx.state is None
    await _turn(store, "s1", "хочу интернет", step=Step.extras)

    async with store.turn("s1") as tx:
        assert tx.state is not None
        assert tx.state.step is Step.extras
        assert tx.state.history[0].text == "привет"

    step, messages = await store.history("s1")
    assert step is Step.extras
    assert [(m.role, m.text, m.suggestions) for m in messages] == [
        ("user", "хочу интернет", []),
        ("assistant", "ответ на хочу интернет", ["Да", "Нет"]),
    ]


async def test_history_of_an_unknown_session_is_empty_and_never_another_sessions(
    store: Store,
) -> None:
    await _turn(store, "alice", "секрет Алисы")
    assert await store.history("bob") == (None, [])
    _, messages = await store.history("alice")
    assert all(m.text.endswith("секрет Алисы") for m in messages)


async def test_an_exception_in_the_turn_writes_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError):
        async with store.turn("s1") as tx:
            await tx.save_turn(
                state=_state(Step.extras),
                user_text="x",
                reply=StoredReply(reply="y", step=Step.extras),
                now=T0,
                lead=_lead(),
                enqueue_lead=True,
            )
            raise RuntimeError("the machine broke")
    assert await store.history("s1") == (None, [])
    assert await store.leads() == []
    assert await store.claim_jobs(T0, 10, LEASE) == []


async def test_a_retried_message_id_finds_the_stored_reply_of_its_own_session_only(
    store: Store,
) -> None:
    await _turn(store, "s1", "Премиум", step=Step.extras, message_id="m-1")
    async with store.turn("s1") as tx:
        assert await tx.stored_reply("m-1") == StoredReply(
            reply="ответ на Премиум", suggestions=["Да", "Нет"], step=Step.extras
        )
        assert await tx.stored_reply("m-2") is None
    async with store.turn("s2") as tx:
        assert await tx.stored_reply("m-1") is None


async def test_turns_of_one_session_never_interleave(store: Store) -> None:
    """Each turn reads the counter the previous one saved: no update is lost."""

    async def bump() -> None:
        async with store.turn("shared") as tx:
            counter = tx.state.misunderstood if tx.state else 0
            await asyncio.sleep(0.001)  # invite interleaving
            await tx.save_turn(
                state=_state(counter=counter + 1),
                user_text=str(counter),
                reply=StoredReply(reply="ok", step=Step.tariff),
                now=T0,
            )

    await asyncio.gather(*(bump() for _ in range(20)))
    async with store.turn("shared") as tx:
        assert tx.state is not None and tx.state.misunderstood == 20
    _, messages = await store.history("shared")
    assert [m.text for m in messages if m.role == "user"] == [str(i) for i in range(20)]


async def test_many_sessions_at_once_keep_their_own_state(store: Store) -> None:
    steps = list(Step)
    await asyncio.gather(
        *(_turn(store, f"s{i}", f"m{i}", step=steps[i % len(steps)]) for i in range(40))
    )
    for i in range(40):
        step, messages = await store.history(f"s{i}")
        assert step is steps[i % len(steps)]
        assert messages[0].text == f"m{i}"


async def test_a_turn_that_cannot_be_written_fails_alone_among_turns_written_at_once(
    store: Store,
) -> None:
    # (SQLite writes the turns of one pass of the event loop in one transaction)
    taken = _lead("first")
    await _turn(store, "first", lead=taken)
    results = await asyncio.gather(
        *(_turn(store, f"s{i}", f"m{i}") for i in range(5)),
        _turn(store, "clash", "same lead id", lead=taken.model_copy(update={"session_id": "clash"})),
        *(_turn(store, f"t{i}", f"n{i}") for i in range(5)),
        return_exceptions=True,
    )
    assert [type(r).__name__ for r in results].count("NoneType") == 10
    assert isinstance(results[5], Exception)
    assert await store.history("clash") == (None, [])
    for name in [f"s{i}" for i in range(5)] + [f"t{i}" for i in range(5)]:
        step, messages = await store.history(name)
        assert step is Step.tariff and len(messages) == 2
    assert [r.lead.session_id for r in await store.leads()] == ["first"]


async def test_state_survives_closing_and_reopening_the_store(database_url: str) -> None:
    first = open_store(database_url)
    await first.open()
    await _turn(first, "s1", "Премиум", step=Step.address, touch=Attribution(utm_source="ya"))
    await first.close()

    second = open_store(database_url)
    await second.open()  # migrations run again: must be a no-op
    try:
        async with second.turn("s1") as tx:
            assert tx.state is not None and tx.state.step is Step.address
            assert tx.touch.first.utm_source == "ya"
        assert (await second.history("s1"))[0] is Step.address
    finally:
        await second.close()


# -- attribution ---------------------------------------------------------------------------------


async def test_first_touch_is_kept_and_latest_touch_merges_non_empty_values(store: Store) -> None:
    await _turn(store, "s1", "1")  # no UTM at all: nothing recorded
    await _turn(store, "s1", "2", touch=Attribution(utm_source="google", utm_medium="cpc"))
    await _turn(store, "s1", "3", touch=Attribution())  # a message without UTM erases nothing
    await _turn(store, "s1", "4", touch=Attribution(utm_source="yandex", gclid="g-1"))

    async with store.turn("s1") as tx:
        assert tx.touch.first == Attribution(utm_source="google", utm_medium="cpc")
        assert tx.touch.latest == Attribution(utm_source="yandex", utm_medium="cpc", gclid="g-1")


# -- leads and the outbox ------------------------------------------------------------------------


async def test_a_lead_without_crm_stays_local_and_is_not_queued(store: Store) -> None:
    lead = _lead(attribution=Attribution(utm_source="google"))
    await _turn(store, "s1", "да", step=Step.done, lead=lead)
    [record] = await store.leads()
    assert record.delivery == "local"
    assert record.lead == lead
    assert (await store.lead(lead.id)) == record
    assert await store.lead("nope") is None
    assert await store.claim_jobs(T0, 10, LEASE) == []


async def test_a_queued_lead_is_leased_to_one_worker_until_the_lease_expires(store: Store) -> None:
    lead = _lead()
    await _turn(store, "s1", "да", step=Step.done, lead=lead, enqueue=True)
    assert (await store.lead(lead.id)).delivery == "pending"  # type: ignore[union-attr]

    [job] = await store.claim_jobs(T0, 10, LEASE)
    assert (job.kind, job.lead, job.attempts) == ("create_lead", lead, 1)
    assert await store.claim_jobs(T0 + dt.timedelta(minutes=1), 10, LEASE) == []

    # The worker crashed after creating the contact: the next one resumes from there.
    await store.job_progress(job.id, crm_contact_id=77)
    [again] = await store.claim_jobs(T0 + LEASE, 10, LEASE)
    assert (again.id, again.attempts, again.crm_contact_id, again.crm_lead_id) == (
        job.id,
        2,
        77,
        None,
    )


async def test_concurrent_workers_never_claim_the_same_job(store: Store) -> None:
    for i in range(10):
        await _turn(store, f"s{i}", "да", lead=_lead(f"s{i}"), enqueue=True)
    batches = await asyncio.gather(*(store.claim_jobs(T0, 3, LEASE) for _ in range(5)))
    ids = [job.id for batch in batches for job in batch]
    assert len(ids) == len(set(ids)) == 10


async def test_retry_waits_for_its_time_and_done_marks_the_lead_delivered(store: Store) -> None:
    lead = _lead()
    await _turn(store, "s1", "да", lead=lead, enqueue=True)
    [job] = await store.claim_jobs(T0, 10, LEASE)
    later = T0 + dt.timedelta(minutes=10)
    await store.job_retry(job.id, later, "HTTP 502")
    record = await store.lead(lead.id)
    assert record is not None
    assert (record.delivery, record.last_error, record.attempts) == ("pending", "HTTP 502", 1)
    assert record.next_attempt_at == later

    assert await store.claim_jobs(later - dt.timedelta(seconds=1), 10, LEASE) == []
    [job] = await store.claim_jobs(later, 10, LEASE)
    await store.job_progress(job.id, crm_contact_id=5, crm_lead_id=9)
    await store.job_done(job.id, later)
    record = await store.lead(lead.id)
    assert record is not None
    assert (record.delivery, record.crm_lead_id, record.crm_contact_id) == ("delivered", 9, 5)
    assert record.delivered_at == later
    assert await store.claim_jobs(later + dt.timedelta(days=1), 10, LEASE) == []


async def test_a_failed_lead_can_be_requeued(store: Store) -> None:
    lead = _lead()
    await _turn(store, "s1", "да", lead=lead, enqueue=True)
    [job] = await store.claim_jobs(T0, 10, LEASE)
    await store.job_failed(job.id, "HTTP 400: bad field")
    record = await store.lead(lead.id)
    assert record is not None and (record.delivery, record.last_error) == (
        "failed",
        "HTTP 400: bad field",
    )
    assert await store.claim_jobs(T0 + dt.timedelta(days=1), 10, LEASE) == []

    assert await store.requeue_lead(lead.id, T0) is True
    assert (await store.lead(lead.id)).delivery == "pending"  # type: ignore[union-attr]
    [job] = await store.claim_jobs(T0, 10, LEASE)
    assert job.lead.id == lead.id and job.attempts == 1
    assert await store.requeue_lead("no-such-lead", T0) is False


async def test_a_local_lead_can_be_queued_later(store: Store) -> None:
    lead = _lead()
    await _turn(store, "s1", "да", lead=lead)
    assert await store.requeue_lead(lead.id, T0) is True
    [job] = await store.claim_jobs(T0, 10, LEASE)
    assert (job.kind, job.lead.id) == ("create_lead", lead.id)


async def test_a_referrer_after_done_patches_the_lead_and_follows_its_creation(
    store: Store,
) -> None:
    lead = _lead()
    await _turn(store, "s1", "да", step=Step.done, lead=lead, enqueue=True)
    await _turn(store, "s1", "Сосед", step=Step.done, referrer=(lead.id, "Сосед Пётр"))

    record = await store.lead(lead.id)
    assert record is not None and record.lead.referrer == "Сосед Пётр"
    # update_referrer never overtakes create_lead: it waits until that is done.
    [create] = await store.claim_jobs(T0, 10, LEASE)
    assert create.kind == "create_lead"
    await store.job_done(create.id, T0)
    [update] = await store.claim_jobs(T0, 10, LEASE)
    assert (update.kind, update.payload) == ("update_referrer", {"referrer": "Сосед Пётр"})


async def test_a_referrer_for_a_local_lead_queues_nothing(store: Store) -> None:
    lead = _lead()
    await _turn(store, "s1", "да", step=Step.done, lead=lead)
    await _turn(store, "s1", "Сосед", step=Step.done, referrer=(lead.id, "Сосед"))
    assert (await store.lead(lead.id)).lead.referrer == "Сосед"  # type: ignore[union-attr]
    assert await store.claim_jobs(T0, 10, LEASE) == []


# -- tokens ----------------------------------------------------------------------------------------


async def test_tokens_round_trip_and_are_replaced(store: Store) -> None:
    assert await store.load_tokens("amocrm") is None
    first = TokenPair(access_token="a1", refresh_token="r1", expires_at=T0)
    await store.save_tokens("amocrm", first)
    assert await store.load_tokens("amocrm") == first
    second = TokenPair(access_token="a2")
    await store.save_tokens("amocrm", second)
    assert await store.load_tokens("amocrm") == second


async def test_token_lock_admits_one_holder_at_a_time(store: Store) -> None:
    inside = 0
    most = 0

    async def refresh() -> None:
        nonlocal inside, most
        async with store.token_lock("amocrm"):
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(refresh() for _ in range(5)))
    assert most == 1


# -- upkeep ------------------------------------------------------------------------------------------


async def test_idle_sessions_expire_with_their_messages_and_leads_stay(store: Store) -> None:
    lead = _lead("old")
    await _turn(store, "old", "давно", lead=lead, now=T0)
    await _turn(store, "recent", "недавно", now=T0 + dt.timedelta(days=20))

    assert await store.expire_sessions(T0 + dt.timedelta(days=10)) == 1
    assert await store.history("old") == (None, [])
    async with store.turn("old") as tx:
        assert tx.state is None  # starts afresh
    assert (await store.history("recent"))[0] is Step.tariff
    assert await store.lead(lead.id) is not None


async def test_funnel_counts_sessions_that_reached_each_step(store: Store) -> None:
    await _turn(store, "a", step=Step.tariff)
    await _turn(store, "b", step=Step.address)
    await _turn(store, "c", step=Step.done)
    await _turn(store, "c", "заново", step=Step.tariff)  # a restart keeps the furthest step
    funnel = await store.funnel()
    assert funnel == {
        Step.tariff: 3,
        Step.extras: 2,
        Step.address: 2,
        Step.contacts: 1,
        Step.schedule: 1,
        Step.confirm: 1,
        Step.done: 1,
    }


async def test_ping_answers_when_the_database_is_there(store: Store) -> None:
    await store.ping()


# -- limits and look-ups -----------------------------------------------------------------------


async def test_a_zero_limit_is_no_leads_on_every_backend(store: Store) -> None:
    for n in range(3):
        await _turn(store, f"lim-{n}", lead=_lead(f"lim-{n}"))
    assert await store.leads(0) == []
    assert len(await store.leads(2)) == 2
    assert len(await store.leads()) == 3
    with pytest.raises(ValueError, match="limit"):
        await store.leads(-1)


async def test_leads_are_found_by_id_prefix_without_loading_them(store: Store) -> None:
    from aida.crm.requeue import resolve

    leads = [_lead(f"pre-{n}") for n in range(3)]
    for lead in leads:
        await _turn(store, lead.session_id, lead=lead)
    first = leads[0].id
    assert await store.lead_ids(first[:10], limit=2) == [first]
    assert await store.lead_ids("%", limit=2) == [] and await store.lead_ids("_", limit=2) == []
    assert len(await store.lead_ids("", limit=2)) == 2

    class NoFullScan:
        """The store, except that listing every lead (and its transcript) fails the test."""

        def __getattr__(self, name: str) -> object:
            if name == "leads":
                raise AssertionError("resolve loaded every lead")
            return getattr(store, name)

    assert await resolve(NoFullScan(), first[:8]) == (first, "requeued")  # type: ignore[arg-type]
    assert await resolve(NoFullScan(), "f" * 40) == (None, "not_found")  # type: ignore[arg-type]
