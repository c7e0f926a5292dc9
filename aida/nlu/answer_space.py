"""A message read against the pending question's answer space, before any other slot: a
button's text, a colloquial yes or no to a yes/no question, a short answer that only means
something after that question («к себе домой» after «для дома или для офиса?», «парочку»
after the camera options), a house number alone, free words where words are wanted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from aida.nlu.address import parse_house
from aida.nlu.intents import normalise
from aida.understanding import questions as q
from aida.understanding.questions import AnswerSpace
from aida.understanding.types import Intent

# Free words (who recommended us) are kept up to this length.
FREE_TEXT_CHARS = 200

_PUNCT = re.compile(r"[^\w+\-]+")
# Yes and no as people type them; read only as the answer to a yes/no question.
_YES = re.compile(r"^(\+{1,3}|да+|ага|угу|ок|окей|конечно|разумеется|естественно|давайте|давай"
                  r"|хочу|нужен|нужна|нужно|надо|подтверждаю|согласен|согласна|верно|точно"
                  r"|именно|ладно|лады|хорошо|го|yes|y|👍)(\s+(да|давайте|конечно|нужен|нужна"
                  r"|нужно|надо|хочу|подтверждаю|верно|спасибо|пожалуйста))*$")
_NO = re.compile(r"^(-{1,3}|нет+|неа|не-а|не|no|n|нафиг|обойдусь|обойдемся|не надо|не нужно"
                 r"|не нужен|не нужна|не нужны|не хочу|не требуется|ни к чему|да нет"
                 r"|пожалуй нет|нет уж|не стоит|не подтверждаю|не верно|неверно)"
                 r"(\s+(спасибо|пожалуйста|не надо|не нужно|наверное))*$")
# Answers to the consent question: a refusal anywhere in the message, or a message that begins
# with agreement (typos in «согласна» included: «соглачна», «согласнв»).
_CONSENT_NO = re.compile(r"\bне\s+(согл\w*|даю|дам|хочу|буду|разрешаю|нужно|надо)\b|\bпротив\b"
                         r"|\bотказ\w*|^нет\b|\bнет\s+согл")
_CONSENT_YES = re.compile(r"^(да|ага|ок|окей|конечно|хорошо|ладно|давайте|подтверждаю|разрешаю"
                          r"|даю\s+согл\w*|я\s+согл\w*|согл\w*)\b")
# Short answers to «для дома или для офиса?».
_SEGMENT = (
    ("office", re.compile(r"\b(офис\w*|работ\w*|бизнес\w*|компани\w*|организаци\w*|фирм\w*"
                          r"|предприят\w*|юр\w*\s*лиц\w*|ип)\b")),
    ("home", re.compile(r"\b(дом|домой|дома|домашн\w*|квартир\w*|себя|себе|семь\w*|частн\w*"
                        r"|дач\w*|коттедж\w*)\b")),
)
# Camera counts in words, for the camera question («парочку», «одной хватит», «четыре штуки»).
_CAMERAS = (
    (1, re.compile(r"\b(одн(а|у|ой|ого)|один|одна|единственн\w*|одну|штучку)\b")),
    (2, re.compile(r"\b(пар(а|у|очк\w*|ы)|дв(а|е|ух|умя)|двойк\w*)\b")),
    (3, re.compile(r"\b(тр(и|ех|емя)|тройк\w*)\b")),
    (4, re.compile(r"\b(четыр(е|ех|ьмя)|четверк\w*)\b")),
)


@dataclass
class SpaceReading:
    """What the message means as the answer to the pending question."""

    intent: Intent | None = None  # yes or no
    slot: str | None = None  # the slot `value` fills
    value: Any = None
    choice: str | None = None  # a reply word (questions.REPLY_WORDS) other than yes/no
    house: str | None = None
    flat: str | None = None
    free_text: str | None = None


def _plain(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", normalise(text)).split())


def _button(text: str, space: AnswerSpace) -> Any:
    plain = _plain(text)
    for choice in space.choices:
        if plain and plain == _plain(choice.label):
            return choice.value
    return None


def _yes_no(plain: str, raw: str) -> Intent | None:
    text = plain or raw.strip()
    if _NO.match(text) or (not plain and raw.strip().startswith("-")):
        return Intent.no
    if _YES.match(text) or (not plain and raw.strip().startswith("+")):
        return Intent.yes
    return None


def _slot_word(space: AnswerSpace, plain: str) -> Any:
    if space.slot == "segment":
        return next((seg for seg, rx in _SEGMENT if rx.search(plain)), None)
    if space.slot == "cctv_cameras":
        return next((n for n, rx in _CAMERAS if rx.search(plain)), None)
    return None


def read_space(text: str, space: AnswerSpace | None) -> SpaceReading:
    """The message as the answer to `space`; an empty reading when it does not answer it."""
    out = SpaceReading()
    if space is None:
        return out
    plain = _plain(text)
    picked = _button(text, space)
    if picked is not None:
        if picked in (q.YES, q.NO):
            out.intent = Intent.yes if picked == q.YES else Intent.no
        elif isinstance(picked, str) and picked in q.REPLY_WORDS:
            out.choice = picked
        elif space.slot:
            out.slot, out.value = space.slot, picked
        return out
    if space.key == "consent":
        out.intent = _consent(plain)
    if space.yes_no and out.intent is None:
        out.intent = _yes_no(plain, text)
    if space.slot and out.intent is None:
        value = _slot_word(space, plain)
        if value is not None:
            out.slot, out.value = space.slot, value
    if space.key == "tech_check":
        out.choice = _tech_check(plain)
    if space.key == "house":
        parsed = parse_house(text)
        if parsed:
            out.house, out.flat = parsed
    if space.free_text:
        out.free_text = " ".join(text.split())[:FREE_TEXT_CHARS] or None
    return out


def _consent(plain: str) -> Intent | None:
    if _CONSENT_NO.search(plain):
        return Intent.no
    if _CONSENT_YES.match(plain):
        return Intent.yes
    return None


_OTHER_ADDRESS = re.compile(r"друг\w*\s+адрес|не\s+тот\s+адрес|адрес\s+друг")
_TECH_CHECK = re.compile(r"провер|оставить\s+заявк|оставьте\s+заявк")


def _tech_check(plain: str) -> str | None:
    if _OTHER_ADDRESS.search(plain):
        return q.OTHER_ADDRESS
    if _TECH_CHECK.search(plain):
        return q.TECH_CHECK
    return None
