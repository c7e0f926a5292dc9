"""OAuth2 tokens: expiry, 401, rotation persisted before use, one refresh at a time."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json

import pytest

from aida.crm.amocrm.tokens import jwt_expiry
from aida.crm.port import CrmAuthError, CrmRefs
from aida.store import open_store
from aida.store.base import TokenPair
from tests.crm.helpers import MemoryTokens, amo_settings, make_lead, open_crm_for
from tests.fakes.amocrm import FakeAmo


async def _noop(refs: CrmRefs) -> None:
    return None


def _jwt(claims: dict[str, object]) -> str:
    enc = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()
    return f"{enc({'alg': 'RS256'})}.{enc(claims)}.c2ln"


def test_expiry_is_read_from_the_jwt() -> None:
    assert jwt_expiry(_jwt({"exp": 1_900_000_000})) == dt.datetime.fromtimestamp(
        1_900_000_000, dt.UTC
    )
    assert jwt_expiry(_jwt({"sub": "x"})) is None
    assert jwt_expiry("opaque-token") is None
    assert jwt_expiry("a.!!!.c") is None


async def test_expired_access_token_is_refreshed_and_persisted_first(
    amo: FakeAmo, tokens: MemoryTokens
) -> None:
    crm = open_crm_for(amo_settings(amo), tokens)
    try:
        await crm.create_lead(make_lead(), CrmRefs(), _noop)
        amo.expire_access_tokens()
        await crm.create_lead(make_lead(), CrmRefs(), _noop)
    finally:
        await crm.close()
    assert amo.refreshes == 1
    stored = tokens.pairs["amocrm"]
    # The stored pair is the one amoCRM now honours: the rotated refresh token is saved.
    assert stored.refresh_token in amo.refresh_tokens
    assert stored.access_token in amo.access_tokens
    assert amo.leads_created == 2


async def test_token_near_its_expiry_is_renewed_before_the_call(
    tokens: MemoryTokens,
) -> None:
    now = [1_800_000_000.0]
    async with FakeAmo.serve(clock=lambda: now[0], access_ttl=3600) as amo:
        settings = amo_settings(amo)
        crm = open_crm_for(
            settings, tokens, clock=lambda: dt.datetime.fromtimestamp(now[0], dt.UTC)
        )
        try:
            await crm.create_lead(make_lead(), CrmRefs(), _noop)
            now[0] += 3600 - 30  # inside the leeway: renew rather than risk a 401 in flight
            await crm.create_lead(make_lead(), CrmRefs(), _noop)
        finally:
            await crm.close()
        assert amo.refreshes == 1
        assert amo.unauthorized == 0


async def test_two_instances_refresh_once(amo: FakeAmo, tokens: MemoryTokens) -> None:
    settings = amo_settings(amo)
    # Two instances sharing one database; both find the token refused at the same moment.
    one, two = open_crm_for(settings, tokens), open_crm_for(settings, tokens)
    try:
        await one.api.tokens.access_token()
        await two.api.tokens.access_token()
        amo.expire_access_tokens()
        refs = await asyncio.gather(
            *(crm.create_lead(make_lead(), CrmRefs(), _noop) for crm in (one, two, one, two))
        )
    finally:
        await one.close()
        await two.close()
    assert amo.refreshes == 1
    assert amo.refresh_rejections == 0
    assert len({r.lead_id for r in refs}) == 4


async def test_restart_uses_the_rotated_pair_not_the_stale_environment(
    amo: FakeAmo, tokens: MemoryTokens
) -> None:
    env = amo.env()
    crm = open_crm_for(amo_settings(amo, env), tokens)
    try:
        amo.expire_access_tokens()
        await crm.create_lead(make_lead(), CrmRefs(), _noop)
    finally:
        await crm.close()
    # The environment still holds the first pair, whose refresh token is spent now.
    assert env["AMO_REFRESH_TOKEN"] in amo.used_refresh_tokens
    restarted = open_crm_for(amo_settings(amo, env), tokens)
    try:
        amo.expire_access_tokens()
        await restarted.create_lead(make_lead(), CrmRefs(), _noop)
    finally:
        await restarted.close()
    assert amo.refreshes == 2
    assert amo.refresh_rejections == 0


async def test_long_lived_token_works_without_refresh(amo: FakeAmo, tokens: MemoryTokens) -> None:
    access, _ = amo.issue_tokens()
    env = amo.env(tokens=(access, None))
    del env["AMO_CLIENT_ID"], env["AMO_CLIENT_SECRET"]
    crm = open_crm_for(amo_settings(amo, env), tokens)
    try:
        await crm.create_lead(make_lead(), CrmRefs(), _noop)
        amo.expire_access_tokens()
        with pytest.raises(CrmAuthError, match="long-lived"):
            await crm.create_lead(make_lead(), CrmRefs(), _noop)
    finally:
        await crm.close()
    assert amo.leads_created == 1
    assert amo.count("POST", "^/oauth2") == 0


async def test_spent_refresh_token_is_reported_and_not_retried(
    amo: FakeAmo, tokens: MemoryTokens
) -> None:
    env = amo.env()
    amo.refresh_tokens.clear()  # e.g. another program used it first
    crm = open_crm_for(amo_settings(amo, env), tokens)
    try:
        amo.expire_access_tokens()
        for _ in range(3):
            with pytest.raises(CrmAuthError, match="Token has been revoked"):
                await crm.create_lead(make_lead(), CrmRefs(), _noop)
    finally:
        await crm.close()
    assert amo.refresh_rejections == 1  # asked once; the dead token is not sent again


async def test_new_environment_pair_replaces_a_refused_stored_pair(
    amo: FakeAmo, tokens: MemoryTokens
) -> None:
    # The database holds a pair amoCRM no longer accepts (integration re-authorized).
    tokens.pairs["amocrm"] = TokenPair(access_token="old", refresh_token="def50200dead")
    env = amo.env()  # the operator put the new pair into the environment and restarted
    crm = open_crm_for(amo_settings(amo, env), tokens)
    try:
        await crm.create_lead(make_lead(), CrmRefs(), _noop)
    finally:
        await crm.close()
    assert amo.leads_created == 1
    assert tokens.pairs["amocrm"].refresh_token in amo.refresh_tokens


async def test_first_start_seeds_the_database_from_the_environment(
    amo: FakeAmo, tokens: MemoryTokens
) -> None:
    env = amo.env()
    crm = open_crm_for(amo_settings(amo, env), tokens)
    try:
        await crm.create_lead(make_lead(), CrmRefs(), _noop)
    finally:
        await crm.close()
    stored = tokens.pairs["amocrm"]
    assert (stored.access_token, stored.refresh_token) == (
        env["AMO_ACCESS_TOKEN"],
        env["AMO_REFRESH_TOKEN"],
    )
    assert stored.expires_at == jwt_expiry(env["AMO_ACCESS_TOKEN"])


@pytest.mark.postgres
async def test_two_instances_on_postgres_refresh_once(amo: FakeAmo, postgres_url: str) -> None:
    """Two AIDA instances (two connections, two token managers) share one PostgreSQL."""
    env = amo.env()
    stores = [open_store(postgres_url), open_store(postgres_url)]
    for store in stores:
        await store.open()
    crms = [open_crm_for(amo_settings(amo, env), store) for store in stores]
    try:
        for crm in crms:
            await crm.api.tokens.access_token()
        amo.expire_access_tokens()
        await asyncio.gather(
            *(crm.create_lead(make_lead(), CrmRefs(), _noop) for crm in crms + crms)
        )
    finally:
        for crm in crms:
            await crm.close()
        for store in stores:
            await store.close()
    assert amo.refreshes == 1 and amo.refresh_rejections == 0
    assert amo.leads_created == 4
