"""Email addresses: candidates found with a regex, validated with email-validator (offline).

email-validator does not search text, so anything shaped like `x@y` is a candidate; a
candidate that fails validation is reported (`invalid`) rather than dropped, so the customer
is asked to check it. Spoken forms (`ivan собака mail точка ru`) are understood too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aida.nlu.text import MOST_MATCHES, in_sorted_spans
from aida.understanding.types import Problem

# A local part, "@", then anything up to a space: commas and double "@" stay inside, so
# `ivan@gmail,com` is caught and rejected rather than cut to `ivan@gmail`.
# The lookbehind starts a candidate only where a run of such characters starts: otherwise a
# long word with no "@" is rescanned from each of its letters (quadratic).
_CANDIDATE = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[^\s<>()\[\]\"]*", re.UNICODE)
_SPOKEN = re.compile(
    r"(?<![\w.-])([a-z0-9][a-z0-9._-]*(?:\s+точка\s+[a-z0-9][a-z0-9_-]*)*)"
    r"\s+(?:собака|собачка)\s+([a-z0-9-]+)"
    r"((?:\s*(?:точка|\.)\s*[a-z]{2,})+)(?![\w])"
)
_TRAILING = ".,;:!?'-"


@dataclass(frozen=True)
class FoundEmail:
    start: int
    end: int
    email: str | None
    problem: Problem | None


def normalize_email(s: str) -> str | None:
    """A valid address → its normalised form (domain lower-cased); anything else → None."""
    # Imported here: its syntax tables take a noticeable part of the import time.
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(s.strip(), check_deliverability=False).normalized
    except (EmailNotValidError, UnicodeError, ValueError):
        return None


def _found(start: int, end: int, candidate: str, check: bool) -> FoundEmail:
    if not check:
        return FoundEmail(start, end, None, None)
    email = normalize_email(candidate)
    problem = None if email else Problem(slot="email", code="invalid", value=candidate)
    return FoundEmail(start, end, email, problem)


def find_emails(original: str, folded: str) -> list[FoundEmail]:
    """Emails in the message; `original` keeps the local part's case, `folded` is searched.

    Only the first `MOST_MATCHES` candidates are validated (a pasted list is not checked to
    its end); the rest are still masked, so their digits never reach the other readers.
    """
    found: list[FoundEmail] = []
    for m in _CANDIDATE.finditer(folded):
        start, end = m.start(), m.end()
        while end > start and folded[end - 1] in _TRAILING:
            end -= 1
        found.append(_found(start, end, original[start:end], len(found) < MOST_MATCHES))
    taken = [(f.start, f.end) for f in found]
    for m in _SPOKEN.finditer(folded):
        if in_sorted_spans(m.start(), taken):
            continue
        domain = re.sub(r"\s*(?:точка|\.)\s*", ".", m.group(2) + m.group(3))
        local = re.sub(r"\s+точка\s+", ".", original[m.start(1) : m.end(1)])
        candidate = f"{local}@{domain}"
        found.append(_found(m.start(), m.end(), candidate, len(found) < MOST_MATCHES))
    return found
