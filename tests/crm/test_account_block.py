"""An unpaid (402) or blocked (403) amoCRM account: delivery pauses, nothing is marked failed,
the operator is told (dashboard state, metric, log), the account is probed gently, and every
lead is delivered once it answers again."""

from __future__ import annotations

import logging

import pytest

from aida.crm.breaker import current_block
from aida.ops.metrics import CRM_ACCOUNT_BLOCKED
from aida.store import Store
from tests.crm.helpers import FakeClock, make_lead
from tests.crm.test_outbox import amo, confirm, crm_on, drive, worker_on  # noqa: F401
from tests.fakes.amocrm import FakeAmo


@pytest.mark.parametrize("status", [403, 402])
async def test_a_blocked_account_pauses_delivery_and_resumes_by_itself(
    amo: FakeAmo,  # noqa: F811
    store: Store,
    clock: FakeClock,
    status: int,
    caplog: pytest.LogCaptureFixture,
) -> None:
    leads = [
        make_lead(session_id=f"s-{i}", phone=f"+7999000001{i}", email=f"b{i}@example.com")
        for i in range(6)
    ]
    for lead in leads[:3]:
        await confirm(store, lead, clock)
    crm = crm_on(amo, store, clock)
    try:
        worker = worker_on(store, crm, clock)
        assert await worker.run_once()  # one lead goes through before the block
        amo.block(status)  # HTML pages on every endpoint, the token endpoint included
        amo.expire_access_tokens()  # so the token must be renewed during the block too
        for lead in leads[3:]:
            await confirm(store, lead, clock)
        with caplog.at_level(logging.WARNING, logger="aida.crm"):
            await drive(worker, store, clock, until=3 * 3600)
        records = [await store.lead(lead.id) for lead in leads]
        assert [r.delivery for r in records if r] == ["delivered"] + ["pending"] * 5
        block = await current_block(store)
        assert block is not None and str(status) in block.reason  # the dashboard's banner
        assert CRM_ACCOUNT_BLOCKED._value.get() == 1
        assert any("crm.account_blocked" in r.getMessage() for r in caplog.records)
        # Gently: one probe after 1, 2, 4, 8, then every 10 minutes — not a retry per lead.
        during = len(amo.requests)
        assert during < 40, during
        assert amo.refresh_rejections == 0  # the refresh token was not thrown away

        amo.block(None)
        await drive(worker, store, clock)
    finally:
        await crm.close()
    records = [await store.lead(lead.id) for lead in leads]
    assert all(r is not None and r.delivery == "delivered" for r in records)
    assert amo.leads_created == 6 and amo.contacts_created == 6 and amo.notes_created == 6
    assert await current_block(store) is None
    assert CRM_ACCOUNT_BLOCKED._value.get() == 0
    assert amo.refreshes == 1  # renewed once the account answered


async def test_a_new_leader_keeps_the_pause(
    amo: FakeAmo,  # noqa: F811
    store: Store,
    clock: FakeClock,
) -> None:
    lead = make_lead()
    await confirm(store, lead, clock)
    amo.block(403)
    crm = crm_on(amo, store, clock)
    try:
        await worker_on(store, crm, clock).run_once()
        assert await current_block(store) is not None
        before = len(amo.requests)
        restarted = worker_on(store, crm, clock)  # another instance, or after a restart
        assert not await restarted.run_once()  # no probe due yet, no lead attempt
        assert len(amo.requests) == before
        amo.block(None)
        await drive(restarted, store, clock)
    finally:
        await crm.close()
    record = await store.lead(lead.id)
    assert record is not None and record.delivery == "delivered"


async def test_an_oauth_refusal_from_the_token_endpoint_still_means_authorise_again(
    amo: FakeAmo,  # noqa: F811
    store: Store,
    clock: FakeClock,
) -> None:
    from aida.crm.port import CrmAccountBlocked, CrmAuthError, CrmRejected, CrmUnavailable

    crm = crm_on(amo, store, clock)
    try:
        with pytest.raises(CrmAuthError):
            await crm.api.http.refresh("def50200-spent")  # 401 + OAuth problem body
        amo.block(403)
        with pytest.raises(CrmAccountBlocked):
            await crm.api.http.refresh("def50200-any")  # 403 HTML: not the token's fault
        amo.block(None)
        amo.fail(400, path="^/oauth2/access_token$", body="html")
        with pytest.raises(CrmUnavailable) as caught:  # a proxy's page: try again later
            await crm.api.http.refresh("def50200-any")
        assert not isinstance(caught.value, (CrmAuthError, CrmRejected))
    finally:
        await crm.close()


async def test_a_403_on_one_request_while_the_account_answers_fails_that_lead(
    amo: FakeAmo,  # noqa: F811
    store: Store,
    clock: FakeClock,
) -> None:
    """The integration may lack a right (tasks, say): amoCRM answers 403 to that request only.
    The probe finds the account working, the refusal repeats: after three rounds the lead is
    failed for the operator instead of pausing everything for ever."""
    lead = make_lead(kind="callback")
    other = make_lead(session_id="s-2", phone="+79990001122", email="x2@example.com")
    await confirm(store, lead, clock)
    await confirm(store, other, clock)
    amo.fail(403, times=1000, method="POST", path=r"^/api/v4/tasks$", body="json")
    crm = crm_on(amo, store, clock)
    try:
        await drive(worker_on(store, crm, clock), store, clock)
    finally:
        await crm.close()
    failed = await store.lead(lead.id)
    assert failed is not None and failed.delivery == "failed"
    assert failed.last_error is not None and "rights" in failed.last_error
    delivered = await store.lead(other.id)
    assert delivered is not None and delivered.delivery == "delivered"
    assert await current_block(store) is None
