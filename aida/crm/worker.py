"""The outbox worker: delivers confirmed leads to the CRM in the background, exactly once.

The lead and its job are written in the transaction that confirms it (the store's
`save_turn`); this worker leases one due job at a time, runs it through the CRM port and
records the outcome: done, retry later (exponential backoff with jitter, at least what the
CRM asked for), or failed (the CRM refused the data: shown by `aida leads`, retried with
`aida leads --retry ID` after the operator fixes the configuration). When the whole account
refuses work (unpaid, blocked) delivery pauses instead (`aida.crm.breaker`): nothing fails,
the account is probed gently, delivery resumes by itself. Contact and lead ids
are saved the moment they are known, so a retry after a crash resumes instead of repeating.

Start it with the HTTP app (`worker_cleanup_ctx`) or any async code (`crm_worker`). Stopping
lets the in-flight request finish, saves its result and releases the job's lease.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from aiohttp import web

from aida.catalog import Catalog, default_catalog, load_catalog
from aida.config import Settings
from aida.crm.amocrm.webhooks import LOST_STATUS
from aida.crm.breaker import AccountBreaker
from aida.crm.port import (
    CrmAccountBlocked,
    CrmAuthError,
    CrmError,
    CrmPort,
    CrmRefs,
    CrmRejected,
    CrmUnavailable,
)
from aida.ops.context import request_id
from aida.ops.metrics import record_delivery
from aida.privacy import scrub
from aida.store.base import LeadRecord, OutboxJob, Store

log = logging.getLogger("aida.crm")

Clock = Callable[[], dt.datetime]
Sleep = Callable[[float], Awaitable[None]]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class OutboxStore(Protocol):
    async def claim_jobs(
        self, now: dt.datetime, limit: int, lease: dt.timedelta
    ) -> list[OutboxJob]: ...

    async def job_progress(
        self, job_id: int, *, crm_contact_id: int | None = None, crm_lead_id: int | None = None
    ) -> None: ...

    async def job_done(self, job_id: int, now: dt.datetime) -> None: ...

    async def job_retry(self, job_id: int, next_attempt_at: dt.datetime, error: str) -> None: ...

    async def job_failed(self, job_id: int, error: str) -> None: ...

    async def lead(self, lead_id: str) -> LeadRecord | None: ...

    def leadership(self, name: str) -> AbstractAsyncContextManager[bool]: ...

    async def crm_state(self, name: str) -> dict[str, Any] | None: ...

    async def leads_lost_without_reason(self, status_id: int, limit: int) -> list[int]: ...

    async def record_loss_reason(self, crm_lead_id: int, reason: str) -> None: ...

    async def set_crm_state(
        self, name: str, value: dict[str, Any] | None, now: dt.datetime
    ) -> None: ...


NO_REASON = "не указана"

# Of several instances, one delivers at a time, so the CRM's request limit holds account-wide.
LEADERSHIP = "crm-outbox"


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with "equal jitter": half the step fixed, half random."""

    base: float = 2.0
    cap: float = 15 * 60.0
    # A refused token needs the operator; do not knock more often than this meanwhile.
    auth_floor: float = 5 * 60.0
    # The lead a referrer belongs to is not in the CRM yet.
    waiting: float = 30.0

    def delay(self, attempt: int, rand: float) -> float:
        step = min(self.cap, self.base * 2 ** min(max(attempt - 1, 0), 30))
        return step / 2 + rand * step / 2


class _Stopped(Exception):
    """The worker is stopping: progress is saved, the job goes back to the queue."""


class _Waiting(Exception):
    """The job depends on another job that has not been delivered yet."""


class OutboxWorker:
    def __init__(
        self,
        store: OutboxStore,
        crm: CrmPort,
        *,
        clock: Clock = utcnow,
        sleep: Sleep = asyncio.sleep,
        lease: dt.timedelta = dt.timedelta(minutes=5),
        idle_wait: float = 1.0,
        standby_wait: float = 5.0,
        term: float = 60.0,
        keep_alive_every: float = 24 * 3600.0,
        backoff: Backoff = Backoff(),
        rand: Callable[[], float] = random.random,
    ) -> None:
        self._store = store
        self._crm = crm
        self._clock = clock
        self._sleep = sleep
        self._lease = lease
        self._idle_wait = idle_wait
        # Another instance delivers: look again after this long.
        self._standby_wait = standby_wait
        # The role is re-taken after each term, so a lost lock connection heals by itself.
        self._term = term
        self._keep_alive_every = keep_alive_every
        # The first idle moment after start counts too: a token near its end is told at once.
        self._kept_alive = float("-inf")
        self._backoff = backoff
        self._rand = rand
        self._stopping = asyncio.Event()
        self.breaker = AccountBreaker(store, clock)

    async def run_once(self) -> bool:
        """Deliver at most one due job; False when none is due (or the account is blocked
        and its next probe is not due, or the probe found it still blocked)."""
        await self.breaker.load()
        if self.breaker.open and not await self._probe():
            return False
        jobs = await self._store.claim_jobs(self._clock(), 1, self._lease)
        if not jobs:
            return False
        for job in jobs:
            await self._process(job)
        return True

    async def run(self) -> None:
        """Deliver due jobs until stop() is called, while this instance holds the outbox's
        leadership; waits `idle_wait` when the queue is empty."""
        while not self._stopping.is_set():
            try:
                async with self._store.leadership(LEADERSHIP) as leader:
                    if leader:
                        await self._deliver_for(self._term)
                    else:
                        await self._pause(self._standby_wait)
            except Exception:  # the store is unreachable: keep the worker alive, try again
                log.exception("crm.worker store error")
                await self._pause(self._idle_wait)

    async def _deliver_for(self, seconds: float) -> None:
        until = time.monotonic() + seconds
        while not self._stopping.is_set() and time.monotonic() < until:
            try:
                worked = await self.run_once()
            except Exception:  # the store is unreachable: keep the worker alive, try again
                log.exception("crm.worker store error")
                worked = False
            if not worked:
                await self._keep_alive()
                await self.resolve_losses()
                await self._pause(self._idle_wait)

    async def _keep_alive(self) -> None:
        """While idle, about once a day: credentials unused for months must not lapse."""
        if time.monotonic() - self._kept_alive < self._keep_alive_every:
            return
        self._kept_alive = time.monotonic()
        try:
            await self._crm.keep_alive()
        except CrmError as e:
            log.warning("crm.keep_alive failed: %s", scrub(str(e)))

    async def _probe(self) -> bool:
        """While the account is blocked: one cheap request when due; True once it answers."""
        if not self.breaker.probe_due():
            return False
        try:
            await self._crm.probe()
        except CrmAccountBlocked as e:
            await self.breaker.trip(str(e))
            return False
        except CrmError as e:
            # Not a block any more (a 5xx, a token to renew): the jobs' own retries take over.
            log.info("crm.probe answered %s", scrub(str(e)))
        await self.breaker.reset()
        return True

    async def resolve_losses(self) -> None:
        """While idle: ask the CRM why newly lost leads were lost (the stage webhook does not
        say), a few at a time, so the dashboard can show the reasons."""
        if self.breaker.open:
            return
        try:
            for crm_lead_id in await self._store.leads_lost_without_reason(LOST_STATUS, 5):
                reason = await self._crm.loss_reason(crm_lead_id)
                await self._store.record_loss_reason(crm_lead_id, reason or NO_REASON)
        except CrmError as e:
            log.info("crm.loss_reason not read: %s", scrub(str(e)))

    async def _pause(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stopping.wait(), seconds)
        except TimeoutError:
            pass

    def stop(self) -> None:
        self._stopping.set()

    @asynccontextmanager
    async def running(self, grace: float = 30.0) -> AsyncIterator[OutboxWorker]:
        """Run in the background; on exit, let the current request finish (up to `grace`)."""
        task = asyncio.create_task(self.run(), name="aida-crm-outbox")
        try:
            yield self
        finally:
            self.stop()
            try:
                await asyncio.wait_for(asyncio.shield(task), grace)
            except TimeoutError:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)

    # -- one job ------------------------------------------------------------------------------
    async def _process(self, job: OutboxJob) -> None:
        # Every log line of this attempt (amoCRM answers, token refresh) carries this id.
        request_id.set(f"crm-{job.id}.{job.attempts}")
        started = time.monotonic()
        attempt = job.attempts
        refs = CrmRefs(contact_id=job.crm_contact_id, lead_id=job.crm_lead_id)
        try:
            if job.kind == "create_lead":
                refs = await self._crm.create_lead(job.lead, refs, self._progress_of(job))
            else:
                refs.lead_id = await self._update_referrer(job)
        except _Stopped:
            await self._store.job_retry(job.id, self._clock(), "worker stopped; resumes on restart")
            self._log(job, "stopped", started, refs)
        except asyncio.CancelledError:
            # Cut short by shutdown: hand the job back now rather than when the lease expires.
            await asyncio.shield(
                self._store.job_retry(job.id, self._clock(), "worker stopped; resumes on restart")
            )
            self._log(job, "stopped", started, refs)
            raise
        except CrmAccountBlocked as e:
            if self.breaker.request_refused():
                message = f"{e} — yet the account answers: check the integration's rights"
                await self._store.job_failed(job.id, message)
                self._log(job, "failed", started, refs, error=message)
            else:
                # The account, not this lead: the job waits untouched, first in line on resume.
                await self._store.job_retry(job.id, self._clock(), str(e))
                await self.breaker.trip(str(e))
                self._log(job, "paused", started, refs, error=str(e))
        except CrmRejected as e:
            await self._store.job_failed(job.id, str(e))
            self._log(job, "failed", started, refs, error=str(e))
        except (_Waiting, CrmError) as e:
            wait = self._retry_delay(attempt, e)
            await self._store.job_retry(job.id, self._clock() + dt.timedelta(seconds=wait), str(e))
            self._log(job, "retry", started, refs, error=str(e), retry_in=wait)
        except Exception as e:  # a bug or an unexpected answer must not lose the lead
            log.exception("crm.worker unexpected error on job %s", job.id)
            wait = self._retry_delay(attempt, e)
            message = f"unexpected error: {type(e).__name__}"
            await self._store.job_retry(job.id, self._clock() + dt.timedelta(seconds=wait), message)
            self._log(job, "retry", started, refs, error=message, retry_in=wait)
        else:
            await self._store.job_done(job.id, self._clock())
            self.breaker.settled()
            self._log(job, "delivered", started, refs)

    def _progress_of(self, job: OutboxJob) -> Callable[[CrmRefs], Awaitable[None]]:
        async def progress(refs: CrmRefs) -> None:
            await self._store.job_progress(
                job.id, crm_contact_id=refs.contact_id, crm_lead_id=refs.lead_id
            )
            if self._stopping.is_set():
                raise _Stopped

        return progress

    async def _update_referrer(self, job: OutboxJob) -> int:
        lead_id = job.crm_lead_id
        if lead_id is None:
            record = await self._store.lead(job.lead.id)
            lead_id = record.crm_lead_id if record else None
        if lead_id is None:
            raise _Waiting("the lead is not in amoCRM yet; the referrer follows it")
        referrer = str(job.payload.get("referrer") or job.lead.referrer or "")
        if referrer:
            await self._crm.update_lead_referrer(lead_id, referrer)
        return lead_id

    def _retry_delay(self, attempt: int, error: Exception) -> float:
        if isinstance(error, _Waiting):
            return self._backoff.waiting
        wait = self._backoff.delay(attempt, self._rand())
        if isinstance(error, CrmAuthError):
            wait = max(wait, self._backoff.auth_floor)
        if isinstance(error, CrmUnavailable) and error.retry_after:
            wait = max(wait, error.retry_after)
        return wait

    def _log(
        self,
        job: OutboxJob,
        outcome: str,
        started: float,
        refs: CrmRefs,
        *,
        error: str | None = None,
        retry_in: float | None = None,
    ) -> None:
        fields: dict[str, object] = {
            "job": job.id,
            "kind": job.kind,
            "lead": job.lead.id,
            "attempt": job.attempts,
            "outcome": outcome,
            "ms": round((time.monotonic() - started) * 1000),
            "crm_contact_id": refs.contact_id,
            "crm_lead_id": refs.lead_id,
        }
        if retry_in is not None:
            fields["retry_in_s"] = round(retry_in, 1)
        if error is not None:
            fields["error"] = scrub(error)
        record_delivery(job.kind, outcome)
        level = logging.WARNING if outcome in ("failed", "retry", "paused") else logging.INFO
        text = " ".join(
            f"{k}={v!r}" if isinstance(v, str) else f"{k}={v}" for k, v in fields.items()
        )
        log.log(level, "crm.delivery %s", text, extra={"event": "crm.delivery", "crm": fields})


# -- lifecycle ----------------------------------------------------------------------------------


def _catalog(settings: Settings) -> Catalog:
    return load_catalog(settings.catalog_path) if settings.catalog_path else default_catalog()


@asynccontextmanager
async def crm_worker(
    settings: Settings, store: Store, catalog: Catalog | None = None
) -> AsyncIterator[OutboxWorker | None]:
    """The outbox worker, running while inside; None when leads stay in the local store.

    `store` must be open already and stay open until this exits.
    """
    from aida.crm import open_crm

    crm = open_crm(settings, store, catalog or _catalog(settings))
    try:
        if not crm.queues_leads:
            yield None
            return
        worker = OutboxWorker(store, crm)
        async with worker.running():
            yield worker
    finally:
        await crm.close()


def worker_cleanup_ctx(
    settings: Settings, get_store: Callable[[web.Application], Store]
) -> Callable[[web.Application], AsyncIterator[None]]:
    """An aiohttp `cleanup_ctx` entry; append it after the one that opens the store."""

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        async with crm_worker(settings, get_store(app)):
            yield

    return ctx
