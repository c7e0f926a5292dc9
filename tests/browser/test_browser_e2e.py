"""End-to-end tests of the web widget and the assistant page in real headless Chromium.

Each `e2e/*.test.js` is a Node test file (node:test + playwright-core driving Debian's
/usr/bin/chromium). It starts its own `aida serve` (this interpreter, `-m aida`, a temp SQLite
database, a free port) and a host site on another origin with a strict CSP and hostile CSS.

They need Node >= 18 and Chromium (`apt-get install chromium`); the Node client is installed
here (`npm ci` in tests/browser) on the first run, so `pytest` on a fresh clone runs them as CI
does. Without a piece they are skipped with the reason — unless AIDA_REQUIRE_BROWSER=1 (CI),
where a missing piece is a failure. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("AIDA_CHROMIUM", "/usr/bin/chromium")
NEEDS_NO_BROWSER = {"size.test.js"}
# Files that also need PostgreSQL and Redis: skipped, saying why, when those are away.
MAY_SKIP = {"handoff-instances.test.js"}
FILES = sorted(p.name for p in (HERE / "e2e").glob("*.test.js"))

pytestmark = pytest.mark.browser


def _missing(name: str) -> str | None:
    node = shutil.which("node")
    if not node:
        return "node is not installed (Node >= 18 is needed for the browser tests)"
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if int(version.lstrip("v").split(".")[0] or 0) < 18:
        return f"node {version} is too old (>= 18 needed)"
    why_not = install_node_modules(HERE)
    if why_not:
        return why_not
    if name not in NEEDS_NO_BROWSER and not os.access(CHROMIUM, os.X_OK):
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium, or set AIDA_CHROMIUM)"
    return None


@cache
def install_node_modules(where: Path) -> str | None:
    """`npm ci` in `where` when its node_modules lacks the client (a fresh clone); why it could
    not be installed, or None. Once per run."""
    if (where / "node_modules" / "playwright-core").is_dir():
        return None
    npm = shutil.which("npm")
    if not npm:
        return "npm is not installed (it comes with Node >= 18)"
    proc = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0 or not (where / "node_modules" / "playwright-core").is_dir():
        return f"`npm ci` in tests/browser failed (exit {proc.returncode}): {proc.stderr[-2000:]}"
    return None


def test_a_fresh_clone_gets_the_node_client_by_itself(tmp_path: Path) -> None:
    if not shutil.which("npm"):
        pytest.skip("npm is not installed")
    for name in ("package.json", "package-lock.json"):
        shutil.copy(HERE / name, tmp_path / name)
    assert install_node_modules(tmp_path) is None
    assert (tmp_path / "node_modules" / "playwright-core").is_dir()


def test_every_node_test_file_is_collected() -> None:
    assert len(FILES) >= 8, FILES


@pytest.mark.parametrize("name", FILES)
def test_browser(name: str) -> None:
    reason = _missing(name)
    if reason:
        if os.environ.get("AIDA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"AIDA_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    env = dict(os.environ)
    env["AIDA_CMD"] = json.dumps([sys.executable, "-m", "aida"])
    env.setdefault("AIDA_CHROMIUM", CHROMIUM)
    proc = subprocess.run(
        [shutil.which("node") or "node", "--test", "--test-reporter=spec", f"e2e/{name}"],
        check=False,
        cwd=HERE,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = proc.stdout + proc.stderr
    print(output)
    if proc.returncode != 0:
        pytest.fail(f"node --test e2e/{name} failed (exit {proc.returncode}):\n{output[-12000:]}", pytrace=False)
    # The spec reporter's summary: something passed, nothing failed, skipped or cancelled.
    summary = dict(re.findall(r"^ℹ (tests|pass|fail|cancelled|skipped|todo) (\d+)$", output, re.MULTILINE))
    assert summary.get("fail") == "0" and summary.get("cancelled") == "0", output[-4000:]
    if name in MAY_SKIP and summary.get("skipped") not in (None, "0"):
        reason = re.search(r"# (.*not reachable.*)$", output, re.MULTILINE)
        pytest.skip(reason.group(1) if reason else "skipped by the test file")
    assert summary.get("skipped") == "0" and summary.get("todo") == "0", output[-4000:]
    assert int(summary.get("pass", "0")) > 0 and summary.get("pass") == summary.get("tests"), output[-4000:]
