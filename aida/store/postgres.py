"""The PostgreSQL backend (asyncpg), for several instances sharing one database.

A turn is one transaction holding `pg_advisory_xact_lock` on the session, so two instances
never interleave turns of one session; an in-process lock in front keeps a second request of
the same session on this instance from taking a pool connection just to wait. The outbox is
claimed with FOR UPDATE SKIP LOCKED and a lease; the token lock is a session-level advisory
lock held on a connection of its own.

A turn uses exactly one pool connection from start to end (the lead's transcript is read on
it too): a turn that needed a second one while holding its first deadlocked the pool under a
crowd. Every wait has a deadline — for a pool connection (`wait_seconds`) and, through
`lock_timeout`, for another instance's session lock — and ends in `StoreBusy`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from aida.domain import ChatMessage, ConversationState, Lead, Step
from aida.masking import redact
from aida.store.base import (
    DeliveryStatus,
    LeadRecord,
    LeadStat,
    OutboxJob,
    SessionSummary,
    StoreBusy,
    StoredReply,
    StoreTotals,
    TokenPair,
)
from aida.store.erasure import HANDOFF_TABLES, ErasureReport, ErasureTarget
from aida.store.locks import KeyedLocks
from aida.store.migrations import SCHEMA_VERSION_TABLE, migrations
from aida.store.rows import (
    funnel_from,
    lead_columns,
    lead_record,
    lead_stat,
    session_summary,
    touch_from,
    touch_json,
    utc,
)
from aida.store.staging import StagedTurn, StagingTx

# Advisory lock namespaces (the first key of the two-key form).
_SESSION_LOCK = 0x41494401
_TOKEN_LOCK = 0x41494402
_MIGRATION_LOCK = 0x41494403
_LEADER_LOCK = 0x41494404


class _PoolConnection(asyncpg.Connection):
    """Pool connections keep no session state (no LISTEN, no SET; advisory locks are only
    taken per transaction), so the reset query asyncpg sends on every release, a round trip
    per turn, is skipped; an open transaction is still ended by asyncpg itself."""

    def get_reset_query(self) -> str:
        return ""


class _PgTx(StagingTx):
    def __init__(
        self, conn: asyncpg.Connection, session_id: str, row: asyncpg.Record | None
    ) -> None:
        state = ConversationState.model_validate_json(row["state"]) if row else None
        super().__init__(
            session_id,
            state,
            touch_from(row["first_touch"] if row else None, row["latest_touch"] if row else None),
            row["message_count"] if row else 0,
        )
        self._conn = conn

    async def stored_reply(self, message_id: str) -> StoredReply | None:
        row = await self._conn.fetchrow(
            """SELECT text, suggestions, step FROM messages
               WHERE session_id = $1 AND message_id = $2 AND role = 'assistant'""",
            self.session_id,
            message_id,
        )
        if row is None:
            return None
        return StoredReply(reply=row[0], suggestions=json.loads(row[1]), step=row[2])

    async def transcript(self, limit: int) -> list[ChatMessage]:
        return await _latest_messages(self._conn, self.session_id, limit)


class PostgresStore:
    def __init__(
        self, dsn: str, *, min_size: int = 2, max_size: int = 20, wait_seconds: float = 5.0
    ) -> None:
        self._dsn = dsn
        self._min_size = min(min_size, max_size)
        self._max_size = max_size
        self._wait = wait_seconds
        self._pool: asyncpg.Pool | None = None
        self._sessions = KeyedLocks()
        self._tokens = KeyedLocks()

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("store is not open")
        return self._pool

    async def open(self) -> None:
        self._pool = await asyncpg.create_pool(
            self._dsn,
            min_size=self._min_size,
            max_size=self._max_size,
            connection_class=_PoolConnection,
            # Waiting for another instance's session lock has the same deadline.
            server_settings={"lock_timeout": f"{int(self._wait * 1000)}ms"},
        )
        async with self._connection() as conn, conn.transaction():
            # Instances starting together migrate one after the other.
            await conn.execute("SELECT pg_advisory_xact_lock($1, 0)", _MIGRATION_LOCK)
            await conn.execute(SCHEMA_VERSION_TABLE)
            done = {r[0] for r in await conn.fetch("SELECT version FROM schema_version")}
            for version, statements in migrations("postgresql"):
                if version in done:
                    continue
                for statement in statements:
                    await conn.execute(statement)
                await conn.execute("INSERT INTO schema_version (version) VALUES ($1)", version)

    async def close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.close()

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[asyncpg.Connection]:
        """A pool connection within `wait_seconds`, else `StoreBusy`."""
        try:
            conn = await self.pool.acquire(timeout=self._wait)
        except TimeoutError:
            raise StoreBusy("no database connection came free in time") from None
        try:
            yield conn
        finally:
            await self.pool.release(conn)

    async def _fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        async with self._connection() as conn:
            rows: list[asyncpg.Record] = await conn.fetch(query, *args)
            return rows

    async def _fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None:
        async with self._connection() as conn:
            return await conn.fetchrow(query, *args)

    async def _execute(self, query: str, *args: Any) -> None:
        async with self._connection() as conn:
            await conn.execute(query, *args)

    # -- conversation ------------------------------------------------------------------------
    @asynccontextmanager
    async def turn(self, session_id: str) -> AsyncIterator[_PgTx]:
        async with (
            self._sessions.hold(session_id),
            self._connection() as conn,
            conn.transaction(),
        ):
            try:
                await conn.execute(
                    "SELECT pg_advisory_xact_lock($1, hashtext($2))", _SESSION_LOCK, session_id
                )
            except asyncpg.LockNotAvailableError:
                raise StoreBusy("the session is in a turn on another instance") from None
            row = await conn.fetchrow(
                """SELECT state, first_touch, latest_touch, message_count
                   FROM sessions WHERE id = $1""",
                session_id,
            )
            tx = _PgTx(conn, session_id, row)
            yield tx
            if tx.staged is not None:
                await _save_turn(conn, tx.staged)

    async def history(
        self, session_id: str, limit: int | None = None
    ) -> tuple[Step | None, list[ChatMessage]]:
        async with self._connection() as conn, conn.transaction(readonly=True):
            step = await conn.fetchval("SELECT step FROM sessions WHERE id = $1", session_id)
            if step is None:
                return None, []
            messages = await _latest_messages(conn, session_id, limit)
        return Step(step), messages

    async def ping(self) -> None:
        async with self._connection() as conn:
            await conn.fetchval("SELECT 1")

    async def funnel(
        self, since: dt.datetime | None = None, until: dt.datetime | None = None
    ) -> dict[Step, int]:
        conds, params = _between("created_at", since, until)
        rows = await self._fetch(
            f"SELECT max_step_rank, count(*) FROM sessions{_where(conds)} GROUP BY max_step_rank",
            *params,
        )
        return funnel_from({r[0]: r[1] for r in rows})

    async def leads(
        self,
        limit: int | None = None,
        *,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        delivery: DeliveryStatus | None = None,
        session_id: str | None = None,
    ) -> list[LeadRecord]:
        conds, params = _between("created_at", since, until)
        for column, value in (("delivery", delivery), ("session_id", session_id)):
            if value is not None:
                params.append(value)
                conds.append(f"{column} = ${len(params)}")
        if limit is not None and limit < 0:
            raise ValueError(f"limit must be 0 or more, not {limit}")
        params.append(limit)  # LIMIT NULL: all
        rows = await self._fetch(
            f"SELECT * FROM leads{_where(conds)} ORDER BY created_at DESC, id LIMIT ${len(params)}",
            *params,
        )
        return [lead_record(dict(r)) for r in rows]

    async def lead_stats(self, since: dt.datetime, until: dt.datetime) -> list[LeadStat]:
        rows = await self._fetch(
            """SELECT l.id, l.session_id, l.kind, l.created_at, l.delivery, l.utm_source,
                   l.payload -> 'attribution' ->> 'utm_campaign',
                   coalesce((l.payload -> 'transcript' -> 0 ->> 'at')::timestamptz, s.created_at),
                   l.crm_status_id, l.crm_loss_reason
               FROM leads l LEFT JOIN sessions s ON s.id = l.session_id
               WHERE l.created_at >= $1 AND l.created_at < $2 ORDER BY l.created_at, l.id""",
            utc(since),
            utc(until),
        )
        return [lead_stat(tuple(r)) for r in rows]

    async def sessions(
        self, since: dt.datetime, until: dt.datetime, limit: int
    ) -> list[SessionSummary]:
        rows = await self._fetch(
            """SELECT id, step, max_step_rank, created_at, updated_at,
                   first_touch ->> 'utm_source'
               FROM sessions WHERE created_at >= $1 AND created_at < $2
               ORDER BY updated_at DESC, id LIMIT $3""",
            utc(since),
            utc(until),
            limit,
        )
        return [session_summary(tuple(r)) for r in rows]

    async def totals(self) -> StoreTotals:
        async with self._connection() as conn, conn.transaction(readonly=True):
            sessions = await conn.fetchval("SELECT count(*) FROM sessions")
            leads = await conn.fetch("SELECT delivery, count(*) FROM leads GROUP BY delivery")
            outbox = await conn.fetch("SELECT status, count(*) FROM outbox GROUP BY status")
            oldest = await conn.fetchval(
                "SELECT min(created_at) FROM outbox WHERE status = 'pending'"
            )
        return StoreTotals(
            sessions=sessions,
            leads={r[0]: r[1] for r in leads},
            outbox={r[0]: r[1] for r in outbox},
            oldest_waiting=oldest,
        )

    async def lead(self, lead_id: str) -> LeadRecord | None:
        row = await self._fetchrow("SELECT * FROM leads WHERE id = $1", lead_id)
        return lead_record(dict(row)) if row else None

    async def lead_ids(self, prefix: str, limit: int) -> list[str]:
        if limit < 0:
            raise ValueError(f"limit must be 0 or more, not {limit}")
        # Ids only (never a payload); starts_with is right under any collation, and `%`/`_`
        # in the prefix mean nothing.
        rows = await self._fetch(
            "SELECT id FROM leads WHERE starts_with(id, $1) ORDER BY id LIMIT $2", prefix, limit
        )
        return [r[0] for r in rows]

    # -- outbox ------------------------------------------------------------------------------
    async def claim_jobs(
        self, now: dt.datetime, limit: int, lease: dt.timedelta
    ) -> list[OutboxJob]:
        rows = await self._fetch(
            """WITH due AS (
                   SELECT o.id FROM outbox o
                   WHERE o.status = 'pending' AND o.next_attempt_at <= $1
                     AND (o.lease_until IS NULL OR o.lease_until <= $1)
                     AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.lead_id = o.lead_id
                                     AND p.id < o.id AND p.status <> 'done')
                   ORDER BY o.next_attempt_at, o.id LIMIT $2
                   FOR UPDATE SKIP LOCKED)
               UPDATE outbox o SET lease_until = $3, attempts = o.attempts + 1
               FROM due, leads l WHERE o.id = due.id AND l.id = o.lead_id
               RETURNING o.id, o.kind, o.attempts, o.payload, l.payload AS lead,
                         l.crm_lead_id, l.crm_contact_id""",
            utc(now),
            limit,
            utc(now + lease),
        )
        return sorted(
            (
                OutboxJob(
                    id=r["id"],
                    kind=r["kind"],
                    attempts=r["attempts"],
                    payload=json.loads(r["payload"]),
                    lead=Lead.model_validate_json(r["lead"]),
                    crm_lead_id=r["crm_lead_id"],
                    crm_contact_id=r["crm_contact_id"],
                )
                for r in rows
            ),
            key=lambda job: job.id,
        )

    async def job_progress(
        self, job_id: int, *, crm_contact_id: int | None = None, crm_lead_id: int | None = None
    ) -> None:
        await self._execute(
            """UPDATE leads SET crm_contact_id = coalesce($1, crm_contact_id),
                   crm_lead_id = coalesce($2, crm_lead_id)
               WHERE id = (SELECT lead_id FROM outbox WHERE id = $3)""",
            crm_contact_id,
            crm_lead_id,
            job_id,
        )

    async def job_done(self, job_id: int, now: dt.datetime) -> None:
        async with self._connection() as conn, conn.transaction():
            row = await conn.fetchrow(
                """UPDATE outbox SET status = 'done', lease_until = NULL, done_at = $1,
                       last_error = NULL WHERE id = $2 RETURNING kind, lead_id""",
                utc(now),
                job_id,
            )
            if row is not None and row["kind"] == "create_lead":
                await conn.execute(
                    """UPDATE leads SET delivery = 'delivered', delivered_at = $1,
                           last_error = NULL, next_attempt_at = NULL WHERE id = $2""",
                    utc(now),
                    row["lead_id"],
                )

    async def job_retry(self, job_id: int, next_attempt_at: dt.datetime, error: str) -> None:
        async with self._connection() as conn, conn.transaction():
            row = await conn.fetchrow(
                """UPDATE outbox SET status = 'pending', lease_until = NULL,
                       next_attempt_at = $1, last_error = $2
                   WHERE id = $3 RETURNING attempts, lead_id""",
                utc(next_attempt_at),
                error,
                job_id,
            )
            if row is not None:
                await conn.execute(
                    """UPDATE leads SET attempts = $1, last_error = $2, next_attempt_at = $3
                       WHERE id = $4""",
                    row["attempts"],
                    error,
                    utc(next_attempt_at),
                    row["lead_id"],
                )

    async def job_failed(self, job_id: int, error: str) -> None:
        async with self._connection() as conn, conn.transaction():
            row = await conn.fetchrow(
                """UPDATE outbox SET status = 'failed', lease_until = NULL, last_error = $1
                   WHERE id = $2 RETURNING kind, attempts, lead_id""",
                error,
                job_id,
            )
            if row is None:
                return
            await conn.execute(
                """UPDATE leads SET delivery = coalesce($1, delivery), attempts = $2,
                       last_error = $3, next_attempt_at = NULL WHERE id = $4""",
                "failed" if row["kind"] == "create_lead" else None,
                row["attempts"],
                error,
                row["lead_id"],
            )

    async def requeue_lead(self, lead_id: str, now: dt.datetime) -> bool:
        at = utc(now)
        async with self._connection() as conn, conn.transaction():
            delivery = await conn.fetchval(
                "SELECT delivery FROM leads WHERE id = $1 FOR UPDATE", lead_id
            )
            if delivery is None:
                return False
            if delivery == "local":
                await _enqueue(conn, lead_id, "create_lead", {}, at)
            await conn.execute(
                """UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $1,
                       lease_until = NULL WHERE lead_id = $2 AND status = 'failed'""",
                at,
                lead_id,
            )
            if delivery in ("local", "failed"):
                await conn.execute(
                    """UPDATE leads SET delivery = 'pending', attempts = 0, last_error = NULL,
                           next_attempt_at = $1 WHERE id = $2""",
                    at,
                    lead_id,
                )
        return True

    # -- CRM tokens --------------------------------------------------------------------------
    async def load_tokens(self, name: str) -> TokenPair | None:
        row = await self._fetchrow(
            "SELECT access_token, refresh_token, expires_at FROM crm_tokens WHERE name = $1", name
        )
        if row is None:
            return None
        return TokenPair(access_token=row[0], refresh_token=row[1], expires_at=row[2])

    async def save_tokens(self, name: str, tokens: TokenPair) -> None:
        await self._execute(
            """INSERT INTO crm_tokens (name, access_token, refresh_token, expires_at, updated_at)
               VALUES ($1, $2, $3, $4, now())
               ON CONFLICT (name) DO UPDATE SET access_token = excluded.access_token,
                   refresh_token = excluded.refresh_token, expires_at = excluded.expires_at,
                   updated_at = excluded.updated_at""",
            name,
            tokens.access_token,
            tokens.refresh_token,
            utc(tokens.expires_at) if tokens.expires_at else None,
        )

    @asynccontextmanager
    async def token_lock(self, name: str) -> AsyncIterator[None]:
        # A connection of its own, closed afterwards: closing releases the lock whatever
        # happened (cancellation included), and pool connections never carry a session lock.
        async with self._tokens.hold(name):
            conn = await asyncpg.connect(self._dsn)
            try:
                await conn.execute(
                    "SELECT pg_advisory_lock($1, hashtext(current_schema() || '/' || $2))",
                    _TOKEN_LOCK,
                    name,
                )
                yield
            finally:
                await conn.close()

    @asynccontextmanager
    async def leadership(self, name: str) -> AsyncIterator[bool]:
        # A session lock on a connection of its own: it lasts as long as the connection, so an
        # instance that dies (or loses the connection) hands the role over by itself.
        conn = await asyncpg.connect(self._dsn)
        try:
            # Advisory locks are per database: the schema in the key keeps two deployments
            # sharing a database (each in its own schema) from sharing the role.
            held = await conn.fetchval(
                "SELECT pg_try_advisory_lock($1, hashtext(current_schema() || '/' || $2))",
                _LEADER_LOCK,
                name,
            )
            yield bool(held)
        finally:
            await conn.close()

    # -- admin -------------------------------------------------------------------------------
    async def revoke_admin_cookie(self, digest: str, expires_at: dt.datetime) -> None:
        async with self._connection() as conn, conn.transaction():
            await conn.execute("DELETE FROM admin_revoked WHERE expires_at < now()")
            await conn.execute(
                """INSERT INTO admin_revoked (digest, expires_at) VALUES ($1, $2)
                   ON CONFLICT (digest) DO NOTHING""",
                digest,
                utc(expires_at),
            )

    async def admin_cookie_revoked(self, digest: str) -> bool:
        row = await self._fetchrow("SELECT 1 FROM admin_revoked WHERE digest = $1", digest)
        return row is not None

    # -- CRM account state and lead stages ----------------------------------------------------
    async def crm_state(self, name: str) -> dict[str, Any] | None:
        row = await self._fetchrow("SELECT value FROM crm_state WHERE name = $1", name)
        raw = row[0] if row else None
        value = json.loads(raw) if isinstance(raw, str) else raw
        return value if isinstance(value, dict) else None

    async def set_crm_state(
        self, name: str, value: dict[str, Any] | None, now: dt.datetime
    ) -> None:
        if value is None:
            await self._execute("DELETE FROM crm_state WHERE name = $1", name)
            return
        await self._execute(
            """INSERT INTO crm_state (name, value, updated_at) VALUES ($1, $2::jsonb, $3)
               ON CONFLICT (name) DO UPDATE SET value = excluded.value,
                   updated_at = excluded.updated_at""",
            name,
            json.dumps(value),
            utc(now),
        )

    async def next_turn(self, name: str) -> int:
        row = await self._fetchrow(
            """INSERT INTO crm_state (name, value, updated_at)
               VALUES ($1, '{"n": 0}'::jsonb, now())
               ON CONFLICT (name) DO UPDATE SET
                   value = jsonb_build_object('n', (crm_state.value ->> 'n')::bigint + 1),
                   updated_at = now()
               RETURNING (value ->> 'n')::bigint""",
            name,
        )
        assert row is not None  # INSERT … RETURNING always returns the row
        return int(row[0])

    async def record_lead_stage(
        self,
        crm_lead_id: int,
        status_id: int,
        pipeline_id: int | None,
        loss_reason: str | None,
        at: dt.datetime,
    ) -> int:
        async with self._connection() as conn:
            result = await conn.execute(
                """UPDATE leads SET crm_status_id = $1, crm_pipeline_id = $2,
                       crm_loss_reason = $3, crm_stage_at = $4
                   WHERE crm_lead_id = $5 AND (crm_stage_at IS NULL OR crm_stage_at <= $4)""",
                status_id,
                pipeline_id,
                loss_reason,
                utc(at),
                crm_lead_id,
            )
        return int(result.split()[-1])

    async def leads_lost_without_reason(self, status_id: int, limit: int) -> list[int]:
        rows = await self._fetch(
            """SELECT crm_lead_id FROM leads
               WHERE crm_status_id = $1 AND crm_loss_reason IS NULL
               ORDER BY crm_stage_at LIMIT $2""",
            status_id,
            limit,
        )
        return [int(r[0]) for r in rows]

    async def record_loss_reason(self, crm_lead_id: int, reason: str) -> None:
        await self._execute(
            "UPDATE leads SET crm_loss_reason = $1 WHERE crm_lead_id = $2", reason, crm_lead_id
        )

    # -- upkeep ------------------------------------------------------------------------------
    async def expire_sessions(self, idle_since: dt.datetime) -> int:
        async with self._connection() as conn, conn.transaction():
            # A session in a turn right now holds its lock and is skipped.
            ids = [
                r[0]
                for r in await conn.fetch(
                    """DELETE FROM sessions WHERE updated_at < $1
                         AND pg_try_advisory_xact_lock($2, hashtext(id)) RETURNING id""",
                    utc(idle_since),
                    _SESSION_LOCK,
                )
            ]
            if ids:
                await conn.execute("DELETE FROM messages WHERE session_id = ANY($1::text[])", ids)
        return len(ids)

    # -- personal data -----------------------------------------------------------------------
    async def forget(self, target: ErasureTarget, now: dt.datetime) -> ErasureReport:
        async with self.pool.acquire() as conn, conn.transaction():
            return await _forget(conn, target, now)

    async def erase_delivered_leads(
        self, delivered_before: dt.datetime, now: dt.datetime, limit: int = 500
    ) -> int:
        async with self.pool.acquire() as conn, conn.transaction():
            ids = [
                r[0]
                for r in await conn.fetch(
                    """SELECT id FROM leads WHERE delivery = 'delivered' AND delivered_at < $1
                         AND payload->>'erased_at' IS NULL LIMIT $2 FOR UPDATE""",
                    utc(delivered_before),
                    limit,
                )
            ]
            return (await _erase_leads(conn, ids, now)).leads


def _between(
    column: str, since: dt.datetime | None, until: dt.datetime | None
) -> tuple[list[str], list[Any]]:
    conds: list[str] = []
    params: list[Any] = []
    for op, moment in ((">=", since), ("<", until)):
        if moment is not None:
            params.append(utc(moment))
            conds.append(f"{column} {op} ${len(params)}")
    return conds, params


def _where(conds: list[str]) -> str:
    return f" WHERE {' AND '.join(conds)}" if conds else ""


async def _latest_messages(
    conn: asyncpg.Connection, session_id: str, limit: int | None
) -> list[ChatMessage]:
    rows = await conn.fetch(
        """SELECT role, text, suggestions, created_at FROM (
               SELECT id, role, text, suggestions, created_at FROM messages
               WHERE session_id = $1 ORDER BY id DESC LIMIT $2) latest
           ORDER BY id""",
        session_id,
        limit,
    )
    return [
        ChatMessage(role=r[0], text=r[1], suggestions=json.loads(r[2]), at=r[3]) for r in rows
    ]


async def _save_turn(conn: asyncpg.Connection, turn: StagedTurn) -> None:
    # One round trip for the session and both messages (a data-modifying WITH always runs).
    await conn.execute(
        """WITH session AS (
               INSERT INTO sessions (id, state, step, max_step_rank, first_touch, latest_touch,
                   created_at, updated_at, message_count)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 2)
               ON CONFLICT (id) DO UPDATE SET state = excluded.state, step = excluded.step,
                   message_count = sessions.message_count + 2,
                   max_step_rank = greatest(sessions.max_step_rank, excluded.max_step_rank),
                   first_touch = excluded.first_touch, latest_touch = excluded.latest_touch,
                   updated_at = excluded.updated_at)
           INSERT INTO messages (session_id, role, text, suggestions, step, message_id, created_at)
           VALUES ($1, 'user', $8, '[]', $9, $10, $7),
                  ($1, 'assistant', $11, $12, $13, $10, $7)""",
        turn.session_id,
        turn.state_json,
        turn.step.value,
        turn.rank,
        touch_json(turn.touch.first),
        touch_json(turn.touch.latest),
        turn.now,
        turn.user_text,
        turn.user_step.value,
        turn.message_id,
        turn.reply.reply,
        json.dumps(turn.reply.suggestions, ensure_ascii=False),
        turn.reply.step.value,
    )
    if turn.lead is not None:
        cols: dict[str, Any] = lead_columns(turn.lead)
        cols["delivery"] = "pending" if turn.enqueue_lead else "local"
        names = ", ".join(cols)
        params = ", ".join(f"${i}" for i in range(1, len(cols) + 1))
        await conn.execute(f"INSERT INTO leads ({names}) VALUES ({params})", *cols.values())
        if turn.enqueue_lead:
            await _enqueue(conn, turn.lead.id, "create_lead", {}, turn.now)
    if turn.redact is not None:
        rows = await conn.fetch(
            "SELECT id, text FROM messages WHERE session_id = $1", turn.session_id
        )
        changed = [(new, r["id"]) for r in rows if (new := redact(r["text"], turn.redact)) != r["text"]]
        if changed:
            await conn.executemany("UPDATE messages SET text = $1 WHERE id = $2", changed)
    if turn.referrer is not None:
        lead_id, text = turn.referrer
        delivery = await conn.fetchval(
            """UPDATE leads SET payload = jsonb_set(payload, '{referrer}', to_jsonb($1::text))
               WHERE id = $2 RETURNING delivery""",
            text,
            lead_id,
        )
        if delivery is not None and delivery != "local":
            await _enqueue(conn, lead_id, "update_referrer", {"referrer": text}, turn.now)


async def _enqueue(
    conn: asyncpg.Connection, lead_id: str, kind: str, payload: dict[str, Any], now: dt.datetime
) -> None:
    await conn.execute(
        """INSERT INTO outbox (lead_id, kind, payload, status, next_attempt_at, created_at)
           VALUES ($1, $2, $3, 'pending', $4, $4)""",
        lead_id,
        kind,
        json.dumps(payload, ensure_ascii=False),
        now,
    )


async def _column(conn: asyncpg.Connection, sql: str, *params: Any) -> set[str]:
    return {r[0] for r in await conn.fetch(sql, *params)}


async def _forget(
    conn: asyncpg.Connection, target: ErasureTarget, now: dt.datetime
) -> ErasureReport:
    sessions: set[str] = set()
    leads: set[str] = set()
    if target.session_id is not None:
        sessions.add(target.session_id)
    if target.phone is not None:
        sessions |= await _column(
            conn, "SELECT id FROM sessions WHERE state->'slots'->>'phone' = $1", target.phone
        )
        sessions |= await _column(
            conn,
            """SELECT DISTINCT session_id FROM messages
               WHERE strpos(regexp_replace(text, '\\D', '', 'g'), $1) > 0""",
            target.phone_digits(),
        )
        leads |= await _column(conn, "SELECT id FROM leads WHERE phone = $1", target.phone)
    if target.email is not None:
        sessions |= await _column(
            conn, "SELECT id FROM sessions WHERE lower(state->'slots'->>'email') = $1",
            target.email,
        )
        sessions |= await _column(
            conn, "SELECT DISTINCT session_id FROM messages WHERE strpos(lower(text), $1) > 0",
            target.email,
        )
        leads |= await _column(
            conn, "SELECT id FROM leads WHERE lower(payload->>'email') = $1", target.email
        )
    # A lead's conversation is the person's, and a session's leads are too.
    if leads:
        sessions |= await _column(
            conn, "SELECT session_id FROM leads WHERE id = ANY($1::text[])", list(leads)
        )
    if sessions:
        leads |= await _column(
            conn, "SELECT id FROM leads WHERE session_id = ANY($1::text[])", list(sessions)
        )
    # Turns of these sessions in flight on any instance finish first (or wait for us).
    for session_id in sorted(sessions):
        await conn.execute(
            "SELECT pg_advisory_xact_lock($1, hashtext($2))", _SESSION_LOCK, session_id
        )
    report = await _erase_leads(conn, sorted(leads), now)
    if sessions:
        ids = list(sessions)
        report.messages = _count(
            await conn.execute("DELETE FROM messages WHERE session_id = ANY($1::text[])", ids)
        )
        report.sessions = _count(
            await conn.execute("DELETE FROM sessions WHERE id = ANY($1::text[])", ids)
        )
        # A live handoff's rows: the manager's messages and the customer's sent to amojo.
        for table in HANDOFF_TABLES:
            report.messages += _count(await conn.execute(
                f"DELETE FROM {table} WHERE session_id = ANY($1::text[])", ids))
    return report


def _count(status: str) -> int:
    """The row count of a command status such as `DELETE 3` or `UPDATE 2`."""
    return int(status.rsplit(" ", 1)[-1])


async def _erase_leads(
    conn: asyncpg.Connection, ids: list[str], now: dt.datetime
) -> ErasureReport:
    report = ErasureReport()
    if not ids:
        return report
    rows = await conn.fetch(
        "SELECT id, payload, crm_lead_id FROM leads WHERE id = ANY($1::text[])", ids
    )
    for row in rows:
        erased = Lead.model_validate_json(row["payload"]).erased(now)
        await conn.execute(
            "UPDATE leads SET payload = $1, phone = NULL WHERE id = $2",
            erased.model_dump_json(),
            row["id"],
        )
        if row["crm_lead_id"] is not None:
            report.crm_lead_ids.append(row["crm_lead_id"])
    report.leads = len(rows)
    # Work not yet done is dropped (nothing of an erased person goes to the CRM any more);
    # the done jobs keep their history without their payloads.
    report.outbox_jobs = _count(
        await conn.execute(
            "DELETE FROM outbox WHERE lead_id = ANY($1::text[]) AND status <> 'done'", ids
        )
    )
    report.outbox_jobs += _count(
        await conn.execute(
            """UPDATE outbox SET payload = '{}' WHERE lead_id = ANY($1::text[])
                 AND payload <> '{}'::jsonb""",
            ids,
        )
    )
    await conn.execute(
        """UPDATE leads SET delivery = 'local', next_attempt_at = NULL
           WHERE id = ANY($1::text[]) AND delivery IN ('pending', 'failed')""",
        ids,
    )
    return report
