"""`aida serve` at start: what it refuses, and what it tells the person who started it."""

from __future__ import annotations

import os
import subprocess
import sys
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
