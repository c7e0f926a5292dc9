"""A sliding-window request limiter: at most `rate` acquisitions in any `per`-second window.

amoCRM allows 7 requests per second; a sliding window (rather than a token bucket with a
burst) guarantees that no one-second window ever holds more than that.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

Clock = Callable[[], float]
# Sleeping exactly until a slot frees can land a rounding error short of it.
_EPSILON = 1e-6
Sleep = Callable[[float], Awaitable[None]]


class RateLimiter:
    def __init__(
        self,
        rate: int = 7,
        per: float = 1.0,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate < 1 or per <= 0:
            raise ValueError("rate must be >= 1 and per > 0")
        self.rate = rate
        self.per = per
        self._clock = clock
        self._sleep = sleep
        self._recent: deque[float] = deque()
        # Waiters queue on the lock, so they are served in arrival order.
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._clock()
                while self._recent and now - self._recent[0] >= self.per - _EPSILON:
                    self._recent.popleft()
                if len(self._recent) < self.rate:
                    self._recent.append(now)
                    return
                await self._sleep(self._recent[0] + self.per - now)
