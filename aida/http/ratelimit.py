"""Token-bucket rate limits per session and per client address.

In-process by default; in Redis when AIDA_REDIS_URL is set, so several instances share the
limits. A Redis outage fails open (logged) rather than turning customers away.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import redis.asyncio as redis

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Rule:
    """`capacity` requests at once, refilled at `per_second`."""

    name: str
    capacity: int
    per_second: float


# A person types and clicks suggestions well within a burst of 12 and one message every two
# seconds after it; a script flooding one session is stopped after its first dozen.
SESSION = Rule("session", capacity=12, per_second=0.5)
# One address may be a whole office (or a mobile operator's NAT): 300 at once, 5 a second.
ADDRESS = Rule("address", capacity=300, per_second=5.0)
# New conversations from one address: 60 at once, then one a minute (every session costs
# storage for 30 days; a person, or an office, starts a few).
NEW_SESSION = Rule("new_session", capacity=60, per_second=60 / 3600)
# Confirmed leads from one address: 5 at once, then 5 an hour (each goes to the sales team).
LEAD = Rule("lead", capacity=5, per_second=5 / 3600)


def retry_after(wait_seconds: float) -> int:
    """The `Retry-After` header value: whole seconds, at least one."""
    return max(1, math.ceil(wait_seconds))


class Limiter(Protocol):
    async def hit(self, rule: Rule, key: str) -> float:
        """Take one request from `key`'s bucket: 0 when allowed, else seconds to wait."""
        ...

    async def close(self) -> None: ...


class NoLimiter:
    """AIDA_RATE_LIMIT=off: benchmarks, trusted networks."""

    async def hit(self, rule: Rule, key: str) -> float:
        return 0.0

    async def close(self) -> None:
        return None


class MemoryLimiter:
    _PRUNE_AT = 50_000

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}
        self._rules: dict[str, Rule] = {}

    async def hit(self, rule: Rule, key: str) -> float:
        now = self._clock()
        self._rules[rule.name] = rule
        tokens, at = self._buckets.get((rule.name, key), (float(rule.capacity), now))
        tokens = min(rule.capacity, tokens + (now - at) * rule.per_second)
        if tokens >= 1:
            self._buckets[(rule.name, key)] = (tokens - 1, now)
            if len(self._buckets) > self._PRUNE_AT:
                self._prune(now)
            return 0.0
        self._buckets[(rule.name, key)] = (tokens, now)
        return (1 - tokens) / rule.per_second

    def _prune(self, now: float) -> None:
        # A bucket refilled to capacity by now says nothing: drop it.
        full = [
            k
            for k, (tokens, at) in self._buckets.items()
            if tokens + (now - at) * self._rules[k[0]].per_second >= self._rules[k[0]].capacity
        ]
        for k in full:
            del self._buckets[k]

    async def close(self) -> None:
        return None


# Atomic token bucket; Redis's own clock, so instances with skewed clocks agree.
_BUCKET_LUA = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1])
local at = tonumber(b[2])
if tokens == nil then tokens = capacity; at = now end
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate * 1000) + 1000)
return tostring(wait)
"""


class RedisLimiter:
    # After a Redis error, skip Redis this long: an outage must not add latency to every turn.
    _BACKOFF_SECONDS = 5.0

    def __init__(self, url: str, *, prefix: str = "aida:rl:") -> None:
        self._client = redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._script = self._client.register_script(_BUCKET_LUA)
        self._prefix = prefix
        self._down_until = 0.0

    async def hit(self, rule: Rule, key: str) -> float:
        if time.monotonic() < self._down_until:
            return 0.0
        try:
            wait = await self._script(
                keys=[f"{self._prefix}{rule.name}:{key}"], args=[rule.capacity, rule.per_second]
            )
        except (redis.RedisError, OSError, TimeoutError) as e:
            self._down_until = time.monotonic() + self._BACKOFF_SECONDS
            log.warning("rate limiter: Redis unavailable, not limiting for now: %s", e)
            return 0.0
        return float(wait)

    async def close(self) -> None:
        await self._client.aclose()


def make_limiter(enabled: bool, redis_url: str | None, redis_prefix: str = "aida:") -> Limiter:
    if not enabled:
        return NoLimiter()
    if redis_url:
        return RedisLimiter(redis_url, prefix=f"{redis_prefix}rl:")
    return MemoryLimiter()
