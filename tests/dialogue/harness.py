"""Drive the real engine (offline brain) turn by turn, as the service does, without storage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from aida.catalog import Catalog, default_catalog
from aida.dialogue.engine import Engine
from aida.dialogue.types import TurnResult
from aida.domain import ConversationState, Lead, Step
from aida.nlu.brain import OfflineBrain

TZ = ZoneInfo("Europe/Volgograd")
# Friday, 27 November 2026, 13:00 in Volgograd: "завтра" is Saturday the 28th.
NOW = dt.datetime(2026, 11, 27, 13, 0, tzinfo=TZ)


def make_engine(catalog: Catalog | None = None) -> Engine:
    catalog = catalog or default_catalog()
    return Engine(catalog, OfflineBrain(catalog), TZ)


@dataclass
class Dialogue:
    engine: Engine
    now: dt.datetime = NOW
    session_id: str = "test-session"
    state: ConversationState = field(default_factory=ConversationState)
    results: list[TurnResult] = field(default_factory=list)
    leads: list[Lead] = field(default_factory=list)
    referrers: list[tuple[str, str]] = field(default_factory=list)
    moves: list[str] = field(default_factory=list)

    async def say(self, text: str) -> TurnResult:
        result = await self.engine.turn(self.state, text, now=self.now,
                                        session_id=self.session_id)
        self.state = result.state
        self.results.append(result)
        if result.lead is not None:
            self.leads.append(result.lead)
        if result.referrer is not None:
            self.referrers.append(result.referrer)
        self.moves.extend(e.removeprefix("move:") for e in result.events
                          if e.startswith("move:"))
        return result

    @property
    def last(self) -> TurnResult:
        return self.results[-1]

    @property
    def reply(self) -> str:
        return self.last.reply

    @property
    def step(self) -> Step:
        return self.state.step

    @property
    def pending(self) -> str | None:
        return self.state.pending
