"""Both storage backends behind one fixture, so every contract test runs against each."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from aida.store import Store, open_store


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def store_url(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> str:
    """A database URL for an empty database of each backend."""
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
