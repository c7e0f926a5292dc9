"""The offline brain: rule-based reading (`aida.nlu`) and template wording.

A message is read against the pending question's answer space first
(`aida.nlu.answer_space`), then for every slot (`aida.nlu.extract`, which reads a bare value
as the asked slot), then for what the customer wants (`aida.nlu.intents`). The result is
validated against the catalog (`aida.nlu.validate`) before it leaves the brain.
"""

from __future__ import annotations

import datetime as dt

from aida.catalog import Catalog
from aida.domain import ConversationState, Segment, Step
from aida.nlu import extract, intents
from aida.nlu.answer_space import read_space
from aida.nlu.fixes import fixed_address
from aida.nlu.tariff import QUESTION
from aida.nlu.typos import fix_typos
from aida.nlu.validate import validate_understanding
from aida.understanding import questions as q
from aida.understanding.brain import DeltaSink
from aida.understanding.questions import AnswerSpace
from aida.understanding.slots import SLOTS
from aida.understanding.types import (
    Expect,
    Extraction,
    Intent,
    Problem,
    ReplyDraft,
    TurnContext,
    Understanding,
)


def _offers_extras(space: AnswerSpace | None) -> bool:
    """The pending question offers an extra (a router, cameras, a static IP)."""
    return bool(space and space.slot and SLOTS[space.slot].step is Step.extras)


# Questions whose answer a phone is («звоните мне, 8 903 …» there is the phone, not a call back).
CONTACT_QUESTIONS = ("consent", "name", "phone", "email", "verify_name", "callback")

# «частный дом» there answers about the flat, not home or office.
FLAT_QUESTIONS = ("house", "flat")

# Until this hour, in a conversation begun the day before, «завтра» may mean the day that
# has just begun: it is read back.
NIGHT_ENDS = 5


def _day_turned(ctx: TurnContext) -> bool:
    """It is night, and the conversation began the day before."""
    began = ctx.began
    return (ctx.now.hour < NIGHT_ENDS and began is not None
            and began.astimezone(ctx.now.tzinfo).date() < ctx.now.date())


class OfflineBrain:
    name = "offline"

    def __init__(self, catalog: Catalog):
        self.catalog = catalog

    async def understand(self, message: str, ctx: TurnContext) -> Understanding:
        return self.validate(self.read(message, ctx), ctx)

    def validate(self, u: Understanding, ctx: TurnContext) -> Understanding:
        """Every value checked against the catalog (for another brain's reading too)."""
        return validate_understanding(u, ctx)

    def extract(self, text: str, ctx: TurnContext, expect: Expect | None) -> Extraction:
        """The slots in `text` as if the customer had typed it after question `expect` (an
        LLM brain re-reads the model's values with it)."""
        return extract(text, now=ctx.now, catalog=ctx.catalog, expect=expect, city=ctx.city)

    def warm_up(self, now: dt.datetime) -> None:
        """Load the dictionaries now, not on the first customer's turn."""
        ctx = TurnContext(step=ConversationState().step, expect=None,
                          slots=ConversationState().slots, now=now, catalog=self.catalog)
        self.read("Здравствуйте, я Иван, +7 999 123-45-67, ivan@mail.ru, ул. Мира 5, завтра "
                  "вечером, Пакет Премиум", ctx)

    def read(self, message: str, ctx: TurnContext) -> Understanding:
        space = ctx.expect
        message = fix_typos(message, ctx.catalog)  # «интернкт», «волжкий»: the words meant
        heard = read_space(message, space)
        # A question that asks for a slot lets a bare value count as that slot.
        slots = extract(message, now=ctx.now, catalog=ctx.catalog,
                        expect=space.key if space and space.slot else None, city=ctx.city)
        if heard.slot and getattr(slots, heard.slot) is None:
            setattr(slots, heard.slot, heard.value)
        if slots.address is None and (fixed := fixed_address(message, ctx.slots.address)):
            slots.address = fixed
        if slots.date is not None and _day_turned(ctx) and intents.RELATIVE_DAY.search(
                intents.normalise(message)):
            # «завтра» may still count from the day just ended: read back, with that day as
            # the other reading
            slots.doubtful.append("date")
            other = slots.date - dt.timedelta(days=1)
            if other >= ctx.now.date():
                slots.problems.append(Problem(slot="date", code="ambiguous",
                                              value=slots.date.isoformat(),
                                              options=[other.isoformat()]))
        if slots.tariff is None and space is not None and space.key == "tariff":
            slots.tariff = self._ranked_tariff(message, slots.segment or ctx.slots.segment)
            if slots.tariff is not None:
                # «самый простой офисный»: the rank settles which of the office tariffs
                slots.problems = [p for p in slots.problems if p.slot != "tariff"]
            elif intents.picks_the_one(message):
                heard.intent = Intent.yes  # «давайте его»: the one just advised, if any
        if slots.tariff is None and (asked := self._asked_then_picked(message, ctx)) is not None:
            # «а стандарт 200 мбит? давайте его», at any question
            slots.tariff = asked
            slots.problems = [p for p in slots.problems if p.slot != "tariff"]
        if slots.segment and ctx.slots.segment and (
                space is not None and space.key in FLAT_QUESTIONS
                or not slots.found() and intents.is_question(intents.normalise(message))):
            # «а счёт на юрлицо выставляете?» asks, and «частный дом» to the flat question of
            # a cafe's order answers the flat: neither switches home and office
            slots.segment = None
        has_slots = slots.tells_news(ctx.slots)
        reading = intents.read(message, ctx.catalog, has_slots=has_slots)
        intent = reading.intent
        if (slots.phone and intent is not Intent.handoff and (space is None or space.key not in
                CONTACT_QUESTIONS) and intents.CALL_ME.search(intents.normalise(message))):
            # «позвоните мне, Нина Петровна, 8 961 …» before any contact is asked: a call back
            intent = Intent.handoff
        # «да, для стримов пригодится» answers the question; the need only says why.
        questioned = intent is Intent.question and all(
            t.startswith("need:") for t in reading.topics)
        if heard.intent is not None and not has_slots and (questioned or heard.after_question
                                                           or intent in (
                Intent.yes, Intent.no, Intent.unknown, Intent.chitchat, Intent.cancel)):
            # «нет спасибо», «ага», «-» answer the yes/no question asked; «ничего не надо»
            # there declines it, it does not end the conversation.
            intent = heard.intent
        if space is not None and space.key == "consent" and heard.intent is not None:
            # Consent is given or refused in so many words, whatever else the message holds
            # («согласна, я Анна, 8 999…», «без согласия никак? тогда нет»).
            intent = heard.intent
        elif space is not None and space.key == "consent" and intent is Intent.yes:
            intent = Intent.unknown  # a yes the consent reading did not hear is no consent
        no_more = reading.no_more and _offers_extras(space)
        if no_more and intent is Intent.cancel:
            intent = Intent.no  # «доп услуги не нужны» declines the extras, not the order
        topics = list(reading.topics)
        if (intent is Intent.unknown and space is not None and heard.intent is None
                and not has_slots and intents.UNDECIDED.search(intents.normalise(message))):
            # «не знаю, надо с менеджером обсудить» to a question: what it is for, and the
            # question again (never a guess at the answer)
            intent, topics = Intent.question, ["asked"]
        if (intent is Intent.unknown and not (slots.segment or ctx.slots.segment)
                and (rank := intents.picked_by_rank(message)) is not None):
            # «самый дешёвый» before home or office is chosen: which tariff that is, and the
            # question again (the rank picks no tariff of a segment not chosen)
            intent, topics = Intent.question, [rank]
        if "compare" in topics:
            # «чем Безлимитище лучше Премиума» names two tariffs to compare, not to choose
            slots.problems = [p for p in slots.problems if p.slot != "tariff"]
        if intent is Intent.question and slots.tariff is None:
            topics.extend(f"tariff:{name}" for name in self._asked_about(message, ctx))
        found = slots.found()
        reset = [
            f
            for f in intents.changes(message, bare=ctx.asked == "change")
            if f not in found and not (f == "address" and slots.problems)
        ]
        if intent is Intent.cancel and reset:
            intent = Intent.correction  # «стоп, квартира не 18 а 81»: a fix, not a stop
        choice = heard.choice
        return Understanding(
            intent=intent,
            slots=slots,
            topics=topics,
            email_declined=reading.email_declined,
            reset=reset,
            free_text=heard.free_text,
            choice=choice,
            wants_change=reading.wants_change or choice == q.CHANGE,
            skip=reading.skip or choice == q.SKIP,
            thanks=reading.thanks,
            greets=reading.greets,
            no_more=no_more,
            house=heard.house,
            flat=heard.flat,
        )

    def _ranked_tariff(self, message: str, segment: Segment | None) -> str | None:
        """«давайте самый дешёвый» to the tariff question picks that tariff of the segment."""
        rank = intents.picked_by_rank(message)
        if rank == "cheapest":
            return self.catalog.cheapest(segment).name
        if rank == "fastest":
            return self.catalog.fastest(segment).name
        return None

    def _asked_then_picked(self, message: str, ctx: TurnContext) -> str | None:
        """«безлимитище на 500? беру»: one tariff asked about, then taken after the question."""
        head, mark, tail = message.rpartition("?")
        if not mark or not intents.PICK.search(intents.normalise(tail)):
            return None
        named = self._asked_about(head, ctx)
        return named[0] if len(named) == 1 else None

    def _asked_about(self, message: str, ctx: TurnContext) -> list[str]:
        """Tariffs a question names ("сколько стоит премиум?"): the extractor does not take
        a tariff from a question as a choice, so read the question without its question words."""
        plain = QUESTION.sub(" ", message.lower()).replace("?", " ")
        found = extract(plain, now=ctx.now, catalog=ctx.catalog)
        if found.tariff:
            return [found.tariff]
        return next(
            (p.options for p in found.problems if p.slot == "tariff" and p.code == "ambiguous"), []
        )

    async def word(
        self, draft: ReplyDraft, ctx: TurnContext, on_delta: DeltaSink | None = None
    ) -> str:
        text = draft.text()
        if on_delta is not None:
            await on_delta(text)
        return text
