"""Asking for a person, in pure code: what the assistant says and whether a manager takes over.

A manager is asked for when the customer asks for a person, when the assistant has missed
twice, or when a question is outside what the catalog answers. With the live chat configured
(`Env.live_handoff`) and managers at work (catalog `operator_hours`), the assistant says a
manager is joining and the turn carries the event `operator_requested:<reason>`: the service
then hands the conversation over. Outside the hours it says when managers are back and offers a
callback. Without the live chat it gives the support contacts and offers a callback, as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from aida.replies.format import date_label
from aida.steps import Env

Reason = Literal["customer", "missed", "question"]
OPERATOR_EVENT = "operator_requested"

_OPENERS: dict[Reason, str] = {
    "customer": "",
    "missed": "Похоже, я вас не совсем понимаю. ",
    "question": "На этот вопрос лучше ответит менеджер. ",
}


@dataclass
class OperatorTurn:
    """What to say; `live` when a manager takes the conversation now."""

    parts: list[str]
    live: bool
    events: list[str] = field(default_factory=list)


def opener(reason: Reason) -> str:
    """What comes before a person is offered, by why one is offered."""
    return _OPENERS[reason]


def managers_at_work(env: Env) -> bool | None:
    """True/False when the live chat is on (by the hours; no hours: always); None when off."""
    if not env.live_handoff:
        return None
    hours = env.catalog.operator_hours
    return True if hours is None else hours.is_open(env.now)


def _when_back(env: Env) -> str:
    hours = env.catalog.operator_hours
    if hours is None:
        return ""
    back = hours.next_open(env.now)
    text = f"Менеджеры отвечают в чате {hours.label()}"
    if back is None:
        return text + "."
    when = date_label(back.date(), env.today).split(" (")[0]
    return f"{text}; ближайшее время — {when} с {back:%H:%M}."


def ask_operator(env: Env, reason: Reason) -> OperatorTurn | None:
    """The live handoff's answer, or None when the live chat is not configured (the caller
    then gives the support contacts and offers a callback, as without it)."""
    at_work = managers_at_work(env)
    if at_work is None:
        return None
    if at_work:
        return OperatorTurn(
            parts=[_OPENERS[reason] + "Подключаю менеджера: он ответит здесь, в этом чате, "
                   "обычно за несколько минут. Всё, что вы уже выбрали, сохранено."],
            live=True,
            events=["handoff", f"{OPERATOR_EVENT}:{reason}"],
        )
    return OperatorTurn(parts=[_OPENERS[reason] + "Сейчас менеджеры не в сети. "
                               + _when_back(env)], live=False, events=["handoff_after_hours"])


def comeback(step_done: bool, reason: str) -> str:
    """The assistant's first words when the chat comes back to it."""
    said = ("Менеджер завершил разговор." if reason == "manager"
            else "Менеджер сейчас не на связи, продолжу я.")
    if step_done:
        return said + " Если появятся вопросы — пишите, я на связи."
    return said + " Продолжим оформление заявки — всё, что вы выбрали, сохранено."
