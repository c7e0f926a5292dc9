"""The handoff's metrics on /metrics: process counters, and totals from the database.

Database figures (over the last 24 hours, the same whichever instance is scraped): handoffs
started, answered by a manager, ended before any manager wrote (nobody answered), and the
median time to the manager's first reply.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from aida.handoff.store import HandoffStats, HandoffStore, RelayTotals

log = logging.getLogger("aida.handoff")

HANDOFF_EVENTS = Counter(
    "aida_handoff_events",
    "Handoffs on this instance by what happened (started, answered, closed) and why "
    "(customer, missed, question, manager, silence).",
    ["event", "reason"],
    registry=None,
)
WEBHOOKS = Counter(
    "aida_amojo_webhooks",
    "Webhooks from amojo by outcome (stored, duplicate, closed, ignored, bad_signature, "
    "invalid).",
    ["outcome"],
    registry=None,
)
RELAYED = Counter(
    "aida_amojo_messages",
    "Messages sent to amojo by this instance's relay, by outcome (sent, retry, failed).",
    ["outcome"],
    registry=None,
)
PUSH_SECONDS = Histogram(
    "aida_handoff_push_seconds",
    "From a manager's message stored to its event written to the customer's stream.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0),
    registry=None,
)

PROCESS_METRICS = (HANDOFF_EVENTS, WEBHOOKS, RELAYED, PUSH_SECONDS)


def record_handoff(event: str, reason: str) -> None:
    HANDOFF_EVENTS.labels(event, reason).inc()


class HandoffTotals(Collector):
    """Handoff figures of the last day, from the database, re-read at most every `ttl`."""

    def __init__(self, store: HandoffStore, ttl: float = 10.0) -> None:
        self._store = store
        self._ttl = ttl
        self._at = 0.0
        self._stats = HandoffStats()
        self._relay = RelayTotals()

    async def refresh(self) -> None:
        if time.monotonic() - self._at < self._ttl:
            return
        now = dt.datetime.now(dt.UTC)
        try:
            self._stats = await self._store.stats(now - dt.timedelta(days=1), now)
            self._relay = await self._store.relay_totals()
            self._at = time.monotonic()
        except Exception:  # a scrape must answer even when the database does not
            log.warning("handoff totals unavailable", exc_info=True)

    def collect(self) -> Iterator[Metric]:
        day = GaugeMetricFamily(
            "aida_handoffs_24h",
            "Handoffs begun in the last 24 hours, by state: answered by a manager, "
            "unanswered (ended before any manager wrote), waiting (no reply yet).",
            labels=["state"],
        )
        day.add_metric(["answered"], self._stats.answered)
        day.add_metric(["unanswered"], self._stats.unanswered)
        day.add_metric(["waiting"], self._stats.active)
        yield day
        reply = GaugeMetricFamily(
            "aida_handoff_first_reply_seconds_median",
            "Median time from a handoff to the manager's first reply, last 24 hours.",
        )
        reply.add_metric([], self._stats.median_first_reply or 0.0)
        yield reply
        outbox = GaugeMetricFamily(
            "aida_amojo_outbox", "Messages for amojo by status.", labels=["status"]
        )
        for status in ("pending", "failed", "done"):
            outbox.add_metric([status], getattr(self._relay, status))
        yield outbox
