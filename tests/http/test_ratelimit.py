"""The token buckets, in-process and shared through Redis, and whose address is limited."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import pytest
from aiohttp.test_utils import make_mocked_request

from aida.config import parse_networks
from aida.http.client import client_address
from aida.http.ratelimit import ADDRESS, MemoryLimiter, RedisLimiter, Rule, retry_after

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
    behind_lb = _request("10.0.0.2", {"X-Forwarded-For": "1.1.1.1, 203.0.113.8"})
    assert client_address(behind_lb, LAN) == "203.0.113.8"  # type: ignore[arg-type]
    assert client_address(_request("127.0.0.1")) == "127.0.0.1"  # type: ignore[arg-type]


def test_a_public_peer_cannot_forge_its_address() -> None:
    forged = _request("95.31.18.9", {"X-Real-IP": "1.2.3.4", "X-Forwarded-For": "1.2.3.4"})
    assert client_address(forged) == "95.31.18.9"  # type: ignore[arg-type]


def test_a_private_peer_that_is_not_a_trusted_proxy_cannot_forge_its_address() -> None:
    # A neighbour on the office LAN or a pod in the cluster: private, but not our proxy.
    forged = _request("10.0.0.9", {"X-Real-IP": "1.2.3.4", "X-Forwarded-For": "1.2.3.4"})
    assert client_address(forged) == "10.0.0.9"  # type: ignore[arg-type]
    assert client_address(forged, LAN) == "1.2.3.4"  # type: ignore[arg-type]


def test_behind_a_chain_of_trusted_proxies_the_first_untrusted_hop_is_the_client() -> None:
    # The client forged the left-most entry; the load balancer (10.0.0.5) appended the real one.
    chain = _request("127.0.0.1", {"X-Forwarded-For": "6.6.6.6, 203.0.113.9, 10.0.0.5"})
    assert client_key_of(chain, "127.0.0.0/8, 10.0.0.0/8") == "203.0.113.9"
    # X-Real-IP naming a trusted proxy says nothing about the client.
    lb = _request("127.0.0.1", {"X-Real-IP": "10.0.0.5", "X-Forwarded-For": "203.0.113.9"})
    assert client_key_of(lb, "127.0.0.0/8, 10.0.0.0/8") == "203.0.113.9"


def test_ipv6_clients_are_keyed_by_their_64() -> None:
    one, other = "2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe"
    assert client_address(_request(one)) == client_address(_request(other)) == "2001:db8:1:2::/64"  # type: ignore[arg-type]
    assert client_address(_request("2001:db8:1:3::1")) == "2001:db8:1:3::/64"  # type: ignore[arg-type]
    forwarded = _request("::1", {"X-Real-IP": "2001:db8:1:2::abcd"})
    assert client_address(forwarded) == "2001:db8:1:2::/64"  # type: ignore[arg-type]
    assert client_address(_request("::ffff:203.0.113.7")) == "203.0.113.7"  # type: ignore[arg-type]


def test_trusted_proxies_are_configured_and_checked(tmp_path: Any) -> None:
    from conftest import make_settings

    assert make_settings(tmp_path).trusted_proxy_networks == parse_networks("127.0.0.0/8,::1")
    with pytest.raises(ValueError, match="AIDA_TRUSTED_PROXIES"):
        make_settings(tmp_path, trusted_proxies="10.0.0.0/8, not-a-network")


async def test_a_forged_forwarded_for_from_an_untrusted_peer_is_limited_as_the_peer(
    make_client: Any,
) -> None:
    # The test client's peer is 127.0.0.1: with only 10.0.0.0/8 trusted, its forged
    # X-Forwarded-For must not give it a fresh address each time.
    client = await make_client(rate_limit="on", trusted_proxies="10.0.0.0/8")
    statuses = []
    for i in range(ADDRESS.capacity + 50):  # the bucket refills while the loop runs
        resp = await client.get(
            "/chat/history",
            params={"session_id": "s"},
            headers={"X-Forwarded-For": f"1.2.3.{i % 250}"},
        )
        statuses.append(resp.status)
    assert 429 in statuses


def client_key_of(request: Any, trusted: str) -> str:
    return client_address(request, parse_networks(trusted))


LAN = parse_networks("127.0.0.0/8, 10.0.0.0/8")


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
