"""Choosing and opening a backend from AIDA_DATABASE_URL."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest

from aida.store import open_store
from aida.store.sqlite import SqliteStore


async def test_a_relative_sqlite_url_creates_its_folder_and_uses_wal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_store("sqlite:///./data/aida.db")
    await store.open()
    await store.close()
    db = tmp_path / "data" / "aida.db"
    assert db.exists()
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_an_absolute_and_an_in_memory_sqlite_url(tmp_path: Path) -> None:
    absolute = open_store(f"sqlite:///{tmp_path}/x.db")
    assert isinstance(absolute, SqliteStore) and absolute.path == f"{tmp_path}/x.db"
    assert os.path.isabs(absolute.path)
    memory = open_store("sqlite:///:memory:")
    await memory.open()
    try:
        assert await memory.history("s") == (None, [])
    finally:
        await memory.close()


@pytest.mark.parametrize("url", ["mysql://localhost/aida", "sqlite://relative.db", ""])
def test_an_unsupported_url_is_refused_with_the_setting_named(url: str) -> None:
    with pytest.raises(ValueError, match="AIDA_DATABASE_URL"):
        open_store(url)


async def test_sqlite_checkpoints_off_the_loop_and_leaves_one_file_at_close(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import aida.store.sqlite as backend
    from aida.domain import ConversationState, Step
    from aida.store import StoredReply

    monkeypatch.setattr(backend, "CHECKPOINT_EVERY", 5)
    path = tmp_path / "aida.db"
    store = open_store(f"sqlite:///{path}")
    await store.open()
    now = dt.datetime.now(dt.UTC)
    for i in range(12):
        async with store.turn(f"s{i}") as tx:
            await tx.save_turn(state=ConversationState(), user_text="привет",
                               reply=StoredReply(reply="Здравствуйте!", step=Step.tariff),
                               now=now, message_id="m1")
    assert isinstance(store, backend.SqliteStore) and store._checkpoint is not None
    await store._checkpoint  # ran on the store's thread, without error
    await store.close()
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # folded back into the database
    reopened = open_store(f"sqlite:///{path}")
    await reopened.open()
    try:
        step, messages = await reopened.history("s11")
        assert step is Step.tariff and [m.text for m in messages] == ["привет", "Здравствуйте!"]
    finally:
        await reopened.close()
