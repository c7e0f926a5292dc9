"""The CRM port: what the outbox worker needs from any CRM, and how a CRM call can fail.

A delivery is resumable: the adapter reports each id it learns (contact, lead) through
`progress` as soon as it knows it, and a later attempt receives them back in `known`, so a
retry continues where the last one stopped instead of creating anything twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from pydantic import BaseModel

from aida.domain import Lead


class CrmRefs(BaseModel):
    """Ids of what a delivery created or found in the CRM so far."""

    contact_id: int | None = None
    lead_id: int | None = None


ProgressSink = Callable[[CrmRefs], Awaitable[None]]


class CrmError(Exception):
    """A CRM call failed; the message is safe to show to the operator (no personal data)."""


class CrmUnavailable(CrmError):
    """Try again later: rate limited, server error, timeout, network trouble."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class CrmAuthError(CrmUnavailable):
    """The CRM refuses our credentials; deliveries wait until the operator renews them."""


class CrmAccountBlocked(CrmUnavailable):
    """The whole account refuses work (amoCRM 402: unpaid; 403: blocked, often an HTML page):
    no lead's fault and no token's. Delivery pauses and resumes by itself once it answers."""


class CrmRejected(CrmError):
    """The CRM refused this request (validation, payment, access): retrying cannot help
    until the operator changes something, so the lead is marked failed."""


class CrmPort(Protocol):
    # True: confirmed leads are queued in the outbox and delivered by the worker;
    # False: they stay in the local store (delivery status `local`).
    queues_leads: bool

    async def create_lead(self, lead: Lead, known: CrmRefs, progress: ProgressSink) -> CrmRefs:
        """Create (or find, after an interrupted attempt) the contact, the lead and its note."""
        ...

    async def update_lead_referrer(self, crm_lead_id: int, referrer: str) -> None:
        """Set "who recommended us" on a lead already in the CRM."""
        ...

    async def loss_reason(self, crm_lead_id: int) -> str | None:
        """Why a lost lead was lost, as the manager chose it in the CRM (None: not given)."""
        ...

    async def probe(self) -> None:
        """One cheap request: returns when the CRM serves the account again, raises CrmError
        while it does not (the worker's gentle check during an account block)."""
        ...

    async def keep_alive(self) -> None:
        """Renew credentials that would lapse unused (an amoCRM refresh token dies after three
        months without a refresh); called by the idle worker about once a day."""
        ...

    async def close(self) -> None: ...
