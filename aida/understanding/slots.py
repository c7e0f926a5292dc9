"""The one registry of slots: for each, its step, its names, how it is forgotten, how a
customer names it to change it, and whether a bare yes/no fills it.

Steps, the policy («Хорошо, изменим …»), the model's prompt, validation and the change words
of the offline brain all derive from here, so a new slot is one entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from aida.domain import ConversationState, Step

Forget = Callable[[ConversationState], bool]


def _clear(name: str) -> Forget:
    def forget(conv: ConversationState) -> bool:
        if getattr(conv.slots, name) is None:
            return False
        setattr(conv.slots, name, None)
        return True

    return forget


def _forget_address(conv: ConversationState) -> bool:
    slots = conv.slots
    if slots.address is None:
        return False
    slots.address = slots.coverage = None
    slots.tech_check = slots.no_flat = False
    return True


def _forget_email(conv: ConversationState) -> bool:
    slots = conv.slots
    if slots.email is None and not slots.email_declined:
        return False
    slots.email, slots.email_declined = None, False
    return True


def _forget_router(conv: ConversationState) -> bool:
    if conv.slots.router == "included":
        return False  # a gift of the tariff, nothing to choose
    return _clear("router")(conv)


@dataclass(frozen=True)
class SlotSpec:
    """`label`: the Russian name in a sentence («Хорошо, изменим дату»); `title`: as a
    heading («Дата»); `kind`: "yes_no" when a bare yes/no is its value, "value" when it is
    extracted from words; `change_words`: regular expressions (over lower-case text with ё
    as е) that name it, as in «телефон не тот»; none: it is not changed by name."""

    step: Step
    label: str
    title: str
    kind: Literal["value", "yes_no"] = "value"
    change_words: tuple[str, ...] = ()
    forget: Forget | None = None  # default: the slot is set to None


SLOTS: dict[str, SlotSpec] = {
    "segment": SlotSpec(Step.tariff, "тип подключения", "Для дома или офиса"),
    "tariff": SlotSpec(Step.tariff, "тариф", "Тариф", change_words=(r"тариф",)),
    "router": SlotSpec(Step.extras, "роутер", "Роутер",
                       change_words=(r"роутер", r"маршрутизатор"), forget=_forget_router),
    "cctv_cameras": SlotSpec(Step.extras, "видеонаблюдение", "Видеонаблюдение",
                             change_words=(r"камер", r"видеонаблюд")),
    "static_ip": SlotSpec(Step.extras, "постоянный IP", "Постоянный IP", kind="yes_no",
                          change_words=(r"\bip\b", r"\bайпи\b")),
    "address": SlotSpec(Step.address, "адрес", "Адрес",
                        change_words=(r"адрес(?!\s+(почты|электрон))", r"квартир", r"подъезд",
                                      r"\bдом\b(?!\s+или)"),
                        forget=_forget_address),
    "name": SlotSpec(Step.contacts, "имя", "Имя",
                     change_words=(r"\bимя\b", r"\bимени\b", r"\bзовут\b")),
    "phone": SlotSpec(Step.contacts, "телефон", "Телефон",
                      change_words=(r"телефон", r"\bномер(?!\s+(дома|квартиры|офиса|заявки))")),
    "email": SlotSpec(Step.contacts, "email", "Email",
                      change_words=(r"почт", r"\bemail\b", r"e-mail", r"имейл", r"\bмейл"),
                      forget=_forget_email),
    "date": SlotSpec(Step.schedule, "дату", "Дата",
                     change_words=(r"\bдат[аыу]\b", r"\bдень\b", r"\bчисло\b")),
    "time": SlotSpec(Step.schedule, "время", "Время", change_words=(r"\bвремя\b", r"\bчас\b")),
}

# The slots a customer can name to change them, in the registry's order.
CHANGEABLE: tuple[str, ...] = tuple(name for name, s in SLOTS.items() if s.change_words)


def forget(conv: ConversationState, name: str) -> bool:
    """Clear a slot the customer wants to change; False when there was nothing to clear."""
    spec = SLOTS[name]
    return (spec.forget or _clear(name))(conv)


def slots_of(step: Step) -> tuple[str, ...]:
    return tuple(name for name, s in SLOTS.items() if s.step is step)
