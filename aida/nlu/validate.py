"""Every value a brain returns is checked against the catalog before the machine sees it.

A value that does not hold is dropped (and, where the customer should hear about it, turned
into a `Problem`), so neither a rule slip nor a model's invention can put a tariff, a camera
package, a phone or a street into a lead that the catalog and the validators do not know.
"""

from __future__ import annotations

import re

from aida.catalog import Catalog, house_number
from aida.domain import Address
from aida.nlu.address import match_street
from aida.nlu.email import normalize_email
from aida.nlu.phone import normalize_phone
from aida.nlu.tariff import match_tariff
from aida.understanding.questions import REPLY_WORDS
from aida.understanding.slots import CHANGEABLE
from aida.understanding.types import (
    Extraction,
    Intent,
    Problem,
    TurnContext,
    Understanding,
    catalog_topics,
)

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_NAME = re.compile(r"^[^\W\d_][^\W\d_ .'\-]*(?:[ .'\-]+[^\W\d_]+){0,3}\.?$")


def _tariff(name: str | None, catalog: Catalog) -> str | None:
    if name is None:
        return None
    exact = catalog.tariff(name)
    return exact.name if exact else match_tariff(name, catalog)


def _address(address: Address | None, catalog: Catalog, problems: list[Problem]) -> Address | None:
    if address is None:
        return None
    street = match_street(address.street, catalog, address.city) or address.street.strip()
    if not street:
        return None
    if house_number(address.house) is None:
        problems.append(Problem(slot="address", code="no_house", value=street))
        return None
    city = address.city.strip() or catalog.default_city
    flat = (address.flat or "").strip() or None
    return Address(city=city, street=street, house=address.house.strip(), flat=flat)


def validate_slots(ex: Extraction, catalog: Catalog) -> Extraction:
    problems = list(ex.problems)
    out = ex.model_copy()  # every field that changes is assigned anew below
    out.tariff = _tariff(ex.tariff, catalog)
    if ex.segment not in catalog.segments():
        out.segment = None
    if ex.cctv_cameras not in (None, *catalog.camera_choices()):
        problems.append(
            Problem(slot="cctv_cameras", code="not_in_catalog", value=str(ex.cctv_cameras))
        )
        out.cctv_cameras = None
    if ex.phone is not None:
        out.phone = normalize_phone(ex.phone)
        if out.phone is None and not any(p.slot == "phone" for p in problems):
            problems.append(Problem(slot="phone", code="invalid"))
    if ex.email is not None:
        out.email = normalize_email(ex.email)
        if out.email is None and not any(p.slot == "email" for p in problems):
            problems.append(Problem(slot="email", code="invalid"))
    if ex.name is not None:
        name = " ".join(ex.name.split())[:80]
        out.name = name if _NAME.match(name) else None
    if ex.time is not None and not _TIME.match(ex.time):
        out.time = None
    out.address = _address(ex.address, catalog, problems)
    out.problems = problems
    return out


_FLAT = re.compile(r"\d{1,4}[а-яa-z]?", re.IGNORECASE)


def validate_understanding(u: Understanding, ctx: TurnContext) -> Understanding:
    catalog = ctx.catalog
    known = set(catalog_topics(catalog))
    topics = []
    for topic in u.topics:
        if topic.startswith("tariff:"):
            name = _tariff(topic.split(":", 1)[1], catalog)
            if name:
                topics.append(f"tariff:{name}")
        elif topic in known:
            topics.append(topic)
    slots = validate_slots(u.slots, catalog)
    intent = u.intent
    if intent is Intent.question and not topics and slots.tells_news(ctx.slots):
        intent = Intent.answer
    free_text = u.free_text[:500] if u.free_text else None
    reset = [f for f in dict.fromkeys(u.reset) if f in CHANGEABLE]
    choice = u.choice if u.choice in REPLY_WORDS else None
    house = u.house.strip()[:20] if u.house and house_number(u.house) is not None else None
    # A flat alone answers «Уточните номер квартиры»; it must look like one.
    flat = u.flat.strip()[:20] if u.flat and _FLAT.fullmatch(u.flat.strip()) else None
    return u.model_copy(
        update={
            "slots": slots,
            "topics": topics,
            "intent": intent,
            "free_text": free_text,
            "reset": reset,
            "choice": choice,
            "house": house,
            "flat": flat,
        }
    )
