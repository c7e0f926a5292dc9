"""The amojo client against the stand-in: connect, send, and what each refusal means."""

from __future__ import annotations

import datetime as dt

import pytest

from aida.handoff.client import AmojoClient, AmojoRejected, AmojoUnavailable
from aida.handoff.messages import Customer, bot_payload, customer_payload
from tests.fakes.amojo import FakeAmojo


def _client(amojo: FakeAmojo, **kw: object) -> AmojoClient:
    return AmojoClient(amojo.url, amojo.channel_id, amojo.secret, **kw)  # type: ignore[arg-type]


async def test_connect_hands_out_the_scope_and_messages_land_in_one_titled_chat(
    amojo: FakeAmojo,
) -> None:
    client = _client(amojo)
    try:
        scope = await client.connect(amojo.amojo_id, "AIDA")
        assert scope == f"{amojo.channel_id}_{amojo.amojo_id}"
        now = dt.datetime.now(dt.UTC)
        anna = Customer(session_id="s1", name="Анна", phone="+79991234567")
        await client.send(scope, bot_payload(anna, amojo.bot_id, "m1", "Здравствуйте!", now))
        await client.send(scope, customer_payload(anna, "m2", "Позовите человека", now))
    finally:
        await client.close()
    chat = amojo.chat("s1")
    assert chat is not None and chat.title == "Анна"
    assert [m["silent"] for m in chat.messages] == [True, False]
    assert chat.messages[0]["sender"]["ref_id"] == amojo.bot_id
    assert chat.messages[1]["sender"]["profile"] == {"phone": "+79991234567"}


async def test_a_wrong_secret_is_refused_and_not_retried(amojo: FakeAmojo) -> None:
    client = AmojoClient(amojo.url, amojo.channel_id, "wrong-secret")
    try:
        with pytest.raises(AmojoRejected) as e:
            await client.connect(amojo.amojo_id, "AIDA")
    finally:
        await client.close()
    assert e.value.status == 403
    assert amojo.refused == [(f"/v2/origin/custom/{amojo.channel_id}/connect",
                              "invalid signature")]


async def test_a_clock_more_than_15_minutes_off_is_refused(amojo: FakeAmojo) -> None:
    late = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16)
    client = _client(amojo, clock=lambda: late)
    try:
        with pytest.raises(AmojoRejected):
            await client.connect(amojo.amojo_id, "AIDA")
    finally:
        await client.close()
    assert "15-minute" in amojo.refused[0][1]


async def test_outage_is_worth_retrying_and_a_repeated_msgid_counts_as_delivered(
    amojo: FakeAmojo,
) -> None:
    client = _client(amojo)
    try:
        scope = await client.connect(amojo.amojo_id, "AIDA")
        payload = customer_payload(Customer(session_id="s2"), "m1", "Алло",
                                   dt.datetime.now(dt.UTC))
        amojo.fail_next(503)
        with pytest.raises(AmojoUnavailable):
            await client.send(scope, payload)
        await client.send(scope, payload)
        assert await client.send(scope, payload) == {"duplicate": True}
    finally:
        await client.close()
    assert amojo.texts("s2") == ["Алло"]
    unreachable = AmojoClient("http://127.0.0.1:9", amojo.channel_id, amojo.secret, timeout=2)
    try:
        with pytest.raises(AmojoUnavailable):
            await unreachable.send(scope, payload)
    finally:
        await unreachable.close()
