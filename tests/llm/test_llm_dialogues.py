"""The LLM brain on the customer dialogues (tests/conversations/), against a stand-in model
that adds nothing: it costs at most one call a message, a short answer in the question's own
answer space costs none, and no dialogue ends worse than with the offline brain."""

from __future__ import annotations

import asyncio

import pytest

from aida.catalog import default_catalog
from aida.dialogue.engine import Engine
from aida.nlu.brain import OfflineBrain
from bench.llm_dialogues import Measured, measure
from tests.conversations.customer import TZ, Summary, converse_all, corpus_files, load

# Longer yes/no messages go to the model on purpose (confidence.py): a bare «да» read in
# seven words may be a misreading.
SHORT = 6


@pytest.fixture(scope="module")
def runs() -> tuple[Summary, Measured]:
    catalog = default_catalog()
    scripts = load(corpus_files())
    offline = asyncio.run(converse_all(Engine(catalog, OfflineBrain(catalog), TZ), scripts))
    return offline, asyncio.run(measure(catalog, scripts, "off"))


def test_at_most_one_call_per_message(runs: tuple[Summary, Measured]) -> None:
    _, llm = runs
    assert all(c.spent.calls <= 1 for c in llm.costs)
    assert any(c.spent.reads for c in llm.costs), "the model is asked about some messages"


def test_short_answers_in_the_answer_space_cost_no_call(runs: tuple[Summary, Measured]) -> None:
    _, llm = runs
    needless = [
        (c.dialogue, c.asked, c.text)
        for c in llm.costs
        if c.needless and len(c.text.split()) <= SHORT
    ]
    assert not needless
    # The corpus does reach the questions issue 11 names: the date read-back, the referrer.
    free = {c.asked for c in llm.costs if not c.spent.reads}
    assert {"verify_date", "referrer"} <= free


def test_never_worse_than_offline(runs: tuple[Summary, Measured]) -> None:
    offline, llm = runs
    was = {r.script.id: r.right for r in offline.runs}
    worse = [r.script.id for r in llm.summary.runs if was[r.script.id] and not r.right]
    assert not worse
    assert llm.summary.silent_wrong <= offline.silent_wrong
    assert llm.summary.stuck <= offline.stuck
