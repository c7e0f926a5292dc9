"""amoCRM OAuth2 tokens: load, seed, refresh once (across instances), persist before use.

Refresh tokens are single-use and rotate (research §1.2): the new pair is saved in the
database before anything uses it, and a refresh happens under the store's cross-instance
token lock after re-reading the stored pair, so two workers never spend the same refresh
token. On first start the database is seeded from AMO_ACCESS_TOKEN/AMO_REFRESH_TOKEN; after
that the database's (rotated) pair wins over the environment's. When the stored pair is
refused, a different pair from the environment is tried, so an operator recovers by setting
new tokens and restarting. A long-lived token (no refresh token) is used until amoCRM
refuses it.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import json
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from aida.crm.port import CrmAuthError
from aida.store.base import TokenPair

TOKEN_NAME = "amocrm"
# Renew this long before the stated expiry, so a token never expires in flight.
EXPIRY_LEEWAY = dt.timedelta(minutes=1)

Refresher = Callable[[str], Awaitable[TokenPair]]
Clock = Callable[[], dt.datetime]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class TokenStore(Protocol):
    async def load_tokens(self, name: str) -> TokenPair | None: ...

    async def save_tokens(self, name: str, tokens: TokenPair) -> None: ...

    def token_lock(self, name: str) -> AbstractAsyncContextManager[None]: ...


def jwt_expiry(token: str) -> dt.datetime | None:
    """The `exp` claim of a JWT (signature not checked: only amoCRM needs to trust it)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
        exp = claims["exp"]
        return dt.datetime.fromtimestamp(float(exp), dt.UTC)
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError, OverflowError):
        return None


def token_pair(
    access_token: str, refresh_token: str | None, expires_in: int | None, now: dt.datetime
) -> TokenPair:
    expires_at = jwt_expiry(access_token)
    if expires_at is None and expires_in:
        expires_at = now + dt.timedelta(seconds=expires_in)
    return TokenPair(access_token=access_token, refresh_token=refresh_token, expires_at=expires_at)


def _same(a: TokenPair, b: TokenPair) -> bool:
    return (a.access_token, a.refresh_token) == (b.access_token, b.refresh_token)


class TokenManager:
    def __init__(
        self,
        store: TokenStore,
        refresh: Refresher,
        *,
        seed: TokenPair | None,
        name: str = TOKEN_NAME,
        clock: Clock = utcnow,
    ) -> None:
        self._store = store
        self._refresh = refresh
        self._seed = seed
        self.name = name
        self._clock = clock
        self._current: TokenPair | None = None
        self._lock = asyncio.Lock()  # one renewal at a time within this process
        # Tokens amoCRM refused in this process: never sent again (no hammering).
        self._dead: set[str] = set()
        self._refusal: CrmAuthError | None = None  # why the last refresh was refused

    async def access_token(self) -> str:
        pair = self._current or await self._load()
        if self._expired(pair):
            pair = await self._renew(stale=pair.access_token)
        return pair.access_token

    async def rejected(self, access_token: str) -> str:
        """amoCRM answered 401 to `access_token`: return a renewed one (or raise CrmAuthError)."""
        return (await self._renew(stale=access_token)).access_token

    def _expired(self, pair: TokenPair) -> bool:
        return pair.expires_at is not None and pair.expires_at - EXPIRY_LEEWAY <= self._clock()

    async def _load(self) -> TokenPair:
        stored = await self._store.load_tokens(self.name)
        if stored is None:
            if self._seed is None:
                raise CrmAuthError("no amoCRM token: set AMO_ACCESS_TOKEN (and AMO_REFRESH_TOKEN)")
            async with self._store.token_lock(self.name):
                stored = await self._store.load_tokens(self.name)
                if stored is None:
                    stored = self._seed
                    await self._store.save_tokens(self.name, stored)
        self._current = stored
        return stored

    async def _renew(self, stale: str) -> TokenPair:
        async with self._lock, self._store.token_lock(self.name):
            stored = await self._store.load_tokens(self.name)
            if stored and stored.access_token != stale and not self._expired(stored):
                self._current = stored  # another worker or instance renewed it meanwhile
                return stored
            candidates = [p for p in (stored, self._seed) if p is not None]
            if stored and self._seed and _same(stored, self._seed):
                candidates = [stored]
            self._dead.add(stale)
            last: CrmAuthError | None = None
            for pair in candidates:
                try:
                    fresh = await self._from(pair)
                except CrmAuthError as e:
                    last = e
                    continue
                if fresh is None:
                    continue
                await self._store.save_tokens(self.name, fresh)  # persist before use
                self._current = fresh
                return fresh
            raise (
                last
                or self._refusal
                or CrmAuthError(
                    "amoCRM refused the access token and there is no refresh token: "
                    "set a new AMO_ACCESS_TOKEN (long-lived token) and restart"
                )
            )

    async def _from(self, pair: TokenPair) -> TokenPair | None:
        """A usable pair derived from `pair`, or None if it has nothing left to offer."""
        if pair.refresh_token is None:
            usable = pair.access_token not in self._dead and not self._expired(pair)
            return pair if usable else None
        if pair.refresh_token in self._dead:
            return None
        try:
            return await self._refresh(pair.refresh_token)
        except CrmAuthError as e:
            self._dead.add(pair.refresh_token)
            self._refusal = e
            raise
