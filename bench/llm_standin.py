"""The LLM brain pointed at the stand-in OpenAI-compatible server, and what it spent: shared by
`bench/llm.py` (scripted onboardings) and `bench/conversations.py --llm` (the customer
dialogues)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aida.catalog import Catalog
from aida.llm.circuit import CircuitBreaker
from aida.llm.openai.brain import OpenAIBrain, Wording
from aida.llm.openai.stats import BrainStats
from aida.llm.openai.transport import Api
from aida.nlu.brain import OfflineBrain
from aida.understanding.types import TurnContext, Understanding
from tests.fakes import openai_server
from tests.fakes.openai_server import Fail, StandIn
from tests.llm.conftest import llm_brain


def token_counter() -> str:
    """How the stand-in counts tokens (o200k is gpt-4o's tokenizer, the real prompts)."""
    return "o200k (bpe-openai)" if openai_server._ENCODING is not None else "estimate"


@dataclass(frozen=True)
class Spent:
    """Model calls (reading / wording) and tokens."""

    reads: int = 0
    words: int = 0
    prompt: int = 0
    completion: int = 0

    @classmethod
    def of(cls, stats: BrainStats) -> Spent:
        return cls(
            stats.understand_calls,
            stats.word_calls,
            stats.tokens.prompt_tokens,
            stats.tokens.completion_tokens,
        )

    @property
    def calls(self) -> int:
        return self.reads + self.words

    def __sub__(self, other: Spent) -> Spent:
        return Spent(
            self.reads - other.reads,
            self.words - other.words,
            self.prompt - other.prompt,
            self.completion - other.completion,
        )

    def __add__(self, other: Spent) -> Spent:
        return Spent(
            self.reads + other.reads,
            self.words + other.words,
            self.prompt + other.prompt,
            self.completion + other.completion,
        )


class RecordingReader(OfflineBrain):
    """The offline brain as the LLM brain's first reader, keeping its last reading: what the
    rules understood of a message the model was then asked to read."""

    last: tuple[Understanding, TurnContext] | None = None

    async def understand(self, message: str, ctx: TurnContext) -> Understanding:
        u = await super().understand(message, ctx)
        self.last = (u, ctx)
        return u


@asynccontextmanager
async def standin_brain(
    catalog: Catalog,
    *,
    api: Api = "chat",
    wording: Wording = "spare",
    failing: bool = False,
    circuit: CircuitBreaker | None = None,
    reader: OfflineBrain | None = None,
    warm_up: dt.datetime | None = None,
) -> AsyncIterator[tuple[StandIn, OpenAIBrain]]:
    """A fresh stand-in server and the LLM brain pointed at it; both closed on exit. With
    nothing scripted the stand-in reads only what its `readings` hold (an empty reading
    otherwise) and words a reply as its draft; `failing` makes it answer HTTP 500."""
    standin = StandIn()
    await standin.start()
    if failing:
        standin.script(*[Fail(500)] * 100)
    brain = llm_brain(standin, catalog, api=api, wording=wording, circuit=circuit)
    if reader is not None:
        brain.fallback = reader
    if warm_up is not None and isinstance(brain.fallback, OfflineBrain):
        brain.fallback.warm_up(warm_up)
    try:
        yield standin, brain
    finally:
        await brain.aclose()
        await standin.stop()
