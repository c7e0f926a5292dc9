"""`aida crm connect-chat`: connect the amoCRM chat channel (live handoff) to the account."""

from __future__ import annotations

import argparse
import asyncio
import sys

from aida.config import Settings
from aida.handoff.channel import connect, missing_settings
from aida.handoff.client import AmojoError
from aida.store import open_store


def register(actions: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = actions.add_parser(
        "connect-chat",
        help="подключить канал чатов (AMOJO_*) к аккаунту amoCRM и сохранить scope_id",
    )
    p.add_argument("--amojo-id", help="id аккаунта в чатах (без него читается из amoCRM)")
    p.set_defaults(func=run_connect)


async def _amojo_id(settings: Settings) -> str:
    from aida.catalog import default_catalog, load_catalog
    from aida.crm.amocrm.adapter import open_amocrm

    catalog = load_catalog(settings.catalog_path) if settings.catalog_path else default_catalog()
    store = open_store(settings.database_url)
    await store.open()
    try:
        crm = open_amocrm(settings, store, catalog)
        try:
            account = await crm.api.request("GET", "/api/v4/account",
                                            params={"with": "amojo_id"})
        finally:
            await crm.close()
    finally:
        await store.close()
    amojo_id = account.get("amojo_id") if isinstance(account, dict) else None
    if not isinstance(amojo_id, str) or not amojo_id:
        raise AmojoError("amoCRM не вернул amojo_id аккаунта")
    return amojo_id


async def _connect(settings: Settings, amojo_id: str | None) -> str:
    amojo_id = amojo_id or await _amojo_id(settings)
    store = open_store(settings.database_url)
    await store.open()
    try:
        channel = await connect(settings, store, amojo_id)
    finally:
        await store.close()
    return channel.scope_id


def run_connect(args: argparse.Namespace) -> int:
    settings = Settings()  # type: ignore[call-arg]  # values come from the environment
    missing = missing_settings(settings)
    if missing:
        print("Не заданы: " + ", ".join(missing), file=sys.stderr)
        return 2
    if not args.amojo_id and not settings.amo_enabled:
        print("Нужен доступ к amoCRM (AMO_SUBDOMAIN и AMO_ACCESS_TOKEN), чтобы прочитать "
              "amojo_id, или укажите --amojo-id", file=sys.stderr)
        return 2
    from aida.crm.port import CrmError

    try:
        scope_id = asyncio.run(_connect(settings, args.amojo_id))
    except (AmojoError, CrmError) as e:
        print(f"Не удалось подключить канал: {e}", file=sys.stderr)
        return 1
    print(f"Канал подключён. scope_id: {scope_id}")
    print(f"Адрес для вебхуков: https://<домен ассистента>/amojo/webhook/{scope_id}")
    return 0
