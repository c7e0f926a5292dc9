"""A turn's writes, collected by `SessionTx.save_turn` and written by the backend on commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aida.domain import Attribution, ConversationState, Lead, SlotValues, Step
from aida.store.base import StoredReply, TouchRecord
from aida.store.rows import STEP_RANK, utc


@dataclass(frozen=True, slots=True)
class StagedTurn:
    session_id: str
    state_json: str
    step: Step
    rank: int
    touch: TouchRecord
    user_step: Step  # the step the customer wrote in
    user_text: str
    reply: StoredReply
    message_id: str | None
    now: dt.datetime
    lead: Lead | None
    enqueue_lead: bool
    referrer: tuple[str, str] | None
    redact: SlotValues | None  # contacts to remove from the session's messages


class StagingTx:
    """The part of a session transaction both backends share: state, touch and staging."""

    def __init__(
        self,
        session_id: str,
        state: ConversationState | None,
        touch: TouchRecord,
        message_count: int = 0,
    ):
        self.session_id = session_id
        self.state = state
        self.touch = touch
        self.message_count = message_count
        self.staged: StagedTurn | None = None

    async def save_turn(
        self,
        *,
        state: ConversationState,
        user_text: str,
        reply: StoredReply,
        now: dt.datetime,
        message_id: str | None = None,
        touch: Attribution | None = None,
        lead: Lead | None = None,
        enqueue_lead: bool = False,
        referrer: tuple[str, str] | None = None,
        redact: SlotValues | None = None,
    ) -> None:
        if self.staged is not None:
            raise RuntimeError("a session transaction holds exactly one turn")
        self.staged = StagedTurn(
            session_id=self.session_id,
            state_json=state.model_dump_json(),
            step=state.step,
            rank=STEP_RANK[state.step],
            touch=self.touch.recorded(touch),
            user_step=self.state.step if self.state else Step.tariff,
            user_text=user_text,
            reply=reply,
            message_id=message_id,
            now=utc(now),
            lead=lead,
            enqueue_lead=enqueue_lead,
            referrer=referrer,
            redact=redact,
        )
