"""The registries the understanding layer derives from: slots, questions, repairs."""

from __future__ import annotations

import re
from pathlib import Path

import aida
from aida.dialogue.repairs import REPAIRS
from aida.domain import ConversationState, Slots
from aida.nlu.intents import CHANGE_FIELDS
from aida.steps import STEPS
from aida.understanding.questions import QUESTIONS, answer_space
from aida.understanding.slots import CHANGEABLE, SLOTS
from aida.understanding.types import TurnContext
from tests.dialogue.harness import NOW, make_engine


def test_every_slot_of_the_registry_is_a_slot_and_every_question_asks_a_known_one() -> None:
    assert set(SLOTS) <= set(Slots.model_fields)
    assert all(q.slot is None or q.slot in SLOTS for q in QUESTIONS.values())
    assert set(CHANGE_FIELDS) == set(CHANGEABLE)


def test_every_question_a_step_asks_has_an_answer_space() -> None:
    source = "\n".join(p.read_text(encoding="utf-8")
                       for p in (Path(aida.__file__).parent / "steps").glob("*.py"))
    asked = set(re.findall(r'Ask\(\s*"(\w+)"', source))
    assert asked and asked <= set(QUESTIONS)
    assert set(STEPS)  # every step has its module (checked at import too)


def test_the_machine_has_no_step_count_written_in_it() -> None:
    source = (Path(aida.__file__).parent / "fsm.py").read_text(encoding="utf-8")
    assert not re.search(r"STEP_ORDER\[[^\]]*\d", source)


def test_repairs_are_named_once() -> None:
    names = [r.name for r in REPAIRS]
    assert len(names) == len(set(names))
    assert {"restart", "operator", "cancel", "change", "question", "greeting"} <= set(names)


def test_a_state_stored_before_answer_spaces_loads_and_its_question_is_read() -> None:
    stored = ('{"step": "extras", "slots": {"segment": "home", "tariff": "Пакет Премиум", '
              '"router": "included"}, "pending": "cctv", "history": []}')
    state = ConversationState.model_validate_json(stored)
    assert state.choices == []
    ctx = make_engine().context(state, NOW)
    assert ctx.expect == answer_space("cctv")
    assert ctx.expect is not None and ctx.expect.slot == "cctv_cameras"


def test_a_question_key_alone_makes_a_context() -> None:
    ctx = TurnContext(step=ConversationState().step, expect="verify_date",  # type: ignore[arg-type]
                      slots=Slots(), now=NOW, catalog=make_engine().catalog)
    assert ctx.expect is not None and ctx.expect.yes_no and ctx.asked == "verify_date"
