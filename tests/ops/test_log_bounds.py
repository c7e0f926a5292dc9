"""Logging costs bounded time and space whatever a client sends (headers of kilobytes ending
in `@`, long digit runs), and the access log keeps out what a client can make long or what
grants access (the query string with its session id, the Referer)."""

from __future__ import annotations

import json
import logging
import time

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from aida.http.accesslog import AccessLogger
from aida.ops.logs import JsonFormatter
from aida.privacy import scrub

HOSTILE = [
    "a" * 8192 + "@",
    "a." * 4096 + "@",
    "Mozilla/5.0 " + "x" * 8000 + "@",
    "@" + "a-" * 4096,
    "1 " * 4096 + "x",
    "(1)-" * 2048,
]


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:6]))
def test_scrubbing_a_hostile_8k_field_is_cheap(text: str) -> None:
    started = time.process_time()
    for _ in range(5):
        scrub(text)
    assert (time.process_time() - started) / 5 < 0.01  # was 0.1–0.5 s for `a…a@`


def test_long_fields_are_cut_before_masking() -> None:
    rec = logging.LogRecord("aida.test", logging.INFO, __file__, 1, "%s", ("x" * 100_000,), None)
    rec.__dict__["agent"] = "y" * 100_000 + " ivan@mail.ru"
    line = JsonFormatter().format(rec)
    assert len(line) < 5000
    data = json.loads(line)
    assert data["msg"].endswith("…(+98000)")


def test_the_access_log_has_no_query_string_no_referer_and_a_short_user_agent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    request = make_mocked_request(
        "GET",
        "/chat/history?session_id=secret-session-123",
        headers={"User-Agent": "Mozilla/5.0 " + "x" * 8000, "Referer": "https://evil.example/"},
    )
    logger = logging.getLogger("aiohttp.access")
    with caplog.at_level(logging.INFO, logger="aiohttp.access"):
        AccessLogger(logger, "").log(request, web.Response(status=200, text="ok"), 0.0123)
    [rec] = caplog.records
    line = JsonFormatter().format(rec)
    assert "secret-session-123" not in line and "evil.example" not in line
    assert "/chat/history" in line and len(line) < 600
    data = json.loads(line)
    assert (data["status"], data["method"], data["path"]) == (200, "GET", "/chat/history")
