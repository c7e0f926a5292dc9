"""The widget on the provider's sites (CORS) and the files it is made of (static)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from conftest import MakeClient

import aida.http.static
from aida.http.static import web_root

SITE = "https://smit34.ru"


async def test_a_preflight_from_an_allowed_site_is_answered(client: TestClient[Any, Any]) -> None:
    resp = await client.options(
        "/chat",
        headers={
            "Origin": SITE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert resp.status == 204
    assert resp.headers["Access-Control-Allow-Origin"] == SITE
    assert "POST" in resp.headers["Access-Control-Allow-Methods"]
    assert resp.headers["Access-Control-Allow-Headers"] == "content-type"


async def test_a_trailing_slash_in_the_setting_still_matches(client: TestClient[Any, Any]) -> None:
    resp = await client.post(
        "/chat",
        json={"session_id": "s1", "message": "Привет"},
        headers={"Origin": "https://www.smit34.ru"},
    )
    assert resp.headers["Access-Control-Allow-Origin"] == "https://www.smit34.ru"


async def test_other_sites_get_no_cors_grant(client: TestClient[Any, Any]) -> None:
    resp = await client.options(
        "/chat", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert resp.status == 403
    assert "Access-Control-Allow-Origin" not in resp.headers
    resp = await client.post(
        "/chat",
        json={"session_id": "s1", "message": "Привет"},
        headers={"Origin": "https://evil.example"},
    )
    assert "Access-Control-Allow-Origin" not in resp.headers


async def test_errors_and_streams_carry_cors_so_the_widget_can_read_them(
    make_client: MakeClient,
) -> None:
    client = await make_client(rate_limit="on")
    headers = {"Origin": SITE}
    resp = await client.post("/chat", data=b"{", headers=headers)
    assert resp.status == 400 and resp.headers["Access-Control-Allow-Origin"] == SITE
    resp = await client.post(
        "/chat/stream", json={"session_id": "s1", "message": "Привет"}, headers=headers
    )
    assert resp.headers["Access-Control-Allow-Origin"] == SITE
    await resp.read()
    for _ in range(13):
        resp = await client.post(
            "/chat", json={"session_id": "s2", "message": "x"}, headers=headers
        )
    assert resp.status == 429
    assert "Retry-After" in resp.headers["Access-Control-Expose-Headers"]


async def test_any_origin_with_a_star(make_client: MakeClient) -> None:
    client = await make_client(cors_origins="*")
    resp = await client.get("/health", headers={"Origin": "https://partner.example"})
    assert resp.headers["Access-Control-Allow-Origin"] == "https://partner.example"


def test_the_web_folder_of_a_checkout_is_found() -> None:
    root = web_root()
    assert root is not None and root == Path(aida.__file__).resolve().parent.parent / "web"


@pytest.fixture
def web_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "web"
    root.mkdir()
    (root / "widget.js").write_text("console.log('aida')")
    (root / "aida_chat.html").write_text("<html>чат</html>")
    (root / "aida_widget.html").write_text("<html>виджет</html>")
    (tmp_path / "secret.txt").write_text("not for the web")
    (root / ".env.js").write_text("hidden")
    monkeypatch.setattr(aida.http.static, "web_root", lambda: root)
    return root


async def test_the_widget_files_are_served_and_nothing_outside(
    web_files: Path, make_client: MakeClient
) -> None:
    client = await make_client()
    resp = await client.get("/widget.js")
    assert resp.status == 200 and await resp.text() == "console.log('aida')"
    assert "javascript" in resp.content_type
    assert await (await client.get("/aida_chat.html")).text() == "<html>чат</html>"
    assert await (await client.get("/aida_widget.html")).text() == "<html>виджет</html>"
    resp = await client.get("/", allow_redirects=False)
    assert resp.status == 302 and resp.headers["Location"] == "/aida_chat.html"
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/.env.js", "/missing.js"):
        resp = await client.get(path)
        assert resp.status == 404, path
        assert "not for the web" not in await resp.text()


async def test_the_checkouts_widget_and_pages_are_served(client: TestClient[Any, Any]) -> None:
    for path, kind in (
        ("/widget.js", "javascript"),
        ("/aida_chat.html", "text/html"),
        ("/aida_widget.html", "text/html"),
    ):
        resp = await client.get(path)
        assert resp.status == 200, path
        assert kind in resp.content_type
        assert len(await resp.read()) > 100


@pytest.mark.parametrize(
    "path",
    ["/widget.js%00.html", "/" + "a" * 300 + ".js", "/x/" + "b" * 256 + ".html", "/%00.js"],
)
async def test_impossible_file_names_are_404_not_an_error(
    client: TestClient[Any, Any], path: str
) -> None:
    resp = await client.get(path)
    assert resp.status == 404
    assert (await resp.json())["error"]["code"] == "not_found"


async def test_our_pages_carry_a_csp_nosniff_and_frame_protection(
    make_client: MakeClient,
) -> None:
    client = await make_client()
    for path in ("/aida_chat.html", "/aida_widget.html"):
        resp = await client.get(path)
        csp = resp.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "object-src 'none'" in csp, path
        # Only this site and the listed ones may frame the page.
        assert "frame-ancestors 'self' https://smit34.ru https://www.smit34.ru" in csp
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
    # The demo page's own inline script is allowed by its hash, no other inline script is.
    demo = (await client.get("/aida_widget.html")).headers["Content-Security-Policy"]
    assert "'sha256-" in demo and "'unsafe-inline'" not in demo.split("style-src")[0]
    assert (await client.get("/widget.js")).headers["X-Content-Type-Options"] == "nosniff"
    alone = await make_client(cors_origins="")
    resp = await alone.get("/aida_chat.html")
    assert resp.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self';" in resp.headers["Content-Security-Policy"] + ";"
