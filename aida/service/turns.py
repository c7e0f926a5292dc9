"""One customer message in, one reply out: the turn as one transaction, transport-free.

Used by the HTTP service (`/chat`, `/chat/stream`) and the terminal (`aida chat`). Under the
store's per-session lock it loads the session, replays the stored answer of a retried
`message_id`, runs the engine and saves state, both messages, attribution and any lead
together, so a failure anywhere leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from aida.dialogue.types import DeltaSink, TurnResult
from aida.domain import Attribution, ChatMessage, ConversationState, Lead, Step
from aida.ops.turns import record_turn
from aida.privacy import session_ref
from aida.store.base import SessionTx, Store, StoredReply, TouchRecord

log = logging.getLogger(__name__)

AttributionPolicy = Literal["first", "latest"]

# A lead's transcript (the CRM note) is the conversation's latest messages, at most this many.
TRANSCRIPT_MESSAGES = 200
# A session holds at most this many messages (both sides; 500 turns, far beyond any real
# conversation): a script talking to one session forever must not grow it forever.
SESSION_MESSAGES = 1000


class TurnEngine(Protocol):
    """What the service needs of `aida.dialogue.engine.Engine`."""

    def new_state(self) -> ConversationState: ...

    async def turn(
        self,
        state: ConversationState,
        text: str,
        *,
        now: dt.datetime,
        session_id: str,
        on_delta: DeltaSink | None = None,
    ) -> TurnResult: ...


class HandoffGate(Protocol):
    """What the service needs of the live handoff (`aida.handoff.desk.HandoffDesk`)."""

    async def owns(self, session_id: str) -> bool: ...

    async def relay(self, session_id: str, text: str, message_id: str | None,
                    state: ConversationState, now: dt.datetime) -> bool: ...

    async def begin(self, session_id: str, reason: str, state: ConversationState,
                    transcript: list[ChatMessage], now: dt.datetime,
                    contact_id: int | None = None) -> object: ...


# The policy's event asking for a manager now (during the managers' hours, with the chat
# channel configured); the reason follows the colon: customer, missed, question.
OPERATOR_EVENT = "operator_requested"


class TurnRefused(Exception):
    """The turn was not taken (nothing saved): `code` says why, `retry_after` (seconds) when
    it may succeed later."""

    def __init__(self, code: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.retry_after = code, message, retry_after


class TurnGate(Protocol):
    """Limits the transport applies to one sender (the HTTP service: per client address).
    Each raises `TurnRefused` to refuse; called inside the turn, so a refusal saves nothing."""

    async def new_session(self) -> None:
        """Before a conversation's first message is answered."""
        ...

    async def lead(self) -> None:
        """Before a confirmed lead is saved."""
        ...


class TurnOutcome(BaseModel):
    """What the customer gets back for one message (the `/chat` response body)."""

    reply: str
    suggestions: list[str] = Field(default_factory=list)
    step: Step
    session_id: str
    # True when this answer was stored earlier for the same message_id (a retry).
    replayed: bool = False
    events: list[str] = Field(default_factory=list)
    # "operator" while a manager owns the conversation (the reply is then empty, or the
    # assistant's word that a manager is joining).
    handoff: Literal["operator"] | None = None


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class TurnService:
    def __init__(
        self,
        engine: TurnEngine,
        store: Store,
        *,
        attribution: AttributionPolicy = "first",
        enqueue_leads: bool = False,
        clock: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        self.engine = engine
        self.store = store
        self._attribution = attribution
        self._enqueue_leads = enqueue_leads  # a CRM is configured: leads go to the outbox
        self._clock = clock
        self.handoff: HandoffGate | None = None  # the live handoff, when amojo is configured

    async def handle(
        self,
        session_id: str,
        text: str,
        message_id: str | None = None,
        touch: Attribution | None = None,
        on_delta: DeltaSink | None = None,
        gate: TurnGate | None = None,
    ) -> TurnOutcome:
        """Answer one message. `on_delta` receives the reply in pieces as it is worded (a
        replayed answer arrives as one piece); the turn is committed before this returns.
        Raises `TurnRefused` when `gate` refuses it or the session is full."""
        started = time.perf_counter()
        async with self.store.turn(session_id) as tx:
            if message_id is not None:
                stored = await tx.stored_reply(message_id)
                if stored is not None:
                    record_turn(
                        session_id=session_id,
                        step=stored.step,
                        seconds=time.perf_counter() - started,
                        replayed=True,
                    )
                    if on_delta is not None:
                        await on_delta(stored.reply)
                    return TurnOutcome(
                        reply=stored.reply,
                        suggestions=stored.suggestions,
                        step=stored.step,
                        session_id=session_id,
                        replayed=True,
                    )

            if tx.message_count + 2 > SESSION_MESSAGES:
                raise TurnRefused(
                    "session_full",
                    "Этот разговор стал слишком длинным. Пожалуйста, начните новый.",
                )
            now = self._clock()
            if (self.handoff is not None and tx.state is not None
                    and await self.handoff.owns(session_id)):
                # A manager owns the conversation: the message is theirs, the assistant waits.
                if tx.message_count + 1 > SESSION_MESSAGES:
                    raise TurnRefused(
                        "session_full",
                        "Этот разговор стал слишком длинным. Пожалуйста, начните новый.",
                    )
                await self.handoff.relay(session_id, text, message_id, tx.state, now)
                record_turn(session_id=session_id, step=tx.state.step,
                            seconds=time.perf_counter() - started, events=["to_operator"])
                return TurnOutcome(reply="", step=tx.state.step, session_id=session_id,
                                   events=["to_operator"], handoff="operator")
            new_session = tx.state is None
            if new_session and gate is not None:
                await gate.new_session()
            state = tx.state if tx.state is not None else self.engine.new_state()
            result = await self.engine.turn(
                state, text, now=now, session_id=session_id, on_delta=on_delta
            )
            lead = self._attributed(self._consented(result.lead), tx.touch.recorded(touch))
            if lead is not None:
                if gate is not None:
                    await gate.lead()
                earlier = await tx.transcript(TRANSCRIPT_MESSAGES - 2)
                lead = lead.model_copy(
                    update={"transcript": _transcript(earlier, text, result, now)}
                )
            step = result.state.step
            await tx.save_turn(
                state=result.state,
                user_text=text,
                reply=StoredReply(reply=result.reply, suggestions=result.suggestions, step=step),
                now=now,
                message_id=message_id,
                touch=touch,
                lead=lead,
                enqueue_lead=self._enqueue_leads,
                referrer=result.referrer,
                redact=result.forget_contacts,
            )
            handoff = await self._begin_handoff(tx, session_id, text, result, now)
        if lead is not None:
            log.info(
                "lead confirmed session=%s lead=%s kind=%s",
                session_ref(session_id),
                lead.id,
                lead.kind,
            )
        record_turn(
            session_id=session_id,
            step=step,
            seconds=time.perf_counter() - started,
            events=result.events,
            new_session=new_session,
            lead=lead,
        )
        return TurnOutcome(
            reply=result.reply,
            suggestions=result.suggestions,
            step=step,
            session_id=session_id,
            events=result.events,
            handoff=handoff,
        )

    @staticmethod
    def _consented(lead: Lead | None) -> Lead | None:
        """The last guard of the rule: no lead exists without recorded consent (152-FZ)."""
        if lead is not None and lead.consent_at is None:
            log.error("lead without consent dropped session=%s lead=%s",
                      session_ref(lead.session_id), lead.id)
            return None
        return lead

    async def _begin_handoff(
        self, tx: SessionTx, session_id: str, text: str, result: TurnResult, now: dt.datetime
    ) -> Literal["operator"] | None:
        """Hand the conversation to a manager when the policy asked for one: after the turn
        is staged (the inbox gets the assistant's "a manager is joining" too), under the
        session's lock, so the customer's next message already goes to the manager."""
        asked = next((e for e in result.events if e.startswith(OPERATOR_EVENT)), None)
        if self.handoff is None or asked is None:
            return None
        reason = asked.partition(":")[2] or "customer"
        earlier = await tx.transcript(TRANSCRIPT_MESSAGES - 2)
        # The contact of a lead already in the CRM: the manager's chat is linked to it.
        leads = await self.store.leads(session_id=session_id)
        contact = next((r.crm_contact_id for r in leads if r.crm_contact_id), None)
        await self.handoff.begin(session_id, reason, result.state,
                                 _transcript(earlier, text, result, now), now,
                                 contact_id=contact)
        return "operator"

    def _attributed(self, lead: Lead | None, touch: TouchRecord) -> Lead | None:
        """The lead with the session's attribution (the seed's auto-injection)."""
        if lead is None:
            return None
        chosen = touch.first if self._attribution == "first" else touch.latest
        if chosen.is_empty():
            chosen = touch.latest if self._attribution == "first" else touch.first
        if chosen.is_empty():
            return lead
        return lead.model_copy(update={"attribution": chosen})


def _transcript(
    earlier: list[ChatMessage], text: str, result: TurnResult, now: dt.datetime
) -> list[ChatMessage]:
    """The conversation for the CRM note (the state keeps only recent messages): the stored
    messages and this turn's two."""
    return [
        *earlier,
        ChatMessage(role="user", text=text, at=now),
        ChatMessage(role="assistant", text=result.reply, suggestions=result.suggestions, at=now),
    ]
