"""`aida leads --retry ID`: put failed leads back into the delivery queue.

IDs may be given in full or as the 8-character prefix `aida leads` shows. The running
service's worker picks them up within a second or two.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel

from aida.store.base import Store

# What became of one retry: the dashboard passes this code (never text) back to itself.
RetryCode = Literal["requeued", "delivered", "not_found", "ambiguous"]


class RetryResult(BaseModel):
    given: str
    lead_id: str | None
    code: RetryCode
    message: str


def retry_message(code: RetryCode, lead: str, crm_lead_id: int | None = None) -> str:
    """What a person is told about a retry of `lead` (an id or the prefix they gave)."""
    return {
        "requeued": f"{lead[:8]}: снова в очереди доставки",
        "delivered": f"{lead[:8]}: уже в CRM"
        + (f" (сделка {crm_lead_id})" if crm_lead_id is not None else ""),
        "not_found": f"заявки {lead} нет",
        "ambiguous": f"под {lead} подходят несколько заявок: укажите ID длиннее",
    }[code]


async def resolve(store: Store, given: str) -> tuple[str | None, RetryCode]:
    """The full lead id for `given` (full id or unique prefix), or None and why not."""
    if await store.lead(given) is not None:
        return given, "requeued"
    # Two are enough to know the prefix is ambiguous; no lead (nor transcript) is loaded.
    matches = await store.lead_ids(given, limit=2) if given else []
    if len(matches) == 1:
        return matches[0], "requeued"
    return None, "not_found" if not matches else "ambiguous"


async def retry_leads(store: Store, given_ids: list[str], now: dt.datetime) -> list[RetryResult]:
    results = []
    for given in given_ids:
        lead_id, code = await resolve(store, given.strip())
        if lead_id is None:
            message = retry_message(code, given.strip())
            results.append(RetryResult(given=given, lead_id=None, code=code, message=message))
            continue
        record = await store.lead(lead_id)
        if record is not None and record.delivery == "delivered":
            message = retry_message("delivered", lead_id, record.crm_lead_id)
            results.append(
                RetryResult(given=given, lead_id=None, code="delivered", message=message)
            )
            continue
        await store.requeue_lead(lead_id, now)
        results.append(
            RetryResult(
                given=given,
                lead_id=lead_id,
                code="requeued",
                message=retry_message("requeued", lead_id),
            )
        )
    return results
