"""What AIDA sends to amoCRM for a lead: the contact, the lead with its fields, the note.

Field ids come from the `AMO_CF_LEAD_*` settings; a field whose id is not configured, or
whose value is unknown, is left out rather than sent empty. Router and CCTV choices are
written as Russian text, which suits both text fields and select fields whose options carry
the same wording: a select option is sent by its `enum_id`, matched exactly (`aida crm
check` compares them the same way). Text values are cut to amoCRM's limit.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from aida.catalog.models import Hours
from aida.config import Settings
from aida.crm.amocrm.models import (
    ContactIn,
    ContactPatch,
    ContactRef,
    CustomFieldValues,
    FieldInfo,
    FieldValue,
    FoundEntity,
    LeadEmbedded,
    LeadIn,
    LeadPatch,
    NoteIn,
    NoteParams,
    TagRef,
    TaskIn,
    UnsortedEmbedded,
    UnsortedFormIn,
    UnsortedMetadata,
)
from aida.domain import Lead

MARKER_PREFIX = "AIDA-"
TAG_AIDA = "AIDA"
TAG_NO_COVERAGE = "нет покрытия"
# A common note's maximum length is not documented; keep transcripts well inside any limit.
NOTE_MAX_CHARS = 15000
# amoCRM refuses a text value over 256 characters (the whole request, 400); its support names
# 255 as the limit (research §1). Only `textarea` fields hold more.
TEXT_LIMIT = 255
TEXTAREA_LIMIT = 10000
CHOICE_TYPES = frozenset({"select", "radiobutton", "multiselect"})
DATE_TYPES = frozenset({"date", "date_time", "birthday"})

UNSORTED_SOURCE = "AIDA"
UNSORTED_FORM_ID = "aida-chat"
UNSORTED_FORM_NAME = "Чат-ассистент на сайте"

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
    ref = f" ({marker(lead)})"  # kept whole: a retry finds the lead by it
    return clip(f"{title}{subject}", TEXT_LIMIT - len(ref)) + ref


def day_timestamp(day: dt.date, tz: ZoneInfo) -> int:
    """The unix time of the start of `day` in zone `tz`: amoCRM keeps a date field as a
    calendar day in the account's zone, so `tz` must be the account's (research §1)."""
    return int(dt.datetime.combine(day, dt.time(0, 0), tzinfo=tz).timestamp())


def noon_timestamp(day: dt.date, tz: ZoneInfo) -> int:
    """Noon of `day` in `tz`: the same calendar day in every zone from UTC-11 to UTC+11 away,
    so it is safe when the account's own zone could not be read."""
    return int(dt.datetime.combine(day, dt.time(12, 0), tzinfo=tz).timestamp())


def clip(text: str, limit: int = TEXT_LIMIT) -> str:
    """`text` cut to `limit` characters (amoCRM refuses longer values with a 400)."""
    return text if len(text) <= limit else text[:limit]


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


Value = str | int | bool | dt.date


_UTC = ZoneInfo("UTC")


def lead_values(lead: Lead, rent_price: int, tz: ZoneInfo = _UTC) -> dict[str, Value]:
    """Every lead value AIDA can send, keyed by the AMO_CF_LEAD_* suffix; unknown ones left out."""
    a = lead.attribution
    candidates: dict[str, Value | None] = {
        "TARIFF": lead.tariff,
        "ADDRESS": lead.address.display() if lead.address else None,
        "CONNECTION_DATE": lead.date,
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
        "GCLID": a.gclid,
        "YCLID": a.yclid,
        "LANDING_PAGE": a.landing_page,
        "CONSENT": consent_line(lead, tz) if lead.consent_at else None,
    }
    return {k: v for k, v in candidates.items() if v is not None and v != ""}


@dataclass(frozen=True)
class AccountView:
    """What the payloads need to know about the account: its lead fields (type, options) and
    its time zone. Empty when unknown: values then go as text, dates at noon."""

    fields: dict[int, FieldInfo] = field(default_factory=dict)
    tz: ZoneInfo | None = None


@dataclass
class LeadFields:
    """The lead's custom field values, and what did not fit a field as it was (for the note)."""

    values: list[CustomFieldValues] = field(default_factory=list)
    # Human-readable lines: a value cut to the limit in full, a choice the field does not offer.
    leftovers: list[str] = field(default_factory=list)


def _text(value: Value) -> str:
    return value.strftime("%d.%m.%Y") if isinstance(value, dt.date) else str(value)


def field_value(
    value: Value, info: FieldInfo | None, aida_tz: ZoneInfo, account_tz: ZoneInfo | None
) -> tuple[FieldValue | None, str | None]:
    """The value as field `info` takes it, and why it does not fit as it is (None if it does)."""
    kind = info.type if info else None
    if isinstance(value, dt.date):
        if kind is None or kind in DATE_TYPES:
            stamp = (
                day_timestamp(value, account_tz) if account_tz else noon_timestamp(value, aida_tz)
            )
            return FieldValue(value=stamp), None
        value = _text(value)
    if info is not None and kind in CHOICE_TYPES:
        option = next((e for e in info.enums or [] if e.value == _text(value)), None)
        if option is None:
            return None, f"в поле нет варианта «{_text(value)}»"
        return FieldValue(value=option.value, enum_id=option.id), None
    if isinstance(value, str):
        limit = TEXTAREA_LIMIT if kind == "textarea" else TEXT_LIMIT
        if len(value) > limit:
            return FieldValue(value=clip(value, limit)), f"обрезано до {limit} знаков"
    return FieldValue(value=value), None


def lead_custom_fields(
    lead: Lead, settings: Settings, rent_price: int, account: AccountView
) -> LeadFields:
    out = LeadFields()
    for key, value in lead_values(lead, rent_price, settings.tz).items():
        field_id = settings.amo_lead_field(key)
        if field_id is None:
            continue
        info = account.fields.get(field_id)
        sent, why = field_value(value, info, settings.tz, account.tz)
        if why is not None:
            name = info.name if info else key
            out.leftovers.append(f"{name}: {_text(value)} ({why})")
        if sent is not None:
            out.values.append(CustomFieldValues(field_id=field_id, values=[sent]))
    return out


def lead_tags(lead: Lead) -> list[str]:
    tags = [TAG_AIDA]
    if lead.kind == "tech_check":
        tags.append(TAG_NO_COVERAGE)
    tags.extend(lead.tags)
    return list(dict.fromkeys(t for t in tags if t.strip()))  # unique, in order


def lead_payload(
    lead: Lead,
    settings: Settings,
    fields: LeadFields,
    contact_id: int | None,
    responsible: int | None = None,
) -> LeadIn:
    pipeline_id, status_id = settings.amo_stage(lead.kind)
    return LeadIn(
        name=lead_name(lead),
        price=lead.monthly_total or None,
        pipeline_id=pipeline_id,
        status_id=status_id,
        responsible_user_id=responsible,
        custom_fields_values=fields.values,
        embedded=LeadEmbedded(
            tags=[TagRef(name=clip(t, 50)) for t in lead_tags(lead)],
            contacts=[ContactRef(id=contact_id)] if contact_id else [],
        ),
    )


def unsorted_payload(
    lead: Lead, lead_in: LeadIn, contact: ContactIn | ContactRef, now: dt.datetime
) -> UnsortedFormIn:
    """The request as a web form's incoming lead: the chat's page and referrer shown to the
    manager who accepts it."""
    a = lead.attribution
    lead_in = lead_in.model_copy(update={"status_id": None})  # «Неразобранное» is the stage
    lead_in.embedded = LeadEmbedded(tags=lead_in.embedded.tags)
    return UnsortedFormIn(
        source_name=UNSORTED_SOURCE,
        source_uid=lead.id,
        created_at=int(now.timestamp()),
        pipeline_id=lead_in.pipeline_id,
        metadata=UnsortedMetadata(
            form_id=UNSORTED_FORM_ID,
            form_name=UNSORTED_FORM_NAME,
            form_page=clip(a.landing_page or UNSORTED_SOURCE),
            form_sent_at=int(lead.created_at.timestamp()),
            referer=clip(a.referrer) if a.referrer else None,
        ),
        embedded=UnsortedEmbedded(leads=[lead_in], contacts=[contact]),
    )


def task_payload(lead: Lead, lead_id: int, due: dt.datetime, responsible: int | None) -> TaskIn:
    what = {
        "callback": "Перезвонить клиенту: просил обратный звонок",
        "tech_check": "Проверить техническую возможность подключения и перезвонить клиенту",
    }.get(lead.kind, "Связаться с клиентом по заявке")
    return TaskIn(
        text=f"{what} ({marker(lead)})",
        complete_till=int(due.timestamp()),
        entity_id=lead_id,
        responsible_user_id=responsible,
    )


def task_deadline(
    now: dt.datetime, hours: Hours, tz: ZoneInfo, within: dt.timedelta
) -> dt.datetime:
    """`within` of working time from `now`: a request after hours is due the next morning."""
    local = now.astimezone(tz)
    day = local.date()
    opens = dt.datetime.combine(day, hours.start, tzinfo=tz)
    closes = dt.datetime.combine(day, hours.end, tzinfo=tz)
    if local < opens:
        return opens + within
    if local + within <= closes:
        return local + within
    left = within - max(closes - local, dt.timedelta(0))
    tomorrow = dt.datetime.combine(day + dt.timedelta(days=1), hours.start, tzinfo=tz)
    return tomorrow + left


def contact_payload(lead: Lead, responsible: int | None = None) -> ContactIn:
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
                field_code="EMAIL", values=[FieldValue(value=clip(lead.email), enum_code="WORK")]
            )
        )
    return ContactIn(
        name=clip(lead.name or "Клиент с сайта"),
        responsible_user_id=responsible,
        custom_fields_values=fields,
    )


def field_texts(entity: FoundEntity, code: str) -> list[str]:
    """The values of a contact's multitext field (`PHONE`, `EMAIL`) as text."""
    for f in entity.custom_fields_values or []:
        if f.field_code == code:
            return [str(v.value) for v in f.values or [] if v.value is not None]
    return []


def contact_additions(found: FoundEntity, lead: Lead) -> ContactPatch | None:
    """The phone or email `lead` brings that the found contact lacks, its own values kept
    (a PATCH replaces a field's values), or None when it has them all."""
    patch = []
    checks = (
        ("PHONE", lead.phone, lambda v: phone_digits(v) == phone_digits(lead.phone or "")),
        ("EMAIL", lead.email, lambda v: v.casefold() == (lead.email or "").casefold()),
    )
    for code, new, same in checks:
        if not new or any(same(v) for v in field_texts(found, code)):
            continue
        kept = [
            FieldValue(value=str(v.value), enum_code=v.enum_code)
            for f in found.custom_fields_values or []
            if f.field_code == code
            for v in f.values or []
            if v.value is not None
        ]
        values = [*kept, FieldValue(value=clip(new), enum_code="WORK")]
        patch.append(CustomFieldValues(field_code=code, values=values))
    return ContactPatch(custom_fields_values=patch) if patch else None


def referrer_patch(field_id: int, referrer: str, info: FieldInfo | None) -> LeadPatch:
    limit = TEXTAREA_LIMIT if info is not None and info.type == "textarea" else TEXT_LIMIT
    value = FieldValue(value=clip(referrer, limit))
    return LeadPatch(custom_fields_values=[CustomFieldValues(field_id=field_id, values=[value])])


SUMMARY_LABELS: dict[str, str] = {
    "TARIFF": "Тариф",
    "ADDRESS": "Адрес",
    "CONNECTION_DATE": "Дата подключения",
    "CONNECTION_TIME": "Время",
    "ROUTER": "Роутер",
    "CCTV": "Видеонаблюдение",
    "STATIC_IP": "Постоянный IP",
}


def request_summary(lead: Lead, rent_price: int) -> str:
    """The request in a few lines: what a manager reads first, also when the request joins
    a lead that already holds other values."""
    values = lead_values(lead, rent_price)
    lines = [TITLE_BY_KIND.get(lead.kind, TITLE_BY_KIND["connection"])]
    for key, label in SUMMARY_LABELS.items():
        if key in values:
            value = values[key]
            shown = ("да" if value else "нет") if isinstance(value, bool) else _text(value)
            lines.append(f"{label}: {shown}")
    return "\n".join(lines)


def transcript_note(
    lead: Lead, tz: ZoneInfo, leftovers: list[str] | None = None, summary: str | None = None
) -> NoteIn:
    lines = []
    for m in lead.transcript:
        who = "Клиент" if m.role == "user" else "АИДА"
        when = f"[{m.at.astimezone(tz):%d.%m %H:%M}] " if m.at else ""
        lines.append(f"{when}{who}: {m.text}")
    body = "\n".join(lines) or "(переписка пуста)"
    if len(body) > NOTE_MAX_CHARS:
        body = "…\n" + body[-NOTE_MAX_CHARS:]
    head = f"Переписка с ассистентом ({marker(lead)})\n{consent_line(lead, tz)}"
    if summary:
        head += f"\n\n{summary}"
    if leftovers:
        # Values that did not fit their field as they were stay readable here in full.
        head += "\n\nНе поместилось в поля сделки:\n" + "\n".join(f"— {x}" for x in leftovers)
    return NoteIn(params=NoteParams(text=f"{head}\n\n{body}"))
