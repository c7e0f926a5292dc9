"""A crowd on PostgreSQL: more simultaneous confirmations than the pool has connections.

A confirming turn once took a second connection (the transcript read) while holding its
first: with as many confirmations at once as connections, nobody proceeded, ever.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from conftest import make_settings
from fake_engine import FakeEngine

from aida.http import create_app
from aida.http.keys import STORE

pytestmark = pytest.mark.postgres

TO_CONFIRM = 5  # the stand-in engine reaches `confirm` after five messages


async def _post(client: Any, session: str, text: str, message_id: str) -> Any:
    return await client.post(
        "/chat", json={"session_id": session, "message": text, "message_id": message_id}
    )


async def test_more_confirmations_at_once_than_connections_all_finish(
    aiohttp_client: Any, tmp_path: Path, postgres_url: str
) -> None:
    settings = make_settings(tmp_path, database_url=postgres_url, database_pool_size=3)
    client = await aiohttp_client(create_app(settings, engine=FakeEngine()))
    # More than this test's pool (3) and than the default pool (20).
    sessions = [f"crowd-{n}" for n in range(24)]
    for session in sessions:
        for n in range(TO_CONFIRM):
            assert (await _post(client, session, f"шаг {n}", f"m{n}")).status == 200

    confirmations = [_post(client, s, "да", "yes") for s in sessions]
    responses = await asyncio.wait_for(asyncio.gather(*confirmations), timeout=30)

    assert [r.status for r in responses] == [200] * len(sessions)
    assert {(await r.json())["step"] for r in responses} == {"done"}
    records = await client.app[STORE].leads()
    assert sorted(r.lead.session_id for r in records) == sorted(sessions)
    # Each lead carries its conversation, read on the turn's own connection.
    assert all(len(r.lead.transcript) == 2 * (TO_CONFIRM + 1) for r in records)


async def test_a_turn_that_gets_no_connection_fails_cleanly_and_its_retry_works(
    aiohttp_client: Any, tmp_path: Path, postgres_url: str
) -> None:
    settings = make_settings(
        tmp_path, database_url=postgres_url, database_pool_size=1, database_wait_seconds=0.3
    )
    client = await aiohttp_client(create_app(settings, engine=FakeEngine()))
    assert (await _post(client, "busy-1", "привет", "m0")).status == 200

    pool = client.app[STORE].pool  # type: ignore[attr-defined]
    held = await pool.acquire()  # every connection busy (a stuck query, another crowd)
    try:
        resp = await asyncio.wait_for(_post(client, "busy-1", "Премиум", "m1"), timeout=10)
        body = await resp.json()
    finally:
        await pool.release(held)
    assert resp.status == 503
    assert body["error"]["code"] == "busy" and body["error"]["message"]
    assert int(resp.headers["Retry-After"]) >= 1

    retried = await _post(client, "busy-1", "Премиум", "m1")
    assert retried.status == 200
    history = await (await client.get("/chat/history", params={"session_id": "busy-1"})).json()
    # Nothing of the failed attempt was saved: one user message per message id.
    assert [m["text"] for m in history["messages"] if m["role"] == "user"] == [
        "привет",
        "Премиум",
    ]
