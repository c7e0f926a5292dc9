"""The access log: one line per request with what operations needs, and nothing a client can
make long or that grants access.

aiohttp's default line carries the full query string (where `session_id` is, and a session id
is the key to a conversation's transcript), the Referer and the User-Agent (kilobytes, as a
client likes). Here: the path without its query, the status, size and time, and the first
`AGENT_MAX` characters of the User-Agent.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from aida.ops.logs import cut

AGENT_MAX = 120
PATH_MAX = 200


class AccessLogger(AbstractAccessLogger):
    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        path = cut(request.path, PATH_MAX)
        ms = round(time * 1000, 1)
        self.logger.info(
            "%s %s %s %s %sms",
            request.remote,
            request.method,
            path,
            response.status,
            ms,
            extra={
                "event": "http.access",
                "method": request.method,
                "path": path,
                "status": response.status,
                "bytes": response.body_length,
                "ms": ms,
                "agent": cut(request.headers.get("User-Agent", ""), AGENT_MAX),
            },
        )
