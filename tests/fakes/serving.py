"""Serving a stand-in's aiohttp app on loopback for the time of a `with` block."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web


@asynccontextmanager
async def serving(app: web.Application, port: int = 0, **runner: Any) -> AsyncIterator[str]:
    """`app` listening on 127.0.0.1 (`port` 0: any free one); yields its base URL."""
    app_runner = web.AppRunner(app, **runner)
    await app_runner.setup()
    await web.TCPSite(app_runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{app_runner.addresses[0][1]}"
    finally:
        await app_runner.cleanup()
