"""The conversation's plain data: steps, slots, messages, attribution and leads.

Everything here is JSON-serialisable pydantic data, so a conversation can be saved to and
restored from any store without pickling machine objects.
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Step(StrEnum):
    """The six onboarding steps, then `done`; the order is the policy."""

    tariff = "tariff"
    extras = "extras"
    address = "address"
    contacts = "contacts"
    schedule = "schedule"
    confirm = "confirm"
    done = "done"


STEP_ORDER: tuple[Step, ...] = tuple(Step)

Segment = Literal["home", "office"]
RouterOption = Literal["included", "rent", "buy", "own"]
CameraCount = Literal[0, 1, 2, 4]
Coverage = Literal["covered", "not_covered"]
LeadKind = Literal["connection", "tech_check", "callback"]
# How consent was given: the «Согласен» button, or a typed yes to the consent question.
ConsentMethod = Literal["button", "typed"]


class Address(BaseModel):
    """An installation address; `street` is the coverage list's canonical name when matched."""

    model_config = ConfigDict(frozen=True)

    city: str = "Волгоград"
    street: str
    house: str
    flat: str | None = None

    def display(self) -> str:
        parts = [self.city, self.street, f"д. {self.house}"]
        if self.flat:
            parts.append(f"кв. {self.flat}")
        return ", ".join(parts)


# The slots `aida extract` reports, in the contract's order.
EXTRACT_KEYS: tuple[str, ...] = (
    "tariff", "cctv_cameras", "static_ip", "router", "address", "name", "phone", "email",
    "date", "time",
)


class SlotValues(BaseModel):
    """One value per slot the customer can give; `None` means not known (or not said)."""

    segment: Segment | None = None
    tariff: str | None = None
    router: RouterOption | None = None
    cctv_cameras: CameraCount | None = None
    static_ip: bool | None = None
    address: Address | None = None
    name: str | None = None
    phone: str | None = None  # E.164
    email: str | None = None
    date: dt.date | None = None
    time: str | None = None  # "HH:MM"


class Slots(SlotValues):
    """What the customer has told us in the conversation so far."""

    coverage: Coverage | None = None
    # The customer accepted a technical check for an address outside the coverage list.
    tech_check: bool = False
    email_declined: bool = False
    # The address has no flat (a private house, an office without a number), said so.
    no_flat: bool = False
    referrer: str | None = None  # who recommended us, asked once after `done`


class Choice(BaseModel):
    """A button offered with a question: its text and what it stands for (a slot value, or a
    reply word such as "yes", "skip", "tech_check" that the question's answer space knows)."""

    model_config = ConfigDict(frozen=True)

    label: str
    value: str | int | bool


class ChatMessage(BaseModel):
    role: Literal["user", "assistant"]
    text: str
    suggestions: list[str] = Field(default_factory=list)
    at: dt.datetime | None = None


# The query parameters an address keeps: campaign tags, nothing a visitor could have typed.
_KEPT_PARAMS = ("utm_", "gclid", "yclid")


def attribution_url(url: str | None) -> str | None:
    """`url` without query parameters other than utm_*, gclid and yclid, without a fragment
    or user info: a `?phone=…&email=…` of a site's form is never stored."""
    if url is None:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        netloc = host + (f":{parts.port}" if parts.port else "")
    except ValueError:
        return None  # not an address at all: nothing worth keeping
    if not parts.scheme and not netloc:
        return parts.path.split("?")[0] or None
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k.lower().startswith(_KEPT_PARAMS)]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(kept), ""))


class Attribution(BaseModel):
    """Where a visitor came from: UTM tags, click ids, referrer and landing page."""

    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    utm_content: str | None = None
    utm_term: str | None = None
    referrer: str | None = None
    landing_page: str | None = None
    gclid: str | None = None
    yclid: str | None = None

    @field_validator("referrer", "landing_page")
    @classmethod
    def _clean(cls, url: str | None) -> str | None:
        return attribution_url(url)

    def is_empty(self) -> bool:
        return not any(self.model_dump().values())

    def merged_over(self, older: Attribution) -> Attribution:
        """Non-empty values of `self` over `older`: a touch without UTM never erases stored ones."""
        newer = {k: v for k, v in self.model_dump().items() if v}
        return older.model_copy(update=newer)


class Consent(BaseModel):
    """Consent to personal-data processing (152-FZ): when, to which text, how it was given."""

    model_config = ConfigDict(frozen=True)

    at: dt.datetime
    version: str  # the consent text's version (`Privacy.version`)
    method: ConsentMethod


class ConversationState(BaseModel):
    """Everything needed to resume a conversation: the step, the slots, the history.

    `pending` names the sub-question the assistant asked last (e.g. "router", "email",
    "confirm", "referrer"), so a bare "да"/"нет" or "2" is read in its context and an earlier
    "да" can never count as the confirmation.
    """

    step: Step = Step.tariff
    slots: Slots = Field(default_factory=Slots)
    history: list[ChatMessage] = Field(default_factory=list)  # the latest few messages
    # When the conversation began (states stored before this field: their first message).
    began: dt.datetime | None = None
    pending: str | None = None
    # The buttons offered with `pending` and what each stands for (its answer space's
    # choices); states stored before this field load with none.
    choices: list[Choice] = Field(default_factory=list)
    # Offered during repair (operator hand-off, technical check): what a "да" now means.
    offer: str | None = None
    # A street understood without its house number, waiting for "Уточните номер дома".
    partial_street: str | None = None
    partial_city: str | None = None
    # The other reading of a date being read back («послезавтра» just after midnight): taken
    # when the customer says the one read back is wrong.
    other_date: dt.date | None = None
    lead_id: str | None = None
    callback_lead_id: str | None = None
    referrer_asked: bool = False
    misunderstood: int = 0  # consecutive turns not understood, to vary the re-ask
    consent: Consent | None = None
    # What the consent asked for right now unlocks once given: "callback" (a call back).
    after_consent: str | None = None


def new_lead_id() -> str:
    return uuid.uuid4().hex


class Lead(BaseModel):
    """A confirmed request, as stored locally and delivered to the CRM.

    Field names match `aida extract` and `aida leads --json`.
    """

    id: str = Field(default_factory=new_lead_id)
    session_id: str
    kind: LeadKind = "connection"
    created_at: dt.datetime
    tariff: str | None = None
    tariff_speed_mbps: int | None = None
    tariff_price: int | None = None
    router: RouterOption | None = None
    cctv_cameras: CameraCount | None = None
    static_ip: bool | None = None
    address: Address | None = None
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    date: dt.date | None = None
    time: str | None = None
    monthly_total: int = 0
    one_off_total: int = 0
    referrer: str | None = None  # who recommended us
    # The consent the customer gave before their contacts were taken (flat: `aida leads
    # --json` shows consent_at and consent_version, as the contract names them).
    consent_at: dt.datetime | None = None
    consent_version: str | None = None
    consent_method: ConsentMethod | None = None
    # Set when the personal fields and the transcript were erased (a request or retention).
    erased_at: dt.datetime | None = None
    attribution: Attribution = Field(default_factory=Attribution)
    transcript: list[ChatMessage] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)

    def erased(self, now: dt.datetime) -> Lead:
        """This lead without the person: no name, contacts, address, referrer or transcript.
        What remains (tariff, totals, dates, attribution, consent) is kept for the figures."""
        return self.model_copy(update={
            "name": None, "phone": None, "email": None, "address": None, "referrer": None,
            "transcript": [], "erased_at": now,
        })
