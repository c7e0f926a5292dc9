"""The handoff's tables, on whichever database the service uses (`aida.handoff.db`).

- `handoffs`: one row per handoff; at most one `active` per session (who owns the chat).
- `handoff_events`: what the customer's page is told: a manager's `message` (unique amojo
  `msgid`, so a repeated webhook changes nothing) and `status` changes. Their ids order the
  stream, and a page that reconnects asks for the ones after the last it saw.
- `amojo_outbox`: messages for amojo, sent in order per conversation, with retries.
- `amojo_channel`: the `scope_id` the channel got when it was connected to the account.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from typing import Any, Literal

from pydantic import BaseModel, Field

from aida.handoff.db import Db, Tx

Status = Literal["active", "closed"]
# Event and outbox caps: a stored thing has a cap (a runaway manager script, a huge import).
MAX_EVENT_TEXT = 4000
MAX_IMPORT = 200


class Handoff(BaseModel):
    id: int
    session_id: str
    status: Status
    reason: str
    started_at: dt.datetime
    first_reply_at: dt.datetime | None = None
    last_activity_at: dt.datetime
    ended_at: dt.datetime | None = None
    end_reason: str | None = None


class HandoffEvent(BaseModel):
    id: int
    session_id: str
    kind: Literal["message", "status"]
    data: dict[str, Any]
    created_at: dt.datetime


class RelayJob(BaseModel):
    id: int
    session_id: str
    msgid: str
    payload: dict[str, Any]
    attempts: int


class Channel(BaseModel):
    channel_id: str
    amojo_id: str
    scope_id: str
    connected_at: dt.datetime


class HandoffStats(BaseModel):
    started: int = 0
    answered: int = 0
    unanswered: int = 0  # ended before any manager wrote
    active: int = 0
    first_reply_seconds: list[float] = Field(default_factory=list)

    @property
    def median_first_reply(self) -> float | None:
        return statistics.median(self.first_reply_seconds) if self.first_reply_seconds else None


class RelayTotals(BaseModel):
    pending: int = 0
    failed: int = 0
    done: int = 0


class _Duplicate(Exception):
    """Rolls back a manager's message already stored."""


_HANDOFF_COLS = ("id, session_id, status, reason, started_at, first_reply_at, "
                 "last_activity_at, ended_at, end_reason")


class HandoffStore:
    def __init__(self, db: Db) -> None:
        self._db = db

    # -- rows -----------------------------------------------------------------------------
    def _handoff(self, row: tuple[Any, ...]) -> Handoff:
        when = self._db.when
        return Handoff(id=row[0], session_id=row[1], status=row[2], reason=row[3],
                       started_at=when(row[4]), first_reply_at=when(row[5]),
                       last_activity_at=when(row[6]), ended_at=when(row[7]),
                       end_reason=row[8])

    def _event(self, row: tuple[Any, ...]) -> HandoffEvent:
        return HandoffEvent(id=row[0], session_id=row[1], kind=row[2], data=json.loads(row[3]),
                            created_at=self._db.when(row[4]))

    async def _latest(self, tx: Tx, session_id: str) -> Handoff | None:
        rows = await tx.fetch(
            f"SELECT {_HANDOFF_COLS} FROM handoffs WHERE session_id = ? ORDER BY id DESC LIMIT 1",
            session_id,
        )
        return self._handoff(rows[0]) if rows else None

    async def _event_row(self, tx: Tx, session_id: str, kind: str, data: dict[str, Any],
                         now: dt.datetime, msgid: str | None = None) -> HandoffEvent | None:
        text = json.dumps(data, ensure_ascii=False)
        rows = await tx.fetch(
            """INSERT INTO handoff_events (session_id, kind, msgid, data, created_at)
               VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
               RETURNING id, session_id, kind, data, created_at""",
            session_id, kind, msgid, text, self._db.ts(now),
        )
        return self._event(rows[0]) if rows else None

    async def _enqueue(self, tx: Tx, session_id: str, msgid: str, payload: dict[str, Any],
                       now: dt.datetime) -> None:
        await tx.execute(
            """INSERT INTO amojo_outbox (session_id, msgid, payload, status, next_attempt_at,
                   created_at) VALUES (?, ?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING""",
            session_id, msgid, json.dumps(payload, ensure_ascii=False), self._db.ts(now),
            self._db.ts(now),
        )

    async def _message_row(self, tx: Tx, session_id: str, role: str, text: str,
                           suggestions: list[str], step: str, message_id: str | None,
                           now: dt.datetime) -> bool:
        rows = await tx.fetch(
            """INSERT INTO messages (session_id, role, text, suggestions, step, message_id,
                   created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id""",
            session_id, role, text, json.dumps(suggestions, ensure_ascii=False), step, message_id,
            self._db.ts(now),
        )
        if rows:  # the session holds one more message, and must not expire meanwhile
            await tx.execute(
                "UPDATE sessions SET updated_at = ?, message_count = message_count + 1 "
                "WHERE id = ?", self._db.ts(now), session_id)
        return bool(rows)

    # -- the handoff ----------------------------------------------------------------------
    async def has_session(self, session_id: str) -> bool:
        return bool(await self._db.fetch("SELECT 1 FROM sessions WHERE id = ?", session_id))

    async def active(self, session_id: str) -> Handoff | None:
        rows = await self._db.fetch(
            f"""SELECT {_HANDOFF_COLS} FROM handoffs WHERE session_id = ? AND status = 'active'
                ORDER BY id DESC LIMIT 1""",
            session_id,
        )
        return self._handoff(rows[0]) if rows else None

    async def start(self, session_id: str, reason: str, now: dt.datetime,
                    imports: list[tuple[str, dict[str, Any]]]) -> Handoff:
        """Open a handoff (or return the one already open) and queue the conversation so far
        for the manager's inbox, as (msgid, payload) in order."""

        async def body(tx: Tx) -> Handoff:
            latest = await self._latest(tx, session_id)
            if latest is not None and latest.status == "active":
                return latest
            rows = await tx.fetch(
                f"""INSERT INTO handoffs (session_id, status, reason, started_at,
                       last_activity_at) VALUES (?, 'active', ?, ?, ?)
                    RETURNING {_HANDOFF_COLS}""",
                session_id, reason, self._db.ts(now), self._db.ts(now),
            )
            for msgid, payload in imports[-MAX_IMPORT:]:
                await self._enqueue(tx, session_id, msgid, payload, now)
            return self._handoff(rows[0])

        return await self._db.transaction(body)

    async def customer_message(self, session_id: str, text: str, step: str,
                               message_id: str | None, now: dt.datetime, msgid: str,
                               payload: dict[str, Any]) -> bool:
        """Store the customer's message and queue it for the manager, together; False when
        this `message_id` was stored before (a retry): nothing is queued twice."""

        async def body(tx: Tx) -> bool:
            if not await self._message_row(tx, session_id, "user", text, [], step, message_id,
                                           now):
                return False
            await self._enqueue(tx, session_id, msgid, payload, now)
            await tx.execute(
                """UPDATE handoffs SET last_activity_at = ?
                   WHERE session_id = ? AND status = 'active'""",
                self._db.ts(now), session_id,
            )
            return True

        return await self._db.transaction(body)

    async def operator_message(self, session_id: str, msgid: str, name: str, text: str,
                               now: dt.datetime) -> list[HandoffEvent]:
        """Record a manager's message; the events to push (none for a repeated msgid). The
        first reply of a handoff also says the manager joined; a reply after the handoff
        ended opens it again: the manager is talking to the customer, the assistant waits."""

        async def body(tx: Tx) -> list[HandoffEvent]:
            if await tx.fetch("SELECT 1 FROM handoff_events WHERE msgid = ?", msgid):
                return []
            events: list[HandoffEvent] = []
            latest = await self._latest(tx, session_id)
            ts = self._db.ts(now)
            if latest is None or latest.status == "closed":
                await tx.execute(
                    """INSERT INTO handoffs (session_id, status, reason, started_at,
                           first_reply_at, last_activity_at)
                       VALUES (?, 'active', 'manager', ?, ?, ?)""",
                    session_id, ts, ts, ts,
                )
                joined = True
            else:
                joined = latest.first_reply_at is None
                await tx.execute(
                    """UPDATE handoffs SET first_reply_at = coalesce(first_reply_at, ?),
                           last_activity_at = ? WHERE id = ?""",
                    ts, ts, latest.id,
                )
            if joined:  # told before the message, so the page names who joined first
                status = await self._event_row(tx, session_id, "status",
                                               {"operator": "joined", "name": name}, now)
                if status is not None:
                    events.append(status)
            data = {"role": "operator", "text": text[:MAX_EVENT_TEXT], "name": name}
            message = await self._event_row(tx, session_id, "message", data, now, msgid)
            if message is None:  # the same webhook, stored by another instance meanwhile
                raise _Duplicate
            await tx.execute("UPDATE sessions SET updated_at = ? WHERE id = ?", ts, session_id)
            return [*events, message]

        try:
            return await self._db.transaction(body)
        except _Duplicate:
            return []

    async def close(self, session_id: str, now: dt.datetime, reason: str,
                    resume: tuple[str, list[str], str] | None) -> list[HandoffEvent]:
        """End the active handoff: the page is told the manager left and, with `resume`
        (text, suggestions, step), the assistant's message offering to go on, which is also
        stored as the assistant's turn. Nothing when no handoff is active."""

        async def body(tx: Tx) -> list[HandoffEvent]:
            latest = await self._latest(tx, session_id)
            if latest is None or latest.status != "active":
                return []
            await tx.execute(
                """UPDATE handoffs SET status = 'closed', ended_at = ?, end_reason = ?
                   WHERE id = ?""",
                self._db.ts(now), reason, latest.id,
            )
            events = []
            left = await self._event_row(tx, session_id, "status",
                                         {"operator": "left", "reason": reason}, now)
            if left is not None:
                events.append(left)
            if resume is not None:
                text, suggestions, step = resume
                await self._message_row(tx, session_id, "assistant", text, suggestions, step,
                                        None, now)
                back = await self._event_row(
                    tx, session_id, "message",
                    {"role": "assistant", "text": text, "suggestions": suggestions}, now)
                if back is not None:
                    events.append(back)
            return events

        return await self._db.transaction(body)

    async def idle(self, before: dt.datetime, limit: int = 100) -> list[str]:
        """Sessions whose handoff has been silent since before `before`."""
        rows = await self._db.fetch(
            """SELECT session_id FROM handoffs WHERE status = 'active' AND last_activity_at < ?
               ORDER BY last_activity_at LIMIT ?""",
            self._db.ts(before), limit,
        )
        return [r[0] for r in rows]

    # -- the page's events ----------------------------------------------------------------
    async def events_after(self, session_id: str, after: int, limit: int = 200
                           ) -> list[HandoffEvent]:
        rows = await self._db.fetch(
            """SELECT id, session_id, kind, data, created_at FROM handoff_events
               WHERE session_id = ? AND id > ? ORDER BY id LIMIT ?""",
            session_id, after, limit,
        )
        return [self._event(r) for r in rows]

    async def operator_messages(self, session_id: str, limit: int = 500) -> list[HandoffEvent]:
        """The managers' messages, for the page's history (newest `limit`, oldest first)."""
        rows = await self._db.fetch(
            """SELECT id, session_id, kind, data, created_at FROM handoff_events
               WHERE session_id = ? AND kind = 'message' ORDER BY id DESC LIMIT ?""",
            session_id, limit,
        )
        return [e for e in (self._event(r) for r in reversed(rows))
                if e.data.get("role") == "operator"]

    async def last_event_id(self) -> int:
        rows = await self._db.fetch("SELECT max(id) FROM handoff_events")
        return int(rows[0][0] or 0)

    async def sessions_after(self, after: int, limit: int = 1000) -> list[tuple[str, int]]:
        """(session, newest event id) of sessions with events after `after` (the polling
        bus of several instances without Redis)."""
        rows = await self._db.fetch(
            """SELECT session_id, max(id) FROM handoff_events WHERE id > ?
               GROUP BY session_id ORDER BY max(id) LIMIT ?""",
            after, limit,
        )
        return [(r[0], int(r[1])) for r in rows]

    # -- the outbox to amojo --------------------------------------------------------------
    async def claim_relay(self, now: dt.datetime, limit: int = 10) -> list[RelayJob]:
        """Due jobs, each the oldest waiting of its conversation (order per conversation)."""

        async def body(tx: Tx) -> list[RelayJob]:
            rows = await tx.fetch(
                """SELECT o.id, o.session_id, o.msgid, o.payload, o.attempts FROM amojo_outbox o
                   WHERE o.status = 'pending' AND o.next_attempt_at <= ?
                     AND NOT EXISTS (SELECT 1 FROM amojo_outbox p WHERE p.session_id =
                         o.session_id AND p.id < o.id AND p.status = 'pending')
                   ORDER BY o.id LIMIT ?""",
                self._db.ts(now), limit,
            )
            jobs = []
            for r in rows:
                await tx.execute("UPDATE amojo_outbox SET attempts = attempts + 1 WHERE id = ?",
                                 r[0])
                jobs.append(RelayJob(id=r[0], session_id=r[1], msgid=r[2],
                                     payload=json.loads(r[3]), attempts=r[4] + 1))
            return jobs

        return await self._db.transaction(body)

    async def relay_done(self, job_id: int, now: dt.datetime) -> None:
        await self._db.transaction(lambda tx: tx.execute(
            "UPDATE amojo_outbox SET status = 'done', done_at = ?, last_error = NULL WHERE id = ?",
            self._db.ts(now), job_id))

    async def relay_retry(self, job_id: int, at: dt.datetime, error: str) -> None:
        await self._db.transaction(lambda tx: tx.execute(
            "UPDATE amojo_outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?",
            self._db.ts(at), error[:500], job_id))

    async def relay_failed(self, job_id: int, error: str) -> None:
        await self._db.transaction(lambda tx: tx.execute(
            "UPDATE amojo_outbox SET status = 'failed', last_error = ? WHERE id = ?",
            error[:500], job_id))

    async def relay_totals(self) -> RelayTotals:
        rows = await self._db.fetch("SELECT status, count(*) FROM amojo_outbox GROUP BY status")
        return RelayTotals(**{status: n for status, n in rows})

    # -- the channel ----------------------------------------------------------------------
    async def channel(self, channel_id: str) -> Channel | None:
        rows = await self._db.fetch(
            "SELECT channel_id, amojo_id, scope_id, connected_at FROM amojo_channel "
            "WHERE channel_id = ?", channel_id)
        if not rows:
            return None
        r = rows[0]
        return Channel(channel_id=r[0], amojo_id=r[1], scope_id=r[2],
                       connected_at=self._db.when(r[3]))

    async def save_channel(self, channel: Channel) -> None:
        await self._db.transaction(lambda tx: tx.execute(
            """INSERT INTO amojo_channel (channel_id, amojo_id, scope_id, connected_at)
               VALUES (?, ?, ?, ?) ON CONFLICT (channel_id) DO UPDATE SET
               amojo_id = excluded.amojo_id, scope_id = excluded.scope_id,
               connected_at = excluded.connected_at""",
            channel.channel_id, channel.amojo_id, channel.scope_id,
            self._db.ts(channel.connected_at)))

    # -- upkeep ---------------------------------------------------------------------------
    async def forget(self, session_id: str) -> int:
        """Erase a conversation's handoff data (its events hold a manager's words and the
        outbox the customer's): for erasure on request, with the session's own rows."""

        async def body(tx: Tx) -> int:
            gone = 0
            for table in ("handoff_events", "amojo_outbox", "handoffs"):
                gone += len(await tx.fetch(
                    f"DELETE FROM {table} WHERE session_id = ? RETURNING id", session_id))
            return gone

        return await self._db.transaction(body)

    async def prune(self, events_before: dt.datetime, sent_before: dt.datetime,
                    handoffs_before: dt.datetime) -> int:
        """Forget what is no longer needed: events of conversations idle longer than sessions
        live, messages amojo has had for a while, handoffs older than the dashboard looks."""

        async def body(tx: Tx) -> int:
            gone = 0
            for sql, moment in (
                ("DELETE FROM handoff_events WHERE created_at < ? RETURNING id", events_before),
                (("DELETE FROM amojo_outbox WHERE status <> 'pending' AND created_at < ? "
                 "RETURNING id"), sent_before),
                ("DELETE FROM handoffs WHERE status = 'closed' AND started_at < ? RETURNING id",
                 handoffs_before),
            ):
                gone += len(await tx.fetch(sql, self._db.ts(moment)))
            return gone

        return await self._db.transaction(body)

    # -- reporting ------------------------------------------------------------------------
    async def stats(self, since: dt.datetime, until: dt.datetime) -> HandoffStats:
        rows = await self._db.fetch(
            """SELECT status, started_at, first_reply_at FROM handoffs
               WHERE started_at >= ? AND started_at < ? AND reason <> 'manager'""",
            self._db.ts(since), self._db.ts(until),
        )
        stats = HandoffStats(started=len(rows))
        for status, started, replied in rows:
            if replied is not None:
                stats.answered += 1
                gap = self._db.when(replied) - self._db.when(started)  # type: ignore[operator]
                stats.first_reply_seconds.append(gap.total_seconds())
            elif status == "closed":
                stats.unanswered += 1
            else:
                stats.active += 1
        return stats
