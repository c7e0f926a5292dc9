"""Conversions between domain models and table rows, shared by both backends."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from aida.domain import STEP_ORDER, Attribution, ChatMessage, Lead, Step
from aida.store.base import DeliveryStatus, LeadRecord, LeadStat, SessionSummary, TouchRecord

STEP_RANK: dict[Step, int] = {step: rank for rank, step in enumerate(STEP_ORDER)}


def utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(dt.UTC)


def touch_json(touch: Attribution) -> str:
    return touch.model_dump_json(exclude_none=True)


def touch_from(first: str | None, latest: str | None) -> TouchRecord:
    return TouchRecord(
        first=Attribution.model_validate_json(first) if first else Attribution(),
        latest=Attribution.model_validate_json(latest) if latest else Attribution(),
    )


def message(role: str, text: str, suggestions: str, at: dt.datetime) -> ChatMessage:
    return ChatMessage(role=role, text=text, suggestions=json.loads(suggestions), at=at)  # type: ignore[arg-type]


def lead_columns(lead: Lead) -> dict[str, Any]:
    """The lead's indexed columns beside its JSON payload."""
    return {
        "id": lead.id,
        "session_id": lead.session_id,
        "kind": lead.kind,
        "payload": lead.model_dump_json(),
        "phone": lead.phone,
        "tariff": lead.tariff,
        "utm_source": lead.attribution.utm_source,
        "created_at": utc(lead.created_at),
    }


def lead_record(row: dict[str, Any]) -> LeadRecord:
    delivery: DeliveryStatus = row["delivery"]
    return LeadRecord(
        lead=Lead.model_validate_json(row["payload"]),
        delivery=delivery,
        crm_lead_id=row["crm_lead_id"],
        crm_contact_id=row["crm_contact_id"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        next_attempt_at=row["next_attempt_at"],
        delivered_at=row["delivered_at"],
        crm_status_id=row.get("crm_status_id"),
        crm_loss_reason=row.get("crm_loss_reason"),
    )


def funnel_from(counts: dict[int, int]) -> dict[Step, int]:
    """Sessions per highest step reached → sessions that reached each step."""
    out: dict[Step, int] = {}
    running = 0
    for rank in range(len(STEP_ORDER) - 1, -1, -1):
        running += counts.get(rank, 0)
        out[STEP_ORDER[rank]] = running
    return {step: out[step] for step in STEP_ORDER}


_LEAD_STAT_COLUMNS = (
    *("id", "session_id", "kind", "created_at", "delivery"),
    *("utm_source", "utm_campaign", "started_at", "crm_status_id", "crm_loss_reason"),
)


def lead_stat(row: tuple[Any, ...]) -> LeadStat:
    """(id, session_id, kind, created_at, delivery, utm_source, utm_campaign, started_at,
    crm_status_id, crm_loss_reason)."""
    return LeadStat.model_validate(dict(zip(_LEAD_STAT_COLUMNS, row, strict=True)))


def session_summary(row: tuple[Any, ...]) -> SessionSummary:
    """(id, step, max_step_rank, created_at, updated_at, first utm_source)."""
    return SessionSummary(
        id=row[0],
        step=Step(row[1]),
        max_step=STEP_ORDER[row[2]],
        created_at=row[3],
        updated_at=row[4],
        utm_source=row[5],
    )
