"""Who may see the dashboard: `Authorization: Bearer $AIDA_ADMIN_TOKEN`, or the login form's
cookie.

Without a configured token the admin pages do not exist (404), never open. The cookie holds no
token: it is `<expiry>.<nonce>.<HMAC(expiry.nonce)>` keyed by the token, so it works on every
instance, dies with a changed token, and is compared in constant time; it is Secure, HttpOnly
and SameSite=Strict. Logging out revokes it in the store (a copy kept elsewhere stops working
too, on every instance). Forms posted with the cookie carry a CSRF token derived from it. Failed
attempts count against a per-address limit, so the token cannot be guessed by brute force.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from typing import Literal, Protocol

from aiohttp import web

from aida.config import IpNetwork
from aida.http.client import LOOPBACK, client_address
from aida.http.ratelimit import Limiter, Rule, retry_after

COOKIE = "aida_admin"
COOKIE_PATH = "/admin"
COOKIE_SECONDS = 12 * 3600
# Ten wrong tokens at once from one address, then one a minute.
FAILED_LOGINS = Rule("admin_login", capacity=10, per_second=1 / 60)

Via = Literal["bearer", "cookie"]


class Denied(Exception):
    """Not authorised: 401 (`retry_after` None) or 429 after too many failures."""

    def __init__(self, reason: str, retry_after: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class Revocations(Protocol):
    """Where logged-out cookies are remembered (the store, shared by every instance)."""

    async def revoke_admin_cookie(self, digest: str, expires_at: dt.datetime) -> None: ...

    async def admin_cookie_revoked(self, digest: str) -> bool: ...


class AdminAuth:
    def __init__(
        self,
        token: str,
        limiter: Limiter,
        revocations: Revocations,
        *,
        trusted: tuple[IpNetwork, ...] = LOOPBACK,
    ) -> None:
        self._trusted = trusted  # whose forwarding headers are believed
        self._revocations = revocations
        self._limiter = limiter  # counts wrong tokens; limited even with AIDA_RATE_LIMIT=off
        self._token = token.encode()
        self._key = hashlib.sha256(b"aida-admin-cookie:" + self._token).digest()

    # -- credentials -------------------------------------------------------------------------
    def token_matches(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self._token)

    def new_cookie(self, now: float | None = None) -> str:
        expires = int((now if now is not None else time.time()) + COOKIE_SECONDS)
        # The nonce makes every login's cookie its own, so logging out ends that one only.
        signed = f"{expires}.{secrets.token_hex(8)}"
        return f"{signed}.{self._sign(signed)}"

    def cookie_valid(self, value: str, now: float | None = None) -> bool:
        """Well-signed and not expired (revocation is checked by `check`)."""
        signed, _, signature = value.rpartition(".")
        expires = signed.partition(".")[0]
        if not expires.isdigit() or not hmac.compare_digest(signature, self._sign(signed)):
            return False
        return int(expires) > (now if now is not None else time.time())

    async def revoke(self, cookie: str) -> None:
        """Log this cookie out everywhere, until it would have expired."""
        if self.cookie_valid(cookie):
            expires = dt.datetime.fromtimestamp(int(cookie.partition(".")[0]), dt.UTC)
            await self._revocations.revoke_admin_cookie(_digest(cookie), expires)

    def csrf_token(self, cookie: str) -> str:
        return self._sign("csrf:" + cookie)

    def csrf_valid(self, cookie: str, given: str) -> bool:
        return hmac.compare_digest(given, self.csrf_token(cookie))

    def _sign(self, message: str) -> str:
        return hmac.new(self._key, message.encode(), hashlib.sha256).hexdigest()

    # -- a request ---------------------------------------------------------------------------
    async def check(self, request: web.Request) -> Via:
        """How the request is authorised; raises Denied (counting the failure) if it is not."""
        header = request.headers.get("Authorization", "")
        if header:
            scheme, _, given = header.partition(" ")
            if scheme.lower() == "bearer" and self.token_matches(given.strip()):
                return "bearer"
            await self.failed(request)
            raise Denied("wrong_token")
        cookie = request.cookies.get(COOKIE, "")
        if (
            cookie
            and self.cookie_valid(cookie)
            and not await self._revocations.admin_cookie_revoked(_digest(cookie))
        ):
            return "cookie"
        raise Denied("no_credentials")

    async def failed(self, request: web.Request) -> None:
        """Count a wrong token from this address; raise Denied(429) once over the limit."""
        wait = await self._limiter.hit(
            FAILED_LOGINS, client_address(request, self._trusted)
        )
        if wait > 0:
            raise Denied("too_many_attempts", retry_after=retry_after(wait))


def set_cookie(response: web.StreamResponse, value: str) -> None:
    response.set_cookie(
        COOKIE,
        value,
        max_age=COOKIE_SECONDS,
        path=COOKIE_PATH,
        secure=True,
        httponly=True,
        samesite="Strict",
    )


def _digest(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


def clear_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(COOKIE, path=COOKIE_PATH, secure=True, httponly=True, samesite="Strict")
