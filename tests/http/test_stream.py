"""POST /chat/stream: deltas as they come, then suggestions and done; or error, nothing saved."""

from __future__ import annotations

import json
from typing import Any

from aiohttp.test_utils import TestClient
from fake_engine import FakeEngine

from aida.http.keys import STORE


async def _events(resp: Any) -> list[tuple[str, dict[str, Any]]]:
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("text/event-stream")
    text = await resp.text()
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields["event"], json.loads(fields["data"])))
    return events


async def test_the_reply_streams_in_pieces_then_suggestions_then_done(
    client: TestClient[Any, Any],
) -> None:
    resp = await client.post("/chat/stream", json={"session_id": "s1", "message": "Привет"})
    events = await _events(resp)
    names = [name for name, _ in events]
    assert names == ["delta", "delta", "suggestions", "done"]
    assert "".join(data["text"] for name, data in events if name == "delta") == "Шаг extras: Привет"
    assert events[2][1] == {"suggestions": ["Дальше после extras"]}
    assert events[3][1] == {"step": "extras", "session_id": "s1", "reply": "Шаг extras: Привет"}
    assert resp.headers["X-Accel-Buffering"] == "no"
    # The streamed turn is a turn like any other.
    history = await (await client.get("/chat/history", params={"session_id": "s1"})).json()
    assert history["step"] == "extras" and len(history["messages"]) == 2


async def test_a_retried_message_id_replays_as_one_delta(
    client: TestClient[Any, Any], engine: FakeEngine
) -> None:
    body = {"session_id": "s1", "message": "Привет", "message_id": "c-1"}
    first = await _events(await client.post("/chat/stream", json=body))
    again = await _events(await client.post("/chat/stream", json=body))
    assert engine.calls == 1
    assert [name for name, _ in again] == ["delta", "suggestions", "done"]
    assert again[0][1]["text"] == first[-1][1]["reply"]
    assert again[1:] == first[2:]
    # And /chat replays the same stored answer.
    plain = await (await client.post("/chat", json=body)).json()
    assert plain["reply"] == first[-1][1]["reply"]


async def test_a_failure_mid_reply_ends_with_an_error_event_and_saves_nothing(
    client: TestClient[Any, Any],
) -> None:
    await client.post("/chat", json={"session_id": "s1", "message": "Привет"})
    resp = await client.post("/chat/stream", json={"session_id": "s1", "message": "boom-late"})
    events = await _events(resp)
    assert [name for name, _ in events] == ["delta", "error"]
    assert events[1][1]["code"] == "internal" and events[1][1]["request_id"]
    step, messages = await client.app[STORE].history("s1")
    assert (step, len(messages)) == ("extras", 2)


async def test_bad_input_is_answered_in_json_before_any_stream(
    client: TestClient[Any, Any],
) -> None:
    resp = await client.post("/chat/stream", json={"session_id": "s1", "message": "  "})
    assert resp.status == 422
    assert (await resp.json())["error"]["code"] == "invalid_field"
