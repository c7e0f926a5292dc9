"""A small circuit breaker for the model: after repeated failures, stop calling it for a while.

closed → (N consecutive failures) → open for T seconds → half-open: one probe call is let
through; its success closes the circuit, its failure opens it again for another T seconds.
While open (or while the half-open probe is in flight) `allow()` is False and the brain
answers from its offline fallback without waiting on a model that is down.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum


class CircuitState(StrEnum):
    closed = "closed"
    open = "open"
    half_open = "half_open"


class CircuitBreaker:
    def __init__(
        self,
        *,
        failures: int = 3,
        cooldown: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failures < 1:
            raise ValueError("failures must be at least 1")
        if cooldown <= 0:
            raise ValueError("cooldown must be positive")
        self._threshold = failures
        self._cooldown = cooldown
        self._clock = clock
        self._consecutive = 0
        self._opened_at: float | None = None
        self._probing = False
        self.times_opened = 0

    @property
    def state(self) -> CircuitState:
        if self._opened_at is None:
            return CircuitState.closed
        if self._clock() - self._opened_at < self._cooldown:
            return CircuitState.open
        return CircuitState.half_open

    def allow(self) -> bool:
        """May a call be made now? In half-open, only one probe at a time is let through."""
        state = self.state
        if state is CircuitState.closed:
            return True
        if state is CircuitState.open or self._probing:
            return False
        self._probing = True
        return True

    def success(self) -> None:
        self._consecutive = 0
        self._opened_at = None
        self._probing = False

    def failure(self) -> None:
        self._consecutive += 1
        if self._probing or self._consecutive >= self._threshold:
            if self._opened_at is None or self._probing:
                self.times_opened += 1
            self._opened_at = self._clock()
        self._probing = False
