"""Scripts of customers as they really write (issue 11): short answers read against the
question asked. None of these may get «Не совсем поняла вас»."""

from __future__ import annotations

from tests.dialogue.scripts import (
    TO_ADDRESS,
    TO_CONFIRM,
    TO_EXTRAS,
    S,
    Script,
    T,
    script,
)

HUH = "Не совсем поняла"
GREET = T("привет", S.tariff, "segment")
CCTV_ASKED = TO_EXTRAS  # the cameras question is pending
IP_ASKED = [*TO_EXTRAS, T("без камер", S.extras, "static_ip")]

UNDERSTANDING_SCRIPTS: list[Script] = [
    # -- home or office, in a few words --------------------------------------------------------
    *[script(f"segment: «{say}»", GREET,
             T(say, S.tariff, "tariff", has=tariffs, lacks=HUH))
      for say, tariffs in [("к себе домой", "Тарифы для дома"), ("в офис нам", "Тарифы для офиса"),
                           ("для работы", "Тарифы для офиса"), ("квартира", "Тарифы для дома")]],
    # -- the camera options, in words ----------------------------------------------------------
    *[script(f"cameras: «{say}»", CCTV_ASKED,
             T(say, S.extras, "static_ip", has=has, lacks=HUH))
      for say, has in [("парочку", "2 камеры"), ("одной хватит", "1 камера"),
                       ("четыре штуки", "4 камеры")]],
    # -- yes and no as people type them --------------------------------------------------------
    *[script(f"yes to a yes/no question: «{say}»", IP_ASKED,
             T(say, S.address, "address", has="Постоянный IP — 300 ₽/мес", lacks=HUH))
      for say in ("ага", "+", "конечно", "да давайте", "подтверждаю")],
    *[script(f"no to a yes/no question: «{say}»", IP_ASKED,
             T(say, S.address, "address", lacks=(HUH, "Постоянный IP —")))
      for say in ("не-а", "нет спасибо", "-", "обойдусь")],
    *[script(f"yes to the summary: «{say}»", TO_CONFIRM,
             T(say, S.done, "referrer", has="Заявка принята", lead=True))
      for say in ("ага", "+", "да давайте", "подтверждаю")],
    *[script(f"no to the summary: «{say}»", TO_CONFIRM,
             T(say, S.confirm, "change", has="Что нужно изменить", lead=False))
      for say in ("не-а", "-")],
    # -- buttons are read by their meaning -----------------------------------------------------
    script("outside coverage, a technical check in words", TO_ADDRESS,
           T("проспект Ленина 500", S.address, "tech_check"),
           T("давайте проверку", S.contacts, "consent", has="техническую проверку", lacks=HUH)),
]

# -- greetings and openers: greeted back, never misread ----------------------------------------
SUPPORT_CONTACT = "support@smit34.ru"
UNDERSTANDING_SCRIPTS += [
    *[script(f"an opener: «{say}»",
             T(say, S.tariff, "segment", has="Здравствуйте", lacks=(HUH, SUPPORT_CONTACT)))
      for say in ("доброе утро", "приветик", "алло", "есть кто?", "здравствуйте!!!",
                  "добрый вечер", "хочу подключиться")],
    script("a greeting is never a time", TO_ADDRESS,
           T("ул. Мира, 5, кв 12", S.contacts, "consent"),
           T("Согласен", S.contacts, "name"),
           T("Иван, +7 999 123-45-67", S.contacts, "email"),
           T("без email", S.schedule, "date"),
           T("доброе утро! а завтра можно?", S.schedule, "time", has="Во сколько удобно завтра",
             lacks="Проверьте")),
    script("a greeting in the middle is greeted, the question stays", CCTV_ASKED,
           T("добрый день", S.extras, "cctv", has="Здравствуйте!", lacks=HUH)),
    # -- extras declined as a whole ----------------------------------------------------------
    script(
        "«доп услуги не нужны» declines the extras, not the order",
        CCTV_ASKED,
        T("доп услуги не нужны", S.address, "address", has="без дополнительных услуг",
          lacks="не оформляю"),
        T("ул. Мира, 5, кв 12", S.contacts, "consent"),
        T("Согласен", S.contacts, "name"),
        T("Иван, +7 999 123-45-67", S.contacts, "email"),
        T("ivan@mail.ru", S.schedule, "date"),
        T("Завтра вечером", S.confirm, "confirm", has=("Видеонаблюдение: нет", "Постоянный IP: нет")),
        T("да", S.done, lead=True),
        lead={"cctv_cameras": 0, "static_ip": False, "router": "included"},
    ),
    script("«ничего больше не надо» keeps the cameras chosen", CCTV_ASKED,
           T("парочку", S.extras, "static_ip"),
           T("ничего больше не надо", S.address, "address", lacks="не оформляю")),
    script("an office with no router: «ничего не надо» to the router is its own router",
           T("Нужен интернет в офис", S.tariff, "tariff"),
           T("офисный старт", S.extras, "router"),
           T("ничего не надо", S.address, "address", lacks="не оформляю")),
    # -- existing subscribers go to support --------------------------------------------------
    *[script(f"a subscriber: «{say}»",
             T(say, S.tariff, "callback", has=("служба поддержки", SUPPORT_CONTACT),
               lacks="для дома или для офиса"),
             T("Продолжить здесь", S.tariff, "segment"))
      for say in ("интернет не работает", "как оплатить", "какой у меня баланс",
                  "хочу отключиться")],
    script("a new customer whose old internet fails is not sent to support",
           T("у старого провайдера интернет не работает, хочу подключиться к вам",
             S.tariff, "segment", lacks="служба поддержки")),
    # -- keywords match whole words ------------------------------------------------------------
    script("«тв» inside «здравствуйте» is not a question about TV",
           T("здравствуйте", S.tariff, "segment", lacks="Телевидения")),
    script("«тв» as a word is", T("а тв у вас есть?", S.tariff, "segment", has="Телевидения")),
    # -- never stuck ---------------------------------------------------------------------------
    script("a question is never asked thrice in the same words", CCTV_ASKED,
           T("абырвалг", S.extras, "cctv", has=("Не совсем поняла", "Видеонаблюдение подключать"),
             lacks="Хотите добавить видеонаблюдение"),
           T("ыыыы", S.extras, "cctv", has="кнопкой",
             lacks=("Хотите добавить видеонаблюдение", "Видеонаблюдение подключать"),
             suggests=("Без камер", "Позвать оператора"))),
]
