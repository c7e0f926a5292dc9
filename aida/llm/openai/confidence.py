"""When the offline brain's reading is good enough to spare the model call.

Confident means: the offline rules understood what the step asked for, or the message is a
clear command or question. The model is asked only about the rest (free phrasing, typos the
fuzzy matchers could not settle, long messages the rules read only in part).
"""

from __future__ import annotations

import re

from aida.understanding.questions import AnswerSpace
from aida.understanding.types import Intent, TurnContext, Understanding

# Problems that are a verdict (a past date, an invalid phone): the step asks back precisely.
# These are doubts the model may settle instead.
_DOUBTS = frozenset({"ambiguous", "unknown_street", "no_street"})
_COMMANDS = frozenset({Intent.restart, Intent.handoff, Intent.cancel})
_ANSWERING = frozenset({Intent.unknown, Intent.answer, Intent.yes, Intent.no})
# A greeting, a "спасибо" or a "да" is short; a longer message read as one was likely misread.
_SMALL_TALK_WORDS = 4
_YES_NO_WORDS = 6
# A longer yes or no that says so in its first word («Да, нужен, хочу к камерам снаружи…»,
# «Нет. Я не согласна…») is as clear as a short one.
_OPENS_YES_NO = re.compile(r"^\W*(да|нет|неа|не-а|ага|конечно)(?![\w-])", re.IGNORECASE)


def _answers(u: Understanding, space: AnswerSpace) -> bool:
    if space.free_text:
        return bool(u.free_text) or u.skip
    if space.key == "email" and u.email_declined:
        return True
    if u.choice is not None:
        return True  # a button of the question, or its words
    field = space.slot
    if field is None:
        return u.slots.has_slots()
    if getattr(u.slots, field) is not None:
        return True
    # A definite verdict on the expected slot (invalid phone, past date) is an answer too.
    return any(p.slot in (field, space.key) and p.code not in _DOUBTS for p in u.slots.problems)


def _in_space(u: Understanding, space: AnswerSpace) -> bool:
    if space.free_text:
        return bool(u.free_text) or u.skip
    return u.choice is not None or (
        space.slot is not None and getattr(u.slots, space.slot) is not None)


def confident(u: Understanding, message: str, ctx: TurnContext) -> bool:
    space = ctx.expect
    if u.slots.doubtful or any(p.code in _DOUBTS for p in u.slots.problems):
        return False
    if u.intent in _COMMANDS:
        return True
    # An answer in the question's own answer space (a button, its words, free words where
    # words are wanted) needs no model, whatever yes or no it also holds: «неа не помню» to
    # «who recommended us», «другого адреса нет, давайте проверку» to the coverage offer.
    if space is not None and u.intent in _ANSWERING and _in_space(u, space):
        return True
    if u.intent is Intent.unknown:
        return False
    if space is not None and space.key == "email" and u.email_declined:
        return True  # «у меня нет электронной почты, это у внука только»
    if u.intent in (Intent.yes, Intent.no) and not u.slots.has_slots():
        # Elsewhere ("Какой тариф?" — "давайте самый быстрый") a yes read by the rules is
        # likely a misreading. Consent is read in so many words whatever the length; a long
        # yes to the summary, which makes the request, is still checked.
        yes_no_asked = space is None or space.yes_no
        key = space.key if space is not None else None
        clear = (len(message.split()) <= _YES_NO_WORDS or key == "consent"
                 or (key != "confirm" and _OPENS_YES_NO.match(message) is not None))
        return yes_no_asked and clear
    if u.intent is Intent.question:
        return bool(u.topics)
    if u.intent in (Intent.greeting, Intent.chitchat):
        return len(message.split()) <= _SMALL_TALK_WORDS and not u.slots.has_slots()
    if u.intent is Intent.correction:
        return u.slots.has_slots()
    # An answer: the expected slot must be among what was found.
    if space is None:
        return u.slots.has_slots()
    return _answers(u, space)
