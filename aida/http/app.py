"""The HTTP service: `create_app(settings)` builds the aiohttp application."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from aida.admin import add_admin_routes
from aida.catalog import load_catalog
from aida.config import Settings
from aida.http.background import background_tasks
from aida.http.chat import ApiError, chat, health, history
from aida.http.cors import Cors
from aida.http.crm_webhook import add_crm_webhook_routes
from aida.http.errors import Handler, error_response, errors_middleware
from aida.http.handoff import install_handoff
from aida.http.keys import DRAINING, LIMITER, SETTINGS, STORE, TURNS
from aida.http.models import MAX_BODY_BYTES
from aida.http.privacy import CONSENT_PATH, PRIVACY, consent_page, privacy
from aida.http.ratelimit import make_limiter
from aida.http.sse import chat_stream
from aida.http.static import add_static_routes
from aida.ops.endpoint import http_metrics, install_metrics
from aida.service.factory import build_turn_service
from aida.service.turns import TurnEngine
from aida.store import open_store


@web.middleware
async def api_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as e:
        return error_response(e.status, e.code, e.message, headers=e.headers, field=e.field)


async def _open_services(app: web.Application) -> AsyncIterator[None]:
    """The store is open while the app runs; the limiter's connection closes with it."""
    await app[STORE].open()
    yield
    await app[LIMITER].close()
    await app[STORE].close()


async def _drain(app: web.Application) -> None:
    app[DRAINING]["on"] = True


def create_app(settings: Settings, *, engine: TurnEngine | None = None) -> web.Application:
    """The service for `settings`; `engine` replaces the configured conversation engine."""
    cors = Cors(settings.cors_origin_list)
    app = web.Application(
        client_max_size=MAX_BODY_BYTES,
        middlewares=[http_metrics, errors_middleware, cors.preflight, api_errors],
    )
    store = open_store(
        settings.database_url,
        pool_size=settings.database_pool_size,
        wait_seconds=settings.database_wait_seconds,
    )
    app[SETTINGS] = settings
    app[STORE] = store
    app[TURNS] = build_turn_service(settings, store, engine,
                                    live_handoff=settings.amojo_enabled)
    app[LIMITER] = make_limiter(
        settings.rate_limit_enabled, settings.redis_url, settings.redis_prefix
    )
    app[DRAINING] = {"on": False}
    app[PRIVACY] = load_catalog(settings.catalog_path).privacy

    app.on_response_prepare.append(cors.on_prepare)
    app.on_shutdown.append(_drain)
    app.cleanup_ctx.append(_open_services)
    app.cleanup_ctx.extend(background_tasks(settings))

    app.router.add_post("/chat", chat)
    app.router.add_post("/chat/stream", chat_stream)
    app.router.add_get("/chat/history", history)
    app.router.add_get("/health", health)
    app.router.add_get("/chat/privacy", privacy)
    app.router.add_get(CONSENT_PATH, consent_page)
    add_crm_webhook_routes(app)
    install_metrics(app, store, getattr(app[TURNS].engine, "brain", None))
    install_handoff(app, settings)
    add_admin_routes(app, settings)
    add_static_routes(app, settings.cors_origin_list)
    return app
