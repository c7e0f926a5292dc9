"""A reader skips a message when its family of patterns says none can match (`Family`); that
must be exactly when none of them matches, so no value is ever missed for the speed."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from re import _constants as sre  # the parse tree of a pattern: which ones need a digit
from re import _parser as sre_parse
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aida.nlu import datetime as dates
from aida.nlu.text import Family, any_of

# Words the date and time patterns are made of, and a few others, to build likely messages.
WORDS = ["в", "к", "с", "до", "после", "на", "около", "через", "назад", "без", "пол", "10",
         "3", "15", "2026", "12.", "12", "10:30", "9-00", "утра", "вечера", "дня", "ночи", "час",
         "часа", "обеда", "обед", "утром", "вечером", "завтра", "послезавтра", "сегодня",
         "пятницу", "пт", "следующей", "неделе", "выходные", "декабря", "января", "нового",
         "года", "праздников", "третьего", "двадцать", "числа", "2-3", "полдесятого",
         "четверть", "минут", "суток", "недели", "да", "нет", "квартира", "дом", "-", ",", "."]

READERS: dict[Callable[..., object], Family] = {
    dates._times: dates.TIME_FAMILY,
    dates._parts_of_day: dates.PART_OF_DAY_FAMILY,
    dates._dates: dates.DATE_FAMILY,
}


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join))
def test_a_family_may_match_exactly_where_one_of_its_patterns_does(text: str) -> None:
    for reader, family in READERS.items():
        assert family.may_match(text) == any(rx.search(text) for rx in family.patterns), reader


@pytest.mark.parametrize("reader", list(READERS), ids=lambda r: r.__name__)
def test_every_pattern_a_reader_scans_is_in_its_family(reader: Callable[..., object]) -> None:
    source = inspect.getsource(reader)
    scanned = re.findall(r"_first\((_[A-Z_]+)", source)
    scanned += [name for group in re.findall(r"in \(((?:_[A-Z_]+, )+_[A-Z_]+)\)", source)
                for name in group.split(", ")]
    assert [name for name in scanned if getattr(dates, name) not in READERS[reader].patterns] == []


def _needs_digit(items: Any) -> bool:
    """Whether every match of a parsed pattern consumes a digit (a sound, partial check)."""
    for op, av in items:
        if op is sre.LITERAL and chr(av).isdigit():
            return True
        if op is sre.IN and all(
            (o is sre.LITERAL and chr(a).isdigit())
            or (o is sre.RANGE and chr(a[0]).isdigit() and chr(a[1]).isdigit())
            or (o is sre.CATEGORY and a is sre.CATEGORY_DIGIT) for o, a in av):
            return True
        if op is sre.SUBPATTERN and _needs_digit(av[3]):
            return True
        if op is sre.BRANCH and all(_needs_digit(branch) for branch in av[1]):
            return True
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] >= 1 and _needs_digit(av[2]):
            return True
    return False


@pytest.mark.parametrize("family", list(READERS.values()), ids=lambda f: str(len(f.patterns)))
def test_a_pattern_filed_as_needing_a_digit_cannot_match_without_one(family: Family) -> None:
    assert [rx.pattern for rx in family.digits
            if not _needs_digit(sre_parse.parse(rx.pattern, rx.flags))] == []


def test_the_digit_check_tells_patterns_apart() -> None:
    assert _needs_digit(sre_parse.parse(r"(?:в\s+)?(?P<h>\d{1,2}):(?P<m>[0-5]\d)"))
    assert not _needs_digit(sre_parse.parse(r"(?:в|к)\s+(?:\d+|час)"))


def test_names_flags_and_a_closing_comment_survive_the_join() -> None:
    verbose = re.compile(r"(?P<h>\d+) \s* час  # an hour", re.VERBOSE)
    caseless = re.compile(r"(?P<h>утр\w+)", re.IGNORECASE)
    joined = any_of([verbose, caseless])
    assert joined.search("в 10 час") and joined.search("УТРОМ")
    assert not joined.search("вечером")
    assert Family(digits=[verbose], words=[caseless]).may_match("в 10 час")
    assert not Family(digits=[verbose]).may_match("в десять час")
