"""An app on a fresh SQLite file with the stand-in engine, and a client for it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from fake_engine import FakeEngine

from aida.config import Settings
from aida.http import create_app

MakeClient = Callable[..., Awaitable[TestClient[Any, Any]]]


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{tmp_path}/aida.db",
        "rate_limit": "off",
        "cors_origins": "https://smit34.ru, https://www.smit34.ru/",
        "redis_url": None,
        "amo_subdomain": None,
        "amo_base_url": None,
        "amo_access_token": None,
        "openai_api_key": None,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def make_client(
    aiohttp_client: Callable[[web.Application], Awaitable[TestClient[Any, Any]]],
    tmp_path: Path,
    database_url: str,
    engine: FakeEngine,
) -> MakeClient:
    async def make(**overrides: Any) -> TestClient[Any, Any]:
        settings = make_settings(tmp_path, database_url=database_url, **overrides)
        return await aiohttp_client(create_app(settings, engine=engine))

    return make


@pytest.fixture
async def client(make_client: MakeClient) -> TestClient[Any, Any]:
    return await make_client()
