"""Repairs: what the customer may say at any step besides answering it, as one table.

Each `Repair` is a condition on the turn (on the brain's `Understanding` and the
conversation) and a handler. `run` tries them in order: a handler that returns a `Decision`
ends the turn (start over, a human, stop); one that returns None adds its part and lets the
turn go on to the steps (a greeting, a change of a field, a question). A new repair is one
entry in `REPAIRS`; replacing how one is handled is replacing its handler.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aida.dialogue.advice import advised_tariff
from aida.dialogue.answers import answer, support_text
from aida.dialogue.explain import explain
from aida.dialogue.operator import Reason, ask_operator, opener
from aida.dialogue.turn import Decision, Turn
from aida.domain import SlotValues, Step
from aida.fsm import FIRST, flow_for
from aida.replies.format import phone as phone_display
from aida.steps import STEPS, Ask, Env, Message, Note, consent
from aida.steps.confirm import lead_from
from aida.understanding import questions as q
from aida.understanding.slots import SLOTS, forget
from aida.understanding.types import Intent

CALL_ME = "Перезвоните мне"
CONTINUE = "Продолжить здесь"
RESTART = "Начать заново"
REFERRER_SUGGESTIONS = ["От друзей или знакомых", "Нашёл в интернете", "Увидел рекламу",
                        "Пропустить"]
REFERRER_VALUES: dict[str, str | int | bool] = {"Пропустить": q.SKIP}

Handler = Callable[[Turn], Decision | None]
# What a call back was offered after: a request for a person, or a subscriber's problem.
CALLBACK, SUPPORT_CALLBACK = "callback", "support_callback"
CALLBACK_OFFERS = (CALLBACK, SUPPORT_CALLBACK)
NO_NAME = "Без имени"
CALLBACK_NAME = Ask("name", "Как к вам обращаться? Передам оператору вместе с номером.",
                    [NO_NAME], {NO_NAME: q.SKIP})


@dataclass(frozen=True)
class Repair:
    name: str
    when: Callable[[Turn], bool]
    handle: Handler


def greeting(env: Env) -> str:
    return (f"Здравствуйте! Я Аида, виртуальный помощник {env.catalog.provider}. Помогу "
            "подобрать тариф и оформить заявку на подключение.")


# -- handlers that end the turn ---------------------------------------------------------------
def restart(t: Turn) -> Decision:
    with flow_for(t.conv, t.env) as flow:
        flow.trigger("restart")
        t.events.extend(f"move:{m}" for m in flow.moves)
    t.events.append("restart")
    t.parts.append("Хорошо, начнём заново.")
    return t.reply(STEPS[FIRST].ask(t.conv, t.env))


def operator(t: Turn, reason: Reason = "customer") -> Decision:
    """A human. With the live chat (`aida.dialogue.operator`) a manager joins during the
    managers' hours, or the customer hears when they are back; without it, the support
    contacts. When no manager joins now, a call back (a `callback` lead) is offered."""
    live = ask_operator(t.env, reason)
    if live is None:
        t.events.append("handoff")
        t.parts.append(opener(reason) + support_text(t.env))
        return offer_callback(t)
    t.events.extend(live.events)
    t.parts.extend(live.parts)
    if not live.live:
        return offer_callback(t)
    # The manager has the chat now; a bare «да» after they hand it back is read for the
    # step's own question.
    ask = t.step_ask()
    t.expect(ask.expect)
    t.conv.choices = ask.choices
    return t.decision([])


def support_issue(t: Turn) -> Decision:
    """An existing subscriber (a fault, a payment, the balance, leaving): support's
    contacts and a call back, not a sales question."""
    t.events.append("support_issue")
    t.parts.append("С подключённым интернетом, оплатой и договором помогает служба "
                   "поддержки. " + support_text(t.env))
    return offer_callback(t, SUPPORT_CALLBACK)


def offer_callback(t: Turn, offer: str = CALLBACK) -> Decision:
    """Offer a call back by an operator; the next message may accept it (`callback`). A
    phone in the same message («перезвоните мне, 8 917 …») takes it at once; a call back
    already requested is not offered twice."""
    if t.conv.callback_lead_id is not None:
        t.parts.append("Заявка на звонок уже передана: оператор перезвонит вам по номеру "
                       f"{phone_display(t.conv.slots.phone or '')} в рабочее время.")
        t.expect(None)  # nothing is asked now; «Продолжить здесь» asks the step's question
        return t.decision([CONTINUE] if t.conv.step is not Step.done else [RESTART])
    if t.u.slots.phone:
        return callback(t)
    t.conv.offer = offer
    if t.conv.slots.phone:
        t.parts.append(f"Если удобнее, оператор перезвонит вам по номеру "
                       f"{phone_display(t.conv.slots.phone)} в рабочее время.")
        suggestions = [CALL_ME, CONTINUE]
    else:
        t.parts.append("Если удобнее, напишите ваше имя и номер телефона — оператор "
                       "перезвонит вам в рабочее время.")
        suggestions = [CONTINUE]
    t.expect("callback", {CALL_ME: q.YES, CONTINUE: q.CONTINUE}, suggestions)
    return t.decision(suggestions)


def decline_callback(t: Turn) -> Decision:
    """«нет» to the call back offered: the subscriber is not pressed on; a customer who asked
    for a person mid-way goes on here."""
    t.events.append("callback_declined")
    if t.offer == SUPPORT_CALLBACK or t.conv.step is Step.done:
        t.expect(None)
        t.parts.append("Хорошо. Если понадобится помощь — напишите в поддержку или мне.")
        return t.decision([RESTART])
    t.parts.append("Хорошо, продолжим здесь.")
    return t.reply(t.step_ask())


def wants_callback(t: Turn) -> bool:
    if t.u.slots.phone:
        return True
    return bool(t.conv.slots.phone) and t.u.intent in (Intent.yes, Intent.handoff)


def callback(t: Turn) -> Decision:
    conv = t.conv
    if t.u.slots.phone:
        conv.slots.phone = t.u.slots.phone
    if t.u.slots.name:
        conv.slots.name = t.u.slots.name
    assert conv.slots.phone is not None
    if conv.consent is None:
        # No call-back request (a lead) without consent: asked first, the request follows it.
        conv.after_consent = "callback"
        t.events.append("consent_asked")
        return t.reply(consent.ask(t.conv, t.env))
    if conv.callback_lead_id is None:
        if not conv.slots.name and t.offer != "callback_name":
            # The manager calls someone by name; asked once, any answer makes the request.
            conv.offer = "callback_name"
            return t.reply(CALLBACK_NAME)
        t.lead = lead_from(conv, t.env, t.session_id, t.now, kind="callback",
                           tags=["AIDA", "обратный звонок"])
        conv.callback_lead_id = t.lead.id
        t.events.append("callback_requested")
    t.parts.append(f"Готово: оператор перезвонит вам по номеру "
                   f"{phone_display(conv.slots.phone)} в рабочее время. А пока можем "
                   "продолжить здесь.")
    if conv.step is Step.done:
        return t.decision([RESTART])
    return t.reply(t.step_ask())


def consent_answer(t: Turn) -> Decision | None:
    """The answer to the consent question: recorded (and a call back waiting for it made),
    or declined (the contacts forgotten); anything else lets the contacts step ask again."""
    msg = Message(t.u, t.pending)
    if consent.declined(msg):
        return decline_consent(t)
    consent.record(t.conv, msg, t.env)
    t.events.append("consent_given")
    t.notes.append(Note("Спасибо, согласие записала.", t.conv.step))
    if t.conv.after_consent == "callback":
        t.conv.after_consent = None
        return callback(t)
    return None


def decline_consent(t: Turn) -> Decision:
    """No consent: no lead, nothing to the CRM; the contacts given so far are removed from
    the conversation and its messages; the support contacts are the way to go on."""
    slots = t.conv.slots
    t.forget_contacts = SlotValues(name=slots.name, phone=slots.phone, email=slots.email)
    slots.name = slots.phone = slots.email = None
    slots.email_declined = False
    t.conv.consent = t.conv.after_consent = None
    t.events.append("consent_declined")
    t.parts.append("Понимаю. Без согласия я не могу записать контакты и оформить заявку, а "
                   "то, что вы уже написали о себе, удалила из переписки. Оформить "
                   "подключение можно и через поддержку. " + support_text(t.env)
                   + " Если передумаете — просто напишите мне.")
    # Nothing is asked now: the question is not repeated at a customer who has said no.
    t.expect(None)
    return t.decision([RESTART])


def cancel(t: Turn) -> Decision:
    t.events.append("cancel")
    t.expect(None)  # nothing is asked now; «Продолжить» asks the step's question again
    t.parts.extend(answer(t.u.topics, t.conv, t.env))  # «мне только тв»: the answer first
    t.parts.append("Хорошо, заявку пока не оформляю. Если передумаете — напишите, "
                   "продолжим с того же места.")
    return t.decision(["Продолжить", RESTART])


def after_done(t: Turn) -> Decision:
    """The lead is made: who recommended us (asked once), questions, thanks."""
    conv, u = t.conv, t.u
    if u.intent is Intent.question:
        t.parts.extend(answer(u.topics, conv, t.env) or [support_text(t.env)])
        t.expect(None)  # the referrer question is asked once, never again
        return t.decision([RESTART])
    if t.pending == "referrer":
        t.expect(None)
        if u.skip or not u.free_text:
            t.parts.append(f"Хорошо! Спасибо, что выбрали {t.env.catalog.provider}.")
        else:
            conv.slots.referrer = u.free_text
            if conv.lead_id:
                t.referrer = (conv.lead_id, u.free_text)
            t.events.append("referrer")
            t.parts.append("Спасибо, это нам очень помогает!")
        t.parts.append("Если появятся вопросы — пишите, я на связи.")
        return t.decision([RESTART])
    if u.thanks:
        t.parts.append("Рада помочь! Хорошего дня.")
        return t.decision([RESTART])
    t.parts.append("Ваша заявка уже принята. Чтобы что-то изменить в ней, напишите в "
                   "поддержку. " + support_text(t.env) + " Хотите оформить ещё одно "
                   "подключение?")
    return t.decision([RESTART])


# -- handlers that let the turn go on ---------------------------------------------------------
def greet(t: Turn) -> None:
    """Greet back: at length when the first message only greets or opens the talk, briefly
    when it gets to the point or when a greeting comes later in the conversation."""
    opener = t.u.intent in (Intent.greeting, Intent.chitchat) and t.u.greets
    t.parts.append(greeting(t.env) if t.first and opener else "Здравствуйте!")


def change_fields(t: Turn) -> None:
    """Forget the slots the customer wants to change; their steps ask for them again."""
    forgotten = [f for f in t.u.reset if forget(t.conv, f)]
    if forgotten:
        t.events.append("reset:" + ",".join(forgotten))
        t.notes.append(Note("Хорошо, изменим " + ", ".join(SLOTS[f].label for f in forgotten)
                            + ".", t.conv.step))


def _answers(t: Turn) -> list[str]:
    out = answer(t.u.topics, t.conv, t.env)
    if t.conv.step is Step.tariff and (advised := advised_tariff(t.u.topics, t.conv, t.env)):
        t.conv.offer = f"tariff:{advised}"  # «давайте его» next takes the advised tariff
    if "asked" in t.u.topics and (why := explain(t.pending, t.conv, t.env)):
        out.append(why)  # «а это зачем?» to the question just asked
    if not out and t.pending == "consent":
        out = [consent.WHY]  # «а это обязательно? зачем вам мои данные?»
    if not out and not t.u.slots.tells_news(t.conv.slots):
        t.events.append("unanswered_question")
        if ask_operator(t.env, "question") is not None:
            return []  # a manager is asked for instead (the policy ends the turn with it)
        out = ["На этот вопрос точно ответит оператор. " + support_text(t.env)]
    return out


def question(t: Turn) -> None:
    t.later.append(_answers)


def take_advised(t: Turn) -> None:
    """«Давайте его» right after a tariff was advised chooses that tariff."""
    assert t.offer is not None
    t.u.slots.tariff = t.offer.removeprefix("tariff:")


REPAIRS: list[Repair] = [
    Repair("greeting", lambda t: t.first or t.u.intent is Intent.greeting, greet),
    Repair("restart", lambda t: t.u.intent is Intent.restart, restart),
    Repair("consent", lambda t: t.pending == "consent" and (
        consent.given(Message(t.u, t.pending), t.conv)
        or consent.declined(Message(t.u, t.pending))),
        consent_answer),
    Repair("callback", lambda t: t.offer in CALLBACK_OFFERS and wants_callback(t)
           or t.offer == "callback_name", callback),
    Repair("callback_declined", lambda t: t.offer in CALLBACK_OFFERS and t.u.intent is Intent.no
           and not t.u.slots.has_slots(), decline_callback),
    Repair("advised", lambda t: (t.offer or "").startswith("tariff:") and t.u.intent is Intent.yes
           and t.u.slots.tariff is None, take_advised),
    Repair("operator", lambda t: t.u.intent is Intent.handoff, operator),
    Repair("cancel", lambda t: t.u.intent is Intent.cancel, cancel),
    Repair("support_issue", lambda t: t.u.intent is Intent.support, support_issue),
    Repair("done", lambda t: t.conv.step is Step.done, after_done),
    Repair("change", lambda t: bool(t.u.reset), change_fields),
    Repair("question", lambda t: t.u.intent is Intent.question, question),
]


def run(t: Turn, repairs: list[Repair] | None = None) -> Decision | None:
    """Apply the repairs that match, in order; the first `Decision` ends the turn."""
    for repair in REPAIRS if repairs is None else repairs:
        if repair.when(t):
            decision = repair.handle(t)
            if decision is not None:
                return decision
    return None
