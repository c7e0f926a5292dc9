"""The conversation machine: the onboarding steps and every allowed move between them.

Guards decide every move, and `auto_transitions=False` leaves no way to jump to a state
directly:

- `advance` — to the next step, only when the current step's slots are complete;
- `rewind`  — back to the earliest step a change made incomplete (a new tariff without a
  router, an address outside coverage, a date that has passed), never anywhere else;
- `confirm` — from `confirm` to `done`, only with every slot complete *and* a yes given to
  the summary in this very turn; this is the only way a connection lead comes to exist;
- `restart` — from anywhere back to the start, with the slots cleared.

One machine is built at import and shared. Its models are `Flow`s kept attached (attaching
costs more than the rest of a turn's machine work); each turn binds an idle one to its
conversation (plain data), fires triggers and hands it back, with no `await` in between, so
concurrent turns never share a model. Machine objects are never stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import pairwise
from typing import Any

from transitions import EventData, Machine

from aida.domain import STEP_ORDER, ConversationState, Slots, Step
from aida.steps import FLOW_STEPS, SLOT_STEPS, STEPS, Env, first_open

STATES: list[str] = [s.value for s in STEP_ORDER]
FIRST: Step = FLOW_STEPS[0]


def _first_open_is(step: Step) -> Callable[[EventData], bool]:
    def guard(event: EventData) -> bool:
        flow = event.model
        assert isinstance(flow, Flow)
        return flow.first_open() is step

    guard.__name__ = f"first_open_is_{step.value}"
    return guard


def _transitions() -> list[dict[str, Any]]:
    moves: list[dict[str, Any]] = []
    # advance: one step forward, guarded by the current step's completeness
    for here, there in pairwise(FLOW_STEPS):
        moves.append({"trigger": "advance", "source": here.value, "dest": there.value,
                      "conditions": ["current_step_complete"]})
    # rewind: from a later step straight to the earliest incomplete one
    for i, here in enumerate(FLOW_STEPS[1:], start=1):
        for there in FLOW_STEPS[:i]:
            moves.append({"trigger": "rewind", "source": here.value, "dest": there.value,
                          "conditions": [_first_open_is(there)]})
    moves.append({"trigger": "confirm", "source": Step.confirm.value, "dest": Step.done.value,
                  "conditions": ["all_slots_complete", "yes_to_summary"]})
    moves.append({"trigger": "restart", "source": "*", "dest": FIRST.value,
                  "after": "clear_slots"})
    return moves


TRANSITIONS = _transitions()


class Flow:
    """The machine's model: bound for one turn to a conversation's data and this turn's facts."""

    def __init__(self) -> None:
        self.conv = ConversationState()
        self.env: Env | None = None
        self.yes_to_summary_given = False
        self.moves: list[str] = []  # "trigger:source->dest", for logs, metrics and tests

    def bind(self, conv: ConversationState, env: Env, yes_to_summary: bool) -> None:
        self.conv, self.env, self.yes_to_summary_given = conv, env, yes_to_summary
        self.moves = []

    # transitions reads and writes the state through `model_attribute="step"`
    @property
    def step(self) -> str:
        return self.conv.step.value

    @step.setter
    def step(self, value: str) -> None:
        self.conv.step = Step(value)

    @property
    def world(self) -> Env:
        assert self.env is not None, "a Flow is used only while bound to a turn"
        return self.env

    def first_open(self) -> Step:
        return first_open(self.conv, self.world)

    # -- guards --------------------------------------------------------------------------
    def current_step_complete(self, event: EventData | None = None) -> bool:
        step = self.conv.step
        return step in SLOT_STEPS and STEPS[step].complete(self.conv, self.world)

    def all_slots_complete(self, event: EventData) -> bool:
        return self.first_open() is Step.confirm

    def yes_to_summary(self, event: EventData) -> bool:
        return self.yes_to_summary_given

    # -- callbacks -----------------------------------------------------------------------
    def clear_slots(self, event: EventData) -> None:
        self.conv.slots = Slots()
        self.conv.pending = self.conv.offer = None
        self.conv.choices = []
        self.conv.partial_street = self.conv.partial_city = None
        self.conv.lead_id = None
        self.conv.referrer_asked = False

    def record_move(self, event: EventData) -> None:
        t = event.transition
        assert t is not None  # set for every fired transition
        self.moves.append(f"{event.event.name}:{t.source}->{t.dest}")

    # -- what the policy calls -----------------------------------------------------------
    def settle(self) -> None:
        """Go back to an incomplete earlier step, else forward while steps are complete."""
        order = STEP_ORDER.index
        if self.conv.step is not Step.done and order(self.first_open()) < order(self.conv.step):
            self.trigger("rewind")
        # `trigger` evaluates the guard and says whether the move happened; the guard is
        # asked first as well, since a refused trigger costs the machine more than the guard.
        while (self.conv.step not in (Step.confirm, Step.done) and self.current_step_complete()
               and self.trigger("advance")):
            pass

    # Provided by the machine when the model is attached.
    trigger: Callable[..., bool]


def _machine_kwargs() -> dict[str, Any]:
    return {
        "states": STATES,
        "transitions": TRANSITIONS,
        "initial": FIRST.value,
        "auto_transitions": False,
        "send_event": True,
        "model_attribute": "step",
        "after_state_change": "record_move",
    }


MACHINE = Machine(model=None, **_machine_kwargs())
_IDLE: list[Flow] = []  # attached to MACHINE, waiting for a turn
_NOBODY = ConversationState()  # what an idle Flow holds: no customer's data (never changed)


@contextmanager
def flow_for(conv: ConversationState, env: Env, *,
             yes_to_summary: bool = False) -> Iterator[Flow]:
    """The machine's model bound to `conv` for one synchronous turn (no `await` inside)."""
    if _IDLE:
        flow = _IDLE.pop()
    else:
        flow = Flow()
        MACHINE.add_model(flow, initial=FIRST.value)
    flow.bind(conv, env, yes_to_summary)
    try:
        yield flow
    finally:
        flow.bind(_NOBODY, env, False)  # hold no customer data while idle
        flow.env = None
        _IDLE.append(flow)


def all_transitions() -> list[str]:
    """Every transition as "trigger:source->dest" (the test suite must walk each one)."""
    out: list[str] = []
    for t in TRANSITIONS:
        sources = STATES if t["source"] == "*" else [t["source"]]
        out.extend(f"{t['trigger']}:{s}->{t['dest']}" for s in sources)
    return out


def mermaid() -> str:
    """The machine as a Mermaid state diagram (no Graphviz needed)."""
    from transitions.extensions import GraphMachine  # only `aida graph` needs diagrams

    class _Diagram:
        step = FIRST.value

    graph = GraphMachine(model=_Diagram(), graph_engine="mermaid", show_conditions=True,
                         title="AIDA onboarding", **_machine_kwargs())
    text = str(graph.get_graph().draw(None))
    # Drop the styling that marks a "current" state: the diagram is of the policy, not a model.
    lines = [ln for ln in text.splitlines()
             if ln.strip() and not ln.lstrip().startswith(("classDef ", "Class "))]
    return "\n".join(lines)
