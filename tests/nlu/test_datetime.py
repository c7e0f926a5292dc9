"""Dates and times relative to `now`, the contract's conventions, and the dateparser traps
listed in the research note (section 3.2) that the layer on top must avoid."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aida.nlu import extract
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


# -- issue 11: numbers and dates as customers write them ----------------------------------
@pytest.mark.parametrize(
    ("text", "date", "time"),
    [
        ("двадцать второго января", "2027-01-22", None),  # was 2 January
        ("тридцать первого декабря в 10", "2026-12-31", "10:00"),  # was 1 December
        ("двадцать пятое декабря", "2026-12-25", None),
        ("Двадцать четвёртое февраля", "2027-02-24", None),
        ("22.01", "2027-01-22", None),
        ("22/01", "2027-01-22", None),
        ("22 янв", "2027-01-22", None),
        ("на 3-е", "2026-12-03", None),
        ("давайте на третье", "2026-12-03", None),
        ("3го числа", "2026-12-03", None),
        ("двадцать восьмого числа", "2026-11-28", None),
        ("десятого в 15:00", "2026-12-10", "15:00"),
        ("двадцать девятого вечером", "2026-11-29", "18:00"),
        ("давайте 22-го", "2026-12-22", None),
        ("к 3 числу", "2026-12-03", None),
        ("после выходных", "2026-11-30", None),
        ("в 5 30", None, "17:30"),
        ("в 17-30", None, "17:30"),
        ("в 3 15 декабря", "2026-12-15", "15:00"),
        ("в час", None, "13:00"),
        ("с утречка", None, "09:00"),
        ("завтра часа в 3", "2026-11-28", "15:00"),
        ("с 13 по 15 декабря", "2026-12-13", None),
        ("через сутки", "2026-11-28", None),
        ("через 3 д", "2026-11-30", None),
        ("через пару дней", "2026-11-29", None),
        ("спустя 2 дня", "2026-11-29", None),
        ("через двое суток", "2026-11-29", None),
        ("через месяц", "2026-12-27", None),
        ("на следующей неделе в среду", "2026-12-02", None),
        ("в среду на этой неделе", "2026-11-25", None),
        ("послезавтра с утра", "2026-11-29", "09:00"),
        ("в 3", None, "15:00"),
        ("к 5", None, "17:00"),
        ("после семи", None, "19:00"),
        ("в 10", None, "10:00"),
        ("в 1", None, "13:00"),
        ("в 12", None, "12:00"),
        ("в четверг в 5", "2026-12-03", "17:00"),
        ("в 4 утра", None, "04:00"),  # said: kept, and reported outside the hours
        ("в 10 ночи", None, "22:00"),
        ("полдесятого", None, "09:30"),
        ("пол десятого", None, "09:30"),
        ("полпятого", None, "16:30"),
        ("полпервого", None, "12:30"),
        ("в половине третьего", None, "14:30"),
        ("без четверти пять", None, "16:45"),
        ("без пятнадцати шесть", None, "17:45"),
        ("в 17ч10", None, "17:10"),
        ("１２:００", None, "12:00"),  # full-width digits
    ],
)
def test_numbers_and_dates_as_customers_write_them(read, text, date, time):
    found = read(text)
    assert when(found) == (date, time)
    assert found.doubtful == []


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("позавчера", "2026-11-25"),
        ("вчера вечером", "2026-11-26"),
        ("3 дня назад", "2026-11-24"),
        ("неделю назад", "2026-11-20"),
        ("двое суток назад", "2026-11-25"),
        ("в прошлую среду", "2026-11-25"),
        ("в прошлую пятницу", "2026-11-20"),  # said on a Friday: a week ago, not today
        ("на прошлой неделе в среду", "2026-11-18"),
    ],
)
def test_past_dates_are_recognised_and_reported(read, text, date):
    found = read(text)
    assert found.date == dt.date.fromisoformat(date)
    assert "date:past" in codes(found)


def test_last_weekday_is_never_next_weeks(read):
    assert read("в прошлую среду").date < FRIDAY.date() < read("в среду").date


@pytest.mark.parametrize(
    "text", ["доброе утро", "добрый вечер", "доброй ночи", "добрый день!", "доброго времени суток"]
)
def test_a_greeting_is_never_a_time(read, text):
    assert when(read(text)) == (None, None)
    assert read(f"{text}, можно завтра?").time is None


def test_holidays(read):
    after_new_year = read("после нового года")
    assert after_new_year.date == dt.date(2027, 1, 9) and "date" in after_new_year.doubtful
    # the nearest holiday run from late November is the New Year one
    assert read("после праздников").date == dt.date(2027, 1, 9)
    in_may = dt.datetime(2027, 5, 3, 12, tzinfo=TZ)
    assert read("после праздников", now=in_may).date == dt.date(2027, 5, 10)
    assert read("после майских", now=in_may).date == dt.date(2027, 5, 10)
    in_january = dt.datetime(2027, 1, 4, 12, tzinfo=TZ)
    assert read("после нового года", now=in_january).date == dt.date(2027, 1, 9)
    assert "date" in read("после праздников").doubtful


@pytest.mark.parametrize(
    ("text", "slot"),
    [
        ("двадцать, второго января", "date"),  # half of a compound
        ("22 ноебря", "date"),  # a month repaired from a typo
        ("в 8", "time"),  # 08:00 is just before opening, 20:00 inside: which one?
        ("после нового года", "date"),
        ("в пятницу", "date"),  # said on a Friday
        ("в пятницу 5 декабря", "date"),  # 5 December is a Saturday
        ("после 10 декабря", "date"),  # the 11th, or any day after?
        ("через 2-3 дня", "date"),
        ("до обеда", "time"),  # 09:00 to 13:00: which hour?
        ("в первой половине дня", "time"),
        ("во второй половине дня", "time"),
    ],
)
def test_what_is_read_in_part_is_doubt(read, text, slot):
    assert slot in read(text).doubtful


def test_an_hour_between_both_readings_is_doubt(catalog):
    from aida.catalog.models import Hours
    from aida.nlu.datetime import find_date_time

    long_day = catalog.model_copy(update={"hours": Hours(start=dt.time(8), end=dt.time(22))})
    found = find_date_time("в 9", FRIDAY, long_day)  # 09:00 and 21:00 both bookable
    assert found.time == "09:00" and found.doubtful == ["time"]
    assert find_date_time("в 9 вечера", FRIDAY, long_day).doubtful == []


@pytest.mark.parametrize(
    "text",
    [
        "двадцать втор января",
        "тридцать перв декабря",
        "22 мартобря",
        "сто сорок пятый",
        "мне нужно 3 дня",
    ],
)
def test_unknown_or_broken_words_give_no_value(read, text):
    assert when(read(text)) == (None, None)


def test_a_genitive_number_of_something_else_is_no_day(read):
    assert read("второго этажа").date is None
    assert read("на 2-го этажа").date is None


_DATE_WORDS = [
    "через",
    "назад",
    "0",
    "1",
    "12",
    "31",
    "99999",
    "99999999999",
    "января",
    "февраля",
    "29",
    "30",
    ".",
    "/",
    "-",
    ":",
    "в",
    "к",
    "после",
    "без",
    "четверти",
    "пол",
    "половине",
    "десятого",
    "двадцать",
    "второго",
    "сто",
    "тысяч",
    "дня",
    "вечера",
    "утра",
    "числа",
    "на",
    "-е",
    "го",
    "прошлую",
    "среду",
    "следующей",
    "неделе",
    "праздников",
    "нового",
    "года",
    "сутки",
    "д",
    "мес",
    "лет",
    "полгода",
    "час",
    "24",
    "23:59",
    "2026",
    "9999",
    "выходных",
    "минут",
    "полчаса",
    "пятницу",
    "30,",
    "мартобря",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(_DATE_WORDS), min_size=1, max_size=8),
    st.sampled_from(
        [
            FRIDAY,
            YEAR_END,
            dt.datetime(9998, 12, 30, 12, tzinfo=TZ),
            dt.datetime(1, 1, 2, 12, tzinfo=TZ),
            dt.datetime(2028, 2, 29, 0, 5, tzinfo=TZ),
        ]
    ),
    st.sampled_from([None, "date", "time"]),
)
def test_any_mix_of_date_words_never_raises(catalog, words, now, expect):
    found = extract(" ".join(words), now=now, catalog=catalog, expect=expect)
    assert found.time is None or len(found.time) == 5


def test_a_day_of_the_month_said_with_after_the_holidays_is_the_day_meant():
    import datetime as dt
    from zoneinfo import ZoneInfo

    from aida.catalog import default_catalog
    from aida.nlu import extract

    eve = dt.datetime(2026, 12, 31, 11, 0, tzinfo=ZoneInfo("Europe/Volgograd"))
    found = extract("после праздников, числа 12-го, вечером", now=eve, catalog=default_catalog())
    assert (found.date, found.time) == (dt.date(2027, 1, 12), "18:00")
    assert "date" not in found.doubtful
    alone = extract("после праздников", now=eve, catalog=default_catalog())
    assert alone.date == dt.date(2027, 1, 9) and "date" in alone.doubtful


def test_by_lunch_is_noon_read_back(read):
    found = read("к обеду")  # by lunch: before it, which hour is not said
    assert when(found) == (None, "12:00") and found.doubtful == ["time"]
    assert when(read("в обед")) == (None, "13:00")
