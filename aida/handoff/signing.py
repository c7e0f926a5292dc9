"""The Chats API's signatures (amocrm.ru/developers/content/chats/chat-step-by-step).

A request to amojo carries `Date` (RFC 2822, valid 15 minutes), `Content-Type:
application/json`, `Content-MD5` (lowercase hex MD5 of the exact body bytes; of the empty
string for a GET) and `X-Signature`: lowercase hex HMAC-SHA1, keyed with the channel secret,
over `METHOD\\nContent-MD5\\nContent-Type\\nDate\\npath` (the path without the query string).
A webhook from amojo carries `X-Signature`: HMAC-SHA1 of the body with the same secret.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping
from email.utils import format_datetime, parsedate_to_datetime

CONTENT_TYPE = "application/json"
# How long a signed request stays valid (the documentation's 15 minutes).
DATE_WINDOW = dt.timedelta(minutes=15)


def body_md5(body: bytes) -> str:
    return hashlib.md5(body).hexdigest()


def http_date(moment: dt.datetime) -> str:
    """RFC 2822 as PHP's DATE_RFC2822 writes it: `Wed, 15 Dec 2021 23:12:55 +0000`."""
    return format_datetime(moment.astimezone(dt.UTC).replace(microsecond=0)).replace(
        "-0000", "+0000"
    )


def _hmac(secret: str, data: bytes) -> str:
    return hmac.new(secret.encode(), data, hashlib.sha1).hexdigest()


def request_signature(
    secret: str, method: str, content_md5: str, content_type: str, date: str, path: str
) -> str:
    text = "\n".join([method.upper(), content_md5, content_type, date, path.split("?", 1)[0]])
    return _hmac(secret, text.encode())


def signed_headers(
    secret: str, method: str, path: str, body: bytes, now: dt.datetime
) -> dict[str, str]:
    """The headers that make `method path` with `body` a valid request to amojo."""
    md5 = body_md5(body)
    date = http_date(now)
    return {
        "Date": date,
        "Content-Type": CONTENT_TYPE,
        "Content-MD5": md5,
        "X-Signature": request_signature(secret, method, md5, CONTENT_TYPE, date, path),
    }


def request_problem(
    secret: str,
    method: str,
    path: str,
    body: bytes,
    headers: Mapping[str, str],
    now: dt.datetime,
) -> str | None:
    """Why a signed request is not valid, or None when it is (the stand-in's check)."""
    date = headers.get("Date", "")
    try:
        sent = parsedate_to_datetime(date)
    except (TypeError, ValueError):
        return "no valid Date header"
    if sent.tzinfo is None or abs(now - sent) > DATE_WINDOW:
        return "Date is outside the 15-minute window"
    content_type = headers.get("Content-Type", "")
    if content_type != CONTENT_TYPE:
        return "Content-Type must be application/json"
    md5 = headers.get("Content-MD5", "")
    if md5 != body_md5(body):
        return "Content-MD5 does not match the body"
    expected = request_signature(secret, method, md5, content_type, date, path)
    if not hmac.compare_digest(expected, headers.get("X-Signature", "")):
        return "invalid signature"
    return None


def webhook_signature(secret: str, body: bytes) -> str:
    return _hmac(secret, body)


def webhook_is_signed(secret: str, body: bytes, signature: str | None) -> bool:
    return bool(signature) and hmac.compare_digest(
        webhook_signature(secret, body), (signature or "").strip().lower()
    )
