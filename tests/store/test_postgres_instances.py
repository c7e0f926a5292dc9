"""PostgreSQL serves several instances: locks hold across separate stores (pools)."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator

import pytest

from aida.domain import ConversationState, Step
from aida.store import Store, StoredReply, open_store

pytestmark = pytest.mark.postgres

T0 = dt.datetime(2025, 3, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
async def two_instances(postgres_url: str) -> AsyncIterator[tuple[Store, Store]]:
    stores = (open_store(postgres_url), open_store(postgres_url))
    await asyncio.gather(*(s.open() for s in stores))  # migrating at once is safe
    yield stores
    for s in stores:
        await s.close()


async def test_turns_of_one_session_on_two_instances_never_interleave(
    two_instances: tuple[Store, Store],
) -> None:
    async def bump(store: Store) -> None:
        async with store.turn("shared") as tx:
            counter = tx.state.misunderstood if tx.state else 0
            await asyncio.sleep(0.002)
            await tx.save_turn(
                state=ConversationState(misunderstood=counter + 1),
                user_text=str(counter),
                reply=StoredReply(reply="ok", step=Step.tariff),
                now=T0,
            )

    await asyncio.gather(*(bump(two_instances[i % 2]) for i in range(20)))
    async with two_instances[0].turn("shared") as tx:
        assert tx.state is not None and tx.state.misunderstood == 20


async def test_the_token_lock_holds_across_instances(two_instances: tuple[Store, Store]) -> None:
    inside = 0
    most = 0

    async def refresh(store: Store) -> None:
        nonlocal inside, most
        async with store.token_lock("amocrm"):
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(refresh(two_instances[i % 2]) for i in range(6)))
    assert most == 1


async def test_a_session_in_a_turn_is_not_expired_under_it(
    two_instances: tuple[Store, Store],
) -> None:
    a, b = two_instances
    async with a.turn("s1") as tx:
        await tx.save_turn(
            state=ConversationState(),
            user_text="x",
            reply=StoredReply(reply="y", step=Step.tariff),
            now=T0,
        )
    async with a.turn("s1"):
        assert await b.expire_sessions(T0 + dt.timedelta(days=60)) == 0
    assert await b.expire_sessions(T0 + dt.timedelta(days=60)) == 1
