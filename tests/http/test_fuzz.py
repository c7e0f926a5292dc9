"""Whatever a client sends, the answer is never a 5xx, and every error has the contract's body."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from conftest import make_settings
from fake_engine import FakeEngine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aida.http import create_app

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=8,
)
session_ids = st.from_regex(r"[A-Za-z0-9_.:-]{1,130}", fullmatch=True) | st.text(max_size=20)
fields = {
    "session_id": session_ids | json_values,
    "message": st.text(max_size=60) | st.text(min_size=3990, max_size=4010) | json_values,
    "message_id": st.text(max_size=10) | json_values,
    "utm_source": st.text(max_size=10) | json_values,
    "landing_page": st.text(max_size=10) | json_values,
    "gclid": st.text(max_size=10) | json_values,
}
bodies = (
    st.fixed_dictionaries({}, optional=fields).map(lambda d: json.dumps(d).encode())
    | json_values.map(lambda v: json.dumps(v).encode())
    | st.binary(max_size=300)
)


class Live:
    """One running app and client for all examples (sync tests, one event loop)."""

    def __init__(self, tmp: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.client: TestClient[Any, Any] = self.run(self._start(tmp))

    @staticmethod
    async def _start(tmp: Path) -> TestClient[Any, Any]:
        app = create_app(make_settings(tmp, rate_limit="off"), engine=FakeEngine())
        client: TestClient[Any, Any] = TestClient(TestServer(app))
        await client.start_server()
        return client

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    def close(self) -> None:
        self.run(self.client.close())
        self.loop.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    server = Live(tmp_path_factory.mktemp("fuzz"))
    yield server
    server.close()


async def _check(client: TestClient[Any, Any], path: str, body: bytes) -> None:
    resp = await client.post(path, data=body)
    text = await resp.text()
    assert resp.status < 500, text
    if resp.status >= 400:
        error = json.loads(text)["error"]
        assert error["code"] and error["message"]
    elif path == "/chat/stream":
        assert '"step"' in text.rsplit("event: ", 1)[-1]  # ends with `done`
    else:
        assert set(json.loads(text)) == {"reply", "suggestions", "step", "session_id"}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies, path=st.sampled_from(["/chat", "/chat/stream"]))
def test_no_body_gets_a_5xx(live: Live, body: bytes, path: str) -> None:
    live.run(_check(live.client, path, body))


@settings(max_examples=100, deadline=None)
@given(session_id=st.text(max_size=200))
def test_no_history_query_gets_a_5xx(live: Live, session_id: str) -> None:
    async def check() -> None:
        resp = await live.client.get("/chat/history", params={"session_id": session_id})
        assert resp.status in (200, 422)
        body = await resp.json()
        if resp.status == 200:
            assert body["session_id"] == session_id

    live.run(check())
