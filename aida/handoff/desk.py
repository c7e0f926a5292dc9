"""The handoff's rules, between the turn service, the webhook and the relay.

- `begin`: a manager is asked for; the conversation so far is queued for amoCRM's inbox,
  silently but for its last message, so the manager gets one notification with the context.
- `relay`: while a manager owns the conversation, the customer's messages are stored and
  queued for the manager, and the assistant stays silent.
- `from_manager`: a manager's message (a verified webhook) is stored once per `msgid`, then
  the customer's stream is woken. A command (`/bot`) hands the conversation back.
- `close`: the manager handed back, or the chat fell silent (`sweep`): the page is told the
  manager left and the assistant offers to go on, every slot kept.

amoCRM's Chats API sends no event when a manager closes a conversation in the inbox (its
webhooks carry messages only), so the hand-back is a command the manager sends, or silence.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from aida.dialogue.operator import comeback
from aida.domain import ChatMessage, ConversationState, Step
from aida.handoff.bus import Bus
from aida.handoff.messages import (
    Customer,
    bot_payload,
    chat_payload,
    customer_payload,
    msgid_for,
)
from aida.handoff.metrics import record_handoff
from aida.handoff.store import Handoff, HandoffEvent, HandoffStore
from aida.privacy import session_ref

log = logging.getLogger("aida.handoff")

# What a manager sends to give the conversation back to the assistant.
CLOSE_COMMANDS = frozenset({"/bot", "/close", "#бот"})
# The assistant's words when it comes back: (text, suggestions) for the conversation's state
# and why the chat came back ("manager": handed back; "silence").
Resume = Callable[[ConversationState, str], tuple[str, list[str]]]


def default_resume(state: ConversationState, reason: str) -> tuple[str, list[str]]:
    return comeback(state.step is Step.done, reason), ["Продолжить"]


def customer_of(session_id: str, state: ConversationState | None) -> Customer:
    slots = state.slots if state is not None else None
    return Customer(session_id=session_id, name=slots.name if slots else None,
                    phone=slots.phone if slots else None, email=slots.email if slots else None)


class HandoffDesk:
    def __init__(self, store: HandoffStore, bus: Bus, *, bot_id: str,
                 resume: Resume = default_resume) -> None:
        self.store = store
        self.bus = bus
        self._bot_id = bot_id
        self._resume = resume

    async def owns(self, session_id: str) -> bool:
        """True while a manager owns the conversation (the assistant stays silent)."""
        return await self.store.active(session_id) is not None

    async def begin(self, session_id: str, reason: str, state: ConversationState,
                    transcript: list[ChatMessage], now: dt.datetime,
                    contact_id: int | None = None) -> Handoff:
        """`contact_id`: the amoCRM contact of this customer's lead, when it is delivered:
        the chat is created first and linked to it, so amoCRM makes no second contact or
        lead for the chat (the documented "link a new chat to an existing contact")."""
        customer = customer_of(session_id, state)
        imports: list[tuple[str, dict[str, Any]]] = []
        if contact_id is not None:
            imports.append((msgid_for(session_id, f"chat:{contact_id}"),
                            {"kind": "chat", "chat": chat_payload(customer),
                             "contact_id": contact_id}))
        for i, m in enumerate(transcript):
            last = i == len(transcript) - 1
            at = m.at or now
            key = f"import:{i}:{at.isoformat()}:{m.role}"
            msgid = msgid_for(session_id, key)
            if m.role == "user":
                payload = customer_payload(customer, msgid, m.text, at, silent=not last)
            else:
                payload = bot_payload(customer, self._bot_id, msgid, m.text, at,
                                      silent=not last)
            imports.append((msgid, payload))
        handoff = await self.store.start(session_id, reason, now, imports)
        record_handoff("started", reason)
        log.info("handoff.start session=%s reason=%s", session_ref(session_id), reason,
                 extra={"event": "handoff.start"})
        return handoff

    async def relay(self, session_id: str, text: str, message_id: str | None,
                    state: ConversationState, now: dt.datetime) -> bool:
        customer = customer_of(session_id, state)
        msgid = msgid_for(session_id, f"msg:{message_id}" if message_id
                          else f"at:{now.isoformat()}:{text}")
        return await self.store.customer_message(
            session_id, text, state.step.value, message_id, now, msgid,
            customer_payload(customer, msgid, text, now))

    def is_command(self, text: str) -> bool:
        """A manager's command handing the chat back (not shown to the customer)."""
        return text.strip().lower() in CLOSE_COMMANDS

    async def from_manager(self, session_id: str, msgid: str, name: str, text: str,
                           now: dt.datetime) -> bool:
        """Store a manager's message and wake the customer's stream; False when the
        conversation is unknown here (long expired, or not AIDA's)."""
        if not await self.store.has_session(session_id):
            return False
        events = await self.store.operator_message(session_id, msgid, name, text, now)
        await self._push(session_id, events)
        if any(e.kind == "status" for e in events):
            record_handoff("answered", "manager")
        return True

    async def close(self, session_id: str, now: dt.datetime, reason: str,
                    state: ConversationState | None) -> bool:
        resume = None
        if state is not None:
            text, suggestions = self._resume(state, reason)
            resume = (text, suggestions, state.step.value)
        events = await self.store.close(session_id, now, reason, resume)
        if events:
            record_handoff("closed", reason)
            log.info("handoff.close session=%s reason=%s", session_ref(session_id), reason,
                     extra={"event": "handoff.close"})
        await self._push(session_id, events)
        return bool(events)

    async def _push(self, session_id: str, events: list[HandoffEvent]) -> None:
        if events:
            await self.bus.publish(session_id)
