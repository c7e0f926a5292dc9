"""The offline brain: rule-based slot extraction (`aida.nlu`) and template wording."""

from __future__ import annotations

from typing import get_args

from aida.catalog import Catalog
from aida.nlu import extract, intents
from aida.nlu.tariff import QUESTION
from aida.understanding.brain import DeltaSink
from aida.understanding.types import Expect, Intent, ReplyDraft, TurnContext, Understanding

# The pending questions the extractor itself understands (the rest are yes/no or free text).
_EXTRACT_EXPECTS = frozenset(get_args(Expect)) - {
    "confirm",
    "change",
    "verify_address",
    "verify_name",
    "verify_date",
    "referrer",
    "callback",
    "tech_check",
}


class OfflineBrain:
    name = "offline"

    def __init__(self, catalog: Catalog):
        self.catalog = catalog

    async def understand(self, message: str, ctx: TurnContext) -> Understanding:
        return self.read(message, ctx)

    def read(self, message: str, ctx: TurnContext) -> Understanding:
        expect = ctx.expect if ctx.expect in _EXTRACT_EXPECTS else None
        slots = extract(message, now=ctx.now, catalog=ctx.catalog, expect=expect)
        reading = intents.read(message, ctx.catalog, has_slots=slots.has_slots())
        topics = list(reading.topics)
        if reading.intent is Intent.question and slots.tariff is None:
            topics.extend(f"tariff:{name}" for name in self._asked_about(message, ctx))
        found = slots.found()
        reset = [
            f
            for f in intents.changes(message, bare=ctx.expect == "change")
            if f not in found and not (f == "address" and slots.problems)
        ]
        return Understanding(
            intent=reading.intent,
            slots=slots,
            topics=topics,
            email_declined=reading.email_declined,
            reset=reset,
        )

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
