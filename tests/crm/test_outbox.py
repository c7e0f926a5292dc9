"""The outbox: every confirmed lead reaches amoCRM exactly once, whatever amoCRM does.

Runs against the real store (SQLite, and PostgreSQL when reachable) and the stand-in amoCRM;
time is a fake clock, so hours of outage take a moment.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from aida.crm.amocrm.adapter import AMO_RATE, AMO_WINDOW, AmoCrm
from aida.crm.ratelimit import RateLimiter
from aida.crm.worker import Backoff, OutboxWorker
from aida.domain import ConversationState, Lead, Step
from aida.store import Store, StoredReply, open_store
from tests.crm.helpers import FakeClock, amo_settings, make_lead, open_crm_for
from tests.fakes.amocrm import ROUTER_OPTIONS, FakeAmo

LEASE = dt.timedelta(minutes=5)


@pytest.fixture
async def amo() -> Any:
    # Time is fake here, so the stand-in's real-time 7/s check would count fake-fast
    # requests; the limiter itself is tested with real time in test_rate.py.
    async with FakeAmo.serve(max_rps=None) as fake:
        yield fake


def crm_on(amo: FakeAmo, store: Store, clock: FakeClock, **env: Any) -> AmoCrm:
    limiter = RateLimiter(AMO_RATE, AMO_WINDOW, clock=clock.monotonic, sleep=clock.sleep)
    return open_crm_for(
        amo_settings(amo, amo.env(), **env), store, limiter=limiter, clock=clock.now
    )


def worker_on(store: Any, crm: AmoCrm, clock: FakeClock) -> OutboxWorker:
    return OutboxWorker(store, crm, clock=clock.now, lease=LEASE, rand=lambda: 0.5)


async def confirm(store: Store, lead: Lead, clock: FakeClock) -> None:
    """What the conversation does on "да": the lead and its job in the confirming turn."""
    async with store.turn(lead.session_id) as tx:
        await tx.save_turn(
            state=ConversationState(step=Step.done, lead_id=lead.id),
            user_text="да",
            reply=StoredReply(reply="Заявка принята", step=Step.done),
            now=clock.now(),
            lead=lead,
            enqueue_lead=True,
        )


async def give_referrer(store: Store, lead: Lead, text: str, clock: FakeClock) -> None:
    async with store.turn(lead.session_id) as tx:
        await tx.save_turn(
            state=ConversationState(step=Step.done, lead_id=lead.id, referrer_asked=True),
            user_text=text,
            reply=StoredReply(reply="Спасибо!", step=Step.done),
            now=clock.now(),
            referrer=(lead.id, text),
        )


async def drive(
    worker: OutboxWorker, store: Store, clock: FakeClock, *, until: float | None = None
) -> None:
    """Run the worker, moving the clock a minute whenever nothing is due, until the queue is
    empty (or the clock passes `until` seconds)."""
    quiet = 0
    for _ in range(20_000):
        if until is not None and clock.elapsed >= until:
            return
        if await worker.run_once():
            quiet = 0
            continue
        pending = any(r.delivery == "pending" for r in await store.leads())
        quiet = 0 if pending else quiet + 1
        if until is None and quiet > 20:  # 20 idle minutes: longer than any referrer wait
            return
        clock.advance(60)
    raise AssertionError("the outbox never emptied")


async def test_confirmed_lead_is_delivered_once(
    amo: FakeAmo, store: Store, clock: FakeClock
) -> None:
    lead = make_lead()
    await confirm(store, lead, clock)
    record = await store.lead(lead.id)
    assert record is not None and record.delivery == "pending"

    crm = crm_on(amo, store, clock)
    try:
        await drive(worker_on(store, crm, clock), store, clock)
    finally:
        await crm.close()

    record = await store.lead(lead.id)
    assert record is not None
    assert record.delivery == "delivered"
    assert record.crm_lead_id in amo.leads and record.crm_contact_id in amo.contacts
    assert (amo.leads_created, amo.contacts_created, amo.notes_created) == (1, 1, 1)


FAULTS: dict[str, dict[str, Any]] = {
    "429-html-no-retry-after": {"status": 429, "body": "html"},
    "429-json-retry_after": {"status": 429, "retry_after": 300},
    "429-retry-after-header": {"status": 429, "body": "empty", "retry_after_header": 120},
    "500": {"status": 500},
    "502-html": {"status": 502, "body": "html"},
    "503": {"status": 503},
    "504": {"status": 504, "body": "html"},
    "slow-before-work": {"status": 503, "delay": 2.5},
    "slow-after-work": {"status": 0, "delay": 2.5, "delay_after": True},
}


@pytest.mark.parametrize("fault", list(FAULTS.values()), ids=list(FAULTS))
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", r"^/api/v4/leads$"),
        ("POST", r"^/api/v4/contacts$"),
        ("POST", r"/notes$"),
        ("GET", r"^/api/v4/leads$"),
    ],
    ids=["create-lead", "create-contact", "add-note", "search"],
)
async def test_every_fault_ends_with_the_lead_delivered_once(
    amo: FakeAmo,
    store: Store,
    clock: FakeClock,
    fault: dict[str, Any],
    method: str,
    path: str,
) -> None:
    # Twice in a row (a slow answer once: each costs the client's whole timeout).
    injected = amo.fail(times=1 if fault.get("delay") else 2, method=method, path=path, **fault)
    lead = make_lead()
    await confirm(store, lead, clock)
    crm = crm_on(amo, store, clock)
    try:
        await drive(worker_on(store, crm, clock), store, clock)
    finally:
        await crm.close()

    record = await store.lead(lead.id)
    assert record is not None and record.delivery == "delivered"
    # The fault was met.
    assert injected.times == 0 or fault.get("delay_after")
    assert (amo.leads_created, amo.contacts_created, amo.notes_created) == (1, 1, 1)
    if fault.get("retry_after") or fault.get("retry_after_header"):
        wanted = fault.get("retry_after") or fault["retry_after_header"]
        assert clock.elapsed >= 2 * wanted  # amoCRM's requested pause was honoured, twice


async def test_expired_token_is_refreshed_and_the_lead_delivered(
    amo: FakeAmo, store: Store, clock: FakeClock
) -> None:
    crm = crm_on(amo, store, clock)
    lead = make_lead()
    await confirm(store, lead, clock)
    try:
        await crm.api.tokens.access_token()  # the environment's pair is in the database
        amo.expire_access_tokens()  # expired on amoCRM's side, before our clock says so
        await drive(worker_on(store, crm, clock), store, clock)
    finally:
        await crm.close()
    assert amo.unauthorized == 1 and amo.refreshes == 1
    assert amo.leads_created == 1
    saved = await store.load_tokens("amocrm")
    assert saved is not None and saved.refresh_token in amo.refresh_tokens


async def test_rotated_token_survives_a_restart(
    amo: FakeAmo, database_url: str, clock: FakeClock
) -> None:
    env = amo.env()
    for generation in range(3):  # three restarts, each with the same (stale) environment
        store = open_store(database_url)
        await store.open()
        crm = open_crm_for(amo_settings(amo, env), store, clock=clock.now)
        try:
            lead = make_lead(session_id=f"s-{generation}")
            await confirm(store, lead, clock)
            amo.expire_access_tokens()
            await drive(worker_on(store, crm, clock), store, clock)
            record = await store.lead(lead.id)
            assert record is not None and record.delivery == "delivered"
        finally:
            await crm.close()
            await store.close()
    assert amo.refreshes == 3 and amo.refresh_rejections == 0
    assert amo.leads_created == 3


async def test_validation_error_fails_the_lead_until_the_operator_retries(
    amo: FakeAmo, store: Store, clock: FakeClock
) -> None:
    amo.lead_fields["ROUTER"].type = "numeric"  # a field that cannot hold the router's text
    amo.lead_fields["ROUTER"].enums = []
    lead = make_lead(router="rent")
    await confirm(store, lead, clock)
    crm = crm_on(amo, store, clock)
    try:
        worker = worker_on(store, crm, clock)
        await drive(worker, store, clock)
        record = await store.lead(lead.id)
        assert record is not None and record.delivery == "failed"
        assert record.last_error is not None
        assert "AMO_CF_LEAD_ROUTER=2578885" in record.last_error
        assert "InvalidType" in record.last_error
        posts = amo.count("POST", r"^/api/v4/leads$")
        clock.advance(24 * 3600)  # a failed lead is not retried on its own
        assert not await worker.run_once()
        assert amo.count("POST", r"^/api/v4/leads$") == posts

        amo.lead_fields["ROUTER"].type = "select"  # the operator fixes the account
        amo.lead_fields["ROUTER"].enums = ROUTER_OPTIONS
        crm._account = None  # read again at once rather than after ACCOUNT_TTL
        assert await store.requeue_lead(lead.id, clock.now())  # aida leads --retry ID
        await drive(worker, store, clock)
    finally:
        await crm.close()
    record = await store.lead(lead.id)
    assert record is not None and record.delivery == "delivered" and record.last_error is None
    assert record.crm_lead_id is not None
    # The contact made by the refused attempt is the one the lead is linked to.
    assert (amo.leads_created, amo.contacts_created) == (1, 1)
    assert amo.leads[record.crm_lead_id]["contacts"] == [record.crm_contact_id]


class Crash(BaseException):
    """The process dies here (not an Exception: nothing in the worker may catch it)."""


class CrashingStore:
    """The real store, except that one chosen write kills the process instead."""

    def __init__(self, inner: Store, crash_on: str, when: Any = lambda kw: True) -> None:
        self._inner = inner
        self._crash_on = crash_on
        self._when = when
        self.crashed = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def job_progress(self, job_id: int, **kw: Any) -> None:
        self._maybe_crash("job_progress", kw)
        await self._inner.job_progress(job_id, **kw)

    async def job_done(self, job_id: int, now: dt.datetime) -> None:
        self._maybe_crash("job_done", {})
        await self._inner.job_done(job_id, now)

    def _maybe_crash(self, name: str, kw: dict[str, Any]) -> None:
        if not self.crashed and name == self._crash_on and self._when(kw):
            self.crashed = True
            raise Crash(name)


@pytest.mark.parametrize(
    ("crash_on", "when"),
    [
        ("job_progress", lambda kw: kw.get("crm_contact_id") and not kw.get("crm_lead_id")),
        ("job_progress", lambda kw: kw.get("crm_lead_id")),
        ("job_done", lambda kw: True),
    ],
    ids=["after-contact-created", "after-lead-created", "after-note-added"],
)
async def test_crash_between_amocrm_answer_and_local_mark(
    amo: FakeAmo, database_url: str, clock: FakeClock, crash_on: str, when: Any
) -> None:
    first = open_store(database_url)
    await first.open()
    lead = make_lead()
    await confirm(first, lead, clock)
    crashing = CrashingStore(first, crash_on, when)
    crm = crm_on(amo, first, clock)
    try:
        with pytest.raises(Crash):
            await worker_on(crashing, crm, clock).run_once()
    finally:
        await crm.close()
        await first.close()

    # A new process on the same database; the dead worker's lease runs out.
    clock.advance(LEASE.total_seconds() + 1)
    second = open_store(database_url)
    await second.open()
    crm = crm_on(amo, second, clock)
    try:
        await drive(worker_on(second, crm, clock), second, clock)
        record = await second.lead(lead.id)
    finally:
        await crm.close()
        await second.close()
    assert record is not None and record.delivery == "delivered"
    assert (amo.leads_created, amo.contacts_created, amo.notes_created) == (1, 1, 1)
    assert record.crm_lead_id in amo.leads


async def test_hours_of_outage_end_with_every_lead_delivered_once(
    amo: FakeAmo, store: Store, clock: FakeClock
) -> None:
    leads = [
        make_lead(session_id=f"s-{i}", phone=f"+7999000000{i}", email=f"c{i}@example.com")
        for i in range(5)
    ]
    for lead in leads:
        await confirm(store, lead, clock)
    amo.outage = 503
    crm = crm_on(amo, store, clock)
    try:
        worker = worker_on(store, crm, clock)
        await drive(worker, store, clock, until=3 * 3600)
        records = [await store.lead(lead.id) for lead in leads]
        assert all(r is not None and r.delivery == "pending" for r in records)
        tries_during_outage = amo.count("GET") + amo.count("POST")
        # Backed off: far fewer than one try a minute per lead, but still trying.
        assert 5 * 5 <= tries_during_outage < 5 * 60

        amo.outage = None
        back = clock.elapsed
        await drive(worker, store, clock)
    finally:
        await crm.close()
    delivered = [await store.lead(lead.id) for lead in leads]
    assert all(r is not None and r.delivery == "delivered" for r in delivered)
    assert amo.leads_created == 5 and amo.contacts_created == 5 and amo.notes_created == 5
    # The backoff is capped: once amoCRM is back, no lead waits much longer than the cap.
    last = max(r.delivered_at for r in delivered if r is not None and r.delivered_at)
    assert last - (clock.start + dt.timedelta(seconds=back)) <= dt.timedelta(
        seconds=Backoff().cap + 120
    )


async def test_referrer_follows_its_lead(amo: FakeAmo, store: Store, clock: FakeClock) -> None:
    lead = make_lead()
    await confirm(store, lead, clock)
    await give_referrer(store, lead, "сосед Андрей", clock)  # before the lead reached amoCRM
    amo.fail(status=503, times=3, method="POST", path=r"^/api/v4/leads$")
    crm = crm_on(amo, store, clock)
    try:
        await drive(worker_on(store, crm, clock), store, clock)
    finally:
        await crm.close()
    record = await store.lead(lead.id)
    assert record is not None and record.crm_lead_id is not None
    assert amo.lead_field(record.crm_lead_id, "REFERRER") == "сосед Андрей"
    assert amo.leads_created == 1


async def test_referrer_given_after_delivery_patches_the_lead(
    amo: FakeAmo, store: Store, clock: FakeClock
) -> None:
    lead = make_lead()
    await confirm(store, lead, clock)
    crm = crm_on(amo, store, clock)
    try:
        worker = worker_on(store, crm, clock)
        await drive(worker, store, clock)
        record = await store.lead(lead.id)
        assert record is not None and record.crm_lead_id is not None
        assert amo.lead_field(record.crm_lead_id, "REFERRER") is None
        await give_referrer(store, lead, "Мария из 5-го подъезда", clock)
        await drive(worker, store, clock)
    finally:
        await crm.close()
    assert amo.lead_field(record.crm_lead_id, "REFERRER") == "Мария из 5-го подъезда"
    assert amo.count("PATCH") == 1 and amo.leads_created == 1
