"""A stand-in amoCRM (API v4 + OAuth2) following ../shared/research/amocrm.md §11.

Used by the CRM tests and reusable by any other test (ops, several instances):

    async with FakeAmo.serve() as amo:          # on 127.0.0.1, a free port
        env = amo.env()                          # AMO_BASE_URL, tokens, client, field ids
        ...
        assert amo.leads_created == 1

or standalone: `python -m tests.fakes.amocrm --port 8910` (prints the environment to use).

What it does like amoCRM: JWT-looking access tokens with `exp` (401 problem+json once
expired or unknown), single-use rotating refresh tokens ("Token has been revoked" on reuse),
batch POST of contacts/leads/notes echoing `request_id`, HAL answers, full-text `query`
search over filled fields with 204 when nothing matches, custom-field validation with
`validation-errors` (unknown id, wrong type, unknown select option), paginated field list
(50 a page), and 7 requests/s (429 beyond). Like a real account it also refuses text values
over 256 characters (only `textarea` takes more), select values that are not exactly an option
(or whose `enum_id` is not one), unknown pipelines, stages and users; keeps a date field as the
calendar day in the account's zone (`account_tz`, settable west of AIDA_TIMEZONE); answers
`/account?with=datetime_settings`, pipelines, users, tasks, «Неразобранное» forms and webhook
subscriptions, and sends form-encoded status-change webhooks when a lead is moved
(`move_lead`). `block(402|403)` makes every request, the token endpoint included, answer with
an HTML page, as a blocked or unpaid account does. Faults are scripted: `fail(...)` for the next
matching requests (status, HTML or JSON body, Retry-After, slow answers before or after the
work is done) and `outage` for every request until cleared.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import collections
import datetime as dt
import itertools
import json
import re
import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field, replace
from http import HTTPStatus
from typing import Any, Literal
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web

from tests.fakes.serving import serving

HAL = "application/hal+json"
PROBLEM = "application/problem+json"

CLIENT_ID = "aida-test-client"
CLIENT_SECRET = "aida-test-secret"
REDIRECT_URI = "https://aida.example/oauth"


@dataclass
class Field:
    id: int
    name: str
    type: str
    enums: list[str] = field(default_factory=list)


# The seed's ids (../shared/seed/aida-seed.md) plus a referrer field; router and CCTV are
# select fields here, so both value paths (text and select option) are exercised.
ROUTER_OPTIONS = ["В подарок", "Аренда 200 ₽/мес", "Покупка", "Свой"]
CCTV_OPTIONS = ["Нет", "1 камера", "2 камеры", "4 камеры"]
DEFAULT_LEAD_FIELDS: dict[str, Field] = {
    "CONNECTION_DATE": Field(2578411, "Дата подключения", "date"),
    "CONNECTION_TIME": Field(2578413, "Время подключения", "text"),
    "ROUTER": Field(2578885, "Роутер", "select", ROUTER_OPTIONS),
    "CCTV": Field(2578889, "Видеонаблюдение", "select", CCTV_OPTIONS),
    "STATIC_IP": Field(2578891, "Постоянный IP", "checkbox"),
    "TARIFF": Field(2578883, "Тариф", "text"),
    "ADDRESS": Field(2578887, "Адрес", "text"),
    "UTM_SOURCE": Field(2375289, "utm_source", "tracking_data"),
    "UTM_MEDIUM": Field(2375285, "utm_medium", "tracking_data"),
    "UTM_CAMPAIGN": Field(2375287, "utm_campaign", "tracking_data"),
    "UTM_CONTENT": Field(2375283, "utm_content", "tracking_data"),
    "UTM_TERM": Field(2375291, "utm_term", "tracking_data"),
    "REFERRER": Field(2578893, "Кто порекомендовал", "text"),
    "CONSENT": Field(2578895, "Согласие на обработку ПД", "textarea"),
}
_TEXT_TYPES = {"text", "textarea", "tracking_data", "streetaddress", "url"}
_CHOICE_TYPES = {"select", "radiobutton", "multiselect"}
TEXT_LIMIT = 256  # amoCRM refuses longer text values (research §1)
ACCOUNT_ID = 29_000_001
SUBDOMAIN = "aidatest"
MAIN_PIPELINE = 7_000_001
CHECK_PIPELINE = 7_000_002
UNSORTED_STATUS, NEW_STATUS, CHECK_NEW_STATUS = 70_001, 70_002, 70_101
WON, LOST = 142, 143
USERS = {5_001: "Анна Менеджер", 5_002: "Борис Менеджер", 5_003: "Вера Менеджер"}
LOSS_REASONS = {9_001: "Дорого", 9_002: "Нет технической возможности"}
DEFAULT_PIPELINES: dict[int, tuple[str, list[tuple[int, str]]]] = {
    MAIN_PIPELINE: (
        "Подключения",
        [
            (UNSORTED_STATUS, "Неразобранное"),
            (NEW_STATUS, "Новая заявка"),
            (70_003, "Назначен монтаж"),
            (WON, "Успешно реализовано"),
            (LOST, "Закрыто и не реализовано"),
        ],
    ),
    CHECK_PIPELINE: (
        "Техпроверка",
        [
            (70_100, "Неразобранное"),
            (CHECK_NEW_STATUS, "Проверить адрес"),
            (WON, "Успешно реализовано"),
            (LOST, "Закрыто и не реализовано"),
        ],
    ),
}
_FIELD_PAGE = 50
_API_PATH = re.compile(r"^/api/v4/")


@dataclass
class Fault:
    """Answer the next `times` requests matching `method`/`path` (a regex) this way."""

    status: int = 503
    times: int = 1
    method: str | None = None
    path: str = r"^/"
    body: Literal["json", "html", "empty"] = "json"
    retry_after: int | None = None  # JSON `retry_after` (Kommo docs)
    retry_after_header: int | None = None
    # Slow answers: wait `delay` seconds, then answer with the fault status — or, with
    # `status=0`, do the work and answer normally. `delay_after` does the work first.
    delay: float = 0.0
    delay_after: bool = False

    def matches(self, request: web.Request) -> bool:
        if self.method and request.method != self.method:
            return False
        return re.search(self.path, request.path) is not None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class FakeAmo:
    def __init__(
        self,
        *,
        lead_fields: dict[str, Field] | None = None,
        access_ttl: int = 86400,
        max_rps: int | None = 7,
        clock: Callable[[], float] = time.time,
        account_tz: str = "Europe/Moscow",
    ) -> None:
        # Copies: a test may change a field's type or options without touching the defaults.
        source = DEFAULT_LEAD_FIELDS if lead_fields is None else lead_fields
        self.lead_fields = {k: replace(f, enums=list(f.enums)) for k, f in source.items()}
        self.access_ttl = access_ttl
        self.max_rps = max_rps
        self.clock = clock
        self.faults: list[Fault] = []
        self.outage: int | None = None  # every request answers this status while set
        self.outage_body: Literal["json", "html", "empty"] = "html"
        # token state
        self.access_tokens: dict[str, float] = {}  # token -> exp (unix seconds)
        self.refresh_tokens: set[str] = set()
        self.used_refresh_tokens: set[str] = set()
        self.codes: set[str] = set()
        # account data
        self.amojo_id = "52e591f7-c98f-4255-8495-827210138c81"  # the account's chat id
        self.chat_links: list[dict[str, Any]] = []  # POST /api/v4/contacts/chats
        self._ids = itertools.count(10_000_001)
        self.contacts: dict[int, dict[str, Any]] = {}
        self.leads: dict[int, dict[str, Any]] = {}
        self.notes: dict[int, list[dict[str, Any]]] = collections.defaultdict(list)
        self.tasks: dict[int, dict[str, Any]] = {}
        self.unsorted: list[dict[str, Any]] = []
        self.webhooks: list[dict[str, Any]] = []
        self.account_tz = account_tz
        self.pipelines = {k: (n, list(st)) for k, (n, st) in DEFAULT_PIPELINES.items()}
        self.users = dict(USERS)
        self.webhook_posts: list[tuple[str, int]] = []  # (destination, HTTP status answered)
        # counters
        self.requests: list[tuple[str, str]] = []
        self.refreshes = 0
        self.refresh_rejections = 0
        self.unauthorized = 0
        self.rate_limited = 0
        self._recent: collections.deque[float] = collections.deque()
        self.app = self._make_app()
        self.url = ""

    # -- control ------------------------------------------------------------------------------
    def issue_tokens(self) -> tuple[str, str]:
        """A fresh valid (access, refresh) pair, as after authorizing the integration."""
        return self._new_access(), self._new_refresh()

    def issue_code(self) -> str:
        code = "def502" + secrets.token_hex(16)
        self.codes.add(code)
        return code

    def expire_access_tokens(self) -> None:
        """Every access token issued so far is expired from now on (401 on use)."""
        self.access_tokens = {t: 0.0 for t in self.access_tokens}

    def block(self, status: int | None = 403) -> None:
        """Every request (token endpoint included) answers `status` with an HTML page, as a
        blocked (403) or unpaid (402) account does; None lifts the block."""
        self.outage = status
        self.outage_body = "html"

    async def move_lead(
        self,
        lead_id: int,
        status_id: int,
        *,
        pipeline_id: int | None = None,
        loss_reason_id: int | None = None,
    ) -> None:
        """A manager moves a lead: its stage changes and subscribed webhooks are sent, form
        encoded, as amoCRM sends them (`leads[status][0][…]`, `account[…]`)."""
        lead = self.leads[lead_id]
        old_status, old_pipeline = lead["status_id"], lead["pipeline_id"]
        lead["status_id"] = status_id
        lead["pipeline_id"] = pipeline_id or old_pipeline
        lead["loss_reason_id"] = loss_reason_id
        form = {
            "leads[status][0][id]": str(lead_id),
            "leads[status][0][name]": lead["name"],
            "leads[status][0][status_id]": str(status_id),
            "leads[status][0][old_status_id]": str(old_status),
            "leads[status][0][pipeline_id]": str(lead["pipeline_id"]),
            "leads[status][0][old_pipeline_id]": str(old_pipeline),
            "leads[status][0][price]": str(lead["price"]),
            "leads[status][0][responsible_user_id]": str(lead["responsible_user_id"]),
            "leads[status][0][last_modified]": str(int(self.clock())),
            "leads[status][0][account_id]": str(ACCOUNT_ID),
            "account[id]": str(ACCOUNT_ID),
            "account[subdomain]": SUBDOMAIN,
        }
        if loss_reason_id is not None:
            form["leads[status][0][loss_reason_id]"] = str(loss_reason_id)
        async with aiohttp.ClientSession() as http:
            for hook in self.webhooks:
                if hook["disabled"] or "status_lead" not in hook["settings"]:
                    continue
                async with http.post(hook["destination"], data=form) as resp:
                    self.webhook_posts.append((hook["destination"], resp.status))

    def lead_day(self, lead_id: int, key: str) -> dt.date | None:
        """The calendar day a date field of lead `lead_id` shows in the account."""
        value = self.lead_field(lead_id, key)
        if value is None:
            return None
        return dt.datetime.fromtimestamp(value, ZoneInfo(self.account_tz)).date()

    def fail(self, status: int = 503, times: int = 1, **kw: Any) -> Fault:
        fault = Fault(status=status, times=times, **kw)
        self.faults.append(fault)
        return fault

    def env(self, *, tokens: tuple[str, str | None] | None = None) -> dict[str, str]:
        """Environment for AIDA pointing at this server, with a fresh token pair."""
        access, refresh = tokens or self.issue_tokens()
        env = {
            "AMO_BASE_URL": self.url,
            "AMO_ACCESS_TOKEN": access,
            "AMO_CLIENT_ID": CLIENT_ID,
            "AMO_CLIENT_SECRET": CLIENT_SECRET,
            "AMO_REDIRECT_URI": REDIRECT_URI,
        }
        if refresh:
            env["AMO_REFRESH_TOKEN"] = refresh
        for key, f in self.lead_fields.items():
            env[f"AMO_CF_LEAD_{key}"] = str(f.id)
        return env

    # -- counters -----------------------------------------------------------------------------
    @property
    def leads_created(self) -> int:
        return len(self.leads)

    @property
    def contacts_created(self) -> int:
        return len(self.contacts)

    @property
    def notes_created(self) -> int:
        return sum(len(n) for n in self.notes.values())

    def count(self, method: str, path_regex: str = r"^/") -> int:
        return sum(1 for m, p in self.requests if m == method and re.search(path_regex, p))

    def lead_field(self, lead_id: int, key: str) -> Any:
        """The single value stored in lead `lead_id`'s field `key` (None when absent)."""
        fid = self.lead_fields[key].id
        for cf in self.leads[lead_id]["custom_fields_values"]:
            if cf["field_id"] == fid:
                return cf["values"][0]["value"]
        return None

    # -- serving ------------------------------------------------------------------------------
    @classmethod
    @asynccontextmanager
    async def serve(cls, port: int = 0, **kw: Any) -> AsyncIterator[FakeAmo]:
        fake = cls(**kw)
        async with serving(fake.app, port, handler_cancellation=False) as fake.url:
            yield fake

    def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        r = app.router
        r.add_post("/oauth2/access_token", self._token)
        r.add_post("/api/v4/contacts/chats", self._link_chats)
        r.add_get("/api/v4/contacts", self._search_contacts)
        r.add_post("/api/v4/contacts", self._create_contacts)
        r.add_get("/api/v4/leads/custom_fields", self._custom_fields)
        r.add_get("/api/v4/leads", self._search_leads)
        r.add_post("/api/v4/leads", self._create_leads)
        r.add_patch("/api/v4/leads", self._patch_leads)
        r.add_patch(r"/api/v4/leads/{id:\d+}", self._patch_lead)
        r.add_get(r"/api/v4/leads/{id:\d+}", self._get_lead)
        r.add_post("/api/v4/leads/notes", self._add_notes)
        r.add_get(r"/api/v4/contacts/{id:\d+}", self._get_contact)
        r.add_patch(r"/api/v4/contacts/{id:\d+}", self._patch_contact)
        r.add_get("/api/v4/account", self._account)
        r.add_get("/api/v4/leads/pipelines", self._pipelines)
        r.add_get("/api/v4/users", self._users)
        r.add_get("/api/v4/tasks", self._list_tasks)
        r.add_post("/api/v4/tasks", self._create_tasks)
        r.add_post("/api/v4/leads/unsorted/forms", self._unsorted_forms)
        r.add_get("/api/v4/webhooks", self._list_webhooks)
        r.add_post("/api/v4/webhooks", self._subscribe)
        r.add_get(r"/api/v4/leads/{id:\d+}/notes", self._list_notes)
        r.add_post(r"/api/v4/leads/{id:\d+}/notes", self._add_notes)
        # Test control for other processes (not part of amoCRM; not counted or limited).
        r.add_get("/_fake/stats", self._stats)
        r.add_get("/_fake/leads", self._dump_leads)
        r.add_post("/_fake/outage", self._set_outage)
        r.add_post("/_fake/fail", self._add_fault)
        return app

    def stats(self) -> dict[str, Any]:
        return {
            "leads_created": self.leads_created,
            "contacts_created": self.contacts_created,
            "notes_created": self.notes_created,
            "refreshes": self.refreshes,
            "refresh_rejections": self.refresh_rejections,
            "unauthorized": self.unauthorized,
            "rate_limited": self.rate_limited,
            "requests": len(self.requests),
            "outage": self.outage,
            "faults": [asdict(f) for f in self.faults if f.times > 0],
        }

    async def _stats(self, request: web.Request) -> web.Response:
        return web.json_response(self.stats())

    async def _dump_leads(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "leads": list(self.leads.values()),
                "contacts": list(self.contacts.values()),
                "notes": [n for notes in self.notes.values() for n in notes],
            }
        )

    async def _set_outage(self, request: web.Request) -> web.Response:
        body = await _json_body(request) or {}
        self.outage = body.get("status")
        self.outage_body = body.get("body", "html")
        return web.json_response(self.stats())

    async def _add_fault(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        if not isinstance(body, dict):
            return web.json_response({"error": "a JSON object of Fault fields"}, status=400)
        self.faults.append(Fault(**body))
        return web.json_response(self.stats())

    # -- middleware: counting, rate limit, faults, auth ---------------------------------------
    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path.startswith("/_fake/"):
            return await handler(request)
        self.requests.append((request.method, request.path))
        # Read the body now, as a real server would: a client that gives up during a slow
        # answer must not stop the work it already sent.
        await request.read()
        if self.max_rps is not None:
            now = time.monotonic()
            while self._recent and now - self._recent[0] >= 1.0:
                self._recent.popleft()
            self._recent.append(now)
            if len(self._recent) > self.max_rps:
                self.rate_limited += 1
                return _problem(
                    429, "Too Many Requests", "Too many requests, try again later.", retry_after=1
                )
        if self.outage is not None:
            return _fault_response(self.outage, self.outage_body, None, None)
        fault = next((f for f in self.faults if f.times > 0 and f.matches(request)), None)
        if fault is not None:
            fault.times -= 1
            if fault.delay_after:
                response = await self._authorized(request, handler)
                await asyncio.sleep(fault.delay)
                return response
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.status:
                return _fault_response(
                    fault.status, fault.body, fault.retry_after, fault.retry_after_header
                )
        return await self._authorized(request, handler)

    async def _authorized(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if _API_PATH.match(request.path):
            auth = request.headers.get("Authorization", "")
            token = auth.removeprefix("Bearer ").strip()
            exp = self.access_tokens.get(token)
            if exp is None or exp <= self.clock():
                self.unauthorized += 1
                return _problem(401, "Unauthorized", "Неверный логин или пароль")
        return await handler(request)

    # -- OAuth --------------------------------------------------------------------------------
    def _new_access(self) -> str:
        exp = int(self.clock()) + self.access_ttl
        header = _b64(json.dumps({"typ": "JWT", "alg": "RS256"}).encode())
        claims = _b64(json.dumps({"jti": secrets.token_hex(8), "exp": exp}).encode())
        token = f"{header}.{claims}.{_b64(secrets.token_bytes(16))}"
        self.access_tokens[token] = float(exp)
        return token

    def _new_refresh(self) -> str:
        token = "def50200" + secrets.token_hex(24)
        self.refresh_tokens.add(token)
        return token

    async def _token(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        if not isinstance(body, dict):
            return _oauth_problem(400, "Request data can not be blank")
        if body.get("client_id") != CLIENT_ID:
            return _oauth_problem(400, "Check the `client_id` parameter")
        if body.get("client_secret") != CLIENT_SECRET:
            return _oauth_problem(400, "Check the `client_secret` parameter")
        if body.get("redirect_uri") != REDIRECT_URI:
            return _oauth_problem(400, "Redirect URI is not associated with client")
        grant = body.get("grant_type")
        if grant == "refresh_token":
            token = body.get("refresh_token")
            if token not in self.refresh_tokens:
                self.refresh_rejections += 1
                return _oauth_problem(401, "Token has been revoked")
            self.refresh_tokens.discard(token)  # single use
            self.used_refresh_tokens.add(token)
            self.refreshes += 1
        elif grant == "authorization_code":
            code = body.get("code")
            if code not in self.codes:
                return _oauth_problem(400, "Authorization code has been revoked")
            self.codes.discard(code)
        else:
            return _oauth_problem(400, "Unsupported grant type")
        access, refresh = self.issue_tokens()
        return web.json_response(
            {
                "token_type": "Bearer",
                "expires_in": self.access_ttl,
                "access_token": access,
                "refresh_token": refresh,
            }
        )

    # -- contacts -----------------------------------------------------------------------------
    async def _link_chats(self, request: web.Request) -> web.Response:
        items = await _json_body(request)
        if not isinstance(items, list) or not items:
            return _problem(400, "Bad Request", "Request data can not be blank")
        out = []
        for i, item in enumerate(items):
            if item.get("contact_id") not in self.contacts or not item.get("chat_id"):
                return _problem(400, "Bad Request", "contact or chat not found")
            self.chat_links.append({"contact_id": item["contact_id"], "chat_id": item["chat_id"]})
            out.append({**self.chat_links[-1], "id": next(self._ids), "request_id": str(i)})
        return web.json_response({"_total_items": len(out), "_embedded": {"chats": out}},
                                 content_type=HAL)

    async def _search_contacts(self, request: web.Request) -> web.Response:
        return self._search(request, self.contacts, "contacts")

    async def _create_contacts(self, request: web.Request) -> web.Response:
        items = await _json_body(request)
        if not isinstance(items, list) or not items:
            return _problem(400, "Bad Request", "Request data can not be blank")
        errors = []
        for i, item in enumerate(items):
            issues = self._contact_issues(item)
            if issues:
                errors.append({"request_id": str(item.get("request_id", i)), "errors": issues})
        if errors:
            return _validation(errors)
        out = []
        for i, item in enumerate(items):
            cid = self._add_contact(item)
            out.append(self._created(request, cid, item, i, "contacts"))
        return _hal({"_links": _self(request), "_embedded": {"contacts": out}})

    def _contact_issues(self, item: Any) -> list[dict[str, str]]:
        return _contact_issues(item, self.users)

    # -- leads --------------------------------------------------------------------------------
    async def _search_leads(self, request: web.Request) -> web.Response:
        return self._search(request, self.leads, "leads")

    async def _get_lead(self, request: web.Request) -> web.Response:
        lead = self.leads.get(int(request.match_info["id"]))
        if lead is None:
            return web.Response(status=204)
        body = dict(lead)
        if "loss_reason" in request.query.get("with", "").split(","):
            rid = lead.get("loss_reason_id")
            reasons = [{"id": rid, "name": LOSS_REASONS[rid]}] if rid in LOSS_REASONS else []
            body["_embedded"] = {"loss_reason": reasons}
        return _hal(body)

    async def _create_leads(self, request: web.Request) -> web.Response:
        items = await _json_body(request)
        if not isinstance(items, list) or not items:
            return _problem(400, "Bad Request", "Request data can not be blank")
        if len(items) > 250:
            return _problem(422, "Unprocessable Entity", "limit of 250 per page")
        errors = []
        for i, item in enumerate(items):
            issues = self._lead_issues(item, creating=True)
            if issues:
                errors.append({"request_id": str(item.get("request_id", i)), "errors": issues})
        if errors:
            return _validation(errors)
        out = []
        for i, item in enumerate(items):
            lid = self._add_lead(item)
            out.append(self._created(request, lid, item, i, "leads"))
        return _hal({"_links": _self(request), "_embedded": {"leads": out}})

    def _add_lead(self, item: dict[str, Any], unsorted: bool = False) -> int:
        lid = next(self._ids)
        embedded = item.get("_embedded") or {}
        pipeline = item.get("pipeline_id") or MAIN_PIPELINE
        statuses = [sid for sid, _ in self.pipelines[pipeline][1]]
        self.leads[lid] = {
            "id": lid,
            "name": item.get("name") or f"Сделка #{lid}",
            "price": item.get("price") or 0,
            "pipeline_id": pipeline,
            # A new lead without a stage goes to the pipeline's first stage after «Неразобранное».
            "status_id": statuses[0] if unsorted else item.get("status_id") or statuses[1],
            "responsible_user_id": item.get("responsible_user_id") or next(iter(self.users)),
            "custom_fields_values": [
                self._stored_field(cf) for cf in item.get("custom_fields_values") or []
            ],
            "tags": [t.get("name") for t in embedded.get("tags") or []],
            "contacts": [c["id"] for c in embedded.get("contacts") or []],
        }
        return lid

    def _add_contact(self, item: dict[str, Any]) -> int:
        cid = next(self._ids)
        self.contacts[cid] = {
            "id": cid,
            "name": item.get("name") or "",
            "responsible_user_id": item.get("responsible_user_id"),
            "custom_fields_values": item.get("custom_fields_values") or [],
        }
        return cid

    def _stored_field(self, cf: dict[str, Any]) -> dict[str, Any]:
        """A field value as amoCRM keeps it: a date as midnight of its day in the account's
        zone, a select option as the option's text and id."""
        f = {x.id: x for x in self.lead_fields.values()}[cf["field_id"]]
        values = []
        for v in cf["values"]:
            if f.type in ("date", "date_time", "birthday"):
                day = dt.datetime.fromtimestamp(v["value"], ZoneInfo(self.account_tz)).date()
                midnight = dt.datetime.combine(day, dt.time(), ZoneInfo(self.account_tz))
                values.append({"value": int(midnight.timestamp())})
            elif f.type in _CHOICE_TYPES:
                eid = v.get("enum_id")
                text = f.enums[eid - f.id * 10] if eid is not None else v["value"]
                values.append({"value": text, "enum_id": f.id * 10 + f.enums.index(text)})
            else:
                values.append({"value": v["value"]})
        return {"field_id": cf["field_id"], "values": values}

    async def _patch_lead(self, request: web.Request) -> web.Response:
        lid = int(request.match_info["id"])
        item = await _json_body(request)
        if not isinstance(item, dict):
            return _problem(400, "Bad Request", "Request data can not be blank")
        if lid not in self.leads:
            return _problem(404, "Not Found", "Entity not found")
        issues = self._lead_issues(item, creating=False)
        if issues:
            return _validation([{"request_id": "0", "errors": issues}])
        updated = self._apply_patch(lid, item)
        return _hal({"id": lid, "updated_at": updated, "_links": _self(request)})

    async def _patch_leads(self, request: web.Request) -> web.Response:
        items = await _json_body(request)
        if not isinstance(items, list) or not items:
            return _problem(400, "Bad Request", "Request data can not be blank")
        errors = []
        for i, item in enumerate(items):
            issues = self._lead_issues(item, creating=False)
            if not isinstance(item.get("id"), int) or item["id"] not in self.leads:
                issues.append({"code": "NotFound", "path": "id", "detail": "Entity not found"})
            if issues:
                errors.append({"request_id": str(item.get("request_id", i)), "errors": issues})
        if errors:
            return _validation(errors)
        out = [{"id": it["id"], "updated_at": self._apply_patch(it["id"], it)} for it in items]
        return _hal({"_links": _self(request), "_embedded": {"leads": out}})

    def _apply_patch(self, lid: int, item: dict[str, Any]) -> int:
        lead = self.leads[lid]
        for key in ("name", "price"):
            if key in item:
                lead[key] = item[key]
        for cf in item.get("custom_fields_values") or []:
            lead["custom_fields_values"] = [
                old for old in lead["custom_fields_values"] if old["field_id"] != cf["field_id"]
            ] + [self._stored_field(cf)]
        return int(self.clock())

    def _lead_issues(self, item: Any, *, creating: bool) -> list[dict[str, str]]:
        if not isinstance(item, dict):
            return [
                {
                    "code": "InvalidType",
                    "path": "",
                    "detail": "This value should be of type object.",
                }
            ]
        issues: list[dict[str, str]] = []
        if "name" in item and not isinstance(item["name"], str):
            issues.append(_issue("InvalidType", "name", "This value should be of type string."))
        elif len(item.get("name") or "") > TEXT_LIMIT:
            issues.append(_issue("StringLength", "name", "This value is too long."))
        pipeline = item.get("pipeline_id")
        if pipeline is not None and pipeline not in self.pipelines:
            issues.append(_issue("NotFound", "pipeline_id", "Pipeline not found"))
        elif item.get("status_id") is not None:
            statuses = {sid for sid, _ in self.pipelines[pipeline or MAIN_PIPELINE][1]}
            if item["status_id"] not in statuses:
                issues.append(_issue("NotFound", "status_id", "Status not found"))
        user = item.get("responsible_user_id")
        if user is not None and user not in self.users:
            issues.append(_issue("NotFound", "responsible_user_id", "User not found"))
        if "price" in item and (
            not isinstance(item["price"], int) or isinstance(item["price"], bool)
        ):
            issues.append(_issue("InvalidType", "price", "This value should be of type int."))
        by_id = {f.id: f for f in self.lead_fields.values()}
        for n, cf in enumerate(item.get("custom_fields_values") or []):
            path = f"custom_fields_values.{n}"
            f = by_id.get(cf.get("field_id", -1)) if isinstance(cf, dict) else None
            if f is None:
                issues.append(
                    _issue(
                        "NotSupportedChoice",
                        f"{path}.field_id",
                        "The value you selected is not a valid choice.",
                    )
                )
                continue
            values = cf.get("values")
            if not isinstance(values, list) or not values:
                issues.append(
                    _issue("NotBlank", f"{path}.values", "This value should not be blank.")
                )
                continue
            for k, v in enumerate(values):
                problem = _value_issue(f, v if isinstance(v, dict) else {})
                if problem:
                    issues.append(_issue(problem[0], f"{path}.values.{k}.value", problem[1]))
        if creating:
            embedded = item.get("_embedded") or {}
            for n, c in enumerate(embedded.get("contacts") or []):
                if not isinstance(c, dict) or c.get("id") not in self.contacts:
                    issues.append(
                        _issue("NotFound", f"_embedded.contacts.{n}.id", "Contact not found")
                    )
        return issues

    # -- notes --------------------------------------------------------------------------------
    async def _add_notes(self, request: web.Request) -> web.Response:
        items = await _json_body(request)
        if not isinstance(items, list) or not items:
            return _problem(400, "Bad Request", "Request data can not be blank")
        path_id = request.match_info.get("id")
        out = []
        for i, item in enumerate(items):
            lid = int(path_id) if path_id else item.get("entity_id")
            text = (item.get("params") or {}).get("text")
            if lid not in self.leads:
                return _validation(
                    [
                        {
                            "request_id": str(i),
                            "errors": [_issue("NotFound", "entity_id", "Entity not found")],
                        }
                    ]
                )
            if item.get("note_type") != "common" or not isinstance(text, str) or not text:
                return _validation(
                    [
                        {
                            "request_id": str(i),
                            "errors": [
                                _issue("NotBlank", "params.text", "This value should not be blank.")
                            ],
                        }
                    ]
                )
            nid = next(self._ids)
            self.notes[lid].append(
                {"id": nid, "entity_id": lid, "note_type": "common", "params": {"text": text}}
            )
            out.append({"id": nid, "entity_id": lid, "request_id": str(item.get("request_id", i))})
        return _hal({"_links": _self(request), "_embedded": {"notes": out}})

    async def _list_notes(self, request: web.Request) -> web.Response:
        notes = self.notes.get(int(request.match_info["id"])) or []
        wanted = request.query.get("filter[note_type]")
        notes = [n for n in notes if wanted is None or n["note_type"] == wanted]
        if not notes:
            return web.Response(status=204)
        return _hal({"_links": _self(request), "_embedded": {"notes": notes}})

    # -- contacts by id, account, pipelines, users -------------------------------------------
    async def _get_contact(self, request: web.Request) -> web.Response:
        contact = self.contacts.get(int(request.match_info["id"]))
        if contact is None:
            return web.Response(status=204)
        body = dict(contact)
        if "leads" in request.query.get("with", "").split(","):
            linked = [lid for lid, lead in self.leads.items() if contact["id"] in lead["contacts"]]
            body["_embedded"] = {"leads": [{"id": lid} for lid in linked]}
        return _hal(body)

    async def _patch_contact(self, request: web.Request) -> web.Response:
        cid = int(request.match_info["id"])
        item = await _json_body(request)
        if not isinstance(item, dict):
            return _problem(400, "Bad Request", "Request data can not be blank")
        if cid not in self.contacts:
            return _problem(404, "Not Found", "Entity not found")
        issues = self._contact_issues(item)
        if issues:
            return _validation([{"request_id": "0", "errors": issues}])
        contact = self.contacts[cid]
        for cf in item.get("custom_fields_values") or []:  # a field's values are replaced
            contact["custom_fields_values"] = [
                old
                for old in contact["custom_fields_values"]
                if old.get("field_code") != cf["field_code"]
            ] + [cf]
        return _hal({"id": cid, "updated_at": int(self.clock()), "_links": _self(request)})

    async def _account(self, request: web.Request) -> web.Response:
        body: dict[str, Any] = {
            "id": ACCOUNT_ID,
            "name": "Тестовый провайдер",
            "subdomain": SUBDOMAIN,
            "country": "RU",
            "currency": "RUB",
            "_links": _self(request),
        }
        if "amojo_id" in request.query.get("with", "").split(","):
            body["amojo_id"] = self.amojo_id  # the account's id in the Chats API
        if "datetime_settings" in request.query.get("with", "").split(","):
            offset = dt.datetime.now(ZoneInfo(self.account_tz)).strftime("%z")
            body["_embedded"] = {
                "datetime_settings": {
                    "date_pattern": "d.m.Y H:i",
                    "short_date_pattern": "d.m.Y",
                    "short_time_pattern": "H:i",
                    "date_format": "d.m.Y",
                    "time_format": "H:i:s",
                    "timezone": self.account_tz,
                    "timezone_offset": f"{offset[:3]}:{offset[3:]}",
                }
            }
        return _hal(body)

    async def _pipelines(self, request: web.Request) -> web.Response:
        pipelines = [
            {
                "id": pid,
                "name": name,
                "is_main": pid == MAIN_PIPELINE,
                "_embedded": {
                    "statuses": [
                        {"id": sid, "name": sname, "pipeline_id": pid, "type": int(n == 0)}
                        for n, (sid, sname) in enumerate(statuses)
                    ]
                },
            }
            for pid, (name, statuses) in self.pipelines.items()
        ]
        return _hal({"_total_items": len(pipelines), "_embedded": {"pipelines": pipelines}})

    async def _users(self, request: web.Request) -> web.Response:
        users = [{"id": uid, "name": name} for uid, name in self.users.items()]
        return _hal({"_page": 1, "_links": _self(request), "_embedded": {"users": users}})

    # -- tasks ---------------------------------------------------------------------------------
    async def _list_tasks(self, request: web.Request) -> web.Response:
        entity = request.query.get("filter[entity_id]")
        tasks = [t for t in self.tasks.values() if entity is None or str(t["entity_id"]) == entity]
        if not tasks:
            return web.Response(status=204)
        return _hal({"_links": _self(request), "_embedded": {"tasks": tasks}})

    async def _create_tasks(self, request: web.Request) -> web.Response:
        items = await _json_body(request)
        if not isinstance(items, list) or not items:
            return _problem(400, "Bad Request", "Request data can not be blank")
        errors = []
        for i, item in enumerate(items):
            issues = []
            if not isinstance(item.get("text"), str) or not item["text"]:
                issues.append(_issue("NotBlank", "text", "This value should not be blank."))
            if not isinstance(item.get("complete_till"), int):
                issues.append(_issue("InvalidType", "complete_till", "Should be of type int."))
            if item.get("entity_type") != "leads" or item.get("entity_id") not in self.leads:
                issues.append(_issue("NotFound", "entity_id", "Entity not found"))
            user = item.get("responsible_user_id")
            if user is not None and user not in self.users:
                issues.append(_issue("NotFound", "responsible_user_id", "User not found"))
            if issues:
                errors.append({"request_id": str(i), "errors": issues})
        if errors:
            return _validation(errors)
        out = []
        for i, item in enumerate(items):
            tid = next(self._ids)
            self.tasks[tid] = {"id": tid, "task_type_id": item.get("task_type_id", 1), **item}
            out.append(self._created(request, tid, item, i, "tasks"))
        return _hal({"_links": _self(request), "_embedded": {"tasks": out}})

    # -- «Неразобранное» -------------------------------------------------------------------------
    async def _unsorted_forms(self, request: web.Request) -> web.Response:
        items = await _json_body(request)
        if not isinstance(items, list) or not items:
            return _problem(400, "Bad Request", "Request data can not be blank")
        errors = []
        for i, item in enumerate(items):
            meta = item.get("metadata") or {}
            issues = [
                _issue("NotBlank", f"metadata.{key}", "This value should not be blank.")
                for key in ("form_id", "form_name", "form_page", "form_sent_at")
                if not meta.get(key)
            ]
            if not item.get("source_uid") or not item.get("source_name"):
                issues.append(_issue("NotBlank", "source_uid", "This value should not be blank."))
            for n, lead in enumerate((item.get("_embedded") or {}).get("leads") or []):
                for issue in self._lead_issues(lead, creating=False):
                    issues.append({**issue, "path": f"_embedded.leads.{n}.{issue['path']}"})
            for n, contact in enumerate((item.get("_embedded") or {}).get("contacts") or []):
                if "id" in contact and contact["id"] not in self.contacts:
                    issues.append(_issue("NotFound", f"_embedded.contacts.{n}.id", "Not found"))
                elif "id" not in contact:
                    issues.extend(self._contact_issues(contact))
            if issues:
                errors.append({"request_id": str(i), "errors": issues})
        if errors:
            return _validation(errors)
        out = []
        for i, item in enumerate(items):
            embedded = item.get("_embedded") or {}
            cids = [
                c["id"] if "id" in c else self._add_contact(c)
                for c in embedded.get("contacts") or []
            ]
            lids = []
            for lead in embedded.get("leads") or []:
                lead = {**lead, "pipeline_id": item.get("pipeline_id") or lead.get("pipeline_id")}
                lead["_embedded"] = {
                    **(lead.get("_embedded") or {}),
                    "contacts": [{"id": c} for c in cids],
                }
                lids.append(self._add_lead(lead, unsorted=True))
            uid = secrets.token_hex(16)
            self.unsorted.append({"uid": uid, **item})
            out.append(
                {
                    "uid": uid,
                    "account_id": ACCOUNT_ID,
                    "request_id": str(i),
                    "_embedded": {
                        "leads": [{"id": lid} for lid in lids],
                        "contacts": [{"id": cid} for cid in cids],
                        "companies": [],
                    },
                }
            )
        return _hal({"_total_items": len(out), "_embedded": {"unsorted": out}})

    # -- webhooks ----------------------------------------------------------------------------
    async def _list_webhooks(self, request: web.Request) -> web.Response:
        if not self.webhooks:
            return web.Response(status=204)
        return _hal({"_total_items": len(self.webhooks), "_embedded": {"webhooks": self.webhooks}})

    async def _subscribe(self, request: web.Request) -> web.Response:
        body = await _json_body(request)
        if not isinstance(body, dict) or not str(body.get("destination", "")).startswith("http"):
            return _validation(
                [
                    {
                        "request_id": "0",
                        "errors": [
                            _issue("InvalidUrl", "destination", "This value is not a valid URL.")
                        ],
                    }
                ]
            )
        settings = body.get("settings")
        if not isinstance(settings, list) or not settings:
            return _validation(
                [
                    {
                        "request_id": "0",
                        "errors": [
                            _issue("NotBlank", "settings", "This value should not be blank.")
                        ],
                    }
                ]
            )
        self.webhooks = [w for w in self.webhooks if w["destination"] != body["destination"]]
        hook = {
            "id": next(self._ids),
            "destination": body["destination"],
            "settings": settings,
            "disabled": False,
            "sort": body.get("sort", 1),
            "created_at": int(self.clock()),
        }
        self.webhooks.append(hook)
        return _hal(hook)

    # -- custom fields ------------------------------------------------------------------------
    async def _custom_fields(self, request: web.Request) -> web.Response:
        fields = sorted(self.lead_fields.values(), key=lambda f: f.id)
        page = max(int(request.query.get("page", "1")), 1)
        chunk = fields[(page - 1) * _FIELD_PAGE : page * _FIELD_PAGE]
        if not chunk:
            return web.Response(status=204)
        links: dict[str, Any] = _self(request)
        if page * _FIELD_PAGE < len(fields):
            links["next"] = {
                "href": f"{self.url}/api/v4/leads/custom_fields?page={page + 1}&limit=50"
            }
        return _hal(
            {
                "_total_items": len(fields),
                "_page": page,
                "_page_count": -(-len(fields) // _FIELD_PAGE),
                "_links": links,
                "_embedded": {"custom_fields": [_field_json(f) for f in chunk]},
            }
        )

    # -- helpers ------------------------------------------------------------------------------
    def _search(
        self, request: web.Request, table: dict[int, dict[str, Any]], key: str
    ) -> web.Response:
        query = request.query.get("query", "").casefold()
        if not query:
            found = list(table.values())
        else:
            found = [e for e in table.values() if query in _searchable(e)]
        if not found:
            return web.Response(status=204)
        return _hal({"_page": 1, "_links": _self(request), "_embedded": {key: found}})

    def _created(
        self, request: web.Request, eid: int, item: dict[str, Any], i: int, key: str
    ) -> dict[str, Any]:
        return {
            "id": eid,
            "request_id": str(item.get("request_id", i)),
            "_links": {"self": {"href": f"{self.url}/api/v4/{key}/{eid}"}},
        }


# -- module helpers ---------------------------------------------------------------------------


def _issue(code: str, path: str, detail: str) -> dict[str, str]:
    return {"code": code, "path": path, "detail": detail}


def _value_issue(f: Field, item: dict[str, Any]) -> tuple[str, str] | None:
    value = item.get("value")
    if f.type in _CHOICE_TYPES:
        eid = item.get("enum_id")
        if eid is not None:
            index = eid - f.id * 10 if isinstance(eid, int) else -1
            if not 0 <= index < len(f.enums):
                return "NotSupportedChoice", "The value you selected is not a valid choice."
            if value is not None and value != f.enums[index]:
                return "NotSupportedChoice", "The value does not match the enum."
            return None
        if value not in f.enums:  # exact: case and spaces included
            return "NotSupportedChoice", "The value you selected is not a valid choice."
        return None
    if f.type in _TEXT_TYPES:
        if not isinstance(value, str) or not value:
            return "InvalidType", "This value should be of type string."
        if f.type != "textarea" and len(value) > TEXT_LIMIT:
            return (
                "StringLength",
                f"This value is too long. It should have {TEXT_LIMIT} characters or less.",
            )
    elif f.type in ("date", "date_time", "birthday"):
        if not isinstance(value, int) or isinstance(value, bool):
            return "InvalidType", "This value should be of type int."
    elif f.type == "checkbox":
        if not isinstance(value, bool):
            return "InvalidType", "This value should be of type bool."
    elif f.type == "numeric":
        text = str(value) if isinstance(value, (int, float, str)) else ""
        if isinstance(value, bool) or not re.fullmatch(r"-?\d+(\.\d+)?", text):
            return "InvalidType", "This value should be numeric."
    return None


def _contact_issues(item: Any, users: dict[int, str]) -> list[dict[str, str]]:
    if not isinstance(item, dict):
        return [_issue("InvalidType", "", "This value should be of type object.")]
    issues = []
    if len(str(item.get("name") or "")) > TEXT_LIMIT:
        issues.append(_issue("StringLength", "name", "This value is too long."))
    user = item.get("responsible_user_id")
    if user is not None and user not in users:
        issues.append(_issue("NotFound", "responsible_user_id", "User not found"))
    allowed = {
        "PHONE": {"WORK", "WORKDD", "MOB", "FAX", "HOME", "OTHER"},
        "EMAIL": {"WORK", "PRIV", "OTHER"},
    }
    for n, cf in enumerate(item.get("custom_fields_values") or []):
        code = cf.get("field_code")
        if code not in allowed:
            issues.append(
                _issue(
                    "NotSupportedChoice",
                    f"custom_fields_values.{n}.field_code",
                    "The value you selected is not a valid choice.",
                )
            )
            continue
        for k, v in enumerate(cf.get("values") or []):
            if v.get("enum_code", "WORK") not in allowed[code]:
                issues.append(
                    _issue(
                        "NotSupportedChoice",
                        f"custom_fields_values.{n}.values.{k}.enum_code",
                        "The value you selected is not a valid choice.",
                    )
                )
            if (
                not isinstance(v.get("value"), str)
                or not v["value"]
                or len(v["value"]) > TEXT_LIMIT
            ):
                issues.append(
                    _issue(
                        "InvalidType",
                        f"custom_fields_values.{n}.values.{k}.value",
                        "This value should be of type string.",
                    )
                )
    return issues


def _searchable(entity: dict[str, Any]) -> str:
    parts = [str(entity.get("name") or "")]
    for cf in entity.get("custom_fields_values") or []:
        parts.extend(str(v.get("value")) for v in cf.get("values") or [])
    return "\n".join(parts).casefold()


def _field_json(f: Field) -> dict[str, Any]:
    return {
        "id": f.id,
        "name": f.name,
        "type": f.type,
        "code": None,
        "sort": 500,
        "is_api_only": False,
        "entity_type": "leads",
        "group_id": None,
        "enums": [{"id": f.id * 10 + i, "value": v, "sort": i} for i, v in enumerate(f.enums)]
        or None,
    }


def _self(request: web.Request) -> dict[str, Any]:
    return {"self": {"href": str(request.url)}}


def _hal(body: Any) -> web.Response:
    return web.json_response(body, content_type=HAL, headers={"X-Request-Id": secrets.token_hex(6)})


def _problem(status: int, title: str, detail: str, **extra: Any) -> web.Response:
    body = {
        "title": title,
        "type": f"https://httpstatus.es/{status}",
        "status": status,
        "detail": detail,
        **extra,
    }
    return web.json_response(
        body, status=status, content_type=PROBLEM, headers={"X-Request-Id": secrets.token_hex(6)}
    )


def _oauth_problem(status: int, hint: str) -> web.Response:
    body = {
        "hint": hint,
        "title": "Некорректный запрос",
        "type": "https://developers.amocrm.ru/v3/errors/OAuthProblemJson",
        "status": status,
        "detail": "В запросе отсутствует ряд параметров или параметры невалидны",
    }
    return web.json_response(body, status=status, content_type=PROBLEM)


def _validation(items: list[dict[str, Any]]) -> web.Response:
    return _problem(400, "Bad Request", "Request validation failed", **{"validation-errors": items})


def _fault_response(
    status: int, body: str, retry_after: int | None, header: int | None
) -> web.Response:
    headers = {"Retry-After": str(header)} if header is not None else {}
    if body == "html":
        text = f"<html><head><title>{status}</title></head><body><h1>{status}</h1><hr>nginx</body></html>"
        return web.Response(status=status, text=text, content_type="text/html", headers=headers)
    if body == "empty":
        return web.Response(status=status, headers=headers)
    extra = {"retry_after": retry_after} if retry_after is not None else {}
    title = "ErrInternalServer" if status == 500 else HTTPStatus(status).phrase
    response = _problem(status, title, "Fault injected by the test", **extra)
    response.headers.update(headers)
    return response


async def _json_body(request: web.Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        return None


# -- standalone -------------------------------------------------------------------------------


async def _main(port: int) -> None:
    async with FakeAmo.serve(port=port) as amo:
        print(f"# fake amoCRM on {amo.url} — started {dt.datetime.now():%H:%M:%S}", flush=True)
        for key, value in amo.env().items():
            print(f"{key}={value}", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="A stand-in amoCRM API v4 server for tests")
    parser.add_argument("--port", type=int, default=8910)
    try:
        asyncio.run(_main(parser.parse_args().port))
    except KeyboardInterrupt:
        pass
