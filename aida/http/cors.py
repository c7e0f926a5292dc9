"""CORS for the widget, which runs on the provider's sites (another origin than the API), and
the rule that only those sites may talk to the chat.

Allowed origins come from AIDA_CORS_ORIGINS (comma-separated; `*` allows any). CORS headers
alone protect nothing here: a `text/plain` POST needs no preflight, so any website could make
its visitors' browsers create leads. So with origins configured, a chat request whose
`Origin` is neither listed nor this service's own host is refused (403 origin_not_allowed);
a request without `Origin` (curl, a server, the terminal) is served.

CORS headers go on the chat API and /health only (not /admin, /metrics), at prepare time, so
streamed (SSE) and error responses carry them too.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web

from aida.http.errors import Handler, error_response

_ALLOW_METHODS = "GET, POST, OPTIONS"
_ALLOW_HEADERS = {"content-type", "x-request-id", "last-event-id"}
_EXPOSE_HEADERS = "Retry-After, X-Request-Id"


def is_chat_path(path: str) -> bool:
    return path == "/chat" or path.startswith("/chat/")


def _cross_origin(path: str) -> bool:
    """The paths a page on another site may call."""
    return is_chat_path(path) or path == "/health"


class Cors:
    def __init__(self, origins: list[str]) -> None:
        self._any = "*" in origins
        self._origins = frozenset(origins)

    def allows(self, origin: str) -> bool:
        return self._any or origin.rstrip("/") in self._origins

    def _refused(self, request: web.Request) -> bool:
        """A chat request from a page on a site that is not ours nor listed."""
        origin = request.headers.get("Origin")
        if origin is None or not self._origins or self._any or self.allows(origin):
            return False
        # Our own pages (the assistant page, the dashboard) send their origin too.
        return urlsplit(origin).netloc.lower() != request.host.lower()

    @web.middleware
    async def preflight(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method != "OPTIONS" or "Access-Control-Request-Method" not in request.headers:
            if is_chat_path(request.path) and self._refused(request):
                return _not_allowed()
            return await handler(request)
        origin = request.headers.get("Origin", "")
        if not _cross_origin(request.path) or not self.allows(origin):
            return _not_allowed()
        asked = request.headers.get("Access-Control-Request-Headers", "")
        headers = {h.strip().lower() for h in asked.split(",") if h.strip()}
        return web.Response(
            status=204,
            headers={
                "Access-Control-Allow-Methods": _ALLOW_METHODS,
                "Access-Control-Allow-Headers": ", ".join(sorted(headers & _ALLOW_HEADERS)),
                "Access-Control-Max-Age": "600",
            },
        )

    async def on_prepare(self, request: web.Request, response: web.StreamResponse) -> None:
        if not _cross_origin(request.path):
            return
        origin = request.headers.get("Origin")
        response.headers.add("Vary", "Origin")
        if origin and self.allows(origin):
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = _EXPOSE_HEADERS


def _not_allowed() -> web.Response:
    return error_response(403, "origin_not_allowed", "Этот сайт не подключён к ассистенту.")
