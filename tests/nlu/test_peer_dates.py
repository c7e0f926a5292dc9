"""The peers' Russian date and time cases that matter for booking a visit (see peer_dates)."""

from __future__ import annotations

import pytest

from tests.nlu.peer_dates import CASES, Case, outcome


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.source}:{c.text}")
def test_peer_case(case: Case) -> None:
    assert outcome(case) == (case.date, case.time, case.past)
