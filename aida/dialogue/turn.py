"""One turn in the making: what the customer meant, the conversation it changes, and the
reply drafted so far. The policy (`aida.dialogue.policy`) and the repairs
(`aida.dialogue.repairs`) both work on it; it reads only the brain's `Understanding`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from aida.domain import Choice, ConversationState, Lead, SlotValues
from aida.steps import STEPS, Ask, Env, Note
from aida.understanding.types import ReplyDraft, Understanding

OPERATOR = "Позвать оператора"


@dataclass
class Decision:
    conv: ConversationState
    draft: ReplyDraft
    lead: Lead | None = None
    referrer: tuple[str, str] | None = None
    events: list[str] = field(default_factory=list)
    # Consent declined: these contacts are removed from the conversation's messages.
    forget_contacts: SlotValues | None = None


@dataclass
class Turn:
    conv: ConversationState
    u: Understanding
    env: Env
    session_id: str
    now: dt.datetime
    pending: str | None  # the question this message answers
    offer: str | None  # what a "да" means after a repair's offer ("callback")
    first: bool  # the conversation's first message
    parts: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    # Said about this message before the steps' own notes (e.g. «Хорошо, изменим адрес.»).
    notes: list[Note] = field(default_factory=list)
    # Said after the machine has moved, before the next question (answers to questions:
    # they speak of the conversation as this message has left it).
    later: list[Callable[[Turn], list[str]]] = field(default_factory=list)
    lead: Lead | None = None
    referrer: tuple[str, str] | None = None
    forget_contacts: SlotValues | None = None

    def expect(self, key: str | None, values: Mapping[str, str | int | bool] | None = None,
               suggestions: list[str] | None = None) -> None:
        """Remember the question asked now and what its buttons stand for."""
        self.conv.pending = key
        values = values or {}
        self.conv.choices = [Choice(label=s, value=values[s]) for s in suggestions or []
                             if s in values]

    def step_ask(self) -> Ask:
        return STEPS[self.conv.step].ask(self.conv, self.env)

    def reply(self, ask: Ask, extra: list[str] | None = None) -> Decision:
        """End the turn with `ask`, after what has been said."""
        self.conv.pending = ask.expect
        self.conv.choices = ask.choices
        suggestions = list(ask.suggestions)
        if self.conv.misunderstood >= 2 and OPERATOR not in suggestions:
            suggestions.append(OPERATOR)
        suggestions.extend(extra or [])
        self.parts.append(ask.text)
        return self.decision(suggestions)

    def decision(self, suggestions: list[str]) -> Decision:
        facts = {"step": self.conv.step.value, "slots": self.conv.slots.model_dump(mode="json")}
        draft = ReplyDraft(parts=[p for p in self.parts if p], suggestions=suggestions,
                           facts=facts)
        return Decision(self.conv, draft, self.lead, self.referrer, self.events,
                        self.forget_contacts)
