"""`aida crm connect-chat`, `aida crm check` and `aida doctor` on the chat channel, run as the
operator runs them, against the stand-in amoCRM and amojo."""

from __future__ import annotations

import json
from pathlib import Path

from tests.crm.test_cli import aida
from tests.fakes.amocrm import FakeAmo
from tests.fakes.amojo import FakeAmojo


async def test_connect_chat_reads_the_account_and_stores_the_scope(
    amojo: FakeAmojo, tmp_path: Path
) -> None:
    async with FakeAmo.serve() as amo:
        amo.amojo_id = amojo.amojo_id
        env = {**amo.env(), **amojo.env(), "AIDA_DATABASE_URL": f"sqlite:///{tmp_path}/a.db"}
        code, out, err = await aida("doctor", "--json", env=env, cwd=tmp_path)
        chat = next(c for c in json.loads(out) if c["name"] == "amojo")
        assert chat == {"name": "amojo", "status": "warn", "fix": None,
                        "message": "не проверен: сначала база данных"}

        code, out, err = await aida("crm", "connect-chat", env=env, cwd=tmp_path)
        assert code == 0, out + err
        scope = f"{amojo.channel_id}_{amojo.amojo_id}"
        assert f"scope_id: {scope}" in out and f"/amojo/webhook/{scope}" in out
        assert amo.count("GET", "/api/v4/account") == 1

        code, out, err = await aida("crm", "check", env=env, cwd=tmp_path)
        assert "Канал чатов: подключён" in out and scope in out

        code, out, err = await aida("doctor", "--json", env=env, cwd=tmp_path)
        chat = next(c for c in json.loads(out) if c["name"] == "amojo")
        assert chat["status"] == "ok" and scope in chat["message"]


async def test_connect_chat_says_what_is_wrong(amojo: FakeAmojo, tmp_path: Path) -> None:
    db = {"AIDA_DATABASE_URL": f"sqlite:///{tmp_path}/a.db"}
    code, out, err = await aida("crm", "connect-chat", env={**db, "AMOJO_CHANNEL_ID": "x"},
                                cwd=tmp_path)
    assert code == 2 and "AMOJO_CHANNEL_SECRET" in err
    code, out, err = await aida("crm", "connect-chat", env={**db, **amojo.env()}, cwd=tmp_path)
    assert code == 2 and "--amojo-id" in err
    bad = {**db, **amojo.env(), "AMOJO_CHANNEL_SECRET": "wrong"}
    code, out, err = await aida("crm", "connect-chat", "--amojo-id", amojo.amojo_id, env=bad,
                                cwd=tmp_path)
    assert code == 1 and "403" in err
    code, out, err = await aida("doctor", "--json", env={**db, **amojo.env()}, cwd=tmp_path)
    chat = next(c for c in json.loads(out) if c["name"] == "amojo")
    assert chat["status"] == "fail" and "connect-chat" in chat["fix"]
    code, out, err = await aida("crm", "connect-chat", "--amojo-id", amojo.amojo_id,
                                env={**db, **amojo.env()}, cwd=tmp_path)
    assert code == 0, err
    code, out, err = await aida("doctor", "--json", env={**db}, cwd=tmp_path)
    chat = next(c for c in json.loads(out) if c["name"] == "amojo")
    assert chat["status"] == "info"
