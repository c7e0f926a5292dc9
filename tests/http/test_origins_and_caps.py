"""Only the listed sites may talk to the chat, and one address can start only so many
conversations and confirm only so many leads."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import MakeClient

from aida.http.keys import STORE
from aida.http.ratelimit import LEAD, NEW_SESSION

EVIL = {"Origin": "https://evil.example"}
CHAT = {"session_id": "o-1", "message": "Привет"}


async def test_a_page_on_an_unlisted_site_cannot_use_the_chat(make_client: MakeClient) -> None:
    client = await make_client()  # AIDA_CORS_ORIGINS lists smit34.ru
    for resp in (
        # text/plain needs no preflight: the browser sends it straight away.
        await client.post("/chat", data=b'{"session_id": "o-1", "message": "x"}', headers=EVIL),
        await client.post("/chat/stream", json=CHAT, headers=EVIL),
        await client.get("/chat/history", params={"session_id": "o-1"}, headers=EVIL),
    ):
        assert resp.status == 403
        assert (await resp.json())["error"]["code"] == "origin_not_allowed"
        assert "Access-Control-Allow-Origin" not in resp.headers
    step, messages = await client.app[STORE].history("o-1")
    assert (step, messages) == (None, [])


async def test_listed_sites_our_own_pages_and_requests_without_origin_are_served(
    make_client: MakeClient,
) -> None:
    client = await make_client()
    own = f"http://{client.host}:{client.port}"
    for headers in ({"Origin": "https://smit34.ru"}, {"Origin": own}, {}):
        resp = await client.post("/chat", json=CHAT, headers=headers)
        assert resp.status == 200, headers
        resp = await client.get("/chat/history", params={"session_id": "o-1"}, headers=headers)
        assert resp.status == 200, headers


async def test_without_configured_origins_nothing_is_refused(make_client: MakeClient) -> None:
    client = await make_client(cors_origins="")
    assert (await client.post("/chat", json=CHAT, headers=EVIL)).status == 200


async def test_cors_headers_only_on_the_chat_and_health(make_client: MakeClient) -> None:
    client = await make_client(admin_token="a-long-enough-admin-token")
    site = {"Origin": "https://smit34.ru"}
    for path in ("/chat/history?session_id=x", "/health"):
        resp = await client.get(path, headers=site)
        assert resp.headers["Access-Control-Allow-Origin"] == "https://smit34.ru", path
    for path in ("/admin", "/metrics", "/widget.js"):
        resp = await client.get(path, headers=site)
        assert "Access-Control-Allow-Origin" not in resp.headers, path
    preflight = {**site, "Access-Control-Request-Method": "GET"}
    assert (await client.options("/admin/api/leads", headers=preflight)).status == 403


async def _to_confirm(client: Any, session: str) -> None:
    for n in range(5):  # the stand-in engine reaches `confirm` after five messages
        resp = await client.post("/chat", json={"session_id": session, "message": f"шаг {n}"})
        assert resp.status == 200, await resp.text()


async def test_one_address_confirms_only_so_many_leads_an_hour(make_client: MakeClient) -> None:
    client = await make_client(rate_limit="on")
    sessions = [f"lead-cap-{n}" for n in range(LEAD.capacity + 1)]
    statuses = []
    for session in sessions:
        await _to_confirm(client, session)
        resp = await client.post(
            "/chat", json={"session_id": session, "message": "да", "message_id": "yes"}
        )
        statuses.append(resp.status)
    assert statuses == [200] * LEAD.capacity + [429]
    assert int(resp.headers["Retry-After"]) > 60
    assert (await resp.json())["error"]["code"] == "rate_limited"
    # The refused confirmation saved nothing: the conversation still waits at `confirm`.
    assert len(await client.app[STORE].leads()) == LEAD.capacity
    step, _ = await client.app[STORE].history(sessions[-1])
    assert step is not None and step.value == "confirm"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_one_address_starts_only_so_many_conversations(make_client: MakeClient) -> None:
    client = await make_client(rate_limit="on")
    statuses = [
        (await client.post("/chat", json={"session_id": f"new-{n}", "message": "Привет"})).status
        for n in range(NEW_SESSION.capacity + 1)
    ]
    assert statuses == [200] * NEW_SESSION.capacity + [429]
    # An existing conversation goes on.
    assert (
        await client.post("/chat", json={"session_id": "new-0", "message": "Ещё"})
    ).status == 200
