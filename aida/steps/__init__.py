"""The six onboarding steps, one module each, in the policy's order."""

from __future__ import annotations

from types import ModuleType

from aida.domain import ConversationState, Step
from aida.steps import address, confirm, contacts, extras, schedule, tariff
from aida.steps.base import Ask, Env, Message, Note

STEPS: dict[Step, ModuleType] = {
    Step.tariff: tariff,
    Step.extras: extras,
    Step.address: address,
    Step.contacts: contacts,
    Step.schedule: schedule,
    Step.confirm: confirm,
}

# The steps whose slots can be complete; `confirm` needs the customer's yes instead.
SLOT_STEPS: tuple[Step, ...] = (
    Step.tariff, Step.extras, Step.address, Step.contacts, Step.schedule
)


def first_open(conv: ConversationState, env: Env) -> Step:
    """The earliest step whose slots are not complete; `confirm` when all are."""
    for step in SLOT_STEPS:
        if not STEPS[step].complete(conv, env):
            return step
    return Step.confirm


__all__ = ["SLOT_STEPS", "STEPS", "Ask", "Env", "Message", "Note", "first_open"]
