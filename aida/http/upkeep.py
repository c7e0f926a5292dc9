"""Background upkeep: idle sessions expire (AIDA_SESSION_TTL_DAYS) and are deleted."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from aida.http.keys import SETTINGS, STORE
from aida.store.base import Store

log = logging.getLogger(__name__)

EXPIRY_INTERVAL = dt.timedelta(hours=1)


async def _expire_forever(store: Store, ttl: dt.timedelta) -> None:
    while True:
        try:
            deleted = await store.expire_sessions(dt.datetime.now(dt.UTC) - ttl)
            if deleted:
                log.info("expired %d idle sessions", deleted)
        except Exception:  # a failed round is retried next round; the service goes on
            log.exception("session expiry failed")
        await asyncio.sleep(EXPIRY_INTERVAL.total_seconds())


async def session_expiry(app: web.Application) -> AsyncIterator[None]:
    """A cleanup context: expiry runs from start-up until shutdown."""
    ttl = dt.timedelta(days=app[SETTINGS].session_ttl_days)
    task = asyncio.create_task(_expire_forever(app[STORE], ttl), name="aida-session-expiry")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
