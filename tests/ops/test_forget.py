"""Erasure requests: `POST /admin/api/forget` and `aida forget` remove a person's data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from aida.http.keys import STORE
from tests.ops.conftest import AUTH, MakeClient

CONTACTS = ["Хочу Пакет Премиум", "ул. Мира, 5, кв 12", "Иван, 8 (999) 123-45-67"]


async def test_the_admin_endpoint_erases_a_person_by_phone_in_another_form(
    make_client: MakeClient,
) -> None:
    client = await make_client()
    for text in CONTACTS:
        await client.post("/chat", json={"session_id": "ivan", "message": text})
    await client.post("/chat", json={"session_id": "maria", "message": "Хочу Пакет Премиум"})

    denied = await client.post("/admin/api/forget", json={"phone": "+7 999 1234567"})
    assert denied.status == 401
    resp = await client.post("/admin/api/forget", json={"phone": "+7 999 1234567"}, headers=AUTH)
    assert resp.status == 200
    body = await resp.json()
    assert body["sessions"] == 1 and body["messages"] == 2 * len(CONTACTS)
    assert "Удалено разговоров: 1" in body["message"]

    history = await (await client.get("/chat/history", params={"session_id": "ivan"})).json()
    assert history["messages"] == []
    other = await (await client.get("/chat/history", params={"session_id": "maria"})).json()
    assert len(other["messages"]) == 2


async def test_a_request_that_names_no_one_clearly_is_refused(make_client: MakeClient) -> None:
    client = await make_client()
    for body in ({}, {"phone": "12"}, {"phone": "+79991234567", "email": "a@b.ru"},
                 {"email": "not-an-email"}, {"phone": 79991234567}):
        resp = await client.post("/admin/api/forget", json=body, headers=AUTH)
        assert resp.status == 422, body
        assert (await resp.json())["error"]["code"] == "invalid_field"
    assert (await client.app[STORE].leads()) == []


def _aida(args: list[str], tmp_path: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AIDA_DATABASE_URL": f"sqlite:///{tmp_path / 'aida.db'}"}
    for key in list(env):
        if key.startswith(("AMO_", "OPENAI_")):
            del env[key]
    return subprocess.run([sys.executable, "-m", "aida", *args], input=stdin, text=True,
                          capture_output=True, env=env, cwd=tmp_path, timeout=120, check=False)


def test_aida_forget_by_email_in_another_case_prints_what_it_removed(tmp_path: Path) -> None:
    chat = _aida(["chat"], tmp_path, "Хочу Пакет Премиум\nмоя почта Ivan@Mail.ru\n")
    assert chat.returncode == 0, chat.stderr

    done = _aida(["forget", "--email", "IVAN@mail.ru"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Удалено разговоров: 1 (сообщений: 4)" in done.stdout

    again = _aida(["forget", "--email", "ivan@mail.ru"], tmp_path)
    assert "Данных этого человека не найдено." in again.stdout
    bad = _aida(["forget", "--phone", "123"], tmp_path)
    assert bad.returncode == 2 and "телефона" in bad.stderr
    assert json.loads(_aida(["leads", "--json"], tmp_path).stdout) == []
