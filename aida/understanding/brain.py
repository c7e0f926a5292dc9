"""The brain interface: understand a message in the context of the step, word a reply.

A brain never decides what happens next: the machine (`aida.fsm`, `aida.steps`) does. A brain
only turns free text into slots and intent, and a reply draft into words. It is the only
reader of the customer's words: steps and the policy read its `Understanding`, which it
returns validated against the catalog.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from aida.understanding.types import Expect, Extraction, ReplyDraft, TurnContext, Understanding

# Receives pieces of the reply as they are worded (POST /chat/stream).
DeltaSink = Callable[[str], Awaitable[None]]


class Brain(Protocol):
    name: str

    async def understand(self, message: str, ctx: TurnContext) -> Understanding:
        """Read one customer message. Must not raise on any input."""
        ...

    async def word(
        self, draft: ReplyDraft, ctx: TurnContext, on_delta: DeltaSink | None = None
    ) -> str:
        """Word the machine's reply; must keep every fact of the draft.

        With `on_delta`, the reply is also sent piece by piece as it is worded (the offline
        brain sends it whole, once); the pieces joined are exactly the returned text.
        """
        ...


class RuleReader(Brain, Protocol):
    """A brain that also re-reads values by its rules: what the LLM brain is given (the
    offline brain, by the factory) to read first, to check the model's values as if the
    customer had typed them, and to fall back on."""

    def extract(self, text: str, ctx: TurnContext, expect: Expect | None) -> Extraction:
        """The slots in `text`, as typed after the question `expect`."""
        ...

    def validate(self, u: Understanding, ctx: TurnContext) -> Understanding:
        """`u` with every value checked against the catalog."""
        ...
