"""`GET /privacy` (the widget's notice and links) and `GET /privacy/consent` (the text)."""

from __future__ import annotations

from typing import Any

from aida.catalog import default_catalog
from tests.ops.conftest import MakeClient, make_client  # noqa: F401


async def test_the_notice_and_links_come_from_the_catalog_and_settings(
    make_client: MakeClient,  # noqa: F811
) -> None:
    client = await make_client(privacy_url="https://smit34.ru/policy")
    body: dict[str, Any] = await (await client.get("/chat/privacy")).json()
    privacy = default_catalog().privacy
    assert body == {
        "notice": privacy.notice,
        "policy_url": "https://smit34.ru/policy",
        "consent_url": "/privacy/consent",
        "consent_version": privacy.version,
    }


async def test_the_consent_text_is_a_page_of_its_own_with_its_version(
    make_client: MakeClient,  # noqa: F811
) -> None:
    client = await make_client()
    resp = await client.get("/privacy/consent")
    assert resp.status == 200 and resp.content_type == "text/html"
    assert "default-src 'none'" in resp.headers["Content-Security-Policy"]
    page = await resp.text()
    assert "ШАБЛОН ДЛЯ ЮРИСТА" in page and default_catalog().privacy.version in page
    assert "<script" not in page


async def test_a_widget_on_a_listed_site_may_read_the_notice_and_no_other_site(
    make_client: MakeClient,  # noqa: F811
) -> None:
    client = await make_client(cors_origins="https://smit34.ru")
    ok = await client.get("/chat/privacy", headers={"Origin": "https://smit34.ru"})
    assert ok.status == 200
    assert ok.headers["Access-Control-Allow-Origin"] == "https://smit34.ru"
    other = await client.get("/chat/privacy", headers={"Origin": "https://evil.example"})
    assert other.status == 403
