"""The model's reading of a message: its JSON schema, its lenient parsing, its validation.

The model only proposes. Its JSON is parsed field by field (a field that does not parse is
dropped, the rest kept), then every slot goes through the offline brain's own validators:
the tariff must be a catalog tariff, phones, emails, addresses, dates and times are re-read
by the rule reader (the offline brain, passed in) exactly as if the customer had typed the
model's value. Values that cannot be found in the customer's own words (a phone the message
does not contain) are dropped as invented.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
)

from aida.catalog import Catalog
from aida.domain import CameraCount, RouterOption, Segment, Step
from aida.llm.prompts import topics
from aida.masking import Masker
from aida.understanding.brain import RuleReader
from aida.understanding.questions import REPLY_WORDS
from aida.understanding.slots import CHANGEABLE, SLOTS
from aida.understanding.types import Expect, Extraction, Intent, Problem, TurnContext, Understanding

_NAME = re.compile(r"[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё'\-]*")


class ReadAddress(BaseModel):
    city: str | None = None
    street: str
    house: str | None = None
    flat: str | None = None


class ReadSlots(BaseModel):
    segment: Segment | None = None
    tariff: str | None = None
    router: RouterOption | None = None
    cctv_cameras: CameraCount | None = None
    static_ip: bool | None = None
    address: ReadAddress | None = None
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    date: str | None = None  # YYYY-MM-DD
    time: str | None = None  # HH:MM

    @field_validator("*", mode="wrap")
    @classmethod
    def _drop_invalid(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        # One bad field (3 cameras, router "free") must not cost the whole reading.
        try:
            return handler(value)
        except ValidationError:
            return None


class Reading(BaseModel):
    """What the model says about one message, before any validation against the catalog."""

    intent: Intent = Intent.unknown
    slots: ReadSlots = Field(default_factory=ReadSlots)
    topics: list[str] = Field(default_factory=list)
    email_declined: bool = False
    wants_change: bool = False
    skip: bool = False
    thanks: bool = False
    greets: bool = False
    no_more: bool = False
    choice: str | None = None
    reset: list[str] = Field(default_factory=list)

    @field_validator("intent", "email_declined", "topics", "wants_change", "skip", "thanks",
                     "greets", "no_more", "choice", "reset", mode="wrap")
    @classmethod
    def _default_invalid(
        cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> Any:
        try:
            return handler(value)
        except ValidationError:
            return cls.model_fields[info.field_name or ""].get_default(call_default_factory=True)

    @field_validator("slots", mode="before")
    @classmethod
    def _slots_object(cls, value: Any) -> Any:
        return value if isinstance(value, dict) else {}


def parse_reading(raw: Any) -> Reading:
    """The model's JSON (already decoded) as a Reading; unknown keys (a "price", a "step") are
    ignored, so nothing but slots and intent can ever come out of the model."""
    if not isinstance(raw, dict):
        return Reading()
    return Reading.model_validate(raw)


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def unmasked(reading: Reading, masker: Masker) -> Reading:
    """The reading with the placeholders it gave mapped back to the customer's values."""
    slots = reading.slots
    update: dict[str, Any] = {
        key: masker.unmask_optional(getattr(slots, key)) for key in ("name", "phone", "email")
    }
    if slots.address is not None:
        a = slots.address
        update["address"] = a.model_copy(update={
            "street": masker.unmask(a.street),
            "house": masker.unmask_optional(a.house),
            "flat": masker.unmask_optional(a.flat),
        })
    return reading.model_copy(update={"slots": slots.model_copy(update=update)})


def reading_schema(catalog: Catalog) -> dict[str, Any]:
    """The strict JSON schema of a reading (OpenAI structured outputs: every key required,
    no extra keys); tariff names and camera counts are the catalog's own."""
    string = {"type": "string"}
    address = {
        "type": "object",
        "properties": {
            "city": _nullable(string),
            "street": string,
            "house": _nullable(string),
            "flat": _nullable(string),
        },
        "required": ["city", "street", "house", "flat"],
        "additionalProperties": False,
    }
    slots: dict[str, Any] = {
        "segment": _nullable({"type": "string", "enum": list(catalog.segments())}),
        "tariff": _nullable({"type": "string", "enum": [t.name for t in catalog.tariffs]}),
        "router": _nullable({"type": "string", "enum": ["included", "rent", "buy", "own"]}),
        "cctv_cameras": _nullable({"type": "integer", "enum": catalog.camera_choices()}),
        "static_ip": _nullable({"type": "boolean"}),
        "address": _nullable(address),
        "name": _nullable(string),
        "phone": _nullable(string),
        "email": _nullable(string),
        "date": _nullable(string),
        "time": _nullable(string),
    }
    return {
        "type": "object",
        "properties": {
            "intent": {"type": "string", "enum": [i.value for i in Intent]},
            "slots": {
                "type": "object",
                "properties": slots,
                "required": list(slots),
                "additionalProperties": False,
            },
            "topics": {"type": "array", "items": {"type": "string"}},
            "email_declined": {"type": "boolean"},
            "wants_change": {"type": "boolean"},
            "skip": {"type": "boolean"},
            "thanks": {"type": "boolean"},
            "greets": {"type": "boolean"},
            "no_more": {"type": "boolean"},
            "choice": _nullable({"type": "string", "enum": sorted(REPLY_WORDS)}),
            "reset": {"type": "array", "items": {"type": "string", "enum": list(CHANGEABLE)}},
        },
        "required": ["intent", "slots", "topics", "email_declined", "wants_change", "skip",
                     "thanks", "greets", "no_more", "choice", "reset"],
        "additionalProperties": False,
    }


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _read(reader: RuleReader, text: str, ctx: TurnContext, expect: Expect) -> Extraction:
    return reader.extract(text, ctx, expect)


def _problems(found: Extraction, *slots: str) -> list[Problem]:
    return [p for p in found.problems if p.slot in slots]


def _clean_name(name: str, message: str) -> str | None:
    words = _NAME.findall(name)
    if not words or len(words) > 3 or len(" ".join(words)) > 60:
        return None
    lower = message.casefold()
    # A name the customer did not write (in some case form) is the model's invention.
    if not all(w[:3].casefold() in lower for w in words):
        return None
    return " ".join(w[:1].upper() + w[1:] for w in words)


def _validated(
    slots: ReadSlots, message: str, ctx: TurnContext, reader: RuleReader
) -> Extraction:
    """The model's slots after the offline validators; invalid or invented values dropped."""
    out = Extraction(
        segment=slots.segment,
        router=slots.router,
        cctv_cameras=slots.cctv_cameras,
        static_ip=slots.static_ip,
    )
    problems: list[Problem] = []
    message_digits = _digits(message)
    if slots.tariff:
        tariff = ctx.catalog.tariff(slots.tariff)
        if tariff is not None:
            out.tariff = tariff.name
        else:
            found = _read(reader, slots.tariff, ctx, "tariff")
            out.tariff = found.tariff
            problems += _problems(found, "tariff")
    if slots.address and slots.address.house:
        text = f"{slots.address.street}, {slots.address.house}"
        if slots.address.city:
            text = f"{slots.address.city}, {text}"
        if slots.address.flat:
            text += f", кв. {slots.address.flat}"
        found = _read(reader, text, ctx, "address")
        out.address = found.address
        out.doubtful += [d for d in found.doubtful if d == "address"]
        # A house number the customer wrote in words ("пятнадцать") is asked back, not assumed.
        if found.address and _digits(slots.address.house) not in message_digits:
            out.doubtful = [*{*out.doubtful, "address"}]
        problems += _problems(found, "address", "house")
    if slots.name:
        out.name = _clean_name(slots.name, message)
    if slots.phone:
        found = _read(reader, slots.phone, ctx, "phone")
        # The last ten digits (the number without the country code) must be the customer's.
        if found.phone and found.phone[-10:] in message_digits:
            out.phone = found.phone
        elif _digits(slots.phone)[-10:] in message_digits:
            problems += _problems(found, "phone")
    if slots.email:
        found = _read(reader, slots.email, ctx, "email")
        if found.email and found.email.casefold().split("@")[0] in message.casefold():
            out.email = found.email
        elif slots.email.casefold() in message.casefold():
            problems += _problems(found, "email")
    if slots.date or slots.time:
        found = _when(slots.date, slots.time, ctx, reader)
        out.date, out.time = found.date, found.time
        problems += _problems(found, "date", "time")
    out.problems = problems
    return out


def _when(
    date: str | None, time: str | None, ctx: TurnContext, reader: RuleReader
) -> Extraction:
    # The model resolves "в пятницу" to a date; the date layer still judges it (past, too
    # far, outside working hours) by re-reading it as the customer might have typed it.
    parts: list[str] = []
    if date:
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            return Extraction()
        parts.append(f"{day:%d.%m.%Y}")
    if time and re.fullmatch(r"\d{1,2}:\d{2}", time.strip()):
        parts.append(f"в {time.strip()}")
    if not parts:
        return Extraction()
    return _read(reader, " ".join(parts), ctx, "date" if date else "time")


# Every slot of an extraction (what is not a problem or a doubt).
_SLOT_FIELDS: tuple[str, ...] = tuple(
    name for name in Extraction.model_fields if name not in ("problems", "doubtful")
)


def _offers_extras(ctx: TurnContext) -> bool:
    slot = ctx.expect.slot if ctx.expect else None
    return slot is not None and SLOTS[slot].step is Step.extras


def to_understanding(
    reading: Reading, message: str, ctx: TurnContext, offline: Understanding, reader: RuleReader
) -> Understanding:
    """The model's reading, validated, over the offline brain's: the model's valid values
    win, the offline brain's fill what the model left out."""
    mine = _validated(reading.slots, message, ctx, reader)
    theirs = offline.slots
    merged = Extraction()
    for key in _SLOT_FIELDS:
        value = getattr(mine, key)
        setattr(merged, key, value if value is not None else getattr(theirs, key))
    decided = {key for key in _SLOT_FIELDS if getattr(mine, key) is not None}
    problem_slots = {p.slot for p in mine.problems}
    merged.problems = mine.problems + [
        p for p in theirs.problems if p.slot not in decided and p.slot not in problem_slots
    ]
    merged.doubtful = mine.doubtful + [d for d in theirs.doubtful if d not in decided]
    known_topics = {*topics(ctx.catalog), *(f"tariff:{t.name}" for t in ctx.catalog.tariffs)}
    asked = [t for t in reading.topics if t in known_topics]
    if reading.intent is Intent.question and mine.tariff and offline.slots.tariff is None:
        # "Сколько стоит Премиум?" asks about a tariff; it does not choose it (as the rules).
        asked.append(f"tariff:{mine.tariff}")
        merged.tariff = None
    asked += [t for t in offline.topics if t not in asked]
    intent = reading.intent
    if intent is Intent.unknown:
        intent = offline.intent
    # The yes that creates a lead, or gives consent to process personal data, must be the
    # customer's own, read by the rules too: a model talked into "yes" by the message it
    # reads confirms nothing and consents to nothing.
    if (ctx.asked in ("confirm", "consent") and intent is Intent.yes
            and offline.intent is not Intent.yes):
        intent = offline.intent
    found = merged.found()
    reset = [f for f in dict.fromkeys([*offline.reset, *reading.reset]) if f not in found]
    # A copy of the offline reading keeps what only the rules give (free text, a house
    # number alone); the rest is the model's where it says so.
    return reader.validate(offline.model_copy(
        update={
            "intent": intent,
            "slots": merged,
            "topics": asked,
            "email_declined": reading.email_declined or offline.email_declined,
            "wants_change": reading.wants_change or offline.wants_change,
            "skip": reading.skip or offline.skip,
            "thanks": reading.thanks or offline.thanks,
            "greets": reading.greets or offline.greets,
            # Extras are declined only where they are offered (as the rules decide).
            "no_more": (reading.no_more or offline.no_more) and _offers_extras(ctx),
            "choice": reading.choice or offline.choice,
            "reset": reset,
        }
    ), ctx)
