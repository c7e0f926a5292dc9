"""Durable storage: one interface (`aida.store.base.Store`), SQLite and PostgreSQL backends."""

from __future__ import annotations

from aida.store.base import (
    DeliveryStatus,
    JobKind,
    LeadRecord,
    LeadStat,
    OutboxJob,
    SessionSummary,
    SessionTx,
    Store,
    StoreBusy,
    StoredReply,
    StoreTotals,
    TokenPair,
    TouchRecord,
)


def open_store(url: str, *, pool_size: int = 20, wait_seconds: float = 5.0) -> Store:
    """The backend for `url` (AIDA_DATABASE_URL), not yet connected: `await store.open()`.

    `sqlite:///relative.db`, `sqlite:////absolute.db`, `sqlite:///:memory:` (tests), or
    `postgresql://user@host:port/db` (query parameters such as `?search_path=aida` are passed
    to the server as settings). `pool_size` and `wait_seconds` (how long anything waits for
    a connection or a session's database lock) apply to PostgreSQL.
    """
    if url.startswith("sqlite:///"):
        from aida.store.sqlite import SqliteStore

        path = url.removeprefix("sqlite:///")
        if not path:
            raise ValueError("AIDA_DATABASE_URL: sqlite:/// needs a file path")
        return SqliteStore(path)
    if url.startswith(("postgresql://", "postgres://")):
        from aida.store.postgres import PostgresStore

        return PostgresStore(url, max_size=pool_size, wait_seconds=wait_seconds)
    raise ValueError(
        "AIDA_DATABASE_URL must start with sqlite:/// or postgresql:// "
        f"(got {url.split(':', 1)[0]!r})"
    )


__all__ = [
    "DeliveryStatus",
    "JobKind",
    "LeadRecord",
    "LeadStat",
    "OutboxJob",
    "SessionSummary",
    "SessionTx",
    "Store",
    "StoreBusy",
    "StoreTotals",
    "StoredReply",
    "TokenPair",
    "TouchRecord",
    "open_store",
]
