"""`aida chat` scripted through a pipe ends with the right lead in `aida leads --json`."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

TZ = ZoneInfo("Europe/Volgograd")


def aida(args: list[str], tmp_path: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AIDA_DATABASE_URL": f"sqlite:///{tmp_path / 'aida.db'}",
           "AIDA_TIMEZONE": "Europe/Volgograd"}
    for key in list(env):
        if key.startswith(("AMO_", "OPENAI_")):
            del env[key]
    return subprocess.run([sys.executable, "-m", "aida", *args], input=stdin, text=True,
                          capture_output=True, env=env, cwd=tmp_path, timeout=120, check=False)


def converse(tmp_path: Path, *lines: str) -> list[dict[str, Any]]:
    chat = aida(["chat"], tmp_path, "\n".join(lines) + "\n")
    assert chat.returncode == 0, chat.stderr
    leads = aida(["leads", "--json"], tmp_path)
    assert leads.returncode == 0, leads.stderr
    return json.loads(leads.stdout)


def tomorrow() -> str:
    return (dt.datetime.now(TZ).date() + dt.timedelta(days=1)).isoformat()


def test_a_realistic_conversation_ends_with_a_complete_lead(tmp_path: Path) -> None:
    leads = converse(
        tmp_path,
        "Здравствуйте, хочу подключить интернет домой",
        "Пакет Премиум",
        "2 камеры",
        "Нет, IP не нужен",
        "ул. Мира, 5, кв 12",
        "Согласен",
        "Иван Петров, +7 999 123-45-67",
        "ivan@mail.ru",
        "завтра вечером",
        "Да, всё верно",
        "от друзей",
    )
    assert len(leads) == 1
    lead = leads[0]
    expected = {
        "kind": "connection", "tariff": "Пакет Премиум", "tariff_speed_mbps": 250,
        "tariff_price": 1490, "router": "included", "cctv_cameras": 2, "static_ip": False,
        "address": {"city": "Волгоград", "street": "улица Мира", "house": "5", "flat": "12"},
        "name": "Иван Петров", "phone": "+79991234567", "email": "ivan@mail.ru",
        "date": tomorrow(), "time": "18:00", "monthly_total": 1490, "one_off_total": 2900,
        "referrer": "от друзей", "delivery": "local",
    }
    assert {k: lead[k] for k in expected} == expected


def test_early_slots_questions_and_a_confirm_correction(tmp_path: Path) -> None:
    leads = converse(
        tmp_path,
        "добрый день, нужен интернет в офис на пр-т Ленина 88 офис 5, я Ольга 89171234567",
        "какие тарифы для офиса?",
        "офисный стандарт",
        "сколько стоит роутер?",
        "в аренду",
        "камеры не надо, а IP нужен",
        "согласна",
        "olga@firma.ru",
        "завтра утром",
        "давайте вечером",
        "телефон другой: 8 917 555-66-77",
        "да",
    )
    assert len(leads) == 1
    lead = leads[0]
    assert lead["tariff"] == "Пакет Офисный СТАНДАРТ"
    assert (lead["router"], lead["cctv_cameras"], lead["static_ip"]) == ("rent", 0, True)
    assert lead["address"] == {"city": "Волгоград", "street": "проспект Ленина", "house": "88",
                               "flat": "5"}
    assert (lead["name"], lead["phone"], lead["email"]) == ("Ольга", "+79175556677",
                                                            "olga@firma.ru")
    assert (lead["date"], lead["time"]) == (tomorrow(), "18:00")
    assert (lead["monthly_total"], lead["one_off_total"]) == (2300 + 200 + 300, 0)


def test_no_lead_without_a_yes_to_the_summary(tmp_path: Path) -> None:
    leads = converse(
        tmp_path,
        "да", "Безлимитище", "да", "без камер", "да", "ул. Мира 5", "Иван 89991234567",
        "без email", "послезавтра в 12:00", "Изменить", "да",
    )
    assert leads == []


def test_the_terminal_reports_what_it_cannot_take(tmp_path: Path) -> None:
    chat = aida(["chat"], tmp_path, "x" * 5000 + "\nПривет\n")
    assert chat.returncode == 0
    assert "слишком длинное" in chat.stdout
    assert "Здравствуйте" in chat.stdout


def test_leads_when_there_are_none(tmp_path: Path) -> None:
    out = aida(["leads"], tmp_path)
    assert out.returncode == 0 and "Заявок пока нет" in out.stdout


def test_graph_prints_the_machine_as_mermaid(tmp_path: Path) -> None:
    out = aida(["graph"], tmp_path)
    assert out.returncode == 0
    assert "stateDiagram-v2" in out.stdout
    for edge in ("tariff --> extras: advance", "confirm --> done: confirm",
                 "confirm --> extras: rewind"):
        assert edge in out.stdout


def test_a_broken_catalog_is_reported_not_crashed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIDA_CATALOG", str(tmp_path / "missing.toml"))
    out = aida(["chat"], tmp_path, "Привет\n")
    assert out.returncode == 2 and "catalog" in out.stderr
