"""The account breaker: delivery pauses while the whole CRM account refuses work.

amoCRM answers 402 when the subscription has ended and 403 (often an HTML page, even on the
token endpoint) when it has blocked the account, typically after repeated 429s (research §1).
Neither is a lead's fault nor a spent token: retrying every lead would only prolong a block
and mark good leads failed. So the first such answer opens the breaker; jobs stay pending and
untouched; one cheap request probes the account after 1, 2, 4 … up to 10 minutes; the first
answer that is not a block closes the breaker and delivery resumes by itself.

The state is kept in the store (`crm_state`), so the admin dashboard of any instance shows the
banner and a new outbox leader keeps the pause; a gauge and a warning log say it too.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from aida.ops.metrics import CRM_ACCOUNT_BLOCKED
from aida.privacy import scrub

log = logging.getLogger("aida.crm")

STATE_NAME = "crm-account"
# The account answers the probe, yet this many attempts in a row right after a resume are
# refused with 402/403: it is that request (missing rights), not the account.
FLAP_LIMIT = 3
FIRST_PROBE = dt.timedelta(minutes=1)
MAX_PROBE = dt.timedelta(minutes=10)

Clock = Callable[[], dt.datetime]


class StateStore(Protocol):
    async def crm_state(self, name: str) -> dict[str, Any] | None: ...

    async def set_crm_state(
        self, name: str, value: dict[str, Any] | None, now: dt.datetime
    ) -> None: ...


class AccountBlock(BaseModel):
    """Why and since when the account refuses work; when it is looked at next."""

    reason: str
    since: dt.datetime
    next_probe: dt.datetime
    probes: int = 0


async def current_block(store: StateStore) -> AccountBlock | None:
    """The stored block, if any (what the dashboard shows)."""
    raw = await store.crm_state(STATE_NAME)
    if raw is None:
        return None
    try:
        return AccountBlock.model_validate(raw)
    except ValidationError:
        return None


class AccountBreaker:
    def __init__(self, store: StateStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self.block: AccountBlock | None = None
        self._loaded = False
        self._just_resumed = False
        self._flaps = 0

    async def load(self) -> None:
        """Take over a block another instance (or this one before a restart) recorded."""
        if not self._loaded:
            self.block = await current_block(self._store)
            self._loaded = True
            CRM_ACCOUNT_BLOCKED.set(1 if self.block else 0)

    @property
    def open(self) -> bool:
        return self.block is not None

    def probe_due(self) -> bool:
        return self.block is not None and self._clock() >= self.block.next_probe

    def request_refused(self) -> bool:
        """A 402/403 on a job: True when it is that request's, not the account's (the account
        answered the probe and the same refusal came FLAP_LIMIT times straight after)."""
        if not self._just_resumed:
            return False
        self._flaps += 1
        if self._flaps >= FLAP_LIMIT:
            self._flaps = 0
            return True
        return False

    def settled(self) -> None:
        """A job went through: the account works."""
        self._just_resumed = False
        self._flaps = 0

    async def trip(self, reason: str) -> None:
        """The account refused work: pause (or stay paused and look again later)."""
        now = self._clock()
        if self.block is None:
            self.block = AccountBlock(reason=reason, since=now, next_probe=now + FIRST_PROBE)
            log.warning(
                "crm.account_blocked delivery paused, leads stay pending: %s",
                scrub(reason),
                extra={"event": "crm.account_blocked"},
            )
        else:
            wait = min(FIRST_PROBE * 2 ** min(self.block.probes + 1, 10), MAX_PROBE)
            self.block = self.block.model_copy(
                update={"reason": reason, "next_probe": now + wait, "probes": self.block.probes + 1}
            )
        CRM_ACCOUNT_BLOCKED.set(1)
        await self._store.set_crm_state(STATE_NAME, self.block.model_dump(mode="json"), now)

    async def reset(self) -> None:
        """The account answers again: resume delivery."""
        if self.block is None:
            return
        now = self._clock()
        log.warning(
            "crm.account_unblocked delivery resumes after %s",
            str(now - self.block.since).split(".")[0],
            extra={"event": "crm.account_unblocked"},
        )
        self.block = None
        self._just_resumed = True
        CRM_ACCOUNT_BLOCKED.set(0)
        await self._store.set_crm_state(STATE_NAME, None, now)
