"""What the customer wants from this message, beyond slot values: yes/no, a question and its
topics, a restart, a human, to stop. Rules over normalised words; the slot extractors live in
the sibling modules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from aida.catalog import Catalog
from aida.understanding.slots import SLOTS
from aida.understanding.types import Intent

# What a message wants (a question, a yes, a human…) is said in its first lines; a long paste
# is read for intent only this far, so intent rules cost a bounded time whatever the length.
INTENT_CHARS = 1000


def normalise(text: str) -> str:
    return text[:INTENT_CHARS].lower().replace("ё", "е").strip()


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(patterns))


def _words(*patterns: str) -> re.Pattern[str]:
    """Patterns that match only from the start of a word: «тв» is not in «здравствуйте»."""
    return re.compile("|".join(rf"(?<!\w)(?:{p})" for p in patterns))


RESTART = _rx(r"\b(начать|начнем|начнем|давайте|давай)\s+(все\s+)?(заново|сначала|с начала)\b",
              r"^(заново|сначала|с начала|рестарт|/start|/restart)\b",
              r"\bсбросить\s+(все|заявку|диалог)\b")
# «хочу … оператора»: what follows a verb is looked for within a sentence's reach, not to
# the end of the text, so a message of repeated verbs costs linear time, not quadratic.
_NEAR = r".{0,160}?"
# «15 человек», «на 20 сотрудников» count people; they do not ask for one.
HANDOFF_WHO = (r"(оператор\w*|менеджер\w*|(?<!\d )(?<!\d)человек\w*|специалист\w*|консультант\w*"
               r"|сотрудник(?!ов)\w*)")
HANDOFF = _rx(rf"\b(позов\w*|позвать|позвоните|соедини\w*|переключ\w*|свяж\w*|дайте|хочу|нужен|нужна|можно|поговорить)\b{_NEAR}\b{HANDOFF_WHO}",
              rf"^{HANDOFF_WHO}[!.?]*$",
              rf"\b{HANDOFF_WHO}\s+(мне\s+)?(надо|нужен|нужна|нужно|давайте|позовите|пожалуйста"
              r"|(по|пере)?звон\w*)\b",
              rf"\bне\s+(люблю|хочу|буду)\b{_NEAR}\bробот\w*", r"\bс\s+робот\w*\s+не\b",
              r"\bживо\w*\s+(человек|оператор)\w*", r"\b(человек|оператор)\w*\s+живо\w*",
              r"\bмне\s+бы\s+(\w+\s+)?(человек|оператор|менеджер)\w*",
              r"\bперезвоните\b", r"\bобратн\w+\s+звон\w*",
              # «надо с менеджером обсудить», «посоветуюсь с менеджером»
              rf"\b(обсуд\w*|посовет\w*|решу|решим|решать)\s+с\s+{HANDOFF_WHO}",
              rf"\bс\s+{HANDOFF_WHO}\s+(обсуд\w*|посовет\w*|реш\w*)")
# «позвоните мне», «можно мне позвонят»: a call wanted, unless the message is a phone
# given for the visit («звоните мне, +7 903 …»).
# («мастер мне позвонит перед приходом?» asks about the visit: a request, not a future.)
CALL_ME = _rx(r"\b(по|пере)?звони(те|ть)?\s+мне\b",
              r"\bмне\s+(бы\s+|просто\s+|лучше\s+)?(по|пере)?звони(те|ть)\b",
              r"\b(просто|лучше)\s+(по|пере)звоните\b",
              r"^(по|пере)звоните\b", r"\b(по|пере)звоните\s+(пожалуйста|нам|на)\b",
              r"\b(можно|пусть)\s+(мне\s+)?(лучше\s+|просто\s+)?(по|пере)?звон(ите|ить|ят|ят\w*)\b")
CANCEL = _rx(r"^(отмена|отменить|отмените|стоп|хватит)\b",
             r"\bпередумал\w*\b",
             r"\bне\s+(хочу|буду)\s+(ничего\s+)?(подключать|оформлять|заявку)\b",
             r"\bничего\s+не\s+(надо|нужно)\b", r"\bне\s+интересно\b")
YES = _rx(r"^(да|ага|угу|ок|окей|ok|okay|конечно|верно|правильно|подтверждаю|согласен|согласна"
          r"|хорошо|давайте|именно|точно|yes|\+|👍)\b",
          r"^(все|всё)\s+(верно|так|правильно)\b", r"^да\b")
NO = _rx(r"^(нет|неа|не-а|no|никак\w*|не\s+надо|не\s+нужно|не\s+нужен|не\s+нужна|не\s+нужны"
         r"|не\s+хочу|не\s+требуется|без\s+(этого|них|него|нее)|отказываюсь)\b",
         r"^не\s+(верно|так|правильно)\b")
WANT_CHANGE = _rx(r"^(хочу\s+|нужно\s+|надо\s+|давайте\s+)?(изменить|исправить|поменять|"
                  r"внести\s+изменени\w*|не\s+все\s+верно|есть\s+ошибк\w*)\b")
WANT_SERVICE = _rx(r"\b(хочу|хотим|хотел\w*|нужен|нужна|нужно|надо|интересует|планиру\w*|можно"
                   r"|давай|давайте)\b"
                   rf"{_NEAR}\b(интернет\w*|инет\w*|подключ\w*|тариф\w*|заявк\w*)",
                   r"^(подключ\w+|интернет\w*|инет\w*|оформ\w+\s+заявк\w*)\b")
CONTINUE = _rx(r"^(продолжить|продолжим|продолжаем|дальше|продолжить\s+здесь)\b")
# Greetings and openers. A greeting phrase is never a time («доброе утро» is not 09:00): the
# extractor blanks `GREETING_PHRASE` before reading dates.
_GREETING_WORDS = (r"здравствуй\w*|здрасьте|здрасте|здравия\s+желаю|привет\w*|приветствую"
                   r"|добр\w+\s+(утр\w*|дн\w*|день|вечер\w*|ноч\w*|времени\s+суток)"
                   r"|(утро|день|вечер)\s+добр\w+|хай|хеллоу|hello|hi|салют|алло|алле|ау"
                   r"|есть\s+(кто|кто-нибудь|кто\s+нибудь)(\s+(живой|тут|здесь|на\s+связи))?"
                   r"|с\s+(рождеством|новым\s+годом|наступающим|прошедшим|праздник\w*)"
                   r"(\s+(вас|тебя))?")
GREETING = _rx(rf"^({_GREETING_WORDS})\b")
GREETING_PHRASE = re.compile(r"(?<!\w)(добр\w+\s+(утр\w*|дн\w*|день|вечер\w*|ноч\w*)"
                             r"|(утро|день|вечер)\s+добр\w+)(?!\w)")
# Only greeting words (and punctuation): «алло», «есть кто?», «здравствуйте!!!».
GREETING_ONLY = _rx(rf"^(({_GREETING_WORDS})\b[\s,.!?)(]*)+$")
GREETING_ONLY_CHARS = 80  # longer is more than a greeting (and stays cheap to read)
# An existing subscriber: a fault, a payment, the balance, leaving. Sent to support.
SUPPORT = _words(
    r"(интернет\w*|инет\w*|связ\w*|wi-?fi|вай-?фай|роутер\w*|сеть)\s+(у\s+меня\s+|опять\s+|вообще\s+|совсем\s+|снова\s+)*"
    r"(не\s+работа\w*|не\s+груз\w*|пропа\w*|отвали\w*|лага\w*|тормоз\w*|глюч\w*|не\s+ловит)",
    r"(нет|пропал\w*)\s+(интернет\w*|инет\w*|связ\w*|сети)\b",
    r"(интернет\w*|инет\w*|связи)\s+(нет|пропал\w*)\b",
    r"(у\s+меня|у\s+нас)\s+уже\s+(есть\s+ваш|подключ\w*|ваш)", r"(мне|нам)\s+(нужно\s+|надо\s+)?оплатить",
    r"оплатил\w*", r"я\s+(уже\s+)?(ваш\s+)?абонент\w*", r"я\s+уже\s+подключ\w*",
    r"(по)?чинить", r"(отремонтир|ремонтир)\w*\s+(интернет|инет|роутер|связь)",
    r"у\s+(меня|нас)\s+(ничего\s+|опять\s+|снова\s+|все\s+)?не\s+работает",
    r"не\s+работает\s+(интернет|инет|роутер|связь)",
    r"(как|где|куда|чем)\s+(можно\s+)?(оплатить|заплатить|платить|пополнить)",
    r"(оплатить|пополнить|заплатить\s+за)\s+(интернет|счет|баланс|услуг)",
    r"(мой|мой\s+|какой\s+у\s+меня\s+|у\s+меня\s+)?баланс\w*",
    r"лицев\w+\s+сч[её]т\w*", r"личн\w+\s+кабинет\w*",
    r"(хочу|хотим|надо|нужно|как)\s+(бы\s+)?(отключиться|отключить\s+(интернет|услуг\w*)|расторгнуть)",
    r"расторг\w*\s+договор\w*",
    r"я\s+(уже\s+)?(ваш|у\s+вас)\s+(абонент|клиент)", r"уже\s+подключен\w*\s+у\s+вас",
)
# Not now: «я подумаю», «пока не буду», «просто узнать» (read after questions, without slots).
SOFT_CANCEL = _words(r"подума(ю|ем)\b", r"пока\s+не\s+(буду|надо|нужно|хочу|стоит)\b",
                     r"(мне|нам)\s+только\s+(тв|телевиден\w*|телевизор\w*)",
                     r"интернет\s+(мне\s+|нам\s+)?не\s+нуж\w*",
                     r"не\s+(надо|нужно)\s+пока\b",
                     r"просто\s+(узна|спрос|интерес|смотр)\w*", r"поищу\s+друг\w*",
                     r"дорого\b")
# «интернет не работает, хочу подключиться к вам»: a new customer after all.
NEW_CONNECTION = _words(r"(?<!не )подключ(?!ен)", r"(?<!не )провести", r"перейти", r"переход")
# «доп услуги не нужны», «ничего больше не надо»: declines the rest of what is offered.
NO_MORE = _words(
    r"(доп\w*|дополнительн\w*)\s*(услуг\w*|опци\w*)?\s+(не\s+(надо|нужн\w*)|ни\s+к\s+чему)",
    r"без\s+(доп\w*|дополнительн\w*)",
    r"(больше|еще|дополнительно)\s+ничего\s+не\s+(надо|нужно)",
    r"ничего\s+(больше|еще|дополнительно(го)?|лишнего)\s+не\s+(надо|нужно)",
    r"ничего\s+не\s+(надо|нужно)", r"только\s+интернет",
)
RELATIVE_DAY = _words(r"завтра", r"послезавтра", r"после\s*завтра")
# «не знаю», «я в этом не разбираюсь»: undecided about the question asked (said without a yes
# or a no to it, it asks what the question is for).
UNDECIDED = _rx(r"(?<!\w)(не\s+знаю|не\s+разбираюсь|не\s+понимаю|затрудняюсь|без\s+понятия"
                r"|сложно\s+сказать|не\s+уверен\w*|хз)(?!\w)")
THANKS = _rx(r"^(спасибо|благодарю|спс|сенкс)\b")
SKIP = _rx(r"^(пропустить|пропусти|не\s+скажу|не\s+важно|неважно|не\s+помню)\b")
QUESTION_WORD = _rx(r"^(а\s+)?(сколько|какие|какой|какая|каки\w+|есть\s+ли|а\s+есть|можно\s+ли"
                    r"|как\w*|когда|где|что|почему|зачем|чем|подскажите|расскажите|интересует"
                    r"|входит\s+ли|нужно\s+ли|нужен\s+ли|будет\s+ли|провер\w+|узна\w+)\b(?!-)")
# («где-то», «как-нибудь», «что-то» are no question words)
EMAIL_DECLINED = _rx(r"\bбез\s+(email|почты|имейл\w*|емейл\w*|e-mail|мейл\w*)\b",
                     r"\b(почты|email|имейла|e-mail|мейла)\s+(у\s+(меня|нас)\s+)?"
                     r"(нет|не\s+будет|не\s+надо|не\s+нужно)\b",
                     r"\bнет\s+(электронн\w*\s+)?(почты|email|e-mail|имейла|мейла)\b",
                     r"\bне\s+(хочу|буду)\s+(указывать|давать|оставлять)\s+(почту|email)")

# Slots a customer may ask to change by naming them ("телефон не тот", "поменять адрес"):
# the slot registry's change words.
CHANGE_FIELDS: dict[str, re.Pattern[str]] = {
    name: _words(*spec.change_words) for name, spec in SLOTS.items() if spec.change_words
}
CHANGE_VERB = _rx(r"измен", r"поменя", r"исправ", r"смен", r"\bдруг(ой|ая|ое|ую)\b",
                  r"\bне\s+т(от|а|о|у)\b", r"неправильн", r"ошиб", r"\bне\s+верн", r"перенес",
                  r"опечата", r"\bне\s+\d[\w/-]*\s*,?\s+а\s+\d", r"(?<![\w/-])\d[\w/-]*\s*,?\s+а\s+не\s+\d")

# «самый дешёвый», «подешевле», «самый быстрый»: a question about, or a pick of, a tariff.
CHEAPEST = (r"(по|самы\w+\s+)деш[её]в\w*|(по|самы\w+\s+)дешов\w*|подешевле|(само\w+\s+)?недорог\w*|бюджетн\w*|эконом\w*"
            r"|самы\w+\s+(прост|дешев|бюджетн|маленьк|минимальн)\w*|подешевше")
FASTEST = (r"побыстрее|самы\w+\s+(быстр|мощн|скоростн)\w*|максимальн\w+\s+скорост\w*"
           r"|быстрее\s+(всех|всего)|самы\w+\s+(лучш|дорог)\w*")

PICK = _words(r"давайте", r"давай", r"беру", r"возьму", r"оформля\w*", r"подключайте",
              r"пусть\s+будет", r"тот\s+и", r"его\s+и")

# Built-in topics answered from the catalog's data (see aida.dialogue.answers).
TOPICS: dict[str, re.Pattern[str]] = {
    "router": _words(r"роутер", r"маршрутизатор", r"wi-?fi", r"вай-?фай"),
    "cctv": _words(r"камер", r"видеонаблюд", r"видеокамер"),
    "static_ip": _words(r"\bip\b", r"\bайпи\b", r"\bip-адрес", r"статическ", r"белый\s+адрес"),
    "tariffs": _words(r"тариф", r"прайс", r"скорост", r"\bпакет"),
    "total": _words(r"итог", r"сколько\s+(всего|в\s+итоге|получается|выйдет)", r"общ\w+\s+стоимост"),
    "coverage": _words(r"покрыти", r"подключаете\s+ли", r"\bв\s+каких\s+(районах|городах)",
                    r"где\s+(вы\s+)?(работаете|подключаете)", r"провед\w+\s+ли",
                    r"провер\w*\s+(мой\s+|наш\s+)?адрес", r"адрес\w*\s+подключени",
                    r"можно\s+ли\s+подключ\w+\s+(по|на)\s",
                    r"есть\s+(ли\s+)?(у\s+вас\s+)?(подключени|интернет|покрыти)",
                    r"(подключени\w*|интернет)\s+(там\s+)?есть", r"подключаете"),
    "hours": _words(r"часы\s+работы", r"график", r"во\s+сколько\s+(приед|мастер)", r"в\s+выходные",
                 r"время\s+работы"),
    # A consultant's advice (aida.dialogue.advice).
    "cheapest": _words(CHEAPEST),
    "fastest": _words(FASTEST),
    "compare": _words(r"чем\s+(\w+\s+){1,4}(лучше|хуже|отлича\w*)", r"разниц\w*",
                      r"сравн\w*", r"отличаются"),
    "connection_fee": _words(r"(сколько\s+стоит|стоимость|цена)\s+(само\s+|сам\w*\s+)?"
                             r"(подключени|установк|монтаж|провед|работ\w*\s+мастер)",
                             r"подключение\s+(платн|бесплатн|стоит|сколько)",
                             r"за\s+подключение", r"(платн|бесплатн)\w*\s+подключ"),
    "visit_soon": _words(r"через\s+сколько\s+(дней|времени)",
                         r"как\s+(скоро|быстро)\s+(\w+\s+)?(приед|подключ|придет|мастер)",
                         r"когда\s+(\w+\s+)?(приедет|придет|мастер|сможет|подключ)",
                         r"ближайш\w+\s+(время|дат\w*|день|запис)"),
    "phone_required": _words(r"телефон\w*\s+(обязательн|нужен|надо|зачем)",
                             r"зачем\s+(вам\s+)?(мой\s+|мои\s+)?(телефон|номер)",
                             r"(обязательн\w*|зачем)\s+(\w+\s+)?телефон", r"без\s+телефона"),
    "support": _words(r"поддержк", r"контакт", r"телефон\s+(поддержки|для\s+связи|оператор)"),
}
_OFFICE = re.compile(r"офис|бизнес|юр\.?\s*лиц|компани|организац")
_HOME = re.compile(r"\bдом\w*|квартир|семь")


@dataclass
class Reading:
    intent: Intent
    topics: list[str] = field(default_factory=list)
    email_declined: bool = False
    wants_change: bool = False
    skip: bool = False
    thanks: bool = False
    greets: bool = False
    no_more: bool = False


# «а это зачем?», «какая разница?», «а это обязательно?»: about the question just asked, as a
# whole (short) message.
_IT = r"(?:это|он|она|оно|они)"
ASKED = _rx(
    rf"^(?:а\s+|ну\s+)?(?:{_IT}\s+)?(?:зачем|для\s+чего|почему|что\s+это|что\s+за|чо\s+это)"
    rf"(?:\s+(?:{_IT}|нужно|нужен|нужна|нужны|вообще|такое|надо))*\s*\??$",
    r"^(?:а\s+)?(?:какая|в\s+чем)\s+разниц\w*\s*\??$",
    rf"^(?:а\s+)?(?:{_IT}\s+)?(?:обязательн\w*|нужн\w*\s+ли|так\s+нужн\w*)\s*\??$",
    r"^(?:а\s+)?можно\s+без\s+(?:этого|него|нее|них)\s*\??$",
    rf"^(?:а\s+)?{_IT}\s+чо\s*\??$",
)


def topics_of(text: str, catalog: Catalog) -> list[str]:
    t = normalise(text)
    found = [name for name, rx in TOPICS.items() if rx.search(t)]
    if ASKED.search(t):
        found.append("asked")
    if "tariffs" in found or ("total" not in found and re.search(r"\bцен|стоит|стоимост", t)
                              and not found):
        found = [f for f in found if f != "tariffs"]
        if _OFFICE.search(t):
            found.append("tariffs_office")
        elif _HOME.search(t):
            found.append("tariffs_home")
        else:
            found.append("tariffs")
    found.extend(f.topic for f in catalog.faq if _faq_keywords(tuple(f.keywords)).search(t))
    found.extend(f"need:{n.topic}" for n in catalog.needs
                 if _faq_keywords(tuple(n.keywords)).search(t))
    return found


THE_ONE = _words(r"его", r"этот", r"вот\s+этот", r"тот", r"такой", r"его\s+и")


def picks_the_one(text: str) -> bool:
    """«давайте его», «этот беру», «ну его и возьму»: a pick by reference, not by name."""
    t = normalise(text)
    return not is_question(t) and bool(PICK.search(t) or YES.search(t)) and bool(THE_ONE.search(t))


def picked_by_rank(text: str) -> str | None:
    """«давайте самый дешёвый» → "cheapest", «побыстрее беру» → "fastest": a tariff chosen by
    its rank; a question about one («а самый быстрый сколько?») picks nothing."""
    t = normalise(text)
    if is_question(t) and not PICK.search(t):
        return None
    for topic in ("cheapest", "fastest"):
        if TOPICS[topic].search(t):
            return topic
    return None


@lru_cache(maxsize=256)
def _faq_keywords(keywords: tuple[str, ...]) -> re.Pattern[str]:
    """A catalog FAQ's keywords, each matched from the start of a word."""
    return _words(*(re.escape(normalise(k)) for k in keywords)) if keywords else re.compile("(?!)")


ASKS_ANYWHERE = _words(r"сколько\b", r"ли\b", r"через\s+сколько", r"как\s+скоро", r"или\s+нет\b")


def is_question(text: str) -> bool:
    t = normalise(text)
    return "?" in t or bool(QUESTION_WORD.search(t)) or bool(ASKS_ANYWHERE.search(t))


def read(text: str, catalog: Catalog, *, has_slots: bool) -> Reading:
    """The intent of one message and what it says beside it (wants a change, skips, thanks);
    `has_slots` says whether slot values were found in it."""
    t = normalise(text)
    reading = _intent(t, catalog, has_slots=has_slots)
    reading.wants_change = bool(WANT_CHANGE.search(t))
    reading.skip = bool(SKIP.search(t) or NO.search(t))
    reading.thanks = bool(THANKS.search(t))
    reading.greets = bool(GREETING.search(t))
    reading.no_more = bool(NO_MORE.search(t))
    return reading


def _intent(t: str, catalog: Catalog, *, has_slots: bool) -> Reading:
    email_declined = bool(EMAIL_DECLINED.search(t))
    if RESTART.search(t):
        return Reading(Intent.restart)
    if HANDOFF.search(t) or (CALL_ME.search(t) and not has_slots):
        return Reading(Intent.handoff)
    if len(t) <= GREETING_ONLY_CHARS and GREETING_ONLY.search(t):
        return Reading(Intent.greeting)
    if SUPPORT.search(t) and not NEW_CONNECTION.search(t):
        return Reading(Intent.support)
    if CANCEL.search(t) and not has_slots:
        return Reading(Intent.cancel)
    if is_question(t):
        topics = topics_of(t, catalog)
        if topics or not has_slots:
            return Reading(Intent.question, topics, email_declined)
    if SOFT_CANCEL.search(t) and not has_slots:
        # «мне только тв»: stopped, and what was asked about answered
        return Reading(Intent.cancel, topics_of(t, catalog))
    if not has_slots and (needs := [x for x in topics_of(t, catalog) if x.startswith("need:")]):
        return Reading(Intent.question, needs)  # «мне для игр»: advice is the answer
    if not has_slots and (faq := [f.topic for f in catalog.faq
                                  if _faq_keywords(tuple(f.keywords)).search(t)]):
        return Reading(Intent.question, faq)  # «мне только тв»: the catalog's answer
    if has_slots:
        # "Давайте вечером", "да, 2 камеры": the values answer; the yes is only a manner.
        return Reading(Intent.answer, email_declined=email_declined)
    if YES.search(t):
        return Reading(Intent.yes, email_declined=email_declined)
    if NO.search(t) or email_declined:
        return Reading(Intent.no, email_declined=email_declined)
    if GREETING.search(t):
        return Reading(Intent.greeting)
    if THANKS.search(t) or CONTINUE.search(t) or WANT_SERVICE.search(t):
        return Reading(Intent.chitchat)
    return Reading(Intent.unknown)


def changes(text: str, *, bare: bool) -> list[str]:
    """Slots named for change. After «Изменить» (`bare`) naming one is enough; elsewhere
    it takes a change word too ("телефон не тот", "поменять адрес")."""
    t = normalise(text)
    if not bare and not CHANGE_VERB.search(t):
        return []
    return [name for name, rx in CHANGE_FIELDS.items() if rx.search(t)]
