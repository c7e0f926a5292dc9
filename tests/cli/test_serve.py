"""`aida serve` at start: what it refuses, and what it tells the person who started it."""

from __future__ import annotations

import json
import os
import pty
import select
import socket
import subprocess
import sys
import time
from pathlib import Path


def _serve(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aida", "serve", "--port", "1"],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
        cwd=tmp_path,
        env={
            "PATH": os.environ.get("PATH", ""),
            "AIDA_DATABASE_URL": f"sqlite:///{tmp_path}/aida.db",
            **env,
        },
    )


def test_a_short_admin_token_is_refused_at_start(tmp_path: Path) -> None:
    result = _serve(tmp_path, AIDA_ADMIN_TOKEN="a")
    assert result.returncode != 0
    assert "AIDA_ADMIN_TOKEN" in result.stderr and "16" in result.stderr
    assert "openssl rand" in result.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _first_lines(tmp_path: Path, *, tty: bool, **env: str) -> tuple[str, int]:
    """What `aida serve` writes to standard error until it listens, and on which port."""
    port = _free_port()
    reader, writer = pty.openpty() if tty else os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-m", "aida", "serve", "--port", str(port)],
        stderr=writer,
        stdout=subprocess.DEVNULL,
        cwd=tmp_path,
        env={
            "PATH": os.environ.get("PATH", ""),
            "AIDA_DATABASE_URL": f"sqlite:///{tmp_path}/aida.db",
            **env,
        },
    )
    os.close(writer)
    out = b""
    try:
        deadline = time.monotonic() + 30
        while b"Running on" not in out and time.monotonic() < deadline:
            ready, _, _ = select.select([reader], [], [], 1)
            if ready:
                try:
                    out += os.read(reader, 65536)
                except OSError:
                    break
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        os.close(reader)
    return out.decode(errors="replace"), port


def test_on_a_terminal_the_log_is_readable_and_says_where_to_look(tmp_path: Path) -> None:
    text, port = _first_lines(tmp_path, tty=True)
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines and not any(line.lstrip().startswith("{") for line in lines), text
    assert f"http://127.0.0.1:{port}/" in text
    assert f"sqlite:///{tmp_path}/aida.db" in text


def test_elsewhere_or_when_asked_the_log_is_json(tmp_path: Path) -> None:
    for tty, env in ((False, {}), (True, {"AIDA_LOG_FORMAT": "json"})):
        text, port = _first_lines(tmp_path, tty=tty, **env)
        lines = [json.loads(line) for line in text.splitlines() if line.strip()]
        assert any(f"http://127.0.0.1:{port}/" in line["msg"] for line in lines), text
