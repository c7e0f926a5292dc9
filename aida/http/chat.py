"""`POST /chat`, `GET /chat/history`, `GET /health`, and the request checks they share."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from functools import partial
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from aida.domain import Step
from aida.http.client import client_address
from aida.http.gate import AddressGate
from aida.http.keys import DRAINING, HANDOFF, LIMITER, SETTINGS, STORE, TURNS
from aida.http.models import HISTORY_LIMIT_MAX, MAX_BODY_BYTES, ChatRequest, HistoryQuery
from aida.http.ratelimit import ADDRESS, SESSION, Rule, retry_after
from aida.ops.metrics import record_rate_limited
from aida.service.turns import TurnOutcome, TurnRefused

log = logging.getLogger("aida.http")

_dumps = partial(json.dumps, ensure_ascii=False)
_EPOCH = dt.datetime.min.replace(tzinfo=dt.UTC)

_FIELD_RULES = {
    "session_id": "от 1 до 128 символов: латинские буквы, цифры и _ . : -",
    "message": "текст от 1 до 4000 символов, не из одних пробелов",
    "message_id": "строка от 1 до 128 символов",
    "limit": f"целое число от 1 до {HISTORY_LIMIT_MAX}",
}


class ApiError(Exception):
    """A client error answered with the contract's JSON error body."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.field, self.headers = field, headers


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=_dumps)


def requester(request: web.Request) -> str:
    """The client's address (the key of per-address limits), as AIDA_TRUSTED_PROXIES says."""
    return client_address(request, request.app[SETTINGS].trusted_proxy_networks)


async def _limit(request: web.Request, rule: Rule, key: str) -> None:
    wait = await request.app[LIMITER].hit(rule, key)
    if wait > 0:
        record_rate_limited(rule.name)
        raise ApiError(
            429,
            "rate_limited",
            "Слишком много сообщений подряд. Подождите немного и повторите.",
            headers={"Retry-After": str(retry_after(wait))},
        )


def _invalid(e: ValidationError) -> ApiError:
    first = e.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "body"
    if first["type"] == "missing":
        message = f"Не передано обязательное поле {field}."
    else:
        rule = _FIELD_RULES.get(field, "строка до 2048 символов")
        message = f"Поле {field}: {rule}."
    return ApiError(422, "invalid_field", message, field=field)


async def read_chat_request(request: web.Request) -> ChatRequest:
    """The checked body of /chat and /chat/stream, in the contract's order of errors."""
    await _limit(request, ADDRESS, requester(request))
    too_large = ApiError(413, "payload_too_large", "Запрос больше 64 КиБ.")
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise too_large
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise too_large from None
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise ApiError(400, "invalid_json", "Тело запроса — не корректный JSON.") from None
    if not isinstance(data, dict):
        raise ApiError(
            422, "invalid_field", "Тело запроса должно быть JSON-объектом.", field="body"
        )
    try:
        chat = ChatRequest.model_validate(data)
    except ValidationError as e:
        raise _invalid(e) from None
    await _limit(request, SESSION, chat.session_id)
    return chat


def gate(request: web.Request) -> AddressGate:
    """The per-address limits on new conversations and leads for this request's client."""
    return AddressGate(request.app[LIMITER], requester(request))


def refused(e: TurnRefused) -> ApiError:
    headers = None if e.retry_after is None else {"Retry-After": str(retry_after(e.retry_after))}
    status = 429 if e.retry_after is not None else 409
    return ApiError(status, e.code, e.message, headers=headers)


async def chat(request: web.Request) -> web.Response:
    req = await read_chat_request(request)
    try:
        outcome: TurnOutcome = await request.app[TURNS].handle(
            req.session_id,
            req.message,
            message_id=req.message_id,
            touch=req.touch(),
            gate=gate(request),
        )
    except TurnRefused as e:
        raise refused(e) from None
    body: dict[str, Any] = {
        "reply": outcome.reply,
        "suggestions": outcome.suggestions,
        "step": outcome.step.value,
        "session_id": outcome.session_id,
    }
    if outcome.handoff is not None:
        body["handoff"] = outcome.handoff
    return json_response(body)


async def limit_address(request: web.Request) -> None:
    await _limit(request, ADDRESS, requester(request))


def _history_query(request: web.Request) -> HistoryQuery:
    try:
        return HistoryQuery.model_validate(
            {k: request.query[k] for k in ("session_id", "limit") if k in request.query}
        )
    except ValidationError as e:
        raise _invalid(e) from None


def session_query(request: web.Request) -> str:
    """The `session_id` query parameter, checked as the contract says."""
    return _history_query(request).session_id


async def history(request: web.Request) -> web.Response:
    await limit_address(request)
    query = _history_query(request)
    desk = request.app.get(HANDOFF)
    # Read before the messages: an event written meanwhile is then shown by the stream
    # (at worst twice), never by neither.
    cursor = await desk.store.last_event_id() if desk is not None else 0
    step, messages = await request.app[STORE].history(query.session_id, query.limit)
    rows: list[tuple[dt.datetime | None, dict[str, Any]]] = [
        (m.at, {"role": m.role, "text": m.text, "suggestions": m.suggestions}) for m in messages
    ]
    body: dict[str, Any] = {}
    if desk is not None:
        # The managers' messages in time order among the rest (the latest `limit` of all),
        # and where the page's event stream should start, so a reload shows everything once.
        operator = await desk.store.operator_messages(query.session_id, query.limit)
        rows = sorted(
            rows + [(e.created_at, {**e.data, "suggestions": []}) for e in operator],
            key=lambda r: r[0] or _EPOCH,
        )[-query.limit:]
        body["event_id"] = cursor
        if await desk.owns(query.session_id):
            body["handoff"] = "operator"
    # An unknown session is a conversation not yet begun: it is at the first step.
    return json_response(
        {
            "session_id": query.session_id,
            "step": (step or Step.tariff).value,
            "messages": [r[1] for r in rows],
            **body,
        }
    )


async def health(request: web.Request) -> web.Response:
    if request.app[DRAINING]["on"]:
        return json_response({"status": "draining"}, status=503)
    try:
        await asyncio.wait_for(request.app[STORE].ping(), timeout=2.0)
    except Exception:  # any failure to reach the database means: do not route here
        log.warning("health: database unreachable", exc_info=True)
        return json_response(
            {
                "status": "unavailable",
                "database": "unreachable",
                "error": {"code": "database_unreachable", "message": "База данных недоступна."},
            },
            status=503,
        )
    return json_response({"status": "ok", "database": "ok"})
