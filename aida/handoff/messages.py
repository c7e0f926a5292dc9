"""What AIDA sends to amojo, as `new_message` payloads (pure; chat-api-reference).

The conversation id is the session's, so a manager's webhook names the session it answers.
A customer's message fills `sender` only; the assistant's (in the imported history) is the
channel bot's: `sender.ref_id` is the bot id, the customer is the `receiver`. amoCRM titles
the chat with the customer's name and matches the contact by phone and email when known, so
the chat lands on the contact AIDA's lead created instead of a new one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from pydantic import BaseModel

PREFIX = "aida-"
GUEST_NAME = "Посетитель сайта"
BOT_NAME = "Аида"


class Customer(BaseModel):
    session_id: str
    name: str | None = None
    phone: str | None = None  # E.164
    email: str | None = None


def conversation_id(session_id: str) -> str:
    return PREFIX + session_id


def session_of(conversation: str | None) -> str | None:
    """The session a webhook's `conversation.client_id` names; None when it is not ours."""
    if not conversation or not conversation.startswith(PREFIX):
        return None
    return conversation.removeprefix(PREFIX) or None


def msgid_for(session_id: str, key: str) -> str:
    """A stable message id: the same message queued again gets the same id, and amojo
    refuses a repeated one."""
    digest = hashlib.sha1(f"{session_id}\n{key}".encode()).hexdigest()[:24]
    return f"{PREFIX}{digest}"


def _person(customer: Customer) -> dict[str, Any]:
    person: dict[str, Any] = {"id": PREFIX + "c-" + customer.session_id,
                              "name": customer.name or GUEST_NAME}
    profile = {k: v for k, v in (("phone", customer.phone), ("email", customer.email)) if v}
    if profile:
        person["profile"] = profile
    return person


def _stamp(at: dt.datetime) -> dict[str, int]:
    return {"timestamp": int(at.timestamp()), "msec_timestamp": int(at.timestamp() * 1000)}


def customer_payload(customer: Customer, msgid: str, text: str, at: dt.datetime,
                     *, silent: bool = False) -> dict[str, Any]:
    return {
        **_stamp(at),
        "msgid": msgid,
        "conversation_id": conversation_id(customer.session_id),
        "sender": _person(customer),
        "message": {"type": "text", "text": text},
        "silent": silent,
    }


def bot_payload(customer: Customer, bot_id: str, msgid: str, text: str, at: dt.datetime,
                *, silent: bool = True) -> dict[str, Any]:
    return {
        **_stamp(at),
        "msgid": msgid,
        "conversation_id": conversation_id(customer.session_id),
        "sender": {"id": PREFIX + "bot", "name": BOT_NAME, "ref_id": bot_id},
        "receiver": _person(customer),
        "message": {"type": "text", "text": text},
        "silent": silent,
    }


def chat_payload(customer: Customer) -> dict[str, Any]:
    """A chat created ahead of its messages (no contact or lead is made for it), so it can be
    linked to the contact AIDA's lead already has in amoCRM."""
    return {"conversation_id": conversation_id(customer.session_id), "user": _person(customer)}
