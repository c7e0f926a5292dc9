"""The SQLite backend: the default, for one instance (WAL mode).

Everything a turn does runs right on the event loop: the read of the session on a read-only
connection (in WAL mode a reader never waits for the writer), and the write as one short
transaction on the writer connection, shared by the turns that finish in the same pass of the
loop. With WAL and `synchronous=NORMAL` a commit does not wait for the disk, and costs less than
a hop to a thread would (about 0.25 ms against 0.55 ms of CPU per turn, measured). What does
wait for the disk — the WAL checkpoint — is taken off the loop: automatic checkpoints are off
and a passive one runs on the store's own thread every `CHECKPOINT_EVERY` writes. Turns of one session are serialised by an in-process lock; SQLite
is for a single instance (use PostgreSQL for more).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar, overload

from aida.domain import ChatMessage, ConversationState, Lead, Step
from aida.masking import redact
from aida.store.base import (
    DeliveryStatus,
    LeadRecord,
    LeadStat,
    OutboxJob,
    SessionSummary,
    StoredReply,
    StoreTotals,
    TokenPair,
)
from aida.store.erasure import HANDOFF_TABLES, ErasureReport, ErasureTarget, digits_only
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

T = TypeVar("T")
Conn = sqlite3.Connection

_LEAD_TS = ("next_attempt_at", "delivered_at", "crm_stage_at")


@overload
def _ts(moment: dt.datetime) -> str: ...
@overload
def _ts(moment: None) -> None: ...
def _ts(moment: dt.datetime | None) -> str | None:
    # Fixed width, so text order is time order.
    return None if moment is None else utc(moment).isoformat(timespec="microseconds")


def _dt(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


class _SqliteTx(StagingTx):
    def __init__(self, store: SqliteStore, session_id: str, loaded: tuple[Any, ...]) -> None:
        state_json, first, latest, message_count = loaded
        state = ConversationState.model_validate_json(state_json) if state_json else None
        super().__init__(session_id, state, touch_from(first, latest), message_count or 0)
        self._store = store

    async def stored_reply(self, message_id: str) -> StoredReply | None:
        return await self._store._read(partial(_stored_reply, self.session_id, message_id))

    async def transcript(self, limit: int) -> list[ChatMessage]:
        return await self._store._read(partial(_latest_messages, self.session_id, limit))


# Writes (a turn, an outbox update…) between two passive WAL checkpoints (SQLite's own default
# is about 1000 pages).
CHECKPOINT_EVERY = 500


class SqliteStore:
    def __init__(self, path: str) -> None:
        self.path = path
        self._executor: ThreadPoolExecutor | None = None  # WAL checkpoints only
        self._conn: Conn | None = None
        self._reader: Conn | None = None  # None for :memory: (one connection sees it)
        self._sessions = KeyedLocks()
        self._tokens = KeyedLocks()
        self._writes = 0
        self._checkpoint: asyncio.Future[None] | None = None
        # Turns waiting for the write their pass of the event loop shares (`_save`).
        self._batch: list[tuple[StagedTurn, asyncio.Future[None]]] = []

    # -- plumbing ----------------------------------------------------------------------------
    def _writer(self) -> Conn:
        if self._conn is None:
            raise RuntimeError("store is not open")
        return self._conn

    def writer(self) -> Conn:
        """The writer connection, for other tables of the same file (the live handoff's):
        used on the loop, one transaction at a time, like the store's own writes."""
        return self._writer()

    async def _read(self, fn: Callable[[Conn], T]) -> T:
        """Run `fn(conn)` on the read-only connection (autocommit: a snapshot per statement)."""
        return fn(self._reader if self._reader is not None else self._writer())

    async def _write(self, fn: Callable[[Conn], T]) -> T:
        """Run `fn(conn)` as one write transaction on the writer connection."""
        return self._write_now(fn)

    def _write_now(self, fn: Callable[[Conn], T], writes: int = 1) -> T:
        """`fn(conn)` in one transaction now; `writes`: how many writes it holds."""
        result = _in_transaction(fn, self._writer())
        before, self._writes = self._writes, self._writes + writes
        if before // CHECKPOINT_EVERY != self._writes // CHECKPOINT_EVERY:
            self._checkpoint_in_background()
        return result

    def _checkpoint_in_background(self) -> None:
        if self._executor is None or (self._checkpoint and not self._checkpoint.done()):
            return
        self._checkpoint = asyncio.get_running_loop().run_in_executor(
            self._executor, _checkpoint, self.path, "PASSIVE"
        )

    async def open(self) -> None:
        if self.path == ":memory:":
            self._conn = _connect(self.path)
        else:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._conn = _connect(self.path)
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aida-sqlite")
        await self._write(_migrate)
        if self.path != ":memory:":
            self._reader = _connect(self.path, read_only=True)

    async def close(self) -> None:
        if self._conn is None:
            return
        self._write_batch()  # turns waiting for their write get it before the file closes
        conn, executor = self._conn, self._executor
        self._conn, self._executor = None, None
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if executor is not None:
            if self._checkpoint is not None:
                await asyncio.gather(self._checkpoint, return_exceptions=True)
            # Fold the WAL back into the database file, so a stopped service leaves one file.
            await asyncio.get_running_loop().run_in_executor(
                executor, _checkpoint, self.path, "TRUNCATE"
            )
            executor.shutdown(wait=True)
        conn.close()

    # -- conversation ------------------------------------------------------------------------
    @asynccontextmanager
    async def turn(self, session_id: str) -> AsyncIterator[_SqliteTx]:
        async with self._sessions.hold(session_id):
            loaded = await self._read(partial(_load_session, session_id))
            tx = _SqliteTx(self, session_id, loaded)
            yield tx
            if tx.staged is not None:
                await self._save(tx.staged)

    async def _save(self, staged: StagedTurn) -> None:
        """Write a turn, in one transaction with the other turns that reach this point in the
        same pass of the event loop (a savepoint each, so a turn that fails fails alone): under
        load many turns share a commit, the costly part of a write; alone, a turn waits only
        for the loop's next pass. Returns once the turn is committed."""
        done = asyncio.get_running_loop().create_future()
        self._batch.append((staged, done))
        if len(self._batch) == 1:
            asyncio.get_running_loop().call_soon(self._write_batch)
        # Shielded: a turn cancelled now is written all the same, since the write was queued
        # on the loop before the cancellation can wake it (and the session is held till then).
        await asyncio.shield(done)

    def _write_batch(self) -> None:
        batch, self._batch = self._batch, []
        if not batch or self._conn is None:
            for _, done in batch:
                done.set_exception(RuntimeError("store is not open"))
            return
        failed: list[BaseException | None] = []

        def write(conn: Conn) -> None:
            if len(batch) == 1:  # alone: its failure is the transaction's
                _save_turn(batch[0][0], conn)
                failed.append(None)
                return
            for staged, _ in batch:
                conn.execute("SAVEPOINT turn")
                try:
                    _save_turn(staged, conn)
                except Exception as e:  # noqa: BLE001 (handed to its turn; the others are written)
                    conn.execute("ROLLBACK TO turn")
                    failed.append(e)
                else:
                    failed.append(None)
                conn.execute("RELEASE turn")

        try:
            self._write_now(write, len(batch))
        except Exception as e:  # noqa: BLE001 (handed to every turn of the batch)
            failed = [e] * len(batch)
        for (_, done), error in zip(batch, failed, strict=True):
            if error is None:
                done.set_result(None)
            else:
                done.set_exception(error)

    async def history(
        self, session_id: str, limit: int | None = None
    ) -> tuple[Step | None, list[ChatMessage]]:
        return await self._read(partial(_history, session_id, limit))

    async def ping(self) -> None:
        # On the writer connection: "can serve" means turns can be saved.
        self._writer().execute("SELECT 1").fetchone()

    async def funnel(
        self, since: dt.datetime | None = None, until: dt.datetime | None = None
    ) -> dict[Step, int]:
        conds, params = _between("created_at", since, until)
        sql = f"SELECT max_step_rank, count(*) FROM sessions{_where(conds)} GROUP BY max_step_rank"
        rows = await self._read(lambda conn: conn.execute(sql, params).fetchall())
        return funnel_from({rank: n for rank, n in rows})

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
                conds.append(f"{column} = ?")
                params.append(value)
        sql = f"SELECT * FROM leads{_where(conds)} ORDER BY created_at DESC, id LIMIT ?"
        params.append(-1 if limit is None else _limit(limit))  # SQLite: -1 is no limit
        rows = await self._read(lambda conn: conn.execute(sql, params).fetchall())
        return [_lead_record(row) for row in rows]

    async def lead_stats(self, since: dt.datetime, until: dt.datetime) -> list[LeadStat]:
        rows = await self._read(
            lambda conn: conn.execute(
                """SELECT l.id, l.session_id, l.kind, l.created_at, l.delivery, l.utm_source,
                       json_extract(l.payload, '$.attribution.utm_campaign'),
                       coalesce(json_extract(l.payload, '$.transcript[0].at'), s.created_at),
                       l.crm_status_id, l.crm_loss_reason
                   FROM leads l LEFT JOIN sessions s ON s.id = l.session_id
                   WHERE l.created_at >= ? AND l.created_at < ? ORDER BY l.created_at, l.id""",
                (_ts(since), _ts(until)),
            ).fetchall()
        )
        return [lead_stat(tuple(row)) for row in rows]

    async def sessions(
        self, since: dt.datetime, until: dt.datetime, limit: int
    ) -> list[SessionSummary]:
        rows = await self._read(
            lambda conn: conn.execute(
                """SELECT id, step, max_step_rank, created_at, updated_at,
                       json_extract(first_touch, '$.utm_source')
                   FROM sessions WHERE created_at >= ? AND created_at < ?
                   ORDER BY updated_at DESC, id LIMIT ?""",
                (_ts(since), _ts(until), limit),
            ).fetchall()
        )
        return [session_summary(tuple(row)) for row in rows]

    async def totals(self) -> StoreTotals:
        return await self._read(_totals)

    async def lead(self, lead_id: str) -> LeadRecord | None:
        row = await self._read(
            lambda conn: conn.execute("SELECT * FROM leads WHERE id = ?", (lead_id,)).fetchone()
        )
        return _lead_record(row) if row else None

    async def lead_ids(self, prefix: str, limit: int) -> list[str]:
        # A range on the primary key, so no `%`/`_` in the prefix means anything.
        rows = await self._read(
            lambda conn: conn.execute(
                "SELECT id FROM leads WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
                (prefix, prefix + "\U0010ffff", _limit(limit)),
            ).fetchall()
        )
        return [row[0] for row in rows]

    # -- outbox ------------------------------------------------------------------------------
    async def claim_jobs(
        self, now: dt.datetime, limit: int, lease: dt.timedelta
    ) -> list[OutboxJob]:
        return await self._write(partial(_claim_jobs, _ts(now), limit, _ts(now + lease)))

    async def job_progress(
        self, job_id: int, *, crm_contact_id: int | None = None, crm_lead_id: int | None = None
    ) -> None:
        await self._write(
            lambda conn: conn.execute(
                """UPDATE leads SET crm_contact_id = coalesce(?, crm_contact_id),
                       crm_lead_id = coalesce(?, crm_lead_id)
                   WHERE id = (SELECT lead_id FROM outbox WHERE id = ?)""",
                (crm_contact_id, crm_lead_id, job_id),
            )
        )

    async def job_done(self, job_id: int, now: dt.datetime) -> None:
        await self._write(partial(_job_done, job_id, _ts(now)))

    async def job_retry(self, job_id: int, next_attempt_at: dt.datetime, error: str) -> None:
        await self._write(partial(_job_retry, job_id, _ts(next_attempt_at), error))

    async def job_failed(self, job_id: int, error: str) -> None:
        await self._write(partial(_job_failed, job_id, error))

    async def requeue_lead(self, lead_id: str, now: dt.datetime) -> bool:
        return await self._write(partial(_requeue_lead, lead_id, _ts(now)))

    # -- CRM tokens --------------------------------------------------------------------------
    async def load_tokens(self, name: str) -> TokenPair | None:
        row = await self._read(
            lambda conn: conn.execute(
                "SELECT access_token, refresh_token, expires_at FROM crm_tokens WHERE name = ?",
                (name,),
            ).fetchone()
        )
        if row is None:
            return None
        return TokenPair(access_token=row[0], refresh_token=row[1], expires_at=_dt(row[2]))

    async def save_tokens(self, name: str, tokens: TokenPair) -> None:
        now = _ts(dt.datetime.now(dt.UTC))
        await self._write(
            lambda conn: conn.execute(
                """INSERT INTO crm_tokens (name, access_token, refresh_token, expires_at, updated_at)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (name) DO UPDATE SET access_token = excluded.access_token,
                       refresh_token = excluded.refresh_token, expires_at = excluded.expires_at,
                       updated_at = excluded.updated_at""",
                (name, tokens.access_token, tokens.refresh_token, _ts(tokens.expires_at), now),
            )
        )

    @asynccontextmanager
    async def token_lock(self, name: str) -> AsyncIterator[None]:
        # One instance per SQLite file, so an in-process lock is enough; holding a write
        # transaction instead would stall every turn for the length of an HTTP refresh.
        async with self._tokens.hold(name):
            yield

    @asynccontextmanager
    async def leadership(self, name: str) -> AsyncIterator[bool]:
        # One instance per SQLite file: it holds every role.
        yield True

    # -- admin -------------------------------------------------------------------------------
    async def revoke_admin_cookie(self, digest: str, expires_at: dt.datetime) -> None:
        now = _ts(dt.datetime.now(dt.UTC))

        def revoke(conn: Conn) -> None:
            conn.execute("DELETE FROM admin_revoked WHERE expires_at < ?", (now,))
            conn.execute(
                "INSERT OR IGNORE INTO admin_revoked (digest, expires_at) VALUES (?, ?)",
                (digest, _ts(expires_at)),
            )

        await self._write(revoke)

    async def admin_cookie_revoked(self, digest: str) -> bool:
        row = await self._read(
            lambda conn: conn.execute(
                "SELECT 1 FROM admin_revoked WHERE digest = ?", (digest,)
            ).fetchone()
        )
        return row is not None

    # -- CRM account state and lead stages ----------------------------------------------------
    async def crm_state(self, name: str) -> dict[str, Any] | None:
        row = await self._read(
            lambda conn: conn.execute(
                "SELECT value FROM crm_state WHERE name = ?", (name,)
            ).fetchone()
        )
        value = json.loads(row[0]) if row else None
        return value if isinstance(value, dict) else None

    async def set_crm_state(
        self, name: str, value: dict[str, Any] | None, now: dt.datetime
    ) -> None:
        if value is None:
            await self._write(
                lambda conn: conn.execute("DELETE FROM crm_state WHERE name = ?", (name,))
            )
            return
        await self._write(
            lambda conn: conn.execute(
                """INSERT INTO crm_state (name, value, updated_at) VALUES (?, ?, ?)
                   ON CONFLICT (name) DO UPDATE SET value = excluded.value,
                       updated_at = excluded.updated_at""",
                (name, json.dumps(value), _ts(now)),
            )
        )

    async def next_turn(self, name: str) -> int:
        row = await self._write(
            lambda conn: conn.execute(
                """INSERT INTO crm_state (name, value, updated_at)
                   VALUES (?, json_object('n', 0), ?)
                   ON CONFLICT (name) DO UPDATE SET
                       value = json_object('n', json_extract(crm_state.value, '$.n') + 1),
                       updated_at = excluded.updated_at
                   RETURNING json_extract(value, '$.n')""",
                (name, _ts(dt.datetime.now(dt.UTC))),
            ).fetchone()
        )
        return int(row[0])

    async def record_lead_stage(
        self,
        crm_lead_id: int,
        status_id: int,
        pipeline_id: int | None,
        loss_reason: str | None,
        at: dt.datetime,
    ) -> int:
        cursor = await self._write(
            lambda conn: conn.execute(
                """UPDATE leads SET crm_status_id = ?, crm_pipeline_id = ?, crm_loss_reason = ?,
                       crm_stage_at = ?
                   WHERE crm_lead_id = ? AND (crm_stage_at IS NULL OR crm_stage_at <= ?)""",
                (status_id, pipeline_id, loss_reason, _ts(at), crm_lead_id, _ts(at)),
            )
        )
        return int(cursor.rowcount)

    async def leads_lost_without_reason(self, status_id: int, limit: int) -> list[int]:
        rows = await self._read(
            lambda conn: conn.execute(
                """SELECT crm_lead_id FROM leads
                   WHERE crm_status_id = ? AND crm_loss_reason IS NULL
                   ORDER BY crm_stage_at LIMIT ?""",
                (status_id, limit),
            ).fetchall()
        )
        return [int(r[0]) for r in rows]

    async def record_loss_reason(self, crm_lead_id: int, reason: str) -> None:
        await self._write(
            lambda conn: conn.execute(
                "UPDATE leads SET crm_loss_reason = ? WHERE crm_lead_id = ?",
                (reason, crm_lead_id),
            )
        )

    # -- upkeep ------------------------------------------------------------------------------
    async def expire_sessions(self, idle_since: dt.datetime) -> int:
        busy = sorted(self._sessions.held())
        return await self._write(partial(_expire, _ts(idle_since), busy))

    # -- personal data -----------------------------------------------------------------------
    async def forget(self, target: ErasureTarget, now: dt.datetime) -> ErasureReport:
        return await self._write(partial(_forget, target, now))

    async def erase_delivered_leads(
        self, delivered_before: dt.datetime, now: dt.datetime, limit: int = 500
    ) -> int:
        def erase(conn: Conn) -> int:
            ids = [
                row[0]
                for row in conn.execute(
                    """SELECT id FROM leads WHERE delivery = 'delivered' AND delivered_at < ?
                         AND json_extract(payload, '$.erased_at') IS NULL LIMIT ?""",
                    (_ts(delivered_before), limit),
                )
            ]
            return _erase_leads(conn, ids, now).leads

        return await self._write(erase)


# -- the SQLite thread's side ------------------------------------------------------------------


def _checkpoint(path: str, mode: str) -> None:
    """Copy the WAL into the database file (on the store's thread, with its own connection)."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=5.0)
    try:
        conn.execute(f"PRAGMA wal_checkpoint({mode})")
    finally:
        conn.close()


def _connect(path: str, *, read_only: bool = False) -> Conn:
    # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE) so writers queue on the
    # database lock instead of failing to upgrade a read lock.
    conn = sqlite3.connect(path, isolation_level=None, timeout=5.0)
    conn.row_factory = sqlite3.Row
    # For erasure: a phone in any written form, an email in any case (SQLite's lower() is
    # ASCII-only), matched as PostgreSQL's regexp_replace and lower() do.
    conn.create_function("aida_digits", 1, digits_only, deterministic=True)
    conn.create_function("aida_fold", 1, _fold, deterministic=True)
    if read_only:
        conn.execute("PRAGMA query_only = 1")
        # A WAL reader waits only in rare moments (recovery after a crash); keep the loop free.
        conn.execute("PRAGMA busy_timeout = 200")
        return conn
    conn.execute("PRAGMA journal_mode = WAL")
    # WAL + NORMAL: a commit survives a crash of the process; atomic in every case.
    conn.execute("PRAGMA synchronous = NORMAL")
    # Checkpoints run on the store's thread (see the module's docstring), not in a commit.
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    # Another process (a CLI command on the same file) holds the write lock only briefly.
    conn.execute("PRAGMA busy_timeout = 2000")
    return conn


def _in_transaction(fn: Callable[[Conn], T], conn: Conn) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = fn(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


def _migrate(conn: Conn) -> None:
    conn.execute(SCHEMA_VERSION_TABLE)
    done = {row[0] for row in conn.execute("SELECT version FROM schema_version")}
    for version, statements in migrations("sqlite"):
        if version in done:
            continue
        for statement in statements:
            conn.execute(statement)
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))


def _load_session(session_id: str, conn: Conn) -> tuple[Any, ...]:
    row = conn.execute(
        "SELECT state, first_touch, latest_touch, message_count FROM sessions WHERE id = ?",
        (session_id,),
    ).fetchone()
    return tuple(row) if row else (None, None, None, 0)


def _stored_reply(session_id: str, message_id: str, conn: Conn) -> StoredReply | None:
    row = conn.execute(
        """SELECT text, suggestions, step FROM messages
           WHERE session_id = ? AND message_id = ? AND role = 'assistant'""",
        (session_id, message_id),
    ).fetchone()
    if row is None:
        return None
    return StoredReply(reply=row[0], suggestions=json.loads(row[1]), step=row[2])


def _save_turn(turn: StagedTurn, conn: Conn) -> None:
    now = _ts(turn.now)
    conn.execute(
        """INSERT INTO sessions (id, state, step, max_step_rank, first_touch, latest_touch,
               created_at, updated_at, message_count)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 2)
           ON CONFLICT (id) DO UPDATE SET state = excluded.state, step = excluded.step,
               message_count = sessions.message_count + 2,
               max_step_rank = max(sessions.max_step_rank, excluded.max_step_rank),
               first_touch = excluded.first_touch, latest_touch = excluded.latest_touch,
               updated_at = excluded.updated_at""",
        (
            turn.session_id,
            turn.state_json,
            turn.step.value,
            turn.rank,
            touch_json(turn.touch.first),
            touch_json(turn.touch.latest),
            now,
            now,
        ),
    )
    conn.executemany(
        """INSERT INTO messages (session_id, role, text, suggestions, step, message_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        [
            (
                turn.session_id,
                "user",
                turn.user_text,
                "[]",
                turn.user_step.value,
                turn.message_id,
                now,
            ),
            (
                turn.session_id,
                "assistant",
                turn.reply.reply,
                json.dumps(turn.reply.suggestions, ensure_ascii=False),
                turn.reply.step.value,
                turn.message_id,
                now,
            ),
        ],
    )
    if turn.lead is not None:
        cols = lead_columns(turn.lead)
        cols["created_at"] = _ts(cols["created_at"])
        cols["delivery"] = "pending" if turn.enqueue_lead else "local"
        names = ", ".join(cols)
        conn.execute(
            f"INSERT INTO leads ({names}) VALUES ({', '.join('?' * len(cols))})",
            tuple(cols.values()),
        )
        if turn.enqueue_lead:
            _enqueue(conn, turn.lead.id, "create_lead", {}, now)
    if turn.redact is not None:
        rows = conn.execute(
            "SELECT id, text FROM messages WHERE session_id = ?", (turn.session_id,)
        ).fetchall()
        conn.executemany(
            "UPDATE messages SET text = ? WHERE id = ?",
            [(new, row[0]) for row in rows if (new := redact(row[1], turn.redact)) != row[1]],
        )
    if turn.referrer is not None:
        lead_id, text = turn.referrer
        conn.execute(
            "UPDATE leads SET payload = json_set(payload, '$.referrer', ?) WHERE id = ?",
            (text, lead_id),
        )
        row = conn.execute("SELECT delivery FROM leads WHERE id = ?", (lead_id,)).fetchone()
        if row is not None and row[0] != "local":
            _enqueue(conn, lead_id, "update_referrer", {"referrer": text}, now)


def _enqueue(conn: Conn, lead_id: str, kind: str, payload: dict[str, Any], now: str | None) -> None:
    conn.execute(
        """INSERT INTO outbox (lead_id, kind, payload, status, next_attempt_at, created_at)
           VALUES (?, ?, ?, 'pending', ?, ?)""",
        (lead_id, kind, json.dumps(payload, ensure_ascii=False), now, now),
    )


def _history(
    session_id: str, limit: int | None, conn: Conn
) -> tuple[Step | None, list[ChatMessage]]:
    # One read transaction, so the step and the messages agree.
    conn.execute("BEGIN")
    try:
        row = conn.execute("SELECT step FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if row is None:
            return None, []
        messages = _latest_messages(session_id, limit, conn)
    finally:
        conn.execute("COMMIT")
    return Step(row[0]), messages


def _latest_messages(session_id: str, limit: int | None, conn: Conn) -> list[ChatMessage]:
    # LIMIT -1 is SQLite's "no limit".
    rows = conn.execute(
        """SELECT role, text, suggestions, created_at FROM (
               SELECT id, role, text, suggestions, created_at FROM messages
               WHERE session_id = ? ORDER BY id DESC LIMIT ?)
           ORDER BY id""",
        (session_id, -1 if limit is None else limit),
    ).fetchall()
    return [
        ChatMessage(role=r[0], text=r[1], suggestions=json.loads(r[2]), at=_dt(r[3])) for r in rows
    ]


def _limit(limit: int) -> int:
    if limit < 0:
        raise ValueError(f"limit must be 0 or more, not {limit}")
    return limit


def _between(
    column: str, since: dt.datetime | None, until: dt.datetime | None
) -> tuple[list[str], list[Any]]:
    conds: list[str] = []
    params: list[Any] = []
    if since is not None:
        conds.append(f"{column} >= ?")
        params.append(_ts(since))
    if until is not None:
        conds.append(f"{column} < ?")
        params.append(_ts(until))
    return conds, params


def _where(conds: list[str]) -> str:
    return f" WHERE {' AND '.join(conds)}" if conds else ""


def _totals(conn: Conn) -> StoreTotals:
    # One read transaction, so the counts agree with each other.
    conn.execute("BEGIN")
    try:
        sessions = conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
        leads = conn.execute("SELECT delivery, count(*) FROM leads GROUP BY delivery").fetchall()
        outbox = conn.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall()
        oldest = conn.execute(
            "SELECT min(created_at) FROM outbox WHERE status = 'pending'"
        ).fetchone()[0]
    finally:
        conn.execute("COMMIT")
    return StoreTotals(
        sessions=sessions,
        leads={k: n for k, n in leads},
        outbox={k: n for k, n in outbox},
        oldest_waiting=_dt(oldest),
    )


def _lead_record(row: sqlite3.Row) -> LeadRecord:
    data = dict(row)
    for key in _LEAD_TS:
        data[key] = _dt(data[key])
    return lead_record(data)


def _claim_jobs(now: str, limit: int, lease_until: str, conn: Conn) -> list[OutboxJob]:
    ids = [
        row[0]
        for row in conn.execute(
            """SELECT o.id FROM outbox o
               WHERE o.status = 'pending' AND o.next_attempt_at <= ?
                 AND (o.lease_until IS NULL OR o.lease_until <= ?)
                 AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.lead_id = o.lead_id
                                 AND p.id < o.id AND p.status <> 'done')
               ORDER BY o.next_attempt_at, o.id LIMIT ?""",
            (now, now, limit),
        )
    ]
    jobs = []
    for job_id in ids:
        row = conn.execute(
            """UPDATE outbox SET lease_until = ?, attempts = attempts + 1 WHERE id = ?
               RETURNING id, kind, attempts, payload, lead_id""",
            (lease_until, job_id),
        ).fetchone()
        lead = conn.execute(
            "SELECT payload, crm_lead_id, crm_contact_id FROM leads WHERE id = ?", (row[4],)
        ).fetchone()
        jobs.append(_job(row, lead))
    return jobs


def _job(row: Any, lead: Any) -> OutboxJob:
    return OutboxJob(
        id=row[0],
        kind=row[1],
        attempts=row[2],
        payload=json.loads(row[3]),
        lead=Lead.model_validate_json(lead[0]),
        crm_lead_id=lead[1],
        crm_contact_id=lead[2],
    )


def _job_done(job_id: int, now: str | None, conn: Conn) -> None:
    row = conn.execute(
        """UPDATE outbox SET status = 'done', lease_until = NULL, done_at = ?, last_error = NULL
           WHERE id = ? RETURNING kind, lead_id""",
        (now, job_id),
    ).fetchone()
    if row is not None and row[0] == "create_lead":
        conn.execute(
            """UPDATE leads SET delivery = 'delivered', delivered_at = ?, last_error = NULL,
                   next_attempt_at = NULL WHERE id = ?""",
            (now, row[1]),
        )


def _job_retry(job_id: int, next_attempt_at: str | None, error: str, conn: Conn) -> None:
    row = conn.execute(
        """UPDATE outbox SET status = 'pending', lease_until = NULL, next_attempt_at = ?,
               last_error = ? WHERE id = ? RETURNING attempts, lead_id""",
        (next_attempt_at, error, job_id),
    ).fetchone()
    if row is not None:
        conn.execute(
            "UPDATE leads SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?",
            (row[0], error, next_attempt_at, row[1]),
        )


def _job_failed(job_id: int, error: str, conn: Conn) -> None:
    row = conn.execute(
        """UPDATE outbox SET status = 'failed', lease_until = NULL, last_error = ?
           WHERE id = ? RETURNING kind, attempts, lead_id""",
        (error, job_id),
    ).fetchone()
    if row is None:
        return
    delivery = "failed" if row[0] == "create_lead" else None
    conn.execute(
        """UPDATE leads SET delivery = coalesce(?, delivery), attempts = ?, last_error = ?,
               next_attempt_at = NULL WHERE id = ?""",
        (delivery, row[1], error, row[2]),
    )


def _requeue_lead(lead_id: str, now: str | None, conn: Conn) -> bool:
    row = conn.execute("SELECT delivery FROM leads WHERE id = ?", (lead_id,)).fetchone()
    if row is None:
        return False
    if row[0] == "local":
        _enqueue(conn, lead_id, "create_lead", {}, now)
    conn.execute(
        """UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?,
               lease_until = NULL WHERE lead_id = ? AND status = 'failed'""",
        (now, lead_id),
    )
    if row[0] in ("local", "failed"):
        conn.execute(
            """UPDATE leads SET delivery = 'pending', attempts = 0, last_error = NULL,
                   next_attempt_at = ? WHERE id = ?""",
            (now, lead_id),
        )
    return True


def _expire(idle_since: str | None, busy: list[str], conn: Conn) -> int:
    placeholders = ", ".join("?" * len(busy))
    keep = f"AND id NOT IN ({placeholders})" if busy else ""
    ids = [
        row[0]
        for row in conn.execute(
            f"DELETE FROM sessions WHERE updated_at < ? {keep} RETURNING id",
            (idle_since, *busy),
        )
    ]
    conn.executemany("DELETE FROM messages WHERE session_id = ?", [(i,) for i in ids])
    return len(ids)


def _fold(text: str | None) -> str | None:
    return None if text is None else text.casefold()


def _column(conn: Conn, sql: str, params: tuple[Any, ...]) -> set[Any]:
    return {row[0] for row in conn.execute(sql, params)}


def _in(values: set[str] | list[str]) -> str:
    return ", ".join("?" * len(values))


def _forget(target: ErasureTarget, now: dt.datetime, conn: Conn) -> ErasureReport:
    sessions: set[str] = set()
    leads: set[str] = set()
    if target.session_id is not None:
        sessions.add(target.session_id)
    if target.phone is not None:
        sessions |= _column(
            conn, "SELECT id FROM sessions WHERE json_extract(state, '$.slots.phone') = ?",
            (target.phone,),
        )
        sessions |= _column(
            conn, "SELECT session_id FROM messages WHERE instr(aida_digits(text), ?) > 0",
            (target.phone_digits(),),
        )
        leads |= _column(conn, "SELECT id FROM leads WHERE phone = ?", (target.phone,))
    if target.email is not None:
        sessions |= _column(
            conn,
            "SELECT id FROM sessions WHERE aida_fold(json_extract(state, '$.slots.email')) = ?",
            (target.email,),
        )
        sessions |= _column(
            conn, "SELECT session_id FROM messages WHERE instr(aida_fold(text), ?) > 0",
            (target.email,),
        )
        leads |= _column(
            conn, "SELECT id FROM leads WHERE aida_fold(json_extract(payload, '$.email')) = ?",
            (target.email,),
        )
    # A lead's conversation is the person's, and a session's leads are too.
    if leads:
        sessions |= _column(
            conn, f"SELECT session_id FROM leads WHERE id IN ({_in(leads)})", tuple(leads)
        )
    if sessions:
        leads |= _column(
            conn, f"SELECT id FROM leads WHERE session_id IN ({_in(sessions)})", tuple(sessions)
        )
    report = _erase_leads(conn, sorted(leads), now)
    if sessions:
        ids = tuple(sessions)
        report.messages = conn.execute(
            f"DELETE FROM messages WHERE session_id IN ({_in(sessions)})", ids
        ).rowcount
        report.sessions = conn.execute(
            f"DELETE FROM sessions WHERE id IN ({_in(sessions)})", ids
        ).rowcount
        # A live handoff's rows: the manager's messages and the customer's sent to amojo.
        for table in HANDOFF_TABLES:
            report.messages += conn.execute(
                f"DELETE FROM {table} WHERE session_id IN ({_in(sessions)})", ids
            ).rowcount
    return report


def _erase_leads(conn: Conn, ids: list[str], now: dt.datetime) -> ErasureReport:
    report = ErasureReport()
    if not ids:
        return report
    rows = conn.execute(
        f"SELECT id, payload, crm_lead_id FROM leads WHERE id IN ({_in(ids)})", tuple(ids)
    ).fetchall()
    for lead_id, payload, crm_lead_id in rows:
        erased = Lead.model_validate_json(payload).erased(now)
        conn.execute(
            "UPDATE leads SET payload = ?, phone = NULL WHERE id = ?",
            (erased.model_dump_json(), lead_id),
        )
        if crm_lead_id is not None:
            report.crm_lead_ids.append(crm_lead_id)
    report.leads = len(rows)
    # Work not yet done is dropped (nothing of an erased person goes to the CRM any more);
    # the done jobs keep their history without their payloads.
    report.outbox_jobs = conn.execute(
        f"DELETE FROM outbox WHERE lead_id IN ({_in(ids)}) AND status <> 'done'", tuple(ids)
    ).rowcount
    report.outbox_jobs += conn.execute(
        f"UPDATE outbox SET payload = '{{}}' WHERE lead_id IN ({_in(ids)}) AND payload <> '{{}}'",
        tuple(ids),
    ).rowcount
    conn.execute(
        f"""UPDATE leads SET delivery = 'local', next_attempt_at = NULL
            WHERE id IN ({_in(ids)}) AND delivery IN ('pending', 'failed')""",
        tuple(ids),
    )
    return report
