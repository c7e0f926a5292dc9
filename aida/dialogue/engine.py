"""One customer message in, one reply out: brain (validated reading) → policy (the machine)
→ wording.

The engine holds no conversation state: the caller loads a `ConversationState`, and stores
the one returned in `TurnResult` (with the lead, if one was confirmed) in one transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from aida.catalog import Catalog
from aida.dialogue.policy import decide, resume
from aida.dialogue.types import DeltaSink, TurnResult
from aida.domain import ChatMessage, ConversationState
from aida.masking import redact
from aida.steps import Env
from aida.understanding.brain import Brain
from aida.understanding.questions import answer_space
from aida.understanding.types import TurnContext, Understanding

log = logging.getLogger(__name__)
# Recent messages kept in the state: a brain's context (the last two exchanges, who said
# what). The whole conversation, buttons included, is in the store's messages table (the
# service takes the CRM note's transcript from there), so a turn re-reads and re-writes only
# these, not the conversation.
HISTORY_LIMIT = CONTEXT_MESSAGES = 4


class Engine:
    """`brain` reads and words; `fallback` (the offline brain, given by the factory) does
    both when `brain` raises, so a turn never fails for want of understanding. A brain
    returns readings already validated against the catalog."""

    def __init__(self, catalog: Catalog, brain: Brain, tz: ZoneInfo, *,
                 fallback: Brain | None = None, live_handoff: bool = False):
        self.catalog = catalog
        self.brain = brain
        self.tz = tz
        self.live_handoff = live_handoff  # a manager can take the chat over (amojo)
        self.offline = fallback or brain

    def new_state(self) -> ConversationState:
        return ConversationState()

    def resume_text(self, state: ConversationState, reason: str) -> tuple[str, list[str]]:
        """What the assistant says when a manager's chat comes back to it: the onboarding
        goes on where it was, with the step's question and buttons."""
        return resume(state, Env(self.catalog, dt.datetime.now(self.tz)), reason)

    def context(self, state: ConversationState, now: dt.datetime,
                session_id: str | None = None) -> TurnContext:
        return TurnContext(
            session_id=session_id,
            step=state.step,
            expect=answer_space(state.pending, state.choices),
            slots=state.slots,
            now=now.astimezone(self.tz),
            catalog=self.catalog,
            history=state.history[-CONTEXT_MESSAGES:],
            began=state.began or (state.history[0].at if state.history else None),
            city=None if state.partial_street else state.partial_city,
        )

    async def _understand(self, text: str, ctx: TurnContext) -> Understanding:
        try:
            u = await self.brain.understand(text, ctx)
        except Exception:
            log.exception("brain %s failed to understand; using the offline brain", self.brain.name)
            u = await self.offline.understand(text, ctx)
        return u

    async def turn(self, state: ConversationState, text: str, *, now: dt.datetime,
                   session_id: str, on_delta: DeltaSink | None = None) -> TurnResult:
        """`now` is aware (any zone); relative dates are read in the provider's zone."""
        ctx = self.context(state, now, session_id)
        u = await self._understand(text, ctx)
        env = Env(self.catalog, ctx.now, live_handoff=self.live_handoff)
        decision = decide(state, u, env, session_id=session_id, now=now)
        conv = decision.conv

        word_ctx = ctx.model_copy(update={"step": conv.step, "slots": conv.slots})
        try:
            reply = await self.brain.word(decision.draft, word_ctx, on_delta=on_delta)
        except Exception:
            log.exception("brain %s failed to word a reply; using the template", self.brain.name)
            reply = await self.offline.word(decision.draft, word_ctx, on_delta=on_delta)
        if not reply.strip():
            reply = decision.draft.text()

        conv.history = [
            *conv.history,
            ChatMessage(role="user", text=text, at=now),
            ChatMessage(role="assistant", text=reply, at=now),
        ][-HISTORY_LIMIT:]
        conv.began = conv.began or conv.history[0].at
        if decision.forget_contacts is not None:
            gone = decision.forget_contacts
            conv.history = [m.model_copy(update={"text": redact(m.text, gone)})
                            for m in conv.history]
        if decision.lead is not None:
            decision.lead.transcript = list(conv.history)
        return TurnResult(state=conv, reply=reply, suggestions=decision.draft.suggestions,
                          lead=decision.lead, referrer=decision.referrer,
                          events=[f"intent:{u.intent.value}", *decision.events],
                          forget_contacts=decision.forget_contacts)
