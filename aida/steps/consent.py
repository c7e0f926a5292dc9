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
# Why consent is asked, for a customer who asks.
WHY = ("Так требует закон о персональных данных (152-ФЗ): без вашего согласия я не могу "
       "записать контакты. Имя и телефон нужны только для заявки — чтобы мастер связался с "
       "вами и согласовал визит.")


def ask(conv: ConversationState, env: Env) -> Ask:
    url = env.catalog.privacy.consent_url
    where = (f"Текст согласия: {url}" if url else
             "Текст согласия — по ссылке «Согласие на обработку данных» под окном чата.")
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


def given(msg: Message) -> bool:
    """The message answers the consent question with a yes (the button or typed)."""
    return msg.answers("consent") and (msg.u.choice == q.AGREE or msg.yes)


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
