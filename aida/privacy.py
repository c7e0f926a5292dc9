"""Masking of personal data for logs: no raw phone number or email ever reaches a log line."""

from __future__ import annotations

import hashlib
import re

# Both patterns are bounded (a written phone is at most ~30 characters, an address part at most
# 64 per RFC 5321), so each position costs a bounded amount of work and scrubbing is linear:
# an unbounded local part made an 8 KB header ending in `@` cost half a second of CPU.
_PHONE_CANDIDATE = re.compile(r"(?<![\w@])\+?\d[\d\s()\-]{8,30}\d(?!\w)")
_EMAIL = re.compile(r"([\w.+-])[\w.+-]{0,63}@([\w-]{1,63}(?:\.[\w-]{1,63}){1,8})", re.UNICODE)


_EMAIL_MAX = 320


def mask_phone(phone: str) -> str:
    """`+79991234567` → `+7 999 ***-**-67` (country, operator code, last two digits)."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 6:
        return "***"
    if len(digits) == 11 and digits[0] in "78":
        return f"+7 {digits[1:4]} ***-**-{digits[-2:]}"
    return f"+{digits[:1]} ***{digits[-2:]}"


def mask_email(email: str) -> str:
    """`ivan@mail.ru` → `i***@mail.ru`."""
    m = _EMAIL.fullmatch(email.strip()[:_EMAIL_MAX])
    if not m:
        return "***"
    return f"{m.group(1)}***@{m.group(2)}"


def scrub(text: str) -> str:
    """Mask every phone- or email-looking run in free text."""
    if "@" in text:  # the cheap test first: logs are scrubbed line by line, field by field
        text = _EMAIL.sub(lambda m: mask_email(m.group(0)), text)
    return _PHONE_CANDIDATE.sub(lambda m: mask_phone(m.group(0)), text)


def session_ref(session_id: str) -> str:
    """What logs say instead of a session id, which is the key to its conversation (anyone
    holding it can read the transcript at /chat/history): 12 hex digits of its SHA-256, so
    lines of one session still go together and an operator can compute it from an id."""
    return hashlib.sha256(session_id.encode()).hexdigest()[:12]
