"""The schema as a versioned list of migrations, one list for both backends.

Each migration is a tuple of statements with type placeholders ({json}, {ts}, {id}) filled in
per dialect, so SQLite and PostgreSQL always have the same tables. Applied in order at
`open()`; `schema_version` records what is applied. Append only: never edit a shipped one.
"""

from __future__ import annotations

from typing import Literal

Dialect = Literal["sqlite", "postgresql"]

_TYPES: dict[Dialect, dict[str, str]] = {
    # SQLite keeps timestamps as fixed-width ISO-8601 UTC text, so they sort as text.
    "sqlite": {"json": "TEXT", "ts": "TEXT", "id": "INTEGER PRIMARY KEY AUTOINCREMENT"},
    "postgresql": {"json": "JSONB", "ts": "TIMESTAMPTZ", "id": "BIGSERIAL PRIMARY KEY"},
}

_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: sessions, messages, leads, the CRM outbox and tokens.
    (
        """CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            state {json} NOT NULL,
            step TEXT NOT NULL,
            max_step_rank SMALLINT NOT NULL,
            first_touch {json} NOT NULL,
            latest_touch {json} NOT NULL,
            created_at {ts} NOT NULL,
            updated_at {ts} NOT NULL
        )""",
        "CREATE INDEX sessions_updated_at ON sessions (updated_at)",
        # message_id is the client's id of the customer's message, on both rows of a turn.
        """CREATE TABLE messages (
            id {id},
            session_id TEXT NOT NULL,
            role TEXT NOT NULL,
            text TEXT NOT NULL,
            suggestions {json} NOT NULL,
            step TEXT NOT NULL,
            message_id TEXT,
            created_at {ts} NOT NULL
        )""",
        "CREATE INDEX messages_session ON messages (session_id, id)",
        "CREATE UNIQUE INDEX messages_idempotency ON messages (session_id, message_id, role)",
        # Leads outlive their session (no foreign key): the transcript is in the payload.
        """CREATE TABLE leads (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            payload {json} NOT NULL,
            phone TEXT,
            tariff TEXT,
            utm_source TEXT,
            delivery TEXT NOT NULL,
            crm_lead_id BIGINT,
            crm_contact_id BIGINT,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            next_attempt_at {ts},
            delivered_at {ts},
            created_at {ts} NOT NULL
        )""",
        "CREATE INDEX leads_created_at ON leads (created_at)",
        "CREATE INDEX leads_session ON leads (session_id)",
        "CREATE INDEX leads_delivery ON leads (delivery)",
        """CREATE TABLE outbox (
            id {id},
            lead_id TEXT NOT NULL REFERENCES leads (id),
            kind TEXT NOT NULL,
            payload {json} NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at {ts} NOT NULL,
            lease_until {ts},
            last_error TEXT,
            created_at {ts} NOT NULL,
            done_at {ts}
        )""",
        "CREATE INDEX outbox_due ON outbox (status, next_attempt_at)",
        "CREATE INDEX outbox_lead ON outbox (lead_id, id)",
        """CREATE TABLE crm_tokens (
            name TEXT PRIMARY KEY,
            access_token TEXT NOT NULL,
            refresh_token TEXT,
            expires_at {ts},
            updated_at {ts} NOT NULL
        )""",
    ),
    # 2: hardening: how many messages a session holds, for the per-session cap; admin
    # cookies ended by logging out (by digest, until they would have expired anyway).
    (
        "ALTER TABLE sessions ADD COLUMN message_count INTEGER NOT NULL DEFAULT 0",
        """UPDATE sessions SET message_count =
               (SELECT count(*) FROM messages m WHERE m.session_id = sessions.id)""",
        """CREATE TABLE admin_revoked (
            digest TEXT PRIMARY KEY,
            expires_at {ts} NOT NULL
        )""",
    ),
    # 3: amoCRM: the account's state shared by instances (an account block, the managers'
    # turn) and each lead's stage in amoCRM, from its status-change webhooks.
    (
        """CREATE TABLE crm_state (
            name TEXT PRIMARY KEY,
            value {json} NOT NULL,
            updated_at {ts} NOT NULL
        )""",
        "ALTER TABLE leads ADD COLUMN crm_status_id BIGINT",
        "ALTER TABLE leads ADD COLUMN crm_pipeline_id BIGINT",
        "ALTER TABLE leads ADD COLUMN crm_loss_reason TEXT",
        "ALTER TABLE leads ADD COLUMN crm_stage_at {ts}",
        "CREATE INDEX leads_crm_lead ON leads (crm_lead_id)",
    ),
    # 4: live handoff: handoffs, what managers sent (deduplicated by amojo's msgid) and the
    # status changes pushed to the customer, the outbox of messages to amojo, the channel.
    (
        """CREATE TABLE handoffs (
            id {id},
            session_id TEXT NOT NULL,
            status TEXT NOT NULL,
            reason TEXT NOT NULL,
            started_at {ts} NOT NULL,
            first_reply_at {ts},
            last_activity_at {ts} NOT NULL,
            ended_at {ts},
            end_reason TEXT
        )""",
        "CREATE INDEX handoffs_session ON handoffs (session_id, id)",
        "CREATE INDEX handoffs_started ON handoffs (started_at)",
        "CREATE INDEX handoffs_status ON handoffs (status, last_activity_at)",
        """CREATE TABLE handoff_events (
            id {id},
            session_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            msgid TEXT,
            data {json} NOT NULL,
            created_at {ts} NOT NULL
        )""",
        "CREATE UNIQUE INDEX handoff_events_msgid ON handoff_events (msgid)",
        "CREATE INDEX handoff_events_session ON handoff_events (session_id, id)",
        """CREATE TABLE amojo_outbox (
            id {id},
            session_id TEXT NOT NULL,
            msgid TEXT NOT NULL UNIQUE,
            payload {json} NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at {ts} NOT NULL,
            last_error TEXT,
            created_at {ts} NOT NULL,
            done_at {ts}
        )""",
        "CREATE INDEX amojo_outbox_due ON amojo_outbox (status, next_attempt_at)",
        "CREATE INDEX amojo_outbox_session ON amojo_outbox (session_id, id)",
        """CREATE TABLE amojo_channel (
            channel_id TEXT PRIMARY KEY,
            amojo_id TEXT NOT NULL,
            scope_id TEXT NOT NULL,
            connected_at {ts} NOT NULL
        )""",
    ),
)

SCHEMA_VERSION_TABLE = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY)"


def migrations(dialect: Dialect) -> list[tuple[int, list[str]]]:
    """(version, statements) in order, rendered for `dialect`."""
    types = _TYPES[dialect]
    return [
        (version, [stmt.format(**types) for stmt in stmts])
        for version, stmts in enumerate(_MIGRATIONS, start=1)
    ]
