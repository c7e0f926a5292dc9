"""A stand-in for amoCRM's Chats API (amojo), following the documented signing rules.

    async with FakeAmojo.serve() as amojo:        # on 127.0.0.1, a free port
        env = amojo.env()                          # AMOJO_* for AIDA
        ...
        await amojo.manager_says(session_id, "Здравствуйте!")   # a signed webhook to AIDA

What it does like amojo: every request must carry `Date` (refused when more than 15 minutes
off), `Content-Type: application/json`, `Content-MD5` of the exact body and `X-Signature`
(HMAC-SHA1 over METHOD, MD5, type, date and path); a bad one is 403
`ORIGIN_INVALID_SIGNATURE`. `connect` hands out `{channel_id}_{amojo_id}` as the scope id;
`new_message` records the message (a repeated msgid is refused) and answers amojo's ids. The
manager's messages go to AIDA as signed v2 webhooks, once and never retried (as amojo does),
and can be sent twice (`duplicate=True`), late (`delay=`), or with a wrong signature.
Faults: `fail_next(status, times)`. Standalone: `python -m tests.fakes.amojo --port 8920`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from aida.handoff.messages import conversation_id
from aida.handoff.signing import request_problem, webhook_signature
from tests.fakes.serving import serving

CHANNEL_ID = "344a5002-f8ca-454d-af3d-396180102ac7"
CHANNEL_SECRET = "f2d7f8704eff95087ed45b23ba99c0b5aac8278e"
BOT_ID = "f1910c7f-b1e0-4184-bd09-c7def2a9109a"
AMOJO_ID = "52e591f7-c98f-4255-8495-827210138c81"


@dataclass
class Delivery:
    """One webhook fired at AIDA: what it answered and how long it took."""

    msgid: str
    status: int | None  # None: no answer (timeout, refused connection)
    seconds: float
    sent_at: float  # time.time() when the request left


@dataclass
class Chat:
    conversation_id: str
    title: str
    amojo_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    messages: list[dict[str, Any]] = field(default_factory=list)


class FakeAmojo:
    def __init__(self, *, channel_id: str = CHANNEL_ID, secret: str = CHANNEL_SECRET,
                 bot_id: str = BOT_ID, amojo_id: str = AMOJO_ID,
                 hook_timeout: float = 5.0) -> None:
        self.channel_id, self.secret, self.bot_id = channel_id, secret, bot_id
        self.amojo_id = amojo_id
        self.scope_id: str | None = None
        self.webhook_url: str | None = None  # AIDA's /amojo/webhook/{scope_id}
        self.hook_timeout = hook_timeout  # amojo waits 5 s for an answer
        self.chats: dict[str, Chat] = {}
        self.msgids: set[str] = set()
        self.refused: list[tuple[str, str]] = []  # (path, why)
        self.deliveries: list[Delivery] = []
        self.requests: list[tuple[str, str]] = []
        self._faults: list[list[int]] = []  # [status, times left]
        self.url = ""
        self.app = self._make_app()

    # -- control ------------------------------------------------------------------------
    def env(self) -> dict[str, str]:
        return {"AMOJO_CHANNEL_ID": self.channel_id, "AMOJO_CHANNEL_SECRET": self.secret,
                "AMOJO_BOT_ID": self.bot_id, "AMOJO_BASE_URL": self.url}

    def fail_next(self, status: int = 503, times: int = 1) -> None:
        self._faults.append([status, times])

    def chat(self, session_id: str) -> Chat | None:
        return self.chats.get(conversation_id(session_id))

    def texts(self, session_id: str) -> list[str]:
        chat = self.chat(session_id)
        return [m["message"]["text"] for m in chat.messages] if chat else []

    def webhook(self, session_id: str, text: str, *, name: str = "Ольга",
                msgid: str | None = None) -> dict[str, Any]:
        """A v2 message webhook body, as amojo sends a manager's message."""
        chat = self.chat(session_id)
        now = time.time()
        return {
            "account_id": self.amojo_id,
            "time": int(now),
            "message": {
                "receiver": {"id": str(uuid.uuid4()), "client_id": "aida-c-" + session_id},
                "sender": {"id": str(uuid.uuid4()), "name": name},
                "conversation": {"id": chat.amojo_id if chat else str(uuid.uuid4()),
                                 "client_id": conversation_id(session_id)},
                "timestamp": int(now),
                "msec_timestamp": int(now * 1000),
                "message": {"id": msgid or str(uuid.uuid4()), "type": "text", "text": text,
                            "markup": None, "tag": "", "media": "", "thumbnail": "",
                            "file_name": "", "file_size": 0},
            },
        }

    async def fire(self, body: dict[str, Any], *, signature: str | None = None,
                   url: str | None = None) -> Delivery:
        """Send one webhook, once, never retried, whatever the answer."""
        raw = json.dumps(body, ensure_ascii=False).encode()
        target = url or self.webhook_url
        assert target, "set webhook_url (AIDA's /amojo/webhook/{scope_id}) first"
        headers = {"Content-Type": "application/json",
                   "X-Signature": signature or webhook_signature(self.secret, raw)}
        sent = time.time()
        started = time.perf_counter()
        status: int | None
        try:
            timeout = aiohttp.ClientTimeout(total=self.hook_timeout)
            async with aiohttp.ClientSession(timeout=timeout) as s, s.post(
                target, data=raw, headers=headers
            ) as resp:
                status = resp.status
        except (aiohttp.ClientError, TimeoutError):
            status = None
        delivery = Delivery(body["message"]["message"]["id"], status,
                            time.perf_counter() - started, sent)
        self.deliveries.append(delivery)
        return delivery

    async def manager_says(self, session_id: str, text: str, *, name: str = "Ольга",
                           duplicate: bool = False, delay: float = 0.0,
                           url: str | None = None) -> list[Delivery]:
        """A manager writes in the inbox: the webhook (twice with `duplicate`)."""
        if delay:
            await asyncio.sleep(delay)
        body = self.webhook(session_id, text, name=name)
        chat = self.chat(session_id)
        if chat is not None:
            chat.messages.append({"sender": {"name": name}, "message": {"text": text},
                                  "from_manager": True})
        out = [await self.fire(body, url=url)]
        if duplicate:
            out.append(await self.fire(body, url=url))
        return out

    # -- serving --------------------------------------------------------------------------
    @classmethod
    @asynccontextmanager
    async def serve(cls, port: int = 0, **kw: Any) -> AsyncIterator[FakeAmojo]:
        fake = cls(**kw)
        async with serving(fake.app, port) as fake.url:
            yield fake

    def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._signed])
        r = app.router
        r.add_post("/v2/origin/custom/{channel}/connect", self._connect)
        r.add_delete("/v2/origin/custom/{channel}/disconnect", self._disconnect)
        r.add_post("/v2/origin/custom/{scope}", self._new_message)
        r.add_post("/v2/origin/custom/{scope}/chats", self._create_chat)
        # Test control for other processes (not part of amojo; not signed).
        r.add_get("/_fake/chats", self._dump)
        r.add_post("/_fake/manager", self._manager)
        return app

    @web.middleware
    async def _signed(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path.startswith("/_fake/"):
            return await handler(request)  # type: ignore[no-any-return]
        self.requests.append((request.method, request.path))
        body = await request.read()
        why = request_problem(self.secret, request.method, request.path_qs, body,
                              request.headers, dt.datetime.now(dt.UTC))
        if why is not None:
            self.refused.append((request.path, why))
            return web.json_response({"status": 0, "error_code": 403,
                                      "error_type": "ORIGIN_INVALID_SIGNATURE",
                                      "error_description": why}, status=403)
        for fault in self._faults:
            if fault[1] > 0:
                fault[1] -= 1
                return web.json_response({"error": "fault"}, status=fault[0])
        return await handler(request)  # type: ignore[no-any-return]

    async def _connect(self, request: web.Request) -> web.Response:
        data = await request.json()
        if request.match_info["channel"] != self.channel_id:
            return web.json_response({"error": "unknown channel"}, status=404)
        if data.get("account_id") != self.amojo_id:
            return web.json_response({"error": "account not allowed"}, status=403)
        self.scope_id = f"{self.channel_id}_{self.amojo_id}"
        return web.json_response({"account_id": self.amojo_id, "scope_id": self.scope_id,
                                  "title": data.get("title"),
                                  "hook_api_version": data.get("hook_api_version", "v1")})

    async def _disconnect(self, request: web.Request) -> web.Response:
        self.scope_id = None
        return web.Response(status=200)

    async def _new_message(self, request: web.Request) -> web.Response:
        if self.scope_id is None or request.match_info["scope"] != self.scope_id:
            return web.json_response({"error": "scope not connected"}, status=404)
        data = await request.json()
        payload = data.get("payload") or {}
        msgid = payload.get("msgid")
        if data.get("event_type") != "new_message" or not msgid:
            return web.json_response({"error": "bad request"}, status=400)
        if msgid in self.msgids:
            return web.json_response({"error_type": "MESSAGE_EXISTS",
                                      "error_description": "msgid already exists"}, status=400)
        self.msgids.add(msgid)
        conv = payload["conversation_id"]
        customer = payload.get("receiver") if "receiver" in payload else payload["sender"]
        chat = self.chats.get(conv)
        if chat is None:
            chat = self.chats[conv] = Chat(conv, customer.get("name", ""))
        if customer.get("name"):
            chat.title = customer["name"]
        chat.messages.append(payload)
        return web.json_response({"new_message": {
            "conversation_id": chat.amojo_id, "sender_id": str(uuid.uuid4()),
            "receiver_id": str(uuid.uuid4()), "msgid": str(uuid.uuid4()), "ref_id": msgid}})

    async def _create_chat(self, request: web.Request) -> web.Response:
        if self.scope_id is None or request.match_info["scope"] != self.scope_id:
            return web.json_response({"error": "scope not connected"}, status=404)
        data = await request.json()
        conv, user = data.get("conversation_id"), data.get("user") or {}
        if not conv or not user.get("id"):
            return web.json_response({"error": "bad request"}, status=400)
        chat = self.chats.get(conv)
        if chat is None:
            chat = self.chats[conv] = Chat(conv, user.get("name", ""))
        return web.json_response({"id": chat.amojo_id, "user": {
            "id": str(uuid.uuid4()), "client_id": user["id"], "name": user.get("name")}})

    async def _dump(self, request: web.Request) -> web.Response:
        return web.json_response({"scope_id": self.scope_id, "chats": {
            k: {"title": c.title, "messages": c.messages} for k, c in self.chats.items()},
            "deliveries": [d.__dict__ for d in self.deliveries]})

    async def _manager(self, request: web.Request) -> web.Response:
        data = await request.json()
        out = await self.manager_says(data["session_id"], data["text"],
                                      name=data.get("name", "Ольга"),
                                      duplicate=bool(data.get("duplicate")),
                                      url=data.get("url"))
        return web.json_response([d.__dict__ for d in out])


def main() -> None:
    parser = argparse.ArgumentParser(description="A stand-in amojo (Chats API) for tests.")
    parser.add_argument("--port", type=int, default=8920)
    args = parser.parse_args()

    async def run() -> None:
        async with FakeAmojo.serve(args.port) as fake:
            print(json.dumps(fake.env()), flush=True)
            await asyncio.Event().wait()

    asyncio.run(run())


if __name__ == "__main__":
    main()
