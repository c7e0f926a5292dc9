"""The onboarding steps, one module each, in the policy's order (`Step`'s order)."""

from __future__ import annotations

from aida.domain import ConversationState, Step
from aida.steps import address, confirm, consent, contacts, extras, schedule, tariff
from aida.steps.base import Ask, Env, Message, Note, StepModule

STEPS: dict[Step, StepModule] = {
    Step.tariff: tariff,
    Step.extras: extras,
    Step.address: address,
    Step.contacts: contacts,
    Step.schedule: schedule,
    Step.confirm: confirm,
}

# The steps a conversation walks, in order: every step but `done`, which is where it ends.
FLOW_STEPS: tuple[Step, ...] = tuple(s for s in Step if s is not Step.done)
assert set(STEPS) == set(FLOW_STEPS), "every step of the flow has its module"
# The steps whose slots can be complete; the last one (`confirm`) needs the customer's yes.
SLOT_STEPS: tuple[Step, ...] = FLOW_STEPS[:-1]


def first_open(conv: ConversationState, env: Env) -> Step:
    """The earliest step whose slots are not complete; `confirm` when all are."""
    for step in SLOT_STEPS:
        if not STEPS[step].complete(conv, env):
            return step
    return Step.confirm


__all__ = ["FLOW_STEPS", "SLOT_STEPS", "STEPS", "Ask", "Env", "Message", "Note", "StepModule",
           "consent", "first_open"]
