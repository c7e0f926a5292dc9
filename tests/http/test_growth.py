"""Nothing a client sends grows without bound: attribution values are cut, a session holds
a bounded number of messages, /chat/history returns the latest page, a lead's transcript is
the latest messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import MakeClient

import aida.service.turns
from aida.domain import ConversationState, Step
from aida.http.keys import STORE
from aida.store import StoredReply


async def _say(client: Any, session: str, text: str, **extra: Any) -> Any:
    return await client.post("/chat", json={"session_id": session, "message": text, **extra})


async def test_history_returns_the_latest_messages_oldest_first(make_client: MakeClient) -> None:
    client = await make_client()
    for n in range(3):
        assert (await _say(client, "h-1", f"m{n}")).status == 200
    resp = await client.get("/chat/history", params={"session_id": "h-1", "limit": "3"})
    body = await resp.json()
    assert [m["role"] for m in body["messages"]] == ["assistant", "user", "assistant"]
    assert body["messages"][1]["text"] == "m2"  # the latest customer message, in order
    assert body["step"] == "contacts"


async def test_history_gives_100_messages_by_default_and_500_at_most(
    make_client: MakeClient,
) -> None:
    client = await make_client()
    store = client.app[STORE]
    for n in range(55):  # 110 messages, written straight to the store
        async with store.turn("h-2") as tx:
            await tx.save_turn(
                state=ConversationState(),
                user_text=f"m{n}",
                reply=StoredReply(reply=f"r{n}", step=Step.tariff),
                now=dt.datetime.now(dt.UTC),
            )
    body = await (await client.get("/chat/history", params={"session_id": "h-2"})).json()
    assert len(body["messages"]) == 100
    assert body["messages"][0]["text"] == "m5" and body["messages"][-1]["text"] == "r54"
    for bad in ("0", "501", "many", "-1"):
        resp = await client.get("/chat/history", params={"session_id": "h-2", "limit": bad})
        assert resp.status == 422, bad
        assert (await resp.json())["error"]["field"] == "limit"
    resp = await client.get("/chat/history", params={"session_id": "h-2", "limit": "500"})
    assert len((await resp.json())["messages"]) == 110


async def test_a_session_holds_a_bounded_number_of_messages(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(aida.service.turns, "SESSION_MESSAGES", 6)
    client = await make_client()
    for n in range(3):
        assert (await _say(client, "full-1", f"m{n}", message_id=f"id{n}")).status == 200
    resp = await _say(client, "full-1", "ещё", message_id="id3")
    assert resp.status == 409
    assert (await resp.json())["error"]["code"] == "session_full"
    # A retry of an answered message is still answered; nothing more was stored.
    assert (await _say(client, "full-1", "m2", message_id="id2")).status == 200
    _, messages = await client.app[STORE].history("full-1")
    assert len(messages) == 6


async def test_attribution_values_are_cut_and_the_transcript_is_the_latest_messages(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(aida.service.turns, "TRANSCRIPT_MESSAGES", 4)
    client = await make_client()
    touch = {"utm_source": "s" * 2000, "referrer": "https://r.example/" + "q" * 2000}
    assert (await _say(client, "cut-1", "m0", **touch)).status == 200
    for n in range(1, 5):
        assert (await _say(client, "cut-1", f"m{n}")).status == 200
    assert (await _say(client, "cut-1", "да")).status == 200
    [record] = await client.app[STORE].leads()
    assert len(record.lead.attribution.utm_source or "") == 256
    assert len(record.lead.attribution.referrer or "") == 1024
    assert [m.text for m in record.lead.transcript][::2] == ["m4", "да"]
