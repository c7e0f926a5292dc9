"""Shared pieces of the operations tests: settings, both databases, an app client."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from aida.config import Settings
from aida.http import create_app

TOKEN = "admin-token-for-tests-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

MakeClient = Callable[..., Awaitable[TestClient[Any, Any]]]


def ops_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "rate_limit": "off",
        "admin_token": TOKEN,
        "redis_url": None,
        "amo_subdomain": None,
        "amo_base_url": None,
        "amo_access_token": None,
        "openai_api_key": None,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def make_client(
    aiohttp_client: Callable[[web.Application], Awaitable[TestClient[Any, Any]]],
    database_url: str,
) -> MakeClient:
    async def make(**overrides: Any) -> TestClient[Any, Any]:
        return await aiohttp_client(create_app(ops_settings(database_url, **overrides)))

    return make
