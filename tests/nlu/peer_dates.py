"""Peers' Russian date and time test cases that matter when a customer books a visit.

Taken from Duckling's Russian time corpus (facebook/duckling, Duckling/Time/RU/Corpus.hs; its
reference moment is Tuesday 12 February 2013, 04:30) and from dateparser's Russian cases
(scrapinghub/dateparser, tests/test_date_parser.py, test_freshness_date_parser.py,
test_languages.py, test_search.py; here against Friday 27 November 2026, 13:00). Intervals,
seconds, time zones, seasons and years-only are left out: nobody books a technician that way.

Each case is what our conventions make of the phrase (the contract's): the date, the time,
and whether the date must be reported as past. A time alone gives no date; a range gives its
start; a weekday said on that weekday is next week's. `python -m tests.nlu.peer_dates` prints
the score.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Volgograd")
DUCKLING_NOW = dt.datetime(2013, 2, 12, 4, 30, tzinfo=TZ)  # Tuesday
DATEPARSER_NOW = dt.datetime(2026, 11, 27, 13, 0, tzinfo=TZ)  # Friday


class Case(NamedTuple):
    source: str
    text: str
    date: str | None
    time: str | None
    past: bool = False


def _d(
    *rows: tuple[str, str | None, str | None] | tuple[str, str | None, str | None, bool],
) -> list[Case]:
    return [Case("duckling", *row) for row in rows]


def _p(
    *rows: tuple[str, str | None, str | None] | tuple[str, str | None, str | None, bool],
) -> list[Case]:
    return [Case("dateparser", *row) for row in rows]


CASES: list[Case] = [
    *_d(
        ("сегодня", "2013-02-12", None),
        ("вчера", "2013-02-11", None, True),
        ("завтра", "2013-02-13", None),
        ("понедельник", "2013-02-18", None),
        ("понедельник, 18 февраля", "2013-02-18", None),
        ("18 февраля", "2013-02-18", None),
        ("вторник", "2013-02-19", None),
        ("четверг", "2013-02-14", None),
        ("пятница", "2013-02-15", None),
        ("суббота", "2013-02-16", None),
        ("1 марта", "2013-03-01", None),
        ("первое марта", "2013-03-01", None),
        ("1 мар.", "2013-03-01", None),
        ("3 марта 2015", "2015-03-03", None),
        ("3 мар. 2015", "2015-03-03", None),
        ("15 февраля", "2013-02-15", None),
        ("15.2", "2013-02-15", None),
        ("15 Фев", "2013-02-15", None),
        ("8 августа", "2013-08-08", None),
        ("8 Авг", "2013-08-08", None),
        ("14 апреля 2015", "2015-04-14", None),
        ("Среда, 13 февраля", "2013-02-13", None),
        ("Понедельник, 18 фев", "2013-02-18", None),
        ("в прошлый вторник", "2013-02-05", None, True),
        ("следующий вторник", "2013-02-19", None),
        ("в следующий понедельник", "2013-02-18", None),
        ("в 4 утра", None, "04:00"),
        ("в 3", None, "15:00"),
        ("3 часа", None, "15:00"),
        ("в три", None, "15:00"),
        ("3:18 утра", None, "03:18"),
        ("в 3 часа дня", None, "15:00"),
        ("в 15", None, "15:00"),
        ("в 15 часов", None, "15:00"),
        ("15 часов", None, "15:00"),
        ("в 15ч", None, "15:00"),
        ("01.04. в 18 часов", "2013-04-01", "18:00"),
        ("в 17 часов завтра", "2013-02-13", "17:00"),
        ("15:15", None, "15:15"),
        ("8 часов вечера", None, "20:00"),
        ("сегодня в 8 вечера", "2013-02-12", "20:00"),
        ("сегодня в 20:00", "2013-02-12", "20:00"),
        ("в субботу в 9 часов", "2013-02-16", "09:00"),
        ("пятница, 18 июля 2014 7 часов вечера", "2014-07-18", "19:00"),
        ("Пт, 18 июля 2014", "2014-07-18", None),
        ("Пятница, 18.07.14", "2014-07-18", None),
        ("через 7 дней", "2013-02-19", None),
        ("через 1 неделю", "2013-02-19", None),
        ("7 дней назад", "2013-02-05", None, True),
        ("14 дней назад", "2013-01-29", None, True),
        ("две недели назад", "2013-01-29", None, True),
        ("1 неделю назад", "2013-02-05", None, True),
        ("три недели назад", "2013-01-22", None, True),
        ("сегодня вечером", "2013-02-12", "18:00"),
        ("завтра вечером", "2013-02-13", "18:00"),
        ("завтра в обед", "2013-02-13", "13:00"),
        ("вчера вечером", "2013-02-11", "18:00", True),
        ("в эти выходные", "2013-02-16", None),
        ("с 13 по 15 июля", "2013-07-13", None),
        ("13 июля - 15 июля", "2013-07-13", None),
        ("9:30 - 11:00", None, "09:30"),
        ("11:30-13:30", None, "11:30"),
        ("сегодня днем", "2013-02-12", "13:00"),
        ("сегодня в 14 часов", "2013-02-12", "14:00"),
        ("в 2", None, "14:00"),
        ("в 2 часа", None, "14:00"),
        ("завтра в 15 часов", "2013-02-13", "15:00"),
        ("после 14 часов", None, "14:00"),
        ("после 14ч", None, "14:00"),
        ("после 2 часов", None, "14:00"),
        ("в 13:30 дня", None, "13:30"),
        ("13:30", None, "13:30"),
        ("10:30", None, "10:30"),
        ("в следующий понедельник", "2013-02-18", None),
        ("10.12.", "2013-12-10", None),
        ("10.10.2013", "2013-10-10", None),
        ("в 10.10", None, "10:10"),
        ("17ч10", None, "17:10"),
        ("1 отель", None, None),
        ("1 предложение", None, None),
        ("следующие 5", None, None),
    ),
    *_p(
        ("10 мая", "2027-05-10", None),
        ("26 апреля", "2027-04-26", None),
        ("20 ноября 2013", "2013-11-20", None, True),
        ("28 октября 2014 в 07:54", "2014-10-28", "07:54", True),
        ("13 января 2015 г. в 13:34", "2015-01-13", "13:34", True),
        ("09 августа 2012", "2012-08-09", None, True),
        ("13 янв. 2005 19:13", "2005-01-13", "19:13", True),
        ("13 авг. 2005г. 19:13", "2005-08-13", "19:13", True),
        ("13 авг. 2005 г. 19:13", "2005-08-13", "19:13", True),
        ("21 сентября 2021г., вторник", "2021-09-21", None, True),
        ("Пнд, 07 янв. 2019 г. 12:15", "2019-01-07", "12:15", True),
        ("чтв, 1 сентября 2022 г. 09:00", "2022-09-01", "09:00", True),
        ("сбт, 1 окт. 2022 г. 10:22", "2022-10-01", "10:22", True),
        ("5 августа 2014 г. в 12:00", "2014-08-05", "12:00", True),
        ("8 января 2015 г. в 9:10", "2015-01-08", "09:10", True),
        ("позавчера", "2026-11-25", None, True),
        ("вчера", "2026-11-26", None, True),
        ("сегодня", "2026-11-27", None),
        ("завтра", "2026-11-28", None),
        ("послезавтра", "2026-11-29", None),
        ("послепослезавтра", "2026-11-30", None),
        ("во вторник", "2026-12-01", None),
        ("в воскресенье", "2026-11-29", None),
        ("в воскресение", "2026-11-29", None),
        ("в вск", "2026-11-29", None),
        ("спустя 2 дня", "2026-11-29", None),
        ("через полчаса", "2026-11-27", "13:30"),
        ("через четыре часа", "2026-11-27", "17:00"),
        ("двое суток назад", "2026-11-25", None, True),
        ("неделю назад", "2026-11-20", None, True),
        ("две недели назад", "2026-11-13", None, True),
        ("три месяца назад", "2026-08-27", None, True),
        ("2 дня назад", "2026-11-25", None, True),
        ("Два дня назад", "2026-11-25", None, True),
        ("через неделю", "2026-12-04", None),
        ("Двадцатое февраля", "2027-02-20", None),
        ("Двадцать первое февраля", "2027-02-21", None),
        ("Двадцать второе февраля", "2027-02-22", None),
        ("Двадцать третье февраля", "2027-02-23", None),
        ("Двадцать четвёртое февраля", "2027-02-24", None),
        ("Сервис будет недоступен с 12 января по 30 апреля.", "2027-01-12", None),
    ),
]


def now_for(case: Case) -> dt.datetime:
    return DUCKLING_NOW if case.source == "duckling" else DATEPARSER_NOW


def outcome(case: Case) -> tuple[str | None, str | None, bool]:
    """What the offline understanding makes of the case: date, time, reported as past."""
    from aida.catalog import default_catalog
    from aida.nlu import extract

    found = extract(case.text, now=now_for(case), catalog=default_catalog())
    past = any(p.slot == "date" and p.code == "past" for p in found.problems)
    return (found.date.isoformat() if found.date else None), found.time, past


def main() -> None:
    by_source: dict[str, list[bool]] = {}
    for case in CASES:
        got = outcome(case)
        ok = got == (case.date, case.time, case.past)
        by_source.setdefault(case.source, []).append(ok)
        if not ok:
            print(f"  {case.source:10} {case.text!r}: got {got}, want {case[2:]}")
    for source, oks in by_source.items():
        print(f"{source}: {sum(oks)}/{len(oks)} = {sum(oks) / len(oks):.0%}")


if __name__ == "__main__":
    main()
