"""The storage interface: sessions, messages, attribution, leads, the CRM outbox and tokens.

One interface, two backends (SQLite by default, PostgreSQL for several instances); every
backend passes the same contract test suite. All methods are async; timestamps are aware UTC.

A turn is one transaction under a per-session lock:

    async with store.turn(session_id) as tx:      # lock + load
        cached = await tx.stored_reply(message_id)  # idempotent retry?
        ...run the machine on tx.state...
        await tx.save_turn(...)                    # state, messages, attribution, lead, outbox
    # leaving the block commits; an exception rolls everything back and releases the lock
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractAsyncContextManager
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

from aida.domain import (
    Attribution,
    ChatMessage,
    ConversationState,
    Lead,
    LeadKind,
    SlotValues,
    Step,
)
from aida.store.erasure import ErasureReport, ErasureTarget

# local: kept in the local store only (no CRM configured when it was confirmed);
# pending: waiting in the outbox; delivered: in the CRM; failed: needs the operator.
DeliveryStatus = Literal["local", "pending", "delivered", "failed"]
JobKind = Literal["create_lead", "update_referrer"]


class StoreBusy(Exception):
    """No database connection (or session lock) came free within the store's wait. Nothing
    of the operation was done; the same request may be retried."""


class StoredReply(BaseModel):
    """The answer given to one customer message, returned again for a retried `message_id`."""

    reply: str
    suggestions: list[str] = Field(default_factory=list)
    step: Step


class TouchRecord(BaseModel):
    """A session's attribution: the first touch is never overwritten; the latest is merged."""

    first: Attribution = Field(default_factory=Attribution)
    latest: Attribution = Field(default_factory=Attribution)

    def recorded(self, touch: Attribution | None) -> TouchRecord:
        """This record after one more touch: the first non-empty touch stays first for good,
        the latest takes the touch's non-empty values (a message without UTM erases nothing)."""
        if touch is None or touch.is_empty():
            return self
        first = self.first if not self.first.is_empty() else touch
        return TouchRecord(first=first, latest=touch.merged_over(self.latest))


class LeadRecord(BaseModel):
    lead: Lead
    delivery: DeliveryStatus
    crm_lead_id: int | None = None
    crm_contact_id: int | None = None
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None
    # The lead's stage in the CRM, from its webhooks (None until the first one arrives).
    crm_status_id: int | None = None
    crm_loss_reason: str | None = None


class OutboxJob(BaseModel):
    """One unit of CRM work, leased to one worker at a time.

    `attempts` counts this claim too (1 on the first try): a worker that crashed mid-attempt
    has used one. A lead's jobs run in order: a job is not claimed while an earlier job of
    the same lead is not done (an `update_referrer` never overtakes its `create_lead`).
    """

    id: int
    kind: JobKind
    lead: Lead
    attempts: int
    payload: dict[str, Any] = Field(default_factory=dict)
    # Progress saved by earlier attempts, so a retry never creates a second contact or lead.
    crm_lead_id: int | None = None
    crm_contact_id: int | None = None


class LeadStat(BaseModel):
    """One lead's reporting columns without its payload (the admin dashboard's aggregates)."""

    id: str
    session_id: str
    kind: LeadKind
    created_at: dt.datetime
    delivery: DeliveryStatus
    utm_source: str | None = None
    utm_campaign: str | None = None
    # The conversation's first message: from the lead's transcript, else the session row.
    started_at: dt.datetime | None = None
    crm_status_id: int | None = None  # the stage in the CRM (won 142, lost 143 in amoCRM)
    crm_loss_reason: str | None = None


class SessionSummary(BaseModel):
    id: str
    step: Step
    max_step: Step  # the furthest step the conversation reached
    created_at: dt.datetime
    updated_at: dt.datetime
    utm_source: str | None = None


class StoreTotals(BaseModel):
    """Counts over the whole database, the same whichever instance asks (for /metrics)."""

    sessions: int
    leads: dict[str, int]  # delivery status → leads
    outbox: dict[str, int]  # job status (pending, done, failed) → jobs
    oldest_waiting: dt.datetime | None  # creation time of the oldest job still pending


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str | None = None  # None: a long-lived token
    expires_at: dt.datetime | None = None


class SessionTx(Protocol):
    session_id: str
    state: ConversationState | None  # None for a new session
    touch: TouchRecord
    message_count: int  # messages the session holds (both sides)

    async def stored_reply(self, message_id: str) -> StoredReply | None: ...

    async def transcript(self, limit: int) -> list[ChatMessage]:
        """The session's latest `limit` messages, oldest first, read inside this transaction
        (a turn holds one connection, never a second: see `Store.turn`)."""
        ...

    async def save_turn(
        self,
        *,
        state: ConversationState,
        user_text: str,
        reply: StoredReply,
        now: dt.datetime,
        message_id: str | None = None,
        touch: Attribution | None = None,
        lead: Lead | None = None,
        enqueue_lead: bool = False,
        referrer: tuple[str, str] | None = None,
        redact: SlotValues | None = None,
    ) -> None:
        """Record one turn; it is written, all of it or nothing, when the `turn` block exits
        without an exception.

        `touch` is merged into the session's attribution (first touch kept, latest updated
        with non-empty values). `lead` is inserted with delivery `pending` and a
        `create_lead` job when `enqueue_lead`, else `local`. `referrer` = (lead_id, text)
        stores who recommended us and, for a lead in the CRM pipeline, enqueues an
        `update_referrer` job. `redact`: the contacts (name, phone, email; any phone or
        email) are removed from every stored message of the session (consent declined).
        """
        ...


class Store(Protocol):
    async def open(self) -> None:
        """Connect and run migrations."""
        ...

    async def close(self) -> None: ...

    def turn(self, session_id: str) -> AbstractAsyncContextManager[SessionTx]:
        """Lock and load the session. Raises `StoreBusy` when no connection comes free in
        time; a turn uses one connection from start to end."""
        ...

    async def history(
        self, session_id: str, limit: int | None = None
    ) -> tuple[Step | None, list[ChatMessage]]:
        """The session's step and its latest `limit` messages (all when None), oldest first;
        (None, []) for an unknown session."""
        ...

    async def ping(self) -> None:
        """Raise when the database cannot be reached (the health check)."""
        ...

    async def funnel(
        self, since: dt.datetime | None = None, until: dt.datetime | None = None
    ) -> dict[Step, int]:
        """How many stored sessions reached each step (a session at `address` counts for
        `tariff`, `extras` and `address`); only sessions begun in [since, until) if given."""
        ...

    async def leads(
        self,
        limit: int | None = None,
        *,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        delivery: DeliveryStatus | None = None,
        session_id: str | None = None,
    ) -> list[LeadRecord]:
        """Newest first; confirmed in [since, until), with this delivery status or session.
        At most `limit` (0: none; None: all); a negative limit is a ValueError."""
        ...

    async def lead_stats(self, since: dt.datetime, until: dt.datetime) -> list[LeadStat]:
        """Leads confirmed in [since, until), oldest first, without their payloads."""
        ...

    async def sessions(
        self, since: dt.datetime, until: dt.datetime, limit: int
    ) -> list[SessionSummary]:
        """Sessions begun in [since, until), most recently active first."""
        ...

    async def totals(self) -> StoreTotals: ...

    async def lead(self, lead_id: str) -> LeadRecord | None: ...

    async def lead_ids(self, prefix: str, limit: int) -> list[str]:
        """Ids of leads starting with `prefix` (at most `limit`), found by the index."""
        ...

    # -- outbox ------------------------------------------------------------------------------
    async def claim_jobs(
        self, now: dt.datetime, limit: int, lease: dt.timedelta
    ) -> list[OutboxJob]:
        """Lease due jobs (none another worker holds); a crashed worker's lease expires."""
        ...

    async def job_progress(
        self, job_id: int, *, crm_contact_id: int | None = None, crm_lead_id: int | None = None
    ) -> None: ...

    async def job_done(self, job_id: int, now: dt.datetime) -> None: ...

    async def job_retry(self, job_id: int, next_attempt_at: dt.datetime, error: str) -> None: ...

    async def job_failed(self, job_id: int, error: str) -> None: ...

    async def requeue_lead(self, lead_id: str, now: dt.datetime) -> bool:
        """Put a failed (or local) lead back into the outbox; False if there is no such lead."""
        ...

    # -- CRM tokens --------------------------------------------------------------------------
    async def load_tokens(self, name: str) -> TokenPair | None: ...

    async def save_tokens(self, name: str, tokens: TokenPair) -> None: ...

    def token_lock(self, name: str) -> AbstractAsyncContextManager[None]:
        """Held while refreshing, across instances, so a refresh token is never used twice."""
        ...

    def leadership(self, name: str) -> AbstractAsyncContextManager[bool]:
        """Try to take a role only one instance may hold at a time (the CRM outbox worker, so
        the CRM's request limit holds for the whole account): True inside when this instance
        holds it, False when another does. Released on exit, or when this instance dies."""
        ...

    # -- admin -------------------------------------------------------------------------------
    async def revoke_admin_cookie(self, digest: str, expires_at: dt.datetime) -> None:
        """Remember a logged-out admin cookie (its digest) until it would have expired; every
        instance then refuses it. Forgets those already expired."""
        ...

    async def admin_cookie_revoked(self, digest: str) -> bool: ...

    # -- CRM account state and lead stages ----------------------------------------------------
    async def crm_state(self, name: str) -> dict[str, Any] | None:
        """A small JSON value every instance sees (e.g. the account is blocked since …)."""
        ...

    async def set_crm_state(
        self, name: str, value: dict[str, Any] | None, now: dt.datetime
    ) -> None:
        """Store `value` under `name`; None removes it."""
        ...

    async def next_turn(self, name: str) -> int:
        """Count one more under `name` and return the new count (0, 1, 2, …), atomically
        across instances: whose turn it is."""
        ...

    async def record_lead_stage(
        self,
        crm_lead_id: int,
        status_id: int,
        pipeline_id: int | None,
        loss_reason: str | None,
        at: dt.datetime,
    ) -> int:
        """The CRM moved lead `crm_lead_id` to a stage; how many AIDA leads it is (0 or 1)."""
        ...

    async def leads_lost_without_reason(self, status_id: int, limit: int) -> list[int]:
        """CRM ids of leads at stage `status_id` (lost) whose reason is not known yet."""
        ...

    async def record_loss_reason(self, crm_lead_id: int, reason: str) -> None: ...

    # -- upkeep ------------------------------------------------------------------------------
    async def expire_sessions(self, idle_since: dt.datetime) -> int:
        """Delete sessions (and their messages) idle since before `idle_since`, except any in
        a turn right now; leads are kept. Returns how many sessions were deleted."""
        ...

    # -- personal data -----------------------------------------------------------------------
    async def forget(self, target: ErasureTarget, now: dt.datetime) -> ErasureReport:
        """Erase a person: every session holding their phone or email (in its slots or in
        any message's text, the phone in any written form) or the given session, with all
        its messages; their leads (by contacts or session) keep only impersonal columns;
        their outbox jobs are emptied, and those not yet done dropped (the lead stays local)."""
        ...

    async def erase_delivered_leads(
        self, delivered_before: dt.datetime, now: dt.datetime, limit: int = 500
    ) -> int:
        """Retention: strip the person from leads delivered to the CRM before
        `delivered_before` (at most `limit` per call). Returns how many were erased."""
        ...
