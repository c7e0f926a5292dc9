"""Asking for a person: live during the managers' hours (holidays off), when they are back
otherwise, and nothing new without the live chat."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from aida.catalog import default_catalog
from aida.catalog.operator_hours import OperatorHours
from aida.dialogue.operator import ask_operator, comeback
from aida.steps import Env

TZ = ZoneInfo("Europe/Volgograd")


def env(when: dt.datetime, live: bool = True) -> Env:
    return Env(default_catalog(), when, live_handoff=live)


def test_during_hours_a_manager_joins() -> None:
    turn = ask_operator(env(dt.datetime(2026, 11, 30, 12, 0, tzinfo=TZ)), "customer")
    assert turn is not None and turn.live
    assert turn.events == ["handoff", "operator_requested:customer"]
    assert turn.parts[0].startswith("Подключаю менеджера")


@pytest.mark.parametrize(
    ("when", "back"),
    [
        (dt.datetime(2026, 11, 30, 21, 30, tzinfo=TZ), "завтра, 1 декабря с 09:00"),
        (dt.datetime(2026, 11, 29, 12, 0, tzinfo=TZ), "завтра, 30 ноября с 09:00"),  # Sunday
        (dt.datetime(2026, 12, 31, 10, 0, tzinfo=TZ), "2 января 2027 с 10:00"),  # holidays
        (dt.datetime(2026, 11, 30, 7, 0, tzinfo=TZ), "сегодня, 30 ноября с 09:00"),
    ],
)
def test_outside_hours_the_assistant_says_when_managers_are_back(
    when: dt.datetime, back: str
) -> None:
    turn = ask_operator(env(when), "missed")
    assert turn is not None and not turn.live
    text = " ".join(turn.parts)
    assert text.startswith("Похоже, я вас не совсем понимаю. Сейчас менеджеры не в сети.")
    assert "пн–пт с 09:00 до 20:00, сб с 10:00 до 18:00" in text
    assert back in text, text
    assert not any(e.startswith("operator_requested") for e in turn.events)


def test_without_the_live_chat_nothing_changes() -> None:
    assert ask_operator(env(dt.datetime(2026, 11, 30, 12, 0, tzinfo=TZ), live=False),
                        "customer") is None


def test_hours_parse_and_refuse_nonsense() -> None:
    hours = OperatorHours(sat="10:00-24:00", holidays=[dt.date(2026, 12, 5)])
    assert hours.is_open(dt.datetime(2026, 12, 12, 23, 59, tzinfo=TZ))
    assert not hours.is_open(dt.datetime(2026, 12, 5, 12, 0, tzinfo=TZ))
    for bad in ("9-18", "18:00-09:00", "09:00-25:00", "09:60-10:00"):
        with pytest.raises(ValueError):
            OperatorHours(mon=bad)


def test_the_assistant_comes_back_keeping_the_slots() -> None:
    assert comeback(False, "manager") == ("Менеджер завершил разговор. Продолжим оформление "
                                          "заявки — всё, что вы выбрали, сохранено.")
    assert comeback(True, "silence").startswith("Менеджер сейчас не на связи")
