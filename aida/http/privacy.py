"""The personal-data texts for the chat: `GET /chat/privacy` (the notice under the input, the
policy and consent links, JSON for the widget) and `GET /privacy/consent` (the consent text,
a document of its own as 152-FZ requires since 1 September 2025)."""

from __future__ import annotations

import html

from aiohttp import web

from aida.catalog import Privacy
from aida.http.keys import SETTINGS

PRIVACY = web.AppKey("privacy", Privacy)
CONSENT_PATH = "/privacy/consent"

_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}


async def privacy(request: web.Request) -> web.Response:
    texts, settings = request.app[PRIVACY], request.app[SETTINGS]
    return web.json_response(
        {
            "notice": texts.notice,
            "policy_url": settings.privacy_url,
            "consent_url": texts.consent_url or CONSENT_PATH,
            "consent_version": texts.version,
        },
        headers={"Cache-Control": "max-age=300"},
    )


async def consent_page(request: web.Request) -> web.Response:
    texts = request.app[PRIVACY]
    paragraphs = [p.strip() for p in texts.consent_text.split("\n\n") if p.strip()]
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    page = (
        '<!doctype html>\n<html lang="ru"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Согласие на обработку персональных данных</title></head>\n"
        f"<body><main>\n{body}\n<p><small>Версия текста: {html.escape(texts.version)}</small>"
        "</p>\n</main></body></html>\n"
    )
    return web.Response(text=page, content_type="text/html", headers=_PAGE_HEADERS)
