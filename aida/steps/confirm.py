"""Step 6 — confirm: the summary with both totals; only an explicit yes here creates the lead.

The yes must answer the summary itself (the machine's `confirm` transition checks it); a
correction changes its slot in the owning step and the summary is shown again.
"""

from __future__ import annotations

import datetime as dt

from aida.domain import ConversationState, Lead, LeadKind, Step
from aida.replies.format import bullets, cameras, date_label, per_month, phone, rub
from aida.steps.base import Ask, Env, Message, Note
from aida.understanding import questions as q
from aida.understanding.slots import CHANGEABLE, SLOTS

STEP = Step.confirm

YES = "Да, всё верно"
CHANGE = "Изменить"


def accept(conv: ConversationState, msg: Message, env: Env) -> list[Note]:
    wants_change = msg.no or msg.u.wants_change
    if msg.answers("confirm", "change") and wants_change and not msg.u.slots.has_slots():
        return [Note("", STEP, Ask(
            "change", "Что нужно изменить? Например: тариф, адрес, телефон или время визита.",
            [YES], {YES: q.YES}, again=_change_again()))]
    if msg.answers("change") and msg.yes and not msg.u.slots.has_slots():
        # «Да, всё верно» to «Что нужно изменить?»: nothing to change, the summary again.
        return [Note("", STEP, ask(conv, env))]
    return []


def _change_again() -> str:
    names = [SLOTS[name].label for name in CHANGEABLE]
    return f"Что поправить: {', '.join(names[:-1])} или {names[-1]}?"


def complete(conv: ConversationState, env: Env) -> bool:
    # Nothing the customer says earlier completes this step: the machine's `confirm`
    # transition needs a yes given to the summary.
    return False


def _router_text(conv: ConversationState, env: Env) -> str:
    router = conv.slots.router
    if router == "included":
        return "в подарок"
    if router == "rent":
        return f"аренда, {per_month(env.catalog.router.rent_price)}"
    if router == "buy":
        price = env.catalog.router.buy_price
        return f"покупка, {rub(price)}" if price else "покупка (цену подскажет менеджер)"
    return "свой"


def summary_lines(conv: ConversationState, env: Env) -> list[str]:
    slots, catalog = conv.slots, env.catalog
    tariff = catalog.tariff(slots.tariff)
    assert tariff is not None and slots.address is not None and slots.date is not None
    cctv = "нет"
    if slots.cctv_cameras:
        package = catalog.cctv_package(slots.cctv_cameras)
        cctv = f"{cameras(slots.cctv_cameras)}, {rub(package.price) if package else ''}".rstrip(", ")
    address = slots.address.display()
    if slots.tech_check:
        address += " (нужна техническая проверка)"
    static_ip = per_month(catalog.static_ip.price) if slots.static_ip else "нет"
    lines = {
        "tariff": f"{tariff.name} — {tariff.speed_mbps} Мбит/с, {per_month(tariff.price)}",
        "router": _router_text(conv, env),
        "cctv_cameras": cctv,
        "static_ip": static_ip,
        "address": address,
        "name": slots.name,
        "phone": phone(slots.phone or ""),
        "email": slots.email or "не указан",
    }
    return [*(f"{SLOTS[k].title}: {v}" for k, v in lines.items()),
            f"Визит мастера: {date_label(slots.date, env.today)}, {slots.time}"]


def totals_text(conv: ConversationState, env: Env) -> str:
    """`1 490 ₽/мес, разово 2 900 ₽.`"""
    monthly = env.catalog.monthly_total(conv.slots)
    one_off = env.catalog.one_off_total(conv.slots)
    text = per_month(monthly)
    text += f", разово {rub(one_off)}." if one_off else ", разовых платежей нет."
    if conv.slots.router == "buy" and not env.catalog.router.buy_price:
        text += " Стоимость роутера подскажет менеджер."
    return text


def ask(conv: ConversationState, env: Env) -> Ask:
    text = (f"Проверьте, пожалуйста, заявку:\n{bullets(summary_lines(conv, env))}\n"
            f"Итого: {totals_text(conv, env)}\n\nВсё верно?")
    return Ask("confirm", text, [YES, CHANGE], {YES: q.YES, CHANGE: q.CHANGE},
               again="Если в заявке всё верно, нажмите «Да, всё верно» — и я её оформлю. "
                     "Если что-то не так — «Изменить».")


def lead_from(conv: ConversationState, env: Env, session_id: str, now: dt.datetime, *,
              kind: LeadKind, tags: list[str]) -> Lead:
    """A lead with whatever the conversation holds (attribution is added by the service)."""
    slots, catalog, consent = conv.slots, env.catalog, conv.consent
    tariff = catalog.tariff(slots.tariff)
    return Lead(
        session_id=session_id,
        kind=kind,
        created_at=now,
        tariff=tariff.name if tariff else None,
        tariff_speed_mbps=tariff.speed_mbps if tariff else None,
        tariff_price=tariff.price if tariff else None,
        router=slots.router,
        cctv_cameras=slots.cctv_cameras,
        static_ip=slots.static_ip,
        address=slots.address,
        name=slots.name,
        phone=slots.phone,
        email=slots.email,
        date=slots.date,
        time=slots.time,
        monthly_total=catalog.monthly_total(slots),
        one_off_total=catalog.one_off_total(slots),
        consent_at=consent.at if consent else None,
        consent_version=consent.version if consent else None,
        consent_method=consent.method if consent else None,
        transcript=list(conv.history),
        tags=tags,
    )


def make_lead(conv: ConversationState, env: Env, session_id: str, now: dt.datetime) -> Lead:
    """The lead of a confirmed conversation; outside coverage, a technical-check request."""
    if conv.slots.tech_check:
        return lead_from(conv, env, session_id, now, kind="tech_check",
                         tags=["AIDA", "нет покрытия"])
    return lead_from(conv, env, session_id, now, kind="connection", tags=["AIDA"])
