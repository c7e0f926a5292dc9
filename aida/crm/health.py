"""What the operator must know about the CRM connection, in one place: the account blocked or
unpaid (the outbox breaker's state) and a long-lived token near its expiry. Read from the
store, so every instance's dashboard, `aida doctor` and the log say the same."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Protocol

from aida.config import Settings
from aida.crm.amocrm.tokens import TOKEN_NAME
from aida.crm.breaker import StateStore, current_block
from aida.ops.metrics import AMOCRM_TOKEN_EXPIRES
from aida.store.base import TokenPair

log = logging.getLogger("aida.crm")


class HealthStore(StateStore, Protocol):
    async def load_tokens(self, name: str) -> TokenPair | None: ...


def token_warning(pair: TokenPair | None, settings: Settings, now: dt.datetime) -> str | None:
    """A warning when the token in use is a long-lived one (no refresh token) expiring within
    AMO_TOKEN_WARN_DAYS; a refreshable pair renews itself and needs none."""
    if pair is None or pair.refresh_token or pair.expires_at is None:
        return None
    left = pair.expires_at - now
    if left > dt.timedelta(days=settings.amo_token_warn_days):
        return None
    when = pair.expires_at.astimezone(settings.tz).strftime("%d.%m.%Y %H:%M")
    if left <= dt.timedelta(0):
        return f"Долгосрочный токен amoCRM истёк {when}: заявки ждут. Выпустите новый и задайте AMO_ACCESS_TOKEN."
    return (
        f"Долгосрочный токен amoCRM истекает {when} (через {left.days} дн.): выпустите новый "
        "в настройках интеграции и задайте AMO_ACCESS_TOKEN, иначе доставка заявок остановится."
    )


async def crm_warnings(settings: Settings, store: HealthStore, now: dt.datetime) -> list[str]:
    if not settings.amo_enabled:
        return []
    warnings = []
    block = await current_block(store)
    if block is not None:
        since = block.since.astimezone(settings.tz).strftime("%d.%m.%Y %H:%M")
        warnings.append(
            f"amoCRM не принимает заявки с {since}: {block.reason}. Доставка приостановлена, "
            "заявки ждут в очереди и уйдут сами, когда аккаунт заработает."
        )
    pair = await store.load_tokens(TOKEN_NAME)
    if pair is not None and pair.expires_at is not None:
        AMOCRM_TOKEN_EXPIRES.set(pair.expires_at.timestamp())
    token = token_warning(pair, settings, now)
    if token is not None:
        warnings.append(token)
    return warnings


class TokenReader(Protocol):
    async def load_tokens(self, name: str) -> TokenPair | None: ...


async def log_token_warning(settings: Settings, store: TokenReader, now: dt.datetime) -> None:
    """Say it in the log too (the worker calls this about once a day)."""
    pair = await store.load_tokens(TOKEN_NAME)
    if pair is not None and pair.expires_at is not None:
        AMOCRM_TOKEN_EXPIRES.set(pair.expires_at.timestamp())
    warning = token_warning(pair, settings, now)
    if warning is not None:
        log.warning("crm.token_expiring %s", warning, extra={"event": "crm.token_expiring"})
