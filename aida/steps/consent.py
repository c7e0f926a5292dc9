"""Consent to personal-data processing (152-FZ), asked once before any contact is asked for.

Part of the contacts step: the step is not complete without it, and its first question is
this one while consent is missing; so a lead, which needs every step, never exists without
it. The callback repair asks it too before a call-back request is made.
"""

from __future__ import annotations

import datetime as dt

from aida.domain import Consent, ConversationState
from aida.replies.format import phone as phone_display
from aida.steps.base import Ask, Env, Message
from aida.understanding import questions as q

AGREE = "Согласен"
DECLINE = "Не согласен"
_VALUES: dict[str, str | int | bool] = {AGREE: q.AGREE, DECLINE: q.NO}
# The button of the question that no longer reads the contacts back (`still_missing`): there
# «всё так» answers the consent itself.
AGREE_PLAINLY = "Да, согласен"
_PLAIN_VALUES: dict[str, str | int | bool] = {AGREE_PLAINLY: q.AGREE, DECLINE: q.NO}
# Why consent is asked, for a customer who asks.
WHY = ("Так требует закон о персональных данных (152-ФЗ): без вашего согласия я не могу "
       "записать контакты. Имя и телефон нужны только для заявки — чтобы мастер связался с "
       "вами и согласовал визит.")


def _where(env: Env) -> str:
    url = env.catalog.privacy.consent_url
    return (f"Текст согласия: {url}" if url else
            "Текст согласия — по ссылке «Согласие на обработку данных» под окном чата.")


def ask(conv: ConversationState, env: Env) -> Ask:
    where = _where(env)
    slots = conv.slots
    given = ", ".join(v for v in (slots.name, slots.phone and phone_display(slots.phone)) if v)
    if given:
        # Contacts typed before consent: read back in the one question that unlocks them (a
        # name taken with doubt is checked here too, not in a question before consent).
        return Ask("consent", f"Записать вас как {given}? Для этого нужно ваше согласие: вы "
                              "согласны на обработку персональных данных? Нажмите «Согласен» "
                              f"или «Не согласен». {where}",
                   [AGREE, DECLINE], _VALUES,
                   again=f"Записываю вас как {given}: вы согласны на обработку персональных "
                         f"данных? {where}")
    return Ask("consent", "Чтобы оформить заявку, мне понадобятся ваши имя и телефон. Вы "
                          f"согласны на обработку персональных данных? {where}",
               [AGREE, DECLINE], _VALUES,
               # asked again (contacts typed instead of an answer): say plainly what unblocks it
               again="Записать контакты и оформить заявку я смогу только с вашего согласия. Вы "
                     "согласны на обработку персональных данных? Нажмите «Согласен» или "
                     f"«Не согласен». {where}")


def still_missing(env: Env, *, contacts_right: bool = False) -> Ask:
    """The consent question once the contacts it reads back have been read back: consent
    alone, not the contacts once more (`contacts_right`: the customer has just said they are)."""
    text = ("Спасибо, контакты верны. А на обработку персональных данных вы согласны? Без "
            "согласия я не смогу оформить заявку." if contacts_right else
            "Осталось ваше согласие на обработку персональных данных — без него я не смогу "
            "оформить заявку. Вы согласны?")
    return Ask("consent", f"{text} Нажмите «{AGREE_PLAINLY}» или «{DECLINE}». {_where(env)}",
               [AGREE_PLAINLY, DECLINE], _PLAIN_VALUES)


def reads_back(conv: ConversationState) -> bool:
    """The consent question pending read contacts back: there were some to read (`ask`), and
    it is not the one asked once they had been (`still_missing`)."""
    contacts = conv.slots.name or conv.slots.phone
    return bool(contacts) and not any(c.label == AGREE_PLAINLY for c in conv.choices)


def given(msg: Message, conv: ConversationState) -> bool:
    """The message answers the consent question with a yes (the button or typed); «всё так»
    counts only where the question no longer reads the contacts back."""
    return msg.answers("consent") and (
        msg.u.choice == q.AGREE or msg.yes
        or msg.u.choice == q.CONTACTS_RIGHT and not reads_back(conv))


def declined(msg: Message) -> bool:
    """A no to the consent question. Contacts typed in answer are not a refusal («Надежда,
    8 904 …, почты нет» says no to an email): consent is asked again before they count."""
    found = msg.u.slots
    return msg.answers("consent") and msg.no and not (found.name or found.phone or found.email)


def record(conv: ConversationState, msg: Message, env: Env) -> Consent:
    """Consent as given now, to the catalog's current consent text."""
    conv.consent = Consent(
        at=env.now.astimezone(dt.UTC),
        version=env.catalog.privacy.version,
        method="button" if msg.u.choice == q.AGREE else "typed",
    )
    return conv.consent
