"""Connecting the chat channel to the amoCRM account, and reporting its state.

`connect`: the account's chat id (`amojo_id`, from `GET /api/v4/account?with=amojo_id` with
the ordinary amoCRM token, or given), then amojo's `connect`, and the `scope_id` it answers is
stored (the relay and the webhook use it). Repeat after reinstalling the integration.
`state`: read-only, for `aida crm check` and `aida doctor`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any, Literal

from pydantic import BaseModel

from aida.config import Settings
from aida.handoff.client import AmojoClient
from aida.handoff.db import Db, PostgresDb, SqliteDb, db_for
from aida.handoff.store import Channel, HandoffStore

Level = Literal["ok", "info", "warn", "fail"]
TITLE = "AIDA — чат на сайте"


class ChannelState(BaseModel):
    status: Level
    message: str
    fix: str | None = None


def client_for(settings: Settings) -> AmojoClient:
    return AmojoClient(settings.amojo_base_url, settings.amojo_channel_id or "",
                       settings.amojo_channel_secret or "")


async def connect(settings: Settings, store: object, amojo_id: str,
                  client: AmojoClient | None = None) -> Channel:
    """Connect the channel for `amojo_id` and store the answer; `store` is open."""
    client = client or client_for(settings)
    try:
        scope_id = await client.connect(amojo_id, TITLE)
    finally:
        await client.close()
    channel = Channel(channel_id=client.channel_id, amojo_id=amojo_id, scope_id=scope_id,
                      connected_at=dt.datetime.now(dt.UTC))
    await HandoffStore(db_for(store)).save_channel(channel)
    return channel


def missing_settings(settings: Settings) -> list[str]:
    names = {"AMOJO_CHANNEL_ID": settings.amojo_channel_id,
             "AMOJO_CHANNEL_SECRET": settings.amojo_channel_secret,
             "AMOJO_BOT_ID": settings.amojo_bot_id}
    return [name for name, value in names.items() if not value]


async def _read(settings: Settings, db: Db) -> ChannelState:
    handoffs = HandoffStore(db)
    channel = await handoffs.channel(settings.amojo_channel_id or "")
    if channel is None:
        return ChannelState(status="fail", message="канал чатов не подключён к аккаунту",
                            fix="выполните `aida crm connect-chat`")
    relay = await handoffs.relay_totals()
    message = (f"подключён {channel.connected_at:%Y-%m-%d %H:%M} UTC, scope_id "
               f"{channel.scope_id}; в очереди {relay.pending}, не доставлено {relay.failed}")
    if relay.failed:
        return ChannelState(status="warn", message=message,
                            fix="сообщения менеджерам не доставлены: проверьте секрет "
                                "канала и подключение (журнал: handoff.relay)")
    return ChannelState(status="ok", message=message)


async def state(settings: Settings) -> ChannelState:
    """The channel's state, read without writing anything (the schema must be current)."""
    missing = missing_settings(settings)
    if len(missing) == 3:
        return ChannelState(status="info", message="живой чат с менеджером не настроен "
                            "(AMOJO_*): на просьбу позвать человека — контакты и обратный звонок")
    if missing:
        return ChannelState(status="fail", message="не заданы " + ", ".join(missing),
                            fix="задайте все три значения из регистрации канала в amoCRM")
    url = settings.database_url
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2.0)
        try:
            return await _read(settings, SqliteDb(lambda: conn))
        finally:
            conn.close()
    import asyncpg

    pool: Any = await asyncpg.create_pool(url, min_size=1, max_size=1)
    try:
        return await _read(settings, PostgresDb(lambda: pool))
    finally:
        await pool.close()
