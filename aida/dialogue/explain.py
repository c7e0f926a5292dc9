"""Why the question just asked is asked: the answer to «а это зачем?», «а какая разница?»,
«а это обязательно?» said in reply to it (topic `asked`), from the catalog's data."""

from __future__ import annotations

from collections.abc import Callable

from aida.dialogue.advice import PHONE_REQUIRED
from aida.domain import ConversationState
from aida.replies.format import per_month
from aida.steps import Env, consent

Explainer = Callable[[ConversationState, Env], str]


def _segment(conv: ConversationState, env: Env) -> str:
    c = env.catalog
    home, office = c.cheapest("home"), c.cheapest("office")
    return ("Для дома и для офиса у нас разные тарифы: в домашних роутер в подарок, офисные "
            f"рассчитаны на компании. Домашние — от {per_month(home.price)}, офисные — "
            f"от {per_month(office.price)}.")


def _tariff(conv: ConversationState, env: Env) -> str:
    return ("Тарифы отличаются скоростью: чем она выше, тем больше устройств и тяжелее задачи "
            "потянет интернет без задержек. Напишите, для чего он нужен (игры, фильмы, работа "
            "из дома) — подскажу.")


def _router(conv: ConversationState, env: Env) -> str:
    c = env.catalog
    return (f"В этот тариф роутер не входит, а без него интернет не раздать по Wi-Fi: его можно "
            f"взять в аренду за {per_month(c.router.rent_price)}, купить или подключить свой.")


# The prices are in the question asked again right after these.
def _cctv(conv: ConversationState, env: Env) -> str:
    return ("Видеонаблюдение не обязательно — это дополнительная услуга: камеры с записью, "
            "которую можно смотреть с телефона.")


def _static_ip(conv: ConversationState, env: Env) -> str:
    return ("Постоянный IP не обязателен. Он нужен, чтобы заходить в свою сеть извне: к камерам, "
            "серверу или удалённому рабочему столу.")


def _address(conv: ConversationState, env: Env) -> str:
    return ("Адрес нужен, чтобы проверить, подключаем ли мы ваш дом, и чтобы мастер знал, куда "
            "ехать.")


def _email(conv: ConversationState, env: Env) -> str:
    return "Почта не обязательна: на неё придут уведомления по заявке. Можно нажать «Без email»."


def _visit(conv: ConversationState, env: Env) -> str:
    return (f"Мастер приезжает, чтобы провести кабель и настроить интернет; работает ежедневно "
            f"{env.catalog.hours.label()}. Выберите удобные день и время.")


def _confirm(conv: ConversationState, env: Env) -> str:
    return "Это итог заявки: если всё верно, я её оформлю, и мастер приедет в выбранное время."


def _referrer(conv: ConversationState, env: Env) -> str:
    return "Это не обязательно — нам просто важно знать, откуда о нас узнают."


EXPLAIN: dict[str, Explainer] = {
    "segment": _segment,
    "tariff": _tariff,
    "router": _router,
    "cctv": _cctv,
    "static_ip": _static_ip,
    "address": _address,
    "house": _address,
    "flat": _address,
    "tech_check": _address,
    "consent": lambda conv, env: consent.WHY,
    "name": lambda conv, env: PHONE_REQUIRED,
    "phone": lambda conv, env: PHONE_REQUIRED,
    "email": _email,
    "date": _visit,
    "time": _visit,
    "confirm": _confirm,
    "referrer": _referrer,
}


def explain(pending: str | None, conv: ConversationState, env: Env) -> str | None:
    """Why question `pending` is asked, or None when there is nothing to say about it."""
    explainer = EXPLAIN.get(pending or "")
    return explainer(conv, env) if explainer else None
