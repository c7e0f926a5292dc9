"""What a sales consultant says when asked for advice, from the catalog's data only: the
cheapest and the fastest tariff, a tariff for a need («что взять для игр»), two tariffs
compared, what a visit costs and how soon it can be, and why a phone is needed.

Each answer is one short paragraph; `advice()` returns them for the topics it knows (the
brain names topics: `cheapest`, `fastest`, `need:<topic>`, `compare` with two `tariff:<name>`
topics, `connection_fee`, `visit_soon`, `phone_required`).
"""

from __future__ import annotations

import datetime as dt

from aida.catalog import Catalog, Tariff
from aida.domain import ConversationState, Segment
from aida.replies.format import date_label, per_month
from aida.steps import Env


def _segment(conv: ConversationState) -> Segment | None:
    return conv.slots.segment


def _offer(t: Tariff) -> str:
    return f"«{t.name}»: {t.speed_mbps} Мбит/с за {per_month(t.price)}"


def _router_note(t: Tariff, catalog: Catalog) -> str:
    if t.router_included:
        return "роутер в подарок"
    return f"роутер в аренду за {per_month(catalog.router.rent_price)}, можно купить или взять свой"


def cheapest(conv: ConversationState, env: Env) -> str:
    t = env.catalog.cheapest(_segment(conv))
    return f"Самый недорогой — {_offer(t)}, {_router_note(t, env.catalog)}."


def fastest(conv: ConversationState, env: Env) -> str:
    t = env.catalog.fastest(_segment(conv))
    return f"Самый быстрый — {_offer(t)}, {_router_note(t, env.catalog)}."


def for_need(topic: str, conv: ConversationState, env: Env) -> str | None:
    need = next((n for n in env.catalog.needs if n.topic == topic), None)
    if need is None:
        return None
    t = env.catalog.advised(need, _segment(conv))
    return f"{need.label.capitalize()} советую {_offer(t)} — {need.why}"


def compare(named: list[Tariff], env: Env) -> str | None:
    if len(named) < 2:
        return None
    a, b = sorted(named[:2], key=lambda t: t.speed_mbps, reverse=True)
    if a.speed_mbps == b.speed_mbps and a.price == b.price:
        return None
    ratio = a.speed_mbps / b.speed_mbps
    times = f"{ratio:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    speed = (f"в {times} раза быстрее" if ratio >= 1.5
             else f"быстрее на {a.speed_mbps - b.speed_mbps} Мбит/с")
    diff = a.price - b.price
    money = (f"и дороже на {per_month(diff)}" if diff > 0
             else "и при этом не дороже" if diff == 0 else f"и дешевле на {per_month(-diff)}")
    text = (f"«{a.name}» — {a.speed_mbps} Мбит/с, «{b.name}» — {b.speed_mbps} Мбит/с: "
            f"«{a.name}» {speed} {money}.")
    if a.router_included != b.router_included:
        gift = a if a.router_included else b
        text += f" Роутер в подарок только в тарифе «{gift.name}»."
    return text


def connection_fee(env: Env) -> str:
    fee = env.catalog.installation.fee
    if fee == 0:
        return "Подключение бесплатное: платите только абонентскую плату по тарифу."
    if fee:
        return f"Подключение стоит {fee:,} ₽ разово.".replace(",", " ")
    return ("Стоимость работ мастера зависит от дома, её назовёт менеджер, когда позвонит "
            "подтвердить визит. Ежемесячно — только плата по тарифу.")


def earliest_visit(env: Env) -> dt.datetime:
    """The first bookable moment: the notice period from now, moved into working hours."""
    hours = env.catalog.hours
    start = env.now + dt.timedelta(minutes=hours.min_notice_minutes)
    if start.minute or start.second or start.microsecond:  # the next whole hour
        start = start.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    if start.time() < hours.start:
        start = start.replace(hour=hours.start.hour, minute=hours.start.minute)
    elif not hours.contains(start.time()):
        start = (start + dt.timedelta(days=1)).replace(hour=hours.start.hour,
                                                       minute=hours.start.minute)
    return start


def visit_soon(env: Env) -> str:
    first = earliest_visit(env)
    when = date_label(first.date(), env.today)
    return (f"Мастер может приехать уже {when}, с {first:%H:%M}; работаем ежедневно "
            f"{env.catalog.hours.label()}. Удобное время выберем в заявке.")


PHONE_REQUIRED = ("Телефон нужен: по нему мастер согласует визит. Почту указывать не "
                  "обязательно.")


def advised_tariff(topics: list[str], conv: ConversationState, env: Env) -> str | None:
    """The one tariff an answer to `topics` recommends, so «давайте его» can take it."""
    picks: list[Tariff] = []
    for topic in topics:
        if topic == "cheapest":
            picks.append(env.catalog.cheapest(_segment(conv)))
        elif topic == "fastest":
            picks.append(env.catalog.fastest(_segment(conv)))
        elif topic.startswith("need:"):
            need = next((n for n in env.catalog.needs if n.topic == topic[5:]), None)
            if need is not None:
                picks.append(env.catalog.advised(need, _segment(conv)))
    names = {t.name for t in picks}
    return names.pop() if len(names) == 1 else None


def advice(topics: list[str], named: list[Tariff], conv: ConversationState,
           env: Env) -> list[str]:
    out: list[str] = []
    for topic in topics:
        text: str | None = None
        if topic == "cheapest":
            text = cheapest(conv, env)
        elif topic == "fastest":
            text = fastest(conv, env)
        elif topic.startswith("need:"):
            text = for_need(topic.removeprefix("need:"), conv, env)
        elif topic == "compare":
            text = compare(named, env)
        elif topic == "connection_fee":
            text = connection_fee(env)
        elif topic == "visit_soon":
            text = visit_soon(env)
        elif topic == "phone_required":
            text = PHONE_REQUIRED
        if text:
            out.append(text)
    return out
