"""Customers who type the way people type, scripted by writers who never saw the rules: every
dialogue in tests/conversations/*.toml must end with what the customer meant.

The targets are the product's (issue 11): at least 95% of the dialogues finished with every
slot right, no silent wrong value in any request, no dialogue stuck on one question.
"""

from __future__ import annotations

import asyncio

import pytest

from aida.catalog import default_catalog
from aida.dialogue.engine import Engine
from aida.nlu.brain import OfflineBrain
from tests.conversations.customer import TZ, Summary, converse_all, corpus_files, load

TARGET_RIGHT = 0.95


@pytest.fixture(scope="module")
def summary() -> Summary:
    catalog = default_catalog()
    scripts = load(corpus_files())
    assert len(scripts) >= 200, "the corpus holds at least 200 dialogues"
    return asyncio.run(converse_all(Engine(catalog, OfflineBrain(catalog), TZ), scripts))


def _worst(summary: Summary) -> str:
    return "\n\n".join(r.show() for r in summary.worst(3))


def test_no_silent_wrong_value(summary: Summary) -> None:
    assert summary.silent_wrong == 0, summary.figures() + "\n" + _worst(summary)


def test_never_stuck(summary: Summary) -> None:
    assert summary.stuck == 0, summary.figures() + "\n" + _worst(summary)


def test_finished_right(summary: Summary) -> None:
    share = summary.right / len(summary.runs)
    assert share >= TARGET_RIGHT, summary.figures() + "\n" + _worst(summary)
