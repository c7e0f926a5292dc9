"""TurnService: one message, one transaction; retries, attribution and failures."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from fake_engine import FakeEngine

from aida.domain import Attribution, Step
from aida.service import TurnService
from aida.store import Store, open_store

NOW = dt.datetime(2025, 3, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
async def store() -> AsyncIterator[Store]:
    s = open_store("sqlite:///:memory:")
    await s.open()
    yield s
    await s.close()


def _service(store: Store, **kwargs: object) -> TurnService:
    return TurnService(FakeEngine(), store, clock=lambda: NOW, **kwargs)  # type: ignore[arg-type]


async def _to_confirm(service: TurnService, session_id: str, **touches: Attribution) -> None:
    for i, step in enumerate(("extras", "address", "contacts", "schedule", "confirm")):
        outcome = await service.handle(session_id, f"m{i}", touch=touches.get(step))
        assert outcome.step == step


async def test_a_conversation_moves_on_and_its_history_is_stored(store: Store) -> None:
    service = _service(store)
    first = await service.handle("s1", "Здравствуйте")
    assert (first.reply, first.step, first.session_id) == (
        "Шаг extras: Здравствуйте",
        "extras",
        "s1",
    )
    assert first.suggestions == ["Дальше после extras"]
    step, messages = await store.history("s1")
    assert step is Step.extras
    assert [m.role for m in messages] == ["user", "assistant"]


async def test_a_retried_message_id_replays_the_answer_without_running_the_engine(
    store: Store,
) -> None:
    service = _service(store)
    first = await service.handle("s1", "Премиум", message_id="m-1")
    pieces: list[str] = []

    async def sink(piece: str) -> None:
        pieces.append(piece)

    again = await service.handle("s1", "Премиум", message_id="m-1", on_delta=sink)
    assert (again.reply, again.step, again.suggestions) == (
        first.reply,
        first.step,
        first.suggestions,
    )
    assert again.replayed and pieces == [first.reply]
    assert service.engine.calls == 1  # type: ignore[attr-defined]
    assert len((await store.history("s1"))[1]) == 2


async def test_an_engine_failure_leaves_the_session_as_it_was(store: Store) -> None:
    service = _service(store)
    await service.handle("s1", "привет")
    with pytest.raises(RuntimeError):
        await service.handle("s1", "boom", message_id="m-2")
    step, messages = await store.history("s1")
    assert step is Step.extras and len(messages) == 2
    # The retry of the failed message runs afresh.
    assert (await service.handle("s1", "ещё раз", message_id="m-2")).step == "address"


async def test_the_lead_carries_the_first_touch_by_default(store: Store) -> None:
    service = _service(store)
    await _to_confirm(
        service,
        "s1",
        extras=Attribution(utm_source="google", utm_campaign="winter"),
        contacts=Attribution(utm_source="yandex", yclid="y-1"),
    )
    outcome = await service.handle("s1", "да")
    assert outcome.step == "done" and outcome.events == ["lead_confirmed"]
    [record] = await store.leads()
    assert record.lead.attribution == Attribution(utm_source="google", utm_campaign="winter")
    assert record.delivery == "local"


async def test_the_lead_carries_the_latest_touch_when_configured(store: Store) -> None:
    service = _service(store, attribution="latest", enqueue_leads=True)
    await _to_confirm(
        service,
        "s1",
        extras=Attribution(utm_source="google", utm_campaign="winter"),
        contacts=Attribution(utm_source="yandex", yclid="y-1"),
    )
    await service.handle("s1", "да", touch=Attribution(landing_page="https://smit34.ru/x"))
    [record] = await store.leads()
    assert record.lead.attribution == Attribution(
        utm_source="yandex", utm_campaign="winter", yclid="y-1", landing_page="https://smit34.ru/x"
    )
    assert record.delivery == "pending"


async def test_utm_given_in_the_confirming_message_itself_reaches_the_lead(store: Store) -> None:
    service = _service(store)
    await _to_confirm(service, "s1")
    await service.handle("s1", "да", touch=Attribution(utm_source="vk"))
    [record] = await store.leads()
    assert record.lead.attribution.utm_source == "vk"


async def test_who_recommended_us_is_patched_onto_the_lead(store: Store) -> None:
    service = _service(store)
    await _to_confirm(service, "s1")
    await service.handle("s1", "да")
    await service.handle("s1", "Сосед Пётр")
    [record] = await store.leads()
    assert record.lead.referrer == "Сосед Пётр"
