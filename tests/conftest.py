"""Fixtures shared by the suite: PostgreSQL, Redis, and a store of each backend.

Each server fixture skips, saying why, when its server cannot be reached, and isolates the
test: a fresh PostgreSQL schema (dropped afterwards) or a unique Redis key prefix.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from aida.store import Store, open_store

# Every log line of the run, formatted as in production, must hold no raw phone or email.
from tests.ops.logscan import log_scan  # noqa: F401  (a session-wide autouse fixture)

PG_URL = os.environ.get("AIDA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("AIDA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A URL of an empty PostgreSQL schema of this test's own."""
    import asyncpg

    try:
        conn = await asyncpg.connect(PG_URL, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError) as e:
        pytest.skip(f"PostgreSQL not reachable at {PG_URL} (AIDA_TEST_POSTGRES_URL): {e}")
    schema = f"aida_test_{uuid.uuid4().hex[:12]}"
    await conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}search_path={schema}"
    finally:
        await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await conn.close()


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    """The test Redis URL; the test must use `redis_prefix` for its keys."""
    import redis.asyncio as redis

    client = redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        await client.ping()
    except (OSError, redis.RedisError) as e:
        pytest.skip(f"Redis not reachable at {REDIS_URL} (AIDA_TEST_REDIS_URL): {e}")
    finally:
        await client.aclose()
    yield REDIS_URL


@pytest.fixture
def redis_prefix() -> str:
    return f"aida-test-{uuid.uuid4().hex[:12]}:"


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each backend: a test using it runs on SQLite and on PostgreSQL
    (which skips, saying why, when unreachable)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/aida.db"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    """An open store of each backend."""
    s = open_store(database_url)
    await s.open()
    yield s
    await s.close()
