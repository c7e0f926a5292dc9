"""An app with the live handoff against the stand-in amojo, on each database backend."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from aida.config import Settings
from aida.dialogue.types import DeltaSink, TurnResult
from aida.domain import ConversationState
from aida.handoff.channel import connect
from aida.http import create_app
from aida.http.keys import STORE
from tests.fakes.amojo import FakeAmojo
from tests.http.fake_engine import FakeEngine

MakeClient = Callable[..., Awaitable[TestClient[Any, Any]]]
ASK_PERSON = "позовите человека"


class AskingEngine(FakeEngine):
    """The stand-in engine, plus the policy's request for a manager on ASK_PERSON."""

    async def turn(self, state: ConversationState, text: str, *, now: dt.datetime,
                   session_id: str, on_delta: DeltaSink | None = None) -> TurnResult:
        if text != ASK_PERSON:
            return await super().turn(state, text, now=now, session_id=session_id,
                                      on_delta=on_delta)
        return TurnResult(state=state.model_copy(deep=True),
                          reply="Подключаю менеджера, он ответит здесь.",
                          events=["operator_requested:customer"])


def handoff_settings(database_url: str, amojo: FakeAmojo, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "rate_limit": "off",
        "redis_url": None,
        "amo_subdomain": None,
        "amo_base_url": None,
        "amo_access_token": None,
        "openai_api_key": None,
        "amojo_channel_id": amojo.channel_id,
        "amojo_channel_secret": amojo.secret,
        "amojo_bot_id": amojo.bot_id,
        "amojo_base_url": amojo.url,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
async def amojo() -> AsyncIterator[FakeAmojo]:
    async with FakeAmojo.serve() as fake:
        yield fake


@pytest.fixture
def make_client(
    aiohttp_client: Callable[[web.Application], Awaitable[TestClient[Any, Any]]],
    database_url: str,
    amojo: FakeAmojo,
    tmp_path: Path,
) -> MakeClient:
    async def make(*, connected: bool = True, **overrides: Any) -> TestClient[Any, Any]:
        settings = handoff_settings(database_url, amojo, **overrides)
        client = await aiohttp_client(create_app(settings, engine=AskingEngine()))
        if connected:
            channel = await connect(settings, client.app[STORE], amojo.amojo_id)
            amojo.webhook_url = str(client.make_url(f"/amojo/webhook/{channel.scope_id}"))
        return client

    return make


@pytest.fixture
async def client(make_client: MakeClient) -> TestClient[Any, Any]:
    return await make_client()


def catalog_with_hours(tmp_path: Path, hours: str | None) -> str:
    """The shipped catalog with managers at work `hours` every day ("" for never)."""
    import re

    from aida.catalog.loader import DATA_DIR

    text = (DATA_DIR / "catalog.toml").read_text(encoding="utf-8")
    days = "\n".join(f'{d} = "{hours}"' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
    text = re.sub(r"\[operator_hours\].*?\n\]\n", f"[operator_hours]\n{days}\n", text,
                  flags=re.DOTALL)
    text = text.replace('coverage = "coverage.csv"',
                        f'coverage = "{(DATA_DIR / "coverage.csv").as_posix()}"')
    path = tmp_path / "catalog.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)
