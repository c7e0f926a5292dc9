"""One turn's decision, in pure code: apply what the customer said, move the machine, and draft
the reply. No I/O and no brain calls here, so every rule is testable on plain data.

Order of a turn: global repairs (restart, a human, stop) → every step accepts its own slots
(so early and corrected slots are kept wherever the conversation is) → the machine confirms
or settles on the right step → the reply: acknowledgements, answers to questions, then the
one question that moves the conversation on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from aida.dialogue.answers import answer, support_text
from aida.domain import ConversationState, Lead, Step
from aida.fsm import flow_for
from aida.nlu import intents
from aida.replies.format import date_label
from aida.replies.format import phone as phone_display
from aida.steps import SLOT_STEPS, STEPS, Ask, Env, Message, Note
from aida.steps.confirm import lead_from, make_lead
from aida.understanding.types import Intent, ReplyDraft, Understanding

CALL_ME = "Перезвоните мне"
CONTINUE = "Продолжить здесь"
RESTART = "Начать заново"
OPERATOR = "Позвать оператора"
FIELD_NAMES = {"tariff": "тариф", "router": "роутер", "cctv_cameras": "видеонаблюдение",
               "static_ip": "постоянный IP", "address": "адрес", "name": "имя",
               "phone": "телефон", "email": "email", "date": "дату", "time": "время"}
REFERRER_SUGGESTIONS = ["От друзей или знакомых", "Нашёл в интернете", "Увидел рекламу",
                        "Пропустить"]


@dataclass
class Decision:
    conv: ConversationState
    draft: ReplyDraft
    lead: Lead | None = None
    referrer: tuple[str, str] | None = None
    events: list[str] = field(default_factory=list)


def _forget(conv: ConversationState, field_name: str) -> bool:
    """Clear a slot the customer wants to change; False when there was nothing to clear."""
    slots = conv.slots
    if field_name == "address":
        if slots.address is None:
            return False
        slots.address = slots.coverage = None
        slots.tech_check = False
        return True
    if field_name == "email":
        if slots.email is None and not slots.email_declined:
            return False
        slots.email, slots.email_declined = None, False
        return True
    if field_name == "router" and slots.router == "included":
        return False  # a gift of the tariff, nothing to choose
    if getattr(slots, field_name) is None:
        return False
    setattr(slots, field_name, None)
    return True


def greeting(env: Env) -> str:
    return (f"Здравствуйте! Я Аида, виртуальный помощник {env.catalog.provider}. Помогу "
            "подобрать тариф и оформить заявку на подключение.")


def decide(conv_in: ConversationState, u: Understanding, text: str, env: Env,
           *, session_id: str, now: dt.datetime) -> Decision:
    """Decide one turn. `u` has been validated against the catalog already."""
    # Steps change only the slots in place (their values are immutable: str, date, frozen
    # Address), and the history is only ever replaced, so a shallow copy of both suffices;
    # the caller's state stays as it was.
    conv = conv_in.model_copy()
    conv.slots = conv_in.slots.model_copy()
    turn = _Turn(conv, u, text, env, session_id, now, pending=conv.pending, offer=conv.offer)
    conv.offer = None  # an offer holds for the one answer right after it
    if not conv_in.history and u.intent is Intent.greeting:
        # Greeted, greet back; a first message that gets to the point gets the point.
        turn.parts.append(greeting(env))
    return turn.run()


@dataclass
class _Turn:
    conv: ConversationState
    u: Understanding
    text: str
    env: Env
    session_id: str
    now: dt.datetime
    pending: str | None
    offer: str | None
    parts: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    lead: Lead | None = None
    referrer: tuple[str, str] | None = None

    # -- the turn ------------------------------------------------------------------------
    def run(self) -> Decision:
        intent = self.u.intent
        if intent is Intent.restart:
            return self._restart()
        if self.offer == "callback" and self._wants_callback():
            return self._callback()
        if intent is Intent.handoff:
            return self._handoff()
        if intent is Intent.cancel:
            return self._cancel()
        if self.conv.step is Step.done:
            return self._after_done()
        return self._onboarding()

    def _onboarding(self) -> Decision:
        conv, env = self.conv, self.env
        before = conv.slots.model_copy()
        step_before = conv.step
        msg = Message(self.u, self.text, self.pending)
        notes: list[Note] = []
        forgotten = [f for f in self.u.reset if _forget(conv, f)]
        if forgotten:
            self.events.append("reset:" + ",".join(forgotten))
            notes.append(Note("Хорошо, изменим " + ", ".join(FIELD_NAMES[f] for f in forgotten)
                              + ".", conv.step))
        for step in (*SLOT_STEPS, Step.confirm):
            notes.extend(STEPS[step].accept(conv, msg, env))
        changed = conv.slots != before or conv.partial_street is not None

        yes_to_summary = (step_before is Step.confirm and self.pending == "confirm"
                          and self.u.intent is Intent.yes and not changed
                          and not any(n.ask for n in notes))
        with flow_for(conv, env, yes_to_summary=yes_to_summary) as flow:
            if not (yes_to_summary and flow.trigger("confirm")):
                flow.settle()
            self.events.extend(f"move:{m}" for m in flow.moves)

        if conv.step is Step.done:
            return self._confirmed()

        self.parts.extend(n.text for n in notes if n.text and n.ask is None)
        answers = self._answers()
        ask = self._reask(notes) or STEPS[conv.step].ask(conv, env)
        said = " ".join(self.parts + [ask.text]).lower()
        self.parts.extend(a for a in answers if a.lower().rstrip(".") not in said)

        understood = (changed or bool(notes) or bool(answers) or bool(flow.moves)
                      or self.u.intent in (Intent.greeting, Intent.chitchat))
        if understood:
            conv.misunderstood = 0
            if self.u.intent is Intent.chitchat and intents.is_thanks(self.text):
                self.parts.append("Пожалуйста!")
        else:
            self._not_understood()
        return self._reply(ask)

    def _answers(self) -> list[str]:
        if self.u.intent is not Intent.question:
            return []
        out = answer(self.u.topics, self.conv, self.env)
        if not out and not self.u.slots.has_slots():
            out = ["На этот вопрос точно ответит оператор. " + support_text(self.env)]
            self.events.append("unanswered_question")
        return out

    def _reask(self, notes: list[Note]) -> Ask | None:
        """A precise re-ask from a step the conversation has reached, if any."""
        order = list(Step)
        here = order.index(self.conv.step)
        for note in notes:
            if note.ask is not None and order.index(note.step) <= here:
                return note.ask
        return None

    def _not_understood(self) -> None:
        self.conv.misunderstood += 1
        self.events.append("not_understood")
        if self.conv.misunderstood == 1:
            self.parts.append("Не совсем поняла вас.")
        else:
            self.parts.append("Извините, не получается разобрать ответ. Можно выбрать вариант "
                              "кнопкой или позвать оператора.")

    def _reply(self, ask: Ask, extra: list[str] | None = None) -> Decision:
        self.conv.pending = ask.expect
        suggestions = list(ask.suggestions)
        if self.conv.misunderstood >= 2 and OPERATOR not in suggestions:
            suggestions.append(OPERATOR)
        suggestions.extend(extra or [])
        self.parts.append(ask.text)
        return self._decision(suggestions)

    def _decision(self, suggestions: list[str]) -> Decision:
        facts = {"step": self.conv.step.value, "slots": self.conv.slots.model_dump(mode="json")}
        draft = ReplyDraft(parts=[p for p in self.parts if p], suggestions=suggestions,
                           facts=facts)
        return Decision(self.conv, draft, self.lead, self.referrer, self.events)

    # -- repairs -------------------------------------------------------------------------
    def _restart(self) -> Decision:
        with flow_for(self.conv, self.env) as flow:
            flow.trigger("restart")
            self.events.extend(f"move:{m}" for m in flow.moves)
        self.events.append("restart")
        self.parts.append("Хорошо, начнём заново.")
        return self._reply(STEPS[Step.tariff].ask(self.conv, self.env))

    def _handoff(self) -> Decision:
        self.events.append("handoff")
        self.conv.offer = "callback"
        self.parts.append(support_text(self.env))
        if self.conv.slots.phone:
            self.parts.append(f"Если удобнее, оператор перезвонит вам по номеру "
                              f"{phone_display(self.conv.slots.phone)} в рабочее время.")
            suggestions = [CALL_ME, CONTINUE]
        else:
            self.parts.append("Если удобнее, напишите номер телефона — оператор перезвонит "
                              "вам в рабочее время.")
            suggestions = [CONTINUE]
        self.conv.pending = "callback"
        return self._decision(suggestions)

    def _wants_callback(self) -> bool:
        if self.u.slots.phone:
            return True
        return bool(self.conv.slots.phone) and self.u.intent in (Intent.yes, Intent.handoff)

    def _callback(self) -> Decision:
        conv = self.conv
        if self.u.slots.phone:
            conv.slots.phone = self.u.slots.phone
        if self.u.slots.name:
            conv.slots.name = self.u.slots.name
        assert conv.slots.phone is not None
        if conv.callback_lead_id is None:
            self.lead = lead_from(conv, self.env, self.session_id, self.now, kind="callback",
                                  tags=["AIDA", "обратный звонок"])
            conv.callback_lead_id = self.lead.id
            self.events.append("callback_requested")
        self.parts.append(f"Готово: оператор перезвонит вам по номеру "
                          f"{phone_display(conv.slots.phone)} в рабочее время. А пока можем "
                          "продолжить здесь.")
        if conv.step is Step.done:
            return self._decision([RESTART])
        return self._reply(STEPS[conv.step].ask(conv, self.env))

    def _cancel(self) -> Decision:
        self.events.append("cancel")
        self.parts.append("Хорошо, заявку пока не оформляю. Если передумаете — напишите, "
                          "продолжим с того же места.")
        return self._decision(["Продолжить", RESTART])

    # -- the end -------------------------------------------------------------------------
    def _confirmed(self) -> Decision:
        conv, env = self.conv, self.env
        self.lead = make_lead(conv, env, self.session_id, self.now)
        conv.lead_id = self.lead.id
        self.events.append("lead_confirmed")
        slots = conv.slots
        assert slots.date is not None
        when = f"{date_label(slots.date, env.today)}, {slots.time}"
        if slots.tech_check:
            self.parts.append(f"Спасибо, {slots.name}! Заявка на техническую проверку адреса "
                              f"принята: мастер приедет {when} и уточнит, можно ли подключиться.")
        else:
            self.parts.append(f"Спасибо, {slots.name}! Заявка принята: мастер приедет {when}. "
                              "Менеджер позвонит накануне, чтобы подтвердить визит.")
        self.parts.append("Подскажите, пожалуйста, как вы о нас узнали или кто вам нас "
                          "порекомендовал?")
        conv.referrer_asked = True
        conv.pending = "referrer"
        return self._decision(REFERRER_SUGGESTIONS)

    def _after_done(self) -> Decision:
        conv = self.conv
        if self.u.intent is Intent.question:
            answers = answer(self.u.topics, conv, self.env)
            self.parts.extend(answers or [support_text(self.env)])
            conv.pending = None  # the referrer question is asked once, never again
            return self._decision([RESTART])
        if self.pending == "referrer":
            conv.pending = None
            if intents.is_skip(self.text):
                self.parts.append(f"Хорошо! Спасибо, что выбрали {self.env.catalog.provider}.")
            else:
                referrer = " ".join(self.text.split())[:200]
                conv.slots.referrer = referrer
                if conv.lead_id:
                    self.referrer = (conv.lead_id, referrer)
                self.events.append("referrer")
                self.parts.append("Спасибо, это нам очень помогает!")
            self.parts.append("Если появятся вопросы — пишите, я на связи.")
            return self._decision([RESTART])
        if intents.is_thanks(self.text):
            self.parts.append("Рада помочь! Хорошего дня.")
            return self._decision([RESTART])
        self.parts.append("Ваша заявка уже принята. Чтобы что-то изменить в ней, напишите в "
                          "поддержку. " + support_text(self.env) + " Хотите оформить ещё одно "
                          "подключение?")
        return self._decision([RESTART])
