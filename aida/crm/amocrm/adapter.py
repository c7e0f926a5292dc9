"""The amoCRM adapter of the CRM port: contact, lead and transcript note, exactly once.

Idempotency after a crash: the lead's name carries its AIDA reference (`AIDA-xxxxxxxx`);
before creating a lead we search for that reference, and before adding the note to a lead
we did not create in this attempt we look for the reference among its notes. The contact is
found again by phone. Ids are reported through `progress` the moment they are known.
"""

from __future__ import annotations

import re

import aiohttp

from aida.catalog import Catalog
from aida.config import AMO_LEAD_FIELDS, Settings
from aida.crm.amocrm.api import AmoApi
from aida.crm.amocrm.http import DEFAULT_TIMEOUT, AmoHttp, AmoRejected
from aida.crm.amocrm.models import FoundEntity, LeadIn
from aida.crm.amocrm.payloads import (
    contact_payload,
    lead_payload,
    marker,
    phone_digits,
    referrer_patch,
    transcript_note,
)
from aida.crm.amocrm.tokens import Clock, TokenManager, TokenStore, token_pair, utcnow
from aida.crm.port import CrmRefs, CrmRejected, ProgressSink
from aida.crm.ratelimit import RateLimiter
from aida.domain import Lead

# amoCRM allows 7 requests a second (research §9). The window is counted where requests
# leave; a margin keeps arrival-time jitter from squeezing 8 into amoCRM's second.
AMO_RATE, AMO_WINDOW = 7, 1.1
_CF_PATH = re.compile(r"custom_fields_values\.(\d+)")


def _values(entity: FoundEntity, code: str) -> list[str]:
    for field in entity.custom_fields_values or []:
        if field.field_code == code:
            return [str(v.value) for v in field.values or [] if v.value is not None]
    return []


def explain(error: AmoRejected, payload: LeadIn, settings: Settings) -> str:
    """amoCRM's refusal, naming the AMO_CF_LEAD_* setting behind each rejected field."""
    culprits: list[str] = []
    for item in error.problem.validation_errors if error.problem else []:
        for issue in item.errors:
            m = _CF_PATH.match(issue.path or "")
            if not m or int(m.group(1)) >= len(payload.custom_fields_values):
                continue
            field_id = payload.custom_fields_values[int(m.group(1))].field_id
            for key in AMO_LEAD_FIELDS:
                if settings.amo_lead_field(key) == field_id:
                    culprits.append(f"AMO_CF_LEAD_{key}={field_id}")
    if not culprits:
        return str(error)
    unique = ", ".join(dict.fromkeys(culprits))
    return f"{error} — check {unique} (aida crm check), then aida leads --retry ID"


class AmoCrm:
    queues_leads = True

    def __init__(
        self,
        api: AmoApi,
        settings: Settings,
        *,
        rent_price: int,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.api = api
        self._settings = settings
        self._rent_price = rent_price
        self._session = session  # owned: closed by close()

    async def create_lead(self, lead: Lead, known: CrmRefs, progress: ProgressSink) -> CrmRefs:
        refs = known.model_copy()
        created_now = False
        if refs.lead_id is None:
            found = await self._find_lead(lead)
            if found is not None:
                refs.lead_id = found
                await progress(refs)
        if refs.lead_id is None:
            if refs.contact_id is None:
                refs.contact_id = await self._contact(lead)
                await progress(refs)
            payload = lead_payload(lead, self._settings, self._rent_price, refs.contact_id)
            try:
                refs.lead_id = await self.api.create_lead(payload)
            except AmoRejected as e:
                raise CrmRejected(explain(e, payload, self._settings)) from e
            created_now = True
            await progress(refs)
        if created_now or not await self._has_note(refs.lead_id, lead):
            await self.api.add_note(refs.lead_id, transcript_note(lead, self._settings.tz))
        return refs

    async def update_lead_referrer(self, crm_lead_id: int, referrer: str) -> None:
        field_id = self._settings.amo_lead_field("REFERRER")
        if field_id is None:
            return  # AMO_CF_LEAD_REFERRER not configured: the referrer stays in the local store
        await self.api.patch_lead(crm_lead_id, referrer_patch(field_id, referrer))

    async def keep_alive(self) -> None:
        # Renews (and stores) the pair when the access token has expired; otherwise a no-op.
        await self.api.tokens.access_token()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def _find_lead(self, lead: Lead) -> int | None:
        ref = marker(lead)
        for found in await self.api.find_leads(ref):
            if found.name and ref in found.name:
                return found.id
        return None

    async def _has_note(self, lead_id: int, lead: Lead) -> bool:
        ref = marker(lead)
        return any(
            n.params is not None and n.params.text is not None and ref in n.params.text
            for n in await self.api.lead_notes(lead_id)
        )

    async def _contact(self, lead: Lead) -> int:
        """An existing contact with the same phone (or, without a phone, email), else a new one."""
        if lead.phone:
            digits = phone_digits(lead.phone)
            for found in await self.api.find_contacts(digits):
                if any(phone_digits(v) == digits for v in _values(found, "PHONE")):
                    return found.id
        elif lead.email:
            email = lead.email.casefold()
            for found in await self.api.find_contacts(lead.email):
                if any(v.casefold() == email for v in _values(found, "EMAIL")):
                    return found.id
        return await self.api.create_contact(contact_payload(lead))


def open_amocrm(
    settings: Settings,
    store: TokenStore,
    catalog: Catalog,
    *,
    timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
    limiter: RateLimiter | None = None,
    clock: Clock = utcnow,
) -> AmoCrm:
    """The amoCRM adapter for `settings` (call inside a running event loop; close() it)."""
    if not settings.amo_enabled or settings.amo_url is None or settings.amo_access_token is None:
        raise ValueError(
            "amoCRM is not configured: set AMO_SUBDOMAIN (or AMO_BASE_URL) and a token"
        )
    session = aiohttp.ClientSession(
        timeout=timeout, headers={"User-Agent": "AIDA/0.1 (+amoCRM API v4)"}
    )
    http = AmoHttp(
        settings.amo_url,
        session,
        limiter or RateLimiter(AMO_RATE, AMO_WINDOW),
        client_id=settings.amo_client_id,
        client_secret=settings.amo_client_secret,
        redirect_uri=settings.amo_redirect_uri,
        clock=clock,
    )
    seed = token_pair(settings.amo_access_token, settings.amo_refresh_token or None, None, clock())
    tokens = TokenManager(store, http.refresh, seed=seed, clock=clock)
    return AmoCrm(
        AmoApi(http, tokens), settings, rent_price=catalog.router.rent_price, session=session
    )
