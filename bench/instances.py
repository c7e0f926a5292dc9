"""Throughput with one and with several `aida serve` instances on one PostgreSQL database.

    python bench/instances.py                  # 1 then 2 instances, 20 s each, 40 customers
    python bench/instances.py --counts 1 2 3 --seconds 30

Each run starts the instances on a fresh PostgreSQL schema (rate limits off, as a benchmark
behind a trusted proxy), then concurrent customers run whole onboardings without pauses,
each message sent to the next instance in turn (a round-robin proxy, the worst case for
per-session locking). It prints turns/s, latency and the instances' CPU per turn.
The machine's core count bounds what more instances can add: they share the cores with the
database and this client.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp
import asyncpg
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from http_load import Tally, customer, report, wait_until_up

PG_URL = os.environ.get("AIDA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def spawn(port: int, database_url: str, workdir: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "AIDA_DATABASE_URL": database_url,
        "AIDA_RATE_LIMIT": "off",
        "AIDA_LOG_LEVEL": "WARNING",
    }
    for name in ("OPENAI_API_KEY", "AMO_SUBDOMAIN", "AMO_BASE_URL", "AIDA_REDIS_URL"):
        env.pop(name, None)
    return subprocess.Popen(
        [sys.executable, "-m", "aida", "serve", "--port", str(port)], cwd=workdir, env=env
    )


async def run(count: int, customers: int, seconds: float, base_port: int) -> Tally:
    schema = f"aida_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(PG_URL)
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    database_url = f"{PG_URL}{sep}search_path={schema}"
    workdir = tempfile.mkdtemp(prefix="aida-bench-")
    servers = []
    try:
        # One at a time: the first creates the schema.
        urls = []
        for i in range(count):
            servers.append(spawn(base_port + i, database_url, workdir))
            urls.append(f"http://127.0.0.1:{base_port + i}")
            await wait_until_up(urls[-1])
        processes = [psutil.Process(s.pid) for s in servers]
        rotation = itertools.cycle(urls)
        connector = aiohttp.TCPConnector(limit=customers)
        async with aiohttp.ClientSession(connector=connector) as http:
            await customer(http, rotation, time.monotonic() + 0.01, 0, Tally())  # warm-up
            cpu = sum(_cpu(p) for p in processes)
            tally = Tally()
            started = time.monotonic()
            until = started + seconds
            await asyncio.gather(
                *(customer(http, rotation, until, 0, tally) for _ in range(customers))
            )
            tally.seconds = time.monotonic() - started
            tally.cpu_seconds = sum(_cpu(p) for p in processes) - cpu
        return tally
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=40)
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()


def _cpu(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--customers", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--port", type=int, default=8930, help="first instance's port")
    args = parser.parse_args()
    print(
        f"{args.customers} customers without pauses, {args.seconds:.0f} s per run, "
        f"PostgreSQL {PG_URL.rsplit('@', 1)[-1]}, {psutil.cpu_count()} CPUs"
    )
    results = {}
    for count in args.counts:
        tally = await run(count, args.customers, args.seconds, args.port)
        results[count] = tally
        report(f"{count} instance{'s' if count > 1 else ''}", tally)
        done = tally.last_steps.get("done", 0)
        print(f"{'':<11} onboardings completed to `done`: {done} of {tally.onboardings}")
    if 1 in results:
        for count, tally in results.items():
            if count != 1:
                print(f"{count} ÷ 1 instance: {tally.per_second / results[1].per_second:.2f}×")


if __name__ == "__main__":
    asyncio.run(main())
