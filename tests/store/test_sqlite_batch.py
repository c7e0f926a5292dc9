"""SQLite writes the turns that finish in one pass of the event loop in one transaction: each
turn still returns only once it is committed, and a turn cancelled while it waits for the write
is written all the same, its session held until then."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from aida.domain import ConversationState, Step
from aida.store import StoredReply
from aida.store.sqlite import SqliteStore
from tests.store.test_contract import T0


async def _save(store: SqliteStore, session_id: str, counter: int) -> None:
    async with store.turn(session_id) as tx:
        await tx.save_turn(state=ConversationState(misunderstood=counter), user_text=str(counter),
                           reply=StoredReply(reply="ok", step=Step.tariff), now=T0)


async def test_turns_finishing_together_share_a_commit_and_each_returns_committed(
    tmp_path: Path,
) -> None:
    store = SqliteStore(str(tmp_path / "aida.db"))
    await store.open()
    try:
        transactions = 0
        write_now = store._write_now

        def counted(*args: Any) -> Any:
            nonlocal transactions
            transactions += 1
            return write_now(*args)

        store._write_now = counted  # type: ignore[method-assign]
        await asyncio.gather(*(_save(store, f"s{i}", i) for i in range(30)))
        assert transactions < 30  # (one or a few transactions, not thirty)
        reader = SqliteStore(str(tmp_path / "aida.db"))  # another connection sees them all
        await reader.open()
        try:
            for i in range(30):
                async with reader.turn(f"s{i}") as tx:
                    assert tx.state is not None and tx.state.misunderstood == i
        finally:
            await reader.close()
    finally:
        await store.close()


async def test_a_turn_cancelled_while_waiting_for_its_write_is_written_and_holds_its_session(
    tmp_path: Path,
) -> None:
    store = SqliteStore(str(tmp_path / "aida.db"))
    await store.open()
    try:
        first = asyncio.create_task(_save(store, "s", 1))
        other = asyncio.create_task(_save(store, "other", 7))
        await asyncio.sleep(0)  # both are staged and wait for the loop's next pass
        first.cancel()
        second = asyncio.create_task(_save(store, "s", 2))
        await asyncio.gather(first, return_exceptions=True)
        await asyncio.wait_for(asyncio.gather(second, other), 5)
        assert first.cancelled()
        async with store.turn("s") as tx:
            assert tx.state is not None and tx.state.misunderstood == 2
        _, messages = await store.history("s")
        assert [m.text for m in messages if m.role == "user"] == ["1", "2"]
    finally:
        await store.close()
