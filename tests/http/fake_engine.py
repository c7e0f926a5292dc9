"""A small stand-in for the conversation engine, with the Engine's API.

Each message moves one step on until `confirm`; "да" there confirms a lead; a message after
`done` is taken as who recommended us. "boom" fails before any reply, "boom-late" after the
first piece of the reply, "slow" takes 50 ms.
"""

from __future__ import annotations

import asyncio
import datetime as dt

from aida.dialogue.types import DeltaSink, TurnResult
from aida.domain import STEP_ORDER, ChatMessage, ConversationState, Lead, Step


class FakeEngine:
    def __init__(self) -> None:
        self.calls = 0

    def new_state(self) -> ConversationState:
        return ConversationState()

    async def turn(
        self,
        state: ConversationState,
        text: str,
        *,
        now: dt.datetime,
        session_id: str,
        on_delta: DeltaSink | None = None,
    ) -> TurnResult:
        self.calls += 1
        if text == "boom":
            raise RuntimeError("engine failure")
        if text == "slow":
            await asyncio.sleep(0.05)
        state = state.model_copy(deep=True)
        state.history.append(ChatMessage(role="user", text=text))
        lead: Lead | None = None
        referrer: tuple[str, str] | None = None
        if state.step is Step.done:
            referrer = (state.lead_id, text) if state.lead_id else None
        elif state.step is Step.confirm:
            if text == "да":
                lead = Lead(
                    session_id=session_id, created_at=now, tariff="Премиум", phone="+79991234567",
                    consent_at=now, consent_version="sha256:test", consent_method="button",
                )
                state.lead_id = lead.id
                state.step = Step.done
        else:
            state.step = STEP_ORDER[STEP_ORDER.index(state.step) + 1]
        reply = f"Шаг {state.step.value}: {text}"
        if on_delta is not None:
            await on_delta(reply[:5])
            if text == "boom-late":
                raise RuntimeError("engine failure mid-reply")
            await on_delta(reply[5:])
        state.history.append(ChatMessage(role="assistant", text=reply))
        return TurnResult(
            state=state,
            reply=reply,
            suggestions=[f"Дальше после {state.step.value}"],
            lead=lead,
            referrer=referrer,
            events=["lead_confirmed"] if lead else [],
        )
