"""`POST /chat/stream`: the reply as Server-Sent Events while it is worded.

Events, each `data` a JSON object: `delta` {"text"} pieces of the reply as they come;
after the turn is committed `suggestions` {"suggestions"} and `done` {"step", "session_id",
"reply"}; or, if the turn failed (nothing of it is saved), `error` {"code", "message",
"request_id"}. A customer who closes the page mid-reply still has the turn saved: the
message was sent in full.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web

from aida.http.chat import gate, read_chat_request
from aida.http.errors import BUSY, POLITE_FAILURE, current_request_id
from aida.http.keys import TURNS
from aida.http.ratelimit import retry_after
from aida.service.turns import TurnRefused
from aida.store import StoreBusy

log = logging.getLogger("aida.http")


class _EventStream:
    def __init__(self, response: web.StreamResponse) -> None:
        self._response = response
        self.gone = False  # the client disconnected: stop writing, finish the turn
        self.deltas = 0

    async def send(self, event: str, data: dict[str, Any]) -> None:
        if self.gone:
            return
        payload = json.dumps(data, ensure_ascii=False)
        try:
            await self._response.write(f"event: {event}\ndata: {payload}\n\n".encode())
        except ConnectionError:
            self.gone = True

    async def delta(self, text: str) -> None:
        if text:
            self.deltas += 1
            await self.send("delta", {"text": text})


async def chat_stream(request: web.Request) -> web.StreamResponse:
    req = await read_chat_request(request)  # errors before the stream starts are plain JSON
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream; charset=utf-8",
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",  # nginx: pass events on as they come
            "X-Request-Id": current_request_id() or "",
        }
    )
    await response.prepare(request)
    stream = _EventStream(response)
    try:
        outcome = await request.app[TURNS].handle(
            req.session_id,
            req.message,
            message_id=req.message_id,
            touch=req.touch(),
            on_delta=stream.delta,
            gate=gate(request),
        )
    except TurnRefused as e:
        refusal: dict[str, Any] = {"code": e.code, "message": e.message}
        if e.retry_after is not None:
            refusal["retry_after"] = retry_after(e.retry_after)
        await stream.send("error", {**refusal, "request_id": current_request_id()})
    except StoreBusy:
        log.warning("database busy request_id=%s (stream)", current_request_id())
        await stream.send(
            "error", {"code": "busy", "message": BUSY, "request_id": current_request_id()}
        )
    except Exception:  # the boundary: the customer gets an `error` event, never a broken stream
        log.exception("turn failed request_id=%s (stream)", current_request_id())
        await stream.send(
            "error",
            {"code": "internal", "message": POLITE_FAILURE, "request_id": current_request_id()},
        )
    else:
        if stream.deltas == 0 and outcome.reply:  # an engine that worded nothing piecemeal
            await stream.delta(outcome.reply)
        await stream.send("suggestions", {"suggestions": outcome.suggestions})
        done = {"step": outcome.step.value, "session_id": outcome.session_id,
                "reply": outcome.reply}
        if outcome.handoff is not None:
            done["handoff"] = outcome.handoff
        await stream.send("done", done)
    if not stream.gone:
        try:
            await response.write_eof()
        except ConnectionError:
            pass
    return response
