"""When managers answer in the chat (catalog data `operator_hours`), holidays included.

Times are local (AIDA_TIMEZONE). A day is "HH:MM-HH:MM" ("24:00" ends at midnight) or ""
for a day off; a date in `holidays` is a day off whatever its weekday.
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel, Field, field_validator

_SPAN = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SHORT = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
# How far ahead the next opening is looked for (a long holiday is still found).
LOOK_AHEAD_DAYS = 31


def _span(text: str) -> tuple[int, int] | None:
    """(start, end) in minutes after midnight; None for a day off."""
    if not text.strip():
        return None
    m = _SPAN.match(text)
    if not m:
        raise ValueError(f"{text!r}: expected HH:MM-HH:MM or an empty string for a day off")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if h1 > 23 or m1 > 59 or m2 > 59 or end > 24 * 60 or start >= end:
        raise ValueError(f"{text!r}: not a span of one day")
    return start, end


class OperatorHours(BaseModel):
    mon: str = "09:00-18:00"
    tue: str = "09:00-18:00"
    wed: str = "09:00-18:00"
    thu: str = "09:00-18:00"
    fri: str = "09:00-18:00"
    sat: str = ""
    sun: str = ""
    holidays: list[dt.date] = Field(default_factory=list)

    @field_validator(*DAY_NAMES)
    @classmethod
    def _valid_span(cls, v: str) -> str:
        _span(v)
        return v

    def span(self, day: dt.date) -> tuple[dt.time, dt.time | None] | None:
        """(opens, closes) that day; closes is None for midnight; None for a day off."""
        if day in self.holidays:
            return None
        minutes = _span(getattr(self, DAY_NAMES[day.weekday()]))
        if minutes is None:
            return None
        start, end = minutes
        closes = None if end == 24 * 60 else dt.time(end // 60, end % 60)
        return dt.time(start // 60, start % 60), closes

    def is_open(self, now: dt.datetime) -> bool:
        """`now` in the provider's zone."""
        span = self.span(now.date())
        if span is None:
            return False
        opens, closes = span
        t = now.time().replace(tzinfo=None)
        return opens <= t and (closes is None or t < closes)

    def label(self) -> str:
        """`пн–пт с 09:00 до 20:00, сб с 10:00 до 18:00`: the week, like days joined."""
        groups: list[tuple[list[str], str]] = []
        for name, short in zip(DAY_NAMES, _SHORT, strict=True):
            span = getattr(self, name).strip()
            if not span:
                continue
            start, end = (part.strip() for part in span.split("-"))
            text = f"с {start} до {end}"
            if groups and groups[-1][1] == text and DAY_NAMES.index(name) == (
                _SHORT.index(groups[-1][0][-1]) + 1
            ):
                groups[-1][0].append(short)
            else:
                groups.append(([short], text))
        return ", ".join(
            (days[0] if len(days) == 1 else f"{days[0]}–{days[-1]}") + " " + text
            for days, text in groups
        )

    def next_open(self, now: dt.datetime) -> dt.datetime | None:
        """The next moment managers answer (now if open); None when no opening is near."""
        if self.is_open(now):
            return now
        for ahead in range(LOOK_AHEAD_DAYS + 1):
            day = now.date() + dt.timedelta(days=ahead)
            span = self.span(day)
            if span is None:
                continue
            at = dt.datetime.combine(day, span[0], tzinfo=now.tzinfo)
            if at > now:
                return at
        return None
