"""The token buckets, in-process and shared through Redis, and whose address is limited."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import pytest
from aiohttp.test_utils import make_mocked_request

from aida.http.client import client_address
from aida.http.ratelimit import MemoryLimiter, RedisLimiter, Rule, retry_after

RULE = Rule("test", capacity=3, per_second=1.0)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_bucket_allows_its_burst_then_refills_over_time() -> None:
    clock = Clock()
    limiter = MemoryLimiter(clock)
    assert [await limiter.hit(RULE, "k") for _ in range(3)] == [0, 0, 0]
    wait = await limiter.hit(RULE, "k")
    assert wait == pytest.approx(1.0)
    assert retry_after(wait) == 1
    assert await limiter.hit(RULE, "other") == 0  # keys are independent
    clock.now += 1.0
    assert await limiter.hit(RULE, "k") == 0
    assert await limiter.hit(RULE, "k") > 0


def test_retry_after_is_whole_seconds_and_never_zero() -> None:
    assert retry_after(0.01) == 1
    assert retry_after(1.2) == 2


@pytest.mark.redis
async def test_instances_share_limits_through_redis(redis_url: str, redis_prefix: str) -> None:
    a, b = (
        RedisLimiter(redis_url, prefix=redis_prefix),
        RedisLimiter(redis_url, prefix=redis_prefix),
    )
    try:
        waits = [await (a if i % 2 else b).hit(RULE, "k") for i in range(5)]
        assert waits[:3] == [0, 0, 0]
        assert all(w > 0 for w in waits[3:])
        assert await a.hit(RULE, "another") == 0
        await asyncio.sleep(1.05)
        assert await b.hit(RULE, "k") == 0
    finally:
        await a.close()
        await b.close()


async def test_a_redis_outage_fails_open_quickly_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    limiter = RedisLimiter("redis://127.0.0.1:1/0")
    try:
        started = time.monotonic()
        assert [await limiter.hit(RULE, "k") for _ in range(10)] == [0] * 10
        assert time.monotonic() - started < 2  # one failed try, then Redis is skipped a while
        assert "Redis unavailable" in caplog.text
    finally:
        await limiter.close()


def _request(peer: str, headers: dict[str, str] | None = None) -> object:
    class Transport:
        def get_extra_info(self, name: str, default: object = None) -> object:
            return (peer, 4242) if name == "peername" else default

    return make_mocked_request("POST", "/chat", headers=headers or {}, transport=Transport())


def test_the_client_address_behind_a_local_proxy_is_the_forwarded_one() -> None:
    assert client_address(_request("127.0.0.1", {"X-Real-IP": "203.0.113.7"})) == "203.0.113.7"  # type: ignore[arg-type]
    assert (
        client_address(_request("10.0.0.2", {"X-Forwarded-For": "1.1.1.1, 203.0.113.8"}))  # type: ignore[arg-type]
        == "203.0.113.8"
    )
    assert client_address(_request("127.0.0.1")) == "127.0.0.1"  # type: ignore[arg-type]


def test_a_public_peer_cannot_forge_its_address() -> None:
    forged = _request("95.31.18.9", {"X-Real-IP": "1.2.3.4", "X-Forwarded-For": "1.2.3.4"})
    assert client_address(forged) == "95.31.18.9"  # type: ignore[arg-type]


@pytest.mark.redis
async def test_two_instances_with_redis_share_one_sessions_limit(
    make_client: Any, redis_url: str
) -> None:
    first = await make_client(rate_limit="on", redis_url=redis_url)
    second = await make_client(rate_limit="on", redis_url=redis_url)
    session_id = f"shared-{uuid.uuid4().hex}"  # keys of other runs never meet this one
    statuses = []
    for i in range(14):
        client = first if i % 2 else second
        resp = await client.post("/chat", json={"session_id": session_id, "message": f"m{i}"})
        statuses.append(resp.status)
    assert statuses[:12] == [200] * 12
    assert statuses[12:] == [429, 429]
    assert int(resp.headers["Retry-After"]) >= 1
