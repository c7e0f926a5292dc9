"""Step 4 — contacts: consent first (`aida.steps.consent`), then name and phone are required,
an email is asked and may be declined."""

from __future__ import annotations

from aida.domain import ConversationState, Step
from aida.replies.format import phone as phone_display
from aida.steps import consent
from aida.steps.base import Ask, Env, Message, Note, ahead_of
from aida.understanding import questions as q

STEP = Step.contacts

NO_EMAIL = "Без email"
_NO_EMAIL = {NO_EMAIL: q.NO}
_VERIFY = {"Да": q.YES, "Нет": q.NO}

_PHONE_PROBLEMS = {
    "invalid": "Кажется, в номере ошибка. Напишите, пожалуйста, номер ещё раз, например "
               "+7 999 123-45-67.",
    "foreign": "Мы принимаем заявки с российским номером телефона (+7 или 8…). "
               "Напишите, пожалуйста, такой номер.",
}


def accept(conv: ConversationState, msg: Message, env: Env) -> list[Note]:
    slots, found = conv.slots, msg.u.slots
    notes: list[Note] = []
    if (msg.answers("consent") and msg.u.choice == q.CONTACTS_RIGHT and conv.consent is None
            and consent.reads_back(conv)):
        # «всё так» to «Записать вас как …? вы согласны…»: the contacts are right; consent is
        # still to be given, in so many words
        notes.append(Note("", STEP, consent.still_missing(env, contacts_right=True)))
    if ahead_of(conv, STEP):
        # Contacts typed early are kept, said so now, and read back when consent is asked.
        new = [k for k in ("name", "phone", "email")
               if getattr(found, k) and getattr(found, k) != getattr(slots, k)]
        if new == ["name"] and "name" not in found.doubtful:
            notes.append(Note(f"Приятно познакомиться, {found.name}!", STEP))
        elif new:
            notes.append(Note("Контакты запомнила — уточню их, когда дойдём до заявки.", STEP))

    if msg.answers("verify_name") and found.name is None:
        if msg.no:
            slots.name = None
            return [Note("", STEP, Ask("name", "Как к вам обращаться?"))]
        if msg.yes and slots.name:
            return [Note(f"Приятно познакомиться, {slots.name}!", STEP)]

    if found.name and found.name != slots.name:
        changed = slots.name is not None
        slots.name = found.name
        if "name" in found.doubtful and not changed and conv.consent is not None:
            notes.append(Note("", STEP, Ask(
                "verify_name", f"Вас зовут {found.name}, верно?", list(_VERIFY), _VERIFY)))
        elif changed:
            notes.append(Note(f"Исправила имя: {found.name}.", STEP))

    if found.phone and found.phone != slots.phone:
        changed = slots.phone is not None
        slots.phone = found.phone
        if changed:
            notes.append(Note(f"Записала новый номер: {phone_display(found.phone)}.", STEP))

    if found.email and found.email != slots.email:
        changed = slots.email is not None
        slots.email = found.email
        slots.email_declined = False
        if changed:
            notes.append(Note(f"Исправила email: {found.email}.", STEP))
    elif found.email is None and msg.answers("email") and (msg.u.email_declined or msg.no):
        slots.email, slots.email_declined = None, True
    elif msg.u.email_declined and slots.email is None:
        slots.email_declined = True
    elif found.email is None and msg.answers("email") and msg.yes:
        notes.append(Note("", STEP, Ask("email", "Напишите, пожалуйста, адрес почты.",
                                        [NO_EMAIL], _NO_EMAIL)))

    for problem in found.problems:
        if problem.slot == "phone" and problem.code == "ambiguous" and problem.options:
            # two numbers and no word saying which: asked, with each as a button
            shown = {phone_display(n): n for n in problem.options}
            notes.append(Note("", STEP, Ask(
                "phone", "Какой номер записать: " + " или ".join(shown) + "?",
                list(shown), dict(shown))))
        elif problem.slot == "phone" and problem.code in _PHONE_PROBLEMS:
            notes.append(Note("", STEP, Ask("phone", _PHONE_PROBLEMS[problem.code])))
        elif problem.slot == "email" and problem.code == "invalid":
            notes.append(Note("", STEP, Ask(
                "email", "Похоже, в адресе почты опечатка. Напишите его ещё раз, пожалуйста, "
                "или нажмите «Без email».", [NO_EMAIL], _NO_EMAIL)))
    return notes


def complete(conv: ConversationState, env: Env) -> bool:
    slots = conv.slots
    return bool(slots.name and slots.phone and (slots.email or slots.email_declined)
                and conv.consent is not None)


def ask(conv: ConversationState, env: Env) -> Ask:
    slots = conv.slots
    if conv.consent is None:
        return consent.ask(conv, env)
    if not slots.name and not slots.phone:
        return Ask("name", "Как к вам обращаться и по какому номеру телефона с вами связаться?",
                   again="Напишите, пожалуйста, ваше имя и телефон, например: «Анна, "
                         "8 999 123-45-67».")
    if not slots.name:
        return Ask("name", "Как к вам обращаться?",
                   again="Как вас зовут? Достаточно имени.")
    if not slots.phone:
        return Ask("phone", f"{slots.name}, оставьте, пожалуйста, номер телефона — по нему "
                            "мастер согласует визит.",
                   again="Напишите, пожалуйста, номер мобильного телефона, например "
                         "+7 999 123-45-67.")
    return Ask("email", "Если хотите получать уведомления по заявке на почту, напишите email. "
                        "Или нажмите «Без email».", [NO_EMAIL], _NO_EMAIL,
               again="Почта не обязательна: напишите email или нажмите «Без email».")
