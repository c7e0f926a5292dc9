"""The wire: one rate-limited HTTP exchange with amoCRM, its answer or a classified error.

Error classes follow research §9–§10: 429, 5xx, timeouts and network errors are temporary
(`CrmUnavailable`, honouring `Retry-After`/`retry_after`); 402 (unpaid) and 403 (the account
blocked, often an nginx HTML page, on any endpoint including the token one) stop the whole
account (`CrmAccountBlocked`: delivery pauses, nothing is marked failed); 400/404/422 are
refusals of one request (`AmoRejected`) that no retry can fix; 401 on the API means the access
token must be renewed (`Unauthorized`, handled by the caller). Only a 400/401 from the token
endpoint with an OAuth error body means the refresh token is spent or the client settings are
wrong (`CrmAuthError`: authorize again).
"""

from __future__ import annotations

import json as jsonlib
import re
from typing import Any, NoReturn

import aiohttp
from pydantic import ValidationError

from aida.crm.amocrm.models import Problem, TokenAnswer
from aida.crm.amocrm.tokens import Clock, token_pair, utcnow
from aida.crm.port import CrmAccountBlocked, CrmAuthError, CrmRejected, CrmUnavailable
from aida.crm.ratelimit import RateLimiter
from aida.ops.metrics import record_amocrm
from aida.privacy import scrub
from aida.store.base import TokenPair

# The official PHP library's limits (research §0): 5 s to connect, 20 s per request.
DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=20, connect=5)
# Rate-limited without a stated wait: do not come back sooner than this (research §10).
MIN_RETRY_AFTER = 1.0


# Statuses that stop the whole account, and what the operator should do about them.
ACCOUNT_BLOCKED: dict[int, str] = {
    402: "the amoCRM subscription has ended: the account owner must pay for it",
    403: "amoCRM has blocked the account (often after repeated 429s): ask amoCRM support",
}
# Statuses that refuse one request's content: the lead is marked failed for the operator.
REQUEST_REFUSED = frozenset({400, 404, 409, 413, 422})


_HTML = re.compile(r"<\s*(!doctype|html|head|body)\b", re.IGNORECASE)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


class Unauthorized(Exception):
    """amoCRM answered 401 to an API call: the access token is expired or revoked."""


class AmoRejected(CrmRejected):
    def __init__(self, message: str, status: int, problem: Problem | None) -> None:
        super().__init__(message)
        self.status = status
        self.problem = problem


def _retry_after(resp: aiohttp.ClientResponse, problem: Problem | None) -> float:
    header = resp.headers.get("Retry-After", "")
    seconds: float | None = float(header) if header.strip().isdigit() else None
    if seconds is None and problem is not None:
        seconds = problem.retry_after
    return max(seconds or 0.0, MIN_RETRY_AFTER)


def _problem(body: Any) -> Problem | None:
    if not isinstance(body, dict):
        return None
    try:
        return Problem.model_validate(body)
    except ValidationError:
        return None


def describe(status: int, problem: Problem | None, text: str, request_id: str | None) -> str:
    """A short operator-facing account of an error answer."""
    if problem is not None:
        parts = [problem.title or f"HTTP {status}"]
        if problem.hint:
            parts.append(problem.hint)
        if problem.detail:
            parts.append(problem.detail)
        for item in problem.validation_errors:
            for issue in item.errors:
                parts.append(f"{issue.path}: {issue.code} {issue.detail or ''}".strip())
        message = "; ".join(parts)
    elif _HTML.search(text):
        # nginx's or amoCRM's error page: its title says all there is
        title = _TITLE.search(text)
        message = f"HTML page «{' '.join(title.group(1).split())[:80]}»" if title else "HTML page"
    else:
        message = " ".join(text.split())[:200] or "no details"
    suffix = f" [X-Request-Id {request_id}]" if request_id else ""
    return f"amoCRM {status}: {scrub(message)}{suffix}"


class AmoHttp:
    def __init__(
        self,
        base_url: str,
        session: aiohttp.ClientSession,
        limiter: RateLimiter,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        redirect_uri: str | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session
        self._limiter = limiter
        self._client_id = client_id
        self._client_secret = client_secret
        self._redirect_uri = redirect_uri
        self._clock = clock

    async def call(
        self,
        method: str,
        path: str,
        *,
        token: str,
        json: Any = None,
        params: dict[str, str] | None = None,
    ) -> Any:
        """Send one API request; the parsed JSON answer, or None for 204 (nothing found)."""
        status, body, text, resp = await self._send(
            method, path, json=json, params=params, headers={"Authorization": f"Bearer {token}"}
        )
        if status == 204:
            return None
        if 200 <= status < 300:
            return body
        problem = _problem(body)
        if status == 401:
            raise Unauthorized(describe(status, problem, text, resp.headers.get("X-Request-Id")))
        self._raise(status, problem, text, resp)

    async def refresh(self, refresh_token: str) -> TokenPair:
        """Spend `refresh_token` for a new pair (`POST /oauth2/access_token`)."""
        if not (self._client_id and self._client_secret):
            raise CrmAuthError(
                "the amoCRM token needs refreshing but AMO_CLIENT_ID/AMO_CLIENT_SECRET are not set"
            )
        payload = {
            "client_id": self._client_id,
            "client_secret": self._client_secret,
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "redirect_uri": self._redirect_uri or "",
        }
        status, body, text, resp = await self._send("POST", "/oauth2/access_token", json=payload)
        problem = _problem(body)
        if 200 <= status < 300:
            try:
                answer = TokenAnswer.model_validate(body)
            except ValidationError as e:
                raise CrmUnavailable(
                    f"amoCRM token answer not understood: {e.error_count()} errors"
                ) from e
            return token_pair(
                answer.access_token, answer.refresh_token, answer.expires_in, self._clock()
            )
        if status in (400, 401) and problem is not None:
            raise CrmAuthError(
                describe(status, problem, text, resp.headers.get("X-Request-Id"))
                + " — the refresh token is spent or the client settings are wrong;"
                " authorize the integration again and set AMO_ACCESS_TOKEN/AMO_REFRESH_TOKEN"
            )
        if status in ACCOUNT_BLOCKED or status == 429 or status >= 500:
            self._raise(status, problem, text, resp)
        # Anything else from the token endpoint (an HTML 400 from a proxy, a 404) is neither a
        # spent token nor a lead's fault: try again later.
        raise CrmUnavailable(describe(status, problem, text, resp.headers.get("X-Request-Id")))

    def _raise(
        self, status: int, problem: Problem | None, text: str, resp: aiohttp.ClientResponse
    ) -> NoReturn:
        message = describe(status, problem, text, resp.headers.get("X-Request-Id"))
        if status == 429:
            raise CrmUnavailable(message, retry_after=_retry_after(resp, problem))
        if status >= 500:
            raise CrmUnavailable(message)
        if status in ACCOUNT_BLOCKED:
            raise CrmAccountBlocked(f"{message} — {ACCOUNT_BLOCKED[status]}")
        if status not in REQUEST_REFUSED:
            # An answer no request of ours should get (an HTML 400 from a proxy, 405…): try
            # again later rather than lose the lead.
            raise CrmUnavailable(message)
        raise AmoRejected(message, status, problem)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any, str, aiohttp.ClientResponse]:
        await self._limiter.acquire()
        try:
            async with self._session.request(
                method, self.base_url + path, json=json, params=params, headers=headers
            ) as resp:
                text = await resp.text(errors="replace")
        except TimeoutError as e:
            record_amocrm("timeout")
            raise CrmUnavailable(f"amoCRM did not answer {method} {path} in time") from e
        except aiohttp.ClientError as e:
            record_amocrm("network")
            raise CrmUnavailable(f"amoCRM unreachable ({type(e).__name__}): {scrub(str(e))}") from e
        record_amocrm(resp.status)
        return resp.status, _json(text), text, resp


def _json(text: str) -> Any:
    try:
        return jsonlib.loads(text) if text.strip() else None
    except ValueError:
        return None  # HTML error pages (403, 429) carry no JSON
