"""A family of patterns joined into one (`any_of`) matches exactly where one of them does, so a
reader that skips the family when the joined pattern finds nothing never misses a value."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aida.nlu import datetime as dates
from aida.nlu.text import any_of

# Words the date and time patterns are made of, and a few others, to build likely messages.
WORDS = ["в", "к", "с", "до", "после", "на", "около", "через", "назад", "без", "пол", "10",
         "3", "15", "2026", "12.", "12", "10:30", "9-00", "утра", "вечера", "дня", "ночи", "час",
         "часа", "обеда", "обед", "утром", "вечером", "завтра", "послезавтра", "сегодня",
         "пятницу", "пт", "следующей", "неделе", "выходные", "декабря", "января", "нового",
         "года", "праздников", "третьего", "двадцать", "числа", "2-3", "полдесятого",
         "четверть", "минут", "суток", "недели", "да", "нет", "квартира", "дом", "-", ",", "."]

# reader → (its family, the family as one pattern)
READERS: dict[Callable[..., object], tuple[list[re.Pattern[str]], re.Pattern[str]]] = {
    dates._times: (dates.TIME_FAMILY, dates._ANY_TIME),
    dates._parts_of_day: (dates.PART_OF_DAY_FAMILY, dates._ANY_PART_OF_DAY),
    dates._dates: (dates.DATE_FAMILY, dates._ANY_DATE),
}


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join))
def test_a_family_matches_where_one_of_its_patterns_does(text: str) -> None:
    for reader, (family, joined) in READERS.items():
        assert bool(joined.search(text)) == any(rx.search(text) for rx in family), reader


@pytest.mark.parametrize("reader", list(READERS), ids=lambda r: r.__name__)
def test_every_pattern_a_reader_scans_is_in_its_family(reader: Callable[..., object]) -> None:
    family, _ = READERS[reader]
    scanned = re.findall(r"_first\((_[A-Z_]+)", inspect.getsource(reader))
    scanned += [name for group in re.findall(r"in \(((?:_[A-Z_]+, )+_[A-Z_]+)\)",
                                              inspect.getsource(reader))
                for name in group.split(", ")]
    missing = [name for name in scanned if getattr(dates, name) not in family]
    assert not missing


def test_names_flags_and_a_closing_comment_survive_the_join() -> None:
    verbose = re.compile(r"(?P<h>\d+) \s* час  # an hour", re.VERBOSE)
    caseless = re.compile(r"(?P<h>утр\w+)", re.IGNORECASE)
    joined = any_of([verbose, caseless])
    assert joined.search("в 10 час") and joined.search("УТРОМ")
    assert not joined.search("вечером")
