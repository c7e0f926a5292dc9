"""Fixtures of the CRM tests: the stand-in amoCRM, token stores, both databases, a clock."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from aida.store import Store, open_store
from tests.crm.helpers import FakeClock, MemoryTokens
from tests.fakes.amocrm import FakeAmo


@pytest.fixture
async def amo() -> AsyncIterator[FakeAmo]:
    async with FakeAmo.serve() as fake:
        yield fake


@pytest.fixture
def tokens() -> MemoryTokens:
    return MemoryTokens()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def store_url(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> str:
    """An empty database of each backend (PostgreSQL skips, saying why, when unreachable)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/aida.db"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[Store]:
    s = open_store(store_url)
    await s.open()
    yield s
    await s.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
