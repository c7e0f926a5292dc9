"""The amoCRM adapter of the CRM port: contact, lead and transcript note, exactly once.

Idempotency after a crash: the lead's name carries its AIDA reference (`AIDA-xxxxxxxx`);
before creating a lead we search for that reference, and before adding the note (or the
manager's task) to a lead we did not create in this attempt we look for the reference among
its notes (tasks). The contact is found again by phone or email. Ids are reported through
`progress` the moment they are known.

Where the lead goes: AMO_PIPELINE_ID/AMO_STATUS_ID (or the kind's own), to a manager from
AMO_RESPONSIBLE_USER_ID in turn, or into «Неразобранное» with AMO_UNSORTED; with
AMO_ATTACH_TO_OPEN_LEAD a returning customer's request joins their lead still in work.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiohttp

from aida.catalog import Catalog
from aida.config import AMO_LEAD_FIELDS, Settings
from aida.crm.amocrm.api import AmoApi
from aida.crm.amocrm.http import DEFAULT_TIMEOUT, AmoHttp, AmoRejected
from aida.crm.amocrm.models import ContactIn, ContactRef, FoundEntity, LeadIn
from aida.crm.amocrm.payloads import (
    AccountView,
    contact_additions,
    contact_payload,
    field_texts,
    lead_custom_fields,
    lead_payload,
    marker,
    phone_digits,
    referrer_patch,
    request_summary,
    task_deadline,
    task_payload,
    transcript_note,
    unsorted_payload,
)
from aida.crm.amocrm.tokens import Clock, TokenManager, TokenStore, token_pair, utcnow
from aida.crm.amocrm.webhooks import LOST_STATUS, WON_STATUS
from aida.crm.health import log_token_warning
from aida.crm.port import CrmRefs, CrmRejected, ProgressSink
from aida.crm.ratelimit import RateLimiter
from aida.domain import Lead

# amoCRM allows 7 requests a second (research §9). The window is counted where requests
# leave; a margin keeps arrival-time jitter from squeezing 8 into amoCRM's second.
AMO_RATE, AMO_WINDOW = 7, 1.1
# The account's fields and zone are read again after this long (an operator may add options).
ACCOUNT_TTL = 600.0
CLOSED_STATUSES = frozenset({WON_STATUS, LOST_STATUS})
ROTATION = "amocrm-responsible"
# Requests that need a manager's call get a task due within this much working time.
TASK_WITHIN: dict[str, dt.timedelta] = {
    "callback": dt.timedelta(minutes=30),
    "tech_check": dt.timedelta(hours=4),
}
TASK_KINDS = frozenset(TASK_WITHIN)
_CF_PATH = re.compile(r"custom_fields_values\.(\d+)")


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


@runtime_checkable
class Rotation(Protocol):
    """A counter shared by every instance (the store): whose turn it is to get a lead."""

    async def next_turn(self, name: str) -> int: ...


class AmoCrm:
    queues_leads = True

    def __init__(
        self,
        api: AmoApi,
        settings: Settings,
        *,
        catalog: Catalog,
        rotation: Rotation | None = None,
        session: aiohttp.ClientSession | None = None,
        clock: Clock = utcnow,
        tokens: TokenStore | None = None,
    ) -> None:
        self.api = api
        self._tokens = tokens
        self._settings = settings
        self._catalog = catalog
        self._rent_price = catalog.router.rent_price
        self._rotation = rotation
        self._session = session  # owned: closed by close()
        self._clock = clock
        self._account: AccountView | None = None
        self._account_read = 0.0

    async def create_lead(self, lead: Lead, known: CrmRefs, progress: ProgressSink) -> CrmRefs:
        refs = known.model_copy()
        created_now = False
        account = await self.account_view()
        fields = lead_custom_fields(lead, self._settings, self._rent_price, account)
        if refs.lead_id is None:
            found = await self._find_lead(lead)
            if found is not None:
                refs.lead_id = found
                await progress(refs)
        if refs.lead_id is None:
            responsible = await self._responsible()
            if refs.contact_id is None and not self._settings.amo_unsorted:
                refs.contact_id = await self._contact(lead, responsible)
                await progress(refs)
            if self._settings.amo_attach_to_open_lead and refs.contact_id is not None:
                refs.lead_id = await self._open_lead(refs.contact_id)
            if refs.lead_id is None:
                payload = lead_payload(lead, self._settings, fields, refs.contact_id, responsible)
                try:
                    if self._settings.amo_unsorted:
                        refs.lead_id, refs.contact_id = await self._unsorted(
                            lead, payload, responsible
                        )
                    else:
                        refs.lead_id = await self.api.create_lead(payload)
                except AmoRejected as e:
                    raise CrmRejected(explain(e, payload, self._settings)) from e
                created_now = True
            await progress(refs)
        if created_now or not await self._has_note(refs.lead_id, lead):
            summary = request_summary(lead, self._rent_price)
            note = transcript_note(lead, self._settings.tz, fields.leftovers, summary)
            await self.api.add_note(refs.lead_id, note)
        if self._wants_task(lead) and (created_now or not await self._has_task(refs.lead_id, lead)):
            await self._add_task(lead, refs.lead_id)
        return refs

    async def update_lead_referrer(self, crm_lead_id: int, referrer: str) -> None:
        field_id = self._settings.amo_lead_field("REFERRER")
        if field_id is None:
            return  # AMO_CF_LEAD_REFERRER not configured: the referrer stays in the local store
        info = (await self.account_view()).fields.get(field_id)
        await self.api.patch_lead(crm_lead_id, referrer_patch(field_id, referrer, info))

    async def loss_reason(self, crm_lead_id: int) -> str | None:
        found = await self.api.get_lead(crm_lead_id, with_="loss_reason")
        reasons = found.embedded.loss_reason if found and found.embedded else []
        return reasons[0].name if reasons else None

    async def probe(self) -> None:
        await self.api.account()

    async def keep_alive(self) -> None:
        # Renews (and stores) the pair when the access token has expired; otherwise a no-op.
        await self.api.tokens.access_token()
        if self._tokens is not None:  # a long-lived token near its end: say so, daily
            await log_token_warning(self._settings, self._tokens, self._clock())

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def account_view(self) -> AccountView:
        """The account's lead fields and time zone, read again every ACCOUNT_TTL seconds."""
        if self._account is None or time.monotonic() - self._account_read > ACCOUNT_TTL:
            fields = await self.api.lead_fields()
            account = await self.api.account()
            settings = account.embedded.datetime_settings
            self._account = AccountView(
                fields={f.id: f for f in fields},
                tz=_zone(settings.timezone if settings else None),
            )
            self._account_read = time.monotonic()
        return self._account

    async def _responsible(self) -> int | None:
        users = self._settings.amo_responsible_users
        if len(users) <= 1 or self._rotation is None:
            return users[0] if users else None
        return users[await self._rotation.next_turn(ROTATION) % len(users)]

    async def _unsorted(
        self, lead: Lead, payload: LeadIn, responsible: int | None
    ) -> tuple[int, int | None]:
        contact: ContactIn | ContactRef = contact_payload(lead, responsible)
        existing = await self._existing_contact(lead)
        if existing is not None:
            contact = ContactRef(id=existing)
        form = unsorted_payload(lead, payload, contact, self._clock())
        lead_id, contact_id = await self.api.create_unsorted(form)
        return lead_id, contact_id if contact_id is not None else existing

    async def _complete(self, found: FoundEntity, lead: Lead) -> None:
        """A returning customer's contact gets the phone or email it lacks (its values kept)."""
        patch = contact_additions(found, lead)
        if patch is not None:
            await self.api.patch_contact(found.id, patch)

    def _wants_task(self, lead: Lead) -> bool:
        return self._settings.amo_tasks and lead.kind in TASK_KINDS

    async def _add_task(self, lead: Lead, lead_id: int) -> None:
        due = task_deadline(
            self._clock(), self._catalog.hours, self._settings.tz, TASK_WITHIN[lead.kind]
        )
        # The lead's manager (chosen at creation, or the open lead's own) gets the task.
        found = await self.api.get_lead(lead_id)
        responsible = found.responsible_user_id if found is not None else None
        await self.api.create_task(task_payload(lead, lead_id, due, responsible))

    async def _has_task(self, lead_id: int, lead: Lead) -> bool:
        ref = marker(lead)
        return any(t.text is not None and ref in t.text for t in await self.api.lead_tasks(lead_id))

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

    async def _open_lead(self, contact_id: int) -> int | None:
        """The contact's newest lead still in work (not won 142, not lost 143), if any."""
        for lead_id in sorted(await self.api.contact_lead_ids(contact_id), reverse=True)[:10]:
            found = await self.api.get_lead(lead_id)
            if found is not None and found.status_id not in CLOSED_STATUSES:
                return found.id
        return None

    async def _existing_contact(self, lead: Lead) -> int | None:
        """A contact with the same phone, else one with the same email (amoCRM's own duplicate
        control is off for most integrations, research §1); completed with what it lacks."""
        found = await self._matching_contact(lead)
        if found is None:
            return None
        await self._complete(found, lead)
        return found.id

    async def _matching_contact(self, lead: Lead) -> FoundEntity | None:
        if lead.phone:
            digits = phone_digits(lead.phone)
            for found in await self.api.find_contacts(digits):
                if any(phone_digits(v) == digits for v in field_texts(found, "PHONE")):
                    return found
        if lead.email:
            email = lead.email.casefold()
            for found in await self.api.find_contacts(lead.email):
                if any(v.casefold() == email for v in field_texts(found, "EMAIL")):
                    return found
        return None

    async def _contact(self, lead: Lead, responsible: int | None) -> int:
        existing = await self._existing_contact(lead)
        if existing is not None:
            return existing
        return await self.api.create_contact(contact_payload(lead, responsible))


def _zone(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


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
    rotation = store if isinstance(store, Rotation) else None
    return AmoCrm(
        AmoApi(http, tokens),
        settings,
        catalog=catalog,
        rotation=rotation,
        session=session,
        clock=clock,
        tokens=store,
    )
