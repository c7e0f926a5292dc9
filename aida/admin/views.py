"""What the dashboard and `/admin/api/leads` show of a lead: no raw phone or email.

The dashboard is for watching the funnel and delivery; the full contact is in the CRM (and
in `aida leads` on the server). The conversation page shows the transcript itself.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from aida.crm.amocrm.webhooks import LOST_STATUS, WON_STATUS
from aida.privacy import mask_email, mask_phone, scrub
from aida.store.base import DeliveryStatus, LeadRecord

KIND_RU = {"connection": "подключение", "tech_check": "тех. проверка", "callback": "звонок"}
DELIVERY_RU = {
    "local": "в базе (CRM нет)",
    "pending": "ждёт отправки",
    "delivered": "в CRM",
    "failed": "ошибка",
}


class LeadRow(BaseModel):
    id: str
    session_id: str
    created_at: dt.datetime
    kind: str
    tariff: str | None
    name: str | None
    phone: str | None  # masked: +7 999 ***-**-67
    email: str | None  # masked: i***@mail.ru
    address: str | None
    date: dt.date | None
    time: str | None
    monthly_total: int
    one_off_total: int
    utm_source: str | None
    utm_campaign: str | None
    delivery: DeliveryStatus
    attempts: int
    last_error: str | None  # the CRM's answer, phones and emails masked
    crm_lead_id: int | None
    outcome: str | None  # in the CRM: «в работе», «подключено», «отказ: причина»


def _outcome(record: LeadRecord) -> str | None:
    if record.delivery != "delivered" or record.crm_status_id is None:
        return None
    if record.crm_status_id == WON_STATUS:
        return "подключено"
    if record.crm_status_id == LOST_STATUS:
        return f"отказ: {record.crm_loss_reason}" if record.crm_loss_reason else "отказ"
    return "в работе"


def lead_row(record: LeadRecord) -> LeadRow:
    lead = record.lead
    return LeadRow(
        id=lead.id,
        session_id=lead.session_id,
        created_at=lead.created_at,
        kind=lead.kind,
        tariff=lead.tariff,
        name=lead.name,
        phone=mask_phone(lead.phone) if lead.phone else None,
        email=mask_email(lead.email) if lead.email else None,
        address=lead.address.display() if lead.address else None,
        date=lead.date,
        time=lead.time,
        monthly_total=lead.monthly_total,
        one_off_total=lead.one_off_total,
        utm_source=lead.attribution.utm_source,
        utm_campaign=lead.attribution.utm_campaign,
        delivery=record.delivery,
        attempts=record.attempts,
        last_error=scrub(record.last_error) if record.last_error else None,
        crm_lead_id=record.crm_lead_id,
        outcome=_outcome(record),
    )
