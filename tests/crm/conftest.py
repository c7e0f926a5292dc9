"""Fixtures of the CRM tests: the stand-in amoCRM, token stores, both databases, a clock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.crm.helpers import FakeClock, MemoryTokens
from tests.fakes.amocrm import FakeAmo


@pytest.fixture
async def amo() -> AsyncIterator[FakeAmo]:
    async with FakeAmo.serve() as fake:
        yield fake


@pytest.fixture
def tokens() -> MemoryTokens:
    return MemoryTokens()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
