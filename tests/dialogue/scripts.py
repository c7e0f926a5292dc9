"""Scripted conversations: what the customer types, and what must be true after each turn.

Together they walk every transition of the machine at least once
(`test_every_transition_is_walked` checks it). Now is Friday 27 Nov 2026, 13:00, Volgograd.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aida.domain import Step

S = Step


@dataclass(frozen=True)
class Turn:
    say: str
    step: Step | None = None  # the step after this turn
    pending: str | None = None  # what the assistant asks for next
    has: tuple[str, ...] = ()  # the reply contains each
    lacks: tuple[str, ...] = ()  # the reply contains none
    suggests: tuple[str, ...] = ()  # suggestions include each
    lead: bool | None = None  # a lead was (True) or was not (False) created in this turn


def T(say: str, step: Step | None = None, pending: str | None = None, *, has: tuple[str, ...] | str = (),
      lacks: tuple[str, ...] | str = (), suggests: tuple[str, ...] | str = (),
      lead: bool | None = None) -> Turn:
    def tup(v: tuple[str, ...] | str) -> tuple[str, ...]:
        return (v,) if isinstance(v, str) else v
    return Turn(say, step, pending, tup(has), tup(lacks), tup(suggests), lead)


@dataclass(frozen=True)
class Script:
    name: str
    turns: tuple[Turn, ...]
    # Final expectations on the lead created (field → value), if any.
    lead: dict[str, object] = field(default_factory=dict)


def script(name: str, *parts: list[Turn] | Turn, lead: dict[str, object] | None = None) -> Script:
    turns: list[Turn] = []
    for p in parts:
        turns.extend(p if isinstance(p, list) else [p])
    return Script(name, tuple(turns), lead or {})


# -- prefixes that bring a conversation to each step -------------------------------------------
TO_EXTRAS = [
    T("Здравствуйте, хочу подключить интернет", S.tariff, "segment",
      has="Здравствуйте", suggests=("Тарифы для дома", "Тарифы для офиса")),
    T("Тарифы для дома", S.tariff, "tariff",
      has="Пакет Премиум — 250 Мбит/с, 1 490 ₽/мес", suggests="Пакет Премиум"),
    T("Пакет Премиум", S.extras, "cctv", has=("«Пакет Премиум»", "1 камера — 1 500 ₽")),
]
TO_ADDRESS = [*TO_EXTRAS,
              T("2 камеры", S.extras, "static_ip", has="300 ₽/мес"),
              T("Не нужен", S.address, "address", has="адрес")]
CONSENT = "согласны на обработку персональных данных"
TO_CONTACTS = [*TO_ADDRESS,
               T("ул. Мира, 5, кв 12", S.contacts, "consent",
                 has=("подключение возможно", CONSENT), suggests=("Согласен", "Не согласен")),
               T("Согласен", S.contacts, "name", has="согласие записала", lacks=CONSENT)]
TO_SCHEDULE = [*TO_CONTACTS,
               T("Иван, +7 999 123-45-67", S.contacts, "email", suggests="Без email"),
               T("ivan@mail.ru", S.schedule, "date",
                 suggests=("Завтра утром", "Завтра вечером", "Послезавтра"))]
TO_CONFIRM = [*TO_SCHEDULE,
              T("Завтра вечером", S.confirm, "confirm",
                has=("Тариф: Пакет Премиум — 250 Мбит/с, 1 490 ₽/мес", "Роутер: в подарок",
                     "Видеонаблюдение: 2 камеры, 2 900 ₽", "Постоянный IP: нет",
                     "Адрес: Волгоград, улица Мира, д. 5, кв. 12", "Имя: Иван",
                     "Телефон: +7 999 123-45-67", "Email: ivan@mail.ru",
                     "завтра, 28 ноября (суббота), 18:00",
                     "Итого: 1 490 ₽/мес, разово 2 900 ₽."),
                suggests=("Да, всё верно", "Изменить"), lead=False)]
TO_DONE = [*TO_CONFIRM,
           T("Да, всё верно", S.done, "referrer", has=("Заявка принята", "порекомендовал"),
             lead=True)]
PREFIX = {S.tariff: TO_EXTRAS[:1], S.extras: TO_EXTRAS, S.address: TO_ADDRESS,
          S.contacts: TO_CONTACTS, S.schedule: TO_SCHEDULE, S.confirm: TO_CONFIRM,
          S.done: TO_DONE}

HOME_LEAD = {"kind": "connection", "tariff": "Пакет Премиум", "tariff_speed_mbps": 250,
             "tariff_price": 1490, "router": "included", "cctv_cameras": 2, "static_ip": False,
             "address": {"city": "Волгоград", "street": "улица Мира", "house": "5", "flat": "12"},
             "name": "Иван", "phone": "+79991234567", "email": "ivan@mail.ru",
             "date": "2026-11-28", "time": "18:00", "monthly_total": 1490, "one_off_total": 2900,
             "tags": ["AIDA"]}

SCRIPTS: list[Script] = [
    script("happy path, home", TO_DONE,
           T("От друзей или знакомых", S.done, None, has="Спасибо"), lead=HOME_LEAD),
    script(
        "happy path, office: router rented, static IP, email declined",
        T("Нужен интернет в офис", S.tariff, "tariff", has="Пакет Офисный СТАРТ — 100 Мбит/с"),
        T("офисный старт", S.extras, "router", has="роутер не входит",
          suggests="Аренда за 200 ₽/мес"),
        T("Аренда за 200 ₽/мес", S.extras, "cctv"),
        T("Без камер", S.extras, "static_ip"),
        T("Нужен постоянный IP", S.address, "address"),
        T("пр-т Ленина 88, офис 5", S.contacts, "consent"),
        T("да", S.contacts, "name"),
        T("меня зовут Ольга, 89171234567", S.contacts, "email"),
        T("Без email", S.schedule, "date"),
        T("в понедельник к 10", S.confirm, "confirm",
          has=("Роутер: аренда, 200 ₽/мес", "Постоянный IP: 300 ₽/мес", "Email: не указан",
               "30 ноября (понедельник), 10:00", "Итого: 2 350 ₽/мес, разовых платежей нет.")),
        T("да", S.done, lead=True),
        lead={"tariff": "Пакет Офисный СТАРТ", "router": "rent", "cctv_cameras": 0,
              "static_ip": True, "email": None, "monthly_total": 2350, "one_off_total": 0,
              "date": "2026-11-30", "time": "10:00"},
    ),
    script(
        "early slots are kept, extras are still offered, the address is not asked again",
        T("Здравствуйте! Хочу Безлимитище на улицу Мира 10 кв 5, меня зовут Анна, "
          "телефон 89991112233", S.extras, "cctv", lacks="Напишите, пожалуйста, адрес"),
        T("без камер", S.extras, "static_ip"),
        T("нет", S.contacts, "consent", lacks="адрес подключения"),
        T("Согласен", S.contacts, "email"),
        T("без email", S.schedule, "date"),
        T("послезавтра", S.schedule, "time", has="Во сколько удобно"),
        T("утром", S.confirm, "confirm", has=("Анна", "+7 999 111-22-33", "09:00")),
        T("Да, всё верно", S.done, lead=True),
        lead={"tariff": "Безлимитище", "name": "Анна", "phone": "+79991112233",
              "date": "2026-11-29", "time": "09:00",
              "address": {"city": "Волгоград", "street": "улица Мира", "house": "10",
                          "flat": "5"}},
    ),
    script(
        "questions are answered from the catalog and the step's question comes back",
        TO_EXTRAS[:1],
        T("сколько стоит роутер?", S.tariff, "segment", has=("200 ₽/мес", "для дома или")),
        T("какие тарифы для офиса?", S.tariff, has="Пакет Офисный СТАРТ — 100 Мбит/с, 1 850 ₽/мес"),
        T("есть ли телевидение?", S.tariff, has="Телевидения"),
        T("сколько стоит премиум?", S.tariff, has="1 490 ₽/мес"),
        T("Тарифы для дома", S.tariff, "tariff"),
        T("Пакет Премиум", S.extras, "cctv"),
        T("а сколько стоит IP?", S.extras, "cctv", has=("300 ₽/мес", "видеонаблюдение")),
    ),
    script(
        "a first message that gets to the point is not greeted at length",
        T("хочу интернет", S.tariff, "segment", lacks=("Я Аида", "Не совсем поняла"))),
    script(
        "the seed's «check my address» button answers about coverage without asking the address",
        T("Проверить адрес подключения", S.tariff, "segment", has="Волгоград, Волжский",
          lacks="Не совсем поняла"),
        T("проверьте, можно ли подключить на Мира 5 кв 3", S.tariff, "segment",
          has="подключение возможно")),
    script(
        "an address read with doubt is confirmed before it counts",
        TO_ADDRESS,
        T("Краснознаменкая 5, кв 3", S.contacts, "verify_address", has="Правильно понимаю"),
        T("да", S.contacts, "consent", has="подключение возможно", lacks="Не совсем поняла")),
    script(
        "a doubtful address that is wrong is asked again",
        TO_ADDRESS,
        T("Краснознаменкая 5, кв 3", S.contacts, "verify_address"),
        T("нет", S.address, "address", has="ещё раз")),
    script(
        "a changed mind keeps what stays valid",
        TO_EXTRAS,
        T("лучше Безлимитище", S.extras, "cctv", has="Меняю тариф на «Безлимитище»"),
        T("2 камеры", S.extras, "static_ip"),
        T("не нужен", S.address, "address"),
    ),
    script(
        "a correction at the confirm step changes the slot and shows the summary again",
        TO_SCHEDULE,
        T("завтра утром", S.confirm, "confirm", has="09:00"),
        T("давайте вечером", S.confirm, "confirm", has=("18:00", "Всё верно?"), lead=False),
        T("телефон другой: 8 917 555-66-77", S.confirm, "confirm",
          has="Телефон: +7 917 555-66-77", lead=False),
        T("Изменить", S.confirm, "change", has="Что нужно изменить", lead=False),
        T("да", S.confirm, "confirm", has="Проверьте", lead=False),
        T("Да, всё верно", S.done, lead=True),
        lead={"time": "18:00", "phone": "+79175556677", "date": "2026-11-28"},
    ),
    script(
        "an address outside coverage: another address",
        TO_ADDRESS,
        T("проспект Ленина 500, кв 7", S.address, "tech_check", has="не подключаем",
          suggests=("Другой адрес", "Оставить заявку на проверку")),
        T("Другой адрес", S.address, "address"),
        T("улица Мира 7 кв 1", S.contacts, "consent"),
    ),
    script(
        "an address outside coverage: a technical check request",
        TO_ADDRESS,
        T("проспект Ленина 500, кв 7", S.address, "tech_check"),
        T("Оставить заявку на проверку", S.contacts, "consent", has="техническую проверку"),
        T("Согласен", S.contacts, "name"),
        T("Пётр, 89990001122", S.contacts, "email"),
        T("нет", S.schedule, "date"),
        T("завтра в 12:00", S.confirm, "confirm", has="нужна техническая проверка"),
        T("да", S.done, lead=True, has="техническую проверку"),
        lead={"kind": "tech_check", "tags": ["AIDA", "нет покрытия"]},
    ),
    script(
        "a street without a house number asks for the number",
        TO_ADDRESS,
        T("улица Мира", S.address, "house", has="номер дома"),
        T("5 кв 3", S.contacts, "consent"),
    ),
    script(
        "a wrong phone or email gets a clear re-ask",
        TO_CONTACTS,
        T("Иван, +7 999 123-45-6", S.contacts, "phone", has="ошибка"),
        T("+7 777 123 45 67", S.contacts, "phone", has="российск"),
        T("89991234567", S.contacts, "email"),
        T("ivan@mail", S.contacts, "email", has="опечатка"),
        T("Без email", S.schedule, "date"),
    ),
    script(
        "the schedule: a date without a time, hours outside working time, a past date",
        TO_SCHEDULE,
        T("послезавтра", S.schedule, "time", has="Во сколько"),
        T("в 23:00", S.schedule, "time", has="09:00 до 21:00"),
        T("25 ноября 2025 в 10:00", S.schedule, "date", has="уже прошла"),
        T("в воскресенье в 11:00", S.confirm, "confirm", has="29 ноября (воскресенье), 11:00"),
    ),
    script(
        "a weekday said on that same weekday is read back before it counts",
        TO_SCHEDULE,
        T("в пятницу вечером", S.confirm, "verify_date", has="4 декабря (пятница)"),
        T("да", S.confirm, "confirm", has=("Записала", "4 декабря (пятница), 18:00"))),
    script(
        "an hour read inside the working hours is read back when the other reading was close",
        TO_SCHEDULE,
        T("завтра в 8", S.confirm, "time", has="Правильно понимаю: в 20:00?"),
        T("да", S.confirm, "confirm", has=("Записала", "20:00"))),
    script(
        "a doubtful day and a doubtful hour are read back together",
        TO_SCHEDULE,
        T("в пятницу в 8", S.confirm, "verify_date", has="4 декабря (пятница), в 20:00?")),
    script(
        "a read-back hour that is wrong is asked again",
        TO_SCHEDULE,
        T("завтра в 8", S.confirm, "time", has="20:00"),
        T("нет", S.schedule, "time", has="Во сколько"),
        T("в 10", S.confirm, "confirm", has="10:00")),
    script(
        "an hour said without утра/вечера is read inside the working hours",
        TO_SCHEDULE,
        T("послезавтра после семи", S.confirm, "confirm", has="19:00")),
    script(
        "a doubtful date that is wrong is asked again",
        TO_SCHEDULE,
        T("в пятницу в 10", S.confirm, "verify_date"),
        T("нет", S.schedule, "date"),
        T("в понедельник", S.confirm, "confirm", has="30 ноября (понедельник), 10:00")),
    script(
        "an operator on request, and a callback",
        TO_EXTRAS,
        T("позовите оператора", S.extras, "callback", has=("support@smit34.ru", "@smit_support")),
        T("89995554433", S.extras, "consent", has=CONSENT, lead=False),
        T("Согласен", S.extras, "name", has="Как к вам обращаться", lead=False),
        T("Иван", S.extras, "cctv", has="перезвонит", lead=True),
        T("без камер", S.extras, "static_ip"),
    ),
    script(
        "not understood: a short clarifying question, then the operator is offered",
        TO_EXTRAS,
        T("абырвалг", S.extras, "cctv", has="Не совсем поняла"),
        T("ыыыы", S.extras, "cctv", suggests="Позвать оператора"),
    ),
    script(
        "the customer stops, then goes on",
        TO_EXTRAS,
        T("передумал", S.extras, lead=False, has="не оформляю", suggests="Продолжить"),
        T("Продолжить", S.extras, "cctv"),
    ),
    script(
        "after the lead: thanks, and a question is still answered",
        TO_DONE,
        T("Пропустить", S.done, has="Спасибо"),
        T("сколько стоит роутер?", S.done, has="роутер входит в подарок"),
        T("спасибо", S.done, has="Рада помочь", lead=False),
    ),
    # -- restart from every state ---------------------------------------------------------------
    *[script(f"restart at {step.value}", PREFIX[step],
             T("начать заново", S.tariff, "segment", has="начнём заново", lead=False))
      for step in (S.tariff, S.extras, S.address, S.contacts, S.schedule, S.confirm, S.done)],
    # -- rewinds: each later step back to each earlier one ---------------------------------------
    *[script(f"back to tariff from {step.value}: another segment", PREFIX[step],
             T("а давайте лучше для офиса", S.tariff, "tariff", has="Пакет Офисный СТАРТ"))
      for step in (S.extras, S.address, S.contacts, S.schedule, S.confirm)],
    *[script(f"back to extras from {step.value}: a tariff without a router", PREFIX[step],
             T("давайте лучше офисный стандарт", S.extras, "router", has="роутер не входит"),
             T("у меня свой роутер", step))
      for step in (S.address, S.contacts, S.schedule, S.confirm)],
    *[script(f"back to address from {step.value}: a new address outside coverage", PREFIX[step],
             T("адрес другой: проспект Ленина 500", S.address, "tech_check"))
      for step in (S.contacts, S.schedule, S.confirm)],
    *[script(f"back to contacts from {step.value}: the phone is wrong", PREFIX[step],
             T("ой, телефон не тот", S.contacts, "phone"),
             T("89997776655", step))
      for step in (S.schedule, S.confirm)],
    script("back to schedule from confirm: another time", TO_CONFIRM,
           T("Изменить", S.confirm, "change"),
           T("время", S.schedule, "time"),
           T("в 15:00", S.confirm, "confirm", has="15:00")),
    # -- consent (152-FZ) ------------------------------------------------------------------------
    script(
        "consent declined: no lead, the contacts forgotten, the support contacts given",
        TO_ADDRESS,
        T("ул. Мира, 5, кв 12, я Иван, 89991234567", S.contacts, "consent", has=CONSENT),
        T("Не согласен", S.contacts, None, has=("удалила", "support@smit34.ru"),
          lacks=CONSENT, lead=False),
        T("хочу всё-таки оформить заявку", S.contacts, "consent", has=CONSENT, lead=False),
        T("Согласен", S.contacts, "name", lead=False),
    ),
    script(
        "why consent is needed is answered, and a hesitant yes counts; a question is no yes",
        TO_ADDRESS,
        T("ул. Мира, 5, кв 12", S.contacts, "consent"),
        T("А это обязательно? Зачем вам мои данные?", S.contacts, "consent",
          has=("152-ФЗ", CONSENT), lacks="ответит оператор"),
        T("согласие — это навсегда, если я согласен?", S.contacts, "consent"),
        T("Ну ладно, согласен", S.contacts, "name", has="согласие записала"),
    ),
    script(
        "a typed yes counts as consent; contacts given early are asked for consent before "
        "the summary",
        T("Хочу Пакет Премиум домой, я Иван, +7 999 123-45-67, ivan@mail.ru", S.extras, "cctv"),
        T("без камер", S.extras, "static_ip"),
        T("не нужен", S.address, "address"),
        T("ул. Мира, 5, кв 12", S.contacts, "consent", lacks="Проверьте"),
        T("да, согласен", S.schedule, "date"),
        T("завтра вечером", S.confirm, "confirm", has="Проверьте"),
        T("да", S.done, lead=True),
        lead={"consent_method": "typed", "name": "Иван"},
    ),
]
