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
(50 a page), and 7 requests/s (429 beyond). Faults are scripted: `fail(...)` for the next
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

from aiohttp import web

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
        self._ids = itertools.count(10_000_001)
        self.contacts: dict[int, dict[str, Any]] = {}
        self.leads: dict[int, dict[str, Any]] = {}
        self.notes: dict[int, list[dict[str, Any]]] = collections.defaultdict(list)
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
        runner = web.AppRunner(fake.app, handler_cancellation=False)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
        fake.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        try:
            yield fake
        finally:
            await runner.cleanup()

    def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        r = app.router
        r.add_post("/oauth2/access_token", self._token)
        r.add_get("/api/v4/contacts", self._search_contacts)
        r.add_post("/api/v4/contacts", self._create_contacts)
        r.add_get("/api/v4/leads/custom_fields", self._custom_fields)
        r.add_get("/api/v4/leads", self._search_leads)
        r.add_post("/api/v4/leads", self._create_leads)
        r.add_patch("/api/v4/leads", self._patch_leads)
        r.add_patch(r"/api/v4/leads/{id:\d+}", self._patch_lead)
        r.add_get(r"/api/v4/leads/{id:\d+}", self._get_lead)
        r.add_post("/api/v4/leads/notes", self._add_notes)
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
    async def _search_contacts(self, request: web.Request) -> web.Response:
        return self._search(request, self.contacts, "contacts")

    async def _create_contacts(self, request: web.Request) -> web.Response:
        items = await _json_body(request)
        if not isinstance(items, list) or not items:
            return _problem(400, "Bad Request", "Request data can not be blank")
        errors = []
        for i, item in enumerate(items):
            issues = _contact_issues(item)
            if issues:
                errors.append({"request_id": str(item.get("request_id", i)), "errors": issues})
        if errors:
            return _validation(errors)
        out = []
        for i, item in enumerate(items):
            cid = next(self._ids)
            self.contacts[cid] = {
                "id": cid,
                "name": item.get("name") or "",
                "custom_fields_values": item.get("custom_fields_values") or [],
            }
            out.append(self._created(request, cid, item, i, "contacts"))
        return _hal({"_links": _self(request), "_embedded": {"contacts": out}})

    # -- leads --------------------------------------------------------------------------------
    async def _search_leads(self, request: web.Request) -> web.Response:
        return self._search(request, self.leads, "leads")

    async def _get_lead(self, request: web.Request) -> web.Response:
        lead = self.leads.get(int(request.match_info["id"]))
        return web.Response(status=204) if lead is None else _hal(lead)

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
            lid = next(self._ids)
            embedded = item.get("_embedded") or {}
            self.leads[lid] = {
                "id": lid,
                "name": item.get("name") or f"Сделка #{lid}",
                "price": item.get("price") or 0,
                "custom_fields_values": item.get("custom_fields_values") or [],
                "tags": [t.get("name") for t in embedded.get("tags") or []],
                "contacts": [c["id"] for c in embedded.get("contacts") or []],
            }
            out.append(self._created(request, lid, item, i, "leads"))
        return _hal({"_links": _self(request), "_embedded": {"leads": out}})

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
            ] + [cf]
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
                problem = _value_issue(f, v.get("value") if isinstance(v, dict) else None)
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


def _value_issue(f: Field, value: Any) -> tuple[str, str] | None:
    if f.type in _TEXT_TYPES:
        if not isinstance(value, str) or not value:
            return "InvalidType", "This value should be of type string."
    elif f.type in ("date", "date_time", "birthday"):
        if not isinstance(value, int) or isinstance(value, bool):
            return "InvalidType", "This value should be of type int."
    elif f.type == "checkbox":
        if not isinstance(value, bool):
            return "InvalidType", "This value should be of type bool."
    elif f.type in ("select", "radiobutton"):
        if value not in f.enums:
            return "NotSupportedChoice", "The value you selected is not a valid choice."
    elif f.type == "numeric" and not isinstance(value, (int, float, str)):
        return "InvalidType", "This value should be numeric."
    return None


def _contact_issues(item: Any) -> list[dict[str, str]]:
    if not isinstance(item, dict):
        return [_issue("InvalidType", "", "This value should be of type object.")]
    issues = []
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
            if not isinstance(v.get("value"), str) or not v["value"]:
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
