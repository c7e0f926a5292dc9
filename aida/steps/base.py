"""What every step module provides, and the small values they exchange with the policy.

A step owns some slots. Each turn, every step `accept`s the values of its slots found in the
message (so slots given early are kept), `complete` says whether the step can be left, and
`ask` gives the step's next question. Steps never move the machine: `aida.fsm` does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from aida.catalog import Catalog
from aida.domain import STEP_ORDER, Choice, ConversationState, Step
from aida.understanding.types import Expect, Intent, Understanding


@dataclass(frozen=True)
class Env:
    """The world a step judges by: the catalog and the provider's local time."""

    catalog: Catalog
    now: dt.datetime  # aware, provider's time zone
    # The live chat with managers (amoCRM Chats API) is configured: a person can take over.
    live_handoff: bool = False

    @property
    def today(self) -> dt.date:
        return self.now.date()


@dataclass(frozen=True)
class Ask:
    """A question to the customer. `expect` is its key in `aida.understanding.questions`
    (what answers it); `values` maps a suggestion (a button) to what it stands for: a slot
    value or a reply word. The buttons with a value are the question's choices. `again` is a
    second wording, used when the first was not understood (never the same words thrice)."""

    expect: Expect | None
    text: str
    suggestions: list[str] = field(default_factory=list)
    values: Mapping[str, str | int | bool] = field(default_factory=dict)
    again: str | None = None

    @property
    def choices(self) -> list[Choice]:
        return [Choice(label=s, value=self.values[s]) for s in self.suggestions
                if s in self.values]


@dataclass(frozen=True)
class Note:
    """Something to say about what the customer just gave (an ack or a problem).

    A note with `ask` set is a precise re-ask ("Уточните, пожалуйста, номер дома"): it
    replaces the step's own question this turn, when its step is the current one.
    """

    text: str
    step: Step
    ask: Ask | None = None


def ahead_of(conv: ConversationState, step: Step) -> bool:
    """The conversation has not reached `step` yet (what is said for it is said early)."""
    return STEP_ORDER.index(conv.step) < STEP_ORDER.index(step)


@dataclass(frozen=True)
class Message:
    """One customer message as a step sees it: the brain's reading (never the raw words)."""

    u: Understanding
    pending: str | None  # what the assistant asked last turn

    @property
    def yes(self) -> bool:
        return self.u.intent is Intent.yes

    @property
    def no(self) -> bool:
        return self.u.intent is Intent.no

    def answers(self, *expects: str) -> bool:
        return self.pending in expects


class StepModule(Protocol):
    """A module of `aida.steps`: `STEPS` is typed against this, so mypy catches a step that
    lacks a function or takes other arguments."""

    STEP: Step

    def accept(self, conv: ConversationState, msg: Message, env: Env) -> list[Note]: ...

    def complete(self, conv: ConversationState, env: Env) -> bool: ...

    def ask(self, conv: ConversationState, env: Env) -> Ask: ...
