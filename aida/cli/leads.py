"""`aida leads [--json]`: the leads in the store with their CRM delivery status."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from typing import Any

from aida.config import Settings
from aida.crm.requeue import retry_leads
from aida.replies.format import phone as phone_display
from aida.store import LeadRecord, open_store

_KIND = {"connection": "подключение", "tech_check": "тех. проверка", "callback": "звонок"}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("leads", help="заявки и статус доставки в CRM")
    p.add_argument("--json", action="store_true", help="вывести JSON (список заявок)")
    p.add_argument("--transcript", action="store_true", help="с перепиской (только с --json)")
    p.add_argument(
        "--retry",
        metavar="ID",
        action="append",
        help="вернуть заявку в очередь доставки в CRM (после исправления настроек)",
    )
    p.set_defaults(func=run)


def lead_json(record: LeadRecord, *, transcript: bool = False) -> dict[str, Any]:
    """A lead as `aida leads --json` shows it: the slots under their `aida extract` names."""
    data = record.lead.model_dump(mode="json", exclude=None if transcript else {"transcript"})
    data["delivery"] = record.delivery
    data["crm_lead_id"] = record.crm_lead_id
    data["crm_status_id"] = record.crm_status_id  # the stage in amoCRM (won 142, lost 143)
    data["crm_loss_reason"] = record.crm_loss_reason
    data["attempts"] = record.attempts
    data["last_error"] = record.last_error
    return data


def _line(record: LeadRecord) -> str:
    lead = record.lead
    status = record.delivery + (f" ({record.last_error})" if record.last_error else "")
    parts = [
        lead.created_at.strftime("%Y-%m-%d %H:%M"),
        lead.id[:8],
        _KIND.get(lead.kind, lead.kind),
        lead.tariff or "—",
        lead.name or "—",
        phone_display(lead.phone) if lead.phone else "—",
        f"{lead.date} {lead.time}" if lead.date else "—",
        f"согласие {lead.consent_at:%Y-%m-%d %H:%M} {lead.consent_version}"
        if lead.consent_at else "без согласия",
        status,
    ]
    return "  ".join(parts)


async def _leads() -> list[LeadRecord]:
    store = open_store(Settings().database_url)
    await store.open()
    try:
        return await store.leads()
    finally:
        await store.close()


async def _retry(settings: Settings, ids: list[str]) -> int:
    store = open_store(settings.database_url)
    await store.open()
    try:
        results = await retry_leads(store, ids, dt.datetime.now(dt.UTC))
    finally:
        await store.close()
    for result in results:
        print(result.message, file=sys.stdout if result.lead_id else sys.stderr)
    return 0 if all(r.lead_id for r in results) else 1


def run(args: argparse.Namespace) -> int:
    if args.retry:
        settings = Settings()
        if not settings.amo_enabled:
            print("CRM не настроена: заявки хранятся локально, повторять нечего.", file=sys.stderr)
            return 2
        return asyncio.run(_retry(settings, args.retry))
    records = asyncio.run(_leads())
    if args.json:
        print(json.dumps([lead_json(r, transcript=args.transcript) for r in records],
                         ensure_ascii=False, indent=2))
    elif not records:
        print("Заявок пока нет.")
    else:
        for record in records:
            print(_line(record))
    return 0
