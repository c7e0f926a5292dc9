"""Step 5 — schedule: installation date and time, never in the past, inside working hours.

The working hours, the notice needed and how far ahead one may book are catalog data. A
date without a time asks for the time; a time without a date asks for the day. The check is
re-run whenever the step is judged, so a conversation resumed days later cannot confirm a
date that has meanwhile passed.
"""

from __future__ import annotations

import datetime as dt

from aida.domain import ConversationState, Step
from aida.replies.format import date_label
from aida.steps.base import Ask, Env, Message, Note, ahead_of
from aida.understanding import questions as q

STEP = Step.schedule

NEAREST = ["Завтра утром", "Завтра вечером", "Послезавтра"]
_VERIFY = {"Да, верно": q.YES, "Нет, другой день": q.NO}
PARTS_OF_DAY = (("Утром", dt.time(9, 0)), ("Днём", dt.time(13, 0)), ("Вечером", dt.time(18, 0)))


def parse_time(value: str | None) -> dt.time | None:
    if not value:
        return None
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        return None


def _too_soon(d: dt.date, t: dt.time, env: Env) -> bool:
    earliest = env.now + dt.timedelta(minutes=env.catalog.hours.min_notice_minutes)
    return dt.datetime.combine(d, t, tzinfo=env.now.tzinfo) < earliest


def problem(d: dt.date | None, t: dt.time | None, env: Env) -> str | None:
    """Why this date/time cannot be booked (past, too_far, outside_hours, too_soon), or None."""
    hours = env.catalog.hours
    if d is not None and d < env.today:
        return "past"
    if d is not None and (d - env.today).days > hours.max_days_ahead:
        return "too_far"
    if t is not None and not hours.contains(t):
        return "outside_hours"
    if d is not None and t is not None and _too_soon(d, t, env):
        return "too_soon"
    return None


def _problem_text(code: str, env: Env) -> str:
    hours = env.catalog.hours
    return {
        "past": "Эта дата уже прошла. Выберите, пожалуйста, другой день.",
        "too_far": f"Записаться можно на ближайшие {hours.max_days_ahead} дней. "
                   "Выберите, пожалуйста, дату пораньше.",
        "outside_hours": f"Мастер приезжает {hours.label()}. Выберите, пожалуйста, время в этом "
                         "промежутке.",
        "too_soon": "На это время уже не успеем. Выберите, пожалуйста, время попозже или "
                    "другой день.",
    }[code]


def accept(conv: ConversationState, msg: Message, env: Env) -> list[Note]:
    slots, found = conv.slots, msg.u.slots
    new_date, new_time = found.date, parse_time(found.time)
    other, conv.other_date = conv.other_date, None
    said_time = slots.time
    if msg.answers("verify_date") and new_date is None and slots.date is not None:
        if msg.no and other is not None and problem(other, None, env) is None:
            slots.date = other  # the other reading, read back in its turn
            return [Note("", STEP, Ask("verify_date", f"Значит, {date_label(other, env.today)}"
                                       f"{_at(slots.time)}?", list(_VERIFY), _VERIFY))]
        if msg.no:
            slots.date = None
            return [Note("", STEP, Ask("date", "На какой день записать мастера?", NEAREST))]
        if msg.yes:
            return [Note(f"Записала: {date_label(slots.date, env.today)}.", STEP)]
    if msg.answers("time") and new_date is None and new_time is None and slots.time is not None:
        # the answer to "Правильно понимаю: в 20:00?" (an hour read inside the working hours)
        if msg.no:
            slots.time = None
            return [Note("", STEP, Ask("time", "Во сколько вам удобно? Мастер приезжает "
                                       f"{env.catalog.hours.label()}.",
                                       _time_suggestions(slots.date, env)))]
        if msg.yes:
            return [Note(f"Записала: {slots.time}.", STEP)]
    if new_date is None and new_time is None:
        return []
    date = new_date or slots.date
    time = new_time or parse_time(slots.time)

    if new_date is not None and problem(new_date, None, env):
        code = problem(new_date, None, env)
        assert code is not None
        return [Note("", STEP, Ask("date", _problem_text(code, env), NEAREST))]
    if new_time is not None and problem(None, new_time, env):
        if new_date is not None:
            slots.date = new_date
        return [Note("", STEP, Ask("time", _problem_text("outside_hours", env),
                                   _time_suggestions(slots.date, env)))]
    if date is not None and time is not None and _too_soon(date, time, env):
        slots.date = date
        slots.time = None
        return [Note("", STEP, Ask("time", _problem_text("too_soon", env),
                                   _time_suggestions(date, env)))]

    # A new date or time given while one is on record, not in answer to the question asking
    # for it (or reading it back), moves the visit.
    changed = (slots.date is not None and slots.time is not None
               and not msg.answers("date", "time", "verify_date"))
    slots.date = date
    slots.time = time.strftime("%H:%M") if time else None
    if ahead_of(conv, STEP) and not changed:
        # Said before its step (at the contacts, say): kept and said back now; its question,
        # or a read-back, would jump the steps, and the summary shows it before the request.
        when = ", ".join(x for x in (date and date_label(date, env.today), slots.time) if x)
        return [Note(f"Визит мастера записала: {when}.", STEP)]
    if new_date is not None and "date" in found.doubtful:
        # "В пятницу" said on a Friday: next week's, but worth a word before it counts
        # (with the time when that is unsure too: «в пятницу в 8»).
        at = f", в {slots.time}" if new_time is not None and "time" in found.doubtful else ""
        conv.other_date = next((dt.date.fromisoformat(p.options[0]) for p in found.problems
                                if p.slot == "date" and p.code == "ambiguous" and p.options),
                               None)
        return [Note("", STEP, Ask("verify_date", f"Правильно понимаю: "
                                   f"{date_label(new_date, env.today)}{at}?",
                                   list(_VERIFY), _VERIFY))]
    said_again = msg.answers("time") and time is not None and said_time == f"{time:%H:%M}"
    if new_time is not None and "time" in found.doubtful and not said_again:
        # (the same words again to «Правильно понимаю: в 09:00?» confirm it)
        # "в 8": 20:00 is inside the working hours, but 08:00 may have been meant.
        verify_time = {f"Да, в {slots.time}": q.YES, "Другое время": q.NO}
        return [Note("", STEP, Ask("time", f"Правильно понимаю: в {slots.time}?",
                                   list(verify_time), verify_time))]
    if changed and date and time:
        return [Note(f"Перенесла визит мастера: {date_label(date, env.today)}, "
                     f"{slots.time}.", STEP)]
    return []


def _at(time: str | None) -> str:
    return f", {time}" if time else ""


def complete(conv: ConversationState, env: Env) -> bool:
    slots = conv.slots
    time = parse_time(slots.time)
    return slots.date is not None and time is not None and problem(slots.date, time, env) is None


def _time_suggestions(d: dt.date | None, env: Env) -> list[str]:
    return [label for label, t in PARTS_OF_DAY
            if env.catalog.hours.contains(t) and (d is None or not _too_soon(d, t, env))]


def ask(conv: ConversationState, env: Env) -> Ask:
    slots, hours = conv.slots, env.catalog.hours
    date, time = slots.date, parse_time(slots.time)
    if date is not None and problem(date, None, env) is None and time is None:
        return Ask("time", f"Во сколько удобно {date_label(date, env.today)}? Мастер приезжает "
                           f"{hours.label()}.", _time_suggestions(date, env),
                   again="В какое время удобно принять мастера? Например: «в 10», «после "
                         "обеда» или «вечером».")
    if time is not None and date is None:
        days = ["Сегодня"] if not _too_soon(env.today, time, env) else []
        return Ask("date", f"На какой день записать мастера к {slots.time}?",
                   [*days, "Завтра", "Послезавтра"])
    if date is not None and time is not None:
        code = problem(date, time, env)
        if code:
            return Ask("date", _problem_text(code, env), NEAREST)
    return Ask("date", f"Когда вам удобно принять мастера? Подключаем ежедневно {hours.label()}.",
               NEAREST, again="На какой день записать мастера? Например: «завтра», «в субботу» "
                              "или «5 декабря».")
