"""The circuit breaker: N consecutive failures open it for T seconds, then one probe."""

from __future__ import annotations

import pytest

from aida.llm.circuit import CircuitBreaker, CircuitState


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_stays_closed_below_the_threshold(clock: Clock) -> None:
    breaker = CircuitBreaker(failures=3, cooldown=30, clock=clock)
    breaker.failure()
    breaker.failure()
    assert breaker.state is CircuitState.closed
    assert breaker.allow()


def test_a_success_resets_the_count(clock: Clock) -> None:
    breaker = CircuitBreaker(failures=3, cooldown=30, clock=clock)
    breaker.failure()
    breaker.failure()
    breaker.success()
    breaker.failure()
    breaker.failure()
    assert breaker.allow()


def test_opens_after_n_failures_and_refuses_calls_for_the_cooldown(clock: Clock) -> None:
    breaker = CircuitBreaker(failures=3, cooldown=30, clock=clock)
    for _ in range(3):
        breaker.failure()
    assert breaker.state is CircuitState.open
    assert not breaker.allow()
    clock.now += 29.9
    assert not breaker.allow()
    assert breaker.times_opened == 1


def test_half_open_lets_exactly_one_probe_through(clock: Clock) -> None:
    breaker = CircuitBreaker(failures=2, cooldown=10, clock=clock)
    breaker.failure()
    breaker.failure()
    clock.now += 10
    assert breaker.state is CircuitState.half_open
    assert breaker.allow()
    assert not breaker.allow()  # the probe is still in flight


def test_a_good_probe_closes_the_circuit(clock: Clock) -> None:
    breaker = CircuitBreaker(failures=2, cooldown=10, clock=clock)
    breaker.failure()
    breaker.failure()
    clock.now += 10
    assert breaker.allow()
    breaker.success()
    assert breaker.state is CircuitState.closed
    assert breaker.allow() and breaker.allow()


def test_a_failed_probe_opens_it_for_another_cooldown(clock: Clock) -> None:
    breaker = CircuitBreaker(failures=2, cooldown=10, clock=clock)
    breaker.failure()
    breaker.failure()
    clock.now += 10
    assert breaker.allow()
    breaker.failure()
    assert breaker.state is CircuitState.open
    clock.now += 9
    assert not breaker.allow()
    clock.now += 1
    assert breaker.allow()
    assert breaker.times_opened == 2


def test_rejects_nonsense_settings() -> None:
    with pytest.raises(ValueError):
        CircuitBreaker(failures=0)
    with pytest.raises(ValueError):
        CircuitBreaker(cooldown=0)
