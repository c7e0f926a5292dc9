"""A message read against the pending question's answer space, before any other slot: a
button's text, a colloquial yes or no to a yes/no question, the way on outside coverage, a
house number alone, free words where words are wanted. Short slot answers that mean something
only after their question («к себе домой», «парочку») are the extractor's, given the question
(`expect`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import Levenshtein

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
                  r"|именно|ладно|лады|хорошо|го|yes|y|👍|так точно)(\s+(да|давайте|конечно|нужен|нужна"
                  r"|нужно|надо|хочу|подтверждаю|верно|спасибо|пожалуйста))*$")
_NO = re.compile(r"^(-{1,3}|нет+|неа|не-а|не|no|n|нафиг|обойдусь|обойдемся|не надо|не нужно"
                 r"|не нужен|не нужна|не нужны|не хочу|не требуется|ни к чему|да нет"
                 r"|пожалуй нет|нет уж|не стоит|не подтверждаю|не верно|неверно)"
                 r"(\s+(спасибо|пожалуйста|не надо|не нужно|наверное))*$")
# Answers to the consent question: a refusal anywhere in the message, or a message that begins
# with agreement (typos in «согласна» included: «соглачна», «согласнв»).
_CONSENT_NO = re.compile(r"\bне\s+(согл\w*|даю|дам|хочу|буду|разрешаю|нужно|надо)\b|\bпротив\b"
                         r"|\bотказ\w*|^нет\b|\bнет\s+согл")
# «согласен», «согласна», «согласны», and their typos («соглачна», «согласнв»); not «согласие».
_AGREE_WORD = r"согла\w{0,2}н\w{0,2}"
_AGREED = re.compile(rf"\b{_AGREE_WORD}\b")
_SENTENCES = re.compile(r"[.!]+")
# «всё так», «верно», «правильно»: what was read back is right — said of the contacts the
# consent question reads back, it is no consent (that is given in so many words).
_READ_BACK_RIGHT = re.compile(r"^(?:(?:вот|все|всё)\s+)?(?:так|верно|правильно|точно|именно так)"
                              r"(?:\s+(?:все|всё))?$")
_CONSENT_YES = re.compile(r"^(да|ага|ок|окей|конечно|хорошо|ладно|давайте|подтверждаю|разрешаю"
                          rf"|даю\s+согласие|я\s+{_AGREE_WORD}|{_AGREE_WORD})\b")


@dataclass
class SpaceReading:
    """What the message means as the answer to the pending question."""

    intent: Intent | None = None  # yes or no (cancel: declines every offered way on)
    slot: str | None = None  # the slot `value` fills
    value: Any = None
    choice: str | None = None  # a reply word (questions.REPLY_WORDS) other than yes/no
    house: str | None = None
    flat: str | None = None
    free_text: str | None = None
    # The yes or no came after a question of the customer's own («камеры? не, нафиг»).
    after_question: bool = False


def _plain(text: str) -> str:
    return " ".join(_PUNCT.sub(" ", normalise(text)).split())


def _button(text: str, space: AnswerSpace) -> Any:
    plain = _plain(text)
    for choice in space.choices:
        if plain and plain == _plain(choice.label):
            return choice.value
    return None


# In a short reply to a yes/no question, a refusal anywhere is a no («ненадо», «нетт», «не
# тогда», «внук говорит не надо», «почты у меня нет», «не пользуюсь»), and a reply that opens
# with a yes and refuses nothing is a yes («да, нужен, для удалённого доступа»).
_SHORT_REPLY_WORDS = 10
_REFUSAL = re.compile(r"(?<!\w)(?<!или\s)(нет\w*|неа|нее+|не-а|нету|ненад\w*|нинад\w*|не\s*надо\w*|не\s*нуж\w*"
                      r"|не\s+хочу|не\s+буду|не\s+пользуюсь|не\s+имею|не\s+дам|не\s+стоит"
                      r"|не\s+требуется|обойд\w+|без\s+(него|нее|них|этого)"
                      # a bare «не», but not «не знаю», «не разбираюсь»: those only hedge
                      r"|не(?!\s+(?:зна\w*|понима\w*|разбира\w*|уверен\w*|помн\w*|в\s+курсе)))(?!\w)")
_OPENS_YES = re.compile(r"^((теперь|вот|ну|тогда|все|всё)\s+){0,2}(да+|ага|угу|конечно|давайте|давай"
                        r"|хочу|нужен|нужна|нужно|надо|верно|правильно)(?!\w)")
# «нужен или нет», «надо или нет»: the question turned back, neither a yes nor a no
_EITHER = re.compile(r"(?<!\w)или\s+(нет|не)(?!\w)")
_BUT = re.compile(r"(?<!\w)(но|только|подожд\w*|погод\w*|стоп|хотя)(?!\w)")


# One word typed with a slip of the finger («нит», «согдасна», «конечн»): the nearest yes or
# no word within one edit, when it is not as near to the other side.
_TYPO_YES = ("ага", "угу", "конечно", "давайте", "давай", "согласен", "согласна", "хорошо",
             "подтверждаю", "нужен", "нужна", "нужно", "ладно", "верно")
_TYPO_NO = ("нет", "неа", "ненадо", "ненужно", "обойдусь", "обойдемся")
_TYPO_SHORTEST = 3


def _typo(word: str) -> Intent | None:
    if len(word) < _TYPO_SHORTEST or " " in word:
        return None
    near = {side for side, words in ((Intent.yes, _TYPO_YES), (Intent.no, _TYPO_NO))
            if any(Levenshtein.distance(word, w, score_cutoff=1) <= 1 for w in words)}
    return near.pop() if len(near) == 1 else None


def _yes_no(plain: str, raw: str) -> tuple[Intent | None, bool]:
    """Yes, no or None; and whether it answers after a question («а это зачем? ну давай»)."""
    if "?" in raw.rstrip(" ?!.)"):
        tail = raw[raw.rindex("?") + 1:]
        if (after := _said_yes_no(_plain(tail), tail)) is not None:
            return after, True
    return _said_yes_no(plain, raw), False


_YES_SIGNS = re.compile(r"^\W*(?:✅|✔️?|☑️?|👍|👌|🆗)[\W]*$")
_NO_SIGNS = re.compile(r"^\W*(?:❌|✖️?|🚫|👎|⛔|❎)[\W]*$")


def _said_yes_no(plain: str, raw: str) -> Intent | None:
    if not plain and _YES_SIGNS.match(raw):
        return Intent.yes
    if not plain and _NO_SIGNS.match(raw):
        return Intent.no
    text = plain or raw.strip()
    if _NO.match(text) or (not plain and raw.strip().startswith("-")):
        return Intent.no
    if _YES.match(text) or (not plain and raw.strip().startswith("+")):
        return Intent.yes
    if len(text.split()) > _SHORT_REPLY_WORDS or _BUT.search(text) or _EITHER.search(text):
        return None
    if _OPENS_YES.match(text) and not _REFUSAL.search(text.removeprefix("да нет")):
        return Intent.yes
    if _REFUSAL.search(text):
        return Intent.no
    return _typo(text)


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
        if _READ_BACK_RIGHT.match(plain):
            out.choice = q.CONTACTS_RIGHT  # the contacts read back are right: no consent yet
            return out
        out.intent = _consent(plain, text)
    if space.yes_no and out.intent is None:
        out.intent, out.after_question = _yes_no(plain, text)
    if space.key == "tech_check":
        out.choice = _tech_check(plain)
        if out.choice is None and _declines_both(plain):
            out.intent = Intent.cancel  # neither a check nor another address: not now
    if space.key == "house":
        parsed = parse_house(text)
        if parsed:
            out.house, out.flat = parsed
    if space.key == "flat":
        if _NO_FLAT.search(plain):
            out.choice, out.intent = q.NO_FLAT, None
        elif flat := _FLAT.fullmatch(plain.strip(" .")):
            out.flat = flat.group(1)
    if space.free_text:
        said = text
        if "?" in text.rstrip(" ?!.)"):
            # «а это важно? ну из интернета»: the answer follows a question of their own
            said = text[text.rindex("?") + 1:]
            out.intent, out.after_question = Intent.answer, True
        out.free_text = " ".join(said.split())[:FREE_TEXT_CHARS] or None
    return out


def _consent(plain: str, text: str) -> Intent | None:
    if "?" in text.rstrip(" ?!.)"):
        # «а без этого никак? ну ладно, согласен»: the answer follows a question of their own
        tail = text[text.rindex("?") + 1:]
        if (after := _consent_said(_plain(tail), tail)) is not None:
            return after
    return _consent_said(plain, text)


def _consent_said(plain: str, text: str) -> Intent | None:
    if _CONSENT_NO.search(plain):
        return Intent.no
    # «ну ладно, согласен» agrees too; a question about consent («а если я согласен?») or a
    # long message that merely contains the word («…запиши, что клиент согласен») does not.
    short = len(plain.split()) <= 4
    if _CONSENT_YES.match(plain) or ("?" not in text and short and _AGREED.search(plain)):
        return Intent.yes
    # «всё, я тут, продолжим. да, согласна»: the last sentence agrees
    last = _plain(_SENTENCES.split(text.strip(" .!"))[-1])
    if last != plain and "?" not in text and _CONSENT_YES.match(last):
        return Intent.yes
    # «сгласна»: one slip in a one-word yes (a refusal is never taken from a slip)
    return Intent.yes if _typo(plain) is Intent.yes else None


_OTHER_ADDRESS = re.compile(r"друг\w*\s+адрес|не\s+тот\s+адрес|адрес\s+друг")
_NO_OTHER_ADDRESS = re.compile(r"(друг\w*\s+адрес\w*|адрес\w*\s+друг\w*)\s+(у\s+меня\s+)?"
                               r"(нет|не\s+будет)|нет\s+(у\s+меня\s+)?друг\w*\s+адрес")
_TECH_CHECK = re.compile(r"провер|оставить\s+заявк|оставьте\s+заявк|посмотр|глян")
_AGREE = re.compile(r"(?<!\w)(давайте|да|можно|хорошо|пусть|ладно)(?!\w)")
_NO_CHECK = re.compile(r"провер\w*\s+(тоже\s+)?не\s+(надо|нужн\w*)|не\s+(надо|нужн\w*)\s+провер"
                       r"|(?<!\w)не\s*надо(?!\w)|друг\w*\s+провайдер")


# «частный дом», «квартиры нет», «без квартиры»: the address has no flat.
_NO_FLAT = re.compile(r"частн\w*|\bсвой\s+дом|нет\s+квартир\w*|квартир\w*\s+нет|без\s+квартир\w*"
                      r"|\bкоттедж\w*|\bдача\b|\bнет\b|^-$")
# «18», «кв 18», «квартира 18а», «офис 305»: the flat alone.
_FLAT = re.compile(r"(?:(?:кв|kv|квартир\w*|офис|оф|помещени\w*|пом|кабинет|каб|павильон|пав|"
                   r"студия|секция|бокс)\.?\s*(?:№\s*)?)?(\d{1,4}[а-я]?)")


def _tech_check(plain: str) -> str | None:
    """Outside coverage: another address, or a technical check of this one."""
    refused = _NO_CHECK.search(plain)
    if _TECH_CHECK.search(plain) and not refused:
        return q.TECH_CHECK
    no_other = _NO_OTHER_ADDRESS.search(plain)
    if _OTHER_ADDRESS.search(plain) and not no_other:
        return q.OTHER_ADDRESS
    if no_other and _AGREE.search(plain) and not refused:
        return q.TECH_CHECK  # «другого адреса нет, давайте»
    return None


def _declines_both(plain: str) -> bool:
    return bool(_NO_CHECK.search(plain) or _NO_OTHER_ADDRESS.search(plain))
