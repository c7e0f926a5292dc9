"""The contract's error body, request ids, and the rule that nothing answers with a 500.

Every error is `{"error": {"code", "message"}}` (plus `request_id`, and `field` for 422);
an unexpected exception is logged with the request id and answered with a polite 503.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from functools import partial

from aiohttp import web

# The id of the request being handled, for error bodies and log lines (aida.ops.logs).
from aida.ops.context import current_request_id
from aida.ops.context import request_id as _request_id
from aida.store import StoreBusy

log = logging.getLogger("aida.http")

_CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")

POLITE_FAILURE = (
    "Извините, у меня что-то пошло не так, и сообщение не сохранилось. "
    "Пожалуйста, отправьте его ещё раз через минуту."
)

BUSY = (
    "Сейчас очень много обращений, и сообщение не сохранилось. "
    "Отправьте его ещё раз через пару секунд."
)
BUSY_RETRY_AFTER = "2"

_HTTP_CODES: dict[int, tuple[str, str]] = {
    400: ("bad_request", "Некорректный запрос."),
    404: ("not_found", "Такой страницы нет."),
    405: ("method_not_allowed", "Этот метод здесь не поддерживается."),
    413: ("payload_too_large", "Запрос больше 64 КиБ."),
}


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    headers: dict[str, str] | None = None,
    field: str | None = None,
) -> web.Response:
    body: dict[str, str] = {"code": code, "message": message}
    if field is not None:
        body["field"] = field
    request_id = current_request_id()
    if request_id:
        body["request_id"] = request_id
    return web.json_response(
        {"error": body},
        status=status,
        headers=headers,
        dumps=partial(json.dumps, ensure_ascii=False),
    )


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def errors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Give every request an id (X-Request-Id, taken from the client when well-formed); turn
    aiohttp's HTTP errors and anything unexpected into the contract's JSON error body."""
    given = request.headers.get("X-Request-Id", "")
    request_id = given if _CLIENT_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex[:16]
    token = _request_id.set(request_id)
    try:
        response = await _answer(request, handler)
    finally:
        _request_id.reset(token)
    if not response.prepared:  # a stream sets it itself before it starts
        response.headers["X-Request-Id"] = request_id
    return response


async def _answer(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as e:
        if e.status < 400:
            raise  # redirects
        code, message = _HTTP_CODES.get(e.status, ("http_error", e.reason))
        headers = {"Allow": e.headers["Allow"]} if "Allow" in e.headers else None
        return error_response(e.status, code, message, headers=headers)
    except StoreBusy:
        # Every database connection stayed busy for the store's whole wait: nothing was
        # saved, and the same request (same message_id) may simply be sent again.
        log.warning("database busy request_id=%s %s", current_request_id(), request.path)
        return error_response(503, "busy", BUSY, headers={"Retry-After": BUSY_RETRY_AFTER})
    except Exception:
        log.exception(
            "unexpected error request_id=%s %s %s",
            current_request_id(),
            request.method,
            request.path,
        )
        return error_response(503, "internal", POLITE_FAILURE)
