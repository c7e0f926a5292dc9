"""POST /chat and GET /chat/history as the widget and integrations use them."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient
from conftest import MakeClient, make_settings
from fake_engine import FakeEngine

from aida.http import create_app
from aida.http.keys import STORE


async def _say(client: TestClient[Any, Any], session_id: str, message: str, **extra: Any) -> Any:
    resp = await client.post("/chat", json={"session_id": session_id, "message": message, **extra})
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def test_the_seeds_request_gets_the_seeds_answer_plus_step_and_session(
    client: TestClient[Any, Any],
) -> None:
    resp = await client.post(
        "/chat",
        json={
            "session_id": "session-123",
            "message": "Здравствуйте, хочу подключить интернет",
            "utm_source": "google",
            "utm_medium": "cpc",
            "utm_campaign": "winter2025",
            "something_new": {"ignored": True},
        },
    )
    assert resp.status == 200
    assert resp.content_type == "application/json"
    assert await resp.json() == {
        "reply": "Шаг extras: Здравствуйте, хочу подключить интернет",
        "suggestions": ["Дальше после extras"],
        "step": "extras",
        "session_id": "session-123",
    }


async def test_history_returns_the_sessions_messages_in_order(client: TestClient[Any, Any]) -> None:
    await _say(client, "s1", "Привет")
    await _say(client, "s1", "Премиум")
    resp = await client.get("/chat/history", params={"session_id": "s1"})
    assert resp.status == 200
    assert await resp.json() == {
        "session_id": "s1",
        "step": "address",
        "messages": [
            {"role": "user", "text": "Привет", "suggestions": []},
            {
                "role": "assistant",
                "text": "Шаг extras: Привет",
                "suggestions": ["Дальше после extras"],
            },
            {"role": "user", "text": "Премиум", "suggestions": []},
            {
                "role": "assistant",
                "text": "Шаг address: Премиум",
                "suggestions": ["Дальше после address"],
            },
        ],
    }


async def test_history_of_an_unknown_id_is_empty_at_the_first_step(
    client: TestClient[Any, Any],
) -> None:
    await _say(client, "alice", "мой телефон 89991234567")
    resp = await client.get("/chat/history", params={"session_id": "alice2"})
    assert await resp.json() == {"session_id": "alice2", "step": "tariff", "messages": []}


async def test_a_retry_with_the_same_message_id_answers_the_same_and_does_nothing_twice(
    client: TestClient[Any, Any], engine: FakeEngine
) -> None:
    first = await _say(client, "s1", "Премиум", message_id="c-1")
    again = await _say(client, "s1", "Премиум", message_id="c-1")
    assert again == first
    assert engine.calls == 1
    history = await (await client.get("/chat/history", params={"session_id": "s1"})).json()
    assert len(history["messages"]) == 2
    # A new message id is a new message.
    assert (await _say(client, "s1", "Премиум", message_id="c-2"))["step"] == "address"


async def test_the_same_session_from_two_clients_at_once_never_interleaves(
    client: TestClient[Any, Any],
) -> None:
    steps = await asyncio.gather(*(_say(client, "shared", f"m{i}") for i in range(5)))
    # Each turn saw the previous one's state: the five steps were taken one by one.
    assert sorted(s["step"] for s in steps) == [
        "address",
        "confirm",
        "contacts",
        "extras",
        "schedule",
    ]
    history = await (await client.get("/chat/history", params={"session_id": "shared"})).json()
    roles = [m["role"] for m in history["messages"]]
    assert roles == ["user", "assistant"] * 5
    for question, answer in zip(history["messages"][::2], history["messages"][1::2], strict=True):
        assert answer["text"].endswith(question["text"])


async def test_many_sessions_at_once_each_get_their_own_conversation(
    client: TestClient[Any, Any],
) -> None:
    async def customer(i: int) -> None:
        for n in range(3):
            body = await _say(client, f"c{i}", f"{i}-{n}")
            assert body["session_id"] == f"c{i}"
            assert body["reply"].endswith(f"{i}-{n}")

    await asyncio.gather(*(customer(i) for i in range(30)))
    for i in range(30):
        history = await (await client.get("/chat/history", params={"session_id": f"c{i}"})).json()
        assert history["step"] == "contacts"
        assert [m["text"] for m in history["messages"][::2]] == [f"{i}-{n}" for n in range(3)]


async def test_a_restart_in_the_middle_of_a_conversation_keeps_it(
    aiohttp_client: Any, tmp_path: Path, database_url: str
) -> None:
    settings = make_settings(tmp_path, database_url=database_url)
    first = await aiohttp_client(create_app(settings, engine=FakeEngine()))
    await _say(first, "s1", "Привет")
    await _say(first, "s1", "Премиум")
    await first.close()

    second = await aiohttp_client(create_app(settings, engine=FakeEngine()))
    assert (await _say(second, "s1", "ул. Мира 1"))["step"] == "contacts"
    history = await (await second.get("/chat/history", params={"session_id": "s1"})).json()
    assert [m["text"] for m in history["messages"][::2]] == ["Привет", "Премиум", "ул. Мира 1"]


async def test_the_lead_carries_the_first_touch_and_empty_utm_erases_nothing(
    client: TestClient[Any, Any],
) -> None:
    await _say(
        client,
        "s1",
        "Привет",
        utm_source="google",
        utm_medium="cpc",
        landing_page="https://smit34.ru/tarify?utm_source=google",
        gclid="G-1",
    )
    # The seed's widget sends empty strings for missing tags.
    await _say(client, "s1", "Премиум", utm_source="", utm_medium="")
    await _say(client, "s1", "адрес", utm_source="yandex", yclid="Y-1")
    for text in ("контакты", "завтра"):
        await _say(client, "s1", text)
    assert (await _say(client, "s1", "да"))["step"] == "done"

    [record] = await client.app[STORE].leads()
    attribution = record.lead.attribution
    assert attribution.utm_source == "google" and attribution.utm_medium == "cpc"
    assert attribution.gclid == "G-1" and attribution.yclid is None
    assert attribution.landing_page == "https://smit34.ru/tarify?utm_source=google"
    assert record.delivery == "local"  # no CRM configured


async def test_with_latest_attribution_configured_the_lead_carries_the_latest_touch(
    make_client: MakeClient,
) -> None:
    client = await make_client(attribution="latest")
    await _say(client, "s1", "Привет", utm_source="google", utm_campaign="winter")
    await _say(client, "s1", "Премиум", utm_source="yandex")
    for text in ("адрес", "контакты", "завтра", "да"):
        await _say(client, "s1", text)
    [record] = await client.app[STORE].leads()
    assert (record.lead.attribution.utm_source, record.lead.attribution.utm_campaign) == (
        "yandex",
        "winter",
    )
