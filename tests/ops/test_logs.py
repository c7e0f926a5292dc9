"""Log lines: JSON objects with the request id, one `turn` event per turn, no personal data,
and never what the customer wrote at info level. Also: the whole-run scan cannot pass blindly."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from aida.ops.logs import JsonFormatter, TextFormatter
from aida.privacy import session_ref
from tests.ops.conftest import MakeClient
from tests.ops.logscan import ScanHandler, scan_line
from tests.ops.seed import ONBOARDING

REPO = Path(__file__).resolve().parents[2]


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.records: list[logging.LogRecord] = []
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines.append(self.format(record))


@pytest.fixture
def lines() -> Lines:
    handler = Lines()
    logging.getLogger().addHandler(handler)
    yield handler  # type: ignore[misc]
    logging.getLogger().removeHandler(handler)


def record(msg: str, *args: object, **extra: object) -> logging.LogRecord:
    rec = logging.LogRecord("aida.test", logging.INFO, __file__, 1, msg, args, None)
    rec.__dict__.update(extra)
    return rec


def test_a_line_is_one_json_object_with_personal_data_masked() -> None:
    rec = record(
        "callback for %s (%s)",
        "+7 (999) 123-45-67",
        "ivan.petrov@mail.ru",
        event="lead.callback",
        crm={"phones": ["89991234567"], "contact": "ivan.petrov@mail.ru", "id": 31234567},
    )
    line = JsonFormatter().format(rec)
    assert "\n" not in line
    data = json.loads(line)
    assert data["event"] == "lead.callback" and data["level"] == "INFO"
    assert data["msg"] == "callback for +7 999 ***-**-67 (i***@mail.ru)"
    assert data["crm"] == {
        "phones": ["+7 999 ***-**-67"],
        "contact": "i***@mail.ru",
        "id": 31234567,
    }
    assert scan_line(line) == []


def test_tracebacks_are_masked_too() -> None:
    try:
        raise ValueError("bad input +79991234567 from anna@yandex.ru")
    except ValueError:
        rec = logging.LogRecord("aida", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    for formatter in (JsonFormatter(), TextFormatter()):
        line = formatter.format(rec)
        assert "ValueError" in line and scan_line(line) == [], line


async def test_each_turn_is_one_event_with_the_request_id_and_without_the_text(
    make_client: MakeClient, lines: Lines
) -> None:
    client = await make_client()
    for n, text in enumerate(ONBOARDING):
        resp = await client.post(
            "/chat",
            json={"session_id": "log-1", "message": text, "message_id": f"m{n}"},
            headers={"X-Request-Id": f"req-{n}"},
        )
        assert resp.status == 200
    turns = [json.loads(line) for line in lines.lines if '"event": "turn"' in line]
    assert [t["request_id"] for t in turns] == [f"req-{n}" for n in range(len(ONBOARDING))]
    # A session id is the key to its transcript: logs carry its hash only.
    assert all(t["session"] == session_ref("log-1") and t["level"] == "INFO" for t in turns)
    assert not any("log-1" in line for line in lines.lines)
    assert turns[0]["new_session"] and not any(t["new_session"] for t in turns[1:])
    assert turns[-1]["step"] == "done" and turns[-1]["lead_kind"] == "connection"
    assert "lead_confirmed" in turns[-1]["events"]

    info = [
        line
        for rec, line in zip(lines.records, lines.lines, strict=True)
        if rec.levelno >= logging.INFO
    ]
    for text in ONBOARDING:
        assert not any(text in line for line in info), text
    for line in lines.lines:
        assert scan_line(line) == [], line


def test_the_scan_finds_raw_phones_and_emails_and_spares_masked_ones() -> None:
    raw = [
        "+7 999 123-45-67",
        "8 (999) 123-45-67",
        "+79991234567",
        "79991234567",
        "query=%2B79991234567",
        "+380441234567",
        "ivan@mail.ru",
        "иван@почта.рф",
        "a.b+tag@sub.example.com",
    ]
    for text in raw:
        assert scan_line(f'{{"msg": "x {text} y"}}'), text
    clean = [
        "+7 999 ***-**-67",
        "i***@mail.ru",
        "2026-11-27T14:31:41.123+00:00",
        "crm_lead_id=31234567 ms=1234",
        "job=12 attempt=3 retry_in_s=1.5",
        "session=bench-4f1c2d3e4b5a6978",
        # Random hex request ids whose digits happen to read as a number.
        '"request_id": "f8bad89589254390"',
        "request_id=89589254390bcdef",
    ]
    for text in clean:
        assert scan_line(text) == [], text


def test_the_scan_handler_keeps_what_would_leak() -> None:
    handler = ScanHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))  # a formatter that masks nothing
    handler.handle(record("call %s", "+7 999 123-45-67"))
    handler.handle(record("nothing personal here"))
    assert handler.lines == 2 and len(handler.leaks) == 1


def test_the_run_wide_scan_is_listening(log_scan: ScanHandler) -> None:
    seen = log_scan.lines
    logging.getLogger("aida.test").debug("a debug line counts as well")
    assert log_scan.lines == seen + 1
    assert log_scan in logging.getLogger().handlers


def test_a_run_whose_logs_leak_fails(tmp_path: Path) -> None:
    """An inner pytest run with masking broken on purpose: the scan must fail that run."""
    (tmp_path / "conftest.py").write_text("from tests.ops.logscan import log_scan  # noqa: F401\n")
    (tmp_path / "test_leak.py").write_text(
        textwrap.dedent(
            """
            import logging
            import aida.ops.logs

            def test_leak(monkeypatch):
                monkeypatch.setattr(aida.ops.logs, "scrub", lambda text: text)
                logging.getLogger("aida.leaky").info("customer +7 999 123-45-67")
            """
        )
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        check=False,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "1 of " in out and "hold a raw phone or email" in out, out
    assert "aida.leaky" in out
