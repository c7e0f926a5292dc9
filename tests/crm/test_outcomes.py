"""The loop closed: leads confirmed in the chat reach amoCRM, managers move them, amoCRM's
status-change webhooks come back, and the dashboard shows connected and lost per source."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from aida.config import Settings
from aida.crm.amocrm.accountcheck import check_webhook
from aida.domain import Attribution
from aida.http import create_app
from aida.http.keys import STORE
from aida.store import Store
from tests.crm.helpers import FakeClock, make_lead, open_crm_for
from tests.crm.test_outbox import confirm
from tests.fakes.amocrm import LOST, SUBDOMAIN, WON, FakeAmo

TOKEN = "admin-token-for-tests-0123456789"
SECRET = "hook-secret-0123456789abcdef"

Client = Callable[[web.Application], Awaitable[TestClient[Any, Any]]]


def _settings(amo: FakeAmo, database_url: str, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        **amo.env(),
        "AIDA_DATABASE_URL": database_url,
        "AIDA_RATE_LIMIT": "off",
        "AIDA_ADMIN_TOKEN": TOKEN,
        "AMO_SUBDOMAIN": SUBDOMAIN,
        "AMO_WEBHOOK_SECRET": SECRET,
        "redis_url": None,
        "openai_api_key": None,
        **extra,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def _until(check: Callable[[], Awaitable[bool]], timeout: float = 20.0) -> None:
    async def wait() -> None:
        while not await check():
            await asyncio.sleep(0.05)

    await asyncio.wait_for(wait(), timeout)


async def test_managers_outcomes_reach_the_dashboard_per_source(
    amo: FakeAmo, database_url: str, aiohttp_client: Client
) -> None:
    settings = _settings(amo, database_url)
    client = await aiohttp_client(create_app(settings))
    store: Store = client.app[STORE]
    clock = FakeClock(start=dt.datetime.now(dt.UTC))
    sources = ["yandex", "yandex", "yandex", "google", "google"]
    leads = [
        make_lead(
            session_id=f"s-{i}",
            phone=f"+7999444000{i}",
            email=f"o{i}@example.com",
            created_at=clock.now(),
            attribution=Attribution(utm_source=src, utm_campaign="winter"),
        )
        for i, src in enumerate(sources)
    ]
    for lead in leads:
        await confirm(store, lead, clock)

    async def all_delivered() -> bool:
        records = [await store.lead(lead.id) for lead in leads]
        return all(r is not None and r.delivery == "delivered" for r in records)

    await _until(all_delivered)  # the service's own outbox worker delivered them

    crm = open_crm_for(settings, store)
    try:  # what `aida crm check --subscribe` does, with the test server's address
        report = await check_webhook(crm.api, settings, str(client.server.make_url("")))
    finally:
        await crm.close()
    assert report.status == "subscribed"

    ids = [(await store.lead(lead.id)).crm_lead_id for lead in leads]  # type: ignore[union-attr]
    await amo.move_lead(ids[0], WON)
    await amo.move_lead(ids[1], LOST, loss_reason_id=9001)
    await amo.move_lead(ids[3], WON)
    await amo.move_lead(ids[4], 70_003)  # installation booked: still in work
    assert [status for _, status in amo.webhook_posts] == [200, 200, 200, 200]
    assert (await store.lead(leads[0].id)).crm_status_id == WON  # type: ignore[union-attr]

    resp = await client.get("/admin/api/funnel", headers={"Authorization": f"Bearer {TOKEN}"})
    funnel = await resp.json()
    outcome = funnel["outcome"]
    assert (outcome["in_crm"], outcome["in_work"], outcome["connected"], outcome["lost"]) == (
        5,
        2,
        2,
        1,
    )
    assert outcome["connection_rate"] == 0.4
    rows = {r["utm_source"]: r for r in funnel["by_source"]}
    assert (rows["yandex"]["leads"], rows["yandex"]["connected"], rows["yandex"]["lost"]) == (
        3,
        1,
        1,
    )
    assert (rows["google"]["connected"], rows["google"]["lost"]) == (1, 0)

    # The webhook does not say why: the worker asks amoCRM while idle.
    async def reason_known() -> bool:
        record = await store.lead(leads[1].id)
        return record is not None and record.crm_loss_reason is not None

    await _until(reason_known)
    resp = await client.get("/admin/api/funnel", headers={"Authorization": f"Bearer {TOKEN}"})
    assert (await resp.json())["outcome"]["loss_reasons"] == {"Дорого": 1}
    page = await client.get("/admin", headers={"Authorization": f"Bearer {TOKEN}"})
    html = await page.text()
    assert "После заявки: итог в amoCRM" in html and "Подключено" in html and "Дорого" in html
    assert "amoCRM: отказ: Дорого" in html and "amoCRM: подключено" in html  # per lead


async def test_the_webhook_endpoint_refuses_what_is_not_amocrm(
    amo: FakeAmo, database_url: str, aiohttp_client: Client
) -> None:
    client = await aiohttp_client(create_app(_settings(amo, database_url)))
    form = {
        "leads[status][0][id]": "10000001",
        "leads[status][0][status_id]": "142",
        "leads[status][0][pipeline_id]": "7000001",
        "account[subdomain]": SUBDOMAIN,
        "account[id]": "29000001",
    }
    assert (await client.post("/amocrm/webhook/wrong-secret", data=form)).status == 404
    assert (await client.post(f"/amocrm/webhook/{SECRET}", data={"x": "1"})).status == 400
    bad = {**form, "leads[status][0][status_id]": "won"}
    assert (await client.post(f"/amocrm/webhook/{SECRET}", data=bad)).status == 400
    other = {**form, "account[subdomain]": "someone-else"}
    assert (await client.post(f"/amocrm/webhook/{SECRET}", data=other)).status == 403
    ok = await client.post(f"/amocrm/webhook/{SECRET}", data=form)  # not an AIDA lead: fine
    assert ok.status == 200


async def test_without_a_secret_the_webhook_is_off(
    amo: FakeAmo, database_url: str, aiohttp_client: Client
) -> None:
    client = await aiohttp_client(create_app(_settings(amo, database_url, AMO_WEBHOOK_SECRET="")))
    resp = await client.post("/amocrm/webhook/", data={"leads[status][0][id]": "1"})
    assert resp.status == 404
    resp = await client.post("/amocrm/webhook/anything", data={"leads[status][0][id]": "1"})
    assert resp.status == 404


async def test_the_dashboard_raises_an_account_block_and_an_expiring_token(
    amo: FakeAmo, database_url: str, aiohttp_client: Client
) -> None:
    from aida.crm.breaker import STATE_NAME
    from aida.store.base import TokenPair

    # A long-lived token (no refresh token) that expires in 5 days, in the settings too, so
    # the worker that starts with the app stores the same pair rather than a fresh one.
    amo.access_ttl = 5 * 24 * 3600
    access, _ = amo.issue_tokens()
    settings = _settings(amo, database_url, AMO_ACCESS_TOKEN=access, AMO_REFRESH_TOKEN="")
    client = await aiohttp_client(create_app(settings))
    store: Store = client.app[STORE]
    now = dt.datetime.now(dt.UTC)
    await store.set_crm_state(
        STATE_NAME,
        # The next probe an hour away: the worker starting with the app does not lift it now.
        {"reason": "amoCRM 403: <html>", "since": now.isoformat(),
         "next_probe": (now + dt.timedelta(hours=1)).isoformat()},
        now,
    )
    expires = now + dt.timedelta(days=5)
    await store.save_tokens("amocrm", TokenPair(access_token=access, expires_at=expires))
    html = await (await client.get("/admin", headers={"Authorization": f"Bearer {TOKEN}"})).text()
    assert "amoCRM не принимает заявки" in html and "заявки ждут в очереди" in html
    assert "Долгосрочный токен amoCRM истекает" in html
    metrics = await (await client.get("/metrics")).text()
    assert "aida_amocrm_token_expires_timestamp" in metrics
