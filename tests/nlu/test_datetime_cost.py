"""Cost of reading dates (issue 12, item 2): linear in the message and bounded, for the message
shapes that make naive parsers quadratic. The bound is generous (the target is 20 ms of CPU
for 4000 characters) so a loaded machine does not fail it, while a quadratic pass (which
costs seconds at this size) does."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aida.nlu.datetime import find_date_time
from aida.nlu.numbers import find_numbers
from aida.nlu.text import fold
from tests.nlu.conftest import FRIDAY

BOUND_MS = 60.0
SHAPES = [
    "1 ",
    "12 ",
    "12\n",
    "15-12 ",
    "1.1.",
    "1:1 ",
    "１２ ",
    "1 января ",
    "в пятницу ",
    "пятница\n",
    "двадцать второго ",
    "сто двадцать три тысячи ",
    "тридцатилетия ",
    "через 2 недели ",
    "2 дня назад ",
    "не завтра ",
    "в 3 ",
    "с 1 до 2 ",
    "полдесятого ",
    "без четверти пять ",
    "звоните ",
    "пятнецу зафтра ",
]


def _cpu_ms(text: str, catalog) -> float:
    best = float("inf")
    for _ in range(3):  # the best of three: noise only ever adds time
        start = time.process_time()
        find_date_time(text, FRIDAY, catalog)
        find_numbers(text)
        best = min(best, time.process_time() - start)
    return best * 1000


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(SHAPES), min_size=1, max_size=3),
    st.integers(min_value=1000, max_value=4000),
)
def test_any_repeated_shape_costs_linear_time(catalog, units, size):
    unit = "".join(units)
    text = fold((unit * (size // len(unit) + 1))[:size])
    assert _cpu_ms(text, catalog) < BOUND_MS


def test_the_worst_known_shapes_at_full_size(catalog):
    find_date_time("завтро", FRIDAY, catalog)  # the dictionaries are loaded once per process
    for unit in SHAPES:
        text = fold((unit * (4000 // len(unit) + 1))[:4000])
        assert _cpu_ms(text, catalog) < BOUND_MS, unit
