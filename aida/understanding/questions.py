"""Every question the assistant asks, with its answer space: the slot it asks for, whether a
bare yes/no answers it, whether any words do, and the buttons offered with it.

A brain reads a message against the pending question's answer space first (a short «парочку»
to the cameras question, «ага» to a yes/no one, a button's text) and extracts other slots
second, as a form reads the field it asked for. A new question is one entry in `QUESTIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from aida.domain import Choice

# Values of a choice that are a reply, not a slot value ("Пропустить" is "skip").
YES, NO, SKIP, CHANGE, CONTINUE = "yes", "no", "skip", "change", "continue"
TECH_CHECK, OTHER_ADDRESS, NO_FLAT = "tech_check", "other_address", "no_flat"
AGREE = "agree"  # the consent button: a yes given by pressing it, recorded as such
# «всё так» to contacts read back in the consent question: they are right; consent is not given
CONTACTS_RIGHT = "contacts_right"
REPLY_WORDS = frozenset({YES, NO, SKIP, CHANGE, CONTINUE, TECH_CHECK, OTHER_ADDRESS, NO_FLAT,
                         AGREE, CONTACTS_RIGHT})


@dataclass(frozen=True)
class Question:
    """What answers a question: `slot` is the slot it asks for (a bare value such as «2»,
    «ольга» or «к 10» then counts as that slot); `yes_no`: a bare yes or no answers it;
    `free_text`: any words answer it and are kept as they are."""

    slot: str | None = None
    yes_no: bool = False
    free_text: bool = False


QUESTIONS: dict[str, Question] = {
    "segment": Question("segment"),
    "tariff": Question("tariff"),
    "router": Question("router", yes_no=True),
    "cctv": Question("cctv_cameras", yes_no=True),
    "static_ip": Question("static_ip", yes_no=True),
    "tech_check": Question(yes_no=True),  # outside coverage: a check, or another address
    "address": Question("address"),
    "house": Question("address"),  # the street is known, its house number is asked
    "flat": Question("address", yes_no=True),  # the house is known, its flat is asked
    "flat_split": Question(yes_no=True),  # «7/18»: house 7, flat 18?
    "name": Question("name"),
    "phone": Question("phone"),
    "email": Question("email", yes_no=True),
    "date": Question("date"),
    "time": Question("time"),
    "confirm": Question(yes_no=True),  # the summary
    "change": Question(),  # «Что нужно изменить?»: names a slot
    "verify_address": Question(yes_no=True),  # «Правильно понимаю: <address>?»
    "verify_name": Question(yes_no=True),
    "verify_date": Question(yes_no=True),
    "referrer": Question(free_text=True),  # who recommended us, after the lead
    "callback": Question(yes_no=True),  # «оператор перезвонит вам по номеру …?»
    "consent": Question(yes_no=True),  # personal-data processing (152-FZ), before contacts
}


class AnswerSpace(BaseModel):
    """The pending question as a brain sees it: what may answer it."""

    key: str  # a `QUESTIONS` key
    slot: str | None = None
    yes_no: bool = False
    free_text: bool = False
    choices: list[Choice] = Field(default_factory=list)

    def picked(self, value: Any) -> bool:
        return any(c.value == value for c in self.choices)


def answer_space(key: str | None, choices: list[Choice] | None = None) -> AnswerSpace | None:
    """The answer space of question `key` with the buttons offered; None for no question
    (or one this version does not know, as in a state stored by a later one)."""
    question = QUESTIONS.get(key or "")
    if key is None or question is None:
        return None
    return AnswerSpace(key=key, slot=question.slot, yes_no=question.yes_no,
                       free_text=question.free_text, choices=list(choices or []))
