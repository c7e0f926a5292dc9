"""What AIDA sends to amoCRM for a lead: the contact, the lead with its fields, the note.

Field ids come from the `AMO_CF_LEAD_*` settings; a field whose id is not configured, or
whose value is unknown, is left out rather than sent empty. Router and CCTV choices are
written as Russian text, which suits both text fields and select fields whose options carry
the same wording (`aida crm check` compares them).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from aida.config import Settings
from aida.crm.amocrm.models import (
    ContactIn,
    ContactRef,
    CustomFieldValues,
    FieldValue,
    LeadEmbedded,
    LeadIn,
    LeadPatch,
    NoteIn,
    NoteParams,
    TagRef,
)
from aida.domain import Lead

MARKER_PREFIX = "AIDA-"
TAG_AIDA = "AIDA"
TAG_NO_COVERAGE = "нет покрытия"
# A common note's maximum length is not documented; keep transcripts well inside any limit.
NOTE_MAX_CHARS = 15000

CCTV_TEXT: dict[int, str] = {0: "Нет", 1: "1 камера", 2: "2 камеры", 4: "4 камеры"}
TITLE_BY_KIND: dict[str, str] = {
    "connection": "Заявка с сайта",
    "tech_check": "Проверка возможности подключения",
    "callback": "Обратный звонок",
}


def router_text(option: str, rent_price: int) -> str:
    return {
        "included": "В подарок",
        "rent": f"Аренда {rent_price} ₽/мес",
        "buy": "Покупка",
        "own": "Свой",
    }[option]


def marker(lead: Lead) -> str:
    """The lead's reference in amoCRM (in its name and note): found again after a crash."""
    return f"{MARKER_PREFIX}{lead.id[:8]}"


def lead_name(lead: Lead) -> str:
    title = TITLE_BY_KIND.get(lead.kind, TITLE_BY_KIND["connection"])
    subject = f": {lead.tariff}" if lead.tariff else ""
    return f"{title}{subject} ({marker(lead)})"


def day_timestamp(day: dt.date, tz: ZoneInfo) -> int:
    """The unix time of the start of `day` in the provider's time zone (amoCRM date fields)."""
    return int(dt.datetime.combine(day, dt.time(0, 0), tzinfo=tz).timestamp())


def phone_digits(phone: str) -> str:
    """The national part of a Russian number (10 digits), as amoCRM search needs it."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 11 and digits[0] in "78":
        return digits[1:]
    return digits


_CONSENT_METHOD = {"button": "кнопкой «Согласен»", "typed": "ответом в чате"}


def consent_line(lead: Lead, tz: ZoneInfo) -> str:
    """The consent as one line for the note and the AMO_CF_LEAD_CONSENT field."""
    if lead.consent_at is None:
        return "Согласие на обработку персональных данных: не получено"
    how = _CONSENT_METHOD.get(lead.consent_method or "", "")
    at = lead.consent_at.astimezone(tz)
    return (f"Согласие на обработку персональных данных: {at:%d.%m.%Y %H:%M}, "
            f"версия текста {lead.consent_version}" + (f", {how}" if how else ""))


def lead_values(lead: Lead, tz: ZoneInfo, rent_price: int) -> dict[str, str | int | bool]:
    """Every lead value AIDA can send, keyed by the AMO_CF_LEAD_* suffix; unknown ones left out."""
    a = lead.attribution
    candidates: dict[str, str | int | bool | None] = {
        "TARIFF": lead.tariff,
        "ADDRESS": lead.address.display() if lead.address else None,
        "CONNECTION_DATE": day_timestamp(lead.date, tz) if lead.date else None,
        "CONNECTION_TIME": lead.time,
        "ROUTER": router_text(lead.router, rent_price) if lead.router else None,
        "CCTV": CCTV_TEXT.get(lead.cctv_cameras) if lead.cctv_cameras is not None else None,
        "STATIC_IP": lead.static_ip,
        "UTM_SOURCE": a.utm_source,
        "UTM_MEDIUM": a.utm_medium,
        "UTM_CAMPAIGN": a.utm_campaign,
        "UTM_CONTENT": a.utm_content,
        "UTM_TERM": a.utm_term,
        "REFERRER": lead.referrer,
        "CONSENT": consent_line(lead, tz) if lead.consent_at else None,
    }
    return {k: v for k, v in candidates.items() if v is not None and v != ""}


def _field(field_id: int, value: str | int | bool) -> CustomFieldValues:
    return CustomFieldValues(field_id=field_id, values=[FieldValue(value=value)])


def lead_custom_fields(lead: Lead, settings: Settings, rent_price: int) -> list[CustomFieldValues]:
    fields = []
    for key, value in lead_values(lead, settings.tz, rent_price).items():
        field_id = settings.amo_lead_field(key)
        if field_id is not None:
            fields.append(_field(field_id, value))
    return fields


def lead_tags(lead: Lead) -> list[str]:
    tags = [TAG_AIDA]
    if lead.kind == "tech_check":
        tags.append(TAG_NO_COVERAGE)
    tags.extend(lead.tags)
    return list(dict.fromkeys(t for t in tags if t.strip()))  # unique, in order


def lead_payload(lead: Lead, settings: Settings, rent_price: int, contact_id: int | None) -> LeadIn:
    return LeadIn(
        name=lead_name(lead),
        price=lead.monthly_total or None,
        custom_fields_values=lead_custom_fields(lead, settings, rent_price),
        embedded=LeadEmbedded(
            tags=[TagRef(name=t) for t in lead_tags(lead)],
            contacts=[ContactRef(id=contact_id)] if contact_id else [],
        ),
    )


def contact_payload(lead: Lead) -> ContactIn:
    fields = []
    if lead.phone:
        fields.append(
            CustomFieldValues(
                field_code="PHONE", values=[FieldValue(value=lead.phone, enum_code="WORK")]
            )
        )
    if lead.email:
        fields.append(
            CustomFieldValues(
                field_code="EMAIL", values=[FieldValue(value=lead.email, enum_code="WORK")]
            )
        )
    return ContactIn(name=lead.name or "Клиент с сайта", custom_fields_values=fields)


def referrer_patch(field_id: int, referrer: str) -> LeadPatch:
    return LeadPatch(custom_fields_values=[_field(field_id, referrer)])


def transcript_note(lead: Lead, tz: ZoneInfo) -> NoteIn:
    lines = []
    for m in lead.transcript:
        who = "Клиент" if m.role == "user" else "АИДА"
        when = f"[{m.at.astimezone(tz):%d.%m %H:%M}] " if m.at else ""
        lines.append(f"{when}{who}: {m.text}")
    body = "\n".join(lines) or "(переписка пуста)"
    if len(body) > NOTE_MAX_CHARS:
        body = "…\n" + body[-NOTE_MAX_CHARS:]
    header = f"Переписка с ассистентом ({marker(lead)})\n{consent_line(lead, tz)}"
    return NoteIn(params=NoteParams(text=f"{header}\n\n{body}"))
