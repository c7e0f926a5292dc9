"""The files in deploy/ are valid for the tools that read them: systemd and nginx."""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from aida.http import create_app
from tests.ops.conftest import ops_settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
WEB = DEPLOY.parent / "web"
AIDA = Path(sys.executable).with_name("aida")


def _run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=60, check=False, cwd=cwd
    )


@pytest.mark.parametrize("unit", ["aida-assistant.service", "aida-assistant@.service"])
def test_the_systemd_units_verify(unit: str, tmp_path: Path) -> None:
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed")
    text = (DEPLOY / "systemd" / unit).read_text()
    assert "/opt/aida/venv/bin/aida serve" in text
    # The installed path does not exist here: point ExecStart at this checkout's `aida`.
    name = unit.replace("@", "@8901") if "@" in unit else unit
    (tmp_path / name).write_text(text.replace("/opt/aida/venv/bin/aida", str(AIDA)))
    result = _run("systemd-analyze", "verify", tmp_path / name)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    for hardening in ("NoNewPrivileges=yes", "ProtectSystem=strict", "CapabilityBoundingSet="):
        assert hardening in text


def _nginx_prefix(
    tmp_path: Path,
    port: int | None = None,
    upstream: int | None = None,
    plain_port: int | None = None,
) -> Path:
    """A scratch nginx layout holding deploy/nginx's files, with a self-signed certificate
    at every path they name; with `port`, both sites listen on 127.0.0.1:port (TLS) and
    serve the checkout's web/, and with `upstream` the `aida` upstream is 127.0.0.1:upstream."""
    snippets = tmp_path / "snippets"
    snippets.mkdir()
    for name in ("aida-proxy.conf", "aida-security.conf"):
        shutil.copy(DEPLOY / "nginx" / name, snippets / name)
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    made = _run(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=aida.smit34.ru",
        "-keyout",
        key,
        "-out",
        cert,
    )
    assert made.returncode == 0, made.stderr
    sites = []
    for site in ("aida.smit34.ru.conf", "assistant.smit34.ru.conf"):
        text = (DEPLOY / "nginx" / site).read_text()
        text = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", text)
        text = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", text)
        text = text.replace("/var/log/nginx/", f"{tmp_path}/")
        if port is not None:
            text = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", text)
            text = re.sub(r"listen 80;", f"listen 127.0.0.1:{plain_port or port + 1};", text)
            text = re.sub(r"listen 443 ssl http2;", f"listen 127.0.0.1:{port} ssl;", text)
            text = text.replace("/opt/aida/web", str(WEB))
        (tmp_path / site).write_text(text)
        sites.append(f"include {tmp_path / site};")
    upstream_conf = (DEPLOY / "nginx" / "aida-upstream.conf").read_text()
    if upstream is not None:
        upstream_conf = upstream_conf.replace("127.0.0.1:8900", f"127.0.0.1:{upstream}")
    (tmp_path / "aida-upstream.conf").write_text(upstream_conf)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log {tmp_path}/access.log;\n"
        f"  include {tmp_path / 'aida-upstream.conf'};\n  " + "\n  ".join(sites) + "\n}\n"
    )
    return tmp_path


def _nginx() -> str:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    return nginx


def test_the_nginx_sites_pass_nginx_t(tmp_path: Path) -> None:
    nginx = _nginx()
    prefix = _nginx_prefix(tmp_path)
    result = _run(nginx, "-t", "-p", prefix, "-c", prefix / "nginx.conf", "-e", prefix / "e.log")
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_the_stream_is_never_buffered_and_the_chat_is_proxied() -> None:
    for site in ("aida.smit34.ru.conf", "assistant.smit34.ru.conf"):
        text = (DEPLOY / "nginx" / site).read_text()
        stream = text[text.index("location ~ ^/chat/(stream|events)$") :]
        stream = stream[: stream.index("}")]
        assert "proxy_buffering off;" in stream and "proxy_pass http://aida;" in stream, site
        assert "include snippets/aida-security.conf;" in text and "listen 443 ssl" in text
        assert "return 301 https://" in text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def test_through_nginx_only_the_pages_paths_are_served(
    tmp_path: Path, aiohttp_server: Any
) -> None:
    """The shipped sites in a real nginx in front of a real AIDA: the page, its files, the
    chat API and /health answer (also under the seed's /aida/ prefix); /metrics and the
    dashboard under the prefix do not — /aida/admin would skip /admin's allow-list."""
    nginx = _nginx()
    app = create_app(ops_settings(f"sqlite:///{tmp_path}/aida.db"))
    backend = await aiohttp_server(app)
    port = _free_port()
    prefix = _nginx_prefix(tmp_path, port=port, upstream=backend.port, plain_port=_free_port())
    conf = prefix / "nginx.conf"
    server = await asyncio.create_subprocess_exec(
        nginx,
        "-p",
        str(prefix),
        "-c",
        str(conf),
        "-e",
        str(prefix / "e.log"),
        "-g",
        "daemon off; master_process off;",
    )
    base = f"https://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=False)) as http:

            async def status(host: str, method: str, path: str, **kw: Any) -> int:
                for _ in range(50):  # until nginx listens
                    try:
                        async with http.request(
                            method,
                            base + path,
                            headers={"Host": host},
                            allow_redirects=False,
                            **kw,
                        ) as resp:
                            return resp.status
                    except aiohttp.ClientConnectorError:
                        await asyncio.sleep(0.1)
                raise AssertionError((prefix / "e.log").read_text())

            chat = {"json": {"session_id": "nginx-1", "message": "Здравствуйте"}}
            for host in ("assistant.smit34.ru", "aida.smit34.ru"):
                assert await status(host, "GET", "/metrics") == 404, host
                assert await status(host, "GET", "/widget.js") == 200, host
                assert await status(host, "POST", "/chat", **chat) == 200, host
                assert await status(host, "GET", "/chat/history?session_id=nginx-1") == 200
                assert await status(host, "GET", "/health") == 200, host
            page = "assistant.smit34.ru"
            for path in (
                "/aida/metrics",
                "/aida/admin",
                "/aida/admin/api/leads",
                "/aida/x/../metrics",
            ):
                assert await status(page, "GET", path) == 404, path
            assert await status(page, "GET", "/aida/aida_chat.html") == 200
            assert await status(page, "GET", "/aida/widget.js") == 200
            assert await status(page, "POST", "/aida/chat", **chat) == 200
            assert await status(page, "GET", "/aida/chat/history?session_id=nginx-1") == 200
            assert await status(page, "GET", "/aida/health") == 200
            # The dashboard itself is still reached at /admin (its token checked by AIDA).
            assert await status(page, "GET", "/admin") == 401
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), timeout=10)
