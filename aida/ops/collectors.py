"""Metrics read when /metrics is scraped: the LLM brain's counters and database totals.

Totals that must agree across instances (stored sessions, leads by delivery status, jobs
waiting in the outbox) come from the database, re-read at most every few seconds so a scrape
stays fast whatever the table sizes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from aida.llm.openai.stats import BrainStats
from aida.store.base import Store, StoreTotals

log = logging.getLogger(__name__)


class LlmCollector(Collector):
    """The LLM brain's own counters (`BrainStats`), exported as they stand at scrape time."""

    def __init__(self, stats: BrainStats | None, brain: object | None) -> None:
        self._stats = stats
        self._brain = brain  # has `circuit_state` when it is the LLM brain

    def collect(self) -> Iterator[Metric]:
        enabled = GaugeMetricFamily(
            "aida_llm_enabled", "1 when an LLM brain is configured (OPENAI_API_KEY)."
        )
        enabled.add_metric([], 1.0 if self._stats is not None else 0.0)
        yield enabled
        stats = self._stats or BrainStats()
        messages = CounterMetricFamily(
            "aida_llm_messages",
            "Customer messages read, by who read them: offline alone (confident) or the model.",
            labels=["read_by"],
        )
        messages.add_metric(["offline"], stats.confident)
        messages.add_metric(["model"], stats.messages - stats.confident)
        yield messages
        calls = CounterMetricFamily("aida_llm_calls", "Model calls by purpose.", labels=["kind"])
        calls.add_metric(["understand"], stats.understand_calls)
        calls.add_metric(["word"], stats.word_calls)
        yield calls
        tokens = CounterMetricFamily("aida_llm_tokens", "Model tokens.", labels=["type"])
        tokens.add_metric(["prompt"], stats.tokens.prompt_tokens)
        tokens.add_metric(["completion"], stats.tokens.completion_tokens)
        yield tokens
        yield _by_reason(
            "aida_llm_fallbacks",
            "Turns answered by the offline brain because the model failed, by reason.",
            stats.fallbacks,
        )
        yield _by_reason(
            "aida_llm_guard_rejections",
            "Worded replies replaced by the template because they broke a rule, by reason.",
            stats.guard_rejections,
        )
        state = getattr(self._brain, "circuit_state", None)
        if state is not None:
            circuit = GaugeMetricFamily(
                "aida_llm_circuit_state",
                "The model's circuit breaker: 1 for its state.",
                labels=["state"],
            )
            for name in ("closed", "open", "half_open"):
                circuit.add_metric([name], 1.0 if str(state) == name else 0.0)
            yield circuit


def _by_reason(name: str, doc: str, counts: dict[str, int]) -> CounterMetricFamily:
    family = CounterMetricFamily(name, doc, labels=["reason"])
    for reason, n in sorted(counts.items()):
        family.add_metric([reason], n)
    return family


class DbTotals(Collector):
    """Database-wide counts, refreshed by the /metrics handler when older than the limit."""

    def __init__(self, store: Store, max_age: float) -> None:
        self._store = store
        self._max_age = max_age
        self._totals: StoreTotals | None = None
        self._read_at = float("-inf")
        self._ok = False
        self._lock = asyncio.Lock()

    async def refresh(self) -> None:
        async with self._lock:  # concurrent scrapes share one query
            if time.monotonic() - self._read_at < self._max_age:
                return
            try:
                self._totals = await asyncio.wait_for(self._store.totals(), timeout=5.0)
                self._ok = True
            except Exception:  # /metrics still answers; aida_db_up says the numbers are old
                log.warning("metrics: database totals unavailable", exc_info=True)
                self._ok = False
            self._read_at = time.monotonic()

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("aida_db_up", "1 when the last database read for /metrics worked.")
        up.add_metric([], 1.0 if self._ok else 0.0)
        yield up
        totals = self._totals
        if totals is None:
            return
        sessions = GaugeMetricFamily(
            "aida_db_sessions", "Sessions stored (idle ones expire after AIDA_RETENTION_DAYS)."
        )
        sessions.add_metric([], totals.sessions)
        yield sessions
        leads = GaugeMetricFamily(
            "aida_db_leads", "Leads stored, by delivery status.", labels=["delivery"]
        )
        for status in ("local", "pending", "delivered", "failed"):
            leads.add_metric([status], totals.leads.get(status, 0))
        yield leads
        outbox = GaugeMetricFamily(
            "aida_db_outbox_jobs",
            "CRM outbox jobs by status; pending ones are waiting to be delivered.",
            labels=["status"],
        )
        for status in ("pending", "done", "failed"):
            outbox.add_metric([status], totals.outbox.get(status, 0))
        yield outbox
        age = GaugeMetricFamily(
            "aida_db_outbox_oldest_pending_seconds",
            "Age of the oldest job waiting in the outbox (0 when none waits).",
        )
        oldest = totals.oldest_waiting
        age.add_metric(
            [], max(0.0, (dt.datetime.now(dt.UTC) - oldest).total_seconds()) if oldest else 0.0
        )
        yield age
