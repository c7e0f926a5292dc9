"""Two `aida serve` processes on one PostgreSQL and one Redis, one customer's turns sent to
each in turn (as a round-robin proxy would): the conversation, the rate limit and the single
amoCRM delivery hold."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.fakes.amocrm import FakeAmo
from tests.ops.conftest import AUTH, TOKEN
from tests.ops.logscan import scan_line
from tests.ops.seed import ONBOARDING

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]

# Settings of the developer's shell that must not reach the instances under test.
_CLEARED = ("OPENAI_API_KEY", "AMO_SUBDOMAIN", "AIDA_CORS_ORIGINS", "AIDA_CATALOG")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@asynccontextmanager
async def instances(
    n: int, env: dict[str, str], workdir: Path
) -> AsyncIterator[list[tuple[str, Path]]]:
    """`n` instances of `aida serve`: (base URL, log file) each; stopped with SIGTERM."""
    base_env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    procs: list[asyncio.subprocess.Process] = []
    started: list[tuple[str, Path]] = []
    try:
        for i in range(n):
            port = _free_port()
            log = workdir / f"instance-{i}.log"
            with log.open("wb") as out:
                procs.append(
                    await asyncio.create_subprocess_exec(
                        *(sys.executable, "-m", "aida", "serve", "--port", str(port)),
                        cwd=workdir,
                        env={**base_env, **env},
                        stdout=out,
                        stderr=asyncio.subprocess.STDOUT,
                    )
                )
            started.append((f"http://127.0.0.1:{port}", log))
        async with aiohttp.ClientSession() as http:
            for (url, log), proc in zip(started, procs, strict=True):
                await _wait_healthy(http, url, proc, log)
        yield started
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                await asyncio.wait_for(proc.wait(), 40)
            except TimeoutError:
                proc.kill()
                await proc.wait()


async def _wait_healthy(
    http: aiohttp.ClientSession, url: str, proc: asyncio.subprocess.Process, log: Path
) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.returncode is not None:
            pytest.fail(f"aida serve exited with {proc.returncode}:\n{log.read_text()}")
        try:
            async with http.get(f"{url}/health") as resp:
                if resp.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.2)
    pytest.fail(f"{url} did not become healthy:\n{log.read_text()}")


async def _post(http: aiohttp.ClientSession, url: str, body: dict[str, Any]) -> tuple[int, Any]:
    async with http.post(f"{url}/chat", json=body) as resp:
        return resp.status, (await resp.json(), resp.headers.get("Retry-After"))


async def test_one_customer_across_two_instances(
    postgres_url: str, redis_url: str, redis_prefix: str, tmp_path: Path
) -> None:
    async with FakeAmo.serve() as amo:
        env = {
            **amo.env(),
            "AIDA_DATABASE_URL": postgres_url,
            "AIDA_REDIS_URL": redis_url,
            "AIDA_REDIS_PREFIX": redis_prefix,
            "AIDA_RATE_LIMIT": "on",
            "AIDA_ADMIN_TOKEN": TOKEN,
            "AIDA_LOG_FORMAT": "json",
            "AIDA_LOG_LEVEL": "INFO",
        }
        async with instances(2, env, tmp_path) as servers, aiohttp.ClientSession() as http:
            urls = [url for url, _ in servers]

            # One conversation, each message to the other instance.
            steps = []
            for n, text in enumerate(ONBOARDING):
                body = {"session_id": "two-1", "message": text, "message_id": f"m{n}"}
                if n == 0:
                    body |= {"utm_source": "yandex", "utm_campaign": "winter"}
                status, (answer, _) = await _post(http, urls[n % 2], body)
                assert status == 200, answer
                steps.append(answer["step"])
            assert steps[-1] == "done"
            assert steps.index("extras") < steps.index("address") < steps.index("contacts")
            histories = []
            for url in urls:
                async with http.get(f"{url}/chat/history", params={"session_id": "two-1"}) as r:
                    histories.append(await r.json())
            assert histories[0] == histories[1]
            assert [m["text"] for m in histories[0]["messages"][::2]] == list(ONBOARDING)

            # Both workers watch the outbox; the lead reaches amoCRM once.
            deadline = time.monotonic() + 30
            while amo.leads_created == 0 and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            await asyncio.sleep(3)  # room for a second, wrong delivery to show up
            assert (amo.leads_created, amo.contacts_created) == (1, 1)
            for url in urls:
                async with http.get(f"{url}/admin/api/leads", headers=AUTH) as r:
                    [lead] = (await r.json())["leads"]
                assert lead["delivery"] == "delivered" and lead["utm_source"] == "yandex"

            # One session flooding both instances meets one shared limit (12 at once), not
            # one per instance.
            answers = [
                await _post(
                    http,
                    urls[n % 2],
                    {"session_id": "flood-1", "message": "Привет", "message_id": f"f{n}"},
                )
                for n in range(30)
            ]
            allowed = [n for n, (status, _) in enumerate(answers) if status == 200]
            limited = [n for n, (status, _) in enumerate(answers) if status == 429]
            assert 12 <= len(allowed) <= 14, answers
            assert {n % 2 for n in limited} == {0, 1}  # both instances refuse
            assert all(int(answers[n][1][1]) >= 1 for n in limited)  # Retry-After

            refused = 0.0
            for url in urls:
                async with http.get(f"{url}/metrics") as r:
                    text = await r.text()
                for line in text.splitlines():
                    if line.startswith('aida_rate_limited_total{rule="session"}'):
                        refused += float(line.split()[-1])
                    if line.startswith('aida_db_leads{delivery="delivered"}'):
                        assert float(line.split()[-1]) == 1  # database totals agree
            assert refused == len(limited)

    for _, log in servers:
        lines = [line for line in log.read_text().splitlines() if line.strip()]
        events = [json.loads(line) for line in lines]  # every line is one JSON object
        assert any(e.get("event") == "turn" for e in events)
        leaks = [line for line in lines if scan_line(line)]
        assert not leaks, leaks
    deliveries = [
        json.loads(line)
        for _, log in servers
        for line in log.read_text().splitlines()
        if '"crm.delivery"' in line
    ]
    assert [d["crm"]["outcome"] for d in deliveries].count("delivered") == 1
    assert all(d["request_id"].startswith("crm-") for d in deliveries)
