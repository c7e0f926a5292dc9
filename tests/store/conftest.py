"""Both storage backends behind one fixture, so every contract test runs against each.

PostgreSQL tests get a schema of their own (dropped afterwards) and skip, saying why, when
the server at AIDA_TEST_POSTGRES_URL cannot be reached.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from aida.store import Store, open_store

PG_URL = os.environ.get("AIDA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


async def _pg_schema() -> tuple[str, Callable[[], Awaitable[None]]]:
    """A fresh schema and a coroutine factory dropping it; skips when PostgreSQL is down."""
    import asyncpg

    try:
        conn = await asyncpg.connect(PG_URL, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError) as e:
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {e}")
    schema = f"aida_test_{uuid.uuid4().hex[:12]}"
    await conn.execute(f'CREATE SCHEMA "{schema}"')
    await conn.close()

    async def drop() -> None:
        conn = await asyncpg.connect(PG_URL)
        await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await conn.close()

    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}search_path={schema}", drop


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
async def store_url(
    request: pytest.FixtureRequest, tmp_path: os.PathLike[str]
) -> AsyncIterator[str]:
    """A database URL for an empty database of each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/aida.db"
        return
    url, drop = await _pg_schema()
    yield url
    await drop()


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    s = open_store(store_url)
    await s.open()
    yield s
    await s.close()
