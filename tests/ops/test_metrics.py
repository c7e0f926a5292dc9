"""`GET /metrics` moves as conversations, limits, CRM deliveries and model calls happen."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from aida.config import Settings
from aida.http import create_app
from aida.http.keys import STORE
from aida.llm.circuit import CircuitState
from aida.llm.openai.stats import BrainStats
from aida.ops.collectors import DbTotals, LlmCollector
from aida.ops.endpoint import Metrics
from aida.store.base import StoreTotals
from tests.fakes.amocrm import FakeAmo
from tests.ops.conftest import MakeClient
from tests.ops.seed import ONBOARDING

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def parse(text: str) -> Samples:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def scrape(client: TestClient[Any, Any]) -> Samples:
    resp = await client.get("/metrics")
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return parse(await resp.text())


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def delta(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


@pytest.fixture(autouse=True)
def fresh_db_totals(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every scrape reads the database (the service re-reads it at most every 10 s)."""
    monkeypatch.setattr(Metrics, "DB_REFRESH_SECONDS", 0.0)


async def talk(client: TestClient[Any, Any], session: str, messages: Any) -> list[str]:
    steps = []
    for n, text in enumerate(messages):
        resp = await client.post(
            "/chat", json={"session_id": session, "message": text, "message_id": f"m{n}"}
        )
        assert resp.status == 200, await resp.text()
        steps.append((await resp.json())["step"])
    return steps


async def test_metrics_change_as_conversations_happen(make_client: MakeClient) -> None:
    client = await make_client()
    before = await scrape(client)
    assert value(before, "aida_db_leads", delivery="local") == 0

    steps = await talk(client, "metrics-1", ONBOARDING)
    await talk(client, "metrics-2", ONBOARDING[:1])
    # The widget retries a message it got no answer to: answered from the store, not a turn.
    await talk(client, "metrics-2", ONBOARDING[:1])
    after = await scrape(client)

    assert steps[-1] == "done"
    assert delta(before, after, "aida_sessions_started_total") == 2
    assert delta(before, after, "aida_turns_total", step="done") == 1
    assert delta(before, after, "aida_turns_total", step="tariff") == steps.count("tariff") + 1
    assert delta(before, after, "aida_turn_seconds_count") == len(ONBOARDING) + 1
    assert delta(before, after, "aida_turn_seconds_sum") > 0
    assert delta(before, after, "aida_turn_replays_total") == 1
    assert delta(before, after, "aida_leads_confirmed_total", kind="connection") == 1
    chat_ok = {"route": "/chat", "method": "POST", "status": "200"}
    assert delta(before, after, "aida_http_requests_total", **chat_ok) == len(ONBOARDING) + 2
    # Database totals: what every instance reports alike.
    assert value(after, "aida_db_sessions") == 2
    assert value(after, "aida_db_leads", delivery="local") == 1
    assert value(after, "aida_db_up") == 1
    assert value(after, "process_resident_memory_bytes") > 0


async def test_rate_limited_requests_are_counted(make_client: MakeClient) -> None:
    client = await make_client(rate_limit="on")
    before = await scrape(client)
    statuses = []
    for n in range(16):
        resp = await client.post(
            "/chat", json={"session_id": "flood", "message": "Привет", "message_id": f"f{n}"}
        )
        statuses.append(resp.status)
    after = await scrape(client)
    limited = statuses.count(429)
    assert limited >= 3
    assert delta(before, after, "aida_rate_limited_total", rule="session") == limited
    labels = {"route": "/chat", "method": "POST", "status": "429"}
    assert delta(before, after, "aida_http_requests_total", **labels) == limited


async def _wait(predicate: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not await predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def test_crm_deliveries_and_amocrm_answers_are_counted(
    aiohttp_client: Any, database_url: str
) -> None:
    async with FakeAmo.serve() as amo:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            database_url=database_url,
            rate_limit="off",
            redis_url=None,
            openai_api_key=None,
            **amo.env(),
        )
        client: TestClient[Any, Any] = await aiohttp_client(create_app(settings))
        before = await scrape(client)
        amo.outage = 503  # amoCRM is down when the lead is confirmed
        await talk(client, "crm-metrics", ONBOARDING)

        async def waiting() -> bool:
            samples = await scrape(client)
            return value(samples, "aida_db_outbox_oldest_pending_seconds") > 0 and (
                delta(
                    before,
                    samples,
                    "aida_crm_deliveries_total",
                    kind="create_lead",
                    outcome="retry",
                )
                >= 1
            )

        await _wait(waiting)
        down = await scrape(client)
        assert value(down, "aida_db_outbox_jobs", status="pending") == 1
        assert value(down, "aida_db_leads", delivery="pending") == 1
        assert delta(before, down, "aida_amocrm_errors_total", status="503") >= 1

        amo.outage = None

        async def delivered() -> bool:
            [record] = await client.app[STORE].leads()
            return record.delivery == "delivered"

        await _wait(delivered)
        after = await scrape(client)
    assert amo.leads_created == 1
    assert (
        delta(before, after, "aida_crm_deliveries_total", kind="create_lead", outcome="delivered")
        == 1
    )
    assert delta(before, after, "aida_amocrm_requests_total", status="200") >= 2
    assert value(after, "aida_db_outbox_jobs", status="pending") == 0
    assert value(after, "aida_db_leads", delivery="delivered") == 1
    assert value(after, "aida_db_outbox_oldest_pending_seconds") == 0


def _collect(collector: Any) -> Samples:
    registry = CollectorRegistry()
    registry.register(collector)
    return parse(generate_latest(registry).decode())


class _Brain:
    def __init__(self) -> None:
        self.stats = BrainStats()
        self.circuit_state = CircuitState.open


def test_llm_calls_tokens_and_fallbacks_are_exported() -> None:
    brain = _Brain()
    collector = LlmCollector(brain.stats, brain)
    assert value(_collect(collector), "aida_llm_calls_total", kind="understand") == 0

    brain.stats.messages += 3
    brain.stats.confident += 1
    brain.stats.record_call("understand", "s1", 900, 60)
    brain.stats.record_call("word", "s1", 400, 40)
    brain.stats.fallbacks["timeout"] += 1
    brain.stats.guard_rejections["number"] += 2
    samples = _collect(collector)
    assert value(samples, "aida_llm_enabled") == 1
    assert value(samples, "aida_llm_calls_total", kind="understand") == 1
    assert value(samples, "aida_llm_calls_total", kind="word") == 1
    assert value(samples, "aida_llm_tokens_total", type="prompt") == 1300
    assert value(samples, "aida_llm_tokens_total", type="completion") == 100
    assert value(samples, "aida_llm_messages_total", read_by="model") == 2
    assert value(samples, "aida_llm_fallbacks_total", reason="timeout") == 1
    assert value(samples, "aida_llm_guard_rejections_total", reason="number") == 2
    assert value(samples, "aida_llm_circuit_state", state="open") == 1
    assert value(samples, "aida_llm_circuit_state", state="closed") == 0


def test_without_an_llm_the_llm_metrics_say_so() -> None:
    samples = _collect(LlmCollector(None, None))
    assert value(samples, "aida_llm_enabled") == 0
    assert ("aida_llm_calls_total", (("kind", "word"),)) in samples


class _BrokenStore:
    def __init__(self) -> None:
        self.fail = False

    async def totals(self) -> StoreTotals:
        if self.fail:
            raise OSError("connection refused")
        return StoreTotals(
            sessions=5, leads={"failed": 2}, outbox={"pending": 1}, oldest_waiting=None
        )


async def test_metrics_answer_while_the_database_is_down() -> None:
    store = _BrokenStore()
    totals = DbTotals(store, max_age=0.0)  # type: ignore[arg-type]
    await totals.refresh()
    assert value(_collect(totals), "aida_db_leads", delivery="failed") == 2
    store.fail = True
    await totals.refresh()
    samples = _collect(totals)
    assert value(samples, "aida_db_up") == 0
    assert value(samples, "aida_db_sessions") == 5  # the last numbers read, marked stale


async def test_scrapes_within_the_refresh_interval_share_one_read() -> None:
    reads = 0

    class Counting(_BrokenStore):
        async def totals(self) -> StoreTotals:
            nonlocal reads
            reads += 1
            await asyncio.sleep(0.01)
            return await super().totals()

    totals = DbTotals(Counting(), max_age=60.0)  # type: ignore[arg-type]
    await asyncio.gather(*(totals.refresh() for _ in range(5)))
    await totals.refresh()
    assert reads == 1
