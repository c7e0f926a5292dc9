"""The worker as the service runs it: in the background, within amoCRM's rate, stopping
cleanly at shutdown."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from aiohttp import web

from aida.crm.ratelimit import RateLimiter
from aida.crm.worker import OutboxWorker, crm_worker, worker_cleanup_ctx
from aida.store import Store, TokenPair, open_store
from tests.crm.helpers import FakeClock, amo_settings, make_lead, open_crm_for
from tests.crm.test_outbox import confirm
from tests.fakes.amocrm import FakeAmo


async def until(condition: object, timeout: float = 10.0) -> None:
    async def wait() -> None:
        while not await condition():  # type: ignore[operator]
            await asyncio.sleep(0.02)

    await asyncio.wait_for(wait(), timeout)


def real_now() -> FakeClock:
    return FakeClock(start=dt.datetime.now(dt.UTC))


async def test_limiter_never_allows_more_than_seven_in_any_second() -> None:
    clock = FakeClock()
    limiter = RateLimiter(7, 1.0, clock=clock.monotonic, sleep=clock.sleep)
    stamps = []
    for _ in range(50):
        await limiter.acquire()
        stamps.append(clock.monotonic())
        clock.advance(0.01)  # callers arrive much faster than 7/s
    for i, start in enumerate(stamps):  # (a microsecond of float rounding aside)
        assert sum(1 for t in stamps[i:] if t < start + 1.0 - 1e-6) <= 7
    assert stamps[-1] >= 6.0  # 50 requests need at least 7 windows: they were held back


async def test_worker_keeps_within_amocrm_rate(amo: FakeAmo, store: Store) -> None:
    clock = real_now()
    for i in range(4):
        await confirm(store, make_lead(session_id=f"s-{i}", phone=f"+7999111223{i}"), clock)
    crm = open_crm_for(amo_settings(amo), store)
    try:
        worker = OutboxWorker(store, crm)
        while await worker.run_once():
            pass
    finally:
        await crm.close()
    assert amo.leads_created == 4
    assert len(amo.requests) >= 20  # enough requests to cross several one-second windows
    assert amo.rate_limited == 0  # the stand-in enforces 7/s and never had to refuse


async def test_stop_finishes_the_request_in_flight_and_releases_the_job(
    amo: FakeAmo, store: Store
) -> None:
    clock = real_now()
    lead = make_lead()
    await confirm(store, lead, clock)
    # amoCRM creates the lead at once but answers a second later.
    amo.fail(status=0, delay=1.0, delay_after=True, method="POST", path=r"^/api/v4/leads$")
    crm = open_crm_for(amo_settings(amo), store)
    try:
        worker = OutboxWorker(store, crm)
        async with worker.running(grace=10):
            await until(lambda: _async(amo.leads_created == 1))
        # Shutdown waited for the answer and saved it, then handed the job back.
        record = await store.lead(lead.id)
        assert record is not None and record.crm_lead_id is not None
        assert record.delivery == "pending"
        assert amo.notes_created == 0

        restarted = OutboxWorker(store, crm)  # no lease to wait for
        assert await restarted.run_once()
    finally:
        await crm.close()
    record = await store.lead(lead.id)
    assert record is not None and record.delivery == "delivered"
    assert (amo.leads_created, amo.notes_created) == (1, 1)


async def test_stop_after_the_grace_period_releases_the_job(amo: FakeAmo, store: Store) -> None:
    clock = real_now()
    lead = make_lead()
    await confirm(store, lead, clock)
    # Slower than the grace period: the request is cut, amoCRM still creates the lead.
    amo.fail(status=0, delay=1.0, method="POST", path=r"^/api/v4/leads$")
    crm = open_crm_for(amo_settings(amo), store)
    try:
        worker = OutboxWorker(store, crm)
        async with worker.running(grace=0.2):
            await until(lambda: _async(amo.count("POST", r"^/api/v4/leads$") == 1))
        record = await store.lead(lead.id)
        assert record is not None and record.delivery == "pending"
        await until(lambda: _async(amo.leads_created == 1))  # amoCRM finished it anyway

        assert await OutboxWorker(store, crm).run_once()  # claimable at once: lease released
    finally:
        await crm.close()
    record = await store.lead(lead.id)
    assert record is not None and record.delivery == "delivered"
    assert (amo.leads_created, amo.notes_created) == (1, 1)  # found, not created again


async def test_no_worker_without_amocrm(store: Store) -> None:
    from aida.config import Settings

    async with crm_worker(Settings(_env_file=None), store) as worker:  # type: ignore[call-arg]
        assert worker is None


async def test_http_app_delivers_leads_in_the_background(amo: FakeAmo, store: Store) -> None:
    store_key = web.AppKey("store", Store)  # type: ignore[type-abstract]
    app = web.Application()
    app[store_key] = store
    app.cleanup_ctx.append(worker_cleanup_ctx(amo_settings(amo), lambda a: a[store_key]))
    runner = web.AppRunner(app)
    await runner.setup()  # runs the cleanup contexts' start: the worker is running now
    try:
        lead = make_lead()
        await confirm(store, lead, real_now())

        async def delivered() -> bool:
            record = await store.lead(lead.id)
            return record is not None and record.delivery == "delivered"

        await until(delivered)
    finally:
        await runner.cleanup()
    assert amo.leads_created == 1


async def _async(value: bool) -> bool:
    return value


@pytest.fixture(autouse=True)
def _fast_idle(monkeypatch: pytest.MonkeyPatch) -> None:
    # The background worker looks for new jobs every second; tests need not wait that long.
    original = OutboxWorker.__init__

    def init(self: OutboxWorker, *args: object, **kw: object) -> None:
        kw.setdefault("idle_wait", 0.05)
        original(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(OutboxWorker, "__init__", init)


async def test_a_store_gives_the_outbox_role_to_one_instance_at_a_time(database_url: str) -> None:
    first, second = open_store(database_url), open_store(database_url)
    await first.open()
    await second.open()
    try:
        async with first.leadership("crm-outbox") as leads:
            assert leads
            if database_url.startswith("postgresql"):
                async with second.leadership("crm-outbox") as also:
                    assert not also  # another instance holds it
        async with second.leadership("crm-outbox") as now_leads:
            assert now_leads  # released on exit
    finally:
        await first.close()
        await second.close()


@pytest.mark.postgres
async def test_of_two_instances_one_delivers_so_the_rate_holds_for_the_account(
    amo: FakeAmo, postgres_url: str
) -> None:
    stores = [open_store(postgres_url), open_store(postgres_url)]
    for s in stores:
        await s.open()
    clock = real_now()
    for i in range(4):
        await confirm(stores[0], make_lead(session_id=f"s-{i}", phone=f"+7999111224{i}"), clock)
    crms = [open_crm_for(amo_settings(amo), s) for s in stores]
    workers = [OutboxWorker(s, c, idle_wait=0.05, standby_wait=0.05) for s, c in zip(stores, crms)]
    delivered: list[int] = [0, 0]
    originals = [c.create_lead for c in crms]

    def counting(i: int):  # type: ignore[no-untyped-def]
        async def create_lead(*args, **kwargs):  # type: ignore[no-untyped-def]
            delivered[i] += 1
            return await originals[i](*args, **kwargs)
        return create_lead

    for i, c in enumerate(crms):
        c.create_lead = counting(i)  # type: ignore[method-assign]
    try:
        async with workers[0].running(), workers[1].running():
            await until(lambda: _created(amo, 4), timeout=30)
    finally:
        for c in crms:
            await c.close()
        for s in stores:
            await s.close()
    assert amo.leads_created == 4
    assert sorted(delivered) == [0, 4]  # one instance delivered everything
    assert amo.rate_limited == 0


async def _created(amo: FakeAmo, n: int) -> bool:
    return amo.leads_created >= n


async def test_an_idle_worker_keeps_the_amocrm_tokens_alive(amo: FakeAmo, store: Store) -> None:
    # No lead for months: without a refresh the single-use refresh token would lapse.
    access, refresh = amo.issue_tokens()
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    await store.save_tokens("amocrm", TokenPair(access_token=access, refresh_token=refresh,
                                                expires_at=past))
    crm = open_crm_for(amo_settings(amo), store)
    worker = OutboxWorker(store, crm, idle_wait=0.05, keep_alive_every=0)
    try:
        async with worker.running():
            await until(lambda: _refreshed(amo), timeout=10)
    finally:
        await crm.close()
    stored = await store.load_tokens("amocrm")
    assert stored is not None and stored.refresh_token in amo.refresh_tokens
    assert stored.expires_at is not None and stored.expires_at > dt.datetime.now(dt.UTC)
    assert amo.leads_created == 0


async def _refreshed(amo: FakeAmo) -> bool:
    return amo.refreshes >= 1


@pytest.mark.postgres
async def test_deployments_in_separate_schemas_each_have_their_outbox_role(
    postgres_url: str,
) -> None:
    import asyncpg

    base, _, _ = postgres_url.partition("?")
    other_schema = f"aida_other_{dt.datetime.now().strftime('%H%M%S%f')}"
    admin = await asyncpg.connect(base)
    await admin.execute(f'CREATE SCHEMA "{other_schema}"')
    ours, theirs = open_store(postgres_url), open_store(f"{base}?search_path={other_schema}")
    try:
        await ours.open()
        await theirs.open()
        async with ours.leadership("crm-outbox") as a, theirs.leadership("crm-outbox") as b:
            assert a and b  # one database, two deployments: neither blocks the other
    finally:
        await ours.close()
        await theirs.close()
        await admin.execute(f'DROP SCHEMA "{other_schema}" CASCADE')
        await admin.close()
