"""A confirmed lead carries the whole conversation, however long, though the state keeps
only recent messages."""

from __future__ import annotations

from pathlib import Path

from aida.dialogue.engine import HISTORY_LIMIT
from aida.service import TurnService
from aida.store import open_store
from tests.dialogue.harness import NOW, make_engine
from tests.dialogue.scripts import TO_DONE


async def test_a_long_conversation_reaches_the_crm_note_whole(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/aida.db")
    await store.open()
    service = TurnService(make_engine(), store, clock=lambda: NOW)
    questions = ["сколько стоит роутер?", "есть ли телевидение?", "какие тарифы для офиса?"] * 4
    said = [TO_DONE[0].say, *questions, *(t.say for t in TO_DONE[1:])]
    try:
        for text in said:
            await service.handle("long", text)
        async with store.turn("long") as tx:
            assert tx.state is not None and len(tx.state.history) == HISTORY_LIMIT
        (record,) = await store.leads()
    finally:
        await store.close()
    transcript = record.lead.transcript
    assert [m.text for m in transcript if m.role == "user"] == said
    assert len(transcript) == 2 * len(said) > HISTORY_LIMIT
    assert transcript[-1].role == "assistant" and "Заявка принята" in transcript[-1].text


async def test_the_state_remembers_when_the_conversation_began_after_its_window_slides() -> None:
    # «завтра» just after midnight is read back when the conversation began the day before,
    # however many messages have passed since (the state keeps only the latest few).
    import datetime as dt

    engine = make_engine()
    state = engine.new_state()
    evening = NOW.replace(hour=23, minute=50)
    questions = ["сколько стоит роутер?", "есть ли телевидение?", "какие тарифы для офиса?"]
    for n, text in enumerate([TO_DONE[0].say, *questions, *questions]):
        at = evening + dt.timedelta(minutes=5 * n)
        state = (await engine.turn(state, text, now=at, session_id="late")).state
    assert len(state.history) == HISTORY_LIMIT
    assert state.history[0].at > evening
    assert engine.context(state, evening + dt.timedelta(hours=1)).began == evening
