"""The dashboard's numbers for a date range, from the database (so every instance agrees).

- the funnel: sessions begun in the range, how many reached each step, where they dropped;
- conversion: sessions that reached `done` (a confirmed connection or technical-check lead)
  out of the sessions begun;
- handling time: from a lead's first message to its confirmation (connection and technical
  check leads; a callback request is not an onboarding);
- leads confirmed in the range by kind, by day, and by `utm_source` / `utm_campaign`;
- past «заявка», the outcome in the CRM (from amoCRM's status-change webhooks): in work,
  connected (won, 142) or lost (143) with the reason, overall and per source.

Dates are the provider's (AIDA_TIMEZONE), both ends included.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, ValidationError

from aida.crm.amocrm.webhooks import LOST_STATUS, WON_STATUS
from aida.domain import STEP_ORDER, Step
from aida.store.base import LeadStat, Store

DEFAULT_DAYS = 30
MAX_DAYS = 366
NO_VALUE = "(нет)"


class BadRange(ValueError):
    """The query's dates cannot be read, or the range is backwards or too long."""


class DateRange(BaseModel):
    start: dt.date  # first day, included
    end: dt.date  # last day, included
    tz: str

    @property
    def since(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(), ZoneInfo(self.tz))

    @property
    def until(self) -> dt.datetime:
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), ZoneInfo(self.tz))

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=n) for n in range((self.end - self.start).days + 1)]


def parse_range(start: str | None, end: str | None, tz: ZoneInfo, today: dt.date) -> DateRange:
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD`; a missing end is today, a missing start 30 days back."""
    try:
        last = dt.date.fromisoformat(end) if end else today
        first = dt.date.fromisoformat(start) if start else last - dt.timedelta(DEFAULT_DAYS - 1)
    except ValueError:
        raise BadRange("даты — в виде ГГГГ-ММ-ДД") from None
    if first > last:
        raise BadRange("начало периода позже конца")
    if (last - first).days >= MAX_DAYS:
        raise BadRange(f"период — не больше {MAX_DAYS} дней")
    try:
        return DateRange(start=first, end=last, tz=str(tz))
    except ValidationError as e:
        raise BadRange(str(e)) from None


class StepRow(BaseModel):
    step: Step
    reached: int  # sessions that got to this step (or further)
    dropped: int  # of those, how many stopped here (0 for `done`)
    share: float | None  # reached ÷ sessions begun


class SourceRow(BaseModel):
    utm_source: str
    utm_campaign: str
    leads: int
    connected: int = 0  # won in the CRM (amoCRM status 142)
    lost: int = 0  # closed as lost (143)


class Outcome(BaseModel):
    """Past «заявка»: what became of the leads in the CRM, from its status-change webhooks."""

    in_crm: int  # delivered
    in_work: int  # delivered, not closed yet
    connected: int
    lost: int
    connection_rate: float | None  # connected ÷ delivered
    loss_reasons: dict[str, int]


class DayRow(BaseModel):
    day: dt.date
    leads: int


class Funnel(BaseModel):
    start: dt.date
    end: dt.date
    sessions: int  # begun in the range
    steps: list[StepRow]
    converted: int  # sessions that reached `done`
    conversion: float | None  # converted ÷ sessions
    leads: int  # confirmed in the range, all kinds
    leads_by_kind: dict[str, int]
    leads_by_delivery: dict[str, int]
    avg_handling_seconds: float | None
    median_handling_seconds: float | None
    by_source: list[SourceRow]
    by_day: list[DayRow] = Field(default_factory=list)
    outcome: Outcome | None = None


def _steps(reached: dict[Step, int]) -> list[StepRow]:
    started = reached[STEP_ORDER[0]]
    rows = []
    for i, step in enumerate(STEP_ORDER):
        following = reached[STEP_ORDER[i + 1]] if i + 1 < len(STEP_ORDER) else reached[step]
        rows.append(
            StepRow(
                step=step,
                reached=reached[step],
                dropped=reached[step] - following,
                share=reached[step] / started if started else None,
            )
        )
    return rows


def _handling_seconds(stats: list[LeadStat]) -> list[float]:
    return [
        (s.created_at - s.started_at).total_seconds()
        for s in stats
        if s.kind != "callback" and s.started_at is not None and s.started_at <= s.created_at
    ]


def _by_source(stats: list[LeadStat]) -> list[SourceRow]:
    key = lambda s: (s.utm_source or NO_VALUE, s.utm_campaign or NO_VALUE)
    counts = Counter(key(s) for s in stats)
    won = Counter(key(s) for s in stats if s.crm_status_id == WON_STATUS)
    lost = Counter(key(s) for s in stats if s.crm_status_id == LOST_STATUS)
    return [
        SourceRow(
            utm_source=source,
            utm_campaign=campaign,
            leads=n,
            connected=won[(source, campaign)],
            lost=lost[(source, campaign)],
        )
        for (source, campaign), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def _outcome(stats: list[LeadStat]) -> Outcome:
    delivered = [s for s in stats if s.delivery == "delivered"]
    connected = sum(1 for s in delivered if s.crm_status_id == WON_STATUS)
    lost = [s for s in delivered if s.crm_status_id == LOST_STATUS]
    return Outcome(
        in_crm=len(delivered),
        in_work=len(delivered) - connected - len(lost),
        connected=connected,
        lost=len(lost),
        connection_rate=connected / len(delivered) if delivered else None,
        loss_reasons=dict(Counter(s.crm_loss_reason or NO_VALUE for s in lost).most_common()),
    )


def _by_day(stats: list[LeadStat], rng: DateRange) -> list[DayRow]:
    tz = ZoneInfo(rng.tz)
    counts = Counter(s.created_at.astimezone(tz).date() for s in stats)
    return [DayRow(day=day, leads=counts.get(day, 0)) for day in rng.days()]


async def build_funnel(store: Store, rng: DateRange) -> Funnel:
    reached = await store.funnel(rng.since, rng.until)
    stats = await store.lead_stats(rng.since, rng.until)
    sessions = reached[Step.tariff]
    converted = reached[Step.done]
    handling = _handling_seconds(stats)
    return Funnel(
        start=rng.start,
        end=rng.end,
        sessions=sessions,
        steps=_steps(reached),
        converted=converted,
        conversion=converted / sessions if sessions else None,
        leads=len(stats),
        leads_by_kind=dict(Counter(s.kind for s in stats)),
        leads_by_delivery=dict(Counter(s.delivery for s in stats)),
        avg_handling_seconds=statistics.fmean(handling) if handling else None,
        median_handling_seconds=statistics.median(handling) if handling else None,
        by_source=_by_source(stats),
        by_day=_by_day(stats, rng),
        outcome=_outcome(stats),
    )
