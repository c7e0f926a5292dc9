"""One way to run the handoff's SQL on either backend, so each query is written once.

Queries use `?` placeholders (rewritten to `$n` for PostgreSQL); timestamps go in through
`Db.ts` (fixed-width ISO text on SQLite, aware datetimes on PostgreSQL) and come out through
`Db.when`. A transaction body is an async function of a `Tx`; on SQLite every call in it runs
on the loop without suspending, so nothing else interleaves, as with the main store.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
Row = tuple[Any, ...]

_PLACEHOLDER = re.compile(r"\?")


class Tx(Protocol):
    async def fetch(self, sql: str, *args: Any) -> list[Row]: ...

    async def execute(self, sql: str, *args: Any) -> None: ...


class Db(Protocol):
    def ts(self, moment: dt.datetime | None) -> Any: ...

    def when(self, value: Any) -> dt.datetime | None: ...

    async def fetch(self, sql: str, *args: Any) -> list[Row]: ...

    async def transaction(self, body: Callable[[Tx], Awaitable[T]]) -> T: ...


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(dt.UTC)


class _SqliteTx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        return [tuple(r) for r in self._conn.execute(sql, args).fetchall()]

    async def execute(self, sql: str, *args: Any) -> None:
        self._conn.execute(sql, args)


class SqliteDb:
    def __init__(self, connection: Callable[[], sqlite3.Connection]) -> None:
        self._connection = connection

    def ts(self, moment: dt.datetime | None) -> Any:
        return None if moment is None else _utc(moment).isoformat(timespec="microseconds")

    def when(self, value: Any) -> dt.datetime | None:
        return None if value is None else dt.datetime.fromisoformat(value)

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        return await _SqliteTx(self._connection()).fetch(sql, *args)

    async def transaction(self, body: Callable[[Tx], Awaitable[T]]) -> T:
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = await body(_SqliteTx(conn))
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return result


def _numbered(sql: str) -> str:
    counter = iter(range(1, 1000))
    return _PLACEHOLDER.sub(lambda _: f"${next(counter)}", sql)


class _PgTx:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        return [tuple(r) for r in await self._conn.fetch(_numbered(sql), *args)]

    async def execute(self, sql: str, *args: Any) -> None:
        await self._conn.execute(_numbered(sql), *args)


class PostgresDb:
    def __init__(self, pool: Callable[[], Any]) -> None:
        self._pool = pool

    def ts(self, moment: dt.datetime | None) -> Any:
        return None if moment is None else _utc(moment)

    def when(self, value: Any) -> dt.datetime | None:
        return value  # type: ignore[no-any-return]

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        async with self._pool().acquire() as conn:
            return await _PgTx(conn).fetch(sql, *args)

    async def transaction(self, body: Callable[[Tx], Awaitable[T]]) -> T:
        async with self._pool().acquire() as conn, conn.transaction():
            return await body(_PgTx(conn))


def db_for(store: object) -> Db:
    """The handoff's access to the main store's database (same file or pool)."""
    from aida.store.postgres import PostgresStore
    from aida.store.sqlite import SqliteStore

    if isinstance(store, SqliteStore):
        return SqliteDb(store.writer)
    if isinstance(store, PostgresStore):
        return PostgresDb(lambda: store.pool)
    raise TypeError(f"no handoff storage for {type(store).__name__}")
