"""Every bad input of the contract answers with its status and the JSON error body, never 5xx."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from conftest import MakeClient
from fake_engine import FakeEngine

from aida.http.keys import STORE


async def _error(resp: Any, status: int, code: str) -> dict[str, Any]:
    assert resp.status == status, await resp.text()
    assert resp.content_type == "application/json"
    body = await resp.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("path", ["/chat", "/chat/stream"])
@pytest.mark.parametrize(
    "body", [b"{", b"", b"not json", b"\xff\xfe\xfd", b'{"a": 1,}', b"[" * 40000]
)
async def test_malformed_json_is_400(client: TestClient[Any, Any], path: str, body: bytes) -> None:
    await _error(await client.post(path, data=body), 400, "invalid_json")


VALID = {"session_id": "s1", "message": "Привет"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"message": "Привет"}, "session_id"),
        ({"session_id": "s1"}, "message"),
        ({**VALID, "session_id": ""}, "session_id"),
        ({**VALID, "session_id": "x" * 129}, "session_id"),
        ({**VALID, "session_id": "с кириллицей"}, "session_id"),
        ({**VALID, "session_id": "a/b"}, "session_id"),
        ({**VALID, "session_id": 123}, "session_id"),
        ({**VALID, "session_id": None}, "session_id"),
        ({**VALID, "message": ""}, "message"),
        ({**VALID, "message": " \n\t "}, "message"),
        ({**VALID, "message": "я" * 4001}, "message"),
        ({**VALID, "message": ["Привет"]}, "message"),
        ({**VALID, "message": "при\x00вет"}, "message"),
        ({**VALID, "message_id": ""}, "message_id"),
        ({**VALID, "message_id": 7}, "message_id"),
        ({**VALID, "utm_source": 5}, "utm_source"),
        ({**VALID, "landing_page": "https://x/" + "a" * 3000}, "landing_page"),
        ([VALID], "body"),
        ("Привет", "body"),
    ],
)
async def test_a_missing_or_invalid_field_is_422_naming_it(
    client: TestClient[Any, Any], body: Any, field: str
) -> None:
    error = await _error(await client.post("/chat", json=body), 422, "invalid_field")
    assert error["field"] == field


async def test_a_lone_surrogate_in_the_message_is_422_not_a_crash(
    client: TestClient[Any, Any],
) -> None:
    raw = b'{"session_id": "s1", "message": "\\ud800"}'
    await _error(await client.post("/chat", data=raw), 422, "invalid_field")


async def test_the_limits_themselves_are_accepted(client: TestClient[Any, Any]) -> None:
    body = {"session_id": "A-z_0.9:" + "x" * 120, "message": "я" * 4000, "utm_source": None}
    resp = await client.post("/chat", json=body)
    assert resp.status == 200
    assert (await resp.json())["session_id"] == body["session_id"]


async def test_a_body_over_64_kib_is_413(client: TestClient[Any, Any]) -> None:
    big = json.dumps({**VALID, "pad": "x" * 70_000}).encode()
    await _error(await client.post("/chat", data=big), 413, "payload_too_large")

    async def chunks() -> Any:  # no Content-Length: the limit holds while reading
        for _ in range(80):
            yield b" " * 1024

    await _error(await client.post("/chat/stream", data=chunks()), 413, "payload_too_large")


async def test_a_body_of_exactly_64_kib_is_read(client: TestClient[Any, Any]) -> None:
    body = json.dumps(VALID).encode()
    body += b" " * (64 * 1024 - len(body))
    assert (await client.post("/chat", data=body)).status == 200


async def test_history_needs_a_valid_session_id(client: TestClient[Any, Any]) -> None:
    await _error(await client.get("/chat/history"), 422, "invalid_field")
    await _error(
        await client.get("/chat/history", params={"session_id": "../etc"}), 422, "invalid_field"
    )


async def test_unknown_paths_and_methods_answer_in_json(client: TestClient[Any, Any]) -> None:
    await _error(await client.get("/nope"), 404, "not_found")
    await _error(await client.get("/chat"), 405, "method_not_allowed")


async def test_a_flood_from_one_session_is_stopped_with_retry_after(
    make_client: MakeClient,
) -> None:
    client = await make_client(rate_limit="on")
    statuses = []
    for i in range(15):
        resp = await client.post("/chat", json={"session_id": "flood", "message": f"m{i}"})
        statuses.append(resp.status)
    assert statuses[:12] == [200] * 12  # a person's burst passes
    assert statuses[12:] == [429] * 3
    error = await _error(resp, 429, "rate_limited")
    assert error["message"]
    assert int(resp.headers["Retry-After"]) >= 1
    # Another customer is not held back by the flood.
    assert (
        await client.post("/chat", json={"session_id": "calm", "message": "Привет"})
    ).status == 200


async def test_an_office_behind_one_address_can_chat(make_client: MakeClient) -> None:
    client = await make_client(rate_limit="on")
    for person in range(40):
        for n in range(3):
            resp = await client.post("/chat", json={"session_id": f"p{person}", "message": f"{n}"})
            assert resp.status == 200


async def test_rate_limit_off_lets_a_benchmark_through(client: TestClient[Any, Any]) -> None:
    for i in range(30):
        resp = await client.post("/chat", json={"session_id": "bench", "message": f"m{i}"})
        assert resp.status == 200


async def test_an_engine_failure_is_a_polite_503_with_a_request_id_and_saves_nothing(
    client: TestClient[Any, Any], caplog: pytest.LogCaptureFixture
) -> None:
    await client.post("/chat", json=VALID)
    resp = await client.post(
        "/chat", json={"session_id": "s1", "message": "boom"}, headers={"X-Request-Id": "req-42"}
    )
    error = await _error(resp, 503, "internal")
    assert error["request_id"] == "req-42" == resp.headers["X-Request-Id"]
    assert "Извините" in error["message"]
    assert "req-42" in caplog.text and "engine failure" in caplog.text
    assert all("boom" not in r.getMessage() for r in caplog.records)  # text is never logged
    _, messages = await client.app[STORE].history("s1")
    assert len(messages) == 2


async def test_health_is_200_and_503_when_the_database_is_gone(
    client: TestClient[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    resp = await client.get("/health")
    assert resp.status == 200
    assert (await resp.json())["database"] == "ok"

    async def unreachable() -> None:
        raise OSError("connection refused")

    monkeypatch.setattr(client.app[STORE], "ping", unreachable)
    resp = await client.get("/health")
    assert resp.status == 503
    assert (await resp.json())["database"] == "unreachable"


async def test_the_engine_is_not_called_for_a_rejected_request(
    client: TestClient[Any, Any], engine: FakeEngine
) -> None:
    await client.post("/chat", json={"session_id": "s1", "message": ""})
    await client.post("/chat", data=b"{")
    assert engine.calls == 0
