"""The files in deploy/ are valid for the tools that read them: systemd and nginx."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
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


def _nginx_prefix(tmp_path: Path) -> Path:
    """A scratch nginx layout holding deploy/nginx's files, with a self-signed certificate
    at every path they name."""
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
        (tmp_path / site).write_text(text)
        sites.append(f"include {tmp_path / site};")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log {tmp_path}/access.log;\n"
        f"  include {DEPLOY / 'nginx' / 'aida-upstream.conf'};\n  " + "\n  ".join(sites) + "\n}\n"
    )
    return tmp_path


def test_the_nginx_sites_pass_nginx_t(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    prefix = _nginx_prefix(tmp_path)
    result = _run(nginx, "-t", "-p", prefix, "-c", prefix / "nginx.conf", "-e", prefix / "e.log")
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_the_stream_is_never_buffered_and_the_chat_is_proxied() -> None:
    for site in ("aida.smit34.ru.conf", "assistant.smit34.ru.conf"):
        text = (DEPLOY / "nginx" / site).read_text()
        stream = text[text.index("location = /chat/stream") :]
        stream = stream[: stream.index("}")]
        assert "proxy_buffering off;" in stream and "proxy_pass http://aida;" in stream, site
        assert "include snippets/aida-security.conf;" in text and "listen 443 ssl" in text
        assert "return 301 https://" in text
