"""The default CRM: the local store itself.

With no amoCRM configured, a confirmed lead is saved with delivery status `local` in the same
transaction that confirms it and is listed by `aida leads`; nothing is queued, so the outbox
worker never runs and these methods only answer for leads that are already where they belong.
"""

from __future__ import annotations

from aida.crm.port import CrmRefs, ProgressSink
from aida.domain import Lead


class LocalCrm:
    queues_leads = False

    async def create_lead(self, lead: Lead, known: CrmRefs, progress: ProgressSink) -> CrmRefs:
        # The store already holds the lead; there is no remote id to report.
        return known

    async def update_lead_referrer(self, crm_lead_id: int, referrer: str) -> None:
        # The store saved the referrer with the turn that gave it.
        return None

    async def loss_reason(self, crm_lead_id: int) -> str | None:
        return None  # no remote leads

    async def probe(self) -> None:
        return None  # always there

    async def keep_alive(self) -> None:
        return None  # no credentials to keep

    async def close(self) -> None:
        return None
