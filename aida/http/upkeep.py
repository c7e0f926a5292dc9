"""Background upkeep, hourly: retention of personal data.

- Sessions idle longer than AIDA_RETENTION_DAYS (30) are deleted with their messages.
- Leads delivered to the CRM longer than AIDA_LEAD_RETENTION_DAYS (90) ago lose their
  personal fields and transcript (the CRM holds the record); local-only leads stay whole.
"""

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


async def upkeep_round(
    store: Store, now: dt.datetime, session_ttl: dt.timedelta, lead_retention: dt.timedelta
) -> tuple[int, int]:
    """One round: (sessions deleted, leads erased)."""
    deleted = await store.expire_sessions(now - session_ttl)
    erased = 0
    # In batches, so a first run over a large backlog never holds one long transaction.
    while batch := await store.erase_delivered_leads(now - lead_retention, now):
        erased += batch
    return deleted, erased


async def _upkeep_forever(
    store: Store, session_ttl: dt.timedelta, lead_retention: dt.timedelta
) -> None:
    while True:
        try:
            deleted, erased = await upkeep_round(
                store, dt.datetime.now(dt.UTC), session_ttl, lead_retention
            )
            if deleted:
                log.info("expired %d idle sessions", deleted)
            if erased:
                log.info("erased personal data of %d delivered leads", erased)
        except Exception:  # a failed round is retried next round; the service goes on
            log.exception("upkeep failed")
        await asyncio.sleep(EXPIRY_INTERVAL.total_seconds())


async def session_expiry(app: web.Application) -> AsyncIterator[None]:
    """A cleanup context: upkeep runs from start-up until shutdown."""
    settings = app[SETTINGS]
    task = asyncio.create_task(
        _upkeep_forever(
            app[STORE],
            dt.timedelta(days=settings.session_ttl_days),
            dt.timedelta(days=settings.lead_retention_days),
        ),
        name="aida-upkeep",
    )
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
