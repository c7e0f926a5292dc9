"""Shared fixtures: the stand-in OpenAI-compatible server, the catalog, a turn context."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import pytest

from aida.catalog import Catalog, default_catalog
from aida.domain import Slots, Step
from aida.llm.types import Expect, TurnContext
from tests.fakes.openai_server import StandIn

TZ = ZoneInfo("Europe/Volgograd")
# A Wednesday, mid-morning: "завтра" is Thursday 11 June.
NOW = dt.datetime(2026, 6, 10, 10, 0, tzinfo=TZ)


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    server = StandIn()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return default_catalog()


def context(
    catalog: Catalog,
    step: Step = Step.tariff,
    expect: Expect | None = None,
    slots: Slots | None = None,
    session_id: str | None = "s-1",
) -> TurnContext:
    return TurnContext(
        step=step,
        expect=expect,
        slots=slots or Slots(),
        now=NOW,
        catalog=catalog,
        session_id=session_id,
    )
