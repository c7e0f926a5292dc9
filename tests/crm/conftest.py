"""Fixtures of the CRM tests: a running stand-in amoCRM and an in-memory token store."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.crm.helpers import MemoryTokens
from tests.fakes.amocrm import FakeAmo


@pytest.fixture
async def amo() -> AsyncIterator[FakeAmo]:
    async with FakeAmo.serve() as fake:
        yield fake


@pytest.fixture
def tokens() -> MemoryTokens:
    return MemoryTokens()
