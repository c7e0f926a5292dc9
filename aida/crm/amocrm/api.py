"""Authorized amoCRM API v4 calls, typed: search, create, patch, notes, custom fields.

Every call carries the current access token; a 401 renews it once (TokenManager keeps that
single across instances) and repeats the call, as the official library does (research §10).
"""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

from pydantic import BaseModel, ValidationError

from aida.crm.amocrm.http import AmoHttp, Unauthorized
from aida.crm.amocrm.models import (
    Account,
    ContactIn,
    ContactPatch,
    Created,
    FieldInfo,
    FieldPage,
    Found,
    FoundEntity,
    FoundNote,
    FoundTask,
    LeadIn,
    LeadPatch,
    NoteIn,
    Pipeline,
    PipelineList,
    TaskIn,
    UnsortedCreated,
    UnsortedFormIn,
    User,
    UserList,
    Webhook,
    WebhookIn,
    WebhookList,
    dump,
)
from aida.crm.amocrm.tokens import TokenManager
from aida.crm.port import CrmAuthError, CrmUnavailable

# Field pages are followed at most this far (50 fields a page: 5000 fields).
MAX_FIELD_PAGES = 100


M = TypeVar("M", bound=BaseModel)


def _parse(model: type[M], body: Any, what: str) -> M:
    try:
        return model.model_validate(body)
    except ValidationError as e:
        raise CrmUnavailable(
            f"amoCRM answer to {what} not understood ({e.error_count()} errors)"
        ) from e


class AmoApi:
    def __init__(self, http: AmoHttp, tokens: TokenManager) -> None:
        self.http = http
        self.tokens = tokens

    async def request(
        self, method: str, path: str, *, json: Any = None, params: dict[str, str] | None = None
    ) -> Any:
        token = await self.tokens.access_token()
        try:
            return await self.http.call(method, path, token=token, json=json, params=params)
        except Unauthorized:
            token = await self.tokens.rejected(token)
        try:
            return await self.http.call(method, path, token=token, json=json, params=params)
        except Unauthorized as e:
            raise CrmAuthError(f"{e} (even with a renewed token)") from e

    # -- contacts ---------------------------------------------------------------------------
    async def find_contacts(self, query: str) -> list[FoundEntity]:
        body = await self.request("GET", "/api/v4/contacts", params={"query": query})
        return [] if body is None else _parse(Found, body, "contact search").embedded.contacts

    async def create_contact(self, contact: ContactIn) -> int:
        body = await self.request("POST", "/api/v4/contacts", json=[dump(contact)])
        created = _parse(Created, body, "contact creation").embedded.contacts
        if not created:
            raise CrmUnavailable("amoCRM created no contact")
        return created[0].id

    async def patch_contact(self, contact_id: int, patch: ContactPatch) -> None:
        await self.request("PATCH", f"/api/v4/contacts/{contact_id}", json=dump(patch))

    async def contact_lead_ids(self, contact_id: int) -> list[int]:
        """The ids of the leads linked to a contact (`?with=leads`)."""
        body = await self.request("GET", f"/api/v4/contacts/{contact_id}", params={"with": "leads"})
        if body is None:
            return []
        found = _parse(FoundEntity, body, "contact")
        return [item.id for item in found.embedded.leads] if found.embedded else []

    # -- leads ------------------------------------------------------------------------------
    async def get_lead(self, lead_id: int, with_: str | None = None) -> FoundEntity | None:
        params = {"with": with_} if with_ else None
        body = await self.request("GET", f"/api/v4/leads/{lead_id}", params=params)
        return None if body is None else _parse(FoundEntity, body, "lead")

    async def create_unsorted(self, form: UnsortedFormIn) -> tuple[int, int | None]:
        """(lead id, contact id) of an incoming request added to «Неразобранное»."""
        body = await self.request("POST", "/api/v4/leads/unsorted/forms", json=[dump(form)])
        created = _parse(UnsortedCreated, body, "unsorted creation").embedded.unsorted
        if not created or not created[0].embedded.leads:
            raise CrmUnavailable("amoCRM created no incoming lead")
        contacts = created[0].embedded.contacts
        return created[0].embedded.leads[0].id, contacts[0].id if contacts else None

    async def find_leads(self, query: str) -> list[FoundEntity]:
        body = await self.request("GET", "/api/v4/leads", params={"query": query})
        return [] if body is None else _parse(Found, body, "lead search").embedded.leads

    async def create_lead(self, lead: LeadIn) -> int:
        body = await self.request("POST", "/api/v4/leads", json=[dump(lead)])
        created = _parse(Created, body, "lead creation").embedded.leads
        if not created:
            raise CrmUnavailable("amoCRM created no lead")
        return created[0].id

    async def patch_lead(self, lead_id: int, patch: LeadPatch) -> None:
        await self.request("PATCH", f"/api/v4/leads/{lead_id}", json=dump(patch))

    # -- notes ------------------------------------------------------------------------------
    async def lead_notes(self, lead_id: int) -> list[FoundNote]:
        body = await self.request(
            "GET",
            f"/api/v4/leads/{lead_id}/notes",
            params={"filter[note_type]": "common", "limit": "250"},
        )
        return [] if body is None else _parse(Found, body, "note list").embedded.notes

    async def add_note(self, lead_id: int, note: NoteIn) -> int:
        body = await self.request("POST", f"/api/v4/leads/{lead_id}/notes", json=[dump(note)])
        created = _parse(Created, body, "note creation").embedded.notes
        if not created:
            raise CrmUnavailable("amoCRM created no note")
        return created[0].id

    # -- tasks ------------------------------------------------------------------------------
    async def lead_tasks(self, lead_id: int) -> list[FoundTask]:
        body = await self.request(
            "GET",
            "/api/v4/tasks",
            params={"filter[entity_type]": "leads", "filter[entity_id]": str(lead_id)},
        )
        return [] if body is None else _parse(Found, body, "task list").embedded.tasks

    async def create_task(self, task: TaskIn) -> int:
        body = await self.request("POST", "/api/v4/tasks", json=[dump(task)])
        created = _parse(Created, body, "task creation").embedded.tasks
        if not created:
            raise CrmUnavailable("amoCRM created no task")
        return created[0].id

    # -- account ----------------------------------------------------------------------------
    async def account(self) -> Account:
        body = await self.request("GET", "/api/v4/account", params={"with": "datetime_settings"})
        return _parse(Account, body, "account")

    async def pipelines(self) -> list[Pipeline]:
        body = await self.request("GET", "/api/v4/leads/pipelines")
        return [] if body is None else _parse(PipelineList, body, "pipelines").embedded.pipelines

    async def users(self) -> list[User]:
        users: list[User] = []
        for page in range(1, MAX_FIELD_PAGES + 1):
            body = await self.request(
                "GET", "/api/v4/users", params={"limit": "250", "page": str(page)}
            )
            if body is None:
                break
            answer = _parse(UserList, body, "users")
            users.extend(answer.embedded.users)
            if answer.links.next is None:
                break
        return users

    async def webhooks(self) -> list[Webhook]:
        body = await self.request("GET", "/api/v4/webhooks")
        return [] if body is None else _parse(WebhookList, body, "webhooks").embedded.webhooks

    async def subscribe(self, hook: WebhookIn) -> None:
        await self.request("POST", "/api/v4/webhooks", json=dump(hook))

    async def lead_fields(self) -> list[FieldInfo]:
        """Every lead custom field of the account, following `_links.next` (50 a page)."""
        fields: list[FieldInfo] = []
        path, params = "/api/v4/leads/custom_fields", {"limit": "250", "page": "1"}
        for _ in range(MAX_FIELD_PAGES):
            body = await self.request("GET", path, params=params)
            if body is None:
                break
            page = _parse(FieldPage, body, "custom field list")
            fields.extend(page.embedded.custom_fields)
            if page.links.next is None:
                break
            nxt = urlsplit(page.links.next.href)
            path, params = nxt.path, dict(parse_qsl(nxt.query))
        return fields
