"""What a brain returns (slots, intent) and what it is given (the turn's context, a reply draft).

Both brains (offline rules, LLM) produce these models; `aida.nlu.validate` checks every value
against the catalog before the machine sees it.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, field_validator

from aida.catalog import Catalog
from aida.domain import EXTRACT_KEYS, Address, ChatMessage, Slots, SlotValues, Step
from aida.understanding.questions import AnswerSpace, answer_space

# A question's key (`aida.understanding.questions.QUESTIONS`): lets a bare "2", "ольга" or
# "нет" be read in context.
Expect = str


class Problem(BaseModel):
    """Something recognised but unusable as is; the step asks back precisely.

    `slot` is a slot name (phone, email, address, date, time, tariff, ...); `code` one of:
    invalid, foreign (phone outside Russia), past, too_far, outside_hours, no_house, no_street,
    city_only (one of our cities named without a street: remembered for the address), unknown_street,
    ambiguous, not_in_catalog. `options` lists candidates for `ambiguous`.
    """

    slot: str
    code: str
    value: str | None = None
    options: list[str] = Field(default_factory=list)


class Extraction(SlotValues):
    """Slots found in one message; a field is None when the message does not mention it."""

    problems: list[Problem] = Field(default_factory=list)
    # Slots understood with doubt (e.g. a fuzzy street match): confirmed, not assumed.
    doubtful: list[str] = Field(default_factory=list)

    def found(self) -> dict[str, Any]:
        """The contract's `aida extract` object: only the slots found, JSON-ready."""
        out: dict[str, Any] = {}
        for key in EXTRACT_KEYS:
            value = getattr(self, key)
            if value is None:
                continue
            if isinstance(value, Address):
                value = value.model_dump()
            elif isinstance(value, dt.date):
                value = value.isoformat()
            out[key] = value
        return out

    def has_slots(self) -> bool:
        return bool(self.found()) or self.segment is not None

    def tells_news(self, known: SlotValues) -> bool:
        """Slots that say something: not only the known segment again («счёт на юрлицо
        выставляете?» in an office order is a question, not an answer)."""
        return bool(self.found()) or self.segment not in (None, known.segment)


# What a question may be about (`Understanding.topics`), answered from the catalog's data
# (aida.dialogue.answers and .advice). Besides these: a catalog FAQ's topic, "need:<topic>"
# for a catalog need («что взять для игр»), "tariff:<name>" for one tariff.
BUILTIN_TOPICS: tuple[str, ...] = (
    "tariffs", "tariffs_home", "tariffs_office", "router", "cctv", "static_ip", "total",
    "coverage", "hours", "support",
    # a consultant's advice
    "cheapest", "fastest", "compare", "connection_fee", "visit_soon", "phone_required",
    # «а это зачем?» about the question just asked: why it is asked
    "asked",
)


def catalog_topics(catalog: Catalog) -> list[str]:
    """Every topic a question may be about with this catalog (but `tariff:<name>`)."""
    return [*BUILTIN_TOPICS, *(f.topic for f in catalog.faq),
            *(f"need:{n.topic}" for n in catalog.needs)]


class Intent(StrEnum):
    answer = "answer"  # gives information (slots) or simply replies to the question asked
    yes = "yes"
    no = "no"
    question = "question"  # asks something; `topics` says what
    correction = "correction"  # changes a slot already given
    restart = "restart"
    handoff = "handoff"  # wants a human
    cancel = "cancel"  # does not want to go on
    greeting = "greeting"
    support = "support"  # an existing subscriber: a fault, a payment, the balance, leaving
    chitchat = "chitchat"
    unknown = "unknown"


class Understanding(BaseModel):
    """A brain's reading of one customer message in the context of the step."""

    intent: Intent = Intent.unknown
    slots: Extraction = Field(default_factory=Extraction)
    # What a question asks about: `catalog_topics` (the built-in ones, a catalog FAQ's topic,
    # "need:<topic>"), or "tariff:<name>".
    topics: list[str] = Field(default_factory=list)
    email_declined: bool = False
    # Slots the customer wants to change without giving the new value yet ("телефон не тот",
    # or "адрес" after «Изменить»): they are forgotten and asked again.
    reset: list[str] = Field(default_factory=list)
    # Free text kept as is where the question wants words, not slots (who recommended us).
    free_text: str | None = None
    # A reply word of the pending question's answer space that is not a slot value nor a
    # yes/no: "tech_check", "other_address", "continue" (see `questions.REPLY_WORDS`).
    choice: str | None = None
    # «Изменить», «не всё верно»: wants to change something, maybe not named yet.
    wants_change: bool = False
    skip: bool = False  # «Пропустить», «не скажу»: declines to answer
    thanks: bool = False  # «спасибо»
    greets: bool = False  # opens with a greeting («добрый день, …»)
    # «доп услуги не нужны», «ничего больше не надо» where extras are offered: declines the
    # rest of them (not the order).
    no_more: bool = False
    # A house number (and flat) given alone, answering «Уточните номер дома».
    house: str | None = None
    flat: str | None = None


class TurnContext(BaseModel):
    """What a brain may know when reading a message or wording a reply."""

    model_config = {"arbitrary_types_allowed": True}

    step: Step
    # The pending question's answer space; a question key alone is accepted (no buttons).
    expect: AnswerSpace | None
    slots: Slots
    now: dt.datetime  # aware, in AIDA_TIMEZONE
    catalog: Catalog
    history: list[ChatMessage] = Field(default_factory=list)  # the latest few, as a brain reads them
    # Lets an LLM brain count tokens per conversation; None where no session exists.
    session_id: str | None = None
    # When the conversation began (None: it begins now).
    began: dt.datetime | None = None
    # One of our cities named earlier without a street («нужен интернет в Волжском»): the
    # city of an address given later without one.
    city: str | None = None

    @field_validator("expect", mode="before")
    @classmethod
    def _space_of_key(cls, value: object) -> object:
        return answer_space(value) if isinstance(value, str) else value

    @property
    def asked(self) -> str | None:
        """The pending question's key."""
        return self.expect.key if self.expect else None


class ReplyDraft(BaseModel):
    """The machine's reply before wording: ordered sentences plus the facts they rest on.

    The offline brain joins `parts`; an LLM may reword them but must keep every fact
    (`facts` holds the prices, totals and names a worded reply is checked against).
    """

    parts: list[str]
    suggestions: list[str] = Field(default_factory=list)
    facts: dict[str, Any] = Field(default_factory=dict)

    def text(self) -> str:
        return "\n\n".join(p for p in self.parts if p)
