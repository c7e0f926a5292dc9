"""Erasure of a person's data (`aida forget`) and retention: what to look for, what is left.

Shared by both backends: the backends find and delete rows, this module says what a match is
and what an erased lead keeps.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, model_validator

# Tables of the live handoff (migration 4) whose rows belong to a conversation.
HANDOFF_TABLES = ("handoff_events", "amojo_outbox", "handoffs")


def digits_only(text: str | None) -> str | None:
    return None if text is None else re.sub(r"\D", "", text)


class ErasureTarget(BaseModel):
    """Whose data to erase: a phone (E.164), an email (any case) or a session id."""

    phone: str | None = None
    email: str | None = None
    session_id: str | None = None

    @model_validator(mode="after")
    def _one_key(self) -> ErasureTarget:
        if sum(v is not None for v in (self.phone, self.email, self.session_id)) != 1:
            raise ValueError("exactly one of phone, email, session_id")
        if self.email is not None:
            self.email = self.email.strip().casefold()
        return self

    def phone_digits(self) -> str | None:
        """The national part (10 digits of a Russian number), found in text in any form:
        `+7 (999) 123-45-67`, `89991234567` and `9991234567` all contain it."""
        if self.phone is None:
            return None
        digits = digits_only(self.phone) or ""
        return digits[1:] if len(digits) == 11 and digits[0] in "78" else digits


class ErasureReport(BaseModel):
    """What was removed: whole sessions with their messages, leads stripped of the person
    (the rows stay for the figures), outbox jobs dropped or emptied."""

    sessions: int = 0
    messages: int = 0
    leads: int = 0
    outbox_jobs: int = 0
    # amoCRM ids of the erased leads already delivered: the CRM copy is the operator's to erase.
    crm_lead_ids: list[int] = []
