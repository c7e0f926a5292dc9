"""The real conversation engine with the live chat: who asks for a person, when a manager
joins, what happens outside the hours, and how the onboarding goes on afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient

from aida.config import Settings
from aida.handoff.channel import connect
from aida.http import create_app
from aida.http.keys import STORE
from tests.fakes.amojo import FakeAmojo
from tests.handoff.conftest import catalog_with_hours, handoff_settings
from tests.handoff.helpers import EventReader, eventually

AppClient = Any


async def _client(aiohttp_client: AppClient, tmp_path: Path, amojo: FakeAmojo,
                  hours: str, **overrides: Any) -> TestClient[Any, Any]:
    settings = handoff_settings(f"sqlite:///{tmp_path}/a.db", amojo,
                                catalog_path=catalog_with_hours(tmp_path, hours), **overrides)
    client: TestClient[Any, Any] = await aiohttp_client(create_app(settings))
    channel = await connect(settings, client.app[STORE], amojo.amojo_id)
    amojo.webhook_url = str(client.make_url(f"/amojo/webhook/{channel.scope_id}"))
    return client


async def _say(client: TestClient[Any, Any], session: str, text: str) -> dict[str, Any]:
    resp = await client.post("/chat", json={"session_id": session, "message": text})
    assert resp.status == 200
    data: dict[str, Any] = await resp.json()
    return data


async def test_a_person_asked_for_mid_onboarding_and_the_onboarding_goes_on(
    aiohttp_client: AppClient, tmp_path: Path, amojo: FakeAmojo
) -> None:
    client = await _client(aiohttp_client, tmp_path, amojo, "00:00-24:00")
    s = "real-1"
    await _say(client, s, "Хочу интернет домой, Пакет Премиум")
    answer = await _say(client, s, "Позовите оператора")
    assert answer["handoff"] == "operator", answer
    assert answer["reply"].startswith("Подключаю менеджера")
    assert (await _say(client, s, "Какой роутер лучше?"))["reply"] == ""
    await eventually(lambda: "Какой роутер лучше?" in amojo.texts(s), what="relay")
    events = await client.get("/chat/events", params={"session_id": s})
    reader = EventReader(events)
    await amojo.manager_says(s, "Любой из наших подойдёт!", name="Ольга")
    await amojo.manager_says(s, "/bot")
    frames = [await reader.next() for _ in range(4)]
    assert [f["event"] for f in frames] == ["status", "message", "status", "message"]
    back = frames[-1]["data"]
    assert back["text"].startswith("Менеджер завершил разговор. Продолжим оформление заявки")
    assert back["suggestions"], "the step's buttons come back"
    events.close()
    answer = await _say(client, s, "без камер, IP не нужен")
    assert "handoff" not in answer
    assert answer["step"] in ("extras", "address"), answer
    history = await (await client.get("/chat/history", params={"session_id": s})).json()
    assert any("Премиум" in m["text"] for m in history["messages"] if m["role"] == "assistant")


async def test_two_misses_bring_a_manager(
    aiohttp_client: AppClient, tmp_path: Path, amojo: FakeAmojo
) -> None:
    client = await _client(aiohttp_client, tmp_path, amojo, "00:00-24:00")
    s = "real-2"
    await _say(client, s, "Хочу интернет домой")
    first = await _say(client, s, "фывапролдж")
    assert "handoff" not in first
    second = await _say(client, s, "ыаывоарыоа")
    assert second["handoff"] == "operator", second
    assert second["reply"].startswith("Похоже, я вас не совсем понимаю. Подключаю менеджера")


async def test_outside_hours_the_customer_hears_when_and_gets_a_callback(
    aiohttp_client: AppClient, tmp_path: Path, amojo: FakeAmojo
) -> None:
    client = await _client(aiohttp_client, tmp_path, amojo, "")
    s = "real-3"
    await _say(client, s, "Хочу интернет домой")
    answer = await _say(client, s, "Соедините с человеком")
    assert "handoff" not in answer
    assert "Сейчас менеджеры не в сети" in answer["reply"]
    assert "перезвонит" in answer["reply"]
    asked = await _say(client, s, "+7 999 123-45-67")
    assert "согласны на обработку персональных данных" in asked["reply"]  # 152-FZ, first
    await _say(client, s, "Согласен")  # the name is asked once: «Как к вам обращаться?»
    done = await _say(client, s, "Без имени")
    assert "перезвонит вам по номеру +7 999 123-45-67" in done["reply"]
    assert amojo.chats == {}


async def test_without_the_live_chat_the_support_contacts_as_before(
    aiohttp_client: AppClient, tmp_path: Path
) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=f"sqlite:///{tmp_path}/b.db", rate_limit="off",
        redis_url=None, amo_subdomain=None, amo_base_url=None, amo_access_token=None,
        openai_api_key=None)
    client: TestClient[Any, Any] = await aiohttp_client(create_app(settings))
    await _say(client, "real-4", "Хочу интернет домой")
    answer = await _say(client, "real-4", "Позовите оператора")
    assert "handoff" not in answer and "support@smit34.ru" in answer["reply"]
    assert (await client.get("/chat/events", params={"session_id": "real-4"})).status == 404
