"""Two instances on one PostgreSQL: the manager's webhook lands on one while the customer's
page streams from the other; through Redis when configured, the database otherwise."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from aida.handoff.channel import connect
from aida.http import create_app
from aida.http.keys import STORE
from tests.fakes.amojo import FakeAmojo
from tests.handoff.conftest import ASK_PERSON, AskingEngine, handoff_settings
from tests.handoff.helpers import EventReader, eventually

pytestmark = pytest.mark.postgres

AppClient = Callable[[web.Application], Awaitable[TestClient[Any, Any]]]


@pytest.mark.redis
async def test_through_redis(aiohttp_client: AppClient, postgres_url: str, amojo: FakeAmojo,
                             redis_url: str, redis_prefix: str) -> None:
    await _two_instances("redis", aiohttp_client, postgres_url, amojo,
                         redis_url=redis_url, redis_prefix=redis_prefix)


async def test_through_the_database(aiohttp_client: AppClient, postgres_url: str,
                                    amojo: FakeAmojo) -> None:
    await _two_instances("database", aiohttp_client, postgres_url, amojo)


async def _two_instances(bus: str, aiohttp_client: AppClient, postgres_url: str,
                         amojo: FakeAmojo, **redis: Any) -> None:
    settings = handoff_settings(postgres_url, amojo, **redis)
    a = await aiohttp_client(create_app(settings, engine=AskingEngine()))
    b = await aiohttp_client(create_app(settings, engine=AskingEngine()))
    channel = await connect(settings, a.app[STORE], amojo.amojo_id)
    amojo.webhook_url = str(a.make_url(f"/amojo/webhook/{channel.scope_id}"))

    session = f"two-{bus}"
    await b.post("/chat", json={"session_id": session, "message": "Здравствуйте"})
    await a.post("/chat", json={"session_id": session, "message": ASK_PERSON})
    await eventually(lambda: len(amojo.texts(session)) == 4, what="the imported history")
    # The customer's next message, on the other instance, goes to the manager too.
    answer = await (await b.post("/chat", json={"session_id": session,
                                                "message": "Жду"})).json()
    assert answer["handoff"] == "operator" and answer["reply"] == ""

    events = await b.get("/chat/events", params={"session_id": session})
    reader = EventReader(events)
    delays, answers = [], []
    for i in range(10):
        [delivery] = await amojo.manager_says(session, f"Ответ {i}")
        assert delivery.status == 200
        answers.append(delivery.seconds)
        while (frame := await reader.next(timeout=3))["event"] != "message":
            pass
        delays.append(time.time() - delivery.sent_at)
        assert frame["data"]["text"] == f"Ответ {i}"
    events.close()
    median = statistics.median(delays)
    print(f"webhook → stream on the other instance ({bus}): median {median * 1000:.0f} ms, "
          f"max {max(delays) * 1000:.0f} ms; webhook answered in median "
          f"{statistics.median(answers) * 1000:.0f} ms, max {max(answers) * 1000:.0f} ms")
    assert median < (0.25 if bus == "redis" else 1.0)
