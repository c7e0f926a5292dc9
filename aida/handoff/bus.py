"""Waking the customer's event stream on whichever instance holds it.

Events themselves live in the database (`handoff_events`); the bus carries only "session S
has something new", and each stream reads what it has not sent yet. So a lost wake-up costs
at most one poll interval, never a message. Within one instance the `Hub` wakes streams at
once; across instances the wake-up goes through Redis pub/sub when AIDA_REDIS_URL is set,
or each instance polls the events table (PostgreSQL without Redis).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from typing import Protocol

import redis.asyncio as redis

from aida.handoff.store import HandoffStore

log = logging.getLogger("aida.handoff")

# Without Redis, how often an instance looks for events written by another instance.
POLL_INTERVAL = 0.25


class Hub:
    """The streams open on this instance, by session."""

    def __init__(self) -> None:
        self._waiting: dict[str, set[asyncio.Event]] = defaultdict(set)

    @contextlib.contextmanager
    def listen(self, session_id: str) -> Iterator[asyncio.Event]:
        event = asyncio.Event()
        self._waiting[session_id].add(event)
        try:
            yield event
        finally:
            waiting = self._waiting.get(session_id)
            if waiting is not None:
                waiting.discard(event)
                if not waiting:
                    del self._waiting[session_id]

    def wake(self, session_id: str) -> None:
        for event in self._waiting.get(session_id, ()):
            event.set()

    def listening(self, session_id: str) -> bool:
        return session_id in self._waiting

    @property
    def streams(self) -> int:
        return sum(len(v) for v in self._waiting.values())


class Bus(Protocol):
    hub: Hub

    async def publish(self, session_id: str) -> None: ...

    def running(self) -> contextlib.AbstractAsyncContextManager[None]: ...


class LocalBus:
    """One instance (SQLite): every stream is here."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    async def publish(self, session_id: str) -> None:
        self.hub.wake(session_id)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        yield


class PollingBus(LocalBus):
    """Several instances on one PostgreSQL without Redis: look for others' events."""

    def __init__(self, hub: Hub, store: HandoffStore, interval: float = POLL_INTERVAL) -> None:
        super().__init__(hub)
        self._store = store
        self._interval = interval

    async def _poll(self) -> None:
        seen = await self._store.last_event_id()
        while True:
            await asyncio.sleep(self._interval)
            try:
                for session_id, newest in await self._store.sessions_after(seen):
                    seen = max(seen, newest)
                    self.hub.wake(session_id)
            except Exception:  # the database is away for a moment: try again next round
                log.warning("handoff.bus poll failed", exc_info=True)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        task = asyncio.create_task(self._poll(), name="aida-handoff-poll")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


class RedisBus(LocalBus):
    """Several instances with Redis: a wake-up is published on one channel for all."""

    def __init__(self, hub: Hub, url: str, prefix: str) -> None:
        super().__init__(hub)
        self._client = redis.from_url(url, socket_connect_timeout=1.0)
        self._channel = f"{prefix}handoff"

    async def publish(self, session_id: str) -> None:
        self.hub.wake(session_id)  # this instance's streams need no round trip
        try:
            await self._client.publish(self._channel, session_id)
        except (redis.RedisError, OSError) as e:
            log.warning("handoff.bus publish failed: %s", type(e).__name__)

    async def _listen(self) -> None:
        while True:
            try:
                async with self._client.pubsub() as pubsub:
                    await pubsub.subscribe(self._channel)
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            data = message["data"]
                            self.hub.wake(data.decode() if isinstance(data, bytes) else data)
            except asyncio.CancelledError:
                raise
            except (redis.RedisError, OSError) as e:  # Redis restarted: subscribe again
                log.warning("handoff.bus subscription lost: %s", type(e).__name__)
                await asyncio.sleep(1.0)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        task = asyncio.create_task(self._listen(), name="aida-handoff-redis")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await self._client.aclose()


def make_bus(hub: Hub, store: HandoffStore, *, redis_url: str | None, redis_prefix: str,
             several_instances: bool) -> Bus:
    if redis_url:
        return RedisBus(hub, redis_url, redis_prefix)
    if several_instances:
        return PollingBus(hub, store)
    return LocalBus(hub)
