"""The admin dashboard: off without a token, locked without the right one, and its numbers are
the database's for a known set of conversations."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import quote

import asyncpg
import pytest
from aiohttp.test_utils import TestClient

from aida.http.keys import SETTINGS, STORE, TURNS
from aida.store import open_store
from tests.ops.conftest import AUTH, TOKEN, MakeClient
from tests.ops.seed import HANDLING, ONBOARDING, Conversation, seed, start_of

ADMIN_ROUTES = [
    ("GET", "/admin"),
    ("GET", "/admin/conversations/x"),
    ("GET", "/admin/api/funnel"),
    ("GET", "/admin/api/leads"),
    ("POST", "/admin/api/leads/x/retry"),
    ("POST", "/admin/api/forget"),
    ("POST", "/admin/login"),
    ("POST", "/admin/logout"),
]


async def _seeded(make_client: MakeClient, **overrides: Any) -> TestClient[Any, Any]:
    client = await make_client(**overrides)
    await seed(client.app[STORE], dt.datetime.now(dt.UTC), engine=client.app[TURNS].engine)
    return client


# -- access --------------------------------------------------------------------------------------
@pytest.mark.parametrize("token", [None, "", "   "])
async def test_without_a_configured_token_the_admin_does_not_exist(
    make_client: MakeClient, token: str | None
) -> None:
    client = await make_client(admin_token=token)
    for method, path in ADMIN_ROUTES:
        resp = await client.request(method, path, headers=AUTH)
        assert resp.status == 404, (method, path)


async def test_the_admin_needs_the_token(make_client: MakeClient) -> None:
    client = await make_client()
    for path in ("/admin", "/admin/api/funnel", "/admin/api/leads"):
        assert (await client.get(path)).status == 401
        wrong = await client.get(path, headers={"Authorization": "Bearer not-the-token"})
        assert wrong.status == 401
        assert wrong.headers["WWW-Authenticate"].startswith("Bearer")
        assert (await client.get(path, headers=AUTH)).status == 200
    page = await (await client.get("/admin")).text()
    assert 'name="token"' in page and "Ключ администратора" in page  # the login form


async def test_wrong_tokens_are_limited_per_address(make_client: MakeClient) -> None:
    client = await make_client()  # AIDA_RATE_LIMIT=off: the admin is limited all the same
    statuses = [
        (await client.get("/admin/api/leads", headers={"Authorization": "Bearer x"})).status
        for _ in range(12)
    ]
    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429, 429]
    form = await client.post("/admin/login", data={"token": TOKEN + "x"})
    assert form.status == 429 and int(form.headers["Retry-After"]) >= 1


async def test_the_login_form_sets_a_strict_cookie_that_opens_the_dashboard(
    make_client: MakeClient,
) -> None:
    client = await make_client()
    wrong = await client.post("/admin/login", data={"token": "guess"}, allow_redirects=False)
    assert wrong.status == 401 and "Неверный ключ" in await wrong.text()
    assert "aida_admin" not in wrong.cookies

    resp = await client.post("/admin/login", data={"token": TOKEN}, allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/admin"
    cookie = resp.headers["Set-Cookie"]
    for flag in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/admin"):
        assert flag.lower() in cookie.lower(), cookie
    assert TOKEN not in cookie
    value = resp.cookies["aida_admin"].value

    headers = {"Cookie": f"aida_admin={value}"}
    page = await client.get("/admin", headers=headers)
    assert page.status == 200 and "Воронка" in await page.text()
    assert (await client.get("/admin/api/funnel", headers=headers)).status == 200
    forged = value[:-1] + ("0" if value[-1] != "0" else "1")
    assert (await client.get("/admin", headers={"Cookie": f"aida_admin={forged}"})).status == 401


async def test_a_changed_token_ends_old_cookies(make_client: MakeClient) -> None:
    old = await make_client()
    resp = await old.post("/admin/login", data={"token": TOKEN}, allow_redirects=False)
    value = resp.cookies["aida_admin"].value
    new = await make_client(admin_token=TOKEN + "-rotated")
    assert (await new.get("/admin", headers={"Cookie": f"aida_admin={value}"})).status == 401


async def test_pages_run_no_script_and_escape_what_visitors_sent(make_client: MakeClient) -> None:
    client = await make_client()
    hostile = "<script>alert(1)</script>"
    await seed(
        client.app[STORE],
        dt.datetime.now(dt.UTC),
        engine=client.app[TURNS].engine,
        conversations=(Conversation("xss", len(ONBOARDING), 0, hostile, '"><img src=x>'),),
    )
    resp = await client.get("/admin", headers=AUTH)
    page = await resp.text()
    assert "script-src" not in resp.headers["Content-Security-Policy"]
    assert "default-src 'none'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert hostile not in page and "&lt;script&gt;" in page
    assert "<img src=x>" not in page


# -- the numbers ---------------------------------------------------------------------------------
async def _db_counts(database_url: str, since: dt.datetime) -> dict[str, Any]:
    """The expected numbers, read with plain SQL rather than through the store."""
    queries = {
        "sessions": "SELECT count(*) FROM sessions WHERE created_at >= {p}",
        "done": "SELECT count(*) FROM sessions WHERE created_at >= {p} AND max_step_rank = 6",
        "address": "SELECT count(*) FROM sessions WHERE created_at >= {p} AND max_step_rank >= 2",
        "leads": "SELECT count(*) FROM leads WHERE created_at >= {p}",
        "yandex": "SELECT count(*) FROM leads WHERE created_at >= {p} AND utm_source = 'yandex'",
    }
    if database_url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        arg = since.astimezone(dt.UTC).isoformat(timespec="microseconds")
        try:
            return {
                k: conn.execute(q.format(p="?"), (arg,)).fetchone()[0] for k, q in queries.items()
            }
        finally:
            conn.close()
    base, _, schema = database_url.partition("?search_path=")
    pg = await asyncpg.connect(base, server_settings={"search_path": schema})
    try:
        return {k: await pg.fetchval(q.format(p="$1"), since) for k, q in queries.items()}
    finally:
        await pg.close()


async def test_the_funnel_matches_the_database(make_client: MakeClient, database_url: str) -> None:
    client = await _seeded(make_client)
    resp = await client.get("/admin/api/funnel", headers=AUTH)
    assert resp.status == 200
    funnel = await resp.json()
    start = dt.date.fromisoformat(funnel["start"])
    since = dt.datetime.combine(start, dt.time(), client.app[SETTINGS].tz)
    expected = await _db_counts(database_url, since)

    steps = {row["step"]: row for row in funnel["steps"]}
    # Ten conversations in the last 30 days (the one 40 days ago is outside the range).
    assert funnel["sessions"] == expected["sessions"] == 10
    assert steps["tariff"]["reached"] == 10 and steps["tariff"]["dropped"] == 2
    assert steps["address"]["reached"] == expected["address"] == 7
    assert steps["confirm"]["dropped"] == 1 and steps["contacts"]["dropped"] == 1
    assert funnel["converted"] == expected["done"] == 4
    assert funnel["conversion"] == pytest.approx(0.4)
    assert funnel["leads"] == expected["leads"] == 4
    assert funnel["avg_handling_seconds"] == pytest.approx(HANDLING.total_seconds())
    by_source = {(r["utm_source"], r["utm_campaign"]): r["leads"] for r in funnel["by_source"]}
    assert by_source == {("yandex", "winter"): 2, ("google", "brand"): 1, ("(нет)", "(нет)"): 1}
    assert by_source[("yandex", "winter")] == expected["yandex"]
    assert sum(d["leads"] for d in funnel["by_day"]) == 4 and len(funnel["by_day"]) == 30

    # The page shows the same numbers.
    page = await (await client.get("/admin", headers=AUTH)).text()
    assert re.search(r"<b>10</b><span>разговоров начато", page)
    assert re.search(r"<b>40\.0%</b><span>конверсия", page)
    assert re.search(r"<b>5 мин</b><span>среднее время до заявки", page)  # 300 s


async def test_the_date_range_filters_by_the_providers_days(make_client: MakeClient) -> None:
    client = await _seeded(make_client)
    tz = client.app[SETTINGS].tz
    today = dt.datetime.now(tz).date()
    wide = today - dt.timedelta(days=60)
    resp = await client.get(f"/admin/api/funnel?from={wide}&to={today}", headers=AUTH)
    funnel = await resp.json()
    assert (funnel["sessions"], funnel["leads"]) == (11, 5)
    past = start_of(40, dt.datetime.now(dt.UTC)).astimezone(tz).date()
    resp = await client.get(f"/admin/api/leads?from={past}&to={past}", headers=AUTH)
    [lead] = (await resp.json())["leads"]
    assert lead["session_id"] == "done-long-ago" and lead["utm_campaign"] == "autumn"

    bad = await client.get("/admin/api/funnel?from=2026-13-01", headers=AUTH)
    assert bad.status == 422 and "ГГГГ-ММ-ДД" in (await bad.json())["error"]["message"]
    backwards = await client.get(f"/admin/api/funnel?from={today}&to={past}", headers=AUTH)
    assert backwards.status == 422


async def test_leads_list_masks_contacts_and_shows_delivery(make_client: MakeClient) -> None:
    client = await _seeded(make_client)
    body = await (await client.get("/admin/api/leads", headers=AUTH)).json()
    assert len(body["leads"]) == 4
    assert [lead["session_id"] for lead in body["leads"]] == [
        "done-direct",
        "done-yandex-1",
        "done-google",
        "done-yandex-2",
    ]
    lead = body["leads"][0]
    assert lead["phone"] == "+7 999 ***-**-67" and lead["email"] == "i***@mail.ru"
    assert lead["delivery"] == "local" and lead["tariff"] == "Пакет Премиум"
    text = str(body)
    assert "79991234567" not in text and "ivan@mail.ru" not in text
    only_failed = await client.get("/admin/api/leads?delivery=failed", headers=AUTH)
    assert (await only_failed.json())["leads"] == []
    assert (await client.get("/admin/api/leads?delivery=lost", headers=AUTH)).status == 422


async def test_a_conversation_shows_its_transcript(make_client: MakeClient) -> None:
    client = await _seeded(make_client)
    resp = await client.get("/admin/conversations/stop-contacts", headers=AUTH)
    page = await resp.text()
    assert resp.status == 200
    for text in ONBOARDING[:7]:
        assert text in page
    assert page.index("Тарифы для дома") < page.index("ул. Мира, 5, кв 12")
    missing = await client.get(f"/admin/conversations/{quote('nobody')}", headers=AUTH)
    assert missing.status == 404


# -- retry ---------------------------------------------------------------------------------------
async def _failed_lead(database_url: str) -> str:
    """A lead amoCRM refused, stored before the service (and its worker) starts."""
    store = open_store(database_url)
    await store.open()
    try:
        await seed(
            store,
            dt.datetime.now(dt.UTC),
            enqueue_leads=True,
            conversations=(Conversation("to-fail", len(ONBOARDING), 0),),
        )
        [job] = await store.claim_jobs(dt.datetime.now(dt.UTC), 1, dt.timedelta(minutes=5))
        await store.job_failed(job.id, "amoCRM 400: поле 2578885 не найдено")
    finally:
        await store.close()
    return job.lead.id


# A CRM that never answers: the worker runs, and a retried lead stays pending.
DEAD_CRM = {"amo_base_url": "http://127.0.0.1:9", "amo_access_token": "t"}


async def test_a_failed_lead_is_retried_with_the_bearer_token(
    make_client: MakeClient, database_url: str
) -> None:
    lead_id = await _failed_lead(database_url)
    client = await make_client(**DEAD_CRM)
    page = await (await client.get("/admin", headers=AUTH)).text()
    assert f"/admin/api/leads/{lead_id}/retry" in page and "Повторить" in page
    assert "поле 2578885 не найдено" in page

    resp = await client.post(f"/admin/api/leads/{lead_id}/retry", headers=AUTH)
    assert resp.status == 200, await resp.text()
    record = await client.app[STORE].lead(lead_id)
    assert record is not None and record.delivery == "pending"
    unknown = await client.post("/admin/api/leads/nope/retry", headers=AUTH)
    assert unknown.status == 409


async def test_the_retry_form_needs_its_csrf_token(
    make_client: MakeClient, database_url: str
) -> None:
    lead_id = await _failed_lead(database_url)
    client = await make_client(**DEAD_CRM)
    login = await client.post("/admin/login", data={"token": TOKEN}, allow_redirects=False)
    cookie = {"Cookie": f"aida_admin={login.cookies['aida_admin'].value}"}
    page = await (await client.get("/admin", headers=cookie)).text()
    csrf = re.search(
        rf'leads/{lead_id}/retry"><input type="hidden" name="csrf" value="(\w+)"', page
    )
    assert csrf is not None

    url = f"/admin/api/leads/{lead_id}/retry"
    forged = await client.post(url, data={"csrf": "0" * 64}, headers=cookie)
    assert forged.status == 403
    assert (await client.app[STORE].lead(lead_id)).delivery == "failed"  # type: ignore[union-attr]

    resp = await client.post(
        url, data={"csrf": csrf.group(1)}, headers=cookie, allow_redirects=False
    )
    assert resp.status == 303 and "notice=" in resp.headers["Location"]
    assert (await client.app[STORE].lead(lead_id)).delivery == "pending"  # type: ignore[union-attr]


async def test_without_a_crm_there_is_nothing_to_retry(make_client: MakeClient) -> None:
    client = await _seeded(make_client)
    [lead, *_] = (await (await client.get("/admin/api/leads", headers=AUTH)).json())["leads"]
    page = await (await client.get("/admin", headers=AUTH)).text()
    assert "Повторить" not in page
    resp = await client.post(f"/admin/api/leads/{lead['id']}/retry", headers=AUTH)
    assert resp.status == 409


async def test_logging_out_revokes_the_cookie_on_every_instance(make_client: MakeClient) -> None:
    client, other = await make_client(), await make_client()  # two instances, one database
    login = await client.post("/admin/login", data={"token": TOKEN}, allow_redirects=False)
    cookie = {"Cookie": f"aida_admin={login.cookies['aida_admin'].value}"}
    page = await (await client.get("/admin", headers=cookie)).text()
    csrf = re.search(r'action="/admin/logout"><input type="hidden" name="csrf" value="(\w+)"', page)
    assert csrf is not None
    again = await client.post("/admin/login", data={"token": TOKEN}, allow_redirects=False)
    kept = {"Cookie": f"aida_admin={again.cookies['aida_admin'].value}"}

    out = await client.post(
        "/admin/logout", data={"csrf": csrf.group(1)}, headers=cookie, allow_redirects=False
    )
    assert out.status == 303
    # A copy of the cookie (another tab, a stolen one) no longer opens anything, anywhere.
    for instance in (client, other):
        assert (await instance.get("/admin", headers=cookie)).status == 401
        assert (await instance.get("/admin/api/leads", headers=cookie)).status == 401
    # Another login's cookie is its own and still works.
    assert (await other.get("/admin", headers=kept)).status == 200


async def test_the_banner_shows_our_text_for_a_code_never_text_from_the_link(
    make_client: MakeClient,
) -> None:
    client = await make_client()
    phishing = "Ключ устарел: введите его на evil.example"
    page = await (await client.get("/admin", params={"notice": phishing}, headers=AUTH)).text()
    assert phishing not in page and 'class="notice"' not in page
    params = {"notice": "requeued", "lead": "abcdef12"}
    page = await (await client.get("/admin", params=params, headers=AUTH)).text()
    assert "abcdef12: снова в очереди доставки" in page
    params = {"notice": "requeued", "lead": "evil.example"}
    page = await (await client.get("/admin", params=params, headers=AUTH)).text()
    assert "evil.example" not in page
