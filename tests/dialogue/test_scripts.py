"""Scripted dialogues through the real engine, and the transition coverage they give."""

from __future__ import annotations

import pytest

from aida.fsm import all_transitions
from tests.dialogue.harness import Dialogue, make_engine
from tests.dialogue.scripts import SCRIPTS as BASE_SCRIPTS
from tests.dialogue.scripts import Script
from tests.dialogue.scripts_understanding import UNDERSTANDING_SCRIPTS

SCRIPTS = [*BASE_SCRIPTS, *UNDERSTANDING_SCRIPTS]


async def play(script: Script) -> Dialogue:
    d = Dialogue(make_engine())
    for n, turn in enumerate(script.turns, 1):
        leads_before = len(d.leads)
        result = await d.say(turn.say)
        where = f"{script.name!r}, turn {n} {turn.say!r} → reply {result.reply!r}"
        assert result.reply.strip(), where
        if turn.step is not None:
            assert d.step is turn.step, where
        if turn.pending is not None:
            assert d.pending == turn.pending, where
        for text in turn.has:
            assert text in result.reply, f"{where}: missing {text!r}"
        for text in turn.lacks:
            assert text not in result.reply, f"{where}: unexpected {text!r}"
        for text in turn.suggests:
            assert text in result.suggestions, f"{where}: no suggestion {text!r} in {result.suggestions}"
        if turn.lead is not None:
            assert (len(d.leads) > leads_before) is turn.lead, where
    return d


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
async def test_script(script: Script) -> None:
    d = await play(script)
    if script.lead:
        assert d.leads, "the script expects a lead"
        lead = d.leads[-1].model_dump(mode="json")
        for key, value in script.lead.items():
            assert lead[key] == value, f"lead[{key!r}] = {lead[key]!r}, expected {value!r}"


async def test_every_transition_is_walked(capsys: pytest.CaptureFixture[str]) -> None:
    walked: dict[str, int] = {t: 0 for t in all_transitions()}
    for script in SCRIPTS:
        for move in (await play(script)).moves:
            walked[move] = walked.get(move, 0) + 1
    report = "\n".join(f"{count:4d}  {t}" for t, count in sorted(walked.items()))
    with capsys.disabled():
        print(f"\nTransitions walked by the scripted dialogues:\n{report}")
    never = [t for t, count in walked.items() if count == 0]
    assert not never, f"transitions never walked: {never}"
    unknown = set(walked) - set(all_transitions())
    assert not unknown, f"moves outside the machine: {unknown}"
