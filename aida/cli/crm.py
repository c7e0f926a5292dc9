"""`aida crm check`: are the AMO_CF_LEAD_* ids real lead fields of the account, of a type
that can hold what AIDA sends? Do the pipelines, stages and managers exist, and is the
status-change webhook subscribed (`--subscribe BASE_URL` subscribes it)?"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from aida.catalog import default_catalog, load_catalog
from aida.cli import chat_channel
from aida.config import Settings
from aida.crm.amocrm.accountcheck import check_account
from aida.crm.amocrm.adapter import open_amocrm
from aida.crm.amocrm.fieldcheck import FieldReport, check_fields
from aida.crm.port import CrmError
from aida.store import open_store

_LABEL = {
    "ok": "ok",
    "not_set": "—",
    "missing": "НЕТ ПОЛЯ",
    "wrong_type": "НЕ ТОТ ТИП",
    "missing_options": "НЕТ ВАРИАНТОВ",
    "not_subscribed": "НЕ ПОДПИСАН",
    "subscribed": "ПОДПИСАН",
}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("crm", help="amoCRM: проверка настройки")
    actions = p.add_subparsers(dest="crm_action", required=True, metavar="ACTION")
    check = actions.add_parser(
        "check", help="сверить поля AMO_CF_LEAD_* с полями сделки в аккаунте amoCRM"
    )
    check.add_argument("--json", action="store_true", help="вывести JSON")
    check.add_argument(
        "--subscribe",
        metavar="BASE_URL",
        help="подписать вебхук смены этапа сделки на BASE_URL/amocrm/webhook/AMO_WEBHOOK_SECRET",
    )
    check.set_defaults(func=run_check)
    chat_channel.register(actions)


async def _reports(settings: Settings, subscribe: str | None = None) -> list[FieldReport]:
    catalog = load_catalog(settings.catalog_path) if settings.catalog_path else default_catalog()
    # The store holds the current token pair (refresh tokens rotate); a refresh made here
    # is saved there too, so the running service keeps working.
    store = open_store(settings.database_url)
    await store.open()
    try:
        crm = open_amocrm(settings, store, catalog)
        try:
            fields = await crm.api.lead_fields()
            account = await check_account(crm.api, settings, subscribe)
        finally:
            await crm.close()
    finally:
        await store.close()
    return check_fields(settings, fields, catalog) + account


def _chat_line(settings: Settings) -> int:
    """The chat channel's state (live handoff): 1 when it is broken."""
    from aida.handoff.channel import state

    chat = asyncio.run(state(settings))
    print(f"Канал чатов: {chat.message}" + (f" → {chat.fix}" if chat.fix else ""))
    return 1 if chat.status == "fail" else 0


def run_check(args: argparse.Namespace) -> int:
    settings = Settings()  # type: ignore[call-arg]  # values come from the environment
    if not args.json:
        broken_chat = _chat_line(settings)
    if not settings.amo_enabled:
        print(
            "amoCRM не настроен: задайте AMO_SUBDOMAIN (или AMO_BASE_URL) и AMO_ACCESS_TOKEN",
            file=sys.stderr,
        )
        return 2
    try:
        reports = asyncio.run(_reports(settings, args.subscribe))
    except CrmError as e:
        print(f"Не удалось проверить аккаунт amoCRM: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([r.model_dump() for r in reports], ensure_ascii=False, indent=2))
    else:
        width = max(len(r.setting) for r in reports)
        for r in reports:
            ident = str(r.field_id) if r.field_id is not None else ""
            print(f"{_LABEL[r.status]:<13} {r.setting:<{width}} {ident:>9}  {r.message}")
        problems = sum(r.problem for r in reports)
        print(f"\nПроблем: {problems}." if problems else "\nВсё заданное в порядке.")
        return 1 if any(r.problem for r in reports) or broken_chat else 0
    return 1 if any(r.problem for r in reports) else 0
