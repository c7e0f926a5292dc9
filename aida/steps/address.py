"""Step 3 — address: collected, checked against the coverage list.

Outside coverage the customer may give another address or ask for a technical check (the
lead is then marked as such). A street without a house number is kept while the number is
asked; an address understood with doubt is read back before it counts.
"""

from __future__ import annotations

from aida.domain import Address, ConversationState, Step
from aida.steps.base import Ask, Env, Message, Note
from aida.understanding import questions as q

STEP = Step.address

OTHER_ADDRESS = "Другой адрес"
TECH_CHECK = "Оставить заявку на проверку"
VERIFY = {"Да, верно": q.YES, "Нет, другой адрес": q.NO}
PRIVATE_HOUSE = "Частный дом"
NO_NUMBER = "Без номера"


def _same_house(a: Address | None, b: Address | None) -> bool:
    return a is not None and b is not None and (
        a.model_copy(update={"flat": None}) == b.model_copy(update={"flat": None}))


def _set_address(conv: ConversationState, address: Address, env: Env) -> None:
    slots = conv.slots
    same_house = _same_house(address, slots.address)
    slots.address = address
    slots.coverage = "covered" if env.catalog.is_covered(address) else "not_covered"
    if not same_house:  # only the flat added or changed: the technical check still stands
        slots.tech_check = False
    slots.no_flat = False
    conv.partial_street = conv.partial_city = None


def accept(conv: ConversationState, msg: Message, env: Env) -> list[Note]:
    slots, found = conv.slots, msg.u.slots
    notes: list[Note] = []

    if msg.answers("verify_address") and found.address is None:
        if msg.no:
            slots.address = slots.coverage = None
            return [Note("", STEP, Ask("address", "Напишите, пожалуйста, адрес ещё раз: "
                                       "улица, дом и квартира."))]
        if msg.yes and slots.address is not None:
            return [Note(_coverage_ack(conv), STEP)]

    city = next((p.value for p in found.problems if p.code == "city_only"), None)
    if (city and found.address is None and slots.address is not None
            and city != slots.address.city and slots.coverage != "covered"):
        # «волжский» to «по адресу Волгоград, … не подключаем»: the same address, that city
        _set_address(conv, slots.address.model_copy(update={"city": city}), env)
        return [Note(_coverage_ack(conv), STEP)] if slots.coverage == "covered" else []

    if msg.answers("tech_check") and found.address is None:
        # The way named wins over the yes or no around it («другого адреса нет, проверку»).
        choice = msg.u.choice
        if choice == q.OTHER_ADDRESS or (msg.no and choice is None):
            slots.address = slots.coverage = None
            return [Note("", STEP, Ask("address", "Напишите, пожалуйста, другой адрес: "
                                       "улица, дом и квартира (или офис)."))]
        if choice == q.TECH_CHECK or msg.yes:
            slots.tech_check = True
            return [Note("Оформлю заявку на техническую проверку: мастер уточнит, можно ли "
                         "подключить этот адрес.", STEP)]

    if msg.answers("flat_split") and slots.address is not None and found.address is None:
        if msg.yes and (split := _split_house(slots.address.house)):
            house, flat = split
            slots.address = slots.address.model_copy(update={"house": house, "flat": flat})
            _set_address(conv, slots.address, env)
            return [Note(_coverage_ack(conv), STEP)]
        return []  # the house is «7/18» itself: the flat is asked next

    if msg.answers("flat") and found.address is None and slots.address is not None:
        if msg.u.flat:
            flat = msg.u.flat
            slots.address = slots.address.model_copy(update={"flat": flat})
            return [Note(f"Записала: {slots.address.display()}.", STEP)]
        if msg.u.choice == q.NO_FLAT or msg.no:
            slots.no_flat = True
            return []

    address = found.address
    if address is None and msg.answers("house") and conv.partial_street and msg.u.house:
        address = Address(city=conv.partial_city or env.catalog.default_city,
                          street=conv.partial_street, house=msg.u.house, flat=msg.u.flat)

    if address is not None and address == slots.address:
        conv.partial_street = conv.partial_city = None  # the address on record, said again
    if address is not None and address != slots.address:
        # The house already known, written again with its flat, is not read back again.
        flat_added = _same_house(address, slots.address)
        doubtful = "address" in found.doubtful and not flat_added
        _set_address(conv, address, env)
        if doubtful:
            notes.append(Note("", STEP, Ask(
                "verify_address", f"Правильно понимаю, адрес: {address.display()}?",
                list(VERIFY), VERIFY)))
        elif slots.coverage == "covered" or flat_added:
            notes.append(Note(_coverage_ack(conv), STEP))
        return notes

    for problem in found.problems:
        if problem.slot == "address" and problem.code == "city_only" and not conv.partial_street:
            conv.partial_city = problem.value  # «в Волжском»: the address later is there
        if problem.slot == "address" and problem.code == "no_house" and problem.value:
            conv.partial_street = problem.value
            conv.partial_city = problem.options[0] if problem.options else None
            notes.append(Note("", STEP, Ask(
                "house", f"Уточните, пожалуйста, номер дома ({problem.value}).")))
    return notes


def _coverage_ack(conv: ConversationState) -> str:
    address = conv.slots.address
    assert address is not None
    if conv.slots.coverage == "covered":
        return f"Проверила: по адресу {address.display()} подключение возможно."
    return f"Записала адрес: {address.display()}."


def _split_house(house: str) -> tuple[str, str] | None:
    """«7/18» → ("7", "18"): the corner house 7/18, or house 7 and flat 18."""
    left, _, right = house.partition("/")
    return (left.strip(), right.strip()) if left.strip() and right.strip() else None


def _flat_unknown(conv: ConversationState) -> bool:
    """The installer needs the flat (or office): asked unless given or said to be none."""
    address = conv.slots.address
    return address is not None and not address.flat and not conv.slots.no_flat


def complete(conv: ConversationState, env: Env) -> bool:
    slots = conv.slots
    return (slots.address is not None and (slots.coverage == "covered" or slots.tech_check)
            and not _flat_unknown(conv))


def ask(conv: ConversationState, env: Env) -> Ask:
    slots = conv.slots
    if slots.address is not None and slots.coverage == "not_covered" and not slots.tech_check:
        return Ask(
            "tech_check",
            f"К сожалению, по адресу {slots.address.display()} мы пока не подключаем. "
            "Можно указать другой адрес или оставить заявку на техническую проверку — мастер "
            "уточнит, можно ли провести линию.",
            [OTHER_ADDRESS, TECH_CHECK],
            {OTHER_ADDRESS: q.OTHER_ADDRESS, TECH_CHECK: q.TECH_CHECK},
            again="Напишите другой адрес или нажмите «Оставить заявку на проверку» — мастер "
                  "проверит, можно ли подключить этот.",
        )
    if slots.address is not None and _flat_unknown(conv):
        split = _split_house(slots.address.house)
        if split and conv.pending != "flat_split":
            house, flat = split
            return Ask("flat_split", f"Уточните, пожалуйста: {slots.address.house} — это дом "
                       f"{house}, квартира {flat}?", ["Да", "Нет, это номер дома"],
                       {"Да": q.YES, "Нет, это номер дома": q.NO})
        if slots.segment == "office":
            return Ask("flat", "Уточните, пожалуйста, номер офиса или помещения, если он есть.",
                       [NO_NUMBER], {NO_NUMBER: q.NO_FLAT},
                       again="Какой номер офиса? Если номера нет, нажмите «Без номера».")
        return Ask("flat", "Уточните, пожалуйста, номер квартиры. Если дом частный, нажмите "
                           "«Частный дом».", [PRIVATE_HOUSE], {PRIVATE_HOUSE: q.NO_FLAT},
                   again="Какой номер квартиры? Если квартиры нет, нажмите «Частный дом».")
    if conv.partial_street:
        return Ask("house", f"Уточните, пожалуйста, номер дома ({conv.partial_street}).",
                   again="Какой номер дома? Можно сразу с квартирой, например: «5, кв. 12».")
    return Ask("address", "Напишите, пожалуйста, адрес подключения: улица, дом и квартира "
                          "(или офис).",
               again="По какому адресу подключаем? Например: «ул. Мира, 5, кв. 12».")
