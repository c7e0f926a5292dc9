"""The admin routes: the dashboard, a conversation, the JSON API, login, logout, retry.

    GET  /admin                          dashboard (?from=YYYY-MM-DD&to=YYYY-MM-DD)
    GET  /admin/conversations/{session}  one conversation's transcript
    GET  /admin/api/funnel               the dashboard's numbers as JSON (same query)
    GET  /admin/api/leads                leads as JSON (same query, &delivery=, &limit=)
    POST /admin/api/leads/{id}/retry     put a failed lead back into the CRM queue
    POST /admin/api/forget               erase a person's data (JSON: phone | email | session_id)
    POST /admin/login, /admin/logout     the cookie for people (Bearer is for scripts)

Every route answers 404 while AIDA_ADMIN_TOKEN is not set and 401 without valid credentials
(the HTML routes with the login form as the body).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, cast, get_args
from urllib.parse import urlencode

from aiohttp import web

from aida.admin import pages
from aida.admin.auth import COOKIE, AdminAuth, Denied, Via, clear_cookie, set_cookie
from aida.admin.report import BadRange, DateRange, build_funnel, parse_range
from aida.admin.views import lead_row
from aida.config import Settings
from aida.crm.health import crm_warnings
from aida.crm.requeue import RetryCode, retry_leads, retry_message
from aida.http.keys import HANDOFF, LIMITER, SETTINGS, STORE
from aida.http.ratelimit import MemoryLimiter
from aida.ops.erasure import BadTarget, erasure_target, forget, report_lines
from aida.store.base import DeliveryStatus

AUTH = web.AppKey("aida_admin_auth", AdminAuth)

_DELIVERIES: tuple[DeliveryStatus, ...] = ("local", "pending", "delivered", "failed")
LEADS_SHOWN = 100
LEADS_MAX = 1000
SESSIONS_SHOWN = 20

# No script may run on these pages; no framing; nothing cached.
_HTML_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
_dumps = partial(json.dumps, ensure_ascii=False)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Authed = Callable[[web.Request, Via], Awaitable[web.StreamResponse]]


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html", headers=_HTML_HEADERS)


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(
        data, status=status, dumps=_dumps, headers={"Cache-Control": "no-store", **(headers or {})}
    )


def _error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> web.Response:
    return _json({"error": {"code": code, "message": message}}, status, headers)


def _redirect(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location, "Cache-Control": "no-store"})


def _denied(denied: Denied, *, html: bool) -> web.Response:
    if denied.retry_after is not None:
        headers = {"Retry-After": str(denied.retry_after)}
        if html:
            response = _html(pages.login_page("Слишком много попыток. Подождите минуту."), 429)
            response.headers.update(headers)
            return response
        return _error(429, "rate_limited", "Слишком много неверных ключей. Подождите.", headers)
    if html:
        error = "Неверный ключ." if denied.reason == "wrong_token" else None
        response = _html(pages.login_page(error), 401)
    else:
        response = _error(401, "unauthorized", "Нужен заголовок Authorization: Bearer <ключ>.")
    response.headers["WWW-Authenticate"] = 'Bearer realm="aida-admin"'
    return response


def guarded(handler: Authed, *, html: bool) -> Handler:
    """The handler, reached only with valid credentials."""

    async def guard(request: web.Request) -> web.StreamResponse:
        try:
            via = await request.app[AUTH].check(request)
        except Denied as denied:
            return _denied(denied, html=html)
        return await handler(request, via)

    return guard


def _range(request: web.Request) -> DateRange:
    settings: Settings = request.app[SETTINGS]
    today = dt.datetime.now(settings.tz).date()
    return parse_range(request.query.get("from"), request.query.get("to"), settings.tz, today)


def _csrf(request: web.Request, via: Via) -> str | None:
    return request.app[AUTH].csrf_token(request.cookies[COOKIE]) if via == "cookie" else None


# -- pages ---------------------------------------------------------------------------------------
_LEAD_REF = re.compile(r"[0-9a-f]{1,32}")


def _notice(code: str, lead: str) -> str | None:
    """The banner for a code the dashboard sent itself: its text is ours, never the URL's (a
    link with any text would show it under our name). The lead must look like a lead id."""
    if code not in get_args(RetryCode) or not _LEAD_REF.fullmatch(lead):
        return None
    return retry_message(cast(RetryCode, code), lead)


async def dashboard(request: web.Request, via: Via) -> web.StreamResponse:
    settings: Settings = request.app[SETTINGS]
    store = request.app[STORE]
    today = dt.datetime.now(settings.tz).date()
    try:
        rng = _range(request)
    except BadRange as e:
        rng = parse_range(None, None, settings.tz, today)
        notice: str | None = f"Период не понят ({e}); показаны последние 30 дней."
    else:
        notice = _notice(request.query.get("notice", ""), request.query.get("lead", ""))
    funnel = await build_funnel(store, rng)
    records = await store.leads(LEADS_SHOWN, since=rng.since, until=rng.until)
    sessions = await store.sessions(rng.since, rng.until, SESSIONS_SHOWN)
    alerts = await crm_warnings(settings, store, dt.datetime.now(dt.UTC))
    desk = request.app.get(HANDOFF)
    handoffs = await desk.store.stats(rng.since, rng.until) if desk is not None else None
    return _html(
        pages.dashboard_page(
            alerts=alerts,
            funnel=funnel,
            rng=rng,
            today=today,
            leads=[lead_row(r) for r in records],
            sessions=sessions,
            csrf=_csrf(request, via),
            retry=settings.amo_enabled,
            notice=notice,
            expiry_days=settings.session_ttl_days,
            handoffs=handoffs,
        )
    )


async def conversation(request: web.Request, via: Via) -> web.StreamResponse:
    settings: Settings = request.app[SETTINGS]
    store = request.app[STORE]
    session_id = request.match_info["session_id"]
    _, messages = await store.history(session_id)
    records = await store.leads(session_id=session_id)
    from_lead = not messages and bool(records)
    if from_lead:
        messages = records[0].lead.transcript
    page = pages.conversation_page(
        session_id=session_id,
        messages=messages,
        leads=[lead_row(r) for r in records],
        tz=settings.tz,
        csrf=_csrf(request, via),
        from_lead=from_lead,
    )
    return _html(page, 200 if messages else 404)


# -- JSON ----------------------------------------------------------------------------------------
async def api_funnel(request: web.Request, via: Via) -> web.StreamResponse:
    try:
        rng = _range(request)
    except BadRange as e:
        return _error(422, "invalid_range", f"Период: {e}.")
    funnel = await build_funnel(request.app[STORE], rng)
    return _json(funnel.model_dump(mode="json"))


async def api_leads(request: web.Request, via: Via) -> web.StreamResponse:
    try:
        rng = _range(request)
    except BadRange as e:
        return _error(422, "invalid_range", f"Период: {e}.")
    delivery = request.query.get("delivery") or None
    if delivery is not None and delivery not in _DELIVERIES:
        return _error(422, "invalid_field", f"delivery: одно из {', '.join(_DELIVERIES)}.")
    limit_text = request.query.get("limit", str(LEADS_SHOWN))
    if not limit_text.isdigit() or not 1 <= int(limit_text) <= LEADS_MAX:
        return _error(422, "invalid_field", f"limit: число от 1 до {LEADS_MAX}.")
    records = await request.app[STORE].leads(
        int(limit_text),
        since=rng.since,
        until=rng.until,
        delivery=delivery,  # type: ignore[arg-type]  # checked against _DELIVERIES above
    )
    return _json(
        {
            "from": rng.start.isoformat(),
            "to": rng.end.isoformat(),
            "leads": [lead_row(r).model_dump(mode="json") for r in records],
        }
    )


async def api_retry(request: web.Request, via: Via) -> web.StreamResponse:
    """Bearer: a JSON answer. The dashboard's form (cookie): checked CSRF, then back to it."""
    if via == "cookie":
        form = await request.post()
        if not request.app[AUTH].csrf_valid(request.cookies[COOKIE], str(form.get("csrf", ""))):
            return _error(403, "csrf", "Форма устарела: обновите страницу и повторите.")
    if not request.app[SETTINGS].amo_enabled:
        return _error(409, "no_crm", "CRM не настроена: заявки хранятся локально.")
    lead_id = request.match_info["lead_id"]
    [result] = await retry_leads(request.app[STORE], [lead_id], dt.datetime.now(dt.UTC))
    if via == "cookie":
        lead = result.lead_id or lead_id
        return _redirect("/admin?" + urlencode({"notice": result.code, "lead": lead}))
    if result.lead_id is None:
        return _error(409, "not_retried", result.message)
    return _json({"lead_id": result.lead_id, "message": result.message})


async def api_forget(request: web.Request, via: Via) -> web.StreamResponse:
    """An erasure request, for scripts (Bearer): `{"phone": …}`, `{"email": …}` or
    `{"session_id": …}`; answers what was removed, as `aida forget` prints it."""
    if via == "cookie":
        return _error(403, "bearer_only", "Удаление — только с ключом в заголовке Authorization.")
    try:
        body = await request.json()
    except ValueError:
        return _error(400, "invalid_json", "Тело запроса — не корректный JSON.")
    if not isinstance(body, dict) or not all(
        isinstance(body.get(k), str | None) for k in ("phone", "email", "session_id")
    ):
        return _error(422, "invalid_field", "Ожидается объект с полем phone, email или session_id.")
    try:
        target = erasure_target(
            phone=body.get("phone"), email=body.get("email"), session_id=body.get("session_id")
        )
    except BadTarget as e:
        return _error(422, "invalid_field", str(e))
    report = await forget(request.app[STORE], target)
    return _json({**report.model_dump(), "message": "\n".join(report_lines(report))})


# -- login ---------------------------------------------------------------------------------------
async def login(request: web.Request) -> web.StreamResponse:
    auth = request.app[AUTH]
    form = await request.post()
    if not auth.token_matches(str(form.get("token", ""))):
        try:
            await auth.failed(request)
        except Denied as denied:
            return _denied(denied, html=True)
        return _html(pages.login_page("Неверный ключ."), 401)
    response = _redirect("/admin")
    set_cookie(response, auth.new_cookie())
    return response


async def logout(request: web.Request, via: Via) -> web.StreamResponse:
    if via == "cookie":
        form = await request.post()
        if not request.app[AUTH].csrf_valid(request.cookies[COOKIE], str(form.get("csrf", ""))):
            return _error(403, "csrf", "Форма устарела: обновите страницу.")
        await request.app[AUTH].revoke(request.cookies[COOKIE])
    response = _redirect("/admin")
    clear_cookie(response)
    return response


async def _off(request: web.Request) -> web.StreamResponse:
    raise web.HTTPNotFound()


def add_admin_routes(app: web.Application, settings: Settings) -> None:
    """The admin routes; while AIDA_ADMIN_TOKEN is unset they all answer 404."""
    token = (settings.admin_token or "").strip()
    # Wrong tokens are limited even where AIDA_RATE_LIMIT=off turns the chat's limits off.
    limiter = app[LIMITER] if settings.rate_limit_enabled else MemoryLimiter()
    routes: list[tuple[str, str, Handler]] = [
        ("GET", "/admin", guarded(dashboard, html=True)),
        ("GET", "/admin/conversations/{session_id}", guarded(conversation, html=True)),
        ("GET", "/admin/api/funnel", guarded(api_funnel, html=False)),
        ("GET", "/admin/api/leads", guarded(api_leads, html=False)),
        ("POST", "/admin/api/leads/{lead_id}/retry", guarded(api_retry, html=False)),
        ("POST", "/admin/api/forget", guarded(api_forget, html=False)),
        ("POST", "/admin/login", login),
        ("POST", "/admin/logout", guarded(logout, html=False)),
    ]
    if token:
        app[AUTH] = AdminAuth(
            token, limiter, app[STORE], trusted=settings.trusted_proxy_networks
        )
    for method, path, handler in routes:
        app.router.add_route(method, path, handler if token else _off)
