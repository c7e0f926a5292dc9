"""The Chats API signatures, checked against the documentation's own signed requests."""

from __future__ import annotations

import datetime as dt

from aida.handoff.signing import (
    body_md5,
    http_date,
    request_problem,
    request_signature,
    signed_headers,
    webhook_is_signed,
    webhook_signature,
)

SECRET = "f2d7f8704eff95087ed45b23ba99c0b5aac8278e"
CHANNEL = "344a5002-f8ca-454d-af3d-396180102ac7"


def test_the_documented_connect_request_is_reproduced_byte_for_byte() -> None:
    body = (b'{"account_id":"52e591f7-c98f-4255-8495-827210138c81",'
            b'"title":"ChatsIntegration","hook_api_version":"v2"}')
    md5 = body_md5(body)
    assert md5 == "2fbcb3c652b61e24e004daddfc73d0ce"
    signature = request_signature(SECRET, "POST", md5, "application/json",
                                  "Wed, 15 Dec 2021 23:12:55 +0000",
                                  f"/v2/origin/custom/{CHANNEL}/connect")
    assert signature == "81211856ce0c5095f3e1a90c0a38dc9d736cfd55"


def test_the_documented_disconnect_request_is_reproduced() -> None:
    body = b'{"account_id":"52e591f7-c98f-4255-8495-827210138c81"}'
    md5 = body_md5(body)
    assert md5 == "271fa2e4fb0ff84a3ef9689027bd1f38"
    assert request_signature(SECRET, "delete", md5, "application/json",
                             "Wed, 15 Dec 2021 23:59:28 +0000",
                             f"/v2/origin/custom/{CHANNEL}/disconnect?x=1") == (
        "e1678e3b6aa674b5127f4feb448e6200ce0bfc72")


def test_date_is_written_as_php_rfc2822() -> None:
    moment = dt.datetime(2021, 12, 15, 23, 12, 55, 123456, tzinfo=dt.UTC)
    assert http_date(moment) == "Wed, 15 Dec 2021 23:12:55 +0000"
    volgograd = moment.astimezone(dt.timezone(dt.timedelta(hours=3)))
    assert http_date(volgograd) == "Wed, 15 Dec 2021 23:12:55 +0000"


def test_a_signed_request_is_checked_and_a_stale_or_altered_one_refused() -> None:
    now = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
    path, body = "/v2/origin/custom/scope", b'{"a":1}'
    headers = signed_headers(SECRET, "POST", path, body, now)
    assert request_problem(SECRET, "POST", path, body, headers, now) is None
    assert request_problem(SECRET, "POST", path, body, headers,
                           now + dt.timedelta(minutes=14)) is None
    assert "15-minute" in (request_problem(SECRET, "POST", path, body, headers,
                                           now + dt.timedelta(minutes=16)) or "")
    assert "Content-MD5" in (request_problem(SECRET, "POST", path, b'{"a":2}', headers, now)
                             or "")
    assert request_problem("other-secret", "POST", path, body, headers, now) == (
        "invalid signature")
    assert request_problem(SECRET, "POST", path + "x", body, headers, now) == (
        "invalid signature")
    assert "Content-Type" in (request_problem(
        SECRET, "POST", path, body, {**headers, "Content-Type": "application/json; charset=utf-8"},
        now) or "")


def test_webhook_signature_is_hmac_of_the_body() -> None:
    body = '{"message":{"text":"Привет"}}'.encode()
    good = webhook_signature(SECRET, body)
    assert webhook_is_signed(SECRET, body, good)
    assert webhook_is_signed(SECRET, body, good.upper())
    assert not webhook_is_signed(SECRET, body + b" ", good)
    assert not webhook_is_signed(SECRET, body, None)
    assert not webhook_is_signed("other", body, good)
