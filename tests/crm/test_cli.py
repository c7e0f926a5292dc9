"""`aida crm check` and `aida leads --retry ID`, run as the operator runs them."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
from pathlib import Path

from aida.crm.worker import OutboxWorker
from aida.store import open_store
from tests.crm.helpers import FakeClock, amo_settings, make_lead, open_crm_for
from tests.crm.test_outbox import confirm
from tests.fakes.amocrm import ROUTER_OPTIONS, FakeAmo, Field


async def aida(*args: str, env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    # A subprocess, so this event loop keeps serving the stand-in amoCRM meanwhile.
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AMO_", "AIDA_"))}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "aida",
        *args,
        env={**base, **env},
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, out.decode(), err.decode()


def _line(output: str, setting: str) -> str:
    return next(line for line in output.splitlines() if f" {setting} " in line)


async def test_crm_check_passes_on_a_matching_account(amo: FakeAmo, tmp_path: Path) -> None:
    # More than one page of fields (amoCRM gives 50 a page), ours on the second.
    for n in range(60):
        amo.lead_fields[f"OTHER_{n}"] = Field(1_000_000 + n, f"Поле {n}", "text")
    env = {**amo.env(), "AIDA_DATABASE_URL": f"sqlite:///{tmp_path}/aida.db"}
    for n in range(60):
        del env[f"AMO_CF_LEAD_OTHER_{n}"]
    code, out, err = await aida("crm", "check", env=env, cwd=tmp_path)
    assert code == 0, out + err
    assert _line(out, "AMO_CF_LEAD_STATIC_IP").startswith("ok")
    assert "«Постоянный IP» (checkbox)" in _line(out, "AMO_CF_LEAD_STATIC_IP")
    assert "Всё заданное в порядке" in out
    assert amo.count("GET", "custom_fields") == 2


async def test_crm_check_reports_missing_and_mistyped_fields(amo: FakeAmo, tmp_path: Path) -> None:
    env = {**amo.env(), "AIDA_DATABASE_URL": f"sqlite:///{tmp_path}/aida.db"}
    env["AMO_CF_LEAD_TARIFF"] = "999"  # a typo in the id
    amo.lead_fields["STATIC_IP"].type = "text"  # created as text instead of a checkbox
    amo.lead_fields["ROUTER"].enums = ROUTER_OPTIONS[:2]  # "Покупка", "Свой" missing
    del env["AMO_CF_LEAD_UTM_TERM"]
    code, out, err = await aida("crm", "check", env=env, cwd=tmp_path)
    assert code == 1, out + err
    assert _line(out, "AMO_CF_LEAD_TARIFF").startswith("НЕТ ПОЛЯ")
    assert "нет поля сделки с id 999" in _line(out, "AMO_CF_LEAD_TARIFF")
    assert _line(out, "AMO_CF_LEAD_STATIC_IP").startswith("НЕ ТОТ ТИП")
    assert "нужен тип checkbox" in _line(out, "AMO_CF_LEAD_STATIC_IP")
    router = _line(out, "AMO_CF_LEAD_ROUTER")
    assert router.startswith("НЕТ ВАРИАНТОВ") and "«Покупка», «Свой»" in router
    assert "не задан" in _line(out, "AMO_CF_LEAD_UTM_TERM")
    assert _line(out, "AMO_CF_LEAD_ADDRESS").startswith("ok")
    assert "Проблем: 3." in out


async def test_crm_check_validates_pipeline_stage_managers_and_subscribes_the_webhook(
    amo: FakeAmo, tmp_path: Path
) -> None:
    from tests.fakes.amocrm import CHECK_PIPELINE, MAIN_PIPELINE, NEW_STATUS

    amo.max_rps = None  # three checks back to back, each its own process and request budget
    env = {
        **amo.env(),
        "AIDA_DATABASE_URL": f"sqlite:///{tmp_path}/aida.db",
        "AMO_PIPELINE_ID": str(MAIN_PIPELINE),
        "AMO_STATUS_ID": str(NEW_STATUS),
        "AMO_TECH_CHECK_PIPELINE_ID": str(CHECK_PIPELINE),
        "AMO_TECH_CHECK_STATUS_ID": str(NEW_STATUS),  # a stage of the other pipeline
        "AMO_RESPONSIBLE_USER_ID": "5001,5999",
        "AMO_WEBHOOK_SECRET": "hook-secret-0123456789",
    }
    code, out, err = await aida("crm", "check", env=env, cwd=tmp_path)
    assert code == 1, out + err
    assert _line(out, "AMO_PIPELINE_ID").startswith("ok") and "Подключения" in out
    assert _line(out, "AMO_STATUS_ID").startswith("ok") and "«Новая заявка»" in out
    assert "нет этапа" in _line(out, "AMO_TECH_CHECK_STATUS_ID")
    assert "нет пользователя 5999" in out and "Анна Менеджер" in out
    assert _line(out, "AMO_WEBHOOK_SECRET").startswith("НЕ ПОДПИСАН")

    env["AMO_TECH_CHECK_STATUS_ID"] = ""
    env["AMO_RESPONSIBLE_USER_ID"] = "5001,5002"
    base = "https://aida.smit.example"
    code, out, err = await aida("crm", "check", "--subscribe", base, env=env, cwd=tmp_path)
    assert code == 0, out + err
    assert _line(out, "AMO_WEBHOOK_SECRET").startswith("ПОДПИСАН")
    [hook] = amo.webhooks
    assert hook["destination"] == f"{base}/amocrm/webhook/hook-secret-0123456789"
    assert hook["settings"] == ["status_lead"]
    code, out, err = await aida("crm", "check", env=env, cwd=tmp_path)
    assert code == 0 and _line(out, "AMO_WEBHOOK_SECRET").startswith("ok")


async def test_crm_check_without_amocrm_says_so(tmp_path: Path) -> None:
    code, _out, err = await aida("crm", "check", env={}, cwd=tmp_path)
    assert code == 2
    assert "amoCRM не настроен" in err


async def test_crm_check_refreshes_and_saves_the_token(amo: FakeAmo, tmp_path: Path) -> None:
    env = {**amo.env(), "AIDA_DATABASE_URL": f"sqlite:///{tmp_path}/aida.db"}
    amo.expire_access_tokens()
    code, out, err = await aida("crm", "check", env=env, cwd=tmp_path)
    assert code == 0, out + err
    store = open_store(env["AIDA_DATABASE_URL"])
    await store.open()
    try:
        saved = await store.load_tokens("amocrm")
    finally:
        await store.close()
    assert amo.refreshes == 1
    assert saved is not None and saved.refresh_token in amo.refresh_tokens


async def test_leads_retry_requeues_a_failed_lead(amo: FakeAmo, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/aida.db"
    env = {**amo.env(), "AIDA_DATABASE_URL": url}
    amo.lead_fields["CCTV"].type = "checkbox"  # a field that cannot hold the text
    clock = FakeClock(start=dt.datetime.now(dt.UTC))  # the CLI requeues at the real time
    store = open_store(url)
    await store.open()
    lead = make_lead(cctv_cameras=4)
    try:
        await confirm(store, lead, clock)
        crm = open_crm_for(amo_settings(amo, env), store)
        try:
            worker = OutboxWorker(store, crm)
            await worker.run_once()
            record = await store.lead(lead.id)
            assert record is not None and record.delivery == "failed"

            code, out, err = await aida("leads", env=env, cwd=tmp_path)
            assert code == 0 and "failed" in out and "AMO_CF_LEAD_CCTV=2578889" in out

            amo.lead_fields["CCTV"].type = "select"
            crm._account = None  # the worker reads the fields again (it does every 10 minutes)
            code, out, err = await aida("leads", "--retry", lead.id[:8], env=env, cwd=tmp_path)
            assert code == 0, out + err
            assert "снова в очереди" in out
            assert await worker.run_once()
        finally:
            await crm.close()
        record = await store.lead(lead.id)
        assert record is not None and record.delivery == "delivered"
        assert amo.leads_created == 1
        assert amo.lead_field(record.crm_lead_id, "CCTV") == "4 камеры"  # type: ignore[arg-type]

        code, out, err = await aida("leads", "--retry", "ffffffff", env=env, cwd=tmp_path)
        assert code == 1 and "нет" in err
    finally:
        await store.close()
