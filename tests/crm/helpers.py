"""Shared pieces of the CRM tests: settings pointing at the stand-in amoCRM, a lead, tokens."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp

from aida.catalog import default_catalog
from aida.config import Settings
from aida.crm.amocrm.adapter import AMO_RATE, AMO_WINDOW, AmoCrm, open_amocrm
from aida.crm.ratelimit import RateLimiter
from aida.domain import Address, Attribution, ChatMessage, Lead
from aida.store.base import TokenPair
from tests.fakes.amocrm import FakeAmo

# Short enough that "slow answer" tests run fast, long enough for a loaded CI machine.
TEST_TIMEOUT = aiohttp.ClientTimeout(total=1.5, connect=1.0)


class MemoryTokens:
    """The token part of the store, in memory: a stand-in for the database's row and lock.

    Several TokenManagers sharing one instance behave like several AIDA instances sharing a
    database.
    """

    def __init__(self) -> None:
        self.pairs: dict[str, TokenPair] = {}
        self.saved: list[TokenPair] = []
        self._locks: dict[str, asyncio.Lock] = {}

    async def load_tokens(self, name: str) -> TokenPair | None:
        await asyncio.sleep(0)  # a database round trip lets other tasks run
        return self.pairs.get(name)

    async def save_tokens(self, name: str, tokens: TokenPair) -> None:
        await asyncio.sleep(0)
        self.pairs[name] = tokens
        self.saved.append(tokens)

    @asynccontextmanager
    async def token_lock(self, name: str) -> AsyncIterator[None]:
        async with self._locks.setdefault(name, asyncio.Lock()):
            yield


def amo_settings(amo: FakeAmo, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {**(env or amo.env()), **overrides}
    values = {k: v for k, v in values.items() if v is not None}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


# One request budget per stand-in server: clients opened one after another in a test (a
# "restart") share it, as they would share amoCRM's.
_LIMITERS: dict[str, RateLimiter] = {}


def open_crm_for(
    settings: Settings, store: Any, *, limiter: RateLimiter | None = None, **kw: Any
) -> AmoCrm:
    if limiter is None:
        limiter = _LIMITERS.setdefault(str(settings.amo_url), RateLimiter(AMO_RATE, AMO_WINDOW))
    return open_amocrm(
        settings, store, default_catalog(), timeout=TEST_TIMEOUT, limiter=limiter, **kw
    )


def make_lead(**overrides: Any) -> Lead:
    base: dict[str, Any] = {
        "session_id": "s-1",
        "kind": "connection",
        "created_at": dt.datetime(2025, 11, 20, 10, 0, tzinfo=dt.UTC),
        "tariff": "Пакет Премиум",
        "tariff_speed_mbps": 250,
        "tariff_price": 1490,
        "router": "rent",
        "cctv_cameras": 2,
        "static_ip": True,
        "address": Address(street="улица Мира", house="12", flat="5"),
        "name": "Иван Петров",
        "phone": "+79991234567",
        "email": "ivan@example.com",
        "date": dt.date(2025, 11, 25),
        "time": "18:00",
        "monthly_total": 1990,
        "one_off_total": 2900,
        "attribution": Attribution(
            utm_source="yandex",
            utm_medium="cpc",
            utm_campaign="winter",
            utm_content="banner-1",
            utm_term="интернет волгоград",
        ),
        "transcript": [
            ChatMessage(
                role="user", text="Хочу Премиум", at=dt.datetime(2025, 11, 20, 9, 58, tzinfo=dt.UTC)
            ),
            ChatMessage(
                role="assistant",
                text="Отличный выбор!",
                at=dt.datetime(2025, 11, 20, 9, 58, tzinfo=dt.UTC),
            ),
        ],
    }
    base.update(overrides)
    return Lead(**base)


class FakeClock:
    """Wall clock and monotonic clock that move only when told (or when slept on)."""

    def __init__(
        self, start: dt.datetime = dt.datetime(2025, 11, 20, 10, 0, tzinfo=dt.UTC)
    ) -> None:
        self.start = start
        self.elapsed = 0.0

    def now(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=self.elapsed)

    def monotonic(self) -> float:
        return self.elapsed

    def advance(self, seconds: float) -> None:
        self.elapsed += seconds

    async def sleep(self, seconds: float) -> None:
        self.advance(max(seconds, 0.0))
        await asyncio.sleep(0)
