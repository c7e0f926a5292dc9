"""`GET /metrics` (Prometheus text format) and the per-route request counter.

Each app has its own registry: the process-wide metrics (`aida.ops.metrics`), the process
itself (CPU, memory, open files, GC), and the collectors bound to this app's brain and store.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from aiohttp import web
from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    disable_created_metrics,
)
from prometheus_client.exposition import choose_encoder
from prometheus_client.registry import Collector

from aida.llm.openai.stats import BrainStats
from aida.ops.collectors import DbTotals, LlmCollector
from aida.ops.metrics import HTTP_REQUESTS, PROCESS_METRICS
from aida.store.base import Store

# No `*_created` series beside each counter: they double the output and no dashboard uses them.
disable_created_metrics()


class Metrics:
    """One app's registry: the process-wide metrics, the process itself, its brain and store."""

    DB_REFRESH_SECONDS = 10.0

    def __init__(self, store: Store, brain: object | None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        collectors: Iterable[Collector] = (
            *PROCESS_METRICS,
            PROCESS_COLLECTOR,
            PLATFORM_COLLECTOR,
            GC_COLLECTOR,
        )
        for collector in collectors:
            self.registry.register(collector)
        stats = getattr(brain, "stats", None)
        self.registry.register(
            LlmCollector(stats if isinstance(stats, BrainStats) else None, brain)
        )
        self.db = DbTotals(store, self.DB_REFRESH_SECONDS)
        self.registry.register(self.db)
        # Other collectors that read the database before a scrape (the live handoff's).
        self.refreshers: list[Callable[[], Awaitable[None]]] = [self.db.refresh]

    async def render(self, accept: str) -> tuple[bytes, str]:
        """The exposition the scraper asked for (Accept): Prometheus text or OpenMetrics."""
        for refresh in self.refreshers:
            await refresh()
        encode, content_type = choose_encoder(accept)
        return encode(self.registry), content_type


METRICS = web.AppKey("aida_metrics", Metrics)


async def metrics_handler(request: web.Request) -> web.Response:
    body, content_type = await request.app[METRICS].render(request.headers.get("Accept", ""))
    return web.Response(body=body, headers={"Content-Type": content_type})


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def http_metrics(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Counts every answer by route pattern (bounded labels: never the raw path)."""
    status = 499  # nginx's "client closed the request": cancelled before an answer
    try:
        response: web.StreamResponse = await handler(request)
        status = response.status
        return response
    except web.HTTPException as e:
        status = e.status
        raise
    finally:
        resource = request.match_info.route.resource
        route = resource.canonical if resource is not None else "unmatched"
        HTTP_REQUESTS.labels(route, request.method, str(status)).inc()


def install_metrics(app: web.Application, store: Store, brain: object | None) -> None:
    """`GET /metrics` for this app; add `http_metrics` as the outermost middleware."""
    app[METRICS] = Metrics(store, brain)
    app.router.add_get("/metrics", metrics_handler)
