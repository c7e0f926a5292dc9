"""The offline brain: rule-based slot extraction (`aida.nlu`) and template wording."""

from __future__ import annotations

import re
from typing import get_args

from aida.catalog import Catalog
from aida.dialogue.types import DeltaSink
from aida.llm.types import Expect, Intent, ReplyDraft, TurnContext, Understanding
from aida.nlu import extract, intents

# The pending questions the extractor itself understands (the rest are yes/no or free text).
_EXTRACT_EXPECTS = frozenset(get_args(Expect)) - {
    "confirm", "change", "verify_address", "verify_name", "referrer", "callback", "tech_check"
}
_CLAUSE = re.compile(r"[^.!?;,\n]+[.!?;,\n]*")


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
        if reading.intent is Intent.question and slots.tariff:
            # "Сколько стоит Премиум?" asks about a tariff; it does not choose it.
            if self._only_asked_about(message, slots.tariff, ctx):
                topics.append(f"tariff:{slots.tariff}")
                slots = slots.model_copy(update={"tariff": None, "segment": None})
        found = slots.found()
        reset = [f for f in intents.changes(message, bare=ctx.expect == "change")
                 if f not in found and not (f == "address" and slots.problems)]
        return Understanding(intent=reading.intent, slots=slots, topics=topics,
                             email_declined=reading.email_declined, reset=reset)

    def _only_asked_about(self, message: str, tariff: str, ctx: TurnContext) -> bool:
        for clause in _CLAUSE.findall(message):
            found = extract(clause, now=ctx.now, catalog=ctx.catalog).tariff
            if found == tariff and not intents.is_question(clause):
                return False
        return True

    async def word(self, draft: ReplyDraft, ctx: TurnContext,
                   on_delta: DeltaSink | None = None) -> str:
        text = draft.text()
        if on_delta is not None:
            await on_delta(text)
        return text
