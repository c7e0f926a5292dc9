"""Answers to the customer's questions, from the catalog's data only (nothing invented)."""

from __future__ import annotations

from aida.dialogue.advice import advice
from aida.domain import ConversationState
from aida.replies.format import cameras, per_month, rub, tariff_line
from aida.steps import Env
from aida.steps.confirm import totals_text
from aida.steps.tariff import tariff_list


def support_text(env: Env) -> str:
    s = env.catalog.support
    ways = []
    if s.phone:
        ways.append(f"по телефону {s.phone}")
    if s.email:
        ways.append(f"по почте {s.email}")
    if s.telegram:
        ways.append(f"в Telegram {s.telegram}")
    return ("Связаться с поддержкой можно " + ", ".join(ways) + ".") if ways else ""


def _router(conv: ConversationState, env: Env) -> str:
    c = env.catalog
    chosen = c.tariff(conv.slots.tariff)
    if chosen is not None and chosen.router_included:
        return f"В тариф «{chosen.name}» роутер входит в подарок — платить за него не нужно."
    brands = ", ".join(c.router.buy_brands)
    buy = f"купить ({brands} — цену подскажет менеджер)" if brands else "купить"
    offer = (f"его можно взять в аренду за {per_month(c.router.rent_price)}, {buy} или "
             "подключить свой.")
    if chosen is not None:
        return f"В тариф «{chosen.name}» роутер не входит: {offer}"
    home = [t.name for t in c.tariffs if t.router_included]
    if not home:
        return f"Роутер в тарифы не входит: {offer}"
    return ("В тарифы " + ", ".join(f"«{n}»" for n in home) + " роутер входит в подарок. "
            f"В остальных {offer}")


def _cctv(env: Env) -> str:
    packages = "; ".join(f"{cameras(p.cameras)} — {rub(p.price)}" for p in env.catalog.cctv)
    months = env.catalog.cctv[0].storage_months if env.catalog.cctv else 1
    return (f"Видеонаблюдение — разовый платёж за комплект с хранением записей {months} мес.: "
            f"{packages}.")


def _coverage(conv: ConversationState, env: Env) -> str:
    slots = conv.slots
    if slots.address is not None:
        where = slots.address.display()
        if slots.coverage == "covered":
            return f"По адресу {where} подключение возможно."
        return f"По адресу {where} мы пока не подключаем, но можно заказать техническую проверку."
    if conv.partial_street:  # «по Карбышева в Волжском есть?»: the street without a house
        city = conv.partial_city or env.catalog.default_city
        ranges = env.catalog.coverage.houses(city, conv.partial_street)
        if ranges:
            houses = ", ".join(f"{a}–{b}" if a != b else str(a) for a, b in ranges)
            return (f"{city}, {conv.partial_street}: подключаем дома {houses}. Назовите номер "
                    "дома — проверю точно.")
        return (f"{city}, {conv.partial_street}: этой улицы пока нет в нашем списке, но можно "
                "заказать техническую проверку.")
    cities = ", ".join(env.catalog.coverage.cities())
    return (f"Мы подключаем дома и офисы в городах: {cities}. Точный адрес проверю, "
            "когда дойдём до него в заявке.")


def answer(topics: list[str], conv: ConversationState, env: Env) -> list[str]:
    """One short paragraph per topic (`tariff:<name>` asks about one tariff); unknown topics
    get nothing (the caller says so)."""
    c = env.catalog
    out: list[str] = []
    named = [t for t in (c.tariff(x.split(":", 1)[1]) for x in topics if x.startswith("tariff:"))
             if t is not None]
    advised = advice(topics, named, conv, env)
    compared = "compare" in topics and len(named) >= 2
    for tariff in [] if compared else named:
        router = ("роутер в подарок" if tariff.router_included
                  else f"роутер в аренду за {per_month(c.router.rent_price)} или свой")
        out.append(f"{tariff_line(tariff)}, {router}.")
    for topic in topics:
        if topic == "tariffs" and not named:
            out.append(tariff_list(env, conv.slots.segment))
        elif topic == "tariffs_home":
            out.append(tariff_list(env, "home"))
        elif topic == "tariffs_office":
            out.append(tariff_list(env, "office"))
        elif topic == "router":
            out.append(_router(conv, env))
        elif topic == "cctv":
            out.append(_cctv(env))
        elif topic == "static_ip":
            out.append(f"Постоянный IP-адрес стоит {per_month(c.static_ip.price)}.")
        elif topic == "total":
            if c.tariff(conv.slots.tariff):
                out.append(f"Сейчас в заявке: {totals_text(conv, env)}")
            else:
                out.append("Итог посчитаю, как только выберем тариф.")
        elif topic == "coverage":
            out.append(_coverage(conv, env))
        elif topic == "hours":
            out.append(f"Мастер приезжает ежедневно {c.hours.label()}.")
        elif topic == "support":
            out.append(support_text(env))
        else:
            faq = next((f for f in c.faq if f.topic == topic), None)
            if faq:
                out.append(faq.answer)
    out.extend(advised)
    return [p for p in dict.fromkeys(out) if p]
