"""`aida leads --retry ID`: put failed leads back into the delivery queue.

IDs may be given in full or as the 8-character prefix `aida leads` shows. The running
service's worker picks them up within a second or two.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from aida.store.base import Store


class RetryResult(BaseModel):
    given: str
    lead_id: str | None
    message: str


async def resolve(store: Store, given: str) -> tuple[str | None, str]:
    """The full lead id for `given` (full id or unique prefix), or None and why not."""
    if await store.lead(given) is not None:
        return given, ""
    matches = [r.lead.id for r in await store.leads() if r.lead.id.startswith(given)]
    if len(matches) == 1:
        return matches[0], ""
    if not matches:
        return None, f"заявки {given} нет"
    return None, f"под {given} подходят {len(matches)} заявки: укажите ID длиннее"


async def retry_leads(store: Store, given_ids: list[str], now: dt.datetime) -> list[RetryResult]:
    results = []
    for given in given_ids:
        lead_id, why = await resolve(store, given.strip())
        if lead_id is None:
            results.append(RetryResult(given=given, lead_id=None, message=why))
            continue
        record = await store.lead(lead_id)
        if record is not None and record.delivery == "delivered":
            message = f"{lead_id[:8]}: уже в CRM (сделка {record.crm_lead_id})"
            results.append(RetryResult(given=given, lead_id=None, message=message))
            continue
        await store.requeue_lead(lead_id, now)
        results.append(
            RetryResult(
                given=given, lead_id=lead_id, message=f"{lead_id[:8]}: снова в очереди доставки"
            )
        )
    return results
