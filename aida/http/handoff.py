"""The live handoff's HTTP side: amojo's webhook, the customer's event stream, and the
background work (the relay to amojo, the event bus, handing silent chats back).

`POST /amojo/webhook/{scope_id}`: a manager's message, signed by amojo (HMAC-SHA1 of the body
with the channel secret). It is verified, written to the database and only then answered 200,
in milliseconds (amojo waits 5 s and never retries). A repeated `msgid` changes nothing.

`GET /chat/events?session_id=ID`: Server-Sent Events for the customer's page: `message`
{"role": "operator", "text", "name"} (and the assistant's {"role": "assistant", "text",
"suggestions"} when it takes the chat back), `status` {"operator": "joined" | "left"}. Each
event has an `id`; a reconnecting page sends `Last-Event-ID` (or `after=`) and gets what it
missed. A stream lasts at most `STREAM_SECONDS`; the browser reconnects by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import time
from collections.abc import AsyncIterator, Callable

from aiohttp import web
from pydantic import BaseModel, ConfigDict, ValidationError

from aida.config import Settings
from aida.handoff.bus import Hub, make_bus
from aida.handoff.client import AmojoClient
from aida.handoff.db import db_for
from aida.handoff.desk import HandoffDesk
from aida.handoff.link import ContactLinker
from aida.handoff.messages import session_of
from aida.handoff.metrics import PROCESS_METRICS, PUSH_SECONDS, WEBHOOKS, HandoffTotals
from aida.handoff.relay import Relay
from aida.handoff.signing import webhook_is_signed
from aida.handoff.store import HandoffEvent, HandoffStore
from aida.http.chat import ApiError, limit_address, session_query
from aida.http.keys import DRAINING, HANDOFF, SETTINGS, STORE, TURNS
from aida.ops.endpoint import METRICS

log = logging.getLogger("aida.handoff")

STREAM_SECONDS = 30 * 60
PING_SECONDS = 15.0
MAX_STREAMS = 2000  # per instance; each holds a socket and a little memory
MAX_WEBHOOK_BYTES = 64 * 1024
SWEEP_SECONDS = 30.0
PRUNE_SECONDS = 3600.0
SENT_KEPT = dt.timedelta(days=7)  # messages amojo has, kept a week for troubleshooting
HANDOFFS_KEPT = dt.timedelta(days=400)  # the dashboard looks back at most 366 days


# -- the webhook --------------------------------------------------------------------------
class _Person(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str | None = None
    name: str | None = None
    client_id: str | None = None


class _Conversation(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str | None = None
    client_id: str | None = None


class _Content(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str
    type: str = "text"
    text: str = ""


class _Message(BaseModel):
    model_config = ConfigDict(extra="ignore")
    sender: _Person = _Person()
    receiver: _Person = _Person()
    conversation: _Conversation
    message: _Content


class WebhookBody(BaseModel):
    """amojo's v2 message webhook (the fields AIDA reads)."""

    model_config = ConfigDict(extra="ignore")
    account_id: str | None = None
    message: _Message


def _plain(status: int, text: str) -> web.Response:
    return web.json_response({"status": status, "message": text}, status=status)


async def amojo_webhook(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    desk = request.app[HANDOFF]
    if (request.content_length or 0) > MAX_WEBHOOK_BYTES:
        return _plain(413, "too large")
    body = await request.read()
    if not webhook_is_signed(settings.amojo_channel_secret or "", body,
                             request.headers.get("X-Signature")):
        WEBHOOKS.labels("bad_signature").inc()
        log.warning("amojo webhook with a bad signature refused")
        return _plain(403, "invalid signature")
    channel = await desk.store.channel(settings.amojo_channel_id or "")
    if channel is None or request.match_info["scope_id"] != channel.scope_id:
        WEBHOOKS.labels("ignored").inc()
        return _plain(404, "unknown scope")
    try:
        hook = WebhookBody.model_validate_json(body)
    except ValidationError:
        WEBHOOKS.labels("invalid").inc()
        return _plain(400, "not a message webhook")
    message = hook.message
    session_id = session_of(message.conversation.client_id)
    text = message.message.text.strip()
    if session_id is None or not text:
        # Not a conversation of ours, or a kind of message the widget cannot show (a file):
        # answered 200 so amojo does not slow the channel down.
        WEBHOOKS.labels("ignored").inc()
        return _plain(200, "ignored")
    now = dt.datetime.now(dt.UTC)
    name = (message.sender.name or "").strip() or "Менеджер"
    if desk.is_command(text):
        # Under the session's lock, as a turn: a hand-back never interleaves with a turn.
        async with request.app[STORE].turn(session_id) as tx:
            closed = await desk.close(session_id, now, "manager", tx.state)
        WEBHOOKS.labels("closed" if closed else "ignored").inc()
        return _plain(200, "ok")
    if not await desk.from_manager(session_id, message.message.id, name, text, now):
        WEBHOOKS.labels("ignored").inc()
        return _plain(200, "unknown conversation")
    WEBHOOKS.labels("stored").inc()
    return _plain(200, "ok")


# -- the customer's stream ----------------------------------------------------------------
def _cursor(request: web.Request) -> int:
    raw = request.headers.get("Last-Event-ID") or request.query.get("after") or "0"
    try:
        return max(0, int(raw))
    except ValueError:
        raise ApiError(422, "invalid_field", "Поле after: целое число.", field="after") from None


def _frame(event: HandoffEvent) -> bytes:
    data = json.dumps(event.data, ensure_ascii=False)
    return f"id: {event.id}\nevent: {event.kind}\ndata: {data}\n\n".encode()


async def chat_events(request: web.Request) -> web.StreamResponse:
    await limit_address(request)
    session_id = session_query(request)
    after = _cursor(request)
    desk = request.app.get(HANDOFF)
    if desk is None:
        raise ApiError(404, "not_found", "Живой чат с менеджером не подключён.")
    hub = desk.bus.hub
    if hub.streams >= MAX_STREAMS:
        raise ApiError(503, "busy", "Сервер занят, повторите позже.", headers={"Retry-After": "5"})
    response = web.StreamResponse(headers={
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-cache",
        "X-Accel-Buffering": "no",
    })
    await response.prepare(request)
    ends = time.monotonic() + STREAM_SECONDS
    try:
        await response.write(b"retry: 2000\n\n")
        with hub.listen(session_id) as wake:
            # Until the stream's time is up or the instance drains (the browser reconnects,
            # through the balancer, to another instance).
            while time.monotonic() < ends and not request.app[DRAINING]["on"]:
                wake.clear()
                for event in await desk.store.events_after(session_id, after):
                    await response.write(_frame(event))
                    after = event.id
                    if event.kind == "message":
                        lag = dt.datetime.now(dt.UTC) - event.created_at
                        PUSH_SECONDS.observe(max(0.0, lag.total_seconds()))
                try:
                    await asyncio.wait_for(wake.wait(), PING_SECONDS)
                except TimeoutError:
                    await response.write(b": ping\n\n")
    except ConnectionError:  # the page went away
        return response
    with contextlib.suppress(ConnectionError):
        await response.write_eof()
    return response


# -- background ---------------------------------------------------------------------------
async def _sweep(app: web.Application, silence: dt.timedelta) -> None:
    """Chats silent too long go back to the assistant; old handoff data is pruned hourly."""
    desk, store = app[HANDOFF], app[STORE]
    keep_events = dt.timedelta(days=app[SETTINGS].session_ttl_days)
    pruned_at = 0.0
    while True:
        await asyncio.sleep(SWEEP_SECONDS)
        try:
            for session_id in await desk.store.idle(dt.datetime.now(dt.UTC) - silence):
                async with store.turn(session_id) as tx:
                    await desk.close(session_id, dt.datetime.now(dt.UTC), "silence", tx.state)
            if time.monotonic() - pruned_at > PRUNE_SECONDS:
                now = dt.datetime.now(dt.UTC)
                await desk.store.prune(now - keep_events, now - SENT_KEPT, now - HANDOFFS_KEPT)
                pruned_at = time.monotonic()
        except Exception:  # a failed round is retried next round
            log.exception("handoff sweep failed")


def _running(
    desk: HandoffDesk, relay: Relay, silence: dt.timedelta, linker: ContactLinker | None
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def ctx(app: web.Application) -> AsyncIterator[None]:
        sweeper = asyncio.create_task(_sweep(app, silence), name="aida-handoff-sweep")
        try:
            async with desk.bus.running(), relay.running():
                yield
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
            if linker is not None:
                await linker.close()

    return ctx


def install_handoff(app: web.Application, settings: Settings) -> None:
    """Routes and background work of the live handoff; without amojo configured only
    /chat/events exists, answering 404 (a person is then offered the support contacts)."""
    app.router.add_get("/chat/events", chat_events)
    if not settings.amojo_enabled:
        return
    store = app[STORE]
    handoff_store = HandoffStore(db_for(store))
    bus = make_bus(Hub(), handoff_store, redis_url=settings.redis_url,
                   redis_prefix=settings.redis_prefix,
                   several_instances=settings.database_url.startswith("postgres"))
    resume = getattr(app[TURNS].engine, "resume_text", None)
    desk = HandoffDesk(handoff_store, bus, bot_id=settings.amojo_bot_id or "",
                       **({"resume": resume} if callable(resume) else {}))
    app[HANDOFF] = desk
    app[TURNS].handoff = desk
    metrics = app[METRICS]
    for metric in PROCESS_METRICS:
        metrics.registry.register(metric)
    totals = HandoffTotals(handoff_store)
    metrics.registry.register(totals)
    metrics.refreshers.append(totals.refresh)
    client = AmojoClient(settings.amojo_base_url, settings.amojo_channel_id or "",
                         settings.amojo_channel_secret or "")
    linker = ContactLinker(settings, store) if settings.amo_enabled else None
    relay = Relay(handoff_store, client, store.leadership, link=linker)
    app.router.add_post("/amojo/webhook/{scope_id}", amojo_webhook)
    silence = dt.timedelta(minutes=settings.handoff_silence_minutes)
    app.cleanup_ctx.append(_running(desk, relay, silence, linker))
