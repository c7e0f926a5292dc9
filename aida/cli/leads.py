"""`aida leads [--json]`: the leads in the store with their CRM delivery status."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from aida.config import Settings
from aida.replies.format import phone as phone_display
from aida.store import LeadRecord, open_store

_KIND = {"connection": "подключение", "tech_check": "тех. проверка", "callback": "звонок"}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("leads", help="заявки и статус доставки в CRM")
    p.add_argument("--json", action="store_true", help="вывести JSON (список заявок)")
    p.add_argument("--transcript", action="store_true", help="с перепиской (только с --json)")
    p.set_defaults(func=run)


def lead_json(record: LeadRecord, *, transcript: bool = False) -> dict[str, Any]:
    """A lead as `aida leads --json` shows it: the slots under their `aida extract` names."""
    data = record.lead.model_dump(mode="json", exclude=None if transcript else {"transcript"})
    data["delivery"] = record.delivery
    data["crm_lead_id"] = record.crm_lead_id
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


def run(args: argparse.Namespace) -> int:
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
