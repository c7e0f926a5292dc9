"""The id that ties log lines to one request (or one CRM delivery attempt).

The HTTP layer sets it per request (`X-Request-Id`), the CRM worker per job attempt; every
log line written meanwhile carries it, whatever thread of the same context writes it.
"""

from __future__ import annotations

from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("aida_request_id", default=None)


def current_request_id() -> str | None:
    return request_id.get()
