"""CORS for the widget, which runs on the provider's sites (another origin than the API).

Allowed origins come from AIDA_CORS_ORIGINS (comma-separated; `*` allows any). Headers go on
every response at prepare time, so streamed (SSE) and error responses carry them too.
"""

from __future__ import annotations

from aiohttp import web

from aida.http.errors import Handler, error_response

_ALLOW_METHODS = "GET, POST, OPTIONS"
_ALLOW_HEADERS = {"content-type", "x-request-id", "last-event-id"}
_EXPOSE_HEADERS = "Retry-After, X-Request-Id"


class Cors:
    def __init__(self, origins: list[str]) -> None:
        self._any = "*" in origins
        self._origins = frozenset(origins)

    def allows(self, origin: str) -> bool:
        return self._any or origin.rstrip("/") in self._origins

    @web.middleware
    async def preflight(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method != "OPTIONS" or "Access-Control-Request-Method" not in request.headers:
            return await handler(request)
        origin = request.headers.get("Origin", "")
        if not self.allows(origin):
            return error_response(403, "origin_not_allowed", "Этот сайт не подключён к ассистенту.")
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
        origin = request.headers.get("Origin")
        response.headers.add("Vary", "Origin")
        if origin and self.allows(origin):
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = _EXPOSE_HEADERS
