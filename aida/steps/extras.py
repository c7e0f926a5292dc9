"""Step 2 — extras: the router (only when the tariff has none), CCTV and a static IP.

Every extra gets an answer before the address is asked; the router follows the tariff: a
tariff with a router included sets it, a change to a tariff without one asks again.
"""

from __future__ import annotations

from aida.domain import ConversationState, Step
from aida.replies.format import cameras, per_month, rub
from aida.steps.base import Ask, Env, Message, Note

STEP = Step.extras

ROUTER_SUGGESTIONS = {"Аренда за {rent}": "rent", "Купить роутер": "buy",
                      "У меня свой роутер": "own"}
NO_CAMERAS = "Без камер"
STATIC_IP_SUGGESTIONS = {"Нужен постоянный IP": True, "Не нужен": False}


def _router_choices(env: Env) -> dict[str, str | int | bool]:
    rent = per_month(env.catalog.router.rent_price)
    return {s.format(rent=rent): v for s, v in ROUTER_SUGGESTIONS.items()}


def _router_suggestions(env: Env) -> list[str]:
    return list(_router_choices(env))


def _camera_choices(env: Env) -> dict[str, str | int | bool]:
    return {NO_CAMERAS: 0, **{cameras(p.cameras): p.cameras for p in env.catalog.cctv}}


def camera_suggestions(env: Env) -> list[str]:
    return list(_camera_choices(env))


def _apply_router_rule(conv: ConversationState, env: Env) -> list[Note]:
    slots = conv.slots
    tariff = env.catalog.tariff(slots.tariff)
    if tariff is None:
        return []
    if tariff.router_included and slots.router in (None, "rent", "buy"):
        was_paid = slots.router in ("rent", "buy")
        slots.router = "included"
        if was_paid:
            return [Note(f"В тарифе «{tariff.name}» роутер уже в подарок — "
                         "аренда или покупка не нужны.", STEP)]
    elif not tariff.router_included and slots.router == "included":
        slots.router = None  # asked again: the new tariff has no router
    return []


def accept(conv: ConversationState, msg: Message, env: Env) -> list[Note]:
    slots, found, catalog = conv.slots, msg.u.slots, env.catalog
    notes = _apply_router_rule(conv, env)
    tariff = catalog.tariff(slots.tariff)

    router = found.router
    if router is None and msg.answers("router"):
        if msg.no:
            router = "own"
        elif msg.yes:
            notes.append(Note("", STEP, Ask(
                "router", "Роутер возьмёте в аренду или купите?", _router_suggestions(env)[:2],
                _router_choices(env))))
    if router and router != slots.router:
        if tariff and tariff.router_included and router in ("rent", "buy"):
            notes.append(Note(f"В тарифе «{tariff.name}» роутер уже входит в подарок.", STEP))
        elif router == "included" and tariff and not tariff.router_included:
            pass  # the office tariffs have no router to include; the question stays
        else:
            slots.router = router
            notes.append(Note(_router_ack(router, env), STEP))

    if msg.u.no_more:
        # The extractor reads «ничего больше не надо» as every extra declined; what was
        # chosen before stays, only the extras not answered yet are declined.
        notes += _decline_rest(conv)
        found = found.model_copy(update={
            "cctv_cameras": found.cctv_cameras or None,
            "static_ip": found.static_ip or None,
        })

    count = found.cctv_cameras
    if count is None and msg.answers("cctv"):
        if msg.no:
            count = 0
        elif msg.yes:
            notes.append(Note("", STEP, Ask(
                "cctv", "Сколько камер подключить: 1, 2 или 4?", camera_suggestions(env)[1:],
                _camera_choices(env))))
    package = catalog.cctv_package(count) if count else None
    if count is not None and count != slots.cctv_cameras and (count == 0 or package):
        slots.cctv_cameras = count
        if package:
            notes.append(Note(f"Видеонаблюдение: {cameras(count)} — {rub(package.price)} "
                              "разово, с хранением записей.", STEP))
    for problem in found.problems:
        if problem.slot == "cctv_cameras" and problem.code == "not_in_catalog":
            choices = ", ".join(str(p.cameras) for p in catalog.cctv)
            notes.append(Note("", STEP, Ask(
                "cctv", f"Комплекты видеонаблюдения есть на {choices} камеры. Какой подойдёт?",
                camera_suggestions(env), _camera_choices(env))))

    static_ip = found.static_ip
    if static_ip is None and msg.answers("static_ip") and (msg.yes or msg.no):
        static_ip = msg.yes
    if static_ip is not None and static_ip != slots.static_ip:
        slots.static_ip = static_ip
        if static_ip:
            notes.append(Note(f"Постоянный IP — {per_month(catalog.static_ip.price)}.", STEP))
    return notes


def _decline_rest(conv: ConversationState) -> list[Note]:
    """«Доп услуги не нужны»: every extra not yet answered is declined; a router a tariff
    needs is still asked, unless it was the question."""
    slots = conv.slots
    declined = False
    if slots.cctv_cameras is None:
        slots.cctv_cameras, declined = 0, True
    if slots.static_ip is None:
        slots.static_ip, declined = False, True
    return [Note("Хорошо, без дополнительных услуг.", STEP)] if declined else []


def _router_ack(router: str, env: Env) -> str:
    if router == "rent":
        return f"Роутер в аренду — {per_month(env.catalog.router.rent_price)}."
    if router == "buy":
        brands = ", ".join(env.catalog.router.buy_brands)
        return (f"Роутер купите у нас ({brands}); цену подскажет менеджер."
                if brands else "Роутер купите у нас; цену подскажет менеджер.")
    if router == "own":
        return "Хорошо, подключим ваш роутер."
    return "Роутер входит в тариф."


def _router_needed(conv: ConversationState, env: Env) -> bool:
    tariff = env.catalog.tariff(conv.slots.tariff)
    return tariff is not None and not tariff.router_included and conv.slots.router is None


def complete(conv: ConversationState, env: Env) -> bool:
    slots = conv.slots
    return (
        slots.router is not None
        and not _router_needed(conv, env)
        and slots.cctv_cameras is not None
        and slots.static_ip is not None
    )


def ask(conv: ConversationState, env: Env) -> Ask:
    catalog, slots = env.catalog, conv.slots
    if _router_needed(conv, env):
        tariff = catalog.tariff(slots.tariff)
        assert tariff is not None
        brands = ", ".join(catalog.router.buy_brands)
        buy = f"купите у нас ({brands} — цену подскажет менеджер)" if brands else "купите у нас"
        return Ask(
            "router",
            f"В тариф «{tariff.name}» роутер не входит. Возьмёте его в аренду за "
            f"{per_month(catalog.router.rent_price)}, {buy} или подключим ваш?",
            _router_suggestions(env),
            _router_choices(env),
            again="Как будет с роутером: возьмёте в аренду, купите у нас или подключим "
                  "ваш собственный?",
        )
    if slots.cctv_cameras is None:
        packages = ", ".join(f"{cameras(p.cameras)} — {rub(p.price)}" for p in catalog.cctv)
        months = catalog.cctv[0].storage_months if catalog.cctv else 1
        return Ask(
            "cctv",
            "Хотите добавить видеонаблюдение? Комплекты с хранением записей "
            f"{months} мес., разовый платёж: {packages}.",
            camera_suggestions(env),
            _camera_choices(env),
            again="Видеонаблюдение подключать? Если да — сколько камер: "
                  + ", ".join(str(p.cameras) for p in catalog.cctv)
                  + "? Если нет — нажмите «Без камер».",
        )
    return Ask(
        "static_ip",
        f"Нужен ли постоянный IP-адрес? Он стоит {per_month(catalog.static_ip.price)} — "
        "пригодится для камер, сервера или удалённого доступа.",
        list(STATIC_IP_SUGGESTIONS),
        dict(STATIC_IP_SUGGESTIONS),
        again="Постоянный IP-адрес подключать? Ответьте, пожалуйста, «да» или «нет».",
    )
