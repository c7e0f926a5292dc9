"""Scripts of customers as they really write (issue 11): short answers read against the
question asked. None of these may get «Не совсем поняла вас»."""

from __future__ import annotations

from tests.dialogue.scripts import (
    TO_ADDRESS,
    TO_CONFIRM,
    TO_EXTRAS,
    TO_SCHEDULE,
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
           T("проспект Ленина 500, кв 7", S.address, "tech_check"),
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
           T("ничего больше не надо", S.address, "address", lacks="не оформляю"),
           T("ул. Мира, 5, кв 12", S.contacts, "consent"),
           T("Согласен", S.contacts, "name"),
           T("Иван, +7 999 123-45-67", S.contacts, "email"),
           T("ivan@mail.ru", S.schedule, "date"),
           T("Завтра вечером", S.confirm, "confirm",
             has=("Видеонаблюдение: 2 камеры", "Постоянный IP: нет"))),
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
           T("здравствуйте, какие у вас тарифы?", S.tariff, "segment", has="Пакет Премиум",
             lacks="Телевидения")),
    script("«тв» as a word is", T("а тв у вас есть?", S.tariff, "segment", has="Телевидения")),
    # -- never stuck ---------------------------------------------------------------------------
    script("a question is never asked thrice in the same words", CCTV_ASKED,
           T("абырвалг", S.extras, "cctv", has=("Не совсем поняла", "Видеонаблюдение подключать"),
             lacks="Хотите добавить видеонаблюдение"),
           T("ыыыы", S.extras, "cctv", has="кнопкой",
             lacks=("Хотите добавить видеонаблюдение", "Видеонаблюдение подключать"),
             suggests=("Без камер", "Позвать оператора"))),
]

# -- found in tests/conversations --------------------------------------------------------------
TO_PHONE = [*TO_ADDRESS, T("ул. Мира, 5, кв 12", S.contacts, "consent"),
            T("Согласен", S.contacts, "name"), T("Иван", S.contacts, "phone")]
UNDERSTANDING_SCRIPTS += [
    *[script(f"a refusal as typed: «{say}»", IP_ASKED,
             T(say, S.address, "address", lacks=(HUH, "Постоянный IP —")))
      for say in ("ненадо", "нетт", "нее", "не нужнл", "тогда нет", "внук говорит не надо",
                  "а это чо? не надо наверн")],
    script("no email, as people say it", TO_PHONE,
           T("89991234567", S.contacts, "email"),
           T("Электронной почты у меня нет", S.schedule, "date", lacks=HUH)),
    script("a number corrected at the summary is changed in place", TO_CONFIRM,
           T("стоп, квартира не 12 а 21, опечатался", S.confirm, "confirm",
             has="Волгоград, улица Мира, д. 5, кв. 21", lacks="не оформляю", lead=False)),
    script("a phone given with «звоните мне» is the phone, not a call-back request", TO_PHONE,
           T("Звоните мне, +7 903 316 22 10, я буду на месте", S.contacts, "email",
             lacks="Связаться с поддержкой")),
    script("a human asked for in other words",
           T("я с роботами не разговариваю, пусть человек перезвонит", S.tariff, "callback",
             has="оператор перезвонит")),
    script("not now: the order is not pressed", GREET,
           T("для дома", S.tariff, "tariff"),
           T("ой дорого, я подумаю", S.tariff, None, has="не оформляю", lead=False)),
    script("outside coverage: no other address, so the check", TO_ADDRESS,
           T("проспект Ленина 500, кв 7", S.address, "tech_check"),
           T("другого адреса нет, давайте пусть мастер посмотрит", S.contacts, "consent",
             has="техническую проверку")),
    script("outside coverage: neither, politely stopped", TO_ADDRESS,
           T("проспект Ленина 500, кв 7", S.address, "tech_check"),
           T("нет, проверку не надо, спасибо, поищу другого провайдера", S.address, None,
             has="не оформляю", lead=False)),
    script("a shop is an office", GREET,
           T("магазин", S.tariff, "tariff", has="Тарифы для офиса")),
]

# -- a consultant's advice from the catalog (issue 11, kind 3) -------------------------------
HOME_TARIFFS = [GREET, T("для дома", S.tariff, "tariff")]
UNDERSTANDING_SCRIPTS += [
    script("the cheapest tariff asked, then picked by its rank", *HOME_TARIFFS,
           T("самый недорогой какой?", S.tariff, "tariff",
             has="Самый недорогой — «Пакет Домашний»", lacks=("оператор", HUH)),
           T("давайте самый дешевый", S.extras, "cctv", has="«Пакет Домашний»"),
           ),
    *[script(f"«{say}» before home or office: that tariff named, the question again", GREET,
             T(say, S.tariff, "segment", has=(named, "для дома или для офиса"), lacks=HUH))
      for say, named in [("самый дешовый", "Самый недорогой — «Пакет Домашний»"),
                         ("побыстрее", "Самый быстрый — «Безлимитище»")]],
    script("a faster one asked", *HOME_TARIFFS,
           T("а побыстрее есть?", S.tariff, "tariff", has="«Безлимитище»", lacks="оператор")),
    script("advice by need: games", *HOME_TARIFFS,
           T("что взять для онлайн-игр", S.tariff, "tariff",
             has="Для онлайн-игр советую «Пакет Премиум»", lacks="оператор")),
    script("advice by need, said without a question", *HOME_TARIFFS,
           T("работаю из дома, что подойдёт", S.tariff, "tariff",
             has="советую «Пакет Оптимальный»", lacks="оператор")),
    script("two tariffs compared, nothing chosen", *HOME_TARIFFS,
           T("чем Безлимитище лучше Премиума", S.tariff, "tariff",
             has="в 2 раза быстрее и дороже на 200 ₽/мес", lacks=("Уточните", "оператор"))),
    script("coverage of a street asked in the first message",
           T("по Карбышева в Волжском есть подключение?", S.tariff, "segment",
             has="Волжский, улица Карбышева: подключаем дома 1–150", lacks="оператор")),
    script("the visit's cost, how soon, and whether a phone is needed", GREET,
           T("сколько стоит подключение", S.tariff, "segment", has="назовёт менеджер",
             lacks="оператор"),
           T("через сколько дней приедет мастер", S.tariff, "segment",
             has="Мастер может приехать уже", lacks=HUH),
           T("а телефон обязательно?", S.tariff, "segment", has="Телефон нужен")),
]

# -- the flat: an address without one is asked, a private house needs none --------------------
UNDERSTANDING_SCRIPTS += [
    script("a coverage question without a flat: the flat is asked at the address step",
           T("здравствуйте, на Богданова 25 есть ваш интернет?", S.tariff, "segment",
             has="подключение возможно"),
           T("для дома", S.tariff, "tariff"),
           T("Премиум", S.extras, "cctv"),
           T("нет", S.extras, "static_ip"),
           T("нет", S.address, "flat", has="номер квартиры", suggests=("Частный дом",)),
           T("14", S.contacts, "consent", has="улица Богданова, д. 25, кв. 14", lacks=HUH)),
    script("a private house has no flat", TO_ADDRESS,
           T("Ангарская 100", S.address, "flat"),
           T("частный дом", S.contacts, "consent", lacks=HUH)),
]

# -- found in tests/conversations, second round ------------------------------------------------
UNDERSTANDING_SCRIPTS += [
    script("a call back asked with the phone and the name in one message",
           T("Соедините с менеджером, мой номер 8-937-400-50-60, Вячеслав", S.tariff, "consent",
             lacks="напишите ваше имя и номер"),
           T("согласен", S.tariff, "segment", has="оператор перезвонит вам по номеру "
             "+7 937 400-50-60", lead=True),
           T("мне нужен менеджер", S.tariff, None, has="Заявка на звонок уже передана",
             lacks="Если удобнее", lead=False),
           lead={"kind": "callback", "name": "Вячеслав", "phone": "+79374005060"}),
    script("a call back without a name: asked once, after consent",
           T("перезвоните мне пожалуйста, 89176543210", S.tariff, "consent"),
           T("да", S.tariff, "name", has="Как к вам обращаться", suggests="Без имени",
             lead=False),
           T("Вера", S.tariff, "segment", has="оператор перезвонит", lead=True),
           lead={"kind": "callback", "name": "Вера"}),
    script("a call back: the name may be skipped",
           T("перезвоните мне, 89176543210", S.tariff, "consent"),
           T("да", S.tariff, "name"),
           T("Без имени", S.tariff, "segment", has="оператор перезвонит", lead=True),
           lead={"kind": "callback", "name": None}),
    script("an offered call back still stands after a message not understood",
           T("позвоните мне пожалуйста я печатать плохо умею", S.tariff, "callback"),
           T("ну как у соседки", S.tariff, "callback", has="напишите ваше имя и номер"),
           T("8 961 06 55 432", S.tariff, "consent")),
    script("the whole address typed again at the flat question", TO_ADDRESS,
           T("Ангарская 100", S.address, "flat"),
           T("Волгоград, Ангарская 100, кв 61", S.contacts, "consent",
             has="Ангарская улица, д. 100, кв. 61", lacks=(HUH, "Правильно понимаю"))),
    script("a city said in the first message is the address's city",
           T("Добрый день, нужен интернет в Волжском", S.tariff, "segment"),
           T("дом", S.tariff, "tariff"),
           T("Домашний", S.extras, "cctv"),
           T("нет", S.extras, "static_ip"),
           T("нет", S.address, "address"),
           T("Ленина 12 кв 34", S.contacts, "consent",
             has="Волжский, проспект Ленина, д. 12, кв. 34")),
    script("a name the dictionary knows as a word is read back, not refused", TO_ADDRESS,
           T("ул. Мира, 5, кв 12", S.contacts, "consent"),
           T("Согласен", S.contacts, "name"),
           T("Толик", S.contacts, "verify_name", has="Вас зовут Толик, верно?", lacks=HUH)),
    script("«доступ к 1С» is no time", IP_ASKED,
           T("Да, нужен, у нас удалённый доступ к 1С", S.address, "address", lacks=HUH)),
    script("a question beside the segment is a question", GREET,
           T("для офиса", S.tariff, "tariff"),
           T("А счёт на юрлицо вы выставляете?", S.tariff, "tariff",
             has="точно ответит оператор", lacks=HUH)),
    script("«давай инет подключим» opens the talk",
           T("давай инет подключим", S.tariff, "segment", lacks=HUH)),
]

# -- found in the first holdout, folded into the corpus once reported ---------------------------
TO_CONSENT = [*TO_ADDRESS, T("ул. Мира, 5, кв 12", S.contacts, "consent")]
UNDERSTANDING_SCRIPTS += [
    script("a count before a mistyped «камеру»", CCTV_ASKED,
           T("да одну камкру на входнуб дверь", S.extras, "static_ip", has="1 камера",
             lacks=HUH)),
    script("cameras changed at the date question, counted in pieces", TO_SCHEDULE,
           T("Слушайте, а камеры я всё-таки хочу, четыре штуки, на балкон и в коридор",
             S.schedule, "date", has="4 камеры", lacks=HUH)),
    script("a value said again is no miss", TO_SCHEDULE,
           T("камеры хочу, две штуки", S.schedule, "date", lacks=HUH)),
    script("consent with a slip of the finger", TO_CONSENT,
           T("согдасна", S.contacts, "name", has="согласие записала", lacks=HUH)),
    script("a no with a slip of the finger", IP_ASKED,
           T("нит", S.address, "address", lacks=(HUH, "Постоянный IP —"))),
    script("a question of one's own, then the answer", IP_ASKED,
           T("а это зачем? ну давай, для сервака пригодится", S.address, "address",
             has="Постоянный IP — 300 ₽/мес", lacks=HUH)),
    script("the thing asked echoed, then a no", CCTV_ASKED,
           T("камеры? не, нафиг", S.extras, "static_ip", lacks=HUH)),
    script("the simplest of the office tariffs", GREET,
           T("для офиса", S.tariff, "tariff"),
           T("самый простой офисный", S.extras, "router", has="«Пакет Офисный СТАРТ»",
             lacks="Уточните")),
    script("a tariff asked about, then taken", *HOME_TARIFFS,
           T("безлимитище на 500? беру", S.extras, "cctv", has="Отличный выбор: «Безлимитище»")),
    script("no email, said at length", TO_PHONE,
           T("89991234567", S.contacts, "email"),
           T("у меня нет электронной почты это у внука только", S.schedule, "date", lacks=HUH)),
]
UNDERSTANDING_SCRIPTS += [
    script("contacts typed at the consent question: read back in the consent question itself, "
           "not asked before it nor again after it", TO_CONSENT,
           T("Надежда, 8 904 123-45-67, почты нет", S.contacts, "consent",
             has="Записываю вас как Надежда, +7 904 123-45-67",
             lacks="Вас зовут Надежда, верно?"),
           T("двадцать первого числа к обеду", S.contacts, "consent",
             has=("Визит мастера записала: 21 декабря (понедельник), 12:00",
                  "Осталось ваше согласие на обработку персональных данных"),
             lacks="Записываю вас как"),  # read back once, not twice
           T("да", S.confirm, "confirm", has=("согласие записала", "Имя: Надежда",
                                              "12:00"),
             lacks=("Как к вам обращаться", "Вас зовут"))),
]

UNDERSTANDING_SCRIPTS += [
    script("contacts typed before their step: said to be kept, read back at the consent",
           T("Премиум домой, тел 89991234567", S.extras, "cctv",
             has=("«Пакет Премиум»", "Контакты запомнила")),
           T("без камер", S.extras, "static_ip", lacks="Контакты запомнила")),
    script("a name said at the start: greeted by it",
           T("здравствуйте, меня зовут Ольга, хочу интернет домой", S.tariff, "tariff",
             has="Приятно познакомиться, Ольга!", lacks="Контакты запомнила")),
]

# -- «а это зачем?» about the question just asked: why it is asked, then the question again ----
UNDERSTANDING_SCRIPTS += [
    script("«а какая разница?» to home or office", GREET,
           T("а какая разница?", S.tariff, "segment",
             has=("в домашних роутер в подарок", "от 1 090 ₽/мес"), lacks=("оператор", HUH))),
    script("«а это обязательно?» to the cameras", CCTV_ASKED,
           T("а это обязательно?", S.extras, "cctv", has="Видеонаблюдение не обязательно",
             lacks=("оператор", HUH))),
    script("«а зачем он?» to the static IP", IP_ASKED,
           T("а зачем он?", S.extras, "static_ip", has="Постоянный IP не обязателен",
             lacks=("оператор", HUH)),
           T("не нужен тогда", S.address, "address")),
    script("a question about something else is still for the operator", IP_ASKED,
           T("а счёт на юрлицо выставляете?", S.extras, "static_ip", has="оператор",
             lacks="Постоянный IP не обязателен")),
]

# -- two phone numbers in one message: the corrected one, or asked which -----------------------
TO_NAME = [*TO_ADDRESS, T("ул. Мира, 5, кв 12", S.contacts, "consent"),
           T("Согласен", S.contacts, "name")]
UNDERSTANDING_SCRIPTS += [
    script("an old number and a new one: the new one", TO_NAME,
           T("Иван, старый номер 8 999 111 22 33, новый 8 999 444 55 66", S.contacts, "email",
             lacks=HUH),
           T("без почты", S.schedule, "date"),
           T("завтра вечером", S.confirm, "confirm", has="Телефон: +7 999 444-55-66",
             lacks="111-22-33")),
    script("two numbers and no word saying which: asked, never guessed", TO_NAME,
           T("Иван, мой 8 999 111 22 33, жены 8 999 444 55 66", S.contacts, "phone",
             has="Какой номер записать", suggests=("+7 999 111-22-33", "+7 999 444-55-66")),
           T("+7 999 444-55-66", S.contacts, "email")),
]

# -- found in batch C (a fifth writer) ---------------------------------------------------------
UNDERSTANDING_SCRIPTS += [
    script("a flat corrected at the summary, the new number first", TO_CONFIRM,
           T("ой стоп, квартира 21 а не 12", S.confirm, "confirm",
             has="Волгоград, улица Мира, д. 5, кв. 21", lacks=HUH, lead=False)),
    script("«к обеду» is read back as noon, and the answer is no move", TO_SCHEDULE,
           T("в понедельник к обеду", S.confirm, "time", has="Правильно понимаю: в 12:00?"),
           T("к 12", S.confirm, "confirm", has="30 ноября (понедельник), 12:00",
             lacks="Перенесла")),
    script("the postal form: street, house, flat", TO_ADDRESS,
           T("ул. Мира, 5, 12", S.contacts, "consent", has="улица Мира, д. 5, кв. 12")),
    script("«нинада»", CCTV_ASKED, T("нинада", S.extras, "static_ip", lacks=HUH)),
    script("a holiday greeting is a greeting",
           T("С Рождеством вас", S.tariff, "segment", has="Здравствуйте", lacks=HUH)),
    script("«позвоните мне» with a name and a phone, before anything is asked: a call back", GREET,
           T("позвоните мне пожалуйста по телефону, Нина Петровна 8 961 222 33 44", S.tariff,
             "consent"),
           T("да", S.tariff, "segment", has="оператор перезвонит вам по номеру +7 961 222-33-44",
             lead=True),
           T("да мне просто позвоните, там разберемся", S.tariff, None,
             has="Заявка на звонок уже передана", lead=False),
           lead={"kind": "callback", "name": "Нина Петровна"}),
]

# -- found in batch D (a sixth writer: offices, changes of mind, Волжский) ----------------------
OFFICE_ROUTER = [GREET, T("для офиса", S.tariff, "tariff"), T("старт", S.extras, "router")]
OFFICE_ADDRESS = [*OFFICE_ROUTER, T("в аренду", S.extras, "cctv"), T("нет", S.extras, "static_ip"),
                  T("нет", S.address, "address")]
UNDERSTANDING_SCRIPTS += [
    *[script(f"a business in a word: «{say}»", GREET,
             T(say, S.tariff, "tariff", has="Тарифы для офиса", lacks=HUH))
      for say in ("Для конторы", "для точки", "ларек, торговля", "для пекарни")],
    script("«частный дом» to the flat question of an office keeps the office", *OFFICE_ADDRESS,
           T("советская 12", S.address, "flat"),
           T("частный дом", S.contacts, "consent", lacks=("для дома", "Тарифы для дома"))),
    script("a pavilion's number is the flat", *OFFICE_ADDRESS,
           T("Рабоче-Крестьянская 45, павильон 3", S.contacts, "consent",
             has="Рабоче-Крестьянская улица, д. 45, кв. 3")),
    script("whichever router is cheaper: bought", *OFFICE_ROUTER,
           T("купим какой подешевле", S.extras, "cctv", lacks=HUH)),
    script("another tariff asked about and taken at the router question", *OFFICE_ROUTER,
           T("хм, 1850 много? а стандарт 200 мбит? давайте его", S.extras, "router",
             has="«Пакет Офисный СТАНДАРТ»")),
    script("the rent removed at the summary, an own router instead", *OFFICE_ADDRESS,
           T("ул. Мира, 5, оф 12", S.contacts, "consent"), T("да", S.contacts, "name"),
           T("Иван, 89991234567", S.contacts, "email"), T("нет", S.schedule, "date"),
           T("завтра в 10", S.confirm, "confirm"),
           T("ой, роутер у меня свой оказывается есть, аренду уберите", S.confirm, "confirm",
             has="Роутер: свой")),
    script("cameras removed and the IP dropped at the summary", TO_CONFIRM,
           T("камеру уберите, я сам потом поставлю", S.confirm, "confirm",
             has="Видеонаблюдение: нет")),
    script("«без него» is about the thing before it", TO_CONFIRM,
           T("а IP давайте лучше без него", S.confirm, "confirm", has="Постоянный IP: нет",
             lacks=HUH)),
    script("two days in one message: the one chosen, read back", TO_CONFIRM,
           T("Ой, в субботу у нас гости. Давайте в воскресенье в 11", S.confirm, "verify_date",
             has="29 ноября (воскресенье)")),
    script("«с 8» before opening is the opening hour, read back; the same words confirm it",
           TO_SCHEDULE,
           T("завтра с утра, мы с 8 открыты", S.confirm, "time", has="в 09:00?"),
           T("завтра с утра, мы с 8 открыты", S.confirm, "confirm", has="09:00")),
    script("outside coverage, then only the city: the same address there", TO_ADDRESS,
           T("Ленина 300 кв 5", S.address, "tech_check"),
           T("волжский", S.contacts, "consent", has="Волжский, проспект Ленина, д. 300")),
    script("«нет, не надо пока» to the tariff question stops politely", *HOME_TARIFFS,
           T("нет, не надо пока", S.tariff, None, has="не оформляю", lead=False)),
]

# -- found in batch E (a seventh writer: voice input, the elderly, pasted addresses) ------------
UNDERSTANDING_SCRIPTS += [
    script("an address pasted with the index and the region", TO_ADDRESS,
           T("404130, Волгоградская обл., г. Волжский, пр-кт Ленина, д. 300, кв. 45", S.contacts,
             "consent", has="Волжский, проспект Ленина, д. 300, кв. 45")),
    script("«мне бы человека живого»", GREET,
           T("мне бы человека живого", S.tariff, "callback", lacks=HUH)),
    script("«позвоните пожалуйста на домашний телефон»: a call back, not the tariff «Домашний»",
           T("Здравствуйте. Позвоните пожалуйста на домашний телефон 8442 93 44 12 Николай "
             "Петрович, хочу интернет подключить", S.tariff, "consent",
             lacks="Пакет Домашний")),
    script("whether the visit is called ahead is answered, not a call back", TO_CONFIRM,
           T("А мастер мне позвонит перед приходом?", S.confirm, "confirm",
             has="менеджер позвонит накануне", lacks="перезвонит вам по номеру")),
    script("who the customer is to her is not her name", TO_NAME,
           T("сестра Тамара Ильинична", S.contacts, lacks="Сестра")),
    script("«работаю из дома» is home", GREET,
           T("дом, но работаю из дома", S.tariff, "tariff", has="Тарифы для дома")),
    script("the count said with a reason, to «сколько камер?»", CCTV_ASKED,
           T("да", S.extras, "cctv"),
           T("камеры на все четыре угла дома, значит четыре", S.extras, "static_ip",
             has="4 камеры")),
    *[script(f"yes and no in signs and words: «{say}»", TO_CONFIRM,
             T(say, step, pending, lead=lead))
      for say, step, pending, lead in [("✅", S.done, "referrer", True),
                                       ("так точно", S.done, "referrer", True),
                                       ("❌", S.confirm, "change", False)]],
]

# -- found in batch F (an eighth writer: translit, glued words, hesitation) ---------------------
UNDERSTANDING_SCRIPTS += [
    script("the segment in Latin letters", GREET,
           T("doma", S.tariff, "tariff", has="Тарифы для дома", lacks=HUH)),
    script("a flat as «kv»", TO_ADDRESS,
           T("Мира 5 kv 9", S.contacts, "consent", has="улица Мира, д. 5, кв. 9")),
    script("consent in the last sentence", TO_CONSENT,
           T("всё, я тут, продолжим. да, согласна", S.contacts, "name", lacks=HUH)),
    script("«вот теперь да» to the summary", TO_CONFIRM,
           T("вот теперь да", S.done, "referrer", lead=True)),
    script("«пусть мне лучше перезвонят» is a call back", *HOME_TARIFFS,
           T("я не знаю, пусть мне лучше перезвонят и объяснят", S.tariff, "callback",
             lacks=HUH)),
    script("«мне только тв»: answered, and not pressed", GREET,
           T("мне только тв", S.tariff, None, has=("Телевидения в наших тарифах нет",
                                                   "не оформляю"))),
    script("a subscriber's repair goes to support, and a «нет» to the call back is not pressed",
           T("я уже подключен!!! мне починить надо, а не новый", S.tariff, "callback",
             has="служба поддержки"),
           T("нет", S.tariff, None, has="Если понадобится помощь", lacks=HUH)),
    script("a «нет» to the call back after asking for a person goes on here", IP_ASKED,
           T("а можно оператора?", S.extras, "callback"),
           T("нет", S.extras, "static_ip", has="продолжим здесь")),
]
UNDERSTANDING_SCRIPTS += [
    script("a «нет» to the call back offered after the request is made", TO_CONFIRM,
           T("да", S.done, "referrer", lead=True),
           T("позовите оператора", S.done, "callback"),
           T("Не согласен", S.done, None, has="Если понадобится помощь")),
]

# -- found in batch G (a ninth writer) ---------------------------------------------------------
UNDERSTANDING_SCRIPTS += [
    script("«да вс верно»: «вс» is «всё», not Sunday", TO_CONFIRM,
           T("да вс верно", S.done, "referrer", lead=True)),
    script("the right street with a verb before its house, then yes to the summary",
           TO_ADDRESS,
           T("ой я на краснопресненской живу дом 18 квартира 22", S.contacts, "consent",
             has="Краснопресненская улица, д. 18, кв. 22")),
    script("a count after a question of one's own, to «сколько камер?»", CCTV_ASKED,
           T("да", S.extras, "cctv"),
           T("а сколько 4 камеры? давайте 4, двор смотреть", S.extras, "static_ip",
             has="4 камеры")),
]
UNDERSTANDING_SCRIPTS += [
    script("a price in words as said: «за тыщу двести девяносто»", *HOME_TARIFFS,
           T("средний какой там, за тыщу двести девяносто", S.extras, "cctv",
             has="«Пакет Оптимальный»", lacks=HUH)),
]

# -- read through `aida chat` at the end of the session --------------------------------------
UNDERSTANDING_SCRIPTS += [
    script("advice asked after the list: the advice is the question, the list not shown again",
           *HOME_TARIFFS,
           T("а какой посоветуете для сериалов?", S.tariff, "tariff",
             has="Оформим «Пакет Оптимальный»?", lacks="Тарифы для дома",
             suggests="Пакет Оптимальный"),
           T("давайте его", S.extras, "cctv", has="«Пакет Оптимальный»")),
]
UNDERSTANDING_SCRIPTS += [
    script("a third miss in a row gets support and a call back, not the same hint again", GREET,
           T("абырвалг", S.tariff, "segment", has="Не совсем поняла"),
           T("ыыы", S.tariff, "segment", has="не получается разобрать"),
           T("ъъъ", S.tariff, "callback", has=("Похоже, я вас не совсем понимаю",
                                               "support@smit34.ru"),
             lacks="не получается разобрать"),
           T("нет", S.tariff, "segment", has="продолжим здесь")),
    script("«кв» to home or office is home", GREET,
           T("кв", S.tariff, "tariff", has="Тарифы для дома")),
]

# -- the fourth holdout's misses (its first run is in the README, as it came out) -------------
EMAIL_ASKED = [*TO_PHONE, T("89991234567", S.contacts, "email")]
UNDERSTANDING_SCRIPTS += [
    script("consent given after a question of one's own", TO_CONSENT,
           T("а без этого никак? ну ладно, согласен", S.contacts, "name",
             has="согласие записала", lacks="удалила")),
    script("consent with a letter missing", TO_CONSENT,
           T("Сгласна", S.contacts, "name", has="согласие записала", lacks=HUH)),
    script("a yes at the end of a sentence to the summary", TO_CONFIRM,
           T("вот теперь верно, да", S.done, "referrer", has="Заявка принята", lacks=HUH)),
    script("«не разбираюсь» after a question about the router: no router taken, the question "
           "answered and asked again", OFFICE_ROUTER,
           T("А роутер что выгоднее, аренда или купить? Я в этом не разбираюсь", S.extras,
             "router", lacks="подключим ваш роутер"),
           T("тогда аренду", S.extras, "cctv", has="аренд")),
    script("«не знаю» to the router: what it is for, not a guess", OFFICE_ROUTER,
           T("не знаю", S.extras, "router", has="без него интернет не раздать",
             lacks=("подключим ваш роутер", HUH))),
    script("«нужен или нет, не знаю» to the static IP: neither a yes nor a no", IP_ASKED,
           T("нужен или нет не знаю", S.extras, "static_ip",
             lacks=("Постоянный IP — 300 ₽/мес.", HUH))),
    script("«…надо или нет» asks a question, it does not decline the static IP", IP_ASKED,
           T("а за само подключение платить надо или нет скажите пожалуйста", S.extras,
             "static_ip", lacks=HUH)),
    script("a long hedged refusal of the static IP", IP_ASKED,
           T("я не знаю что это такое наверно не нужно", S.address, "address", lacks=HUH)),
    script("no email, in another word order", EMAIL_ASKED,
           T("электронной почты у меня нет это у внука только", S.schedule, "date",
             lacks=HUH)),
    script("a manager wanted to decide: the call back offered, not the question again",
           OFFICE_ROUTER,
           T("не знаю, надо с менеджером обсудить", S.extras, None,
             has="Связаться с поддержкой", lacks=("подключим ваш роутер", HUH))),
    script("a misspelt street with its type after it, and a misspelt «квартира»",
           *TO_ADDRESS[:-1], T("нет", S.address, "address"),
           T("Университетсктй проспект 88 кваритра 41", S.contacts, "verify_address",
             has="Правильно понимаю, адрес: Волгоград, Университетский проспект, д. 88, кв. 41?",
             lacks=HUH),
           T("да", S.contacts, "consent", has="подключение возможно")),
    script("transliteration: a greeting, «domoi», a weekday without its soft sign",
           T("zdravstvuite", S.tariff, "segment", lacks=HUH),
           T("domoi", S.tariff, "tariff", has="Тарифы для дома", lacks=HUH)),
]

# -- «всё так» to contacts read back in the consent question: they are right; no consent yet --
CONTACTS_READ_BACK = [*TO_CONSENT, T("Надежда 8 904 555 12 12, почты нет", S.contacts, "consent",
                                     has="Записываю вас как Надежда, +7 904 555-12-12")]
UNDERSTANDING_SCRIPTS += [
    *[script(f"«{say}» to contacts read back: the contacts are right, consent still asked",
             CONTACTS_READ_BACK,
             T(say, S.contacts, "consent", has="Спасибо, контакты верны",
               lacks=("согласие записала", HUH)),
             T(say, S.schedule, "date", has="согласие записала"))  # now it answers «согласны?»
      for say in ("всё так", "верно")],
    script("a plain yes to contacts read back is consent", CONTACTS_READ_BACK,
           T("да, всё так", S.schedule, "date", has="согласие записала")),
    script("«всё так» to the consent question with no contacts read back is consent", TO_CONSENT,
           T("всё так", S.contacts, "name", has="согласие записала")),
]

