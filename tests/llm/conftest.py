"""Shared fixtures: the stand-in OpenAI-compatible server, the catalog, a turn context."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from typing import Any, Literal
from zoneinfo import ZoneInfo

import pytest

from aida.catalog import Catalog, default_catalog
from aida.domain import Slots, SlotValues, Step
from aida.llm.circuit import CircuitBreaker
from aida.llm.openai.brain import OpenAIBrain, Wording
from aida.llm.openai.transport import Api, OutputMode, make_transport
from aida.nlu.brain import OfflineBrain
from aida.understanding.types import Expect, TurnContext
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


BrainFactory = Callable[..., OpenAIBrain]


@pytest.fixture
async def new_brain(standin: StandIn, catalog: Catalog) -> AsyncIterator[BrainFactory]:
    """Makes LLM brains pointed at the stand-in; their connections close after the test."""
    made: list[OpenAIBrain] = []

    def make(**options: Any) -> OpenAIBrain:
        brain = llm_brain(standin, catalog, **options)
        made.append(brain)
        return brain

    yield make
    for brain in made:
        await brain.aclose()


def llm_brain(
    standin: StandIn,
    catalog: Catalog,
    *,
    api: Api = "chat",
    timeout: float = 2.0,
    wording: Wording = "spare",
    output: OutputMode | Literal["auto"] = "auto",
    circuit: CircuitBreaker | None = None,
) -> OpenAIBrain:
    """The LLM brain pointed at the stand-in, the real offline brain as its fallback."""
    transport = make_transport(
        api, api_key="test", base_url=standin.base_url, model="stand-in", timeout=timeout
    )
    return OpenAIBrain(
        transport,
        catalog,
        OfflineBrain(catalog),
        timeout=timeout,
        wording=wording,
        output=output,
        circuit=circuit,
    )


def reading(
    intent: str = "answer", topics: list[str] | None = None, **slots: Any
) -> dict[str, Any]:
    """A model's reading as the schema has it: every slot present, null unless given."""
    return {
        "intent": intent,
        "slots": {key: slots.get(key) for key in SlotValues.model_fields},
        "topics": topics or [],
        "email_declined": False,
    }
