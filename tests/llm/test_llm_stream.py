"""POST /chat/stream with the LLM brain, read as the widget reads it: the reply arrives in
verified pieces while the model is still writing, and the pieces are the reply."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from aida.config import Settings
from aida.http import create_app
from aida.http.keys import TURNS
from tests.fakes.openai_server import Say, StandIn

MakeClient = Callable[[web.Application], Awaitable[TestClient[Any, Any]]]


def settings(tmp_path: Path, standin: StandIn, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{tmp_path}/aida.db",
        "rate_limit": "off",
        "redis_url": None,
        "amo_subdomain": None,
        "amo_base_url": None,
        "amo_access_token": None,
        "openai_api_key": "test-key",
        "openai_base_url": standin.base_url,
        "llm_model": "stand-in",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


async def read_events(resp: Any) -> list[tuple[str, dict[str, Any], float]]:
    """The widget's parser: chunks as they come, split on blank lines, `event`/`data` fields;
    each event with the time it arrived."""
    assert resp.headers["Content-Type"].startswith("text/event-stream")
    events: list[tuple[str, dict[str, Any], float]] = []
    buf = ""
    async for chunk in resp.content.iter_any():
        buf += chunk.decode()
        *blocks, buf = re.split(r"\r\n\r\n|\n\n|\r\r", buf)
        for block in blocks:
            name, data = "message", []
            for line in re.split(r"\r\n|\n|\r", block):
                if not line or line.startswith(":"):
                    continue
                field, _, value = line.partition(":")
                if field == "event":
                    name = value.removeprefix(" ")
                elif field == "data":
                    data.append(value.removeprefix(" "))
            events.append((name, json.loads("\n".join(data)), time.monotonic()))
    return events


async def test_a_worded_reply_streams_sentence_by_sentence_while_the_model_writes(
    aiohttp_client: MakeClient, tmp_path: Path, standin: StandIn
) -> None:
    standin.chunk_delay = 0.05  # a model writing about 20 words a second
    client = await aiohttp_client(create_app(settings(tmp_path, standin)))
    resp = await client.post(
        "/chat/stream",
        json={"session_id": "w1", "message": "Здравствуйте, хочу подключить интернет"},
    )
    events = await read_events(resp)
    names = [name for name, _, _ in events]
    deltas = [data["text"] for name, data, _ in events if name == "delta"]
    assert names[-2:] == ["suggestions", "done"] and len(deltas) >= 3
    done = events[-1][1]
    assert "".join(deltas) == done["reply"]
    assert done["reply"].startswith("Хорошо. Здравствуйте!")  # worded by the model
    assert done["reply"].rstrip().endswith("для дома или для офиса?")
    # The first sentence was on screen long before the model finished.
    first_delta = next(at for name, _, at in events if name == "delta")
    assert events[-1][2] - first_delta > 0.5
    history = await (await client.get("/chat/history", params={"session_id": "w1"})).json()
    assert history["messages"][-1]["text"] == done["reply"]


async def test_a_rejected_wording_streams_only_the_template(
    aiohttp_client: MakeClient, tmp_path: Path, standin: StandIn
) -> None:
    client = await aiohttp_client(create_app(settings(tmp_path, standin)))
    await client.post(
        "/chat", json={"session_id": "w2", "message": "Здравствуйте, хочу подключить интернет"}
    )
    # Every price is in, one is wrong: nothing of it may reach the screen.
    standin.script(
        Say(
            "Пакет Домашний — 70 Мбит/с, 1 090 ₽/мес; Пакет Оптимальный — 100 Мбит/с, 1 290 ₽/мес; "
            "Пакет Премиум — 250 Мбит/с, 1 490 ₽/мес; Безлимитище — 500 Мбит/с, 690 ₽/мес. "
            "Какой выберете?",
            chunk_delay=0.01,
        )
    )
    resp = await client.post(
        "/chat/stream", json={"session_id": "w2", "message": "Тарифы для дома"}
    )
    events = await read_events(resp)
    deltas = [data["text"] for name, data, _ in events if name == "delta"]
    assert len(deltas) == 1 and deltas[0] == events[-1][1]["reply"]
    assert not re.search(r"(?<![\d ])690 ₽", deltas[0])
    brain = client.app[TURNS].engine.brain
    assert brain.stats.guard_rejections == {"number": 1}


async def test_without_a_key_the_offline_brain_streams_one_delta(
    aiohttp_client: MakeClient, tmp_path: Path, standin: StandIn
) -> None:
    offline = settings(tmp_path, standin, openai_api_key=None)
    client = await aiohttp_client(create_app(offline))
    resp = await client.post(
        "/chat/stream",
        json={"session_id": "o1", "message": "Здравствуйте, хочу подключить интернет"},
    )
    events = await read_events(resp)
    assert [name for name, _, _ in events] == ["delta", "suggestions", "done"]
    assert standin.requests == []
