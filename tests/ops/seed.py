"""A known set of conversations, run through the real engine with a clock the test controls.

Every turn takes exactly `TURN_GAP` of the clock, so a whole onboarding takes
`(len(ONBOARDING) - 1) * TURN_GAP` from the first message to the confirmation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aida.domain import Attribution, Step
from aida.service.factory import build_engine
from aida.service.turns import TurnEngine, TurnService
from aida.store.base import Store

# The customer's words, one message per step of the way (the brief's scripted turns).
ONBOARDING: tuple[str, ...] = (
    "Здравствуйте, хочу подключить интернет",
    "Тарифы для дома",
    "Пакет Премиум",
    "2 камеры",
    "Не нужен",
    "ул. Мира, 5, кв 12",
    "Согласен",
    "Иван, +7 999 123-45-67",
    "ivan@mail.ru",
    # Not «завтра»: just after midnight (the clock here is the real one) that is read back.
    "Через 3 дня вечером",
    "Да, всё верно",
)
TURN_GAP = dt.timedelta(seconds=30)
HANDLING = (len(ONBOARDING) - 1) * TURN_GAP


@dataclass(frozen=True)
class Conversation:
    session_id: str
    turns: int  # how many of ONBOARDING's messages the customer sent
    days_ago: int
    utm_source: str | None = None
    utm_campaign: str | None = None


# Four leads in the last 30 days (two from one campaign), one 40 days ago, and customers who
# stopped at the first step (twice), at the extras, the address, the contacts, the summary.
CONVERSATIONS: tuple[Conversation, ...] = (
    Conversation("done-yandex-1", len(ONBOARDING), 1, "yandex", "winter"),
    Conversation("done-yandex-2", len(ONBOARDING), 3, "yandex", "winter"),
    Conversation("done-google", len(ONBOARDING), 2, "google", "brand"),
    Conversation("done-direct", len(ONBOARDING), 0),
    Conversation("done-long-ago", len(ONBOARDING), 40, "vk", "autumn"),
    Conversation("stop-tariff-1", 1, 1, "yandex", "winter"),
    Conversation("stop-tariff-2", 2, 4),
    Conversation("stop-extras", 4, 2, "google", "brand"),
    Conversation("stop-address", 5, 5),
    Conversation("stop-contacts", 7, 6, "yandex", "winter"),
    Conversation("stop-confirm", len(ONBOARDING) - 1, 1),
)


class SteppingClock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        moment = self.now
        self.now += TURN_GAP
        return moment


def start_of(days_ago: int, now: dt.datetime) -> dt.datetime:
    """Noon UTC (afternoon in Volgograd) `days_ago` days before `now`; today's is an hour ago."""
    if days_ago == 0:
        return now - dt.timedelta(hours=1)
    day = (now - dt.timedelta(days=days_ago)).date()
    return dt.datetime.combine(day, dt.time(12), dt.UTC)


async def seed(
    store: Store,
    now: dt.datetime,
    *,
    engine: TurnEngine | None = None,
    enqueue_leads: bool = False,
    conversations: tuple[Conversation, ...] = CONVERSATIONS,
) -> dict[str, Step]:
    """Run the conversations; the step each ended at, by session id."""
    from aida.config import Settings

    engine = engine or build_engine(Settings(_env_file=None))  # type: ignore[call-arg]
    steps = {}
    for conv in conversations:
        clock = SteppingClock(start_of(conv.days_ago, now))
        service = TurnService(engine, store, enqueue_leads=enqueue_leads, clock=clock)
        touch = Attribution(utm_source=conv.utm_source, utm_campaign=conv.utm_campaign)
        for n, text in enumerate(ONBOARDING[: conv.turns]):
            outcome = await service.handle(
                conv.session_id, text, message_id=f"m{n}", touch=touch if n == 0 else None
            )
        steps[conv.session_id] = outcome.step
    return steps
