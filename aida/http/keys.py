"""Typed keys of what the application holds, for handlers and background tasks."""

from __future__ import annotations

from aiohttp import web

from aida.config import Settings
from aida.handoff.desk import HandoffDesk
from aida.http.ratelimit import Limiter
from aida.service.turns import TurnService
from aida.store.base import Store

SETTINGS = web.AppKey("settings", Settings)
STORE = web.AppKey("store", Store)
TURNS = web.AppKey("turns", TurnService)
LIMITER = web.AppKey("limiter", Limiter)
# Set when shutdown begins: /health answers 503 so a load balancer drains this instance.
DRAINING = web.AppKey("draining", dict[str, bool])
# The live handoff, present when amojo is configured.
HANDOFF = web.AppKey("handoff", HandoffDesk)
