"""Load test: concurrent simulated customers run full onboardings against a running server.

    python bench/http_load.py --spawn                     # starts `aida serve` on a temp SQLite
    python bench/http_load.py --url http://127.0.0.1:8900 # a server you started (AIDA_RATE_LIMIT=off)

Three phases of --seconds each, with --customers concurrent clients:
1. customers: each runs onboardings (one new session after another) and pauses like a quick
   typist between messages (--think seconds on average): turn latency p50/p99 under load;
2. saturation: the same without pauses: the most turns/s this server gives;
3. /health: the same client hammering /health: requests/s of the framework with one tiny
   database query, so saturation turns/s ÷ /health requests/s is a machine-independent ratio.
With --spawn it also prints the server's own CPU time per request in each phase (psutil), which
other load on the machine does not distort.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

import aiohttp
import psutil

# A whole onboarding in the customer's words: every step through to the confirmed lead.
ONBOARDING: tuple[str, ...] = (
    "Здравствуйте, хочу подключить интернет домой",
    "Премиум",
    "Роутер в аренду",
    "Без камер",
    "Статический IP не нужен",
    "Волгоград, ул. Мира, д. 5, кв. 12",
    "Согласен",  # consent to personal data, before the contacts
    "Иван",
    "+7 999 123-45-67",
    "без почты",
    "через 3 дня в 10:00",  # a phrase that means one day at any hour
    "Да",
)
UTM = {"utm_source": "bench", "utm_medium": "cpc", "landing_page": "https://example.test/"}


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    onboardings: int = 0
    last_steps: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    cpu_seconds: float | None = None  # the server process's, when known

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


async def customer(
    http: aiohttp.ClientSession, urls: Iterator[str], until: float, think: float, tally: Tally
) -> None:
    """Full onboardings until `until`, each message to the next of `urls` (one server:
    `itertools.repeat(url)`; several instances in turn: `itertools.cycle(urls)`)."""
    while time.monotonic() < until:
        session_id = f"bench-{uuid.uuid4().hex[:16]}"
        step = None
        for n, text in enumerate(ONBOARDING):
            if think:
                await asyncio.sleep(random.uniform(0.5, 1.5) * think)
            body = {"session_id": session_id, "message": text, "message_id": f"m{n}"}
            if n == 0:
                body.update(UTM)
            started = time.perf_counter()
            try:
                async with http.post(f"{next(urls)}/chat", json=body) as resp:
                    data = await resp.json()
                    problem = None if resp.status == 200 else f"HTTP {resp.status}"
            except (aiohttp.ClientError, ValueError) as e:
                problem = type(e).__name__
            tally.latencies.append(time.perf_counter() - started)
            if problem is not None:
                tally.error(problem)
                break
            step = data["step"]
        tally.onboardings += 1
        tally.last_steps[str(step)] = tally.last_steps.get(str(step), 0) + 1


async def health_client(http: aiohttp.ClientSession, url: str, until: float, tally: Tally) -> None:
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            async with http.get(f"{url}/health") as resp:
                await resp.read()
                problem = None if resp.status == 200 else f"HTTP {resp.status}"
        except aiohttp.ClientError as e:
            problem = type(e).__name__
        tally.latencies.append(time.perf_counter() - started)
        if problem is not None:
            tally.error(problem)


def cpu_time(server: psutil.Process | None) -> float:
    if server is None:
        return 0.0
    times = server.cpu_times()
    return float(times.user + times.system)


async def phase(n: int, seconds: float, make: object, server: psutil.Process | None) -> Tally:
    tally = Tally()
    cpu = cpu_time(server)
    started = time.monotonic()
    await asyncio.gather(*(make(started + seconds, tally) for _ in range(n)))  # type: ignore[operator]
    tally.seconds = time.monotonic() - started
    if server is not None:
        tally.cpu_seconds = cpu_time(server) - cpu
    return tally


def report(name: str, tally: Tally) -> None:
    errors = sum(tally.errors.values())
    cpu = (
        f"   server CPU {1000 * tally.cpu_seconds / len(tally.latencies):.2f} ms/request"
        if tally.cpu_seconds is not None
        else ""
    )
    print(
        f"{name:<11} {tally.per_second:7.0f}/s   p50 {tally.percentile(50):6.1f} ms   "
        f"p99 {tally.percentile(99):6.1f} ms   {len(tally.latencies)} requests, "
        f"{errors} errors {tally.errors or ''}{cpu}"
    )


async def run(
    url: str, customers: int, seconds: float, think: float, server: psutil.Process | None
) -> None:
    connector = aiohttp.TCPConnector(limit=customers)
    async with aiohttp.ClientSession(connector=connector) as http:
        await customer(http, repeat(url), time.monotonic() + 0.01, 0, Tally())  # warm-up

        paced = await phase(
            customers,
            seconds,
            lambda until, t: customer(http, repeat(url), until, think, t),
            server,
        )
        flat_out = await phase(
            customers, seconds, lambda until, t: customer(http, repeat(url), until, 0, t), server
        )
        health = await phase(
            customers, seconds, lambda until, t: health_client(http, url, until, t), server
        )

    print(f"{customers} concurrent customers, {seconds:.0f} s per phase, think time {think} s")
    report("customers", paced)
    report("saturation", flat_out)
    report("/health", health)
    print(
        f"saturation turns/s ÷ /health requests/s = {flat_out.per_second / health.per_second:.2f}"
    )
    if flat_out.cpu_seconds is not None and health.cpu_seconds is not None:
        turn_cpu = flat_out.cpu_seconds / len(flat_out.latencies)
        health_cpu = health.cpu_seconds / len(health.latencies)
        print(f"server CPU per /health ÷ per turn = {health_cpu / turn_cpu:.2f}")
    done = paced.last_steps.get("done", 0) + flat_out.last_steps.get("done", 0)
    total = paced.onboardings + flat_out.onboardings
    print(f"onboardings completed to `done`: {done} of {total}")
    if done < total:
        print(f"  ended at: {paced.last_steps} / {flat_out.last_steps}")


async def wait_until_up(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(f"{url}/health") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"server at {url} did not come up")
            await asyncio.sleep(0.2)


def spawn(url: str, database_url: str | None) -> subprocess.Popen[bytes]:
    workdir = tempfile.mkdtemp(prefix="aida-bench-")
    env = {
        **os.environ,
        "AIDA_DATABASE_URL": database_url or f"sqlite:///{Path(workdir) / 'aida.db'}",
        "AIDA_RATE_LIMIT": "off",
        "AIDA_LOG_LEVEL": "WARNING",
    }
    for name in ("OPENAI_API_KEY", "AMO_SUBDOMAIN", "AMO_BASE_URL", "AIDA_REDIS_URL"):
        env.pop(name, None)
    port = url.rsplit(":", 1)[-1]
    return subprocess.Popen(
        [sys.executable, "-m", "aida", "serve", "--port", port], cwd=workdir, env=env
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8900")
    parser.add_argument("--customers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each phase")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between messages")
    parser.add_argument(
        "--spawn", action="store_true", help="start `aida serve` (offline, SQLite, no rate limit)"
    )
    parser.add_argument(
        "--database-url", help="with --spawn: this database instead of a fresh SQLite file"
    )
    args = parser.parse_args()

    server = spawn(args.url, args.database_url) if args.spawn else None
    try:
        asyncio.run(wait_until_up(args.url))
        process = psutil.Process(server.pid) if server is not None else None
        asyncio.run(run(args.url, args.customers, args.seconds, args.think, process))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=40)


if __name__ == "__main__":
    main()
