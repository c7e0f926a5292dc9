"""Step 1 — tariff: home or office, then one of that segment's tariffs."""

from __future__ import annotations

from aida.domain import ConversationState, Step
from aida.replies.format import bullets, per_month, tariff_line
from aida.steps.base import Ask, Env, Message, Note

STEP = Step.tariff

SEGMENT_CHOICES: dict[str, str | int | bool] = {"Тарифы для дома": "home",
                                                 "Тарифы для офиса": "office"}
SEGMENT_SUGGESTIONS = list(SEGMENT_CHOICES)
_SEGMENT_NAMES = {"home": "для дома", "office": "для офиса"}


def accept(conv: ConversationState, msg: Message, env: Env) -> list[Note]:
    slots, notes = conv.slots, []
    found = msg.u.slots
    tariff = env.catalog.tariff(found.tariff)
    segment = tariff.segment if tariff else found.segment

    if segment and segment != slots.segment:
        old = env.catalog.tariff(slots.tariff)
        slots.segment = segment
        # A tariff of the other segment no longer fits: it is chosen again (the router
        # rule follows in the extras step).
        if old and old.segment != segment and tariff is None:
            slots.tariff = None
            notes.append(Note(f"Хорошо, подберём тариф {_SEGMENT_NAMES[segment]}.", STEP))

    if tariff and tariff.name != slots.tariff:
        changed = slots.tariff is not None
        slots.tariff = tariff.name
        lead = "Меняю тариф на" if changed else "Отличный выбор:"
        notes.append(Note(f"{lead} «{tariff.name}» — {tariff.speed_mbps} Мбит/с, "
                          f"{per_month(tariff.price)}.", STEP))

    for problem in found.problems:
        if problem.slot == "tariff" and problem.code == "ambiguous" and problem.options:
            options = [o for o in problem.options if env.catalog.tariff(o)]
            if options:
                notes.append(Note("", STEP, Ask(
                    "tariff",
                    "Уточните, пожалуйста, какой тариф вы имеете в виду: "
                    + " или ".join(f"«{o}»" for o in options) + "?",
                    options,
                )))
    return notes


def complete(conv: ConversationState, env: Env) -> bool:
    return env.catalog.tariff(conv.slots.tariff) is not None


def tariff_list(env: Env, segment: str | None) -> str:
    """The segment's tariffs with speed and price, and what the router costs with them."""
    catalog = env.catalog
    lines = [tariff_line(t) for t in catalog.tariffs_for(segment)]  # type: ignore[arg-type]
    title = f"Тарифы {_SEGMENT_NAMES[segment]}:" if segment else "Наши тарифы:"
    text = f"{title}\n{bullets(lines)}"
    included = {t.router_included for t in catalog.tariffs_for(segment)}  # type: ignore[arg-type]
    if included == {True}:
        text += "\nРоутер входит в тариф в подарок."
    elif included == {False}:
        text += (f"\nРоутер в эти тарифы не входит: его можно взять в аренду за "
                 f"{per_month(catalog.router.rent_price)}, купить или подключить свой.")
    return text


def ask(conv: ConversationState, env: Env) -> Ask:
    segment = conv.slots.segment
    segments = env.catalog.segments()
    if segment is None and len(segments) > 1:
        return Ask("segment", "Подскажите, интернет нужен для дома или для офиса?",
                   SEGMENT_SUGGESTIONS, SEGMENT_CHOICES,
                   again="Куда подключаем интернет: домой (в квартиру или частный дом) или "
                         "в офис?")
    names = [t.name for t in env.catalog.tariffs_for(segment)]
    advised = (conv.offer or "").removeprefix("tariff:")
    if advised in names and conv.pending == "tariff":
        # just advised, the list shown before it: the advice is the question
        return Ask("tariff", f"Оформим «{advised}»? Или выберите другой тариф.",
                   [advised, *(n for n in names if n != advised)], {n: n for n in names},
                   again="Выберите, пожалуйста, тариф кнопкой ниже или напишите его название.")
    return Ask("tariff", f"{tariff_list(env, segment)}\n\nКакой тариф вам подходит?", names,
               {n: n for n in names},
               again="Выберите, пожалуйста, тариф кнопкой ниже или напишите его название. "
                     "Могу подсказать, чем они отличаются.")
