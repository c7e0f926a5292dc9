"""Long-running tasks of the service, as aiohttp cleanup contexts.

Each is `async def task(app) -> AsyncIterator[None]`: it starts after the store is open
(read it as `app[aida.http.keys.STORE]`, settings as `app[SETTINGS]`), yields while the
service runs, and stops at shutdown before the store closes. Add new tasks here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from aiohttp import web

from aida.config import Settings
from aida.crm.worker import worker_cleanup_ctx
from aida.http.keys import STORE
from aida.http.upkeep import session_expiry

CleanupContext = Callable[[web.Application], AsyncIterator[None]]


def background_tasks(settings: Settings) -> list[CleanupContext]:
    return [
        session_expiry,
        # Delivers queued leads to amoCRM; idle when no CRM is configured.
        worker_cleanup_ctx(settings, lambda app: app[STORE]),
    ]
