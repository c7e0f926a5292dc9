"""Start-up and shutdown: in-flight turns finish, idle sessions expire in the background."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import aiohttp
from aiohttp import web
from aiohttp.test_utils import unused_port
from conftest import MakeClient, make_settings
from fake_engine import FakeEngine

from aida.domain import ConversationState, Step
from aida.http import create_app
from aida.store import StoredReply, open_store


async def test_a_turn_in_flight_at_shutdown_finishes_and_is_saved(
    tmp_path: Path, database_url: str
) -> None:
    settings = make_settings(tmp_path, database_url=database_url)
    runner = web.AppRunner(create_app(settings, engine=FakeEngine()), shutdown_timeout=5)
    await runner.setup()
    port = unused_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    async with aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{port}/chat"
        turn = asyncio.create_task(http.post(url, json={"session_id": "s1", "message": "slow"}))
        await asyncio.sleep(0.02)  # the engine is still thinking
        await runner.cleanup()  # what SIGTERM does
        resp = await turn
        assert resp.status == 200
        assert (await resp.json())["step"] == "extras"

    store = open_store(settings.database_url)
    await store.open()
    try:
        step, messages = await store.history("s1")
    finally:
        await store.close()
    assert step is Step.extras and len(messages) == 2


async def test_idle_sessions_are_deleted_after_the_configured_time(
    database_url: str, make_client: MakeClient
) -> None:
    store = open_store(database_url)
    await store.open()
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    async with store.turn("idle") as tx:
        await tx.save_turn(
            state=ConversationState(),
            user_text="привет",
            reply=StoredReply(reply="здравствуйте", step=Step.tariff),
            now=long_ago,
        )
    await store.close()

    client = await make_client(session_ttl_days=2)
    await client.post("/chat", json={"session_id": "active", "message": "Привет"})
    for _ in range(100):
        history = await (await client.get("/chat/history", params={"session_id": "idle"})).json()
        if not history["messages"]:
            break
        await asyncio.sleep(0.02)
    assert history["messages"] == []
    active = await (await client.get("/chat/history", params={"session_id": "active"})).json()
    assert len(active["messages"]) == 2
