"""Dates and times relative to `now`, the contract's conventions, and the dateparser traps
listed in the research note (section 3.2) that the layer on top must avoid."""

from __future__ import annotations

import datetime as dt

import pytest

from aida.nlu.datetime import parse_date_time
from tests.nlu.conftest import FRIDAY, TZ, codes

WEDNESDAY = dt.datetime(2026, 11, 25, 10, 0, tzinfo=TZ)
SUNDAY = dt.datetime(2026, 11, 29, 9, 0, tzinfo=TZ)
YEAR_END = dt.datetime(2026, 12, 28, 12, 0, tzinfo=TZ)  # Monday


def when(found) -> tuple[str | None, str | None]:
    return (found.date.isoformat() if found.date else None), found.time


@pytest.mark.parametrize(
    ("text", "date", "time"),
    [
        ("завтра утром", "2026-11-28", "09:00"),
        ("послезавтра вечером", "2026-11-29", "18:00"),
        ("в пятницу после обеда", "2026-12-04", "14:00"),
        ("в среду днем", "2026-12-02", "13:00"),
        ("завтра в 7 вечера", "2026-11-28", "19:00"),
        ("завтра с 10 до 12", "2026-11-28", "10:00"),
        ("с 2 до 4 дня", None, "14:00"),  # the part of day said at the end applies to both
        ("через 3 дня", "2026-11-30", None),
        ("через неделю", "2026-12-04", None),
        ("через 2 часа", "2026-11-27", "15:00"),
        ("на выходных", "2026-11-28", None),
        ("в эту субботу", "2026-11-28", None),
        ("в чт к 10", "2026-12-03", "10:00"),
        ("часов в 7 вечера", None, "19:00"),
        ("в полдень", None, "12:00"),
        ("первого декабря", "2026-12-01", None),
        ("3 дек в 16:00", "2026-12-03", "16:00"),
        ("5 числа", "2026-12-05", None),
    ],
)
def test_contract_conventions(read, text, date, time):
    assert when(read(text)) == (date, time)


@pytest.mark.parametrize(
    ("text", "date", "time"),
    [
        ("3 декабря в 10", "2026-12-03", "10:00"),  # dateparser: the year 2110
        ("в 10 часов", None, "10:00"),  # dateparser: 23:00, "10 hours from now"
        ("завтра в 10", "2026-11-28", "10:00"),  # dateparser: drops the hour
        ("в 3 часа дня", None, "15:00"),  # dateparser: "in 3 hours"
        ("в 12 дня", None, "12:00"),  # dateparser: "in 12 days"
        ("1.12", "2026-12-01", None),  # dateparser: 01:12 today
        ("12.12 в 11", "2026-12-12", "11:00"),
        ("в 9.30", None, "09:30"),
    ],
)
def test_dateparser_traps(read, text, date, time):
    assert when(read(text)) == (date, time)


@pytest.mark.parametrize(
    "text",
    [
        "5",
        "4",
        "12",
        "кв. 12, две камеры",
        "дом 5, 4 этаж",
        "мне 25 лет",
        "в 2 раза быстрее",
        "2 часа назад",
    ],
)
def test_numbers_that_are_not_dates_or_times(read, text):
    assert when(read(text)) == (None, None)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("завтро", "2026-11-28"),
        ("послезавтро", "2026-11-29"),
        ("в суботу", "2026-11-28"),
        ("в пятнецу", "2026-12-04"),
        ("зафтра", "2026-11-28"),
    ],
)
def test_typos_of_date_words(read, text, date):
    assert read(text).date.isoformat() == date


def test_weekday_is_the_next_occurrence(read):
    assert read("в пятницу", now=WEDNESDAY).date == dt.date(2026, 11, 27)
    assert read("в понедельник утром", now=SUNDAY).date == dt.date(2026, 11, 30)
    assert read("в пятницу", now=YEAR_END).date == dt.date(2027, 1, 1)


def test_same_weekday_means_next_week_and_is_confirmed(read):
    found = read("в пятницу")  # said on a Friday
    assert found.date == dt.date(2026, 12, 4)
    assert "date" in found.doubtful


def test_weekend_is_the_coming_saturday(read):
    assert read("на выходных", now=WEDNESDAY).date == dt.date(2026, 11, 28)
    assert read("на выходных", now=SUNDAY).date == dt.date(2026, 12, 5)


def test_day_and_month_without_a_year_roll_into_next_year(read):
    assert read("5 января", now=YEAR_END).date == dt.date(2027, 1, 5)
    assert read("10 числа", now=YEAR_END).date == dt.date(2027, 1, 10)


def test_past_date_is_kept_and_reported(read):
    found = read("25 ноября 2025")
    assert found.date == dt.date(2025, 11, 25)
    assert codes(found) == {"date:past"}


def test_time_already_past_today_is_reported(read):
    found = read("сегодня в 10")
    assert when(found) == ("2026-11-27", "10:00")
    assert codes(found) == {"time:past"}


def test_hours_outside_working_hours_are_kept_and_reported(read):
    assert codes(read("завтра в 8 утра")) == {"time:outside_hours"}
    assert codes(read("в 21:00")) == {"time:outside_hours"}  # the end is exclusive
    assert read("в 20:30").problems == []
    found = read("давайте в 02:00")  # two digits: the hour as written
    assert found.time == "02:00" and codes(found) == {"time:outside_hours"}


def test_too_far_ahead(read):
    assert codes(read("через 3 месяца")) == {"date:too_far"}
    assert read("20 января").problems == []


def test_a_refused_day_is_not_taken(read):
    assert read("не завтра, а послезавтра").date == dt.date(2026, 11, 29)
    assert read("завтра не могу, давайте в понедельник").date == dt.date(2026, 11, 30)


def test_an_explicit_date_wins_over_its_weekday(read):
    assert read("30 ноября, понедельник").date == dt.date(2026, 11, 30)


def test_calling_hours_are_not_the_installation_time(read):
    assert read("мой телефон 8 999 123 45 67, звоните после 18").time is None


def test_bare_answers_in_context(read):
    assert read("к 10", expect="time").time == "10:00"
    assert read("14", expect="time").time == "14:00"
    bare = read("5", expect="date")  # a day or an hour? the day, read back before it counts
    assert bare.date == dt.date(2026, 12, 5) and "date" in bare.doubtful
    assert read("5").date is None
    assert read("пятого", expect="date").date == dt.date(2026, 12, 5)
    assert read("14").time is None


def test_parse_date_time_helper(catalog):
    assert parse_date_time("2026-12-03", FRIDAY, catalog) == (dt.date(2026, 12, 3), None, [])
    assert parse_date_time("18:00", FRIDAY, catalog) == (None, "18:00", [])
    date, time, problems = parse_date_time("вчера в 22:00", FRIDAY, catalog)
    assert (date, time) == (dt.date(2026, 11, 26), "22:00")
    assert {p.code for p in problems} == {"past", "outside_hours"}
    assert parse_date_time("через 99999999 дней", FRIDAY, catalog)[0] is None  # no overflow
    assert parse_date_time("31.02", FRIDAY, catalog)[0] is None
