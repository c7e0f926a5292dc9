"""What one turn of the conversation produces."""

from __future__ import annotations

from pydantic import BaseModel, Field

from aida.domain import ConversationState, Lead, SlotValues
from aida.understanding.brain import DeltaSink

__all__ = ["DeltaSink", "TurnResult"]


class TurnResult(BaseModel):
    state: ConversationState
    reply: str
    suggestions: list[str] = Field(default_factory=list)
    # A lead confirmed in this turn: stored (and queued for the CRM) with the turn.
    lead: Lead | None = None
    # (lead_id, text): who recommended us, given after `done`; patched onto that lead.
    referrer: tuple[str, str] | None = None
    # What happened, for metrics and logs: "restart", "handoff", "lead_confirmed", ...
    events: list[str] = Field(default_factory=list)
    # Consent declined: these contacts are removed from the session's stored messages.
    forget_contacts: SlotValues | None = None
