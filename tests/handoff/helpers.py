"""Shared pieces of the handoff tests: reading an event stream, waiting for a condition."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp


async def eventually(check: Callable[[], Awaitable[bool] | bool], timeout: float = 5.0,
                     what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if isinstance(result, Awaitable):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


class EventReader:
    """Server-Sent Events from an open response, one parsed frame at a time."""

    def __init__(self, resp: aiohttp.ClientResponse) -> None:
        self._resp = resp

    async def next(self, timeout: float = 5.0) -> dict[str, Any]:
        frame: dict[str, Any] = {}
        async with asyncio.timeout(timeout):
            while True:
                raw = await self._resp.content.readline()
                if not raw:
                    raise AssertionError("the stream ended")
                line = raw.decode().rstrip("\n")
                if not line:
                    if "event" in frame:
                        return frame
                    frame = {}
                    continue
                key, _, value = line.partition(": ")
                if key == "data":
                    frame["data"] = json.loads(value)
                elif key in ("event", "id"):
                    frame[key] = value
