"""`aida doctor`: exit 0 when the configuration is ready, 1 with what to fix when it is not."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import aida.catalog
from aida.config import Settings
from aida.ops.doctor import check_privacy
from aida.store import open_store
from tests.fakes.amocrm import FakeAmo, Field
from tests.fakes.openai_server import StandIn

_CLEARED = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "AMO_SUBDOMAIN",
    "AMO_BASE_URL",
    "AMO_ACCESS_TOKEN",
    "AIDA_REDIS_URL",
    "AIDA_CORS_ORIGINS",
    "AIDA_ADMIN_TOKEN",
)


async def doctor(env: dict[str, str], cwd: Path) -> tuple[int, list[dict[str, Any]], str]:
    base = {k: v for k, v in os.environ.items() if k not in _CLEARED and not k.startswith("AMO_")}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "aida",
        "doctor",
        "--json",
        cwd=cwd,
        env={**base, **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode is not None
    checks = json.loads(out) if out.strip() else []
    return proc.returncode, checks, err.decode()


def by_name(checks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in checks}


async def _migrated_sqlite(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/aida.db"
    store = open_store(url)
    await store.open()
    await store.close()
    return url


def _operators_catalog(tmp_path: Path) -> str:
    """The shipped catalog with the consent text the operator's lawyer approved."""
    data = Path(aida.catalog.__file__).parent / "data"
    folder = tmp_path / "catalog"
    folder.mkdir()
    for name in ("catalog.toml", "coverage.csv"):
        shutil.copy(data / name, folder / name)
    approved = (data / "consent.md").read_text(encoding="utf-8").split("\n", 2)[2]
    (folder / "consent.md").write_text(approved, encoding="utf-8")
    return str(folder / "catalog.toml")


async def test_a_ready_configuration_passes(tmp_path: Path) -> None:
    url = await _migrated_sqlite(tmp_path)
    stand_in = StandIn()
    base_url = await stand_in.start()
    try:
        async with FakeAmo.serve() as amo:
            code, checks, err = await doctor(
                {
                    **amo.env(),
                    "AIDA_DATABASE_URL": url,
                    "AIDA_CORS_ORIGINS": "https://smit34.ru, https://www.smit34.ru",
                    "AIDA_ADMIN_TOKEN": "x" * 32,
                    "OPENAI_API_KEY": "sk-test",
                    "OPENAI_BASE_URL": base_url,
                    "AIDA_LLM_MODEL": "stand-in",
                    "AIDA_CATALOG": _operators_catalog(tmp_path),
                    "AIDA_PRIVACY_URL": "https://smit34.ru/privacy",
                },
                tmp_path,
            )
    finally:
        await stand_in.stop()
    assert code == 0, (checks, err)
    found = by_name(checks)
    for name in ("database", "cors", "admin", "llm", "amocrm"):
        assert found[name]["status"] == "ok", found[name]
    assert found["privacy model"]["status"] == "info"  # a server of the operator's own
    assert not [c for c in checks if c["status"] in ("warn", "fail")]


async def test_problems_are_listed_with_what_to_fix(tmp_path: Path) -> None:
    fields = {"TARIFF": Field(2578883, "Тариф", "text")}  # the account lacks the router field
    async with FakeAmo.serve(lead_fields=fields) as amo:
        env = {**amo.env(), "AMO_CF_LEAD_ROUTER": "2578885"}
        code, checks, _ = await doctor(
            {
                **env,
                "AIDA_DATABASE_URL": await _migrated_sqlite(tmp_path),
                "AIDA_CORS_ORIGINS": "https://smit34.ru/chat",
                "AIDA_ADMIN_TOKEN": "short",
                "OPENAI_API_KEY": "sk-test",
                "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
            },
            tmp_path,
        )
    assert code == 1
    found = by_name(checks)
    assert found["cors"]["status"] == "fail" and "без пути" in found["cors"]["fix"]
    assert found["admin"]["status"] == "fail" and "openssl rand" in found["admin"]["fix"]
    assert found["llm"]["status"] == "fail" and "OPENAI_BASE_URL" in found["llm"]["fix"]
    router = found["amocrm AMO_CF_LEAD_ROUTER"]
    assert router["status"] == "fail" and "2578885" in router["message"]


async def test_a_long_lived_token_near_its_expiry_is_a_warning(tmp_path: Path) -> None:
    async with FakeAmo.serve(access_ttl=5 * 86400) as amo:
        access, _ = amo.issue_tokens()
        env = {
            **amo.env(tokens=(access, None)),
            "AIDA_DATABASE_URL": await _migrated_sqlite(tmp_path),
        }
        code, checks, _ = await doctor(env, tmp_path)
    found = by_name(checks)
    assert code == 0  # a warning, not a failure: delivery still works for five days
    warning = found["amocrm account"]
    assert (
        warning["status"] == "warn" and "Долгосрочный токен amoCRM истекает" in warning["message"]
    )


async def test_an_unreachable_database_fails_and_the_crm_waits_for_it(tmp_path: Path) -> None:
    async with FakeAmo.serve() as amo:
        code, checks, _ = await doctor(
            {**amo.env(), "AIDA_DATABASE_URL": "postgresql://aida@127.0.0.1:9/aida"}, tmp_path
        )
    found = by_name(checks)
    assert code == 1
    assert found["database"]["status"] == "fail" and "AIDA_DATABASE_URL" in found["database"]["fix"]
    assert found["amocrm"]["status"] == "warn"


async def test_a_new_database_is_a_warning_not_an_error(tmp_path: Path) -> None:
    code, checks, _ = await doctor(
        {"AIDA_DATABASE_URL": f"sqlite:///{tmp_path}/new.db", "AIDA_CORS_ORIGINS": "*"}, tmp_path
    )
    found = by_name(checks)
    assert code == 0
    assert found["database"]["status"] == "warn" and "aida serve" in found["database"]["fix"]
    assert found["cors"]["status"] == "warn"
    assert found["amocrm"]["status"] == "info" and found["admin"]["status"] == "info"
    assert not (tmp_path / "new.db").exists()  # the doctor only reads


async def test_settings_that_cannot_be_read_exit_2(tmp_path: Path) -> None:
    code, _, err = await doctor({"AIDA_TIMEZONE": "Mars/Olympus"}, tmp_path)
    assert code == 2 and "AIDA_TIMEZONE" in err


def test_the_template_consent_no_policy_and_a_model_abroad_are_warned() -> None:
    def checks(**values: Any) -> dict[str, dict[str, Any]]:
        settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
        return by_name([c.model_dump() for c in check_privacy(settings)])

    shipped = checks(openai_api_key=None)
    assert shipped["privacy consent"]["status"] == "warn"
    assert "шаблон" in shipped["privacy consent"]["message"]
    assert shipped["privacy policy"]["fix"].startswith("AIDA_PRIVACY_URL=")
    assert "privacy model" not in shipped  # no model: nothing leaves the server
    for abroad in (None, "https://api.openai.com/v1", "https://openrouter.ai/api/v1"):
        model = checks(openai_api_key="sk-test", openai_base_url=abroad)["privacy model"]
        assert model["status"] == "warn" and "трансграничная" in model["message"], abroad
    own = checks(openai_api_key="sk-test", openai_base_url="http://10.0.0.5:8000/v1")
    assert own["privacy model"]["status"] == "info"
