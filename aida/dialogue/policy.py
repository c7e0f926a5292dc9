"""One turn's decision, in pure code: apply what the customer said, move the machine, and draft
the reply. No I/O and no brain calls here, so every rule is testable on plain data.

Order of a turn: the repairs (`aida.dialogue.repairs`: restart, a human, stop, a change, a
question, …) → every step accepts its own slots (so early and corrected slots are kept
wherever the conversation is) → the machine confirms or settles on the right step → the
reply: acknowledgements, answers to questions, then the one question that moves the
conversation on. Only the brain's `Understanding` is read, never the raw message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from aida.dialogue import repairs
from aida.dialogue.operator import ask_operator, comeback
from aida.dialogue.repairs import REFERRER_SUGGESTIONS, REFERRER_VALUES, greeting
from aida.dialogue.turn import OPERATOR, Decision, Turn
from aida.domain import ConversationState, Step
from aida.fsm import flow_for
from aida.replies.format import date_label
from aida.steps import FLOW_STEPS, STEPS, Ask, Env, Message, Note, consent
from aida.steps.confirm import make_lead
from aida.understanding.types import Intent, Understanding

__all__ = ["OPERATOR", "Decision", "decide", "greeting", "resume"]


def resume(conv: ConversationState, env: Env, reason: str) -> tuple[str, list[str]]:
    """The assistant's words when a manager's chat comes back to it: it goes on where the
    onboarding was, every slot kept (the step's question and buttons)."""
    if conv.step is Step.done:
        return comeback(True, reason), [repairs.RESTART]
    ask = STEPS[conv.step].ask(conv, env)
    return comeback(False, reason) + " " + ask.text, list(ask.suggestions)


def decide(conv_in: ConversationState, u: Understanding, env: Env,
           *, session_id: str, now: dt.datetime) -> Decision:
    """Decide one turn. `u` has been validated against the catalog already."""
    # Steps change only the slots in place (their values are immutable: str, date, frozen
    # Address), and the history is only ever replaced, so a shallow copy of both suffices;
    # the caller's state stays as it was.
    conv = conv_in.model_copy()
    conv.slots = conv_in.slots.model_copy()
    turn = Turn(conv, u, env, session_id, now, pending=conv.pending, offer=conv.offer,
                first=not conv_in.history)
    conv.offer = None  # an offer holds for the one answer right after it
    return repairs.run(turn) or _onboarding(turn)


def _onboarding(t: Turn) -> Decision:
    conv, env = t.conv, t.env
    before = conv.slots.model_copy()
    step_before = conv.step
    msg = Message(t.u, t.pending)
    notes: list[Note] = list(t.notes)
    for step in FLOW_STEPS:
        notes.extend(STEPS[step].accept(conv, msg, env))
    changed = conv.slots != before or conv.partial_street is not None

    yes_to_summary = (step_before is Step.confirm and t.pending == "confirm"
                      and t.u.intent is Intent.yes and not changed
                      and not any(n.ask for n in notes))
    with flow_for(conv, env, yes_to_summary=yes_to_summary) as flow:
        if not (yes_to_summary and flow.trigger("confirm")):
            flow.settle()
        t.events.extend(f"move:{m}" for m in flow.moves)

    if conv.step is Step.done:
        return _confirmed(t)

    t.parts.extend(n.text for n in notes if n.text and n.ask is None)
    answers = [part for later in t.later for part in later(t)]
    if "unanswered_question" in t.events and ask_operator(env, "question") is not None:
        conv.misunderstood = 0
        return repairs.operator(t, "question")  # outside the catalog: a manager answers
    ask = _reask(t, notes) or t.step_ask()
    said = " ".join(t.parts + [ask.text]).lower()
    t.parts.extend(a for a in answers if a.lower().rstrip(".") not in said)

    understood = (changed or bool(notes) or bool(answers) or bool(flow.moves)
                  or bool(t.u.slots.found())  # a value said again is understood, not a miss
                  or t.u.intent in (Intent.greeting, Intent.chitchat))
    if understood:
        conv.misunderstood = 0
        if t.u.intent is Intent.chitchat and t.u.thanks:
            t.parts.append("Пожалуйста!")
        if ask.expect == "consent" == t.pending and ask.again:
            # Contacts or a date typed instead of an answer: the same words would go unread;
            # contacts read back in the question before are not read back once more.
            told = (before.name, before.phone)
            read_back = any(told) and told == (conv.slots.name, conv.slots.phone)
            ask = consent.still_missing(env) if read_back else replace(ask, text=ask.again)
    elif t.offer in repairs.CALLBACK_OFFERS and not conv.slots.phone and not conv.misunderstood:
        # Not understood right after a call back was offered: the offer stands.
        conv.misunderstood += 1
        t.events.append("not_understood")
        t.parts.append("Не совсем поняла вас.")
        return repairs.offer_callback(t, t.offer)
    elif (conv.misunderstood >= 1 and ask_operator(env, "missed") is not None
          or conv.misunderstood >= MISSES_BEFORE_HELP):
        # missed twice with the live chat (a manager, or when they are back); without it, a
        # third miss gets the support contacts and a call back, not the same hint again
        conv.misunderstood = 0
        return repairs.operator(t, "missed")
    else:
        ask = _not_understood(t, ask)
    return t.reply(ask)


MISSES_BEFORE_HELP = 2


def _reask(t: Turn, notes: list[Note]) -> Ask | None:
    """A precise re-ask from a step the conversation has reached, if any."""
    order = list(Step)
    here = order.index(t.conv.step)
    for note in notes:
        if note.ask is not None and order.index(note.step) <= here:
            return note.ask
    return None


def _not_understood(t: Turn, ask: Ask) -> Ask:
    """The question once more, never a third time in the same words: first in its second
    wording, then only a hint to the buttons and the operator (offered from then on)."""
    t.conv.misunderstood += 1
    t.events.append("not_understood")
    if t.conv.misunderstood == 1:
        t.parts.append("Не совсем поняла вас.")
        return replace(ask, text=ask.again) if ask.again else ask
    t.parts.append("Извините, не получается разобрать ответ.")
    hint = ("Выберите, пожалуйста, вариант кнопкой ниже или позовите оператора — он поможет."
            if ask.suggestions else
            "Попробуйте, пожалуйста, написать иначе или позовите оператора — кнопка ниже.")
    return replace(ask, text=hint)


def _confirmed(t: Turn) -> Decision:
    conv, env = t.conv, t.env
    t.lead = make_lead(conv, env, t.session_id, t.now)
    conv.lead_id = t.lead.id
    t.events.append("lead_confirmed")
    slots = conv.slots
    assert slots.date is not None
    when = f"{date_label(slots.date, env.today)}, {slots.time}"
    if slots.tech_check:
        t.parts.append(f"Спасибо, {slots.name}! Заявка на техническую проверку адреса "
                       f"принята: мастер приедет {when} и уточнит, можно ли подключиться.")
    else:
        t.parts.append(f"Спасибо, {slots.name}! Заявка принята: мастер приедет {when}. "
                       "Менеджер позвонит накануне, чтобы подтвердить визит.")
    t.parts.append("Подскажите, пожалуйста, как вы о нас узнали или кто вам нас "
                   "порекомендовал?")
    conv.referrer_asked = True
    t.expect("referrer", REFERRER_VALUES, REFERRER_SUGGESTIONS)
    return t.decision(REFERRER_SUGGESTIONS)
