"""The labelled corpus (tests/nlu/corpus.jsonl): per-slot-kind accuracy must stay at target.

A regression anywhere in the understanding shows up here as a failing kind with its misses.
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from aida.catalog import Catalog
from aida.domain import EXTRACT_KEYS
from aida.nlu.evaluate import KINDS, load_corpus, run

CORPUS = Path(__file__).with_name("corpus.jsonl")
TARGET = 0.97
EXACT = {"phone", "email"}
SLOT_KINDS = EXTRACT_KEYS


@pytest.fixture(scope="module")
def report(catalog: Catalog):  # type: ignore[no-untyped-def]
    return run(load_corpus(CORPUS), catalog, ZoneInfo("Europe/Volgograd"))


def test_corpus_is_big_and_covers_every_slot_kind():
    cases = load_corpus(CORPUS)
    assert len(cases) >= 400
    holdout = [c for c in cases if c.split == "holdout"]
    assert len(holdout) >= 0.15 * len(cases)
    for kind in SLOT_KINDS:
        assert sum(kind in c.want for c in cases) >= 20, kind
        assert sum(kind in c.none for c in cases) >= 1, kind


@pytest.mark.parametrize("kind", KINDS)
def test_accuracy_per_slot_kind(report, kind):
    score = report.scores[kind]
    need = 1.0 if kind in EXACT else TARGET
    misses = [m for m in report.misses if m.kind == kind]
    shown = "\n".join(f"  {m.text!r}: want {m.want!r}, got {m.got!r}" for m in misses)
    assert score.accuracy >= need, f"{kind}: {score.right}/{score.total}\n{shown}"
