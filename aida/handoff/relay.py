"""The relay: sends queued messages to amojo, in order per conversation, with retries.

One instance relays at a time (the store's leadership, as for the CRM outbox). A job waits
while an earlier one of its conversation is pending, so the manager reads the conversation
in the order it happened. A refused job (amojo says the request is wrong) is marked failed
and the conversation goes on; a job that cannot get through for `max_attempts` tries is
failed too. Without a connected channel (`aida crm connect-chat`) jobs wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable

from aida.handoff.client import AmojoClient, AmojoRejected, AmojoUnavailable
from aida.handoff.metrics import RELAYED
from aida.handoff.store import HandoffStore, RelayJob

log = logging.getLogger("aida.handoff")

LEADERSHIP = "amojo-relay"
# Links amojo's chat to an amoCRM contact (POST /api/v4/contacts/chats); raises
# AmojoUnavailable to be tried again, AmojoRejected when it never will work.
ContactLink = Callable[[str, int], Awaitable[None]]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Relay:
    def __init__(self, store: HandoffStore, client: AmojoClient, leadership: Callable[
            [str], contextlib.AbstractAsyncContextManager[bool]], *,
                 idle_wait: float = 0.2, standby_wait: float = 5.0, term: float = 60.0,
                 max_attempts: int = 30, backoff_cap: float = 120.0,
                 clock: Callable[[], dt.datetime] = _utcnow,
                 link: ContactLink | None = None) -> None:
        self._store = store
        self._link = link
        self._client = client
        self._leadership = leadership
        self._idle_wait = idle_wait
        self._standby_wait = standby_wait
        self._term = term
        self._max_attempts = max_attempts
        self._backoff_cap = backoff_cap
        self._clock = clock
        self._wake = asyncio.Event()
        self._warned = False

    def wake(self) -> None:
        """Something was queued on this instance: look now rather than after the pause."""
        self._wake.set()

    async def run_once(self) -> bool:
        channel = await self._store.channel(self._client.channel_id)
        if channel is None:
            if not self._warned:
                log.warning("handoff.relay: the chat channel is not connected; run "
                            "`aida crm connect-chat`. Messages wait.")
                self._warned = True
            return False
        jobs = await self._store.claim_relay(self._clock())
        for job in jobs:
            await self._send(channel.scope_id, job)
        return bool(jobs)

    async def _send(self, scope_id: str, job: RelayJob) -> None:
        try:
            if job.payload.get("kind") == "chat":
                await self._chat(scope_id, job.payload)
            else:
                await self._client.send(scope_id, job.payload)
        except AmojoRejected as e:
            await self._store.relay_failed(job.id, str(e))
            RELAYED.labels("failed").inc()
            log.warning("handoff.relay refused job=%s: %s", job.id, e)
        except AmojoUnavailable as e:
            if job.attempts >= self._max_attempts:
                await self._store.relay_failed(job.id, str(e))
                RELAYED.labels("failed").inc()
                log.warning("handoff.relay gave up job=%s after %s tries: %s", job.id,
                            job.attempts, e)
                return
            wait = min(self._backoff_cap, 0.5 * 2 ** (job.attempts - 1))
            wait = wait / 2 + random.random() * wait / 2
            await self._store.relay_retry(job.id, self._clock() + dt.timedelta(seconds=wait),
                                          str(e))
            RELAYED.labels("retry").inc()
            log.info("handoff.relay retry job=%s in %.1fs: %s", job.id, wait, e)
        else:
            await self._store.relay_done(job.id, self._clock())
            RELAYED.labels("sent").inc()

    async def _chat(self, scope_id: str, payload: dict[str, object]) -> None:
        chat = payload["chat"]
        assert isinstance(chat, dict)
        chat_id = await self._client.create_chat(scope_id, chat)
        contact_id = payload.get("contact_id")
        if self._link is not None and isinstance(contact_id, int):
            await self._link(chat_id, contact_id)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)
        self._wake.clear()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                async with self._leadership(LEADERSHIP) as leader:
                    if not leader:
                        await asyncio.sleep(self._standby_wait)
                        continue
                    until = loop.time() + self._term
                    while loop.time() < until:
                        if not await self.run_once():
                            await self._pause(self._idle_wait)
            except asyncio.CancelledError:
                raise
            except Exception:  # the database or amojo misbehaved: keep relaying
                log.exception("handoff.relay error")
                await asyncio.sleep(1.0)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Relay]:
        task = asyncio.create_task(self.run(), name="aida-amojo-relay")
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await self._client.close()
