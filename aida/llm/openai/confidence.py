"""When the offline brain's reading is good enough to spare the model call.

Confident means: the offline rules understood what the step asked for, or the message is a
clear command or question. The model is asked only about the rest (free phrasing, typos the
fuzzy matchers could not settle, long messages the rules read only in part).
"""

from __future__ import annotations

from aida.understanding.types import Expect, Intent, TurnContext, Understanding

# The slot each expected answer fills (an expect not listed is answered by yes/no or any slot).
_EXPECTED_FIELD: dict[Expect, str] = {
    "segment": "segment",
    "tariff": "tariff",
    "router": "router",
    "cctv": "cctv_cameras",
    "static_ip": "static_ip",
    "address": "address",
    "house": "address",
    "name": "name",
    "phone": "phone",
    "email": "email",
    "date": "date",
    "time": "time",
}
# Problems that are a verdict (a past date, an invalid phone): the step asks back precisely.
# These are doubts the model may settle instead.
_DOUBTS = frozenset({"ambiguous", "unknown_street", "no_street"})
_COMMANDS = frozenset({Intent.restart, Intent.handoff, Intent.cancel})
# Questions a bare "да"/"нет" answers. Elsewhere ("Какой тариф?" — "давайте самый быстрый")
# a yes read by the rules is likely a misreading.
_YES_NO_EXPECTS: frozenset[Expect] = frozenset(
    {
        "confirm",
        "change",
        "tech_check",
        "callback",
        "verify_address",
        "verify_name",
        "router",
        "cctv",
        "static_ip",
        "email",
        "referrer",
    }
)
# A greeting, a "спасибо" or a "да" is short; a longer message read as one was likely misread.
_SMALL_TALK_WORDS = 4
_YES_NO_WORDS = 6


def _answers(u: Understanding, expect: Expect) -> bool:
    if expect == "referrer":
        return bool(u.free_text)
    if expect == "email" and u.email_declined:
        return True
    field = _EXPECTED_FIELD.get(expect)
    if field is None:
        return u.slots.has_slots()
    if getattr(u.slots, field) is not None:
        return True
    # A definite verdict on the expected slot (invalid phone, past date) is an answer too.
    return any(p.slot in (field, expect) and p.code not in _DOUBTS for p in u.slots.problems)


def confident(u: Understanding, message: str, ctx: TurnContext) -> bool:
    if u.intent is Intent.unknown or u.slots.doubtful:
        return False
    if any(p.code in _DOUBTS for p in u.slots.problems):
        return False
    if u.intent in _COMMANDS:
        return True
    if u.intent in (Intent.yes, Intent.no) and not u.slots.has_slots():
        yes_no_asked = ctx.expect is None or ctx.expect in _YES_NO_EXPECTS
        return yes_no_asked and len(message.split()) <= _YES_NO_WORDS
    if u.intent is Intent.question:
        return bool(u.topics)
    if u.intent in (Intent.greeting, Intent.chitchat):
        return len(message.split()) <= _SMALL_TALK_WORDS and not u.slots.has_slots()
    if u.intent is Intent.correction:
        return u.slots.has_slots()
    # An answer: the expected slot must be among what was found.
    if ctx.expect is None:
        return u.slots.has_slots()
    return _answers(u, ctx.expect)
