"""`aida doctor`: is this configuration ready to serve, and if not, what to fix.

Each check reads, never writes: the schema version is read without migrating, amoCRM is asked
for its lead fields (as `aida crm check` does, after the database check passed), the model
server for its model list. A check is `ok`, `info` (a choice worth knowing), `warn` (works,
but probably not as meant) or `fail` (will not work: fix before going live).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from collections.abc import Awaitable
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel

from aida.config import MIN_ADMIN_TOKEN, Settings
from aida.store.migrations import migrations

Status = Literal["ok", "info", "warn", "fail"]
TIMEOUT = 8.0


class Check(BaseModel):
    name: str
    status: Status
    message: str
    fix: str | None = None


def _latest_schema() -> int:
    return len(migrations("sqlite"))


def _sqlite_version(path: str) -> int | None:
    """The applied schema version, read-only; None when the file has no schema yet."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2.0)
    try:
        has = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
        ).fetchone()
        if not has:
            return None
        return int(
            conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
        )
    finally:
        conn.close()


async def _postgres_version(url: str) -> int | None:
    import asyncpg

    conn = await asyncpg.connect(url, timeout=TIMEOUT)
    try:
        if await conn.fetchval("SELECT to_regclass('schema_version')") is None:
            return None
        return int(await conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_version"))
    finally:
        await conn.close()


async def check_database(settings: Settings) -> Check:
    url = settings.database_url
    latest = _latest_schema()
    try:
        if url.startswith("sqlite:///"):
            path = url.removeprefix("sqlite:///")
            if path != ":memory:" and not Path(path).exists():
                return Check(
                    name="database",
                    status="warn",
                    message=f"файла {path} ещё нет",
                    fix="он будет создан при первом запуске `aida serve` "
                    "(проверьте, что каталог доступен на запись пользователю службы)",
                )
            version = await asyncio.to_thread(_sqlite_version, path)
        elif url.startswith(("postgresql://", "postgres://")):
            version = await _postgres_version(url)
        else:
            return Check(
                name="database",
                status="fail",
                message="AIDA_DATABASE_URL не начинается с sqlite:/// или postgresql://",
                fix="например sqlite:///./data/aida.db или postgresql://aida@127.0.0.1/aida",
            )
    except Exception as e:  # noqa: BLE001 - any way of not reaching it: the same advice
        return Check(
            name="database",
            status="fail",
            message=f"база недоступна: {type(e).__name__}: {e}",
            fix="проверьте AIDA_DATABASE_URL, что сервер запущен и пользователь имеет доступ",
        )
    if version is None or version < latest:
        return Check(
            name="database",
            status="warn",
            message=f"схема версии {version or 0}, нужна {latest}",
            fix="`aida serve` применит миграции при запуске (сначала сделайте резервную копию)",
        )
    if version > latest:
        return Check(
            name="database",
            status="fail",
            message=f"схема версии {version} новее этой версии AIDA ({latest})",
            fix="обновите AIDA до версии, которая создала эту базу",
        )
    return Check(name="database", status="ok", message=f"доступна, схема версии {version}")


async def check_amocrm(settings: Settings) -> list[Check]:
    if not settings.amo_enabled:
        return [
            Check(
                name="amocrm",
                status="info",
                message="amoCRM не настроен: заявки хранятся в базе (`aida leads`)",
                fix="для доставки задайте AMO_SUBDOMAIN (или AMO_BASE_URL) и AMO_ACCESS_TOKEN",
            )
        ]
    from aida.catalog import default_catalog, load_catalog
    from aida.crm.amocrm.accountcheck import check_account
    from aida.crm.amocrm.adapter import open_amocrm
    from aida.crm.amocrm.fieldcheck import check_fields
    from aida.crm.health import crm_warnings
    from aida.store import open_store

    catalog = load_catalog(settings.catalog_path) if settings.catalog_path else default_catalog()
    store = open_store(settings.database_url)
    try:
        await store.open()
        crm = open_amocrm(settings, store, catalog)
        try:
            fields = await asyncio.wait_for(crm.api.lead_fields(), 30)
            account = await asyncio.wait_for(check_account(crm.api, settings), 30)
        finally:
            await crm.close()
        # After the calls above: the token in use is in the store by now.
        warnings = await crm_warnings(settings, store, dt.datetime.now(dt.UTC))
    except Exception as e:  # noqa: BLE001 - reported to the operator, whatever it is
        return [
            Check(
                name="amocrm",
                status="fail",
                message=f"{settings.amo_url}: поля сделки не прочитаны: {e}",
                fix="проверьте AMO_SUBDOMAIN/AMO_BASE_URL и токены (AMO_ACCESS_TOKEN, "
                "AMO_REFRESH_TOKEN, AMO_CLIENT_ID/SECRET); при отозванном доступе "
                "авторизуйте интеграцию заново",
            )
        ]
    finally:
        await store.close()
    checks = [Check(name="amocrm", status="ok", message=f"{settings.amo_url}: токен принят")]
    checks += [Check(name="amocrm account", status="warn", message=w) for w in warnings]
    reports = check_fields(settings, fields, catalog)
    for report in account:
        if report.problem:
            checks.append(
                Check(
                    name=f"amocrm {report.setting}",
                    status="fail",
                    message=report.message,
                    fix="`aida crm check` покажет, что задать",
                )
            )
    for report in reports:
        if report.problem:
            checks.append(
                Check(
                    name=f"amocrm {report.setting}",
                    status="fail",
                    message=f"{report.field_id}: {report.message}",
                    fix=f"укажите в {report.setting} id подходящего поля сделки (`aida crm check`)",
                )
            )
    unset = [r.setting for r in reports if r.status == "not_set"]
    if unset:
        checks.append(
            Check(
                name="amocrm fields",
                status="info",
                message="не передаются в сделку: " + ", ".join(unset),
            )
        )
    return checks


async def check_llm(settings: Settings) -> Check:
    if not settings.llm_enabled:
        return Check(
            name="llm",
            status="info",
            message="модель не настроена: работает встроенное понимание (OPENAI_API_KEY не задан)",
        )
    from openai import AsyncOpenAI

    where = settings.openai_base_url or "https://api.openai.com/v1"
    client = AsyncOpenAI(
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        timeout=TIMEOUT,
        max_retries=0,
    )
    try:
        models = [m.id async for m in client.models.list()]
    except Exception as e:  # noqa: BLE001 - reported to the operator, whatever it is
        return Check(
            name="llm",
            status="fail",
            message=f"{where}: нет ответа ({type(e).__name__}: {e})",
            fix="проверьте OPENAI_BASE_URL и OPENAI_API_KEY; без модели AIDA отвечает "
            "сама (встроенное понимание), но медленнее понимает сложные фразы",
        )
    finally:
        await client.close()
    if models and settings.llm_model not in models:
        return Check(
            name="llm",
            status="warn",
            message=f"{where}: модели {settings.llm_model} нет в списке ({', '.join(models[:5])})",
            fix="проверьте AIDA_LLM_MODEL",
        )
    return Check(name="llm", status="ok", message=f"{where}: модель {settings.llm_model} доступна")


def check_cors(settings: Settings) -> Check:
    origins = settings.cors_origin_list
    if not origins:
        return Check(
            name="cors",
            status="warn",
            message="AIDA_CORS_ORIGINS пуст: виджет на сайте с другим адресом не сможет писать",
            fix="AIDA_CORS_ORIGINS=https://smit34.ru,https://www.smit34.ru (сайты с виджетом)",
        )
    if "*" in origins:
        return Check(
            name="cors",
            status="warn",
            message="AIDA_CORS_ORIGINS=*: виджет может встроить любой сайт",
            fix="перечислите сайты провайдера через запятую",
        )
    bad = [o for o in origins if not _is_origin(o)]
    if bad:
        return Check(
            name="cors",
            status="fail",
            message="не похоже на адрес сайта: " + ", ".join(bad),
            fix="только схема и домен (и порт), без пути: https://smit34.ru",
        )
    return Check(name="cors", status="ok", message="разрешены " + ", ".join(origins))


def _is_origin(origin: str) -> bool:
    parts = urlsplit(origin)
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and parts.path in ("", "/")
        and not parts.query
        and not parts.fragment
    )


def check_admin(settings: Settings) -> Check:
    token = (settings.admin_token or "").strip()
    if not token:
        return Check(
            name="admin",
            status="info",
            message="панель /admin выключена (AIDA_ADMIN_TOKEN не задан)",
            fix="чтобы включить: AIDA_ADMIN_TOKEN=$(openssl rand -hex 24)",
        )
    if len(token) < MIN_ADMIN_TOKEN:
        return Check(
            name="admin",
            status="fail",
            message=f"AIDA_ADMIN_TOKEN короче {MIN_ADMIN_TOKEN} символов",
            fix="возьмите длинный случайный: openssl rand -hex 24",
        )
    return Check(name="admin", status="ok", message="панель /admin включена")


async def check_redis(settings: Settings) -> Check:
    postgres = settings.database_url.startswith(("postgresql://", "postgres://"))
    if not settings.redis_url:
        return Check(
            name="redis",
            status="info",
            message="лимиты запросов считаются в памяти процесса (AIDA_REDIS_URL не задан)",
            fix="для нескольких экземпляров задайте AIDA_REDIS_URL" if postgres else None,
        )
    import redis.asyncio as redis

    client = redis.from_url(settings.redis_url, socket_connect_timeout=TIMEOUT)
    try:
        await client.ping()
    except Exception as e:  # noqa: BLE001 - reported to the operator, whatever it is
        return Check(
            name="redis",
            status="fail",
            message=f"Redis недоступен: {e}",
            fix="проверьте AIDA_REDIS_URL и что Redis запущен (без него лимиты не общие)",
        )
    finally:
        await client.aclose()
    return Check(name="redis", status="ok", message="доступен: лимиты общие для экземпляров")


# Model servers known to be outside Russia: sending them conversations is a cross-border
# transfer (152-FZ art. 12), masked or not.
_FOREIGN_MODEL_HOSTS = ("openai.com", "anthropic.com", "openrouter.ai", "groq.com",
                        "together.xyz", "mistral.ai", "googleapis.com", "azure.com")


def check_privacy(settings: Settings) -> list[Check]:
    """What a data-protection officer asks before going live (see README «Personal data»)."""
    from aida.catalog import CatalogError, load_catalog

    checks: list[Check] = []
    try:
        privacy = load_catalog(settings.catalog_path).privacy
    except CatalogError as e:
        return [Check(name="privacy", status="fail", message=str(e))]
    if privacy.consent_text.lstrip().startswith("ШАБЛОН"):
        checks.append(Check(
            name="privacy consent", status="warn",
            message="текст согласия на обработку ПД — шаблон из поставки",
            fix="замените consent.md текстом, согласованным с юристом, и укажите свой каталог "
                "в AIDA_CATALOG"))
    if not settings.privacy_url:
        checks.append(Check(
            name="privacy policy", status="warn",
            message="под полем ввода нет ссылки на политику обработки ПД",
            fix="AIDA_PRIVACY_URL=https://…/privacy (или privacyUrl в AidaWidget.init)"))
    if settings.llm_enabled:
        host = (urlsplit(settings.openai_base_url).hostname or "") if settings.openai_base_url \
            else "api.openai.com"
        if host.endswith(_FOREIGN_MODEL_HOSTS):
            checks.append(Check(
                name="privacy model", status="warn",
                message=f"сервер модели {host} за рубежом: трансграничная передача данных "
                        "(телефоны, почта, имена и номера домов маскируются)",
                fix="OPENAI_BASE_URL сервера в России: свой vLLM/Ollama или российское облако"))
        else:
            checks.append(Check(
                name="privacy model", status="info",
                message=f"сервер модели {host}: убедитесь, что он в России"))
    if not checks:
        checks.append(Check(name="privacy", status="ok",
                            message=f"согласие версии {privacy.version}, политика по ссылке"))
    return checks


async def check_chat_channel(settings: Settings) -> Check:
    from aida.handoff.channel import state

    try:
        chat = await asyncio.wait_for(state(settings), TIMEOUT)
    except Exception as e:  # noqa: BLE001 - reported to the operator, whatever it is
        return Check(name="amojo", status="fail", message=f"не прочитан: {type(e).__name__}",
                     fix="проверьте базу данных (`aida doctor`, строка database)")
    return Check(name="amojo", status=chat.status, message=chat.message, fix=chat.fix)


async def run_checks(settings: Settings) -> list[Check]:
    database = await check_database(settings)
    independent: list[Awaitable[Check]] = [check_llm(settings), check_redis(settings)]
    checks = [database, check_cors(settings), check_admin(settings), *check_privacy(settings)]
    checks += await asyncio.gather(*independent)
    if database.status == "ok" or not settings.amo_enabled:
        checks += await check_amocrm(settings)
    else:  # its tokens live in the database
        checks.append(
            Check(
                name="amocrm",
                status="warn",
                message="не проверен: сначала база данных",
            )
        )
    if database.status == "ok" or not settings.amojo_enabled:
        checks.append(await check_chat_channel(settings))
    else:  # the channel's scope lives in the database
        checks.append(Check(name="amojo", status="warn", message="не проверен: сначала база данных"))
    return checks
